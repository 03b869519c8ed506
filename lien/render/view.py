"""A view of sites as a map shows it, worked out once: which sites are on the map and which are
listed apart (national or online), what the view counts, and the bounds and closest zoom the map
fits to. The map page builds it once per rerun and hands it to its counts, cards, map layer,
tables and downloads, which then never locate the sites again."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lien.filters import Counts, counts
from lien.render.mapview import placed_bounds, placed_zoom
from lien.schema import located, rows_where


@dataclass(frozen=True, eq=False)
class MapView:
    """The view's sites, split and counted once (see the module)."""

    sites: pd.DataFrame  # the whole view, in its order (nearest first near a place)
    on_map: pd.DataFrame  # its located sites
    elsewhere: pd.DataFrame  # the others: national or online organisations
    counts: Counts
    origin: tuple[float, float] | None  # the near-me point the distances are measured from
    radius_km: float | None  # the near-me radius, with an origin only
    bounds: list[list[float]] | None  # what the map fits to (mapview.view_bounds)
    zoom: int  # the closest zoom that fit may take (mapview.view_zoom)


def map_view(
    sites: pd.DataFrame,
    origin: tuple[float, float] | None = None,
    radius_km: float | None = None,
) -> MapView:
    """The map's view of `sites` near `origin` (within `radius_km` of it, when there is one)."""
    where = located(sites)
    on_map = rows_where(sites, where)
    radius = radius_km if origin is not None else None
    return MapView(
        sites=sites,
        on_map=on_map,
        elsewhere=rows_where(sites, ~where),
        counts=counts(sites, where),
        origin=origin,
        radius_km=radius,
        bounds=placed_bounds(on_map, origin, radius),
        zoom=placed_zoom(on_map),
    )
