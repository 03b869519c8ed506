"""The visitor's filters, declared once: each is a field of `Filters` whose metadata gives its URL
parameter (also its widget's key, "f_" + parameter), its kind and its label. The URL form, the
sidebar and the filtering itself all walk that one declaration, so adding a filter is adding a
field (and, for a new kind of matching, a line in `apply`). A page's own parameter, which says
what that page shows rather than which sites (`PageParam`), is declared and checked here too.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd

from lien import taxonomy
from lien.geo.areas import area_options
from lien.geo.distance import haversine_km
from lien.i18n import DEFAULT_LANG, LANGS, N_
from lien.ingest.directory import prepare
from lien.schema import located, per_distinct, rows_where, split_codes
from lien.text import clean_query, fold

DEFAULT_RADIUS_KM = 25.0
RADIUS_RANGE = (1.0, 250.0)
MAX_TEXT = 200  # longer q/near values are cut: nobody types more, and it bounds work
MAX_VALUES = 50  # per multi-valued parameter
MAX_NOTICES = 10  # a crafted URL must not fill the sidebar with warnings

# Kinds of filter: a list of codes (any of them matches), a text, the near-me radius, the
# national/online switch, the interface language.
CODES, TEXT, RADIUS, FLAG, LANGUAGE = "codes", "text", "radius", "flag", "lang"


def _declare(param: str, kind: str, label: str, default: Any, column: str = "") -> Any:
    """A Filters field: its URL parameter (part of every shared URL: never rename one), its kind,
    the i18n key of its label (marked with N_) and, for codes, the directory column it matches."""
    return field(
        default=default, metadata={"param": param, "kind": kind, "label": label, "column": column}
    )


@dataclass(frozen=True)
class Filters:
    """What the visitor asked to see; the empty Filters shows everything."""

    services: tuple[str, ...] = _declare("service", CODES, N_("service"), (), "services")
    audiences: tuple[str, ...] = _declare("audience", CODES, N_("audience"), (), "audiences")
    # REFNIS codes of provinces or regions.
    provinces: tuple[str, ...] = _declare("province", CODES, N_("province"), ())
    languages: tuple[str, ...] = _declare("language", CODES, N_("language_spoken"), (), "languages")
    q: str = _declare("q", TEXT, N_("keyword"), "")
    national: bool = _declare("national", FLAG, N_("include_national"), True)
    near: str = _declare("near", TEXT, N_("near_me"), "")
    radius_km: float = _declare("radius_km", RADIUS, N_("radius"), DEFAULT_RADIUS_KM)
    lang: str = _declare("lang", LANGUAGE, N_("language"), DEFAULT_LANG)


@dataclass(frozen=True)
class Spec:
    """One filter as declared: its Filters field, URL parameter, widget key, kind and label."""

    field: str
    param: str
    kind: str
    label: str
    column: str
    default: Any

    @property
    def key(self) -> str:
        """The widget's key in the session: "f_" + the URL parameter."""
        return f"f_{self.param}"


SPECS: tuple[Spec, ...] = tuple(
    Spec(
        f.name,
        f.metadata["param"],
        f.metadata["kind"],
        f.metadata["label"],
        f.metadata["column"],
        f.default,
    )
    for f in dataclasses.fields(Filters)
)
# The parameter names are part of the shareable URL.
PARAMS: tuple[str, ...] = tuple(spec.param for spec in SPECS)
BY_PARAM: dict[str, Spec] = {spec.param: spec for spec in SPECS}


def choices(spec: Spec, language_codes: Iterable[str] | None = None) -> list[str] | None:
    """The values a codes filter accepts; None for "any ISO 639 code" (languages, unknown list)."""
    if spec.param == "service":
        return taxonomy.services().codes
    if spec.param == "audience":
        return taxonomy.audiences().codes
    if spec.param == "province":
        return area_options()
    if spec.param == "language":
        return list(language_codes) if language_codes is not None else None
    raise ValueError(f"{spec.param!r} is not a codes filter")


