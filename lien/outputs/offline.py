"""The offline map file: one self-contained HTML page with the map, its popups and the sites."""

from __future__ import annotations

import base64
import html
import json
import posixpath
import re
from datetime import date
from functools import lru_cache
from typing import Any

import pandas as pd

from lien import i18n
from lien.display import Link, Near, distance_text, site_fields, view_lines
from lien.i18n import direction, normalise_lang, t
from lien.outputs.about import cut_text
from lien.render import assets, mapview
from lien.render.sites_layer import view_layer
from lien.render.view import MapView, map_view
from lien.schema import records

# Where assets.py's URLs point (Streamlit's static folder); each maps to one file of FILES.
STATIC_URL = "/app/static/"
MAP_HEIGHT: tuple[float, str] = (60.0, "vh")  # the list of sites follows on the same page

_SCRIPT_TAG = re.compile(r'<script src="([^"]*)"></script>')
_CSS_TAG = re.compile(r'<link rel="stylesheet" href="([^"]*)"\s*/?>')
_CSS_URL = re.compile(r"""url\((['"]?)([^'")]+)\1\)""")
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
_FOLIUM_CHARSET = re.compile(r'<meta http-equiv="content-type"[^>]*>')

_PAGE_CSS = """
html, body { height: auto; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.lien-head, .lien-list { padding: 8px 12px; }
.lien-head h1 { font-size: 1.3em; margin: 4px 0; }
.lien-head p { margin: 4px 0; }
.lien-warning { background: #fff4d6; border-inline-start: 4px solid #e6a700; padding: 4px 8px; }
.lien-note { color: #555; font-size: .9em; }
.lien-map { position: relative; }
.lien-map .folium-map { min-height: 280px; }
.lien-list h2 { font-size: 1.1em; margin: 14px 0 6px; }
.lien-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.lien-sites { border-collapse: collapse; min-width: 100%; font-size: .9em; }
.lien-sites th, .lien-sites td { border: 1px solid #ddd; padding: 4px 6px; text-align: start;
                                 vertical-align: top; }
.lien-sites th { background: #f3f3f3; position: sticky; top: 0; }
.lien-sites td.num { text-align: end; white-space: nowrap; }
.lien-sites a { word-break: break-all; }
"""


# --- the inlined assets -------------------------------------------------------------------------


def _asset(relative: str) -> bytes:
    """An asset's pinned bytes (see lien.render.assets.source)."""
    return assets.source(relative)


def _data_uri(relative: str) -> str:
    """A PNG of the assets as a data: URI."""
    return "data:image/png;base64," + base64.b64encode(_asset(relative)).decode("ascii")


def _relative(url: str) -> str:
    """The asset an app URL serves (relative to static/); ValueError for anything else."""
    relative = url.removeprefix(STATIC_URL)
    if relative == url or relative not in assets.relative_files():
        # An asset we cannot inline would make the file need a server: fail, never ship it.
        raise ValueError(f"cannot inline {url!r}: not one of lien.render.assets' files")
    return relative


def _inline_css(relative: str) -> str:
    """A stylesheet whose url(images/…) are data: URIs, safe inside <style>."""
    css = _asset(relative).decode("utf-8")
    folder = posixpath.dirname(relative)

    def embed(match: re.Match[str]) -> str:
        target = match.group(2)
        if target.startswith(("data:", "#")):  # "#default#VML" is an old-IE behaviour, not a file
            return match.group(0)
        return f'url("{_data_uri(_relative(STATIC_URL + posixpath.join(folder, target)))}")'

    css = _CSS_URL.sub(embed, css)
    # Only "</style" can end a <style> element early; "<\/" is the same text to a CSS parser.
    return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.I) + "\n</style>"


def _inline_js(relative: str) -> str:
    """A script as an inline <script> element that no text inside it can close."""
    js = _asset(relative).decode("utf-8")
    # Only "</script" ends a script element. Escaping every "</" would break a regular
    # expression after "<" in code; "</script" can only be inside a string, regex or comment,
    # where "<\/script" means the same.
    return "<script>\n" + re.sub(r"</(script)", r"<\\/\1", js, flags=re.I) + "\n</script>"


@lru_cache(maxsize=1)
def _icon_script() -> str:
    """Leaflet's default marker images as data: URIs (for any L.marker; sites are circles)."""
    # Leaflet builds an icon's URL as imagePath + file name, and the icon's own imagePath
    # option wins over the global one that mapview sets to the server's folder: with the
    # data: prefix as imagePath and the base64 text as "file name", the URL is a data: URI.
    prefix = "data:image/png;base64,"
    options = {
        "imagePath": prefix,
        **{
            key: _data_uri(f"leaflet/images/{name}").removeprefix(prefix)
            for key, name in (
                ("iconUrl", "marker-icon.png"),
                ("iconRetinaUrl", "marker-icon-2x.png"),
                ("shadowUrl", "marker-shadow.png"),
            )
        },
    }
    return f"<script>L.Icon.Default.mergeOptions({json.dumps(options)});</script>"


@lru_cache(maxsize=8)
def _inline_tag(kind: str, url: str) -> str:
    """The inline element replacing one <script src> or stylesheet <link> (built once)."""
    relative = _relative(url)
    if kind == "js":
        script = _inline_js(relative)
        # Right after Leaflet, before any map script creates a marker.
        return script + _icon_script() if relative == "leaflet/leaflet.js" else script
    return _inline_css(relative)


