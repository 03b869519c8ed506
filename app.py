"""Lien: the map of services for refugees and migrants in Belgium. `streamlit run app.py`.

This entry point only chooses the page (lien.ui.navigation names them in the visitor's language);
the pages are in pages/: the map, the coverage, and the visitor's own data.
"""

from lien.ui import navigation

navigation.run()
