"""Lien's benchmarks: run them from the repository root as `python -m bench SUBCOMMAND` (see
bench/__main__.py and the Makefile's bench, load, proxy and hostile targets)."""
