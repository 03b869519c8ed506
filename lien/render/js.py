"""Data written into the map's JavaScript: JSON that can't close its script nor run as Jinja, and
map elements whose output goes into the page as it is."""

from __future__ import annotations

import json
import re
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement

# branca renders each element's output as a Jinja template a second time: "{{ 7*7 }}" in a site's
# name would run on the server. In JSON, "{{", "{%" and "{#" only occur inside strings, where
# "\u007b" is the same "{". (Verbatim elements skip that second pass; this stays for the others.)
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no '</' can close it) and inert to Jinja."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return _JINJA_OPEN.sub(r"\\u007b", text)


class _Text(Element):
    """Output already rendered, kept as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Text"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class Verbatim(MacroElement):
    """A MacroElement whose rendered macros go into the page as they are.

    branca's MacroElement wraps each macro's output in Element(output), which compiles that output
    as a new Jinja template: a few milliseconds for each small element and far more for the big
    ones (the province outlines, the sites: megabytes at 100,000 sites), at every render, and
    streamlit-folium renders the map twice per rerun. This render is MacroElement.render without
    the recompilation. Placed after folium's classes in a subclass's bases (e.g.
    `class Layer(JSCSSMixin, folium.map.Layer, Verbatim)`), their render steps still run first.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as MacroElement.render
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self._name} can only be rendered inside a Figure, not {figure!r}")
        macros = self._template.module.__dict__
        for part, section in (
            ("header", figure.header),
            ("html", figure.html),
            ("script", figure.script),
        ):
            macro = macros.get(part)
            if macro is not None:
                section.add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


# folium's own elements of the base map, rendered the same way.
class VerbatimMap(folium.Map, Verbatim):
    pass


class VerbatimTiles(folium.TileLayer, Verbatim):
    pass


class VerbatimPane(folium.map.CustomPane, Verbatim):
    pass
