"""Lien's benchmarks: run each from the repository root as `python -m bench.NAME` (see the
Makefile's bench, load and hostile targets)."""
