"""The handout's map: Belgium's provinces as vector outlines with the located sites as dots
coloured by category (no browser, no tiles), and its legend. Drawn on a lien.outputs.pdf
Document."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from fpdf.enums import PathPaintRule

from lien import taxonomy
from lien.geo.areas import PROVINCE_CODES, province_geojson, province_names
from lien.i18n import normalise_lang, t
from lien.outputs.palette import LAND_EDGE, LAND_FILL, LAND_LABEL, WHITE, rgb
from lien.outputs.pdf import MM, Document, Style, cell, printable
from lien.schema import APPROXIMATE, located

MAX_DOTS = 3_000  # map dots: beyond this the PDF grows and viewers slow down for no gain
MAP_W = 106 * MM
LAT0 = 50.5  # Belgium's mid latitude: x = lon·cos(LAT0) keeps shapes undistorted
DOT_R = 2.1
HOLLOW_INK = "#555555"


def _project(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Equirectangular projection in degrees of latitude, shrunk east-west by cos(LAT0)."""
    return np.asarray(lon, dtype=float) * math.cos(math.radians(LAT0)), np.asarray(lat, dtype=float)


@lru_cache(maxsize=1)
def _outlines() -> tuple[tuple[str, list[list[tuple[float, float]]], tuple[float, float]], ...]:
    """Each province's rings (projected, simplified) and a label point, computed once."""
    import shapely
    from shapely.geometry import shape

    out = []
    for feature in province_geojson()["features"]:
        # 0.003° is under half a point at the handout's scale: invisible, and far fewer vertices
        # (docs/performance.md).
        geom = shapely.simplify(shape(feature["geometry"]), 0.003, preserve_topology=True)
        rings = []
        for polygon in getattr(geom, "geoms", [geom]):
            for ring in (polygon.exterior, *polygon.interiors):
                xs, ys = _project(*np.asarray(ring.coords).T)
                rings.append(list(zip(xs.tolist(), ys.tolist(), strict=True)))
        label = geom.representative_point()
        lx, ly = _project(label.x, label.y)
        code = feature["properties"].get("code", feature.get("id", ""))
        out.append((code, rings, (float(lx), float(ly))))
    return tuple(out)


@dataclass(frozen=True)
class _Frame:
    """Belgium's projected extent fitted to a drawing `width` points wide, with a small pad."""

    width: float
    height: float
    x0: float
    y1: float
    scale: float
    pad: float

    @classmethod
    def fit(cls, width: float, pad: float = 4.0) -> _Frame:
        points = [p for _, rings, _ in _outlines() for ring in rings for p in ring]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        scale = (width - 2 * pad) / (max(xs) - min(xs))
        return cls(width, (max(ys) - min(ys)) * scale + 2 * pad, min(xs), max(ys), scale, pad)

    def to_drawing(self, x: Any, y: Any) -> tuple[Any, Any]:
        """Projected coordinates as points from the drawing's top left (y grows downwards)."""
        return (
            self.pad + (np.asarray(x) - self.x0) * self.scale,
            self.pad + (self.y1 - np.asarray(y)) * self.scale,
        )


@dataclass
class MapResult:
    """The dots to draw (x, y from the drawing's top left, category, hollow), the categories and
    kinds they show, and how many located sites there were."""

    width: float
    height: float
    dots: list[tuple[float, float, str, bool]] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    unstated: bool = False  # a dot of a site whose service is not stated
    hollow: bool = False
    located: int = 0
    drawn_sample: int = 0


def site_map(sites: pd.DataFrame, width: float = MAP_W) -> MapResult:
    """Where the located sites go on a map `width` points wide (at most MAX_DOTS of them)."""
    frame = _Frame.fit(width)
    result = MapResult(frame.width, frame.height)
    placed = sites[located(sites)]
    result.located = len(placed)
    if len(placed) > MAX_DOTS:
        # A fixed seed: the same view prints the same map.
        placed = placed.sample(n=MAX_DOTS, random_state=0)
        result.drawn_sample = MAX_DOTS
    if placed.empty:
        return result
    result.dots = _dots(placed, frame)
    present = {d[2] for d in result.dots}
    result.categories = [c for c in taxonomy.category_colours() if c in present]
    result.unstated = "" in present
    result.hollow = any(d[3] for d in result.dots)
    return result


