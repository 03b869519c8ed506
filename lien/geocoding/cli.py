"""`lien-geocode` (or `python geocode.py`): one query as JSON, or a CSV batch with a progress bar.

lien-geocode "QUERY"
lien-geocode --csv IN.csv --column COL --out OUT.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lien.files import atomic_writer
from lien.geocoding import RESULT_KEYS, get_geocoder
from lien.ingest import tabular
from lien.problems import DirectoryError


def _read_table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    table = tabular.read(path, strip=False)
    return [c for c in table.frame.columns if c != "row"], list(tabular.records(table))


def _write_table(path: Path, fields: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    with atomic_writer(path, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def geocode_csv(src: Path, column: str, out: Path, geocoder: Any) -> tuple[int, int]:
    """Geocode every row of `src` from `column` into `out`; returns (rows, failures)."""
    from tqdm import tqdm

    fields, rows = _read_table(src)
    if column not in fields:
        raise KeyError(f"column {column!r} not found in {src}; columns are: {', '.join(fields)}")
    added = [*RESULT_KEYS, "geocode_error"]
    failures = 0
    for row in tqdm(rows, desc="geocoding", unit="row", file=sys.stderr, mininterval=0.5):
        query = (row.get(column) or "").strip()
        place = geocoder.locate(query) if query else None
        row.update(dict.fromkeys(added, ""))
        if place is None:
            failures += 1
            row["geocode_error"] = (
                "empty value" if not query else "no Belgian postcode or place name found"
            )
        else:
            row.update(place.as_dict())
    # Re-geocoding an earlier output overwrites its result columns where they stand.
    _write_table(out, [*fields, *[f for f in added if f not in fields]], rows)
    return len(rows), failures


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description="Geocode Belgian addresses, postcodes and places.")
    parser.add_argument("query", nargs="?", help="an address, postcode or place name")
    parser.add_argument("--csv", type=Path, help="input CSV file (batch mode)")
    parser.add_argument("--column", help="column of the input CSV holding the addresses")
    parser.add_argument("--out", type=Path, help="output CSV file (batch mode)")
    parser.add_argument(
        "--geocoder", choices=("offline", "nominatim"), help="override LIEN_GEOCODER"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    geocoder = get_geocoder(args.geocoder)

    if args.csv:
        if args.query or not (args.column and args.out):
            parser.error("batch mode takes --csv IN.csv --column COL --out OUT.csv and no QUERY")
        try:
            total, failed = geocode_csv(args.csv, args.column, args.out, geocoder)
        except (OSError, KeyError, csv.Error) as exc:
            print(f"lien-geocode: {exc}", file=sys.stderr)
            return 2
        except DirectoryError as exc:
            print(f"lien-geocode: {exc}", file=sys.stderr)
            return 2
        print(
            f"geocoded {total - failed} of {total} rows into {args.out}"
            + (f"; {failed} without a place (see geocode_error)" if failed else ""),
            file=sys.stderr,
        )
        return 0

    if not args.query:
        parser.error("give a QUERY, or --csv IN.csv --column COL --out OUT.csv")
    place = geocoder.locate(args.query)
    if place is None:
        print(
            f"lien-geocode: no Belgian postcode or place name found in {args.query!r}",
            file=sys.stderr,
        )
        return 1
    print(json.dumps({k: place.as_dict()[k] for k in RESULT_KEYS}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
