"""The results as cards, for a phone: nearest first, one site per card, read without scrolling
sideways, and a call, an e-mail or directions one tap away.

A card holds only what a visitor acts on: the organisation and site, the distance (worded as
lien.display says it, "≈ 5 km, commune centre" for a site placed at its town), the view's services
(not every service of the site), the hours, when a person last checked it ("vérifié en juin
2016", and "peut-être dépassé" after 12 months, lien.freshness), and links. Every text is
HTML-escaped here and links are only tel:, mailto: and http(s) (lien.display); an empty field is
left out, never "None".
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lien import taxonomy, translations
from lien.display import SiteFields, directions_label, distance_text, site_fields
from lien.i18n import left_to_right, listed, t
from lien.links import suggest_url
from lien.render.originals import text_html
from lien.schema import records, split_codes
from lien.translations import Shown

NOTHING = Shown("", "", True)  # a card without this text

# The cards a phone shows before "show more": about three screens.
FIRST_CARDS = 5
MORE_CARDS = 10

CARDS_CSS = """
<style>
ol.lien-cards { list-style: none; margin: 0 !important; padding: 0 !important; }
.lien-card { border: 1px solid rgba(49, 51, 63, .2); border-radius: 10px; padding: 10px 12px;
  margin: 0 0 10px; overflow-wrap: anywhere; }
.lien-card h3 { font-size: 1.05rem; margin: 0; padding: 0; line-height: 1.3; }
.lien-card p { margin: 2px 0; font-size: .95rem; line-height: 1.35; }
.lien-card .lien-distance { font-weight: 600; }
.lien-card .lien-label { color: rgba(49, 51, 63, .7); }
.lien-card .lien-stale { font-weight: 600; }
.lien-card .lien-machine { font-style: italic; opacity: .8; }
.lien-card details summary { cursor: pointer; min-height: 44px; line-height: 44px; }
.lien-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.lien-actions a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 12px;
  border: 1px solid rgba(49, 51, 63, .3); border-radius: 8px; text-decoration: none; }
</style>
"""


@dataclass(frozen=True)
class Card:
    """One site as its card shows it: plain text and safe link targets."""

    title: str
    subtitle: str
    distance: str
    where: str
    services: tuple[str, ...]
    hours: Shown  # in the visitor's language when translated (lien.translations)
    links: tuple[tuple[str, str, str], ...]  # (kind, text, href): call, email, directions, web
    checked: str = ""  # "vérifié en juin 2016", with its status when not active
    stale: str = ""  # "peut-être dépassé", "" for a record checked in the last 12 months
    about: Shown = NOTHING  # what the organisation does there, folded away


def card(
    site: Mapping[str, Any],
    lang: str,
    services: Sequence[str] = (),
    centre: str = "",
    suggest: str | None = None,
) -> Card:
    """The card of one directory row; `services` are the view's chosen ones (all when empty);
    `centre`: the place the distance is measured from the centre of (display.distance_text);
    `suggest`: the app's root address, for a "suggest a correction" link (None: no link, as
    for a session's own upload, whose records are in no store)."""
    f: SiteFields = site_fields(site, lang)
    chosen = set(services)
    vocabulary = taxonomy.services()
    codes = split_codes(str(site.get("services") or ""))
    shown = [c for c in codes if not chosen or c in chosen]
    links: list[tuple[str, str, str]] = []
    # A phone number, an e-mail and an address keep their order in right-to-left text.
    ltr = lambda text: left_to_right(text, lang)  # noqa: E731
    links += [("call", t("card_call", lang, phone=ltr(p.text)), p.href) for p in f.phones if p.href]
    links += [("email", ltr(e.text), e.href) for e in f.emails]
    if f.directions:
        links.append(("directions", directions_label(f, lang), f.directions))
    links += [("web", t("col_website", lang), w.href) for w in f.websites[:1]]
    site_id = str(site.get("site_id") or "")
    if suggest is not None and site_id:
        links.append(
            ("suggest", t("suggest_correction", lang), suggest_url(suggest, site_id, lang))
        )
    return Card(
        title=f.organisation,
        subtitle=f.site if f.site != f.organisation else "",
        distance=distance_text(f, lang, centre),
        where=ltr(f.place or f.town) or f.scope[:1].upper() + f.scope[1:],
        # A site without a service says so; a view that chose services never shows one.
        services=tuple(vocabulary.label(c, lang) for c in shown) if codes else f.services,
        hours=translations.shown(site, "hours", lang),
        links=tuple(links),
        checked=" · ".join(x for x in (f.fresh.status, f.fresh.checked) if x),
        stale=f.fresh.stale_text,
        about=translations.shown(site, "description", lang),
    )


def _card_html(c: Card, lang: str) -> str:
    e = html.escape
    parts = [f"<h3>{e(c.title)}</h3>"]
    if c.subtitle:
        parts.append(f"<p>{e(c.subtitle)}</p>")
    if c.distance:
        parts.append(f'<p class="lien-distance">{e(c.distance)}</p>')
    if c.where:
        parts.append(f"<p>{e(c.where)}</p>")
    for label, value in (
        (t("col_services", lang), e(listed(c.services, lang))),
        (t("hours", lang), text_html(c.hours, lang)),
    ):
        if value:
            parts.append(f'<p><span class="lien-label">{e(label)}</span> · {value}</p>')
    if c.about.text:
        about = t("about_site", lang)  # outside the f-string, where Babel's extraction sees it
        parts.append(
            f'<details class="lien-about"><summary>{e(about)}</summary>'
            f"<p>{text_html(c.about, lang)}</p></details>"
        )
    if c.checked:
        stale = f' · <span class="lien-stale">{e(c.stale)}</span>' if c.stale else ""
        parts.append(f'<p class="lien-checked">{e(c.checked)}{stale}</p>')
    if c.links:
        anchors = []
        for kind, text, href in c.links:
            new_tab = (
                ' target="_blank" rel="noopener noreferrer"'
                if kind in ("directions", "web")
                else ""
            )
            anchors.append(
                f'<a class="lien-{kind}" href="{e(href, quote=True)}"{new_tab}>{e(text)}</a>'
            )
        parts.append('<p class="lien-actions">' + "".join(anchors) + "</p>")
    return '<li class="lien-card">' + "".join(parts) + "</li>"


def cards_html(
    sites: pd.DataFrame,
    lang: str,
    services: Sequence[str] = (),
    limit: int = FIRST_CARDS,
    centre: str = "",
    suggest: str | None = None,
) -> str:
    """The first `limit` sites of the view, in its order (nearest first near a place), as cards
    (`suggest`: see card())."""
    items = [
        _card_html(card(site, lang, services, centre, suggest), lang)
        for site in records(sites.head(limit))
    ]
    return CARDS_CSS + '<ol class="lien-cards">' + "".join(items) + "</ol>"
