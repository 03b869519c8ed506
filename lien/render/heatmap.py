"""The coverage heatmaps (sites per service and area) as HTML tables, coloured in the count
classes of lien.render.charts: a gap orange and marked ✕, then Blues, darker for more. No
Streamlit.

A heatmap is a table whose cells are coloured: drawn as one, it needs no chart bundle. As the
coverage page's first chart, drawn by Vega, it waited for Vega's bundle and its drawing, and
reached a phone later (docs/performance.md). A screen reader also reads it as a table, each
count under its service and area, where Vega's drawing needed a description for every cell. The
maps below it stay Vega-Lite charts.
"""

from __future__ import annotations

import html

import pandas as pd

from lien import taxonomy
from lien.geo.areas import NATIONAL, area_label
from lien.i18n import t
from lien.render.charts import CLASSES, DARK_FROM, GAP_MARK, class_labels, count_class, said
from lien.render.tables import table_box

# Sizes are fixed (table-layout: fixed) so that the width the table needs is known here: a page
# at least that wide shows it whole (1366 px with the sidebar open), a narrower one (a phone)
# scrolls it sideways, and a container query on that same width shows the cue that it scrolls:
# a caption above it and a shadow at its right edge (gone at the end of the scroll where the
# browser has scroll-driven animations). The area names stand on their side, two lines at most:
# whole names, read as they are by a screen reader, in a column as narrow as its counts.
SERVICE_REM = 10.0  # the services' column: a name on two or three lines
AREA_REM = 3.25  # an area's column: a count, and its name on its side on two lines
# Printed on A4 (190 mm wide, about 718 CSS pixels), in the print's smaller type.
PRINT_SERVICE_REM = 8.0
PRINT_AREA_REM = 2.6

# The service's name stays in view while a phone scrolls the areas sideways. Colours are set
# on every cell (not inherited) so that a dark theme keeps the contrast of the classes.
HEATMAP_CSS = f"""
<style>
.lien-heat {{ container: lien-heat / inline-size; }}
.lien-heatmap caption {{ caption-side: top; text-align: left; font-weight: 600;
  padding: 0 0 .4rem; }}
.lien-heatmap table {{ font-size: .85rem; table-layout: fixed; }}
.lien-heatmap col.lien-col-service {{ width: {SERVICE_REM}rem; }}
.lien-heatmap col.lien-col-area {{ width: {AREA_REM}rem; }}
.lien-heatmap th, .lien-heatmap td {{ border: 1px solid #fff !important; }}
.lien-heatmap thead th {{ font-size: .75rem; vertical-align: bottom; padding: 4px 2px; }}
.lien-heatmap thead th:first-child {{ position: sticky; left: 0; z-index: 2; background: #fff;
  padding: 4px 8px; }}
.lien-heatmap .lien-area {{ display: inline-block; writing-mode: vertical-rl;
  transform: rotate(180deg); max-height: 9.5rem; line-height: 1.15; text-align: left;
  white-space: normal; overflow-wrap: normal; }}
.lien-heatmap tbody th {{ position: sticky; left: 0; z-index: 1; background: #fff; color: #222;
  font-weight: 400; overflow-wrap: anywhere; }}
.lien-heatmap td {{ text-align: center !important; vertical-align: middle !important;
  padding: 4px 2px; font-variant-numeric: tabular-nums;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.lien-heat-cue {{ display: none; font-size: .85rem; color: #444; margin: 0 0 .35rem; }}
.lien-heat-legend {{ display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem;
  list-style: none; padding: 0; margin: -.5rem 0 1rem; }}
.lien-heat-legend span {{ display: inline-block; width: .9rem; height: .9rem;
  margin-right: .35rem; vertical-align: -.1rem; border: 1px solid #555;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.lien-sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }}
@keyframes lien-heat-end {{ 0%, 92% {{ opacity: 1; }} 100% {{ opacity: 0; }} }}
@media print {{
  .lien-heatmap col.lien-col-service {{ width: {PRINT_SERVICE_REM}rem; }}
  .lien-heatmap col.lien-col-area {{ width: {PRINT_AREA_REM}rem; }}
  .lien-heat .lien-heat-cue {{ display: none !important; }}
  .lien-heat .lien-heatmap::after {{ display: none !important; }}
}}
</style>
"""


