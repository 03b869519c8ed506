"""AppTest of the coverage page: each language, ?service=…, matrix shape and gaps."""

from __future__ import annotations

import html
import json

import pytest
from streamlit.testing.v1 import AppTest

from lien import coverage, taxonomy
from lien.config import ROOT
from lien.geo.areas import PROVINCE_CODES
from lien.i18n import t, tn
from lien.ingest import mapping, tabular, upload
from lien.ui import coverage_page, state
from tests.support.everyday import everyday_csv
from tests.support.html_table import html_table

PAGE = str(ROOT / "pages" / "1_Couverture_Dekking_Coverage.py")


def _run(*, reached: bool = True, session: dict | None = None, **params: str) -> AppTest:
    """The page with `params` in its URL; `reached`: the visitor has scrolled down to the charts
    below the first (lien.ui.reached), so the page draws all four; `session`, what the session
    holds before (an upload)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    if reached:
        at.session_state[coverage_page.LOWER_CHARTS] = True
    for key, value in (session or {}).items():
        at.session_state[key] = value
    return at.run()


def _charts(at: AppTest) -> list:
    """The page's Vega-Lite charts (the maps below the heatmap)."""
    return list(at.get("vega_lite_chart"))


def _heatmaps(at: AppTest) -> list[str]:
    """The HTML of the page's heatmaps (lien.render.heatmap)."""
    return [e.proto.body for e in at.get("html") if "lien-heatmap" in e.proto.body]


def _heatmap(at: AppTest, lang: str = "fr", title: str = "matrix_province") -> dict:
    """A heatmap's rows (services), columns (areas) and cell marks row by row (text): a count,
    or ✕ for a gap (whose word, for screen readers, is left out here)."""
    table = html_table(at, t(title, lang))
    return {
        "y": [row[0] for row in table.rows],
        "x": table.headers[1:],
        "text": [[cell.split(" ")[0] for cell in row[1:]] for row in table.rows],
    }


def test_the_charts_below_the_first_wait_until_the_visitor_reaches_them() -> None:
    at = _run(reached=False)
    assert not at.exception
    # The first chart (the heatmap, a table), then the place the others go: a button named in
    # the page's language.
    assert len(_heatmaps(at)) == 1
    assert len(_charts(at)) == 0
    (trigger,) = [
        c
        for c in at.get("component_instance")
        if c.proto.component_name == "lien.ui.reached.lien_reached"
    ]
    assert (
        json.loads(trigger.proto.json_args)["label"]
        == "Afficher la matrice par région et les cartes"
    )
    # The button answers True once reached: the rerun draws the region heatmap and both maps,
    # and no button.
    at.session_state["coverage_lower_reached"] = True
    at.run()
    assert len(_heatmaps(at)) == 2
    assert len(_charts(at)) == 2
    assert not [
        c
        for c in at.get("component_instance")
        if c.proto.component_name == "lien.ui.reached.lien_reached"
    ]
    # A later rerun of the same session (another service) keeps them.
    at.session_state["coverage_lower_reached"] = None
    at.run()
    assert len(_heatmaps(at)) == 2
    assert len(_charts(at)) == 2


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_page_runs_in_each_language(lang: str) -> None:
    at = _run(lang=lang)
    assert not at.exception
    assert len(_heatmaps(at)) == 2
    assert len(_charts(at)) == 2
    assert all(c.proto.alt for c in _charts(at))  # the accessible name (see coverage_page.chart)
    assert (
        at.metric[0].label
        == {"fr": "Organisations", "nl": "Organisaties", "en": "Organisations"}[lang]
    )
    heat = _heatmap(at, lang)
    assert heat["y"][0] == taxonomy.services().label(taxonomy.services().codes[0], lang)


def test_headline_figures_of_the_seed_directory() -> None:
    at = _run()
    values = {m.label: m.value for m in at.metric}
    assert values["Organisations"] == "23"
    assert values["Sites"] == "32"
    assert (
        values["Provinces couvertes"] == "8 / 11"
    )  # no site in Limburg, East Flanders, Luxembourg
    assert values["Organisations nationales ou en ligne"] == "11"
    assert any("juin 2016" in w.value for w in at.warning)


