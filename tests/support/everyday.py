"""A coordinator's own file, as a network keeps it: French titles, ';' between columns, saved by a
Windows spreadsheet (Windows-1252), and the everyday labels people write rather than Lien's codes.
Used by the upload tests and the browser test of the Data page."""

from __future__ import annotations

HEADER = "Nom;Adresse;Code postal;Commune;Services;Public;Téléphone"
# Fictitious organisations at real Belgian streets and postcodes; each label is one a network
# writes ("Réfugiés", "Vluchtelingen", "Tout public", "Parrainage"…), none of them a Lien code.
ROWS: tuple[str, ...] = (
    "Maison d'accueil Exemple;Rue Haute 1;1000;Bruxelles;Logement;Réfugiés;02 123 45 67",
    "Aide juridique Exemple;Rue de Fer 1;5000;Namur;Aide juridique;Demandeurs d'asile;081 12 34 56",
    "Parrainage Exemple;Place du Marché 2;4000;Liège;Parrainage;Tout public;04 123 45 67",
    "Vluchtelingenhuis Voorbeeld;Meir 1;2000;Antwerpen;Juridische hulp;Vluchtelingen;03 123 45 67",
    "Tuteurs Exemple;Rue Neuve 5;1000;Bruxelles;Tutelle des mineurs;Mineurs non accompagnés;"
    "02 234 56 78",
    "Culture Exemple;Grand-Place 1;7000;Mons;Activités culturelles;Tout public;065 12 34 56",
    "Sans-papiers Exemple;Rue Haute 10;1000;Bruxelles;Information;Sans papiers;02 345 67 89",
    "Cours Exemple;Rue de l'Ange 3;5000;Namur;Cours de français;Primo-arrivants;081 23 45 67",
    "Emploi Exemple;Boulevard Tirou 1;6000;Charleroi;Emploi;Jeunes;071 12 34 56",
    "Santé Exemple;Korenmarkt 1;9000;Gent;Soins de santé;Asielzoekers;09 123 45 67",
    "Retour Exemple;Rue Haute 20;1000;Bruxelles;Retour volontaire;Migrants;02 456 78 90",
    "Famille Exemple;Rue Haute 30;1000;Bruxelles;Regroupement familial;Réfugiés reconnus;"
    "02 567 89 01",
    "Visites Exemple;Rue de la Station 1;1820;Steenokkerzeel;Visites en centre fermé;Détenus;"
    "02 678 90 12",
    "Vêtements Exemple;Rue Haute 40;1000;Bruxelles;Aide matérielle;Tout public;02 789 01 23",
    "Écoute Exemple;Rue Haute 50;1000;Bruxelles;Santé mentale;Enfants;02 890 12 34",
)


def everyday_csv() -> bytes:
    """The 15-row file, as the spreadsheet saved it."""
    return ("\r\n".join((HEADER, *ROWS)) + "\r\n").encode("cp1252")
