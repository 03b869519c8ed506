"""Benchmark the offline geocoder: index load time and batch throughput.

    .venv/bin/python -m bench geocode [--runs 5] [--addresses 200000]

(a) Load: `Gazetteer.load()` from an existing index file, timed inside fresh subprocesses (so
    nothing is cached in the interpreter), median of the runs; goal < 300 ms.
(b) Throughput: `OfflineGeocoder.locate_many` over distinct synthetic addresses built from the
    gazetteer's real postcodes and municipality names (about 80 % "street number, postcode
    town", 20 % "street, town" with no postcode), median of the runs after a warm-up; goal at
    least 50,000 addresses/s. The gazetteer's query memo is cleared before every run so each run
    does the real work rather than dictionary hits.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

from bench.common import ROOT, Row, median, table
from lien.geo.gazetteer import Gazetteer
from lien.geo.gazetteer_index import ensure_index
from lien.geocoding import OfflineGeocoder

LOAD_GOAL_MS = 300.0
THROUGHPUT_GOAL = 50_000.0

# Timed in a fresh interpreter: the import of lien.geo.gazetteer is part of what a cold start pays.
_LOAD_SNIPPET = """
import json, time
t0 = time.perf_counter()
from lien.geo.gazetteer import Gazetteer
t1 = time.perf_counter()
Gazetteer.load()
t2 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1}))
"""

# Street names in both languages; a few hold place names ("de Namur") as real streets do.
_STREETS_FR = (
    "de la Station",
    "Haute",
    "de l'Église",
    "du Moulin",
    "de Namur",
    "Royale",
    "des Écoles",
    "du Centre",
    "de la Gare",
    "Saint-Martin",
    "des Champs",
    "de Bruxelles",
    "du Marché",
    "de la Paix",
    "Léopold",
    "des Alliés",
    "du Parc",
    "de la Chapelle",
    "Albert Ier",
    "de Mons",
)
_STREETS_NL = (
    "Kerkstraat",
    "Stationsstraat",
    "Molenstraat",
    "Dorpsstraat",
    "Nieuwstraat",
    "Schoolstraat",
    "Kapelstraat",
    "Beekstraat",
    "Veldstraat",
    "Hoogstraat",
    "Kasteelstraat",
    "Meersstraat",
    "Lindenlaan",
    "Kouter",
    "Bosstraat",
    "Markt",
    "Leuvensesteenweg",
    "Brugsesteenweg",
    "Gentsesteenweg",
    "Heirbaan",
)


def measure_load(runs: int) -> tuple[float, float]:
    """Median (import + load, load alone) in ms over `runs` fresh interpreters."""
    ensure_index()
    totals: list[float] = []
    loads: list[float] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_SNIPPET],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        timing = json.loads(out.strip().splitlines()[-1])
        totals.append(1000 * (timing["import"] + timing["load"]))
        loads.append(1000 * timing["load"])
    return median(totals), median(loads)


def synthetic_addresses(gaz: Gazetteer, count: int, seed: int = 20240601) -> list[str]:
    """`count` distinct addresses from the gazetteer's postcodes and municipality names."""
    rng = random.Random(seed)
    pairs = [
        (code, gaz.municipalities[entry[2][0]]) for code, entry in sorted(gaz.postcodes.items())
    ]
    towns = sorted({m[lang] for m in gaz.municipalities.values() for lang in ("fr", "nl")})
    # "Rue X, Town": no number, no postcode, so the name search does all the work. Enumerated,
    # not sampled, because the pool (about 50,000) is close to the 20 % needed.
    pool = [
        f"{kind} {street}, {town}"
        for kind in ("Rue", "Avenue", "Chemin")
        for street in _STREETS_FR
        for town in towns
    ]
    pool += [f"{street}, {town}" for street in _STREETS_NL for town in towns]
    town_only = count // 5
    if town_only > len(pool):
        raise ValueError(f"only {len(pool)} distinct town-only addresses; ask for fewer")
    out = rng.sample(pool, town_only)
    seen = set(out)
    while len(out) < count:
        code, muni = rng.choice(pairs)
        number = rng.randint(1, 250)
        if rng.random() < 0.5:
            query = f"Rue {rng.choice(_STREETS_FR)} {number}, {code} {muni['fr']}"
        else:
            query = f"{rng.choice(_STREETS_NL)} {number}, {code} {muni['nl']}"
        if query not in seen:
            seen.add(query)
            out.append(query)
    rng.shuffle(out)
    return out


def measure_throughput(count: int, runs: int) -> tuple[float, int, int]:
    """Median addresses/s of locate_many over `count` distinct addresses; also (found, total)."""
    gaz = Gazetteer.load()
    geocoder = OfflineGeocoder(gaz)
    queries = synthetic_addresses(gaz, count)
    if len(set(queries)) != len(queries):
        raise AssertionError("synthetic addresses are not distinct")
    geocoder.locate_many(queries[:10_000])  # warm-up: imports, regex compilation, fold's cache
    rates: list[float] = []
    found = 0
    for _ in range(runs):
        gaz._memo.clear()  # fresh memo: measure lookups, not dictionary hits
        start = time.perf_counter()
        results = geocoder.locate_many(queries)
        elapsed = time.perf_counter() - start
        rates.append(len(queries) / elapsed)
        found = sum(r is not None for r in results)
    return median(rates), found, len(queries)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--addresses", type=int, default=200_000)


def main(args: argparse.Namespace) -> int:
    """Run both measurements and print the table; exit 1 if a goal is missed."""

    total_ms, load_ms = measure_load(args.runs)
    rate, found, count = measure_throughput(args.addresses, args.runs)

    rows = [
        Row(
            "index load, import + load (ms)",
            {"measured": f"{total_ms:.1f}"},
            f"< {LOAD_GOAL_MS:.0f}",
            total_ms < LOAD_GOAL_MS,
        ),
        Row("index load, load alone (ms)", {"measured": f"{load_ms:.1f}"}),
        Row(
            f"locate_many, {count:,} distinct (addr/s)",
            {"measured": f"{rate:,.0f}"},
            f">= {THROUGHPUT_GOAL:,.0f}",
            rate >= THROUGHPUT_GOAL,
        ),
        Row("  of which resolved", {"measured": f"{found:,}"}, f"{count:,}"),
    ]
    print(table(["measured"], rows))
    print(f"(median of {args.runs} runs; Python {sys.version.split()[0]})")
    return 0 if all(r.ok is not False for r in rows) else 1
