"""The one sidebar: the language, then every filter as Filters declares it, kept in the URL.

`widget()` draws one filter; the map page's near-me bar draws some of the same filters with it,
under keys of their own kept in step with the sidebar's (lien.ui.state.MIRRORED).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from lien.display import value_label
from lien.filters import (
    CODES,
    FLAG,
    LANGUAGE,
    MAX_TEXT,
    RADIUS,
    RADIUS_RANGE,
    SPECS,
    TEXT,
    Filters,
    Spec,
    choices,
    to_query,
)
from lien.i18n import DEFAULT_LANG, LANGS, LANGUAGE_NAMES, N_, t
from lien.text import markdown_literal as _md
from lien.ui import state

# What a text filter adds to its box: help for the keyword, a heading and a hint for near-me.
_HELP = {"q": N_("keyword_help")}
_PLACEHOLDER = {"near": N_("near_placeholder")}
_HEADING = {"near": N_("near_me")}
# The language picker's label, the same in every language: Belgium's three words for it, each
# option being a language in its own name ("العربية", "ትግርኛ"). No icon: Streamlit would give
# screen readers its ":material/…:" code as the box's name.
LANGUAGE_LABEL = "Langue · Taal · Language"


@dataclass(frozen=True)
class Form:
    """What the filter widgets drawn together share: the visitor's language, the languages the
    directory's sites speak (the languages filter's choices), and the values drawn so far (the
    radius is disabled until near-me has one)."""

    lang: str
    language_codes: Sequence[str]
    values: Mapping[str, Any]


def widget(
    container: Any,
    spec: Spec,
    form: Form,
    *,
    key: str | None = None,
    on_change: Callable[[], None] | None = None,
    heading: bool = True,
) -> Any:
    """Draw one filter's widget of `form` (in the sidebar, or elsewhere under `key`); its value."""
    lang, language_codes, values = form.lang, form.language_codes, form.values
    label = t(spec.label, lang)
    key = key or spec.key
    if spec.kind == CODES:
        return tuple(
            container.multiselect(
                label,
                choices(spec, language_codes) or [],
                format_func=lambda code: value_label(spec, code, lang),
                placeholder=t("choose", lang),
                # No "Select all" (English, and every value chosen is none chosen).
                select_all=False,
                key=key,
                on_change=on_change,
            )
        )
    if spec.kind == TEXT:
        if heading and spec.param in _HEADING:
            container.subheader(t(_HEADING[spec.param], lang))
        help_key, hint = _HELP.get(spec.param), _PLACEHOLDER.get(spec.param)
        return container.text_input(
            label,
            key=key,
            max_chars=MAX_TEXT,
            help=t(help_key, lang) if help_key else None,
            placeholder=t(hint, lang) if hint else None,
            label_visibility="collapsed" if heading and spec.param in _HEADING else "visible",
            on_change=on_change,
        ).strip()
    if spec.kind == RADIUS:
        # A number box, not a slider: Streamlit's slider fetches its own bundles (moment, numbro)
        # on a first visit, half a second more before a phone shows the map's first markers;
        # a phone's number keyboard also sets "10" at once.
        # No min_value/max_value: Streamlit would refuse a value beyond them with its own English
        # sentence; the on_change (lien.ui.state) brings it within RADIUS_RANGE and this says so.
        value = container.number_input(
            label,
            step=1.0,
            format="%.0f",
            key=key,
            disabled=not values.get("near"),
            on_change=on_change,
        )
        refused = st.session_state.pop(state.refused_key(key), None)
        if refused is not None:
            low, high = (f"{end:g}" for end in RADIUS_RANGE)
            container.warning(
                t(
                    "radius_refused",
                    lang,
                    value=f"{refused:g}",
                    low=low,
                    high=high,
                    kept=f"{value:g}",
                )
            )
        return float(value if value is not None else spec.default)
    if spec.kind == FLAG:
        return bool(container.checkbox(label, key=key, on_change=on_change))
    raise ValueError(f"no widget for the kind {spec.kind!r}")


def language_picker() -> str:
    """The language picker at the top of a phone's first screen, in step with the sidebar's (which
    a phone folds away): each language in its own name. Returns the language chosen."""
    spec = next(spec for spec in SPECS if spec.kind == LANGUAGE)
    state.prepare_bar()
    chosen = st.selectbox(
        LANGUAGE_LABEL,
        list(LANGUAGE_NAMES),
        format_func=lambda code: LANGUAGE_NAMES[code],
        key=state.bar_key(spec.param),
        on_change=state.to_sidebar(spec),
    )
    return chosen or DEFAULT_LANG


def sidebar(language_codes: Sequence[str]) -> Filters:
    """Render the filters, keep them in the URL, and return them; the same on every page."""
    notices = state.load_url_once(language_codes)
    bar = st.sidebar
    lang_spec = next(spec for spec in SPECS if spec.kind == LANGUAGE)
    lang: str = (
        bar.selectbox(
            LANGUAGE_LABEL,
            list(LANGUAGE_NAMES),
            format_func=lambda code: LANGUAGE_NAMES[code],
            # In Belgium's languages, as the label: Streamlit's own is English.
            placeholder=" · ".join(t("choose", code) for code in LANGS[:3]),
            key=lang_spec.key,
            on_change=state.to_bar(lang_spec),
        )
        or DEFAULT_LANG
    )
    for notice in notices:
        bar.warning(t("ignored_param", lang, name=notice.name, value=_md(notice.value)))
    bar.header(t("filters", lang))
    values: dict[str, Any] = {lang_spec.field: lang}
    form = Form(lang, language_codes, values)  # each widget sees the values drawn before it
    for spec in SPECS:
        if spec.kind != LANGUAGE:
            mirrored = spec.param in state.MIRRORED
            values[spec.field] = widget(
                bar, spec, form, on_change=state.to_bar(spec) if mirrored else None
            )
    filters = Filters(**values)
    st.query_params.from_dict(to_query(filters))
    return filters
