"""What a reader sees of an HTML table Lien draws with st.html (lien.render.tables.html_table),
read from an AppTest: its column headers and its rows' cells, as text."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest


class Table(HTMLParser):
    """The first HTML table of a text: its column headers and its rows' cells."""

    def __init__(self) -> None:
        super().__init__()
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell)
            (self.rows[-1] if self._in_body else self.headers).append(text)
            self._cell = None


def html_table(at: AppTest, name: str) -> Table:
    """The table of the first st.html box named `name` (its aria-label)."""
    label = f'aria-label="{html.escape(name, quote=True)}"'
    body = next(e.proto.body for e in at.get("html") if label in e.proto.body)
    table = Table()
    table.feed(body)
    return table


def html_frame(at: AppTest, name: str) -> pd.DataFrame:
    """The table of the first st.html box named `name`, as text cells under its headers."""
    table = html_table(at, name)
    return pd.DataFrame(table.rows, columns=table.headers)
