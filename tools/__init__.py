"""Lien's maintenance scripts that run the app (not shipped in the lien package)."""
