"""Coverage statistics: headline figures, service x area matrices, gaps, distances to a provider,
and the report that gathers them for one view (`report`): the coverage page, its printed summary
and the funder PDF all render that one report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lien import taxonomy
from lien.filters import Filters
from lien.freshness import checked_share
from lien.geo.areas import NATIONAL, PROVINCE_CODES, REGION_CODES
from lien.geo.distance import chord_to_km, unit_vectors
from lien.geo.gazetteer import Gazetteer, default_gazetteer
from lien.i18n import N_, percent
from lien.schema import APPROXIMATE, located, per_distinct, split_codes


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the coverage page."""

    organisations: int
    sites: int
    services_offered: int
    provinces_covered: int
    provinces_total: int
    approximate_share: float  # of the located sites
    national_organisations: int
    source_dates: tuple[str, ...]
    # Sites whose service is not stated: among `sites`, under no service (no matrix row, no gap).
    unstated: int = 0
    # The share of `sites` a person checked in the last 12 months (lien.freshness).
    checked_share: float = 0.0

    def items(self, lang: str) -> list[tuple[str, int | str]]:
        """The six figures as the page and the funder summary show them, in order: (message
        key, value), counts left as numbers for the caller to write, provinces as "n / 11"."""
        return [
            (N_("m_organisations"), self.organisations),
            (N_("m_sites"), self.sites),
            (N_("m_services"), self.services_offered),
            (N_("m_provinces"), f"{self.provinces_covered} / {self.provinces_total}"),
            (N_("m_approximate"), percent(self.approximate_share, lang)),
            (N_("m_national"), self.national_organisations),
        ]


def _exploded(sites: pd.DataFrame) -> pd.DataFrame:
    """One row per (site, service)."""
    # dict.fromkeys drops a code listed twice in one cell, so a site counts once per service.
    codes = sites["services"].map(lambda cell: list(dict.fromkeys(split_codes(cell))))
    out = sites.assign(service=codes).explode("service")
    return out[out["service"].notna() & (out["service"] != "")]


def source_dates(sites: pd.DataFrame) -> tuple[tuple[str, ...], bool]:
    """The distinct source dates, sorted, and whether some site has none."""
    # One pass over the distinct values: a 100,000-row view has a handful of dates.
    values = [
        v.strip() if isinstance(v, str) else ""
        for v in (pd.unique(sites["source_date"]) if "source_date" in sites else [])
    ]
    return tuple(sorted({v for v in values if v})), any(not v for v in values)


# The seeds by file name, and the key of how each is named to readers.
KNOWN_SOURCES: dict[str, str] = {
    "000_233dd5a4b08aac1c.txt": N_("handout_src_brochure"),
    "002_9cdaa3ef5d91d647.txt": N_("handout_src_seso"),
}


def source_documents(sites: pd.DataFrame) -> list[str]:
    """Distinct documents of the `source` column ('file § section; other' -> 'file', 'other')."""
    if "source" not in sites or sites.empty:
        return []
    docs: dict[str, None] = {}
    for value in pd.unique(sites["source"]):
        for part in split_codes(value):
            docs.setdefault(part.split(" § ", 1)[0].strip(), None)
    return [d for d in docs if d]


def headline(sites: pd.DataFrame) -> Headline:
    """Counts for the page header; the share of approximate places is over located sites."""
    return _headline(sites, located(sites), _exploded(sites))


def _headline(sites: pd.DataFrame, on_map: pd.Series, long: pd.DataFrame) -> Headline:
    """`headline` from the view's located mask and its (site, service) rows, worked out once."""
    placed = sites[on_map]
    approx = placed["coord_precision"].isin(APPROXIMATE).sum() if len(placed) else 0
    national_orgs = sites.loc[~on_map, "org_id"].nunique()
    dates, _ = source_dates(sites)
    return Headline(
        organisations=sites["org_id"].nunique(),
        sites=len(sites),
        services_offered=long["service"].nunique() if len(sites) else 0,
        provinces_covered=placed["province_code"].nunique(),
        provinces_total=len(PROVINCE_CODES),
        approximate_share=float(approx / len(placed)) if len(placed) else 0.0,
        national_organisations=int(national_orgs),
        source_dates=dates,
        unstated=int(per_distinct(sites["services"], lambda cell: not split_codes(cell)).sum()),
        checked_share=checked_share(sites),
    )


