"""A printable A4 handout (PDF) of the current view: map, QR code and the sites by service in two
columns, in the visitor's language (right to left in Arabic, Persian and Pashto); the reusable
blocks (fonts, text, tables) are in lien.outputs.pdf, the map in lien.outputs.pdf_map, the QR
code in lien.outputs.qr.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lien import coverage, i18n, taxonomy
from lien.display import Near, distance_text, of_place, site_fields, view_lines
from lien.filters import counts
from lien.i18n import normalise_lang, number, t
from lien.outputs.palette import GREY, HEAD_FILL
from lien.outputs.pdf import (
    MARGIN,
    MAX_URL,
    MM,
    STYLES,
    Document,
    Style,
    Writer,
    bold,
    cell,
    italic,
    label_sep,
    printable,
    sources_line,
)
from lien.outputs.pdf_map import (
    MAP_W,
    MapResult,
    draw_legend,
    draw_map,
    legend_height,
    site_map,
)
from lien.outputs.qr import draw_qr, qr_matrix, qr_url
from lien.schema import records as schema_records
from lien.schema import split_codes
from lien.text import fold
from lien.translations import shown

MAX_SITES = 300  # listed sites: ~20 two-column pages at most, not 5,000
# A site is listed under each of its services: 300 sites naming all 20 services would be 6,000
# listings (1,500 pages). The listing stops once it fills this many pages' columns.
MAX_PAGES = 20
MAX_LINKS = 5  # phones, e-mails or websites printed per site; a longer list ends in "…"
COLUMN_GAP = 8 * MM
MAP_GAP = 6.0  # between the map and the QR code's column
HEADER_LIMIT = 120.0  # points page 1 keeps for the columns, however long the header

_STYLES = {
    **STYLES,
    "scan": Style(8, 10, bold=True, align="center", before=2),
    "url": Style(5.5, 6.8, align="center", colour=GREY),
    "service": Style(10, 12.5, bold=True, before=7, after=3, fill=HEAD_FILL, pad=2.5),
    "org": Style(8, 9.8, bold=True, before=3),
    "entry": Style(7.5, 9.2, indent=6, after=2.5),
    "entry_top": Style(7.5, 9.2, indent=6),
    "original": Style(7, 8.6, italic=True, colour=GREY, indent=12, ltr=True),
}

Block = tuple[str, Style]

# --- directory -------------------------------------------------------------------------------

NO_SERVICE = ""  # the group of sites whose services cell is empty


def _service_codes(codes_of: list[list[str]]) -> list[str]:
    """The taxonomy's codes in order, then unknown codes as they appear: no site is dropped."""
    known = taxonomy.services().codes
    extra: dict[str, None] = {}
    for codes in codes_of:
        for code in codes or [NO_SERVICE]:
            if code not in taxonomy.services():
                extra.setdefault(code, None)
    return [*known, *extra]


def _hours(site: dict[str, Any], w: Writer) -> tuple[str, str]:
    """The hours in the reader's language, and the original when they are a translation no one
    reviewed (then they say so): the original is the reference, as on the page."""
    text = shown(site, "hours", w.lang)
    if text.translated and not text.reviewed:
        machine = w.t("machine_text")  # not inside the f-string: Babel's extraction sees it
        return f"{w.plain(text.text)} ({machine})", w.plain(text.original)
    return w.plain(text.text), ""


