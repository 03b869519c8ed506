"""The one sidebar: the language, then every filter as Filters declares it, kept in the URL."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

from lien import taxonomy
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
from lien.geo.areas import area_label
from lien.i18n import DEFAULT_LANG, LANGUAGE_NAMES, N_, t
from lien.text import markdown_literal as _md
from lien.ui.state import load_url_once

# How each codes filter names its values for the visitor.
_LABELS: dict[str, Callable[[str, str], str]] = {
    "service": lambda code, lang: taxonomy.services().label(code, lang),
    "audience": lambda code, lang: taxonomy.audiences().label(code, lang),
    "province": area_label,
    "language": taxonomy.language_label,
}
# What a text filter adds to its box: help for the keyword, a heading and a hint for near-me.
_HELP = {"q": N_("keyword_help")}
_PLACEHOLDER = {"near": N_("near_placeholder")}
_HEADING = {"near": N_("near_me")}


def _widget(
    bar: Any, spec: Spec, lang: str, language_codes: Sequence[str], values: dict[str, Any]
) -> Any:
    label = t(spec.label, lang)
    if spec.kind == CODES:
        return tuple(
            bar.multiselect(
                label,
                choices(spec, language_codes) or [],
                format_func=lambda code: _LABELS[spec.param](code, lang),
                placeholder=t("choose", lang),
                key=spec.key,
            )
        )
    if spec.kind == TEXT:
        if spec.param in _HEADING:
            bar.subheader(t(_HEADING[spec.param], lang))
        help_key, hint = _HELP.get(spec.param), _PLACEHOLDER.get(spec.param)
        return bar.text_input(
            label,
            key=spec.key,
            max_chars=MAX_TEXT,
            help=t(help_key, lang) if help_key else None,
            placeholder=t(hint, lang) if hint else None,
            label_visibility="collapsed" if spec.param in _HEADING else "visible",
        ).strip()
    if spec.kind == RADIUS:
        value = bar.slider(
            label,
            min_value=RADIUS_RANGE[0],
            max_value=RADIUS_RANGE[1],
            step=1.0,
            key=spec.key,
            disabled=not values.get("near"),
        )
        return float(value if value is not None else spec.default)
    if spec.kind == FLAG:
        return bool(bar.checkbox(label, key=spec.key))
    raise ValueError(f"no widget for the kind {spec.kind!r}")


def sidebar(language_codes: Sequence[str]) -> Filters:
    """Render the filters, keep them in the URL, and return them; the same on every page."""
    notices = load_url_once(language_codes)
    bar = st.sidebar
    lang_spec = next(spec for spec in SPECS if spec.kind == LANGUAGE)
    lang: str = (
        bar.selectbox(
            "Langue · Taal · Language",
            list(LANGUAGE_NAMES),
            format_func=lambda code: LANGUAGE_NAMES[code],
            key=lang_spec.key,
        )
        or DEFAULT_LANG
    )
    for notice in notices:
        bar.warning(t("ignored_param", lang, name=notice.name, value=_md(notice.value)))
    bar.header(t("filters", lang))
    values: dict[str, Any] = {lang_spec.field: lang}
    for spec in SPECS:
        if spec.kind != LANGUAGE:
            values[spec.field] = _widget(bar, spec, lang, language_codes, values)
    filters = Filters(**values)
    st.query_params.from_dict(to_query(filters))
    return filters