def test_matrix_has_every_service_and_province() -> None:
    heat = _heatmap(_run())
    assert len(heat["y"]) == len(taxonomy.services().codes)
    assert len(heat["x"]) == len(PROVINCE_CODES) + 1  # + national/online column


def test_service_parameter_restricts_the_matrix() -> None:
    at = _run(service="housing")
    assert not at.exception
    heat = _heatmap(at)
    assert heat["y"] == ["Logement"]


def test_detention_visits_are_gaps_everywhere_but_flemish_brabant() -> None:
    at = _run(service="detention_visits")
    heat = _heatmap(at)
    row = dict(zip(heat["x"], heat["text"][0], strict=True))
    assert row.pop("Brabant flamand") == "3"
    assert row.pop("National / en ligne") == "0"
    assert set(row.values()) == {"✕"}
    assert len(row) == 10
    assert any("10 lacunes" in c.value for c in at.caption)


def test_deserts_table_and_downloads() -> None:
    at = _run(service="housing")
    title = next(h.value for h in at.subheader if "« Logement »" in h.value)
    deserts = html_table(at, title)
    assert len(deserts.rows) == 15
    column = deserts.headers.index("Distance à vol d'oiseau entre centres de communes (km)")
    km = [int(row[column]) for row in deserts.rows]  # whole kilometres
    assert km == sorted(km, reverse=True)
    assert "municipality_code" not in deserts.headers
    assert "Code INS" in deserts.headers
    # Plain HTML: the page needs none of Streamlit's Arrow table bundles.
    assert not list(at.dataframe)
    assert any("« Logement »" in h.value for h in at.subheader)  # which service it is for
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Distances (CSV)",
        "Distances (Excel)",
        "Résumé pour les bailleurs (PDF, 2 pages)",
        "Matrice (CSV)",
        "Matrice (Excel)",
    ]


def test_empty_filter_shows_a_message_not_a_chart() -> None:
    at = _run(q="nothing-matches-this")
    assert not at.exception
    assert len(_charts(at)) == 0
    assert len(_heatmaps(at)) == 0
    assert "Aucun site ne correspond" in at.info[0].value


def test_service_without_provider_gives_a_message() -> None:
    at = _run(service="voluntary_return", national="0", province="60000")
    assert not at.exception
    assert any("Aucun site" in i.value for i in at.info)


def test_bad_parameters_do_not_raise() -> None:
    at = _run(service="nope", province="x", lang="zz", radius_km="-1")
    assert not at.exception
    assert len(at.sidebar.warning) == 4


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("fr", "Aucun prestataire de « Logement » dans cet annuaire pour : "),
        ("nl", "Geen aanbieder van ‘Huisvesting’ in deze gids voor: "),
    ],
)
def test_the_gaps_for_a_service_are_a_sentence_and_a_list(lang: str, sentence: str) -> None:
    at = _run(service="housing", lang=lang)
    assert not at.exception
    said = [m.value for m in at.markdown if m.value.startswith(sentence.replace("(", ""))]
    assert len(said) == 1
    missing = said[0][len(sentence) :].rstrip(".").split(", ")
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert [line[2:] for line in listed.splitlines()] == missing
    assert ("Luxembourg" if lang == "fr" else "Luxemburg") in missing


def test_near_me_from_the_map_applies_here_only_if_kept() -> None:
    at = _run(near="Luik", radius_km="10")
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Sites"] == "32"  # the whole country
    assert any("ne s'applique pas ici" in c.value for c in at.caption)
    at.checkbox(key="cov_keep_near").check().run()
    values = {m.label: m.value for m in at.metric}
    assert int(values["Sites"]) < 32
    assert any("moins de 10 km" in i.value for i in at.info)


def test_active_filters_are_chips_that_remove_themselves() -> None:
    at = _run(service="housing,legal_aid", q="seso")
    chips = [b for b in at.button if (b.key or "").startswith("chip_") and b.key != "chip_clear"]
    assert [c.label for c in chips] == [
        "Service : Logement  ✕",
        "Service : Aide juridique  ✕",
        "Recherche : `seso`  ✕",
    ]
    chips[0].click().run()
    assert at.session_state["f_service"] == ["legal_aid"]
    at.button(key="chip_clear").click().run()
    assert at.session_state["f_service"] == []
    assert at.session_state["f_q"] == ""
    assert not [b for b in at.button if (b.key or "").startswith("chip_")]


