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
    "table_capped": {"fr": "Les {shown} premiers sites sur {total} ; téléchargez la liste complète "
                           "ou affinez les filtres.",
                     "nl": "De eerste {shown} van {total} locaties; download de volledige lijst of "
                           "verfijn de filters.",
                     "en": "The first {shown} of {total} sites; download the full list or refine "
                           "the filters."},
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
    "coverage_title": {"fr": "Couverture des services", "nl": "Dekking van de diensten",
                       "en": "Service coverage"},
    "coverage_intro": {
        "fr": "Où chaque service existe, et où il manque, selon les filtres de la barre latérale.",
        "nl": "Waar elke dienst bestaat en waar hij ontbreekt, volgens de filters in de zijbalk.",
        "en": "Where each service exists, and where it is missing, with the sidebar's filters."},
    "old_source": {
        "fr": "Attention : la brochure date de juin 2016. Des organisations ont pu changer "
              "d'adresse, de services ou cesser leurs activités.",
        "nl": "Let op: de brochure dateert van juni 2016. Organisaties kunnen intussen verhuisd "
              "zijn, hun diensten gewijzigd hebben of gestopt zijn.",
        "en": "Warning: the brochure dates from June 2016. Organisations may since have moved, "
              "changed their services or closed."},
    "m_organisations": {"fr": "Organisations", "nl": "Organisaties", "en": "Organisations"},
    "m_sites": {"fr": "Sites", "nl": "Locaties", "en": "Sites"},
    "m_services": {"fr": "Services offerts", "nl": "Aangeboden diensten",
                   "en": "Services offered"},
    "m_provinces": {"fr": "Provinces couvertes", "nl": "Gedekte provincies",
                    "en": "Provinces covered"},
    "m_approximate": {"fr": "Sites à l'emplacement approximatif",
                      "nl": "Locaties met benaderende ligging",
                      "en": "Sites with an approximate location"},
    "m_national": {"fr": "Organisations nationales ou en ligne",
                   "nl": "Nationale of online organisaties",
                   "en": "National or online organisations"},
    "m_dates": {"fr": "Date des sources", "nl": "Datum van de bronnen", "en": "Source dates"},
    "undated": {"fr": "non datée", "nl": "ongedateerd", "en": "undated"},
    "matrix_province": {"fr": "Sites par service et par province",
                        "nl": "Locaties per dienst en per provincie",
                        "en": "Sites per service and province"},
    "matrix_region": {"fr": "Sites par service et par région", "nl": "Locaties per dienst en per gewest",
                      "en": "Sites per service and region"},
    "gap_note": {"fr": "✕ = aucun prestataire dans les sources (lacune)",
                 "nl": "✕ = geen aanbieder in de bronnen (lacune)",
                 "en": "✕ = no provider in the sources (gap)"},
    "gap_count": {"fr": "{count} lacunes (service × province sans aucun site)",
                  "nl": "{count} lacunes (dienst × provincie zonder enige locatie)",
                  "en": "{count} gaps (service × province with no site)"},
    "axis_service": {"fr": "Service", "nl": "Dienst", "en": "Service"},
    "axis_area": {"fr": "Zone", "nl": "Gebied", "en": "Area"},
    "national_column": {"fr": "National / en ligne", "nl": "Nationaal / online",
                        "en": "National / online"},
    "sites_count": {"fr": "Sites", "nl": "Locaties", "en": "Sites"},
    "chosen_service": {"fr": "Service à cartographier", "nl": "Dienst voor de kaart",
                       "en": "Service to map"},
    "choropleth_title": {"fr": "Sites de « {service} » par province",
                         "nl": "Locaties voor „{service}” per provincie",
                         "en": "Sites for “{service}” per province"},
    "distance_title": {"fr": "Distance au prestataire le plus proche de « {service} », par commune",
                       "nl": "Afstand tot de dichtstbijzijnde aanbieder van „{service}”, per gemeente",
                       "en": "Distance to the nearest provider of “{service}”, per municipality"},
    "distance_km": {"fr": "Distance (km)", "nl": "Afstand (km)", "en": "Distance (km)"},
    "no_provider": {"fr": "Aucun site ne propose « {service} » avec ces filtres.",
                    "nl": "Geen enkele locatie biedt „{service}” aan met deze filters.",
                    "en": "No site offers “{service}” with these filters."},
    "deserts_title": {"fr": "Déserts de service : les communes les plus éloignées",
                      "nl": "Dienstwoestijnen: de verst afgelegen gemeenten",
                      "en": "Service deserts: the municipalities farthest away"},
    "col_municipality": {"fr": "Commune", "nl": "Gemeente", "en": "Municipality"},
    "col_province": {"fr": "Province", "nl": "Provincie", "en": "Province"},
    "col_nearest": {"fr": "Site le plus proche", "nl": "Dichtstbijzijnde locatie",
                    "en": "Nearest site"},
    "download_matrix_csv": {"fr": "Matrice (CSV)", "nl": "Matrix (CSV)", "en": "Matrix (CSV)"},
    "download_matrix_xlsx": {"fr": "Matrice (Excel)", "nl": "Matrix (Excel)",
                             "en": "Matrix (Excel)"},
    "download_distance_csv": {"fr": "Distances (CSV)", "nl": "Afstanden (CSV)",
                              "en": "Distances (CSV)"},
    "download_distance_xlsx": {"fr": "Distances (Excel)", "nl": "Afstanden (Excel)",
                               "en": "Distances (Excel)"},
    "funder_summary": {"fr": "Résumé pour les bailleurs de fonds", "nl": "Samenvatting voor financiers",
                       "en": "Funder summary"},
    "print_hint": {"fr": "Imprimez cette page (Ctrl+P) pour un résumé A4 : chiffres clés, matrice et "
                         "principales lacunes.",
                   "nl": "Druk deze pagina af (Ctrl+P) voor een A4-samenvatting: kerncijfers, matrix "
                         "en belangrijkste lacunes.",
                   "en": "Print this page (Ctrl+P) for an A4 summary: headline figures, matrix and "
                         "top gaps."},
    "top_gaps": {"fr": "Principales lacunes", "nl": "Belangrijkste lacunes", "en": "Top gaps"},
    "no_gap": {"fr": "Aucune lacune avec ces filtres.", "nl": "Geen lacunes met deze filters.",
               "en": "No gap with these filters."},
    "per_capita_note": {
        "fr": "Pas de couverture par habitant : aucun chiffre de population officiel n'est "
              "disponible hors ligne dans Lien.",
        "nl": "Geen dekking per inwoner: Lien heeft offline geen officiële bevolkingscijfers.",
        "en": "No per-capita coverage: Lien has no official population figures offline."},
    # --- problems in an input file (lien.problems); values arrive already quoted ---------------
    "p_row": {"fr": "ligne {row}", "nl": "rij {row}", "en": "row {row}"},
    "p_file": {"fr": "fichier", "nl": "bestand", "en": "file"},
    "p_empty": {"fr": "le fichier est vide", "nl": "het bestand is leeg", "en": "the file is empty"},
    "p_header_only": {"fr": "le fichier a une ligne d'en-tête mais aucune donnée",
                      "nl": "het bestand heeft een kopregel maar geen gegevens",
                      "en": "the file has a header but no rows"},
    "p_too_large": {"fr": "le fichier fait {size} Mo ; la limite est de {limit} Mo",
                    "nl": "het bestand is {size} MB; de limiet is {limit} MB",
                    "en": "the file is {size} MB; the limit is {limit} MB"},
    "p_binary": {"fr": "ce n'est pas un tableau texte ({kind}) ; envoyez un fichier CSV ou XLSX",
                 "nl": "dit is geen teksttabel ({kind}); upload een CSV- of XLSX-bestand",
                 "en": "this is not a text table ({kind}); upload a CSV or XLSX file"},
    "p_old_excel": {"fr": "ancien format Excel (.xls) ; enregistrez-le en .xlsx ou en CSV",
                    "nl": "oud Excel-formaat (.xls); sla het op als .xlsx of CSV",
                    "en": "old Excel format (.xls); save it as .xlsx or CSV"},
    "p_bad_xlsx": {"fr": "ce fichier .xlsx est illisible ({reason})",
                   "nl": "dit .xlsx-bestand is onleesbaar ({reason})",
                   "en": "this .xlsx file cannot be read ({reason})"},
    "p_xlsx_expands": {"fr": "ce fichier .xlsx décompressé fait {size} Mo ; la limite est de "
                             "{limit} Mo",
                       "nl": "dit .xlsx-bestand is uitgepakt {size} MB; de limiet is {limit} MB",
                       "en": "this .xlsx file unpacks to {size} MB; the limit is {limit} MB"},
    "p_encoding_note": {"fr": "le fichier n'est pas en UTF-8 : lu en Windows-1252 (l'encodage "
                              "d'Excel) ; vérifiez les accents",
                        "nl": "het bestand is niet in UTF-8: gelezen als Windows-1252 (de "
                              "codering van Excel); controleer de accenten",
                        "en": "the file is not UTF-8: read as Windows-1252 (Excel's encoding); "
                              "check the accents"},
    "p_utf16_note": {"fr": "lu en UTF-16 (« texte Unicode » d'Excel)",
                     "nl": "gelezen als UTF-16 (\"Unicode-tekst\" van Excel)",
                     "en": "read as UTF-16 (Excel's \"Unicode text\")"},
    "p_delimiter_note": {"fr": "colonnes séparées par {delimiter}",
                         "nl": "kolommen gescheiden door {delimiter}",
                         "en": "columns are separated by {delimiter}"},
    "p_sheets_note": {"fr": "feuille lue : {used} ; autres feuilles ignorées : {others}",
                      "nl": "gelezen werkblad: {used}; andere werkbladen genegeerd: {others}",
                      "en": "sheet read: {used}; other sheets ignored: {others}"},
    "p_extra_columns_note": {"fr": "colonnes non utilisées par Lien, ignorées : {columns}",
                             "nl": "kolommen die Lien niet gebruikt, genegeerd: {columns}",
                             "en": "columns Lien does not use, ignored: {columns}"},
    "p_duplicate_column": {"fr": "la colonne apparaît {count} fois ; renommée {names}",
                           "nl": "de kolom komt {count} keer voor; hernoemd tot {names}",
                           "en": "column appears {count} times; renamed {names}"},
    "p_unnamed_column": {"fr": "la colonne {number} a des valeurs mais pas de nom ; nommée {name}",
                         "nl": "kolom {number} heeft waarden maar geen naam; genoemd {name}",
                         "en": "column {number} has values but no name; named {name}"},
    "p_extra_cells": {"fr": "{cells} cellules alors que l'en-tête a {columns} colonnes ; une "
                            "valeur contient sans doute un {delimiter} sans guillemets",
                      "nl": "{cells} cellen terwijl de kopregel {columns} kolommen heeft; een "
                            "waarde bevat wellicht een {delimiter} zonder aanhalingstekens",
                      "en": "{cells} cells but the header has {columns} columns; a value "
                            "probably holds an unquoted {delimiter}"},
    "p_missing_column": {"fr": "colonne obligatoire absente", "nl": "verplichte kolom ontbreekt",
                         "en": "required column is missing"},
    "p_duplicate_name": {"fr": "la colonne apparaît plus d'une fois",
                         "nl": "de kolom komt meer dan eens voor",
                         "en": "column appears more than once"},
    "p_required": {"fr": "valeur obligatoire vide", "nl": "verplichte waarde is leeg",
                   "en": "required value is empty"},
    "p_slug": {"fr": "{value} ne doit contenir que des minuscules, chiffres, « - » ou « _ »",
               "nl": "{value} mag alleen kleine letters, cijfers, '-' of '_' bevatten",
               "en": "{value} must be lower-case letters, digits, '-' or '_'"},
    "p_precision": {"fr": "{value} n'est pas l'une des valeurs {choices}",
                    "nl": "{value} is niet een van {choices}",
                    "en": "{value} is not one of {choices}"},
    "p_unknown_service": {"fr": "code de service inconnu {value}",
                          "nl": "onbekende dienstcode {value}",
                          "en": "unknown service code {value}"},
    "p_unknown_audience": {"fr": "code de public inconnu {value}",
                           "nl": "onbekende doelgroepcode {value}",
                           "en": "unknown audience code {value}"},
    "p_unknown_language": {"fr": "code de langue (ISO 639) inconnu {value}",
                           "nl": "onbekende taalcode (ISO 639) {value}",
                           "en": "unknown language (ISO 639) code {value}"},
    "p_postcode": {"fr": "{value} n'est pas un code postal belge",
                   "nl": "{value} is geen Belgische postcode",
                   "en": "{value} is not a Belgian postcode"},
    "p_not_number": {"fr": "{value} n'est pas un nombre", "nl": "{value} is geen getal",
                     "en": "{value} is not a number"},
    "p_half_coords": {"fr": "donnez la latitude et la longitude, ou aucune des deux",
                      "nl": "geef zowel breedte- als lengtegraad, of geen van beide",
                      "en": "give both latitude and longitude, or neither"},
    "p_outside": {"fr": "({lat}, {lon}) est hors de Belgique",
                  "nl": "({lat}, {lon}) ligt buiten België",
                  "en": "({lat}, {lon}) is outside Belgium"},
    "p_swapped": {"fr": "({lat}, {lon}) est hors de Belgique ; latitude et longitude semblent "
                        "inversées",
                  "nl": "({lat}, {lon}) ligt buiten België; breedte- en lengtegraad lijken "
                        "verwisseld",
                  "en": "({lat}, {lon}) is outside Belgium; latitude and longitude look swapped"},
    "p_unplaced_coords": {"fr": "un site {value} n'a pas de coordonnées ; laissez-les vides ou "
                                "donnez un lieu",
                          "nl": "een {value}-locatie heeft geen coördinaten; laat ze leeg of geef "
                                "een plaats",
                          "en": "a {value} site has no coordinates; leave them empty or give a "
                                "place"},
    "p_address_empty": {"fr": "la précision est « address » mais l'adresse est vide",
                        "nl": "de precisie is 'address' maar het adres is leeg",
                        "en": "precision is 'address' but the address is empty"},
    "p_postcode_empty": {"fr": "la précision est « postcode » mais le code postal est vide",
                         "nl": "de precisie is 'postcode' maar de postcode is leeg",
                         "en": "precision is 'postcode' but the postcode is empty"},
    "p_needs_place": {"fr": "un site de précision {value} a besoin d'une ville ou d'un code "
                            "postal",
                      "nl": "een locatie met precisie {value} heeft een gemeente of postcode "
                            "nodig",
                      "en": "a site of precision {value} needs a city or a postcode"},
    "p_unknown_city": {"fr": "{value} n'est pas une commune ou localité belge",
                       "nl": "{value} is geen Belgische gemeente of plaats",
                       "en": "{value} is not a Belgian municipality or locality"},
    "p_email": {"fr": "{value} n'est pas une adresse e-mail", "nl": "{value} is geen e-mailadres",
                "en": "{value} is not an e-mail address"},
    "p_website": {"fr": "{value} n'est pas une adresse web (http ou https)",
                  "nl": "{value} is geen webadres (http of https)",
                  "en": "{value} is not a web address (http or https)"},
    "p_phone": {"fr": "{value} n'est pas un numéro de téléphone",
                "nl": "{value} is geen telefoonnummer", "en": "{value} is not a phone number"},
    "p_date": {"fr": "{value} n'est pas une date (AAAA, AAAA-MM ou AAAA-MM-JJ)",
               "nl": "{value} is geen datum (JJJJ, JJJJ-MM of JJJJ-MM-DD)",
               "en": "{value} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"},
    "p_duplicate_site": {"fr": "doublon de la ligne {other} (même organisation, site et lieu)",
                         "nl": "dubbel van rij {other} (zelfde organisatie, locatie en plaats)",
                         "en": "duplicate of row {other} (same organisation, site and place)"},
    "p_site_id_used": {"fr": "{value} est déjà utilisé à la ligne {other}",
                       "nl": "{value} wordt al gebruikt op rij {other}",
                       "en": "{value} is already used by row {other}"},
    "p_org_name": {"fr": "{value} diffère de {other}, donné pour {org} à la ligne {first}",
                   "nl": "{value} verschilt van {other}, gegeven voor {org} op rij {first}",
                   "en": "{value} differs from {other} given for {org} on row {first}"},
    "p_hsds_not_zip": {
        "fr": "ce n'est pas une archive ZIP lisible ({reason})",
        "nl": "dit is geen leesbaar ZIP-archief ({reason})",
        "en": "this is not a readable ZIP archive ({reason})"},
    "p_hsds_unsafe_path": {
        "fr": "l'archive contient un chemin refusé : {path} (chemin absolu ou avec « .. »)",
        "nl": "het archief bevat een geweigerd pad: {path} (absoluut pad of met '..')",
        "en": "the archive holds a refused path: {path} (absolute or with '..')"},
    "p_hsds_too_large": {
        "fr": "l'archive décompressée dépasse la limite de {limit} Mo",
        "nl": "het uitgepakte archief overschrijdt de limiet van {limit} MB",
        "en": "the archive unpacks to more than {limit} MB, the limit"},
    "p_hsds_missing_file": {
        "fr": "{file} est absent de l'archive ; un paquet HSDS en a besoin",
        "nl": "{file} ontbreekt in het archief; een HSDS-pakket heeft het nodig",
        "en": "{file} is missing from the archive; an HSDS package needs it"},
    "p_hsds_missing_field": {
        "fr": "{file} n'a pas la colonne obligatoire {column}",
        "nl": "{file} heeft de verplichte kolom {column} niet",
        "en": "{file} lacks the required column {column}"},
    "p_hsds_bad_csv": {
        "fr": "{file} n'est pas un CSV lisible ({reason})",
        "nl": "{file} is geen leesbaar CSV-bestand ({reason})",
        "en": "{file} is not a readable CSV file ({reason})"},
    "p_hsds_bad_datapackage": {
        "fr": "datapackage.json n'est pas un JSON valide ({reason})",
        "nl": "datapackage.json is geen geldige JSON ({reason})",
        "en": "datapackage.json is not valid JSON ({reason})"},
    "p_hsds_no_services": {
        "fr": "le paquet ne contient aucun service",
        "nl": "het pakket bevat geen enkele dienst",
        "en": "the package holds no service"},
    "p_too_long": {"fr": "{length} caractères ; au plus {limit}",
                   "nl": "{length} tekens; hoogstens {limit}",
                   "en": "{length} characters; at most {limit}"},
    "p_too_many_columns": {
        "fr": "{count} colonnes ; au plus {limit}. Supprimez les colonnes inutiles",
        "nl": "{count} kolommen; hoogstens {limit}. Verwijder de overbodige kolommen",
        "en": "{count} columns; at most {limit}. Remove the columns you don't need"},
    "p_too_many_rows": {
        "fr": "seules les {limit} premières lignes ont été lues (lecture arrêtée à la ligne "
              "{line}) ; découpez le fichier pour envoyer le reste",
        "nl": "alleen de eerste {limit} rijen werden gelezen (gestopt op rij {line}); splits "
              "het bestand om de rest te sturen",
        "en": "only the first {limit} rows were read (reading stopped at line {line}); split "
              "the file to send the rest"},
    "p_unclosed_quote": {
        "fr": "un guillemet ouvert à la ligne {line} n'est jamais fermé : il aurait pris la suite "
              "du fichier (jusqu'à la ligne {last}) pour une seule cellule. Cette ligne est mise "
              "de côté et la lecture reprend à la suivante ; fermez ou retirez le guillemet",
        "nl": "een aanhalingsteken geopend op rij {line} wordt nooit gesloten: het zou de rest "
              "van het bestand (tot rij {last}) als één cel lezen. Die rij wordt apart gezet en "
              "het lezen gaat verder op de volgende; sluit of verwijder het aanhalingsteken",
        "en": "a quote opened on line {line} is never closed: it would take the rest of the file "
              "(to line {last}) as one cell. That line is set aside and reading goes on at the "
              "next one; close or remove the quote"},
    "p_is_folder": {"fr": "c'est un dossier, pas un fichier", "nl": "dit is een map, geen bestand",
                    "en": "this is a folder, not a file"},
    "p_not_found": {"fr": "le fichier n'existe pas", "nl": "het bestand bestaat niet",
                    "en": "the file does not exist"},
    "p_unreadable": {"fr": "le fichier ne peut pas être lu ({reason})",
                     "nl": "het bestand kan niet gelezen worden ({reason})",
                     "en": "the file can't be read ({reason})"},
    "p_hsds_too_many_rows": {
        "fr": "{file} a plus de {limit} lignes ; découpez le paquet",
        "nl": "{file} heeft meer dan {limit} rijen; splits het pakket",
        "en": "{file} has more than {limit} rows; split the package"},
    "p_worker_memory": {
        "fr": "ce fichier est trop gros ou trop complexe pour être vérifié ici (mémoire) : "
              "découpez-le, ou retirez les longs textes, les feuilles et les colonnes inutiles",
        "nl": "dit bestand is te groot of te complex om hier te controleren (geheugen): splits "
              "het, of verwijder lange teksten en overbodige bladen en kolommen",
        "en": "this file is too large or too complex to check here (memory): split it, or "
              "remove long texts and the sheets and columns you don't need"},
    "p_worker_cpu": {
        "fr": "ce fichier est trop gros ou trop complexe pour être vérifié ici (temps de calcul) "
              ": découpez-le, ou retirez les longs textes, les feuilles et les colonnes inutiles",
        "nl": "dit bestand is te groot of te complex om hier te controleren (rekentijd): splits "
              "het, of verwijder lange teksten en overbodige bladen en kolommen",
        "en": "this file is too large or too complex to check here (computing time): split it, "
              "or remove long texts and the sheets and columns you don't need"},
    "p_worker_time": {
        "fr": "la vérification de ce fichier a pris trop de temps : réessayez dans un moment, ou "
              "découpez-le",
        "nl": "het controleren van dit bestand duurde te lang: probeer het straks opnieuw, of "
              "splits het",
        "en": "checking this file took too long: try again in a moment, or split it"},
    "p_worker_crash": {
        "fr": "ce fichier n'a pas pu être vérifié ; s'il est valide, signalez-le aux responsables "
              "du site",
        "nl": "dit bestand kon niet gecontroleerd worden; als het geldig is, meld het aan de "
              "beheerders van de site",
        "en": "this file could not be checked; if it is valid, please tell the people who run "
              "this site"},
    "directory_hidden": {
        "fr": "{count} fiche(s) masquée(s) : elles sont en cours de correction.",
        "nl": "{count} fiche(s) verborgen: ze worden verbeterd.",
        "en": "{count} record(s) hidden because they are being corrected."},
    "directory_unavailable": {
        "fr": "L'annuaire ne peut pas être affiché pour le moment ({name}) ; les responsables du "
              "site en sont avertis.",
        "nl": "De lijst kan op dit moment niet getoond worden ({name}); de beheerders van de site "
              "zijn verwittigd.",
        "en": "The directory can't be shown right now ({name}); the people who run this site "
              "have been told."},
    "upload_lost": {
        "fr": "Le fichier choisi n'est plus sur le serveur (redémarrage ou longue inactivité). "
              "Choisissez-le à nouveau.",
        "nl": "Het gekozen bestand staat niet meer op de server (herstart of lange inactiviteit). "
              "Kies het opnieuw.",
        "en": "The file you chose is no longer on the server (a restart or a long pause). Please "
              "choose it again."},
    "upload_checking": {"fr": "Vérification du fichier…", "nl": "Bestand wordt gecontroleerd…",
                        "en": "Checking the file…"},
    "problems_more": {
        "fr": "… et {count} autre(s) problème(s) du même type que : {example}",
        "nl": "… en nog {count} probleem/problemen van hetzelfde type als: {example}",
        "en": "… and {count} more problem(s) of the same kind as: {example}"},
    "download_hsds": {"fr": "Open Referral HSDS (ZIP)", "nl": "Open Referral HSDS (ZIP)",
                      "en": "Open Referral HSDS (ZIP)"},
    "download_hsds_help": {
        "fr": "Les sites affichés au format HSDS 3.0, lisible par d'autres annuaires (et par la "
              "page Données de Lien).",
        "nl": "De getoonde locaties in HSDS 3.0-formaat, leesbaar voor andere gidsen (en voor de "
              "pagina Gegevens van Lien).",
        "en": "The sites shown, in HSDS 3.0 format, readable by other directories (and by "
              "Lien's Data page)."},
    "take_away": {"fr": "À emporter", "nl": "Om mee te nemen", "en": "Take it with you"},
    "download_handout": {"fr": "Dépliant A4 (PDF)", "nl": "Folder A4 (PDF)",
                         "en": "A4 handout (PDF)"},
    "download_handout_help": {
        "fr": "Les organisations affichées, groupées par service, avec une petite carte et un code "
              "QR qui rouvre cette vue.",
        "nl": "De getoonde organisaties, gegroepeerd per dienst, met een kaartje en een QR-code "
              "die deze weergave opnieuw opent.",
        "en": "The organisations shown, grouped by service, with a small map and a QR code that "
              "reopens this view."},
    "download_offline": {"fr": "Carte hors ligne (HTML)", "nl": "Offline kaart (HTML)",
                         "en": "Offline map (HTML)"},
    "download_offline_help": {
        "fr": "Un seul fichier à garder sur son téléphone : la carte, les fiches et la liste, "
              "sans connexion.",
        "nl": "Eén bestand om op uw telefoon te bewaren: de kaart, de fiches en de lijst, zonder "
              "verbinding.",
        "en": "One file to keep on your phone: the map, the details and the list, with no "
              "connection."},
    # --- the A4 handout (lien/handout.py) ---
    "handout_subtitle": {"fr": "Liste imprimable des services",
                         "nl": "Afdrukbare lijst van diensten", "en": "Printable list of services"},
    "handout_printed": {"fr": "Imprimé le {date}", "nl": "Afgedrukt op {date}",
                        "en": "Printed on {date}"},
    "handout_near": {"fr": "Près de {near}, dans un rayon de {radius} km",
                     "nl": "In de buurt van {near}, binnen {radius} km",
                     "en": "Near {near}, within {radius} km"},
    "handout_sources": {"fr": "Sources : {sources}.", "nl": "Bronnen: {sources}.",
                        "en": "Sources: {sources}."},
    "handout_src_brochure": {
        "fr": "brochure « Journée mondiale des réfugiés », juin 2016",
        "nl": "brochure „Journée mondiale des réfugiés”, juni 2016",
        "en": "brochure “Journée mondiale des réfugiés”, June 2016"},
    "handout_src_seso": {
        "fr": "projets du Service Social de Solidarité Socialiste (SESO)",
        "nl": "projecten van de Service Social de Solidarité Socialiste (SESO)",
        "en": "projects of the Service Social de Solidarité Socialiste (SESO)"},
    "handout_more_sources": {"fr": "et {count} autres", "nl": "en {count} andere",
                             "en": "and {count} more"},
    "handout_check": {
        "fr": "Vérifiez les informations auprès de l'organisation avant de vous déplacer.",
        "nl": "Controleer de gegevens bij de organisatie voor u erheen gaat.",
        "en": "Check the details with the organisation before you go."},
    "handout_national": {"fr": "National ou en ligne", "nl": "Nationaal of online",
                         "en": "National or online"},
    "handout_distance": {"fr": "Distance : {km} km", "nl": "Afstand: {km} km",
                         "en": "Distance: {km} km"},
    "handout_scan": {"fr": "Scannez pour ouvrir cette vue", "nl": "Scan om deze weergave te openen",
                     "en": "Scan to open this view"},
    "handout_more": {
        "fr": "… et {count} autres sites, dans l'application et dans le téléchargement "
              "(CSV, Excel).",
        "nl": "… en nog {count} locaties, in de toepassing en in de download (CSV, Excel).",
        "en": "… and {count} more sites, in the app and in the download (CSV, Excel)."},
    "handout_map_sample": {
        "fr": "La carte montre {shown} des {total} sites localisés, tirés au hasard.",
        "nl": "De kaart toont {shown} van de {total} gelokaliseerde locaties, willekeurig gekozen.",
        "en": "The map shows {shown} of the {total} located sites, picked at random."},
    "handout_replaced": {
        "fr": "« ? » remplace des caractères que ce PDF ne peut pas imprimer (par exemple "
              "l'écriture arabe) ; l'application les affiche.",
        "nl": "„?” vervangt tekens die deze PDF niet kan afdrukken (bijvoorbeeld Arabisch "
              "schrift); de toepassing toont ze.",
        "en": "“?” stands for characters this PDF cannot print (Arabic script, for example); "
              "the app shows them."},
    "handout_no_service": {"fr": "Service non précisé", "nl": "Dienst niet vermeld",
                           "en": "Service not stated"},
    "handout_page": {"fr": "page {page}", "nl": "pagina {page}", "en": "page {page}"},
    # --- the offline map file (lien/offline.py) ---
    "offline_saved": {"fr": "Carte enregistrée le {date}.", "nl": "Kaart opgeslagen op {date}.",
                      "en": "Map saved on {date}."},
    "offline_note": {
        "fr": "Ce fichier s'ouvre sans connexion. Le fond de carte (les rues) ne s'affiche "
              "qu'avec internet ; les sites, les provinces et la liste restent visibles.",
        "nl": "Dit bestand werkt zonder verbinding. De achtergrondkaart (de straten) verschijnt "
              "alleen met internet; de locaties, de provincies en de lijst blijven zichtbaar.",
        "en": "This file opens without a connection. The background map (the streets) only "
              "shows with internet; the sites, the provinces and the list stay visible."},
    # --- data page ------------------------------------------------------------------------
    "data_title": {"fr": "Vos données", "nl": "Uw gegevens", "en": "Your data"},
    "data_intro": {
        "fr": "Envoyez l'annuaire de votre réseau (CSV, XLSX ou ZIP Open Referral, {limit} Mo au plus) : Lien "
              "reconnaît les colonnes, signale chaque problème avec sa ligne, place les sites sur "
              "la carte et vous rend un fichier nettoyé. Il reste dans votre session : rien n'est "
              "enregistré sur le serveur et personne d'autre ne le voit.",
        "nl": "Upload de adreslijst van uw netwerk (CSV, XLSX of Open Referral-ZIP, hoogstens {limit} MB): Lien "
              "herkent de kolommen, meldt elk probleem met zijn rij, zet de locaties op de kaart "
              "en geeft u een opgeschoond bestand terug. Het blijft in uw sessie: niets wordt op "
              "de server bewaard en niemand anders ziet het.",
        "en": "Upload your network's directory (CSV, XLSX or Open Referral ZIP, at most {limit} MB): Lien recognises "
              "the columns, reports every problem with its row, places the sites on the map and "
              "gives you back a cleaned file. It stays in your session: nothing is stored on the "
              "server and nobody else sees it."},
    "upload_label": {"fr": "Fichier CSV, XLSX ou ZIP Open Referral (HSDS)",
                     "nl": "CSV-, XLSX- of Open Referral-ZIP-bestand (HSDS)",
                     "en": "CSV, XLSX or Open Referral (HSDS) ZIP file"},
    "upload_refused": {"fr": "{name} ne peut pas être lu :", "nl": "{name} kan niet gelezen "
                       "worden:", "en": "{name} cannot be read:"},
    "sheet": {"fr": "Feuille", "nl": "Werkblad", "en": "Sheet"},
    "mapping_heading": {"fr": "Colonnes du fichier → champs de Lien",
                        "nl": "Kolommen van het bestand → velden van Lien",
                        "en": "File columns → Lien fields"},
    "mapping_help": {
        "fr": "Les colonnes évidentes sont reconnues. * : obligatoire. Sans identifiant, Lien le "
              "déduit du nom ; sans précision, de l'adresse, du code postal ou de la ville.",
        "nl": "Voor de hand liggende kolommen worden herkend. *: verplicht. Zonder id leidt Lien "
              "het af uit de naam; zonder precisie uit adres, postcode of gemeente.",
        "en": "Obvious columns are recognised. *: required. Without an id, Lien derives it from "
              "the name; without a precision, from the address, postcode or city."},
    "not_in_file": {"fr": "— absent du fichier —", "nl": "— niet in het bestand —",
                    "en": "— not in the file —"},
    "geocoding": {"fr": "Placement des sites…", "nl": "Locaties plaatsen…",
                  "en": "Placing the sites…"},
    "geocoding_progress": {"fr": "Placement des sites : {done} / {total}",
                           "nl": "Locaties plaatsen: {done} / {total}",
                           "en": "Placing the sites: {done} / {total}"},
    "m_rows_read": {"fr": "Lignes lues", "nl": "Rijen gelezen", "en": "Rows read"},
    "m_kept": {"fr": "Lignes gardées", "nl": "Rijen behouden", "en": "Rows kept"},
    "m_set_aside": {"fr": "Lignes mises de côté", "nl": "Rijen apart gezet",
                    "en": "Rows set aside"},
    "m_problems": {"fr": "Problèmes", "nl": "Problemen", "en": "Problems"},
    "problems_heading": {"fr": "Problèmes à corriger", "nl": "Te verbeteren problemen",
                         "en": "Problems to fix"},
    "no_problems": {"fr": "Aucun problème : toutes les lignes sont gardées.",
                    "nl": "Geen problemen: alle rijen worden behouden.",
                    "en": "No problems: every row is kept."},
    "preview_heading": {"fr": "Aperçu", "nl": "Voorbeeld", "en": "Preview"},
    "use_upload": {"fr": "Afficher ces données sur la carte et la couverture (cette session)",
                   "nl": "Deze gegevens tonen op de kaart en de dekking (deze sessie)",
                   "en": "Show this data on the map and coverage pages (this session)"},
    "upload_in_use": {"fr": "Les pages Carte et Couverture affichent maintenant {name}, pour "
                            "vous seul.",
                      "nl": "De pagina's Kaart en Dekking tonen nu {name}, alleen voor u.",
                      "en": "The map and coverage pages now show {name}, for you only."},
    "using_upload": {"fr": "Vous voyez votre fichier {name} (cette session seulement).",
                     "nl": "U ziet uw bestand {name} (alleen deze sessie).",
                     "en": "You are viewing your file {name} (this session only)."},
    "use_shared": {"fr": "Revenir à l'annuaire de Lien", "nl": "Terug naar de lijst van Lien",
                   "en": "Back to Lien's directory"},
    "download_cleaned_csv": {"fr": "Fichier nettoyé (CSV)", "nl": "Opgeschoond bestand (CSV)",
                             "en": "Cleaned file (CSV)"},
    "download_cleaned_xlsx": {"fr": "Fichier nettoyé (Excel)",
                              "nl": "Opgeschoond bestand (Excel)", "en": "Cleaned file (Excel)"},
    "download_rejected": {"fr": "Lignes mises de côté (CSV)", "nl": "Apart gezette rijen (CSV)",
                          "en": "Rows set aside (CSV)"},
    "download_report": {"fr": "Rapport des problèmes (CSV)", "nl": "Probleemrapport (CSV)",
                        "en": "Problem report (CSV)"},
    "col_row": {"fr": "Ligne", "nl": "Rij", "en": "Row"},
    "col_field": {"fr": "Champ", "nl": "Veld", "en": "Field"},
    "col_message": {"fr": "Problème", "nl": "Probleem", "en": "Problem"},
    "schema_heading": {"fr": "Le fichier attendu", "nl": "Het verwachte bestand",
                       "en": "The file Lien expects"},
    "schema_help": {
        "fr": "Une ligne par lieu. Il faut au moins le nom de l'organisation et ses services "
              "(codes ou libellés ci-dessous, séparés par « ; » ou « , »). Adresse, code postal "
              "et ville placent le site ; sans lieu, il est listé comme national.",
        "nl": "Eén rij per locatie. Minstens de naam van de organisatie en haar diensten (codes "
              "of labels hieronder, gescheiden door ';' of ','). Adres, postcode en gemeente "
              "plaatsen de locatie; zonder plaats staat ze in de lijst als nationaal.",
        "en": "One row per place. At least the organisation's name and its services (codes or "
              "labels below, separated by ';' or ','). Address, postcode and city place the "
              "site; without a place it is listed as national."},
}


def normalise_lang(lang: str | None) -> str:
    """A supported language code, French when unknown."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """The text for `key` in `lang`, formatted with `values`; a missing key raises KeyError."""
    entry = TEXTS[key]
    text = entry.get(normalise_lang(lang)) or entry[DEFAULT_LANG]
    return text.format(**values) if values else text