def _entry(site: dict[str, Any], w: Writer, near: bool, centre: str = "") -> list[Block]:
    """One site's blocks: site name, address or 'national', distance, hours (and their original
    when translated, a left-to-right paragraph of its own), contacts and when it was checked, a
    line each."""
    lang = w.lang
    sep = label_sep(lang)
    f = site_fields(site, lang)
    lines: list[str] = []
    blocks: list[Block] = []
    if f.site and f.site != f.organisation:
        lines.append(italic(w.plain(f.site)))
    if f.place:
        lines.append(w.t("address") + sep + w.ltr(f.place))
    if not f.located:
        lines.append(bold(w.t("handout_national")))
    if near and f.located and f.distance_km is not None:
        lines.append(bold(w.t("handout_distance", distance=distance_text(f, lang, centre))))
    if f.hours:
        # Hours are prose ('lundi; mardi sur rendez-vous'): printed as written, not split.
        hours, original = _hours(site, w)
        lines.append(w.t("hours") + sep + hours)
        if original:
            blocks += [("\n".join(lines), _STYLES["entry_top"]), (original, _STYLES["original"])]
            lines = []
    for key, links in (
        ("col_phone", f.phones),
        ("col_email", f.emails),
        ("col_website", f.websites),
    ):
        if links:
            # A bounded list: fpdf2 orders a line by recursing over its run of neutral
            # characters, and 500 isolated numbers in an Arabic line passed Python's limit.
            shown = [w.ltr(x.text) for x in links[:MAX_LINKS]]
            more = ["…"] if len(links) > MAX_LINKS else []
            lines.append(w.t(key) + sep + i18n.listed([*shown, *more], lang))
    # A printed page is read long after: when a person last checked the record says how far
    # to trust it.
    checked = italic(w.plain(" · ".join(x for x in (f.fresh.status, f.fresh.checked) if x)))
    stale = f" · {bold(w.plain(f.fresh.stale_text))}" if f.fresh.stale else ""
    lines.append(checked + stale)
    return [*blocks, ("\n".join(lines), _STYLES["entry"])]


def _order(listed: pd.DataFrame, near: bool) -> pd.DataFrame:
    """Nearest first near a place (as the view is); otherwise by organisation, town and site."""
    if near and "distance_km" in listed:
        return listed
    keys = pd.DataFrame(
        {
            c: listed.get(c, pd.Series("", index=listed.index)).map(lambda v: fold(cell(v)))
            for c in ("organisation", "city", "site")
        }
    )
    return listed.loc[keys.sort_values(["organisation", "city", "site"], kind="stable").index]


def listings(
    listed: pd.DataFrame, w: Writer, near: bool, services: Sequence[str] = (), centre: str = ""
) -> list[list[Block]]:
    """Each service with its sites grouped by organisation, a listing (a site's blocks) at a
    time; a site is under each of its services, or, when the view chose `services`, under each
    of those only (a site that also houses people is not listed again under housing in a
    handout about work). `centre`: the place whose centre the distances are measured from
    (display.distance_text)."""
    ordered = _order(listed, near)
    records = schema_records(ordered)
    codes_of = [split_codes(cell(r.get("services"))) for r in records]
    sets = [set(codes) or {NO_SERVICE} for codes in codes_of]
    out: list[list[Block]] = []
    vocabulary = taxonomy.services()
    chosen = set(services)
    for code in _service_codes(codes_of):
        if chosen and code not in chosen:
            continue
        rows = [r for r, codes in zip(records, sets, strict=True) if code in codes]
        if not rows:
            continue
        # Group by organisation, keeping the order of each organisation's first (nearest) site.
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            key = cell(row.get("org_id")) or cell(row.get("organisation"))
            groups.setdefault(key, []).append(row)
        heading = (
            printable(vocabulary.label(code, w.lang))
            if code in vocabulary
            else w.plain(code)
            if code
            else w.t("service_not_stated")
        )
        first = True
        for group in groups.values():
            for i, row in enumerate(group):
                entry = _entry(row, w, near, centre)
                if i == 0:
                    # The organisation's name travels with its first site, never alone at a foot.
                    entry.insert(0, (w.plain(row.get("organisation")), _STYLES["org"]))
                if first:
                    # So does the service's heading.
                    entry.insert(0, (heading, _STYLES["service"]))
                    first = False
                out.append(entry)
    return out


# --- the first page's top ------------------------------------------------------------------------