def _fit_css(columns: int) -> str:
    """The width of a table of `columns` areas, and its cue that it scrolls when its box is
    narrower (a class of its own: the region heatmap has fewer columns)."""
    width = f"{SERVICE_REM + AREA_REM * columns:g}rem"
    print_width = f"{PRINT_SERVICE_REM + PRINT_AREA_REM * columns:g}rem"
    fit = f".lien-heat-{columns}"
    return f"""<style>
{fit} table {{ width: {width}; }}
@media print {{ {fit} table {{ width: {print_width}; }} }}
@container lien-heat (width < {width}) {{
  {fit} .lien-heat-cue {{ display: block; }}
  {fit} .lien-heatmap {{ display: flex; }}
  {fit} .lien-heatmap table {{ flex: none; }}
  {fit} .lien-heatmap tbody th, {fit} .lien-heatmap thead th:first-child {{
    box-shadow: 3px 0 4px -2px rgba(0, 0, 0, .3); }}
  {fit} .lien-heatmap::after {{ content: ""; flex: none; position: sticky; right: 0;
    width: 1.5rem; margin-left: -1.5rem; z-index: 3; pointer-events: none;
    background: linear-gradient(to left, rgba(0, 0, 0, .28), rgba(0, 0, 0, 0)); }}
  @supports (animation-timeline: scroll()) {{
    {fit} .lien-heatmap::after {{ animation: lien-heat-end linear both;
      animation-timeline: scroll(nearest inline); }}
  }}
}}
</style>"""


def _cell(service: str, code: str, value: int, gap_word: str, lang: str) -> str:
    """One count: its class's colour, ✕ for a gap (said in words to a screen reader), and what
    it says as a tooltip."""
    e = html.escape
    index = count_class(value)
    colour = CLASSES[index][2]
    ink = "#fff" if index >= DARK_FROM else "#000"
    gap = value == 0 and code != NATIONAL
    shown = f'{GAP_MARK}<span class="lien-sr"> {gap_word}</span>' if gap else value
    tip = e(said(f"{service} — {area_label(code, lang)}", value, code, lang), quote=True)
    return f'<td style="background:{colour};color:{ink}" title="{tip}">{shown}</td>'


def heatmap_html(table: pd.DataFrame, lang: str, title: str) -> str:
    """`table` (services in rows, area codes in columns, counts) as a captioned HTML table in a
    box a keyboard can focus and scroll, a cue shown when it must scroll, then the legend of the
    classes; every text escaped."""
    e = html.escape
    services = taxonomy.services()
    gap_word = e(t("gap_word", lang))
    corner = e(t("axis_service", lang))
    head = f'<th scope="col">{corner}</th>' + "".join(
        f'<th scope="col"><span class="lien-area">{e(area_label(code, lang))}</span></th>'
        for code in table.columns
    )
    rows = []
    for code, line in table.iterrows():
        service = services.label(str(code), lang)
        cells = "".join(
            _cell(service, str(area), int(v), gap_word, lang) for area, v in line.items()
        )
        rows.append(f'<tr><th scope="row">{e(service)}</th>{cells}</tr>')
    legend = "".join(
        f'<li><span style="background:{colour}"></span>{e(label)}</li>'
        for (_, _, colour), label in zip(CLASSES, class_labels(lang), strict=True)
    )
    counted = e(t("sites_count", lang), quote=True)
    columns = len(table.columns)
    widths = '<col class="lien-col-service">' + '<col class="lien-col-area">' * columns
    table_html = (
        f"<table><caption>{e(title)}</caption><colgroup>{widths}</colgroup>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    scroll = e(t("heatmap_scroll", lang))
    cue = f'<p class="lien-heat-cue"><span aria-hidden="true">↔ </span>{scroll}</p>'
    # The styles after the box's own (lien.render.tables), which they refine.
    return (
        f'<div class="lien-heat lien-heat-{columns}">{cue}'
        + table_box(title, table_html, "lien-heatmap")
        + HEATMAP_CSS
        + _fit_css(columns)
        + f'<ul class="lien-heat-legend" aria-label="{counted}">{legend}</ul></div>'
    )