@dataclass(frozen=True)
class PageParam:
    """A page's own URL parameter: what that page shows, not which sites (the coverage page's
    service to map). No Filters field, so no sidebar widget, no chip and no other page's link
    carries it; read from the URL and checked as the filters are (an unknown value is a notice),
    and written back into the URL and the links by its page."""

    param: str  # part of every shared URL of its page: never rename one
    values: Callable[[], Sequence[str]]  # the values it accepts

    @property
    def key(self) -> str:
        """Where the session keeps the value the URL or the visitor chose: "page_" + parameter."""
        return f"page_{self.param}"


FOCUS = PageParam("focus", lambda: taxonomy.services().codes)  # the coverage page's service
PAGE_PARAMS: tuple[PageParam, ...] = (FOCUS,)
# Every parameter a URL of Lien may carry.
URL_PARAMS: tuple[str, ...] = PARAMS + tuple(p.param for p in PAGE_PARAMS)


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
    pages: dict[str, str] = field(default_factory=dict)  # the pages' own parameters (PAGE_PARAMS)


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


def _codes(
    spec: Spec, raw: Any, allowed: list[str] | None, notices: list[Notice]
) -> tuple[str, ...]:
    known = set(allowed) if allowed is not None else None
    kept: list[str] = []
    for value in _values(raw):
        ok = value in known if known is not None else taxonomy.is_language(value)
        if ok and value not in kept and len(kept) < MAX_VALUES:
            kept.append(value)
        elif not ok:
            notices.append(Notice(spec.param, _shorten(value)))
    return tuple(kept)


def _radius(raw: str) -> float:
    number = float(raw)
    if not math.isfinite(number) or bounded_radius(number) != number:
        raise ValueError(raw)
    return number


def bounded_radius(km: float) -> float:
    """`km` brought within RADIUS_RANGE: a radius typed beyond it becomes its nearest end."""
    return min(max(km, RADIUS_RANGE[0]), RADIUS_RANGE[1])


# How a one-value parameter's text becomes its value; ValueError for a bad value.
def _language(raw: str) -> str:
    if raw not in LANGS:
        raise ValueError(raw)
    return raw


_FLAGS = {"0": False, "1": True}
_PARSERS: dict[str, Callable[[str], Any]] = {
    TEXT: lambda raw: clean_query(raw, MAX_TEXT),
    RADIUS: _radius,
    FLAG: lambda raw: _FLAGS[raw],
    LANGUAGE: _language,
}


def from_query(
    params: Mapping[str, str | Sequence[str]], language_codes: Iterable[str] | None = None
) -> ParsedQuery:
    """Read Filters, and the pages' own parameters, from URL parameters; unknown or malformed
    values are dropped with a notice.

    `language_codes` are the languages the directory uses (None: any ISO 639 code).
    """
    notices: list[Notice] = []
    values: dict[str, Any] = {}
    for spec in SPECS:
        raw = params.get(spec.param)
        if spec.kind == CODES:
            values[spec.field] = _codes(spec, raw, choices(spec, language_codes), notices)
            continue
        text = _last(spec.param, raw, notices)
        if spec.kind == TEXT and len(text) > MAX_TEXT:
            notices.append(Notice(spec.param, _shorten(text)))
        if not text:
            continue
        try:
            values[spec.field] = _PARSERS[spec.kind](text)
        except (KeyError, ValueError):
            notices.append(Notice(spec.param, _shorten(text)))
    pages: dict[str, str] = {}
    for page in PAGE_PARAMS:
        text = _last(page.param, params.get(page.param), notices)
        if text in page.values():
            pages[page.param] = text
        elif text:
            notices.append(Notice(page.param, _shorten(text)))
    if len(notices) > MAX_NOTICES:
        notices = [*notices[: MAX_NOTICES - 1], Notice("…", f"+{len(notices) - MAX_NOTICES + 1}")]
    return ParsedQuery(Filters(**values), notices, pages)


def _url_value(spec: Spec, value: Any) -> str:
    if spec.kind == CODES:
        return ",".join(value)
    if spec.kind == RADIUS:
        return f"{value:g}"
    if spec.kind == FLAG:
        return "1" if value else "0"
    return str(value)


def to_query(filters: Filters) -> dict[str, str]:
    """The URL parameters of Filters, leaving out defaults so URLs stay short (the radius only
    when near-me is set). The language is always said: without it a link opens in the language
    of the browser that follows it (lien.ui.state.first_lang), and a shared link, a QR code or a
    download's address keeps the language it was made in."""
    out: dict[str, str] = {}
    for spec in SPECS:
        value = getattr(filters, spec.field)
        if spec.kind != LANGUAGE and (
            value == spec.default or (spec.kind == RADIUS and not filters.near)
        ):
            continue
        out[spec.param] = _url_value(spec, value)
    return out


