# Two commands for a newcomer: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed

.PHONY: run test bench load hostile setup index assets clean

run: setup
	$(BIN)/python -m streamlit run app.py

test: setup $(DEV_STAMP)
	$(BIN)/python -m pytest

# The performance table (bench/run.py); needs the dev requirements (playwright) and Debian's chromium.
bench: setup $(DEV_STAMP)
	$(BIN)/python bench/run.py

# 20 concurrent browser sessions on one server (bench/load.py); same needs as bench.
load: setup $(DEV_STAMP)
	$(BIN)/python bench/load.py

# Hostile uploads and links through one server, timed and measured (bench/hostile.py); same needs as bench.
hostile: setup $(DEV_STAMP)
	$(BIN)/python bench/hostile.py

# The virtualenv, the pinned requirements, the derived gazetteer index and the map's web assets.
setup: $(RUNTIME_STAMP) index assets

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lien needs Python 3.11 or later; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Parsing GeoNames and the canton outlines takes seconds, so it happens once, here.
index: $(RUNTIME_STAMP)
	$(BIN)/python -m lien.gazetteer
	$(BIN)/python -m lien.provinces

# Leaflet and its cluster plugin, copied from the pinned XStatic packages into static/ (served at
# /app/static/), so the map needs no CDN. Copies only what is missing or changed.
assets: $(RUNTIME_STAMP)
	$(BIN)/python -m lien.assets

clean:
	rm -rf $(VENV) .cache static .pytest_cache