def _self_contained_head(head: str) -> str:
    """Folium's <head> content with every asset inlined and its zoom-blocking viewport removed."""
    head = _SCRIPT_TAG.sub(lambda m: _inline_tag("js", m.group(1)), head)
    head = _CSS_TAG.sub(lambda m: _inline_tag("css", m.group(1)), head)
    # Folium forbids pinch-zoom (user-scalable=no): the page sets a readable viewport instead.
    head = _FOLIUM_VIEWPORT.sub("", head)
    # The page declares <meta charset="utf-8"> first; HTML allows only one declaration.
    head = _FOLIUM_CHARSET.sub("", head)
    leftover = re.search(r"<script[^>]*\ssrc=|<link\b", head)
    if leftover:
        raise ValueError(
            f"an external reference is left in the offline file: {leftover.group(0)!r}"
        )
    return head


# --- the map ------------------------------------------------------------------------------------


def _map_parts(view: MapView, lang: str, centre: str = "") -> tuple[str, str, str]:
    """The rendered map as (head content, body content, script), its assets not yet inlined."""
    fmap = mapview.base_map(lang, framed=False)
    fmap.height = MAP_HEIGHT
    fmap.add_child(view_layer(view, lang, centre))
    fmap.render()  # fills the figure's header, html and script elements
    figure: Any = fmap.get_root()  # a branca Figure: its header, html and script parts
    head, body, script = (part.render() for part in (figure.header, figure.html, figure.script))
    return head, body, script


# --- the list -----------------------------------------------------------------------------------


def _links(links: tuple[Link, ...]) -> str:
    """Contacts as safe links, one per line; web pages open in a new tab. Each is a
    left-to-right box (<bdi dir="ltr">): a phone number keeps its order on a right-to-left page."""
    out = []
    for link in links:
        new_tab = (
            ' target="_blank" rel="noopener noreferrer"'
            if link.href.lower().startswith(("http://", "https://"))
            else ""
        )
        out.append(
            f'<a href="{html.escape(link.href, quote=True)}"{new_tab}>'
            f'<bdi dir="ltr">{html.escape(link.text)}</bdi></a>'
        )
    return "<br>".join(out)


def sites_table(sites: pd.DataFrame, lang: str, centre: str = "") -> str:
    """The sites as an HTML table, every text escaped and only http(s), mailto and tel links;
    `centre`: the place the distances are measured from the centre of."""
    distance = "distance_km" in sites.columns
    headers = [
        t("col_organisation", lang),
        t("col_site", lang),
        t("col_services", lang),
        t("col_town", lang),
        *([t("distance", lang)] if distance else []),
        t("col_phone", lang),
        t("col_email", lang),
        t("col_website", lang),
        t("col_checked", lang),
    ]
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    rows = []
    for site in records(sites):
        f = site_fields(site, lang)
        cells = [
            html.escape(f.organisation),
            html.escape(f.site),
            html.escape(i18n.listed(f.services, lang)),
            html.escape(f.town or f.scope),
        ]
        if distance:
            cells.append(html.escape(distance_text(f, lang, centre)))
        cells += [_links(f.phones), _links(f.emails), _links(f.websites)]
        cells.append(html.escape(f.fresh.line()))
        numeric = 4 if distance else -1
        rows.append(
            "<tr>"
            + "".join(
                f'<td class="num">{c}</td>' if i == numeric else f"<td>{c}</td>"
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    return (
        f'<div class="lien-scroll"><table class="lien-sites"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


# --- the page -----------------------------------------------------------------------------------


def offline_html(
    sites: pd.DataFrame,
    lang: str,
    near: Near | None = None,
    *,
    title: str = "Lien",
    today: date | None = None,
    left_out: int = 0,
) -> bytes:
    """One HTML file, working with no network, of the map and the list of `sites` (UTF-8), and
    how many sites of the view it `left_out` (lien.outputs.builds.MAX_ROWS); `near`: the point
    the distances are measured from, and the place whose centre it is (display.distance_text)."""
    lang = normalise_lang(lang)
    day = today or date.today()
    e = html.escape
    near = near or Near("")
    centre = near.centre_of
    view = map_view(sites, near.point)
    on_map, elsewhere = view.on_map, view.elsewhere
    folium_head, folium_body, script = _map_parts(view, lang, centre)
    shown, national = view_lines(view.counts, lang)
    saved = t("offline_saved", lang, date=i18n.date(day, lang))
    header = [
        f"<h1>{e(title)}</h1>",
        f'<p><time datetime="{day.isoformat()}">{e(saved)}</time> {e(shown)}</p>',
        '<p class="lien-warning" role="note">' + e(t("source_warning", lang)) + "</p>",
        '<p class="lien-note">' + e(t("offline_note", lang)) + "</p>",
    ]
    if national:
        header.append("<p>" + e(national) + "</p>")
    if left_out:
        cut = cut_text(lang, len(sites), len(sites) + left_out)
        header.append(
            '<p class="lien-warning" role="note">' + e(cut[:1].upper() + cut[1:]) + "</p>"
        )
    listing = []
    if sites.empty:
        listing.append("<p>" + e(t("no_match", lang)) + "</p>")
    if len(on_map):
        listing += [
            "<h2>" + e(t("table_heading", lang)) + "</h2>",
            sites_table(on_map, lang, centre),
        ]
    if len(elsewhere):
        listing += ["<h2>" + e(t("national_heading", lang)) + "</h2>", sites_table(elsewhere, lang)]

    page = "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{lang}" dir="{direction(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)}</title>",
            _self_contained_head(folium_head),
            f"<style>{_PAGE_CSS}</style>",
            "</head>",
            "<body>",
            f'<header class="lien-head">{"".join(header)}</header>',
            f'<div class="lien-map">{folium_body}</div>',
            f'<main class="lien-list">{"".join(listing)}</main>',
            f"<script>{script}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )
    return page.encode("utf-8")