def share_url(base: str, filters: Filters, page: Mapping[str, str] | None = None) -> str:
    """The address that opens this view: `base` (query and anchor dropped) with the filters, and
    the `page`'s own parameters (PAGE_PARAMS) when it has some."""
    query = urlencode({**to_query(filters), **(page or {})}, quote_via=quote)
    return base.split("#")[0].split("?")[0] + (f"?{query}" if query else "")


def active(filters: Filters) -> Iterator[tuple[Spec, Any]]:
    """The filters that narrow the view (not the language), with their values."""
    for spec in SPECS:
        value = getattr(filters, spec.field)
        if (
            spec.kind != LANGUAGE
            and value != spec.default
            and not (spec.kind == RADIUS and not filters.near)
        ):
            yield spec, value


def _has_any(column: pd.Series, codes: Sequence[str]) -> pd.Series:
    """Which cells list one of `codes`, read once per distinct cell: a directory repeats a few
    hundred combinations of services, and a regex over every cell costs a large view dearly
    (docs/performance.md)."""
    wanted = set(codes)
    hits = per_distinct(column, lambda cell: not wanted.isdisjoint(split_codes(cell)))
    return pd.Series(hits.astype(bool), index=column.index)


def apply(
    frame: pd.DataFrame, filters: Filters, origin: tuple[float, float] | None = None
) -> pd.DataFrame:
    """The sites matching every filter (any value within a filter), nearest first with `origin`."""
    if "_search" not in frame:
        frame = prepare(frame)
    mask = pd.Series(True, index=frame.index)
    for spec in SPECS:
        values = getattr(filters, spec.field)
        if spec.kind == CODES and spec.column and values:
            mask &= _has_any(frame[spec.column], values)
    if filters.q:
        # Bounded here too: each word is a pass over the directory.
        words = dict.fromkeys(fold(clean_query(filters.q)).split())
        for word in words:
            mask &= frame["_search"].str.contains(word, regex=False)
    located = frame["_located"]
    if filters.provinces:
        in_area = frame["province_code"].isin(filters.provinces) | frame["region_code"].isin(
            filters.provinces
        )
        # National and online organisations serve every province; they stay when included.
        mask &= in_area | ~located
    if not filters.national:
        mask &= located
    out = rows_where(frame, mask)
    if origin is not None:
        lat, lon = origin
        distance = np.full(len(out), np.nan)
        has = out["_located"].to_numpy()
        distance[has] = haversine_km(
            lat, lon, out["latitude"].to_numpy()[has], out["longitude"].to_numpy()[has]
        )
        out["distance_km"] = distance
        out = out[~has | (distance <= filters.radius_km)]
        out = out.sort_values("distance_km", kind="stable", na_position="last")
    return out


@dataclass(frozen=True)
class Counts:
    """What a view holds, as the page, the handout and the offline file all say it."""

    sites: int  # sites with a place, on the map
    organisations: int  # their organisations
    national: int  # organisations with no place (national or online), listed apart


def counts(sites: pd.DataFrame, where: pd.Series | None = None) -> Counts:
    """Count a view's sites once, the same way for every output; `where`: which are located,
    when the caller knows already (schema.located)."""
    if sites.empty:
        return Counts(0, 0, 0)
    placed = (located(sites) if where is None else where).to_numpy()
    column = "org_id" if "org_id" in sites else "organisation"
    org = sites[column] if column in sites else sites.index.to_series()
    return Counts(int(placed.sum()), int(org[placed].nunique()), int(org[~placed].nunique()))


def app_root(address: str, sub_pages: Sequence[str] = ()) -> str:
    """The app's root URL from a page's address as the browser shows it: query and anchor
    dropped, a sub-page's path dropped, and always a trailing "/" ("http://host:8501" at the root
    has none, and cutting at its last "/" would leave "http://")."""
    base = address.split("#")[0].split("?")[0].rstrip("/")
    head, _, last = base.rpartition("/")
    if last in sub_pages and head.partition("://")[2]:  # a path, not the host
        base = head
    return base + "/"