def matrix(
    sites: pd.DataFrame, level: str = "province", services: Sequence[str] | None = None
) -> pd.DataFrame:
    """Sites per service (rows) and province or region (columns), plus a national/online column."""
    long = _exploded(sites)
    return _matrix(long, located(long), level, services)


def _matrix(
    long: pd.DataFrame, placed: pd.Series, level: str, services: Sequence[str] | None
) -> pd.DataFrame:
    """`matrix` from the (site, service) rows and which of them are located."""
    areas = list(PROVINCE_CODES if level == "province" else REGION_CODES)
    rows = list(services) if services else taxonomy.services().codes
    kept = long["service"].isin(rows)
    long, placed = long[kept], placed[kept]
    area = np.where(
        placed, long["province_code" if level == "province" else "region_code"], NATIONAL
    )
    counts = pd.crosstab(long["service"], pd.Series(area, index=long.index, name="area"))
    table = counts.reindex(index=rows, columns=[*areas, NATIONAL], fill_value=0)
    table.index.name, table.columns.name = "service", level
    return table.astype(int)


def most_offered(table: pd.DataFrame) -> str:
    """The service of a `matrix` that the most sites in an area offer (the first in the table's
    order on a tie), else the one the most national or online sites offer, else the first: a page
    about one service opens on one the view has, not on a gap everywhere."""
    areas = [c for c in table.columns if c != NATIONAL]
    for counts in (table[areas].sum(axis=1), table.sum(axis=1)):
        if len(counts) and counts.max() > 0:
            return str(counts.idxmax())
    return str(table.index[0]) if len(table.index) else ""


def gaps(table: pd.DataFrame) -> list[tuple[str, str]]:
    """(service, area) cells with no provider; the national column is not an area."""
    areas = [c for c in table.columns if c != NATIONAL]
    return [
        (service, area) for service in table.index for area in areas if table.at[service, area] == 0
    ]


def missing(table: pd.DataFrame, service: str) -> list[str]:
    """The areas (columns of a matrix, the national column aside) where `service` has no site."""
    if service not in table.index:
        return [c for c in table.columns if c != NATIONAL]
    row = table.loc[service]
    return [area for area in table.columns if area != NATIONAL and row[area] == 0]


def municipality_points(gazetteer: Gazetteer | None = None) -> pd.DataFrame:
    """Belgium's 565 municipalities, each at the centroid of its main postcode."""
    gaz = gazetteer or default_gazetteer()
    rows = []
    for nis, m in gaz.municipalities.items():
        entry = gaz.postcodes.get(m["postcode"])
        if entry is None:
            continue
        rows.append(
            {
                "municipality_code": nis,
                "municipality": m["fr"],
                "municipality_nl": m["nl"],
                "province_code": m["province"],
                "region_code": m["region"],
                "latitude": entry[0],
                "longitude": entry[1],
            }
        )
    return pd.DataFrame(rows)


def nearest_provider(
    sites: pd.DataFrame, service: str, municipalities: pd.DataFrame
) -> pd.DataFrame:
    """For each municipality, the great-circle distance to the nearest located site of `service`."""
    return _nearest(sites[located(sites)], service, municipalities)


