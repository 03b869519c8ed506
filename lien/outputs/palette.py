"""The colours of Lien's PDFs, in one place: the handout and the funder summary draw with these,
so that their text, tables and warnings look alike and a change of shade is made once."""

from __future__ import annotations

BLACK = "#1A1A1A"  # text: softer than pure black on paper
WHITE = "#FFFFFF"
GREY = "#666666"  # notes, labels, the footer
RULE = "#BDBDBD"  # table grids and rules
HEAD_FILL = "#E8E8E8"  # a table's header row, a section's heading
STRIPE = "#F7F7F7"  # every other row of a table
NATIONAL_FILL = "#EEF1F6"  # the matrix's national/online column
GAP_FILL = "#F6D5C5"  # a matrix cell with no provider
GAP_INK = "#8B2500"  # its mark
WARNING_FILL = "#FFF2CC"  # the box of a warning (the 2016 brochure)
WARNING_RULE = "#E0B000"  # its border
LAND_FILL = "#F3F1EC"  # the handout map's provinces
LAND_EDGE = "#9A9A9A"  # their outlines
LAND_LABEL = "#8C8C8C"  # their names


def rgb(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' as the (r, g, b) fpdf2's setters take."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
