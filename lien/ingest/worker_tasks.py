"""What the forkserver imports once for every worker (lien.ingest.worker): the readers and
checkers, and the gazetteer's index, so that a worker starts with them in memory instead of
loading them."""

from __future__ import annotations

from lien.geo.gazetteer import default_gazetteer, index_path
from lien.ingest import directory, hsds, upload  # noqa: F401

if index_path().exists():  # `make setup` builds it; a worker can still build it if not
    default_gazetteer()
