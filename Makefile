# Two commands for a newcomer: `make run` and `make test`. Both set everything up first.
# `make check` is the fast tier while working: lint, types and every test but the browser ones.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed

.PHONY: run test check test-tools lint bench pdfs cluster loadtest load hostile proxy screenshots setup index assets catalogues fonts clean

run: setup
	$(BIN)/python -m streamlit run app.py

# Lint, format and types first (they take seconds), then every test: the fast tier on two
# processes, then the browser tier alone (one chromium at a time; docs/testing.md).
test: check
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m browser

# The fast tier: lint, format, types, and every test that starts no browser and no server.
# pytest keeps the test modules it rewrites (for its assertion messages) in __pycache__, which a
# shell's PYTHONDONTWRITEBYTECODE forbids: each process would rewrite all of them at every run.
# A process that runs out of tests takes some of the other's (worksteal): a few tests take 10 s
# or more, and the last ones handed out would otherwise keep one process busy alone.
check: setup $(DEV_STAMP) lint test-tools
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m "not browser" -n 2 --dist worksteal

# The PDF tests read the files back as PDFium and poppler do, in the fonts that cover the twelve
# languages' scripts: Debian's fonts-noto-core and poppler-utils (.ci/run installs both).
test-tools:
	@missing=""; \
	[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || [ -n "$$LIEN_FONTS" ] || missing="$$missing fonts-noto-core"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then echo "make test needs Debian's$$missing: apt install$$missing" >&2; exit 1; fi

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The performance table (bench/run.py); needs the dev requirements (playwright) and Debian's chromium.
bench: setup $(DEV_STAMP)
	$(BIN)/python -m bench bench

# The PDFs in every language: sizes and build times against French's, and the crafted view's
# handout against the download worker's CPU limit (bench/pdfs.py).
pdfs: setup
	$(BIN)/python -m bench pdfs

# Lien as deployed with replicas: N Streamlit processes on one PostgreSQL behind Caddy
# (deploy/Caddyfile), on http://localhost:8080 (lien_dev/cluster.py; docs/deployment.md).
N ?= 2
cluster: setup
	$(BIN)/python -m lien_dev.cluster $(N)

# Many visitors at the protocol level, through Caddy to 1 and 2 replicas on one PostgreSQL
# (bench/loadtest.py): per step p50/p95/p99, errors, CPU and memory per session. Minutes long.
loadtest: setup $(DEV_STAMP)
	$(BIN)/python -m bench loadtest

# 20 concurrent browser sessions on one server (bench/load.py); same needs as bench.
load: setup $(DEV_STAMP)
	$(BIN)/python -m bench load

# Bytes and first-screen times with Streamlit alone and behind deploy/Caddyfile, against an empty
# Streamlit page in the same run (bench/proxy.py); needs chromium and caddy from Debian.
proxy: setup $(DEV_STAMP)
	$(BIN)/python -m bench proxy

# Hostile uploads and links through one server, timed and measured (bench/hostile.py); same needs as bench.
hostile: setup $(DEV_STAMP)
	$(BIN)/python -m bench hostile

# The README's two pictures (docs/screenshot-phone.png, docs/screenshot-desktop.png), retaken from
# the running app in Debian's chromium (tools/screenshots.py).
screenshots: setup $(DEV_STAMP)
	$(BIN)/python -m tools.screenshots

# The virtualenv, the pinned requirements, Lien itself (editable), the translations, the derived
# gazetteer index and the map's web assets.
setup: $(RUNTIME_STAMP) catalogues index assets fonts

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lien needs Python 3.11 or later; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	$(PIP) -r requirements-dev.txt
	touch $@

# The gettext catalogues (lien/i18n/locale/*/LC_MESSAGES/lien.po) compiled to .mo files.
catalogues: $(RUNTIME_STAMP)
	$(BIN)/python -m lien.i18n

# The handout and the funder summary print with Debian's Noto fonts (fonts-noto-core), which
# cover the twelve languages' scripts; without them they print Latin letters only, and say so.
fonts: $(RUNTIME_STAMP)
	@$(BIN)/python -c 'import sys; from lien.outputs.pdf import fonts_found; fonts_found() or print("warning: the PDFs print Latin letters only until Debian'"'"'s fonts-noto-core is installed (apt install fonts-noto-core)", file=sys.stderr)'

# Parsing GeoNames and the canton outlines takes seconds, so it happens once, here.
index: $(RUNTIME_STAMP)
	$(BIN)/python -m lien.geo.gazetteer_index
	$(BIN)/python -m lien.geo.areas

# Leaflet and its cluster plugin, copied from the pinned XStatic packages into static/ (served at
# /app/static/), so the map needs no CDN. Copies only what is missing or changed.
assets: $(RUNTIME_STAMP)
	$(BIN)/python -m lien.render.assets

clean:
	rm -rf $(VENV) .cache static .pytest_cache .mypy_cache .ruff_cache *.egg-info
