"""The Streamlit layer, the only part of Lien that imports Streamlit.

- `state`: the directory a session shows (shared or its own upload) and the URL ↔ widgets sync;
- `sidebar`: the one sidebar of filters, the same on every page;
- `common`: what pages share (notices, near-me, problem lists, table downloads);
- `map_page`, `coverage_page`, `data_page`: the widgets of each page family.

Pages (app.py, pages/*.py) read widgets, call these and lien's modules, and render.
"""
