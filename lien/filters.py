"""Filters of the map and coverage pages, their URL form, and vectorised filtering by distance."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd

from lien import taxonomy
from lien.i18n import DEFAULT_LANG
from lien.taxonomy import LANGS
from lien.text import clean_query, fold

DEFAULT_RADIUS_KM = 25.0
RADIUS_RANGE = (1.0, 250.0)
MAX_TEXT = 200          # longer q/near values are cut: nobody types more, and it bounds work
MAX_VALUES = 50         # per multi-valued parameter
MAX_NOTICES = 10        # a crafted URL must not fill the sidebar with warnings
EARTH_RADIUS_KM = 6371.0088
# The parameter names are part of the shareable URL: keep them exactly.
PARAMS: tuple[str, ...] = ("service", "audience", "province", "language", "q", "near",
                           "radius_km", "national", "lang")


@dataclass(frozen=True)
class Filters:
    """What the user asked to see; the empty Filters shows everything."""

    services: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()     # REFNIS codes of provinces or regions
    languages: tuple[str, ...] = ()
    q: str = ""
    near: str = ""
    radius_km: float = DEFAULT_RADIUS_KM
    national: bool = True
    lang: str = DEFAULT_LANG


@dataclass(frozen=True)
class Notice:
    """A URL value that was ignored, and why."""

    name: str
    value: str


@dataclass
class ParsedQuery:
    """Filters read from a URL, with the values that had to be ignored."""

    filters: Filters
    notices: list[Notice] = field(default_factory=list)


def _values(raw: str | Sequence[str] | None) -> list[str]:
    """Repeated parameters and comma-separated lists both give several values."""
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [v.strip() for item in items for v in str(item).split(",") if v.strip()]


def _last(name: str, raw: str | Sequence[str] | None, notices: list[Notice]) -> str:
    """The last value of a one-value parameter; earlier, different values are noticed as ignored."""
    values = [raw] if isinstance(raw, str) else [str(v) for v in raw or []]
    if not values:
        return ""
    last = values[-1].strip()
    for earlier in dict.fromkeys(v.strip() for v in values[:-1]):
        if earlier != last:
            notices.append(Notice(name, _shorten(earlier)))
    return last


def _shorten(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def from_query(params: Mapping[str, str | Sequence[str]], province_codes: Iterable[str],
               language_codes: Iterable[str] | None = None) -> ParsedQuery:
    """Read Filters from URL parameters; unknown or malformed values are dropped with a notice."""
    notices: list[Notice] = []
    known = {
        "service": set(taxonomy.services().codes),
        "audience": set(taxonomy.audiences().codes),
        "province": set(province_codes),
        "language": set(language_codes) if language_codes is not None else None,
    }
    chosen: dict[str, tuple[str, ...]] = {}
    for name, allowed in known.items():
        values = _values(params.get(name))
        kept: list[str] = []
        for value in values:
            ok = (value in allowed) if allowed is not None else taxonomy.is_language(value)
            if ok and value not in kept and len(kept) < MAX_VALUES:
                kept.append(value)
            elif not ok:
                notices.append(Notice(name, _shorten(value)))
        chosen[name] = tuple(kept)

    texts = {}
    for name in ("q", "near"):
        value = _last(name, params.get(name), notices)
        if len(value) > MAX_TEXT:
            notices.append(Notice(name, _shorten(value)))
        texts[name] = clean_query(value, MAX_TEXT)

    radius = DEFAULT_RADIUS_KM
    raw_radius = _last("radius_km", params.get("radius_km"), notices)
    if raw_radius:
        try:
            number = float(raw_radius)
            if not math.isfinite(number) or not RADIUS_RANGE[0] <= number <= RADIUS_RANGE[1]:
                raise ValueError(raw_radius)
            radius = number
        except ValueError:
            notices.append(Notice("radius_km", _shorten(raw_radius)))

    national = True
    raw_national = _last("national", params.get("national"), notices)
    if raw_national in ("0", "1"):
        national = raw_national == "1"
    elif raw_national:
        notices.append(Notice("national", _shorten(raw_national)))

    lang = DEFAULT_LANG
    raw_lang = _last("lang", params.get("lang"), notices)
    if raw_lang in LANGS:
        lang = raw_lang
    elif raw_lang:
        notices.append(Notice("lang", _shorten(raw_lang)))

    filters = Filters(services=chosen["service"], audiences=chosen["audience"],
                      provinces=chosen["province"], languages=chosen["language"],
                      q=texts["q"], near=texts["near"], radius_km=radius, national=national,
                      lang=lang)
    if len(notices) > MAX_NOTICES:
        notices = [*notices[:MAX_NOTICES - 1], Notice("…", f"+{len(notices) - MAX_NOTICES + 1}")]
    return ParsedQuery(filters, notices)


def to_query(filters: Filters) -> dict[str, str]:
    """The URL parameters of Filters, leaving out defaults so URLs stay short."""
    out: dict[str, str] = {}
    for name, values in (("service", filters.services), ("audience", filters.audiences),
                         ("province", filters.provinces), ("language", filters.languages)):
        if values:
            out[name] = ",".join(values)
    if filters.q:
        out["q"] = filters.q
    if filters.near:
        out["near"] = filters.near
        if filters.radius_km != DEFAULT_RADIUS_KM:
            out["radius_km"] = f"{filters.radius_km:g}"
    if not filters.national:
        out["national"] = "0"
    if filters.lang != DEFAULT_LANG:
        out["lang"] = filters.lang
    return out


def share_url(base: str, filters: Filters) -> str:
    """The address that opens this view: `base` (query and anchor dropped) with the filters."""
    query = urlencode(to_query(filters), quote_via=quote)
    return base.split("#")[0].split("?")[0] + (f"?{query}" if query else "")


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the folded search text and the languages spoken, once per loaded directory."""
    out = frame.copy()
    text = (out["organisation"] + " " + out["site"] + " " + out["description"] + " "
            + out["city"] + " " + out.get("municipality", ""))
    out["_search"] = text.map(fold)
    out["_located"] = out["latitude"].notna() & out["longitude"].notna()
    # Computed once here: scanning 100,000 cells on every rerun costs a quarter of a second.
    out.attrs["spoken"] = sorted({c for cell in out["languages"] for c in taxonomy.split_codes(cell)})
    return out