def _dots(placed: pd.DataFrame, frame: _Frame) -> list[tuple[float, float, str, bool]]:
    """(x, y, category, hollow) of each dot inside the drawing, one per place and kind."""
    px, py = frame.to_drawing(
        *_project(pd.to_numeric(placed["longitude"]), pd.to_numeric(placed["latitude"]))
    )
    cells = placed["services"] if "services" in placed else pd.Series("", index=placed.index)
    cats = [taxonomy.category_of(cell(c)) for c in cells]
    precision = (
        placed["coord_precision"]
        if "coord_precision" in placed
        else placed.get("precision", pd.Series("", index=placed.index))
    )
    hollow = [cell(p) in APPROXIMATE for p in precision]
    seen: set[tuple[int, int, str, bool]] = set()
    dots = []
    for x, y, cat, empty in zip(px.tolist(), py.tolist(), cats, hollow, strict=True):
        if not (0 <= x <= frame.width and 0 <= y <= frame.height):
            continue
        key = (round(x * 2), round(y * 2), cat, empty)
        if key in seen:
            continue  # sites at one town centroid: one dot, not hundreds on top
        seen.add(key)
        dots.append((x, y, cat, empty))
    return dots


def colour_of(category: str) -> str:
    return taxonomy.category_colours().get(category, taxonomy.UNSTATED_COLOUR)


def draw_map(doc: Document, result: MapResult, x: float, y: float) -> None:
    """The provinces, their names (but Brussels', too small) and the dots, hollow for an
    approximate place, exact places on top (the ones a reader can walk to)."""
    frame = _Frame.fit(result.width)
    for _code, rings, _ in _outlines():
        # Even-odd: enclaves and holes stay holes.
        with doc.new_path(paint_rule=PathPaintRule.STROKE_FILL_EVENODD) as path:
            path.style.fill_color = LAND_FILL
            path.style.stroke_color = LAND_EDGE
            path.style.stroke_width = 0.4
            for ring in rings:
                px, py = frame.to_drawing([p[0] for p in ring], [p[1] for p in ring])
                path.move_to(x + float(px[0]), y + float(py[0]))
                for a, b in zip(px[1:].tolist(), py[1:].tolist(), strict=True):
                    path.line_to(x + a, y + b)
                path.close()
    names = province_names(normalise_lang(doc.lang))
    doc.use(Style(6, 7, colour=LAND_LABEL))
    for code, _, (lx, ly) in _outlines():
        if code == PROVINCE_CODES[0]:
            continue
        px, py = frame.to_drawing(lx, ly)
        name = printable(names.get(code, ""))
        w = doc.get_string_width(name)
        doc.set_xy(x + float(px) - w / 2, y + float(py) - 4)
        doc.cell(w, 7, name, align="C")
    for dx, dy, cat, empty in sorted(result.dots, key=lambda d: not d[3]):
        colour = rgb(colour_of(cat))
        doc.set_fill_color(*(rgb(WHITE) if empty else colour))
        doc.set_draw_color(*(colour if empty else rgb(WHITE)))
        doc.set_line_width(0.9 if empty else 0.35)
        doc.circle(x + dx, y + dy, DOT_R, style="DF")


def legend_lines(result: MapResult, lang: str) -> list[tuple[str, str, bool]]:
    """(colour, label, hollow) per line: the categories on the map, "service not stated" when a
    dot is of such a site, and the hollow-circle note when some place is approximate."""
    lines = [
        (taxonomy.category_colours()[c], printable(taxonomy.categories().label(c, lang)), False)
        for c in result.categories
    ]
    if result.unstated:
        lines.append((taxonomy.UNSTATED_COLOUR, printable(t("service_not_stated", lang)), False))
    if result.hollow:
        lines.append((HOLLOW_INK, printable(t("approximate_legend", lang)), True))
    return lines


LEGEND_TITLE = Style(7, 10, bold=True)
LEGEND_LINE = Style(6.5, 8.5)
SWATCH_W = 11.0


def legend_height(doc: Document, result: MapResult, width: float) -> float:
    lines = legend_lines(result, doc.lang)
    if not lines:
        return 0.0
    head = doc.height_of(printable(t("legend", doc.lang)), LEGEND_TITLE, width)
    return head + sum(doc.height_of(label, LEGEND_LINE, width - SWATCH_W) for _, label, _ in lines)


def draw_legend(doc: Document, result: MapResult, x: float, width: float) -> None:
    """The legend from the current y: a swatch on the reading side of each label."""
    lines = legend_lines(result, doc.lang)
    if not lines:
        return
    doc.block(printable(t("legend", doc.lang)), LEGEND_TITLE, x, width)
    for colour, label, hollow in lines:
        top = doc.get_y()
        cx = x + width - 4 if doc.rtl else x + 4
        fill = rgb(colour)
        doc.set_fill_color(*(rgb(WHITE) if hollow else fill))
        doc.set_draw_color(*(fill if hollow else rgb(WHITE)))
        doc.set_line_width(0.9)
        doc.circle(cx, top + 4.2, 2.4, style="DF")
        text_x = x if doc.rtl else x + SWATCH_W
        doc.set_y(top)
        doc.block(label, LEGEND_LINE, text_x, width - SWATCH_W)