# --- the service to map ------------------------------------------------------------------------


def _service(at: AppTest) -> str:
    return str(at.selectbox(key="cov_service").value)


def test_the_url_s_service_opens_that_service_and_stays_in_the_url() -> None:
    at = _run(focus="legal_aid", lang="nl")
    assert not at.exception
    assert _service(at) == "legal_aid"
    assert any("‘Juridische hulp’" in h.value for h in at.subheader)
    assert at.query_params["focus"] == "legal_aid"
    # The visitor picks another: the address follows.
    at.selectbox(key="cov_service").select("health").run()
    assert _service(at) == "health"
    assert at.query_params["focus"] == "health"


def test_an_unknown_service_in_the_url_is_a_notice_and_the_page_opens_on_its_default() -> None:
    at = _run(focus="teleportation")
    assert not at.exception
    assert [w.value for w in at.sidebar.warning] == [
        t("ignored_param", "fr", name="focus", value="`teleportation`")
    ]
    assert _service(at) != "teleportation"
    assert at.query_params["focus"] == _service(at)


def _everyday_upload() -> dict:
    """A session that shows a network's own 15 rows (tests/support/everyday.py)."""
    table = tabular.read_bytes(everyday_csv(), "réseau.csv")
    result = upload.process(table, mapping.guess_mapping(table.frame.columns), "réseau.csv")
    return {state.UPLOAD_KEY: {"frame": result.frame, "name": "réseau.csv"}}


def test_after_an_upload_the_page_opens_on_a_service_the_file_has() -> None:
    at = _run(session=_everyday_upload())
    assert not at.exception
    # Legal aid: the one service two of its rows offer; the file has no "reception", the list's
    # first service, which the page used to open on (a gap in every area).
    assert _service(at) == "legal_aid"
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert 0 < len(listed.splitlines()) < len(PROVINCE_CODES)


def test_the_visitor_s_choice_wins_and_outlives_a_filter_change() -> None:
    at = _run(session=_everyday_upload())
    at.selectbox(key="cov_service").select("reception").run()
    assert _service(at) == "reception"  # a gap everywhere, but the visitor asked for it
    at.text_input(key="f_q").input("Exemple").run()
    assert not at.exception
    assert _service(at) == "reception"
    # A filter that leaves it out of the choices: the page's default, until it is back.
    at.multiselect(key="f_service").select("health").run()
    assert _service(at) == "health"
    at.multiselect(key="f_service").select("reception").run()
    assert _service(at) == "reception"


def test_the_matrix_and_the_farthest_municipalities_are_shown_once() -> None:
    at = _run(service="housing")
    boxes = [e.proto.body for e in at.get("html")]
    for name in (t("matrix_province", "fr"), t("deserts_title", "fr", service="Logement")):
        label = f'aria-label="{html.escape(name, quote=True)}"'
        assert sum(label in body for body in boxes) == 1, name


def test_one_rerun_computes_the_report_once_and_shows_its_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[coverage.CoverageReport] = []
    original = coverage.report

    def counted(*args: object, **kwargs: object) -> coverage.CoverageReport:
        made.append(original(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(coverage, "report", counted)
    at = _run(service="housing")
    assert not at.exception
    assert len(made) == 1
    made.clear()
    at.run()  # a rerun, caches warm
    assert len(made) == 1
    # The metrics, the gap count and the farthest municipalities are the report's.
    report = made[0]
    shown = {m.label: m.value for m in at.metric}
    for key, value in report.headline.items("fr"):
        assert shown[t(key, "fr")] == str(value)
    assert any(tn("gap_count", len(report.gaps), "fr") in c.value for c in at.caption)
    title = t("deserts_title", "fr", service=coverage_page.service_label("housing", "fr"))
    rows = html_table(at, title).rows
    assert len(rows) == len(report.farthest)
