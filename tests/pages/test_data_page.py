"""The Data page: an upload is checked, previewed, downloaded and used by this session only."""

from __future__ import annotations

import io
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lien import filters
from lien.config import ROOT  # noqa: E402
from lien.ingest import directory, mapping, tabular, upload
from lien.outputs import export
from lien.outputs import hsds as hsds_out
from lien.outputs.about import describe
from tests.support import flemish
from tests.support.html_table import html_frame
from tests.support.markdown import shown

APP = str(ROOT / "app.py")
MAP_PAGE = "pages/0_Carte_Kaart_Map.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATA_PAGE = "pages/2_Donnees_Gegevens_Data.py"
COVERAGE_PAGE = "pages/1_Couverture_Dekking_Coverage.py"
UPLOAD = """Naam;Adres;Postcode;Gemeente;Diensten;Telefoon
Onthaal Gent;Veldstraat 1;9000;Gent;Huisvesting;09 123 45 67
Taalcafé Brugge;;8000;Brugge;Taallessen;
Foutje;;99999;Nergens;Huisvesting;
Online hulp;;;;Juridische hulp;
""".encode()


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def _on_data_page(lang: str = "nl") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value(("netwerk.csv", UPLOAD, "text/csv"))
    return at.run()


def _map_sites(at: AppTest) -> str:
    return next(
        e
        for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    ).proto.json_args


def test_data_page_without_a_file_explains_what_to_send() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(DATA_PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Vos données"
    assert at.subheader[0].value == "Le fichier attendu"
    assert "housing" in list(at.dataframe[0].value["code"])


def test_columns_are_guessed_and_can_be_changed() -> None:
    at = _on_data_page()
    assert not at.exception
    assert at.selectbox(key="map_organisation").value == "Naam"
    assert at.selectbox(key="map_postcode").value == "Postcode"
    assert at.selectbox(key="map_city").value == "Gemeente"
    assert at.selectbox(key="map_services").value == "Diensten"
    assert at.selectbox(key="map_website").value == ""
    # Unmapping the services refuses the file, with the reason and what to do in the page's
    # language, in the red box itself (never a colon with nothing after it).
    at.selectbox(key="map_services").set_value("").run()
    assert not at.exception
    heading, reasons = shown(at.error[0].value).split("\n\n")
    assert heading == "netwerk.csv kan niet gelezen worden:"
    assert reasons == (
        "- services: geen enkele kolom werd herkend voor dit veld: kies de juiste hierboven, onder"
        " 'Kolommen van het bestand → velden van Lien', of kies hierboven de rij met de kolomnamen"
        " als Lien de verkeerde nam"
    )
    assert not [e for e in at.get("html") if "lien-table" in e.proto.body]  # no row problems


def test_report_preview_and_counts() -> None:
    at = _on_data_page()
    assert [m.value for m in at.metric] == ["4", "3", "0", "1", "2"]
    report = html_frame(at, "Te verbeteren problemen")
    assert list(report.columns) == ["Rij", "Veld", "Probleem"]
    assert report.values.tolist() == [
        ["4", "city", "'Nergens' is geen Belgische gemeente of plaats"],
        ["4", "postcode", "'99999' is geen Belgische postcode"],
    ]
    # The preview draws the two placed sites; the online one is listed, not drawn.
    assert "Onthaal Gent" in _map_sites(at)
    assert "Online hulp" not in _map_sites(at)
    assert set(at.dataframe[0].value.iloc[:, 0]) == {
        "Onthaal Gent",
        "Taalcafé Brugge",
        "Online hulp",
    }


def test_cleaned_download_is_a_directory_lien_loads() -> None:
    at = _on_data_page()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Opgeschoond bestand (CSV)",
        "Opgeschoond bestand (Excel)",
        "Apart gezette rijen (CSV)",
        "Probleemrapport (CSV)",
    ]
    table = tabular.read_bytes(UPLOAD, "netwerk.csv")
    result = upload.process(table, mapping.guess_mapping(table.frame.columns), "netwerk.csv")
    cleaned = upload.cleaned(result.frame)
    # As the page writes it: the lines saying what it is, then the table Lien reads back.
    what = describe("nl", "Opgeschoond", result.frame)
    data = export.to_csv(cleaned, what)
    assert data.decode("utf-8-sig").startswith("Lien: over dit bestand")  # in Dutch
    assert "Let op" in data.decode("utf-8-sig")  # the warning about the sources' age
    reloaded = directory.read_directory(data)
    assert reloaded.problems == []
    assert list(reloaded.frame["organisation"]) == [
        "Onthaal Gent",
        "Taalcafé Brugge",
        "Online hulp",
    ]
    gent = reloaded.frame.iloc[0]
    # Placed offline at its postcode: the cleaned file says so, and keeps the coordinates.
    assert gent["precision"] == "postcode"
    assert gent["coord_precision"] == "postcode"
    assert gent["latitude"] == round(result.frame.iloc[0]["latitude"], 6)
    assert gent["province_code"] == "40000"