def _has_any(column: pd.Series, codes: Sequence[str]) -> pd.Series:
    pattern = r"(?:^|;)\s*(?:" + "|".join(re.escape(c) for c in codes) + r")\s*(?:;|$)"
    return column.str.contains(pattern, regex=True)


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances from one point to many, in km (vectorised)."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi = p2 - p1
    dlmb = np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def apply(frame: pd.DataFrame, filters: Filters,
          origin: tuple[float, float] | None = None) -> pd.DataFrame:
    """The sites matching every filter (any value within one filter), nearest first with `origin`."""
    if "_search" not in frame:
        frame = prepare(frame)
    mask = pd.Series(True, index=frame.index)
    if filters.services:
        mask &= _has_any(frame["services"], filters.services)
    if filters.audiences:
        mask &= _has_any(frame["audiences"], filters.audiences)
    if filters.languages:
        mask &= _has_any(frame["languages"], filters.languages)
    if filters.q:
        # Bounded here too: each word is a pass over the directory.
        words = dict.fromkeys(fold(clean_query(filters.q)).split())
        for word in words:
            mask &= frame["_search"].str.contains(word, regex=False)
    located = frame["_located"]
    if filters.provinces:
        in_area = frame["province_code"].isin(filters.provinces) | frame["region_code"].isin(
            filters.provinces)
        # National and online organisations serve every province; they stay when included.
        mask &= in_area | ~located
    if not filters.national:
        mask &= located
    out = frame[mask].copy()
    if origin is not None:
        lat, lon = origin
        distance = np.full(len(out), np.nan)
        has = out["_located"].to_numpy()
        distance[has] = haversine_km(lat, lon, out["latitude"].to_numpy()[has],
                                     out["longitude"].to_numpy()[has])
        out["distance_km"] = distance
        out = out[~has | (distance <= filters.radius_km)]
        out = out.sort_values("distance_km", kind="stable", na_position="last")
    return out
