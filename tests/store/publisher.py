"""A reviewer publishing in a loop, run as a process of its own by test_durability.py, which
kills it with SIGKILL in the middle of a publish.

    python -m tests.store.publisher URL

Version N sets every record's `hours` to "vN"; it prints "writing N" as its transaction has
written the version's row (the publish's first write) and "done N" once publish returned.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import Insert, event

from lien import store
from lien.store.models import Version


def main(url: str) -> None:
    engine = store.open(url, filled=False)
    version = store.current_version(engine)
    sites = list(store.records(engine, version)["site_id"])

    def written(_connection: Any, statement: Any, *_args: Any) -> None:
        if isinstance(statement, Insert) and statement.table.name == Version.__tablename__:
            print(f"writing {version + 1}", flush=True)

    event.listen(engine, "after_execute", written)
    while True:
        changes = {site: {"hours": f"v{version + 1}"} for site in sites}
        version = store.publish(engine, changes, "publisher", "durability", against=version)
        print(f"done {version}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