def test_upload_is_used_by_this_session_only_and_written_nowhere() -> None:
    before = _snapshot(ROOT / "data")
    mine = _on_data_page()
    mine.button(key="upload_use").click().run()
    assert not mine.exception
    assert shown(mine.success[-1].value) == (
        "De pagina's Kaart en Dekking tonen nu netwerk.csv, alleen voor u."
    )
    mine.switch_page(MAP_PAGE).run()
    assert shown(mine.info[0].value) == "U ziet uw bestand netwerk.csv (alleen deze sessie)."
    assert "Onthaal Gent" in _map_sites(mine)
    mine.switch_page(COVERAGE_PAGE).run()
    assert not mine.exception
    assert [m.value for m in mine.metric][:2] == ["3", "3"]

    # Another visitor, at the same time, still sees Lien's directory.
    other = AppTest.from_file(APP, default_timeout=60).run()
    assert "Onthaal Gent" not in _map_sites(other)
    assert "Caritas International" in _map_sites(other)
    assert _snapshot(ROOT / "data") == before

    # And this session can go back.
    mine.button(key="use_shared").click().run()
    assert not mine.info or "netwerk.csv" not in shown(mine.info[0].value)
    assert mine.metric[1].value != "3"


def test_an_xlsx_sheet_can_be_chosen() -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    first.title = "Gent"
    first.append(["Naam", "Gemeente", "Diensten"])
    first.append(["Onthaal Gent", "Gent", "housing"])
    second = book.create_sheet("Brugge")
    # Its column names lower than the first sheet's: they are looked for anew.
    second.append(["Netwerk Brugge"])
    second.append(["Naam", "Gemeente", "Diensten"])
    second.append(["Taalcafé Brugge", "Brugge", "language_classes"])
    second.append(["Tweede Brugge", "Brugge", "housing"])
    data = io.BytesIO()
    book.save(data)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value(
        (
            "netwerk.xlsx",
            data.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    ).run()
    assert at.selectbox(key="upload_sheet").value == "Gent"
    assert [m.value for m in at.metric][:2] == ["1", "1"]
    at.selectbox(key="upload_sheet").set_value("Brugge").run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["2", "2"]
    assert at.number_input(key="upload_header").value == 2
    assert at.selectbox(key="map_organisation").value == "Naam"


def test_upload_size_is_bounded_by_the_server_too() -> None:
    """The server stops the bytes at twice the page's limit; between the two, the page itself
    refuses the file with a message in the visitor's language (test_bad_input)."""
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert f"maxUploadSize = {2 * tabular.MAX_UPLOAD_MB}" in config
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(DATA_PAGE).run()
    assert at.file_uploader(key="upload_file").proto.max_upload_size_mb == 2 * tabular.MAX_UPLOAD_MB


def test_rejected_rows_table_keeps_every_uploaded_column() -> None:
    table = tabular.read_bytes(UPLOAD, "netwerk.csv")
    result = upload.process(table, mapping.guess_mapping(table.frame.columns), "netwerk.csv")
    set_aside = upload.rejected_rows(result, "fr")
    assert list(set_aside.columns) == [
        "row",
        "Naam",
        "Adres",
        "Postcode",
        "Gemeente",
        "Diensten",
        "Telefoon",
        "problems",
    ]
    assert set_aside.iloc[0]["Naam"] == "Foutje"
    assert set_aside.iloc[0]["problems"] == (
        "city: 'Nergens' n'est pas une commune ou localité belge | "
        "postcode: '99999' n'est pas un code postal belge"
    )


def test_an_open_referral_package_is_imported_as_it_was_exported() -> None:
    view = filters.apply(
        directory.prepare(directory.read_directory().frame), filters.Filters(services=("housing",))
    )
    package = hsds_out.export_zip(view)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value(("lien-hsds.zip", package, "application/zip"))
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric] == [str(len(view))] * 2 + ["0", "0", "0"]
    assert at.success[0].value == "Aucun problème : toutes les lignes sont gardées."
    at.button(key="upload_use").click().run()
    at.switch_page(MAP_PAGE).run()
    assert shown(at.info[0].value) == (
        "Vous voyez votre fichier lien-hsds.zip (cette session seulement)."
    )
    table = at.dataframe[0].value
    assert set(table["Organisation"]) == set(view.loc[view["_located"], "organisation"])


