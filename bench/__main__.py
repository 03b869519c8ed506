"""Lien's benchmarks, one entry point (the Makefile's bench, load, proxy and hostile targets):

    .venv/bin/python -m bench {bench,load,loadtest,proxy,hostile,geocode,pdfs,synthetic} [options]

Each subcommand is a module of bench/ with `add_arguments(parser)` and `main(args)`; the setup
they share (SIGTERM, the map's assets, chromium) is done here, once."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench import common, geocode_bench, hostile, load, loadtest, pdfs, proxy, run
from lien_dev import synthetic

# Subcommand: (module, whether it cannot run without chromium). `bench` reports its browser rows
# as errors and still measures the others.
COMMANDS = {
    "bench": (run, False),
    "load": (load, True),
    "proxy": (proxy, True),
    "hostile": (hostile, True),
    "geocode": (geocode_bench, False),
    "pdfs": (pdfs, False),
    "loadtest": (loadtest, False),
}


def _synthetic(args: argparse.Namespace) -> int:
    if args.n < 0:
        print("N must be >= 0", file=sys.stderr)
        return 2
    synthetic.write(synthetic.generate(args.n, args.seed), args.out)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line: one subparser per subcommand, described by its module's first line."""
    top = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    commands = top.add_subparsers(dest="command", required=True)
    for name, (module, _) in COMMANDS.items():
        sub = commands.add_parser(name, help=(module.__doc__ or "").splitlines()[0])
        module.add_arguments(sub)
    sub = commands.add_parser("synthetic", help=(synthetic.__doc__ or "").splitlines()[0])
    sub.add_argument("n", type=int, help="number of sites (rows)")
    sub.add_argument("out", type=Path, help="CSV file to write")
    sub.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "synthetic":
        return _synthetic(args)
    module, needs_chromium = COMMANDS[args.command]
    if args.command not in ("geocode", "pdfs", "loadtest") and not common.prepare(
        chromium=needs_chromium
    ):
        return 2
    return int(module.main(args))


if __name__ == "__main__":
    sys.exit(main())