def _nearest(placed: pd.DataFrame, service: str, municipalities: pd.DataFrame) -> pd.DataFrame:
    """`nearest_provider` among the located sites `placed`."""
    from scipy.spatial import cKDTree

    out = municipalities.copy()
    offering = (
        placed[placed["services"].map(lambda cell: service in split_codes(cell))]
        if len(placed)
        else placed
    )
    if offering.empty:
        out["distance_km"] = np.nan
        out["nearest_site"] = ""
        out["nearest_organisation"] = ""
        return out
    # A k-d tree on unit vectors: the nearest by chord is the nearest by great circle.
    tree = cKDTree(
        unit_vectors(offering["latitude"].to_numpy(float), offering["longitude"].to_numpy(float))
    )
    chord, index = tree.query(
        unit_vectors(out["latitude"].to_numpy(float), out["longitude"].to_numpy(float))
    )
    out["distance_km"] = chord_to_km(chord)
    out["nearest_site"] = offering["site"].to_numpy()[index]
    out["nearest_organisation"] = offering["organisation"].to_numpy()[index]
    return out


# The municipalities farthest from the chosen service that a report lists (the page and the PDF).
FARTHEST = 15


def deserts(distances: pd.DataFrame, top: int = FARTHEST) -> pd.DataFrame:
    """The municipalities farthest from any provider, farthest first."""
    return distances.sort_values("distance_km", ascending=False, kind="stable").head(top)


@dataclass(frozen=True)
class Sources:
    """The documents a view's sites come from, their distinct dates, and whether one is undated."""

    documents: tuple[str, ...]
    dates: tuple[str, ...]
    undated: bool


def sources(sites: pd.DataFrame) -> Sources:
    """The view's sources, as the PDFs' header line names them."""
    dates, undated = source_dates(sites)
    return Sources(tuple(source_documents(sites)), dates, undated)


@dataclass(frozen=True, eq=False)
class CoverageReport:
    """The coverage answer for one view and one service, worked out once: the page, its printed
    summary and the funder PDF only render it, so that they can't disagree."""

    filters: Filters  # the view's filters (the PDF names them)
    service: str  # the service the gap answer, the maps and the farthest municipalities are about
    headline: Headline
    by_province: pd.DataFrame  # sites per service and province, and the national column
    by_region: pd.DataFrame  # the same by region
    gaps: list[tuple[str, str]]  # (service, province) with no provider
    missing: list[str]  # the provinces where `service` has no site
    distances: pd.DataFrame  # each municipality's distance to the nearest site of `service`
    farthest: pd.DataFrame  # the FARTHEST municipalities of `distances`, farthest first
    sources: Sources
    empty: bool  # the view has no site

    @property
    def has_provider(self) -> bool:
        """Whether some located site offers `service` (else no distance is known)."""
        return not self.distances["distance_km"].isna().all()

    @property
    def checked_share(self) -> float:
        """The share of the view's records checked in the last 12 months."""
        return self.headline.checked_share

    def service_counts(self) -> pd.Series:
        """Sites of `service` per province and the national column (the choropleth's figures)."""
        return self.by_province.loc[self.service]


def report(
    sites: pd.DataFrame,
    filters: Filters,
    service: str | None,
    municipalities: pd.DataFrame,
) -> CoverageReport:
    """The coverage report of the filtered view `sites`: its matrices' rows are the `filters`'
    services (all when none is chosen); its service is `service` when it is one of them, else
    the one the view offers most (never a gap everywhere when the view has one); distances are
    to `municipalities` (municipality_points())."""
    on_map = located(sites)
    long = _exploded(sites.assign(_on_map=on_map.to_numpy()))
    rows = list(filters.services) or None
    by_province = _matrix(long, long["_on_map"].astype(bool), "province", rows)
    chosen = service if service and service in by_province.index else most_offered(by_province)
    distances = _nearest(sites[on_map], chosen, municipalities)
    return CoverageReport(
        filters=filters,
        service=chosen,
        headline=_headline(sites, on_map, long),
        by_province=by_province,
        by_region=_matrix(long, long["_on_map"].astype(bool), "region", rows),
        gaps=gaps(by_province),
        missing=missing(by_province, chosen),
        distances=distances,
        farthest=deserts(distances),
        sources=sources(sites),
        empty=sites.empty,
    )
