"""The reference page of the browser figures: an empty Streamlit page (a title and a line), as
little as Streamlit itself sends, measured in the same run as Lien's pages (bench/proxy.py)."""

import streamlit as st

st.title("Lien")
st.write("An empty Streamlit page, the reference of the browser figures.")
