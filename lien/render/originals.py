"""A record's text shown in the visitor's language (lien.translations), honest about it: a
translation no fluent speaker reviewed says so in the visitor's language, and the original is one
tap away, in a <details> that needs no script (cards, popups, the offline file)."""

from __future__ import annotations

import html

from lien.i18n import t
from lien.translations import ORIGINAL_LANG, Shown


def text_html(shown: Shown, lang: str) -> str:
    """`shown` as escaped HTML: the text, then for a translation its marker and the original."""
    e = html.escape
    if not shown.translated:
        return e(shown.text)
    # Each text is looked up before the f-strings: Babel's extraction misses keys inside them.
    machine, show = t("machine_text", lang), t("show_original", lang)
    marker = "" if shown.reviewed else f' <span class="lien-machine">{e(machine)}</span>'
    return (
        f"{e(shown.text)}{marker}"
        f'<details class="lien-original"><summary>{e(show)}</summary>'
        f'<span lang="{ORIGINAL_LANG}" dir="ltr">{e(shown.original)}</span></details>'
    )
