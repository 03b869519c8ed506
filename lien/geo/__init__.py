"""Belgian geography, offline: distances, provinces and regions with their outlines and names,
and the gazetteer of postcodes and place names (all from installed packages)."""