def _header(sites: pd.DataFrame, w: Writer, near: Near, day: datetime.date) -> list[Block]:
    """Title, what the view holds, where it is centred, the date and the sources."""
    lang = w.lang
    line = printable(view_lines(counts(sites), lang)[0])
    blocks: list[Block] = [
        (w.t("title"), _STYLES["title"]),
        (w.t("handout_subtitle") + printable(" — ") + line, _STYLES["subtitle"]),
    ]
    if near.place:
        measured = "distance_km" in sites and bool(sites["distance_km"].notna().any())
        if near.radius_km is not None:
            where = w.t("handout_near", near=near.place, radius=number(near.radius_km, lang))
        elif measured:
            where = w.t("near_found", place=near.place)
        else:
            # The caller passes what was typed even when no place was found: say so, as the app.
            where = w.t("near_not_found", query=near.place)
        blocks.append((bold(of_place(where, lang)), _STYLES["subtitle"]))
    blocks.append((w.t("handout_printed", date=i18n.date(day, lang)), _STYLES["meta"]))
    blocks.append((sources_line(coverage.sources(sites), w), _STYLES["meta"]))
    return blocks


@dataclass
class _Top:
    """The map beside the QR code's column (its caption, the URL, the legend)."""

    result: MapResult
    matrix: list[list[bool]] | None
    url: str
    side_w: float

    def qr_size(self) -> float:
        if self.matrix is None:
            return 0.0
        # Keep modules at least ~0.45 mm: phone cameras read that from a printed page.
        return min(self.side_w - 4, max(34 * MM, (len(self.matrix) + 8) * 0.45 * MM))

    def side(self, w: Writer) -> list[Block]:
        blocks: list[Block] = []
        if self.matrix is not None:
            blocks.append((w.t("handout_scan"), _STYLES["scan"]))
        if self.url:
            # Printed whole (MAX_FIELD would cut it): a cut URL opens the wrong view. A bound
            # still applies, since a caller's bug could pass anything.
            blocks.append((printable(qr_url(self.url)[:MAX_URL]), _STYLES["url"]))
        return blocks

    def height(self, doc: Document, w: Writer) -> float:
        side = self.qr_size() + sum(doc.height_of(x, s, self.side_w) for x, s in self.side(w))
        side += 6 + legend_height(doc, self.result, self.side_w - 6)
        return max(self.result.height * doc.scale, side)

    def draw(self, doc: Document, w: Writer) -> None:
        top = doc.get_y()
        map_w = MAP_W - MAP_GAP
        map_x = doc.l_margin + doc.width - map_w if doc.rtl else doc.l_margin
        side_x = doc.l_margin if doc.rtl else doc.l_margin + MAP_W
        draw_map(doc, self.result, map_x, top)
        size = self.qr_size()
        if self.matrix is not None:
            draw_qr(doc, self.matrix, side_x + (self.side_w - size) / 2, top, size)
        doc.set_y(top + size)
        for text, style in self.side(w):
            doc.block(text, style, side_x, self.side_w)
        doc.set_y(doc.get_y() + 6)
        draw_legend(doc, self.result, side_x + (0 if doc.rtl else 3), self.side_w - 6)
        doc.set_xy(doc.l_margin, top + self.height(doc, w))


# --- columns -----------------------------------------------------------------------------------


def _placements(
    entries: list[list[Block]],
    height: Callable[[list[Block]], float],
    first_room: float,
    room: float,
) -> list[tuple[int, int, float]]:
    """(page, column, offset from the column's top) of each listing that fits in MAX_PAGES pages
    of two columns, each kept whole (never split between two columns or pages). Measured one
    by one, so that a crafted view costs at most those pages' work."""
    out: list[tuple[int, int, float]] = []
    page, column, used, cap = 1, 0, 0.0, first_room
    for entry in entries:
        h = height(entry)
        if used and used + h > cap:
            column, used = column + 1, 0.0
            if column == 2:
                page, column, cap = page + 1, 0, room
            if page > MAX_PAGES:
                break
        out.append((page, column, used))
        used += h
    return out


def _draw_columns(
    doc: Document,
    entries: list[list[Block]],
    placed: list[tuple[int, int, float]],
    first_top: float,
) -> None:
    col_w = (doc.width - COLUMN_GAP) / 2
    for entry, (page, column, offset) in zip(entries, placed, strict=False):
        while doc.page_no() < page:
            doc.add_page()
        top = first_top if page == 1 else MARGIN
        # The first column is on the reading side: the right one in Arabic.
        x = doc.l_margin + (1 - column if doc.rtl else column) * (col_w + COLUMN_GAP)
        doc.set_xy(x, top + offset)
        for text, style in entry:
            doc.block(text, style, x, col_w)


