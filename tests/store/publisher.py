"""A reviewer publishing in a loop, run as a process of its own by test_durability.py, which
kills it with SIGKILL in the middle of a publish.

    python -m tests.store.publisher URL

Version N sets every record's `hours` to "vN"; it prints "begin N" before and "done N" after.
"""

from __future__ import annotations

import sys

from lien import store


def main(url: str) -> None:
    engine = store.open(url, filled=False)
    version = store.current_version(engine)
    sites = list(store.records(engine, version)["site_id"])
    while True:
        print(f"begin {version + 1}", flush=True)
        changes = {site: {"hours": f"v{version + 1}"} for site in sites}
        version = store.publish(engine, changes, "publisher", "durability", against=version)
        print(f"done {version}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
