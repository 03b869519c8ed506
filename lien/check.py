"""`python -m lien.check FILE`: check a directory before publishing it, as Lien will load it.

Prints the report (every problem with its row and field, in the chosen language) and exits with
status 1 when the file has a problem, 0 when it is clean: a network can run it in its own CI.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from lien.directory import Shared, load_shared
from lien.i18n import LANGUAGE_NAMES


def report(shared: Shared, lang: str = "en") -> str:
    """The operator's report of a loaded directory, one problem per line."""
    problems = shared.problems
    kept = len(shared.frame)
    if shared.refused:
        head = f"{shared.name}: refused, nothing can be shown ({problems.total} problem(s))"
    else:
        head = (f"{shared.name}: {shared.rows_read} record(s) read, {kept} shown, "
                f"{shared.hidden} set aside, {problems.total} problem(s)")
    lines = [head]
    lines += [f"  {p.where(lang)}, {p.field}: {p.text(lang)}" for p in problems]
    lines += [f"  … {count} more problem(s) of the kind '{code}'"
              for code, count in sorted(problems.dropped().items())]
    lines += [f"  note: {n.field}: {n.text(lang)}" for n in shared.notes]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lien.check", description=__doc__.split("\n")[0])
    parser.add_argument("file", help="the directory to check (CSV or XLSX in Lien's schema)")
    parser.add_argument("--lang", choices=list(LANGUAGE_NAMES), default="en",
                        help="language of the messages (default: en)")
    parser.add_argument("--strict", action="store_true",
                        help="refuse the whole file on any problem, as LIEN_STRICT=1 does")
    args = parser.parse_args(argv)
    shared = load_shared(args.file, args.strict)
    print(report(shared, args.lang))
    return 1 if shared.refused or shared.problems.total else 0


if __name__ == "__main__":
    sys.exit(main())
