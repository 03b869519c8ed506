"""The coverage heatmaps (sites per service and area) as HTML tables, coloured in the count
classes of lien.render.charts: a gap orange and marked ✕, then Blues, darker for more. No
Streamlit.

A heatmap is a table whose cells are coloured: drawn as one, it needs no chart bundle. As the
coverage page's first chart, drawn by Vega, it waited for Vega's ~1 MB bundle and its drawing
(1.47 s against 1.10 s to the first chart on a phone, in an A/B of 10 first visits each,
2026-12-01; docs/performance.md). A screen reader also reads it as a table, each count under its
service and area, where Vega's drawing needed a description for every cell. The maps below it
stay Vega-Lite charts.
"""

from __future__ import annotations

import html

import pandas as pd

from lien import taxonomy
from lien.geo.areas import NATIONAL, area_label
from lien.i18n import t
from lien.render.charts import CLASSES, DARK_FROM, GAP_MARK, class_labels, count_class, said
from lien.render.tables import table_box

# The service's name stays in view while a phone scrolls the areas sideways. Colours are set
# on every cell (not inherited) so that a dark theme keeps the contrast of the classes.
HEATMAP_CSS = """
<style>
.lien-heatmap caption { caption-side: top; text-align: left; font-weight: 600;
  padding: 0 0 .4rem; }
.lien-heatmap table { font-size: .85rem; }
.lien-heatmap th, .lien-heatmap td { border: 1px solid #fff !important; }
.lien-heatmap thead th { font-size: .75rem; vertical-align: bottom; min-width: 3.5rem; }
.lien-heatmap tbody th { position: sticky; left: 0; z-index: 1; background: #fff; color: #222;
  font-weight: 400; min-width: 9rem; }
.lien-heatmap td { text-align: center !important; vertical-align: middle !important;
  min-width: 2.75rem; font-variant-numeric: tabular-nums; }
.lien-heat-legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: .85rem;
  list-style: none; padding: 0; margin: -.5rem 0 1rem; }
.lien-heat-legend span { display: inline-block; width: .9rem; height: .9rem;
  margin-right: .35rem; vertical-align: -.1rem; border: 1px solid #555; }
.lien-sr { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
</style>
"""


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
    box a keyboard can focus and scroll, then the legend of the classes; every text escaped."""
    e = html.escape
    services = taxonomy.services()
    gap_word = e(t("gap_word", lang))
    corner = e(t("axis_service", lang))
    head = f'<th scope="col">{corner}</th>' + "".join(
        f'<th scope="col">{e(area_label(code, lang))}</th>' for code in table.columns
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
    table_html = (
        f"<table><caption>{e(title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    # HEATMAP_CSS after the box's own style rules, which it refines.
    return (
        table_box(title, table_html, "lien-heatmap")
        + HEATMAP_CSS
        + f'<ul class="lien-heat-legend" aria-label="{counted}">{legend}</ul>'
    )
