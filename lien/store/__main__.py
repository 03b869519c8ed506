"""The store on the command line.

    python -m lien.store dump PATH.zip       # everything the store holds, and its current
                                             # version as an HSDS package (any HSDS tool reads)
    python -m lien.store restore PATH.zip    # into an empty store (a new file or database)

The store is LIEN_DATABASE_URL's, else the SQLite file LIEN_DATABASE_PATH (default
var/lien.sqlite3); --url names another.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lien import store
from lien.outputs.hsds import store_files
from lien.store.archive import dump, restore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lien.store", description=__doc__)
    parser.add_argument("action", choices=("dump", "restore"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--url", help="a SQLAlchemy URL (default: LIEN_DATABASE_URL or the file)")
    args = parser.parse_args(argv)
    try:
        if args.action == "dump":
            dump(store.open(args.url), args.path, store_files)
        else:
            restore(store.open(args.url, filled=False), args.path)
    except (store.StoreError, OSError) as exc:
        print(f"{args.action}: {exc}", file=sys.stderr)
        return 1
    print(f"{args.action}: {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
