"""How a site reads, wherever it is shown: `site_fields()` turns a directory row into the fields
the map's popup, the tables, the handout and the offline file all print, in the visitor's
language, with contacts as safe links.

Values are plain text here; each output escapes them for its own format (HTML, PDF markup).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from lien import taxonomy
from lien.filters import CODES, FLAG, RADIUS, Counts, Filters, Spec, active
from lien.freshness import Freshness, freshness
from lien.geo.areas import area_label
from lien.geo.gazetteer import Place, default_gazetteer
from lien.geo.search import Found, centre_of
from lien.i18n import N_, left_to_right, listed, number, t, tn
from lien.schema import APPROXIMATE, per_distinct, precision_of, split_codes, text

ALLOWED_SCHEMES = ("http://", "https://")
# The words for each precision: the popup's "Précision" line, an unplaced site's place.
PRECISION_LABELS: dict[str, str] = {
    "address": N_("prec_address"),
    "postcode": N_("prec_postcode"),
    "locality": N_("prec_locality"),
    "national": N_("prec_national"),
    "online": N_("prec_online"),
}
# Where an approximate site is measured from: "≈ 5 km, commune centre".
CENTRE_LABELS: dict[str, str] = {
    "postcode": N_("centre_postcode"),
    "locality": N_("centre_locality"),
}


def safe_url(url: str) -> str | None:
    """An http(s) URL for a website cell ('www.x.be' gets https://); other schemes give None."""
    url = url.strip()
    if not url:
        return None
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        url = "https://" + url
    return url if url.lower().startswith(ALLOWED_SCHEMES) else None


def tel_url(phone: str) -> str:
    """A tel: link target: digits and a leading +, nothing else."""
    cleaned = re.sub(r"\(0\)", "", phone)
    digits = re.sub(r"[^\d+]", "", cleaned)
    return "tel:" + (digits[0] + digits[1:].replace("+", "") if digits else "")


# OpenStreetMap's route planner with the site as destination; the map's script fills it too.
DIRECTIONS = "https://www.openstreetmap.org/directions?route=%3B{lat}%2C{lon}"


def directions_url(lat: float, lon: float) -> str:
    """OpenStreetMap's route planner with the site as destination."""
    return DIRECTIONS.format(lat=f"{lat:.5f}", lon=f"{lon:.5f}")


@dataclass(frozen=True)
class Link:
    """A contact as shown (its text) and where it leads (tel:, mailto: or http(s))."""

    text: str
    href: str


@dataclass(frozen=True)
class SiteFields:
    """One site as every output shows it (plain text, in one language)."""

    organisation: str
    site: str
    address: str
    town: str  # the city as written, else the municipality found
    place: str  # "street, postcode city" as far as the row gives them
    services: tuple[str, ...]  # labels; "service not stated" when the row has none
    audiences: tuple[str, ...]
    languages: tuple[str, ...]
    hours: str
    phones: tuple[Link, ...]
    emails: tuple[Link, ...]
    websites: tuple[Link, ...]  # only http(s) addresses; others are left out
    precision: str  # address, postcode, locality, national or online
    precision_label: str  # "Emplacement approximatif (commune)"
    approximate: bool
    located: bool
    source: str  # "section (2016-06)"
    distance_km: float | None
    directions: str  # a route planner URL, "" for an unplaced site
    fresh: Freshness  # when it was checked, whether it may be out of date, its status

    @property
    def scope(self) -> str:
        """Where an unplaced site is: "national" or "online" in words; "" for a placed one."""
        return "" if self.located else self.precision_label


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def phone_links(cell: Any) -> tuple[Link, ...]:
    """A phone cell's numbers, each with its tel: link."""
    return tuple(Link(p, tel_url(p)) for p in split_codes(cell))


def email_links(cell: Any) -> tuple[Link, ...]:
    """An e-mail cell's addresses, each with its mailto: link."""
    return tuple(Link(m, "mailto:" + m) for m in split_codes(cell))


def website_links(cell: Any) -> tuple[Link, ...]:
    """A website cell's http(s) addresses; others are left out."""
    return tuple(Link(w, url) for w in split_codes(cell) if (url := safe_url(w)))


@lru_cache(maxsize=16_384)
def service_labels(cell: Any, lang: str) -> tuple[str, ...]:
    """A services cell's codes as labels in `lang`; an empty cell (a site whose services Lien
    doesn't know) says its service is not stated. Remembered: a directory repeats a few thousand
    combinations at most, and each map rerun labels every one in its view."""
    codes = split_codes(cell)
    if not codes:
        return (t("service_not_stated", lang),)
    return tuple(taxonomy.services().label(c, lang) for c in codes)


def towns(sites: pd.DataFrame, lang: str) -> pd.Series:
    """Each site's town for a reader of `lang` (Gazetteer.town_name), the municipality found
    where the row names no city; read once per distinct town (no per-site Python in a large
    view)."""
    empty = pd.Series("", index=sites.index)
    city = sites.get("city", empty).fillna("").astype(str).str.strip()
    municipality = sites.get("municipality", empty).fillna("").astype(str).str.strip()
    named = city.where(city != "", municipality)
    nis = sites.get("municipality_code", empty).fillna("").astype(str)
    # One key per (town, municipality): a unit separator no town holds joins them.
    gaz = default_gazetteer()
    read = lambda key: gaz.town_name(*key.split("\x1f", 1), lang) if key else ""  # noqa: E731
    return pd.Series(per_distinct(named + "\x1f" + nis, read), index=sites.index, dtype=object)


def site_fields(site: Mapping[str, Any], lang: str) -> SiteFields:
    """The fields of one directory row (a dict or a pandas row), in `lang`."""
    get = lambda key: text(site.get(key)).strip()  # noqa: E731  (a one-line accessor)
    town_name = default_gazetteer().town_name
    city = town_name(get("city"), get("municipality_code"), lang)
    postcode_city = " ".join(x for x in (get("postcode"), city) if x)
    precision = precision_of(site)
    label = t(PRECISION_LABELS[precision], lang) if precision in PRECISION_LABELS else precision
    approximate = precision in APPROXIMATE
    if approximate:
        label = t("approximate", lang) + f" ({label})"
    source = get("source").split(" § ")[-1]
    date = get("source_date")
    lat, lon = _number(site.get("latitude")), _number(site.get("longitude"))
    located = lat is not None and lon is not None
    return SiteFields(
        organisation=get("organisation"),
        site=get("site"),
        address=get("address"),
        town=city or town_name(get("municipality"), get("municipality_code"), lang),
        place=", ".join(x for x in (get("address"), postcode_city) if x),
        services=service_labels(get("services"), lang),
        audiences=tuple(taxonomy.audiences().label(c, lang) for c in split_codes(get("audiences"))),
        languages=tuple(taxonomy.language_label(c, lang) for c in split_codes(get("languages"))),
        hours=get("hours"),
        phones=phone_links(get("phone")),
        emails=email_links(get("email")),
        websites=website_links(get("website")),
        precision=precision,
        precision_label=label,
        approximate=approximate,
        located=located,
        source=f"{source} ({date})" if date and source else source or date,
        distance_km=_number(site.get("distance_km")),
        directions=directions_url(lat, lon) if lat is not None and lon is not None else "",
        fresh=freshness(site, lang),
    )


def distance_text(fields: SiteFields, lang: str, centre: str = "") -> str:
    """A site's distance as every output words it: "2,4 km", or for a site placed only at its
    town or postcode, "≈ 5 km, commune centre" (never "0,0 km" as if it were exact). Measured
    from the `centre` of a place (a town typed, or the commune "use my location" rounded a
    position to), it says so: "≈ 5 km from the centre of Namur". "" when no distance was
    measured."""
    km = fields.distance_km
    if km is None:
        return ""
    if centre:
        if km < 1:
            return of_place(t("distance_from_centre_under", lang, place=centre), lang)
        return of_place(
            t("distance_from_centre", lang, km=number(round(km), lang, 0), place=centre), lang
        )
    if not fields.approximate:
        return t("distance_exact", lang, km=number(km, lang, 1))
    centre_label = t(CENTRE_LABELS.get(fields.precision, "centre_locality"), lang)
    if km < 1:
        return t("distance_approx_under", lang, centre=centre_label)
    return t("distance_approx", lang, km=number(round(km), lang, 0), centre=centre_label)


# French writes "d’Anvers", "d’Ixelles", not "de Anvers": "de" before a name that starts with a
# vowel (a capital, so only a place name inserted in a sentence) is elided.
_FRENCH_DE = re.compile(r"\b([dD])e (?=[AEIOUYÀÂÉÈÊÎÏÔÛ])")


def of_place(sentence: str, lang: str) -> str:
    """`sentence` with French elision before a place name ("du centre d’Anvers")."""
    return _FRENCH_DE.sub(r"\1’", sentence) if lang == "fr" else sentence


def directions_label(fields: SiteFields, lang: str) -> str:
    """The directions link's words; an approximate site's route ends at its town's centre."""
    if fields.approximate:
        centre = t(CENTRE_LABELS.get(fields.precision, "centre_locality"), lang)
        return t("directions_approx", lang, centre=centre)
    return t("directions", lang)


def view_lines(counts: Counts, lang: str) -> tuple[str, str]:
    """What a view holds in words, the same on the page, the handout and the offline file:
    "3 sites of 2 organisations shown" and, when some have no place, "1 national or online
    organisation, listed below the map" ("" when none)."""
    shown = tn("shown", counts.sites, lang, orgs=tn("n_organisations", counts.organisations, lang))
    national = tn("national_count", counts.national, lang) if counts.national else ""
    return shown, national


def gap_sentence(service: str, areas: Sequence[str], lang: str) -> str:
    """The planner's answer in a sentence: "No provider of “Housing” in: Hainaut, Namur." """
    label = taxonomy.services().label(service, lang)
    if not areas:
        return t("gap_none", lang, service=label)
    named = listed((area_label(a, lang) for a in areas), lang)
    return t("gap_sentence", lang, service=label, areas=named)


def place_label(place: Place, lang: str) -> str:
    """A placed query for a reader of `lang`: "Luik (4000), Luik" in Dutch, where Place.label
    says "Liège (4000), Province de Liège"."""
    town = default_gazetteer().municipality_name(place.municipality_code, lang)
    if town == place.municipality_code:  # not a municipality of the index: keep what was found
        town = place.municipality
    where = f"{town} ({place.postcode})" if place.postcode else town
    return f"{where}, {area_label(place.province_code, lang)}" if place.province_code else where


def near_message(
    found: Found,
    query: str,
    lang: str,
    quote: Callable[[str], str],
    name: Callable[[str], str] = lambda text: text,
    *,
    located: bool = False,
) -> str:
    """What the page says about a place query it placed: where distances are measured from and
    how sure that is ("read as", "only … was recognised", "commune centre"). `quote` makes the
    visitor's text safe for the output (a Markdown code span, say), `name` the gazetteer's names.
    `located`: the query is the commune "use my location" rounded the visitor's position to."""
    place = found.place
    if place is None:
        raise ValueError("near_message needs a placed query; say near_not_found instead")
    if located:
        where = centre_of(found, query, lang) or query
        return of_place(t("near_located", lang, place=name(where)), lang)
    if found.coordinates:
        return t("near_coordinates", lang, place=name(found.matched or place.municipality))
    label = name(place_label(place, lang))
    if place.precision not in CENTRE_LABELS:
        return t("near_found", lang, place=label)
    centre = t(CENTRE_LABELS[place.precision], lang)
    if found.fuzzy:
        return t(
            "near_fuzzy",
            lang,
            query=quote(query),
            matched=name(found.matched),
            place=label,
            centre=centre,
        )
    if not found.complete:
        text = t(
            "near_partial",
            lang,
            query=quote(query),
            matched=name(found.matched),
            place=label,
            centre=centre,
        )
        return text + (" " + t("near_landmark_hint", lang) if found.landmark else "")
    return t("near_found_approx", lang, place=label, centre=centre)


@dataclass(frozen=True)
class Near:
    """Where a view's distances are measured from, and how far the view reaches, as a printed or
    shared output says it."""

    place: str  # the place as understood ("Charleroi"); what was typed if nothing was placed
    centre: bool = False  # measured from that place's centre, not from an exact point
    radius_km: float | None = None  # the near-me radius, when the place was found
    point: tuple[float, float] | None = None  # the point measured from (offline file only)

    @property
    def centre_of(self) -> str:
        """The place whose centre the distances start at, "" for an exact point or none
        (display.distance_text's `centre`)."""
        return self.place if self.centre else ""


# --- the visitor's filters, in words ---------------------------------------------------------


def value_label(spec: Spec, code: str, lang: str) -> str:
    """How a codes filter names one of its values for the visitor."""
    if spec.param == "service":
        return taxonomy.services().label(code, lang)
    if spec.param == "audience":
        return taxonomy.audiences().label(code, lang)
    if spec.param == "province":
        return area_label(code, lang)
    return taxonomy.language_label(code, lang)


def label_sep(lang: str) -> str:
    """What comes between a label and its value: French puts a space before the colon."""
    return " : " if lang == "fr" else ": "


def said(spec: Spec, shown: str, lang: str) -> str:
    """ "Label: value" as `lang` writes it (French puts a space before the colon)."""
    return f"{t(spec.label, lang)}{label_sep(lang)}{shown}"


def quoted(text: str, lang: str) -> str:
    """A visitor's words, quoted as `lang` quotes."""
    return f"« {text} »" if lang == "fr" else f"“{text}”"


@dataclass(frozen=True)
class Chip:
    """One active filter value as the visitor sees it, and what removing it removes: `value`,
    one code of a codes filter, or None for the whole filter (near-me takes its radius along)."""

    param: str
    value: str | None
    text: str


def chips(filters: Filters, lang: str, literal: Callable[[str], str] | None = None) -> list[Chip]:
    """The active filters as removable chips: one per code, one per other filter. A visitor's
    words go through `literal` (a Markdown code span on a page), else they are quoted."""
    shown_as = literal or (lambda text: quoted(text, lang))
    out = []
    for spec, value in active(filters):
        if spec.kind == CODES:
            out += [
                Chip(spec.param, code, said(spec, value_label(spec, code, lang), lang))
                for code in value
            ]
        elif spec.kind == RADIUS:
            continue  # said with near-me
        elif spec.kind == FLAG:
            shown = t("about_yes", lang) if value else t("about_no", lang)
            out.append(Chip(spec.param, None, said(spec, shown, lang)))
        elif spec.param == "near":
            # One left-to-right unit in a right-to-left line: "Namur, 25 km", never "25 km ,Namur".
            near = left_to_right(f"{shown_as(value)}, {filters.radius_km:g} km", lang)
            out.append(Chip(spec.param, None, said(spec, near, lang)))
        else:
            out.append(Chip(spec.param, None, said(spec, shown_as(value), lang)))
    return out