@dataclass
class _View:
    """What the first page says about the view beside its listings."""

    sites: pd.DataFrame
    result: MapResult
    more: int  # sites past MAX_SITES

    def notes(self, w: Writer, cut: int) -> list[Block]:
        """The map's sample, the national count, the caps reached, replaced characters, or that
        nothing matches."""
        note, lang = _STYLES["note"], w.lang
        out: list[Block] = [(text, note) for text in w.machine_note()]
        if self.result.drawn_sample:
            sample = w.t(
                "handout_map_sample", shown=self.result.drawn_sample, total=self.result.located
            )
            out.append((sample, note))
        national = view_lines(counts(self.sites), lang)[1]
        if national:
            out.append((printable(national), note))
        if self.more:
            out.append((w.tn("handout_more", self.more), note))
        if cut:
            out.append((w.tn("handout_cut", cut, count=number(cut, lang), pages=MAX_PAGES), note))
        if w.replaced:
            out.append((w.t("handout_replaced"), note))
        if self.sites.empty:
            out.append((w.t("no_match"), _STYLES["empty"]))
        return out


def _fit(
    doc: Document, first_page: Callable[[int], float], entries: list[list[Block]]
) -> tuple[float, list[tuple[int, int, float]], int]:
    """Where the columns start on page 1, where each listing goes, and how many were cut; the
    document's scale shrinks the first page's top when it would leave less than HEADER_LIMIT
    points to the columns (an extreme header never overflows)."""
    col_w = (doc.width - COLUMN_GAP) / 2
    heights: dict[int, float] = {}

    def height(entry: list[Block]) -> float:
        if id(entry) not in heights:
            heights[id(entry)] = sum(doc.height_of(x, s, col_w) for x, s in entry)
        return heights[id(entry)]

    limit = doc.bottom - MARGIN - HEADER_LIMIT
    cut = 0
    for _ in range(2):  # the cut's note makes the top taller, which can cut one more
        while first_page(cut) > limit and doc.scale > 0.4:
            doc.scale *= 0.85
        first_top = MARGIN + first_page(cut)
        doc.scale, scale = 1.0, doc.scale  # the listings keep their size
        placed = _placements(entries, height, doc.bottom - first_top, doc.bottom - MARGIN)
        cut = len(entries) - len(placed)
        doc.scale = scale
    return first_top, placed, cut


def handout_pdf(
    sites: pd.DataFrame,
    lang: str,
    *,
    url: str,
    near: str | Near = "",
    services: Sequence[str] = (),
    today: datetime.date | None = None,
) -> bytes:
    """An A4 PDF of the view: header, map, QR code to the view, and the sites by service (the
    view's `services` only, when it chose some). `near`: the place as understood (a Near whose
    `centre` says the distances start at that place's centre, and whose `radius_km` is the
    near-me radius when the place was found), never a visitor's position."""
    near = near if isinstance(near, Near) else Near(near)
    lang = normalise_lang(lang)
    day = today or datetime.date.today()
    w = Writer(lang)
    doc = Document(lang, t("title", lang), t("handout_subtitle", lang), day)

    listed = sites.head(MAX_SITES)
    # The entries first: whether a character had to be replaced is then known for the header.
    entries = listings(listed, w, bool(near.place), services, near.centre_of)
    view = _View(sites, site_map(sites, MAP_W - MAP_GAP), len(sites) - len(listed))
    top = _Top(view.result, qr_matrix(url), url, doc.width - MAP_W)
    header = _header(sites, w, near, day)
    doc.shape_for(x for block in (*entries, header, top.side(w)) for x, _ in block)

    def first_page(cut: int) -> float:
        blocks = header + view.notes(w, cut)
        return sum(doc.height_of(x, s, doc.width) for x, s in blocks) + top.height(doc, w) + 6

    first_top, placed, cut = _fit(doc, first_page, entries)
    for text, style in header:
        doc.block(text, style)
    top.draw(doc, w)
    for text, style in view.notes(w, cut):
        doc.block(text, style)
    doc.scale = 1.0
    _draw_columns(doc, entries, placed, first_top)
    return bytes(doc.output())
