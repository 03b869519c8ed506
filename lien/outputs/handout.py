"""A printable A4 handout (PDF) of the current view: map, QR code and the sites by service, laid
out against each other; the reusable blocks (printable text, the vector map) are in
lien.outputs.pdf, the QR code in lien.outputs.qr.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lien import coverage, i18n, taxonomy
from lien.display import Near, distance_text, of_place, site_fields, view_lines
from lien.filters import counts
from lien.i18n import normalise_lang, number, t
from lien.outputs.palette import BLACK, GREY, HEAD_FILL
from lien.outputs.pdf import (
    MAP_W,
    MARGIN,
    MAX_URL,
    PAGE_W,
    STYLES,
    MapResult,
    Writer,
    a4_document,
    cell,
    flowables_height,
    label_sep,
    legend,
    page_footer,
    printable,
    site_map,
    sources_line,
)
from lien.outputs.qr import QRFlowable, qr_matrix, qr_url
from lien.schema import records as schema_records
from lien.schema import split_codes
from lien.text import fold

MAX_SITES = 300  # listed sites: ~20 two-column pages at most, not 5,000
# A site is listed under each of its services: 300 sites naming all 20 services would be 6,000
# listings (1,500 pages). The listing stops once it fills this many pages' columns.
MAX_PAGES = 20
COLUMN_GAP = 8 * mm
SIDE_W = PAGE_W - 2 * MARGIN - MAP_W

_STYLES = {
    **STYLES,
    "scan": ParagraphStyle(
        "scan",
        fontName="Helvetica-Bold",
        fontSize=8,
        leading=10,
        alignment=TA_CENTER,
        spaceBefore=2,
    ),
    "url": ParagraphStyle(
        "url", fontName="Helvetica", fontSize=5.5, leading=6.8, alignment=TA_CENTER, textColor=GREY
    ),
    "service": ParagraphStyle(
        "service",
        fontName="Helvetica-Bold",
        fontSize=10,
        leading=12.5,
        spaceBefore=7,
        spaceAfter=3,
        backColor=HEAD_FILL,
        leftIndent=3,
        rightIndent=3,
        borderPadding=(2, 3, 2, 3),
    ),
    "org": ParagraphStyle(
        "org", fontName="Helvetica-Bold", fontSize=8, leading=9.8, spaceBefore=3, textColor=BLACK
    ),
    "entry": ParagraphStyle(
        "entry",
        fontName="Helvetica",
        fontSize=7.5,
        leading=9.2,
        leftIndent=6,
        spaceAfter=2.5,
        textColor=BLACK,
    ),
}


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


def _entry(site: dict[str, Any], w: Writer, near: bool, centre: str = "") -> str:
    """One site's markup: site name, address or 'national', distance, hours, contacts and when
    it was checked."""
    lang = w.lang
    sep = label_sep(lang)
    f = site_fields(site, lang)
    lines = []
    if f.site and f.site != f.organisation:
        lines.append(f"<i>{w.text(f.site)}</i>")
    if f.place:
        lines.append(escape(t("address", lang)) + sep + w.text(f.place))
    if not f.located:
        lines.append("<b>" + w.t("handout_national") + "</b>")
    if near and f.located and f.distance_km is not None:
        distance = distance_text(f, lang, centre)
        lines.append("<b>" + w.t("handout_distance", distance=distance) + "</b>")
    if f.hours:
        # Hours are prose ('lundi; mardi sur rendez-vous'): printed as written, not split.
        lines.append(escape(t("hours", lang)) + sep + w.text(f.hours))
    for label, links in (
        (t("col_phone", lang), f.phones),
        (t("col_email", lang), f.emails),
        (t("col_website", lang), f.websites),
    ):
        if links:
            lines.append(f"{escape(label)}{sep}{w.text(', '.join(x.text for x in links))}")
    # A printed page is read long after: when a person last checked the record says how far
    # to trust it.
    checked = w.text(" · ".join(x for x in (f.fresh.status, f.fresh.checked) if x))
    stale = f" · <b>{w.text(f.fresh.stale_text)}</b>" if f.fresh.stale else ""
    lines.append(f"<i>{checked}</i>{stale}")
    return "<br/>".join(lines)


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
) -> list[list[Flowable]]:
    """Each service with its sites grouped by organisation, a listing (a site's paragraphs) at a
    time; a site is under each of its services, or, when the view chose `services`, under each
    of those only (a site that also houses people is not listed again under housing in a
    handout about work). `centre`: the place whose centre the distances are measured from
    (display.distance_text)."""
    ordered = _order(listed, near)
    records = schema_records(ordered)
    codes_of = [split_codes(cell(r.get("services"))) for r in records]
    sets = [set(codes) or {NO_SERVICE} for codes in codes_of]
    out: list[list[Flowable]] = []
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
            groups.setdefault(cell(row.get("org_id")) or cell(row.get("organisation")), []).append(
                row
            )
        heading = (
            escape(printable(vocabulary.label(code, w.lang)))
            if code in vocabulary
            else w.text(code)
            if code
            else w.t("service_not_stated")
        )
        first = True
        for group in groups.values():
            for i, row in enumerate(group):
                entry: list[Flowable] = [Paragraph(_entry(row, w, near, centre), _STYLES["entry"])]
                if i == 0:
                    # The organisation's name travels with its first site, never alone at a foot.
                    entry.insert(0, Paragraph(w.text(row.get("organisation")), _STYLES["org"]))
                if first:
                    # So does the service's heading (keepWithNext is not kept across KeepTogether).
                    entry.insert(0, Paragraph(heading, _STYLES["service"]))
                    first = False
                out.append(entry)
    return out


# --- document --------------------------------------------------------------------------------


def _header(
    sites: pd.DataFrame, w: Writer, near: str, radius_km: float | None, day: datetime.date
) -> list[Flowable]:
    """Title, what the view holds, where it is centred, the date and the sources."""
    lang = w.lang
    story: list[Flowable] = [Paragraph(w.t("title"), _STYLES["title"])]
    line = escape(printable(view_lines(counts(sites), lang)[0]))
    story.append(Paragraph(w.t("handout_subtitle") + " — " + line, _STYLES["subtitle"]))
    if near:
        measured = "distance_km" in sites and bool(sites["distance_km"].notna().any())
        if radius_km is not None:
            where = w.t("handout_near", near=near, radius=number(radius_km, lang))
        elif measured:
            where = w.t("near_found", place=near)
        else:
            # The caller passes what was typed even when no place was found: say so, as the app.
            where = w.t("near_not_found", query=near)
        story.append(Paragraph(f"<b>{of_place(where, lang)}</b>", _STYLES["subtitle"]))
    story.append(Paragraph(w.t("handout_printed", date=i18n.date(day, lang)), _STYLES["meta"]))
    story.append(Paragraph(sources_line(coverage.sources(sites), w), _STYLES["meta"]))
    story.append(Spacer(0, 4))
    return story


def _side(url: str, result: MapResult, w: Writer) -> list[Flowable]:
    """The QR code with its caption and URL, then the legend."""
    side: list[Flowable] = []
    matrix = qr_matrix(url)
    if matrix is not None:
        # Keep modules at least ~0.45 mm: phone cameras read that from a printed page.
        size = min(SIDE_W - 4, max(34 * mm, (len(matrix) + 8) * 0.45 * mm))
        side.append(QRFlowable(matrix, size))
        side.append(Paragraph(w.t("handout_scan"), _STYLES["scan"]))
    if url:
        # Printed whole (MAX_FIELD would cut it): a cut URL opens the wrong view. A bound
        # still applies, since a caller's bug could pass anything.
        side.append(Paragraph(escape(printable(qr_url(url)[:MAX_URL])), _STYLES["url"]))
    drawn = legend(result, w.lang, SIDE_W - 6)
    if drawn is not None:
        side.append(Spacer(0, 6))
        side.append(drawn)
    return side


def _within(entries: list[list[Flowable]], doc: BaseDocTemplate) -> tuple[list[Flowable], int]:
    """The first listings that fill at most MAX_PAGES pages of two columns, each kept together
    (never split between two columns or pages), and how many more there were. Measured one by
    one, so that a crafted view costs at most those pages' work."""
    width = (doc.width - COLUMN_GAP) / 2
    room = MAX_PAGES * 2 * doc.height
    kept: list[Flowable] = []
    for entry in entries:
        room -= flowables_height(entry, width)
        if room < 0:
            break
        kept.append(KeepTogether(entry))
    return kept, len(entries) - len(kept)


def _page_templates(
    doc: BaseDocTemplate, headerheight: float, lang: str, day: datetime.date
) -> list[PageTemplate]:
    """Page 1: the header across the page, then two columns; later pages: two columns."""
    gap = COLUMN_GAP
    col = (doc.width - gap) / 2

    def columns(height: float, prefix: str) -> list[Frame]:
        """Two frames side by side, `height` tall, from the bottom margin up."""
        return [
            Frame(
                doc.leftMargin + i * (col + gap),
                doc.bottomMargin,
                col,
                height,
                id=f"{prefix}{i}",
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
            )
            for i in range(2)
        ]

    below = doc.height - headerheight
    top = Frame(
        doc.leftMargin,
        doc.bottomMargin + below,
        doc.width,
        headerheight,
        id="header",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    footer = page_footer(lang, day)
    return [
        PageTemplate("first", [top, *columns(below, "first")], onPage=footer),
        PageTemplate("later", columns(doc.height, "later"), onPage=footer),
    ]


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
    buffer = io.BytesIO()
    doc = a4_document(buffer, lang, t("title", lang), t("handout_subtitle", lang))

    listed = sites.head(MAX_SITES)
    more = len(sites) - len(listed)
    # The entries first: whether a character had to be replaced is then known for the header.
    centre = near.centre_of
    entries, cut = _within(listings(listed, w, bool(near.place), services, centre), doc)
    header = _header(sites, w, near.place, near.radius_km, day)
    result = site_map(sites, lang)
    top = Table([[result.drawing, _side(url, result, w)]], colWidths=[MAP_W, SIDE_W])
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    header.append(top)

    if result.drawn_sample:
        header.append(
            Paragraph(
                w.t("handout_map_sample", shown=result.drawn_sample, total=result.located),
                _STYLES["note"],
            )
        )
    national = view_lines(counts(sites), lang)[1]
    if national:
        header.append(Paragraph(escape(printable(national)), _STYLES["note"]))
    if more:
        header.append(Paragraph(w.tn("handout_more", more), _STYLES["note"]))
    cut_note = w.tn("handout_cut", cut, count=number(cut, lang), pages=MAX_PAGES)
    if cut:
        header.append(Paragraph(cut_note, _STYLES["note"]))
    if w.replaced:
        header.append(Paragraph(w.t("handout_replaced"), _STYLES["note"]))
    if sites.empty:
        header.append(Paragraph(w.t("no_match"), _STYLES["empty"]))
    header.append(Spacer(0, 6))

    # The header's height is known only once its text is laid out; it sets page 1's frames.
    limit = doc.height - 120
    height = min(flowables_height(header, doc.width) + 2, limit)
    doc.addPageTemplates(_page_templates(doc, height, lang, day))
    # Shrinking, never overflowing: an extreme header still leaves room for the columns.
    story: list[Flowable] = [
        KeepInFrame(doc.width, height, header, mode="shrink"),
        NextPageTemplate("later"),
        FrameBreak(),
    ]
    story += entries
    if cut:
        story.append(Paragraph(cut_note, _STYLES["note"]))
    if more:
        story.append(Paragraph(w.tn("handout_more", more), _STYLES["note"]))
    doc.build(story)
    return buffer.getvalue()
