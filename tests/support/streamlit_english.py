"""English texts Streamlit's frontend draws by itself, as its bundle (streamlit/static/static/js)
writes them: a French or Dutch page must show none of them, as text or as an aria-label, title or
placeholder (tests/browser/test_widget_text.py). tests/test_streamlit_text.py checks that each is
still in the installed bundle, so the list follows Streamlit's upgrades.

Independent of lien.ui.streamlit_text's table on purpose: this is what Streamlit can say, not what
Lien translates; some are never shown by Lien at all (hidden, or a widget it does not use).
"""

from __future__ import annotations

import re

# Whole texts (a text node, or an attribute's value, once trimmed).
EXACT: frozenset[str] = frozenset(
    {
        # select boxes and multiselects
        "Clear all",
        "Clear value",
        "Open",
        "No results",
        "No options",
        "Choose an option",
        "Select...",
        "Selected values",
        "Select all",
        "Multiselect options",
        "Selectbox options",
        # react-aria, under them (its own English, picked by the browser's locale)
        "Dismiss",
        "Show suggestions",
        "Suggestions",
        # text and number boxes
        "Clear entry",
        "Show password",
        "Hide password",
        "Increment",
        "Decrement",
        "Invalid input.",
        "Number is above the allowed range.",
        "Number is below the allowed range.",
        # a widget's help
        "Help",
        # the file uploader
        "Upload",
        "Upload directories",
        "file upload",
        "Add files",
        "Drag and drop a file here",
        "Drag and drop files here",
        "Error uploading file",
        "Error deleting file",
        "Only one file is allowed.",
        "Too many files",
        # the page's frame: skip link, sidebar, header, menu, status, connection
        "Skip to main content",
        "Sidebar",
        "Expand sidebar",
        "Collapse sidebar",
        "App pages",
        "View less",
        "Main menu",
        "Running...",
        "Stop",
        "Stopping...",
        "Connecting",
        "Please wait...",
        "Close",
        "Link to heading",
        "Rerun",
        "Print",
        "Clear cache",
        "Record a screencast",
        "Use system setting",
        "Connection error",
        "Script execution error",
        "Traceback:",
        "Page not found",
        "Notifications",
        # a data grid: toolbar, search, menus
        "Show/hide columns",
        "Download as CSV",
        "Search",
        "Type to search",
        "Close Search",
        "Next Result",
        "Previous Result",
        "Fullscreen",
        "Close fullscreen",
        "Sort ascending",
        "Sort descending",
        "Pin column",
        "Unpin column",
        "Hide column",
        "Autosize",
        "Copy column name",
        "Dataframe column menu",
        "Loading...",
        "No data",
        # a chart's toolbar, a table
        "Download as PNG",
        "Show data",
        "Show chart",
        "Copy Vega-Lite spec",
        "Scrollable table",
        # a download
        "Download failed",
    }
)

# Texts with a part that varies: the bundle's template as a regular expression.
PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"^Help for "),  # `Help for ${label}`
    re.compile(r"\bper file\b"),  # `${size} per file`
    re.compile(r"^Drag and drop "),  # `Drag and drop ${what} here`
    re.compile(r"^Press (Enter|⌘\+Enter|Ctrl\+Enter) to "),
    re.compile(r"^\d+ options? available\.$"),  # react-aria's count announcement
    re.compile(r", selected$"),  # react-aria's `${optionText}, selected`
    re.compile(r" files are not allowed\.$"),
    re.compile(r"^Made with Streamlit"),
)

# What each pattern's template looks like in the bundle (checked there, as EXACT is).
PATTERN_SOURCES: tuple[str, ...] = (
    "`Help for ${",
    "} per file`",
    "`Drag and drop ",
    "`Press Enter to ${",
    " available.`",
    "}, selected`",
    " files are not allowed.`",
    "`Made with Streamlit v`",
)


def english(text: str) -> bool:
    """Whether `text` is one of Streamlit's English texts."""
    text = text.strip()
    return text in EXACT or any(pattern.search(text) for pattern in PATTERNS)
