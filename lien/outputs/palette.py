"""The colours of Lien's PDFs, in one place: the handout and the funder summary draw with these,
so that their text, tables and warnings look alike and a change of shade is made once."""

from __future__ import annotations

from reportlab.lib import colors

BLACK = colors.HexColor("#1A1A1A")  # text: softer than pure black on paper
GREY = colors.HexColor("#666666")  # notes, labels, the footer
RULE = colors.HexColor("#BDBDBD")  # table grids and rules
HEAD_FILL = colors.HexColor("#E8E8E8")  # a table's header row, a section's heading
STRIPE = colors.HexColor("#F7F7F7")  # every other row of a table
NATIONAL_FILL = colors.HexColor("#EEF1F6")  # the matrix's national/online column
GAP_FILL = colors.HexColor("#F6D5C5")  # a matrix cell with no provider
GAP_INK = colors.HexColor("#8B2500")  # its mark
WARNING_FILL = colors.HexColor("#FFF2CC")  # the box of a warning (the 2016 brochure)
WARNING_RULE = colors.HexColor("#E0B000")  # its border
LAND_FILL = colors.HexColor("#F3F1EC")  # the handout map's provinces
LAND_EDGE = colors.HexColor("#9A9A9A")  # their outlines
LAND_LABEL = colors.HexColor("#8C8C8C")  # their names