def _partner_list(lang: str = "nl") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key="upload_file").set_value((flemish.NAME, flemish.partners_xlsx(), XLSX))
    return at.run()


def test_the_data_page_says_where_the_column_names_go() -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(DATA_PAGE).run()
    assert (
        "Lien la cherche parmi les 20 premières lignes, ignore un titre ou des lignes vides"
        in " ".join(m.value for m in at.markdown)
    )


def test_a_partner_list_with_a_title_is_read_from_its_header_row() -> None:
    at = _partner_list()
    assert not at.exception
    assert not at.error
    # Read, kept, kept with a warning, set aside, problems.
    assert [m.value for m in at.metric] == ["12", "12", "1", "0", "1"]
    assert at.number_input(key="upload_header").value == flemish.HEADER_ROW
    notes = [shown(i.value) for i in at.info]
    assert notes[0].startswith("kolomnamen gevonden op rij 3; de rijen erboven")
    assert any("LIEN_GEOCODER=nominatim" in note for note in notes)
    report = html_frame(at, "Te verbeteren problemen")
    assert report.values.tolist() == [
        [
            "7",
            "services",
            "Lien kent de dienst 'tolken en vertalen' niet: schrijf een dienst uit de lijst 'Het"
            " verwachte bestand' onderaan deze pagina (in het Nederlands, Frans of Engels);"
            " waarde weggelaten, rij behouden",
        ]
    ]
    # The list that message points to is at the bottom of the page.
    assert at.expander[-1].label == "Het verwachte bestand"
    assert "language_classes" in list(at.dataframe[-2].value["code"])


def test_the_coordinator_can_choose_another_header_row() -> None:
    at = _partner_list()
    at.number_input(key="upload_header").set_value(1).run()
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["13", "0"]
    heading, reasons = shown(at.error[0].value).split("\n\n")
    assert heading == f"{flemish.NAME} kan niet gelezen worden:"
    assert [line.split(":")[0] for line in reasons.splitlines()] == [
        "- organisation",
        "- services",
    ]
    assert all("rij met de kolomnamen" in line for line in reasons.splitlines())
    # No row is named "None": the file's problems are in the box, the table has only rows.
    assert not [e for e in at.get("html") if "lien-table" in e.proto.body]
    at.number_input(key="upload_header").set_value(99).run()
    assert shown(at.error[0].value).endswith(
        "- rij 99 is leeg of ligt na het einde van het bestand: kies de rij met de kolomnamen"
    )
    at.number_input(key="upload_header").set_value(3).run()
    assert not at.error
    assert [m.value for m in at.metric][:2] == ["12", "12"]


def test_a_partner_list_once_used_is_on_the_map() -> None:
    at = _partner_list()
    at.button(key="upload_use").click().run()
    at.switch_page(MAP_PAGE).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Organisatie")
    assert len(table) == len(flemish.ROWS)
    # The interpreting service Lien has no code for is a place to go all the same.
    assert table.at["Tolkendienst Voorbeeld", "Diensten"] == "Dienst niet vermeld"
