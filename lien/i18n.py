"""The one translation table of the interface (FR default, NL, EN); taxonomy labels live in data/."""

from __future__ import annotations

from lien.taxonomy import LANGS

DEFAULT_LANG = "fr"
LANGUAGE_NAMES: dict[str, str] = {"fr": "Français", "nl": "Nederlands", "en": "English"}

TEXTS: dict[str, dict[str, str]] = {
    "title": {"fr": "Lien — services pour réfugiés et migrants",
              "nl": "Lien — diensten voor vluchtelingen en migranten",
              "en": "Lien — services for refugees and migrants"},
    "tagline": {
        "fr": "Les organisations qui soutiennent réfugiés, demandeurs d'asile, sans-papiers et "
              "mineurs non accompagnés en Belgique.",
        "nl": "Organisaties die vluchtelingen, asielzoekers, mensen zonder papieren en niet-"
              "begeleide minderjarigen in België ondersteunen.",
        "en": "Organisations supporting refugees, asylum seekers, undocumented people and "
              "unaccompanied minors in Belgium."},
    "source_warning": {
        "fr": "Source : brochure de juin 2016. Vérifiez les informations auprès de l'organisation.",
        "nl": "Bron: brochure van juni 2016. Controleer de gegevens bij de organisatie.",
        "en": "Source: brochure of June 2016. Check the details with the organisation."},
    "language": {"fr": "Langue", "nl": "Taal", "en": "Language"},
    "filters": {"fr": "Filtres", "nl": "Filters", "en": "Filters"},
    "service": {"fr": "Service", "nl": "Dienst", "en": "Service"},
    "audience": {"fr": "Public", "nl": "Doelgroep", "en": "Audience"},
    "province": {"fr": "Province ou région", "nl": "Provincie of gewest",
                 "en": "Province or region"},
    "region_02000": {"fr": "Région flamande", "nl": "Vlaams Gewest", "en": "Flemish Region"},
    "region_03000": {"fr": "Région wallonne", "nl": "Waals Gewest", "en": "Walloon Region"},
    "language_spoken": {"fr": "Langue parlée", "nl": "Gesproken taal", "en": "Language spoken"},
    "choose": {"fr": "Choisir…", "nl": "Kiezen…", "en": "Choose…"},
    "keyword": {"fr": "Recherche", "nl": "Zoeken", "en": "Search"},
    "keyword_help": {"fr": "Nom ou description, avec ou sans accents",
                     "nl": "Naam of beschrijving, met of zonder accenten",
                     "en": "Name or description, with or without accents"},
    "include_national": {"fr": "Inclure les organisations nationales ou en ligne",
                         "nl": "Nationale of online organisaties tonen",
                         "en": "Include national or online organisations"},
    "near_me": {"fr": "Près de chez moi", "nl": "In mijn buurt", "en": "Near me"},
    "near_placeholder": {"fr": "Adresse, code postal ou commune",
                         "nl": "Adres, postcode of gemeente",
                         "en": "Address, postcode or town"},
    "radius": {"fr": "Rayon (km)", "nl": "Straal (km)", "en": "Radius (km)"},
    "shown": {"fr": "{sites} sites de {orgs} organisations affichés",
              "nl": "{sites} locaties van {orgs} organisaties getoond",
              "en": "{sites} sites of {orgs} organisations shown"},
    "near_found": {"fr": "Distances depuis {place}", "nl": "Afstanden vanaf {place}",
                   "en": "Distances from {place}"},
    "near_not_found": {
        "fr": "Aucun lieu belge trouvé pour « {query} ». Essayez un code postal ou une commune.",
        "nl": "Geen Belgische plaats gevonden voor „{query}”. Probeer een postcode of gemeente.",
        "en": "No Belgian place found for “{query}”. Try a postcode or a town."},
    "ignored_param": {"fr": "Paramètre d'URL ignoré : {name}={value}",
                      "nl": "URL-parameter genegeerd: {name}={value}",
                      "en": "Ignored URL parameter: {name}={value}"},
    "no_match": {"fr": "Aucun site ne correspond à ces filtres.",
                 "nl": "Geen enkele locatie voldoet aan deze filters.",
                 "en": "No site matches these filters."},
    "national_count": {"fr": "{count} organisations nationales ou en ligne, listées sous la carte",
                       "nl": "{count} nationale of online organisaties, onder de kaart",
                       "en": "{count} national or online organisations, listed below the map"},
    "national_heading": {"fr": "Organisations nationales ou en ligne (hors carte)",
                         "nl": "Nationale of online organisaties (niet op de kaart)",
                         "en": "National or online organisations (not on the map)"},
    "table_heading": {"fr": "Liste des sites de la carte", "nl": "Lijst van de locaties op de kaart",
                      "en": "List of the sites on the map"},
    "col_organisation": {"fr": "Organisation", "nl": "Organisatie", "en": "Organisation"},
    "col_site": {"fr": "Site", "nl": "Locatie", "en": "Site"},
    "col_services": {"fr": "Services", "nl": "Diensten", "en": "Services"},
    "col_town": {"fr": "Commune", "nl": "Gemeente", "en": "Town"},
    "col_distance": {"fr": "Distance (km)", "nl": "Afstand (km)", "en": "Distance (km)"},
    "col_phone": {"fr": "Téléphone", "nl": "Telefoon", "en": "Phone"},
    "col_email": {"fr": "E-mail", "nl": "E-mail", "en": "E-mail"},
    "col_website": {"fr": "Site web", "nl": "Website", "en": "Website"},
    "address": {"fr": "Adresse", "nl": "Adres", "en": "Address"},
    "audiences": {"fr": "Publics", "nl": "Doelgroepen", "en": "Audiences"},
    "languages": {"fr": "Langues", "nl": "Talen", "en": "Languages"},
    "hours": {"fr": "Horaires", "nl": "Openingsuren", "en": "Hours"},
    "precision": {"fr": "Précision", "nl": "Nauwkeurigheid", "en": "Precision"},
    "source": {"fr": "Source", "nl": "Bron", "en": "Source"},
    "directions": {"fr": "Itinéraire", "nl": "Routebeschrijving", "en": "Directions"},
    "approximate": {"fr": "Emplacement approximatif", "nl": "Benaderende locatie",
                    "en": "Approximate location"},
    "approximate_legend": {"fr": "cercle creux : emplacement approximatif",
                           "nl": "holle cirkel: benaderende locatie",
                           "en": "hollow circle: approximate location"},
    "you_are_here": {"fr": "Point de recherche", "nl": "Zoekpunt", "en": "Search point"},
    "legend": {"fr": "Catégorie de service", "nl": "Categorie van dienst",
               "en": "Service category"},
    "prec_address": {"fr": "adresse", "nl": "adres", "en": "address"},
    "prec_postcode": {"fr": "code postal", "nl": "postcode", "en": "postcode"},
    "prec_locality": {"fr": "commune", "nl": "gemeente", "en": "town"},
    "prec_national": {"fr": "national", "nl": "nationaal", "en": "national"},
    "prec_online": {"fr": "en ligne", "nl": "online", "en": "online"},
    "cat_shelter": {"fr": "Accueil et logement", "nl": "Opvang en huisvesting",
                    "en": "Reception and housing"},
    "cat_rights": {"fr": "Droits et accompagnement", "nl": "Rechten en begeleiding",
                   "en": "Rights and social support"},
    "cat_health": {"fr": "Santé", "nl": "Gezondheid", "en": "Health"},
    "cat_learning": {"fr": "Langue, emploi et formation", "nl": "Taal, werk en opleiding",
                     "en": "Language, work and training"},
    "cat_community": {"fr": "Rencontre et solidarité", "nl": "Ontmoeting en solidariteit",
                      "en": "Community and solidarity"},
    "cat_protection": {"fr": "Détention et mineurs", "nl": "Detentie en minderjarigen",
                       "en": "Detention and minors"},
    "cat_material": {"fr": "Aide matérielle", "nl": "Materiële hulp", "en": "Material aid"},
    "download_csv": {"fr": "Télécharger (CSV)", "nl": "Downloaden (CSV)", "en": "Download (CSV)"},
    "download_xlsx": {"fr": "Télécharger (Excel)", "nl": "Downloaden (Excel)",
                      "en": "Download (Excel)"},
    "download_geojson": {"fr": "Télécharger (GeoJSON)", "nl": "Downloaden (GeoJSON)",
                         "en": "Download (GeoJSON)"},
    "refused": {"fr": "Le fichier {name} a été refusé : {count} problème(s).",
                "nl": "Het bestand {name} werd geweigerd: {count} probleem/problemen.",
                "en": "The file {name} was refused: {count} problem(s)."},
}


def normalise_lang(lang: str | None) -> str:
    """A supported language code, French when unknown."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for `key` in `lang`, formatted with `values`; a missing key raises KeyError."""
    entry = TEXTS[key]
    text = entry.get(normalise_lang(lang)) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text
