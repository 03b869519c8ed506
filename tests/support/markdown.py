"""What a reader sees of the Markdown Lien writes: backslash escapes resolved, links counted.

AppTest gives an element's Markdown source, in which every value from a visitor is a code span
(lien.text.markdown_literal). `shown()` is the text the visitor reads; `links()` renders the source
as GitHub-flavoured Markdown does (markdown-it with autolinks of bare "www." addresses, URLs and
e-mail addresses) and returns the links it would form.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(`+)( ?)(.+?)\2\1(?!`)", re.S)
_RENDERER = MarkdownIt("gfm-like", {"html": True})


def shown(markdown: str) -> str:
    """The text a reader sees: code spans as their content, backslash escapes resolved."""
    parts = _CODE.split(markdown)
    out = []
    # split() gives text, then (fence, pad, content) per code span.
    for i in range(0, len(parts), 4):
        out.append(_ESCAPE.sub(r"\1", parts[i]))
        if i + 3 < len(parts):
            out.append(parts[i + 3])
    return "".join(out)


def html(markdown: str) -> str:
    """The HTML the Markdown renders to (raw HTML in it passed through, as a renderer that allows
    it would)."""
    return _RENDERER.render(markdown)


def links(markdown: str) -> list[str]:
    """The links and images the Markdown would render (their targets)."""
    html = _RENDERER.render(markdown)
    return re.findall(r'<(?:a href|img src)="([^"]*)"', html)
