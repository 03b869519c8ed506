"""The offline map file: self-contained (no script, style or image from elsewhere), escaped,
translated."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from lien import filters
from lien.display import Near, distance_text, site_fields
from lien.filters import Filters
from lien.i18n import LANGS, direction, t
from lien.ingest import directory
from lien.ingest.directory import read_directory
from lien.outputs import offline
from lien.render import assets, sites_layer

DAY = date(2026, 3, 14)
EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_SITE = "</script><script>alert(1)</script>"
ORIGIN = (50.8466, 4.3528)  # Brussels


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return directory.prepare(read_directory().frame)


@pytest.fixture(scope="module")
def page(frame: pd.DataFrame) -> str:
    return offline.offline_html(frame, "fr", today=DAY).decode("utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <style> and <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.styles.append(data)
        elif self._in == "script":
            self.scripts.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def table_rows(page: str) -> list[str]:
    return re.findall(r"<tr>(<td>.*?)</tr>", page, flags=re.S)


# --- self-contained -----------------------------------------------------------------------


def test_no_external_script_style_or_image(page: str) -> None:
    tags = parse(page)
    for tag, attrs in tags.tags:
        assert not (tag == "script" and "src" in attrs), attrs
        assert tag != "link", attrs  # no stylesheet, icon or preload
        if tag in ("img", "iframe", "embed", "source", "video", "audio", "object"):
            pytest.fail(f"<{tag}> in the offline file: {attrs}")
    assert tags.scripts
    assert tags.styles
    for css in tags.styles:
        assert "@import" not in css
        for target in re.findall(r"""url\(['"]?([^'")]+)""", css):
            assert target.startswith("data:image/png;base64,") or target == "#default#VML", target
    assert "/app/static/leaflet/leaflet.js" not in page
    assert "/app/static/markercluster/" not in page


def test_leaflet_and_markercluster_are_inlined(page: str) -> None:
    scripts = "".join(parse(page).scripts)
    assert "Leaflet 1.9.3" in scripts
    assert "L.MarkerClusterGroup" in scripts
    assert ".marker-cluster-small" in page  # MarkerCluster.Default.css
    assert ".leaflet-container" in page  # leaflet.css
    # Leaflet's default marker images: data: URIs, in the CSS and as the icons' options.
    assert 'url("data:image/png;base64,' in page
    assert 'L.Icon.Default.mergeOptions({"imagePath": "data:image/png;base64,"' in page


def test_supercluster_is_inlined_for_a_large_view(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A downloaded large view clusters as the app does: supercluster inside the file."""
    monkeypatch.setattr(sites_layer, "SUPERCLUSTER", 10)
    large = offline.offline_html(frame, "fr", today=DAY).decode()
    assert assets.source("supercluster/supercluster.min.js").decode("utf-8") in large
    assert assets.SUPERCLUSTER_JS not in large
    assert '"supercluster": true' in large


def test_the_only_web_addresses_are_openstreetmap_links(page: str) -> None:
    """Tiles, the attribution and the directions link: none is needed to read the file."""
    # Leaflet's own files name their home page and bug trackers in comments: left out.
    ours = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    for relative in ("leaflet/leaflet.js", "markercluster/leaflet.markercluster.js"):
        ours = ours.replace(offline._asset(relative).decode("utf-8"), "")
    hosts = set(re.findall(r"https?:(?:\\?/){2}([^/\\\"'<>\s]+)", ours))
    # Everything else in the seed directory: the organisations' own websites, as links.
    websites = {h for h in hosts if "openstreetmap.org" not in h}
    assert {h for h in hosts if "openstreetmap.org" in h} == {
        "tile.openstreetmap.org",
        "www.openstreetmap.org",
    }
    assert websites, "the seed directory has websites"
    for host in websites:  # each one a link of the table or of a popup (quotes JSON-escaped)
        assert re.search(rf'href=\\?"https?://{re.escape(host)}', page), host


def test_inlined_scripts_cannot_be_closed_early(monkeypatch: pytest.MonkeyPatch) -> None:
    for relative in ("leaflet/leaflet.js", "markercluster/leaflet.markercluster.js"):
        js = offline._inline_js(relative)
        assert js.count("</script") == 1
        assert js.endswith("\n</script>")
        assert js[len("<script>\n") : -len("\n</script>")] == offline._asset(relative).decode()
    monkeypatch.setattr(
        offline,
        "_asset",
        lambda relative: b'var a = "</SCRIPT><script>alert(1)</script>", b = i</n; /* </style> */',
    )
    assert offline._inline_js("x") == (
        '<script>\nvar a = "<\\/SCRIPT><script>alert(1)<\\/script>", b = i</n; /* </style> */'
        "\n</script>"
    )
    assert offline._inline_css("leaflet/leaflet.css").count("</style") == 1


def test_every_asset_url_is_inlinable() -> None:
    for url in (
        assets.LEAFLET_JS,
        assets.LEAFLET_CSS,
        assets.MARKERCLUSTER_JS,
        assets.MARKERCLUSTER_CSS,
        assets.MARKERCLUSTER_DEFAULT_CSS,
    ):
        assert offline._relative(url)
    assert assets.LEAFLET_IMAGES.startswith(offline.STATIC_URL)
    with pytest.raises(ValueError, match="cannot inline"):
        offline._self_contained_head('<script src="https://unpkg.com/leaflet.js"></script>')


def test_works_without_static_folder(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    """The assets come from the XStatic packages, so a server without static/ can serve it."""
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path / "nothing-here")
    assert b"L.MarkerClusterGroup" in offline.offline_html(frame.head(3), "en", today=DAY)


# --- the page -------------------------------------------------------------------------------


def test_one_table_row_per_site_national_ones_included(frame: pd.DataFrame, page: str) -> None:
    located = frame["latitude"].notna()
    assert 0 < (~located).sum() < len(frame)
    assert len(table_rows(page)) == len(frame)
    assert page.index(t("table_heading", "fr")) < page.index(t("national_heading", "fr"))
    national = page[page.index(t("national_heading", "fr")) :]
    for name in frame.loc[~located, "site"]:
        assert html.escape(name) in national


def test_rows_hold_escaped_text_and_safe_links(frame: pd.DataFrame, page: str) -> None:
    site = frame[frame["phone"].ne("") & frame["website"].ne("") & frame["email"].ne("")].iloc[0]
    row = next(r for r in table_rows(page) if html.escape(site["site"]) in r)
    assert html.escape(site["organisation"]) in row
    phone = site["phone"].split(";")[0].strip()
    assert f">{html.escape(phone)}</bdi></a>" in row  # in its own left-to-right box
    assert 'href="tel:' in row
    assert f'href="mailto:{html.escape(site["email"].split(";")[0].strip())}"' in row
    assert 'target="_blank" rel="noopener noreferrer"' in row


def test_header_title_date_and_source_warning(frame: pd.DataFrame) -> None:
    page = offline.offline_html(frame, "nl", title='Lien & "Co" <b>', today=DAY).decode()
    assert page.startswith('<!DOCTYPE html>\n<html lang="nl" dir="ltr">')
    assert "<title>Lien &amp; &quot;Co&quot; &lt;b&gt;</title>" in page
    assert "<h1>Lien &amp; &quot;Co&quot; &lt;b&gt;</h1>" in page
    assert '<time datetime="2026-03-14">Kaart opgeslagen op 14 maart 2026.</time>' in page
    assert html.escape(t("source_warning", "nl")) in page


def test_mobile_friendly(page: str) -> None:
    viewports = re.findall(r'<meta name="viewport"[^>]*>', page)
    assert viewports == ['<meta name="viewport" content="width=device-width, initial-scale=1">']
    assert "user-scalable=no" not in page
    assert re.search(r"height:\s*60(\.0)?vh", page)
    assert 'class="lien-scroll"' in page
    assert "overflow-x: auto" in page
    assert page.count("charset") == 1


@pytest.mark.parametrize("lang", LANGS)
def test_headers_in_each_language(frame: pd.DataFrame, lang: str) -> None:
    sites = filters.apply(frame, Filters(), ORIGIN)
    page = offline.offline_html(sites, lang, Near("", point=ORIGIN), today=DAY).decode()
    heads = re.findall(r'<th scope="col">(.*?)</th>', page)
    columns = [
        html.escape(t(k, lang))
        for k in (
            "col_organisation",
            "col_site",
            "col_services",
            "col_town",
            "distance",
            "col_phone",
            "col_email",
            "col_website",
        )
    ]
    assert heads[: len(columns)] == columns
    for key in ("table_heading", "national_heading", "source_warning"):
        assert html.escape(t(key, lang)) in page
    assert html.escape(t("offline_note", lang)) in page
    assert f'<html lang="{lang}" dir="{direction(lang)}">' in page


def test_distance_column_and_search_point(frame: pd.DataFrame) -> None:
    sites = filters.apply(frame, Filters(near="Bruxelles", radius_km=30), ORIGIN)
    page = offline.offline_html(sites, "en", Near("", point=ORIGIN), today=DAY).decode()
    first = sites[sites["latitude"].notna()].iloc[0]
    row = next(r for r in table_rows(page) if html.escape(first["site"]) in r)
    # As every output words it: "≈ 3 km, postcode centre" for a site placed at its postcode.
    worded = html.escape(distance_text(site_fields(first, "en"), "en"))
    assert worded
    assert f'<td class="num">{worded}</td>' in row
    assert t("you_are_here", "en") in page


def test_an_empty_view_says_so(frame: pd.DataFrame) -> None:
    page = offline.offline_html(frame.head(0), "en", today=DAY).decode()
    assert t("no_match", "en") in page
    assert "<table" not in page
    assert "padding: [24, 24]" not in page  # no fitBounds: nothing to fit: the map shows Belgium


# --- malicious data ------------------------------------------------------------------------


def _evil(frame: pd.DataFrame) -> pd.DataFrame:
    evil = frame.copy()
    first = evil.index[evil["latitude"].notna()][0]
    national = evil.index[evil["latitude"].isna()][0]
    for row in (first, national):
        evil.loc[evil["org_id"] == evil.at[row, "org_id"], "organisation"] = EVIL_NAME
        evil.at[row, "site"] = EVIL_SITE
        evil.at[row, "website"] = "javascript:alert(1);www.ok.be"
        evil.at[row, "email"] = 'a"onmouseover="x@evil.be'
    evil.at[first, "hours"] = "{{ 7*7 }} {% raw %} {# x"
    evil.at[first, "address"] = "{{ self.__init__.__globals__ }}"
    return evil


@pytest.mark.parametrize("lang", LANGS)
def test_malicious_text_appears_only_escaped(frame: pd.DataFrame, lang: str) -> None:
    page = offline.offline_html(_evil(frame), lang, today=DAY).decode()
    assert EVIL_NAME not in page
    assert EVIL_SITE not in page
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "javascript:" not in page.replace("&quot;", "")
    assert html.escape(EVIL_NAME) in page
    assert html.escape(EVIL_SITE) in page
    # In the table, both the located and the national row.
    assert sum(html.escape(EVIL_SITE) in r for r in table_rows(page)) == 2
    assert 'href="mailto:a&quot;onmouseover=&quot;x@evil.be"' in page
    assert 'href="https://www.ok.be"' in page
    # Only the page's own scripts: Leaflet, the icon options, MarkerCluster, gesture handling,
    # supercluster, folium's switches and the map.
    assert [tag for tag, _ in parse(page).tags].count("script") == 7


def test_template_syntax_in_data_is_text_not_code(frame: pd.DataFrame) -> None:
    """branca compiles rendered output as Jinja: data braces must come out untouched."""
    page = offline.offline_html(_evil(frame), "en", today=DAY).decode()
    # In the map's JSON "{" is written \u007b before "{", "%" or "#": JavaScript reads the same
    # text, and Jinja sees no tag to run.
    assert r"\u007b{ 7*7 }} \u007b% raw %} \u007b# x" in page
    assert r"\u007b{ self.__init__.__globals__ }}" in page
    assert "<function" not in page  # what the template would have printed
