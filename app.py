"""Lien, the map page. For now it shows the validated directory as a table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from lien import directory
from lien.paths import ORGANISATIONS_CSV

TABLE_COLUMNS = ["organisation", "site", "address", "postcode", "city", "province", "services",
                 "audiences", "hours", "phone", "email", "website", "precision", "source"]


@st.cache_data(show_spinner="Loading the directory…")
def load(path: str, mtime: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The located directory and its problems; `mtime` makes an edited file reload."""
    try:
        result = directory.read_directory(Path(path))
    except directory.DirectoryError as exc:
        return pd.DataFrame(), directory.problems_frame(exc.problems)
    return result.frame, directory.problems_frame(result.problems)


st.set_page_config(page_title="Lien", page_icon="🧭", layout="wide")
st.title("Lien")
st.caption("Organisations that support refugees, asylum seekers, undocumented people and "
           "unaccompanied minors in Belgium. Source: brochure of June 2016.")

frame, problems = load(str(ORGANISATIONS_CSV), ORGANISATIONS_CSV.stat().st_mtime)
if len(problems):
    st.error(f"{ORGANISATIONS_CSV.name} was refused: {len(problems)} problem(s). "
             "Fix the rows below; nothing is shown until the file is valid.")
    st.dataframe(problems, hide_index=True, key="problems")
    st.stop()

st.write(f"{len(frame)} sites of {frame['org_id'].nunique()} organisations.")
st.dataframe(frame[TABLE_COLUMNS], hide_index=True, width="stretch", key="directory",
             column_config={"website": st.column_config.TextColumn("website")})
