"""`python -m lien.check FILE`: check a directory before publishing it, as Lien will load it.

Prints the report (every problem with its row and field, in the chosen language) and exits with
status 1 when the file has a problem, 0 when it is clean: a network can run it in its own CI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from lien.i18n import LANGUAGE_NAMES
from lien.ingest.directory import load_shared, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lien.check", description=__doc__.split("\n")[0]
    )
    parser.add_argument("file", help="the directory to check (CSV or XLSX in Lien's schema)")
    parser.add_argument(
        "--lang",
        choices=list(LANGUAGE_NAMES),
        default="en",
        help="language of the messages (default: en)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse the whole file on any problem, as LIEN_STRICT=1 does",
    )
    args = parser.parse_args(argv)
    shared = load_shared(args.file, args.strict)
    print(report(shared, args.lang))
    return 1 if shared.refused or shared.problems.total else 0


if __name__ == "__main__":
    sys.exit(main())
