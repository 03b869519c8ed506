"""Tasks for lien.ingest.worker in the tests: module-level, so a worker can import them by name."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lien import display, openreferral
from lien.config import MiB
from lien.ingest import mapping
from lien.ingest.worker import Progress


def hog_memory(*_: Any, progress: Progress | None = None) -> int:
    """Allocate without end (as a file that expands would)."""
    blocks = []
    while True:
        blocks.append(bytearray(50 * MiB))
        if progress:
            progress(len(blocks), 0)


def spin(*_: Any, progress: Progress | None = None) -> int:
    """Compute without end (as a pathological regex would)."""
    n = 0
    while True:
        n += 1


def sleep(seconds: float, *, progress: Progress | None = None) -> None:
    time.sleep(seconds)


def fail(*_: Any, progress: Progress | None = None) -> None:
    raise ValueError("a bug")


def count(n: int, *, progress: Progress | None = None) -> int:
    for i in range(n + 1):
        if progress:
            progress(i, n)
    return n


def _gazetteer() -> Any:
    from lien.geo.gazetteer import default_gazetteer

    return default_gazetteer()


def _frame(column: str, text: str) -> Any:
    import pandas as pd

    from lien.schema import SCHEMA_COLUMNS

    row = {c: "" for c in SCHEMA_COLUMNS}
    row.update(
        {
            "org_id": "x",
            "organisation": "X",
            "site": "X",
            "services": "housing",
            "precision": "locality",
            "city": "Namur",
            "source": "s",
            column: text,
        }
    )
    return pd.DataFrame([{"row": 2, **row}])


def _validate(column: str) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        from lien.ingest import directory

        return directory.validate(directory.complete(_frame(column, text)))

    return check


@lru_cache(maxsize=1)
def _directory() -> Any:
    from lien.ingest import directory

    return directory.prepare(directory.read_directory().frame)


def _filters(text: str) -> Any:
    from lien import filters

    frame = _directory()
    parsed = filters.from_query({"q": text, "near": text, "service": text})
    return filters.apply(frame, filters.Filters(q=text), None), parsed


def _mapping(text: str) -> Any:
    import pandas as pd

    raw = pd.DataFrame(
        {"row": [2], "Nom": [text], "Adresse": [text], "Services": [text], "Langues": [text]}
    )
    return mapping.to_schema(
        raw, mapping.guess_mapping([text, "Nom", "Adresse", "Services", "Langues"]), text
    )


def _probes() -> dict[str, Callable[[str], Any]]:
    from lien import taxonomy, text
    from lien.ingest import mapping
    from lien.outputs import export

    return {
        "fold": text.fold,
        "clean_query": text.clean_query,
        "markdown_literal": text.markdown_literal,
        "trailing_place": mapping.trailing_place,
        "to_schema": _mapping,
        "vocabulary": lambda t: (
            taxonomy.services().code_for(t),
            taxonomy.audiences().codes_for(t),
            taxonomy.services().suggest(t),
            taxonomy.audiences().suggest(t),
        ),
        "gazetteer_lookup": lambda t: _gazetteer().lookup(t),
        "gazetteer_parts": lambda t: _gazetteer().lookup_parts("", t),
        "find_postcode": lambda t: _gazetteer().find_postcode(t),
        "validate_city": _validate("city"),
        "validate_contacts": lambda t: [_validate(c)(t) for c in ("email", "website", "phone")],
        "validate_codes": lambda t: [
            _validate(c)(t)
            for c in ("org_id", "source_date", "latitude", "languages", "services", "audiences")
        ],
        "filters": _filters,
        "urls": lambda t: (display.safe_url(t), display.tel_url(t)),
        "formulas": lambda t: (
            openreferral.formula_safe(t),
            openreferral.unformula(t),
            export.neutralise(t),
        ),
    }


PROBES = (
    "fold",
    "clean_query",
    "markdown_literal",
    "trailing_place",
    "to_schema",
    "vocabulary",
    "gazetteer_lookup",
    "gazetteer_parts",
    "find_postcode",
    "validate_city",
    "validate_contacts",
    "validate_codes",
    "filters",
    "urls",
    "formulas",
)


def probe(name: str, texts: list[str], *, progress: Progress | None = None) -> int:
    """Run one text handler over every text: the test asks only that it ends within the limits."""
    function = _probes()[name]
    for text in texts:
        function(text)
    return len(texts)


def niceness(*_: Any, progress: Progress | None = None) -> bytes:
    """The worker's own nice value, as a download's bytes."""
    import os

    return str(os.nice(0)).encode()


def hog_memory_file(*_: Any, progress: Progress | None = None) -> bytes:
    """A download whose writer allocates without end."""
    hog_memory()
    return b""
