"""How the fields of a foreign HSDS package read as Lien's: a language by its code or name, a
schedule as hours, a location's description that is only a place (lien.ingest.hsds)."""

from __future__ import annotations

from lien import taxonomy
from lien.geo.gazetteer import default_gazetteer
from lien.ingest import mapping
from lien.schema import SHORT_TEXT

Record = dict[str, str]


def language_code(record: Record) -> str:
    """A language's ISO 639 code, looked up by name when the package gives only the name."""
    code = record.get("code", "")
    if code or not record.get("name"):
        return code.lower() if taxonomy.is_language(code.lower()) else code
    import pycountry

    try:
        found = pycountry.languages.lookup(record["name"])
    except LookupError:
        return record["name"]
    return getattr(found, "alpha_2", "") or found.alpha_3


def schedule_text(record: Record) -> str:
    """A schedule as Lien's hours: its description, else its days and times."""
    if record.get("description"):
        return record["description"]
    times = "–".join(t for t in (record.get("opens_at", ""), record.get("closes_at", "")) if t)
    return " ".join(p for p in (record.get("byday", "").replace(",", ", "), times) if p)


def place_in(text: str) -> tuple[str, str, str] | None:
    """(street, postcode, town) of a description that is only a place, as Lien writes a location
    it can't give as an address ("85 Rue Léon Théodor, Jette", "1000 Bruxelles", "Liège"): its
    last part a postcode and town, or exactly a town's name. None for any other text."""
    if len(text) > SHORT_TEXT:
        return None
    head, _, last = text.rpartition(",")
    found = mapping.trailing_place(last)
    if found is not None and last.split()[0] == found[0]:
        return head.strip(), found[0], found[1]
    if default_gazetteer().is_place_name(last):
        return head.strip(), "", last.strip()
    return None
