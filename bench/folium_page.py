"""The second reference of the browser figures: the usual folium approach at its lightest, one
folium.Marker on a folium.Map shown with st_folium (Leaflet from the app's static folder, as
Lien's map, since no test or figure reaches the internet). bench/first_screen.py runs it beside
an empty Streamlit page and Lien's pages in the same run."""

import folium
import streamlit as st
from streamlit_folium import st_folium

st.title("Lien")
fmap = folium.Map(location=[50.64, 4.67], zoom_start=8, tiles=None)
fmap.default_js = [("leaflet", "/app/static/leaflet/leaflet.js")]
fmap.default_css = [("leaflet_css", "/app/static/leaflet/leaflet.css")]
folium.Marker(
    [50.85, 4.35],
    icon=folium.DivIcon(html='<span class="lien-dot">●</span>', class_name="lien-dot"),
).add_to(fmap)
st_folium(fmap, height=400, returned_objects=[], use_container_width=True)
