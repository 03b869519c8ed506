"""Lien: the map of services for refugees and migrants in Belgium (domain code, no Streamlit)."""
