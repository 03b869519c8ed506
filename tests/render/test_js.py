"""Verbatim map elements: their output reaches the page as rendered, never compiled again."""

from __future__ import annotations

import re

import folium
import jinja2
from branca.element import MacroElement, Template

from lien.render.js import Verbatim

_RANDOM_ID = re.compile(r"_[0-9a-f]{32}")


def _element(base: type[MacroElement], text: str) -> MacroElement:
    class Note(base):  # type: ignore[misc, valid-type]
        _template = Template(
            "{% macro header(this, kwargs) %}<style>/*h*/</style>{% endmacro %}"
            "{% macro script(this, kwargs) %}var note = {{ this.text|tojson }};{% endmacro %}"
        )

        def __init__(self) -> None:
            super().__init__()
            self._name = "Note"
            self.text = text

    return Note()


def _page(element: MacroElement) -> str:
    fmap = folium.Map(tiles=None)
    element.add_to(fmap)
    return fmap.get_root().render()


def test_the_page_is_the_same_as_with_branca_render() -> None:
    page = _page(_element(Verbatim, "Ixelles"))
    expected = _page(_element(MacroElement, "Ixelles"))
    assert 'var note = "Ixelles";' in page
    assert "<style>/*h*/</style>" in page
    # Element names are random per instance.
    assert _RANDOM_ID.sub("_id", page) == _RANDOM_ID.sub("_id", expected)


def test_template_syntax_in_the_output_is_not_run() -> None:
    # branca's own render compiles the output again: the same text would run there.
    assert 'var note = "49";' in _page(_element(MacroElement, "{{ 7*7 }}"))
    page = _page(_element(Verbatim, "{{ 7*7 }}"))
    assert 'var note = "{{ 7*7 }}";' in page


def test_output_is_not_compiled(monkeypatch) -> None:
    compiled: list[str] = []
    original = jinja2.Environment.from_string

    def spy(self, source, *args, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(str(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "from_string", spy)
    _page(_element(Verbatim, "a long text " * 1000))
    assert not any("a long text" in source for source in compiled)
