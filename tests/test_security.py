"""A malicious directory: what reaches the map script, the tables and the exports is inert."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lien.config import ORGANISATIONS_CSV, ROOT
from lien.ingest import directory
from lien.ingest.directory import read_directory
from lien.outputs import export
from tests.support.markdown import html, links, shown

PAYLOADS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    '=HYPERLINK("http://evil","x")',
    "@SUM(1+1)",
]


@pytest.fixture
def malicious(tmp_path: Path) -> Path:
    """The seed directory with an attack in every free-text field of every row."""
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    orgs = list(dict.fromkeys(row["org_id"] for row in rows))
    for i, row in enumerate(rows):
        attack = PAYLOADS[i % len(PAYLOADS)]
        # One name per organisation, or the loader rightly refuses the rows.
        row["organisation"] = (
            f"{PAYLOADS[orgs.index(row['org_id']) % len(PAYLOADS)]} {row['org_id']}"
        )
        for name in ("site", "description", "hours", "contact_person", "notes"):
            row[name] = f"{attack} {row[name]}"
    path = tmp_path / "malicious.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_links_with_other_schemes_are_refused_by_the_loader(tmp_path: Path) -> None:
    text = ORGANISATIONS_CSV.read_text(encoding="utf-8").replace(
        "www.csp-psc.be", "javascript:alert(1)", 1
    )
    result = read_directory(text.encode("utf-8"))
    assert any(p.field == "website" and "javascript:alert(1)" in p.message for p in result.problems)


@pytest.mark.usefixtures("new_store")  # the crafted file fills a store of its own
def test_map_script_and_tables_are_inert(malicious: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert read_directory(malicious).problems == []
    monkeypatch.setenv("LIEN_DATA", str(malicious))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    component = next(
        e
        for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    )
    args = json.loads(component.proto.json_args)
    script = args["script"] + args["feature_group"]
    for raw in ("<script>alert", "<img src=x", "<svg onload", "javascript:"):
        assert raw not in script
    assert "&lt;img src=x onerror=alert(1)&gt;" in script
    # Tables are data grids, never HTML; their links are only web and mail links.
    links = [
        v
        for frame in (d.value for d in at.dataframe)
        for column in ("Site web", "E-mail")
        for v in frame.get(column, [])
        if isinstance(v, str) and v
    ]
    assert links
    assert all(v.startswith(("https://", "http://", "mailto:")) for v in links)


def test_exports_of_a_malicious_view_are_neutralised(malicious: Path) -> None:
    sites = directory.prepare(read_directory(malicious).frame)
    text = export.to_csv(sites).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells if c)
    assert any(c.startswith("'=HYPERLINK") for c in cells)


# Bare addresses first: messages cut long values, and these must survive the cut.
MARKDOWN_ATTACK = (
    "www.evil.com help@evil.com ![pixel](http://evil.example/p.png)"
    "[clic](javascript:alert(1))<b>x</b>"
)


def _no_live_markdown(body: str) -> None:
    """Markdown that would load an image, make a link, an autolink or pass HTML is escaped, and
    the visitor reads their text as they wrote it (as far as the message quotes it)."""
    assert links(body) == [], body
    assert "<b>" not in html(body)
    assert "www.evil.com help@evil.com ![pixel](htt" in shown(body)


def test_url_values_shown_in_messages_are_escaped() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["near"] = MARKDOWN_ATTACK
    at.query_params["lang"] = MARKDOWN_ATTACK
    at.run()
    assert not at.exception
    bodies = [w.value for w in at.warning]  # the ignored parameter, and the place not found
    assert len(bodies) == 2
    for body in bodies:
        _no_live_markdown(body)


def test_uploaded_names_shown_in_messages_are_escaped() -> None:
    data = f"Nom,Services,{MARKDOWN_ATTACK}\nCroix-Rouge,housing,x\n".encode()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/2_Donnees_Gegevens_Data.py").run()
    at.file_uploader(key="upload_file").set_value((f"{MARKDOWN_ATTACK}.csv", data, "text/csv"))
    at.run()
    assert not at.exception
    # The note naming the column it ignores (the other says which row held the column names).
    (note,) = [i.value for i in at.info if "evil" in i.value]
    _no_live_markdown(note)
    at.button(key="upload_use").click().run()
    _no_live_markdown(at.success[-1].value)


@pytest.mark.usefixtures("new_store")  # the crafted file fills a store of its own
def test_template_syntax_in_the_data_is_never_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """branca renders element output as a Jinja template: data must reach the page literally."""
    with ORGANISATIONS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        row["site"] = "{{ 7*7 }} {% if true %}SSTI{% endif %} {# hidden #} " + row["site"]
    path = tmp_path / "templates.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("LIEN_DATA", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    component = next(
        e
        for e in at.get("component_instance")
        if e.proto.component_name == "streamlit_folium.st_folium"
    )
    args = json.loads(component.proto.json_args)
    layer = args["feature_group"]
    assert "49 SSTI" not in layer
    assert "#}" in layer
    assert r"\u007b{ 7*7 }} \u007b% if true %}SSTI\u007b% endif %} \u007b# hidden #}" in layer
