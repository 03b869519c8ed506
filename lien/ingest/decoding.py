"""An uploaded file's bytes as text, for the table reader (lien.ingest.tabular): what it is
(a table, or a PDF or picture sent by mistake), its encoding (UTF-8, UTF-16, UTF-32 by their byte
order mark, else Windows-1252), and its text without the characters no text needs."""

from __future__ import annotations

from lien.problems import Problem, problem
from lien.text import without_controls

# Signatures of files people upload by mistake; they would decode to noise, not to a table.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7-Zip"),
    (b"\x7fELF", "ELF"),
    (b"MZ", "Windows program"),
)
# Byte order marks, UTF-32's first: its little-endian mark starts with UTF-16's, and a UTF-32
# file read as UTF-16 is one unreadable line.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32", "utf32_note"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf32_note"),
    (b"\xff\xfe", "utf-16", "utf16_note"),
    (b"\xfe\xff", "utf-16", "utf16_note"),
)


def unicode_bom(data: bytes) -> tuple[str, str] | None:
    """(codec, note code) of a file that starts with a UTF-16 or UTF-32 byte order mark."""
    for bom, codec, note in _BOMS:
        if data.startswith(bom):
            return codec, note
    return None


def looks_binary(data: bytes) -> str:
    """What a file that is not text is ("PDF", "binary"…), or "" for text. A UTF-16 or UTF-32
    file is text, though most of its bytes are NUL."""
    if unicode_bom(data):
        return ""
    head = data[:8192]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return "binary" if controls > max(8, len(head) // 100) else ""


def decode(data: bytes, notes: list[Problem]) -> str:
    """The text of a file, without the control characters and noncharacters no text needs (a
    NUL of a UTF-16 file, a U+FFFE that would make a workbook download unreadable); what had to
    be guessed or removed is added to `notes`."""
    text = _decoded(data, notes)
    kept, removed = without_controls(text)
    if removed:
        notes.append(problem(None, "file", "controls_note", count=removed))
    return kept


def _decoded(data: bytes, notes: list[Problem]) -> str:
    found = unicode_bom(data)
    if found:
        codec, note = found
        notes.append(problem(None, "encoding", note))
        # The codec reads the mark and drops it.
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    notes.append(problem(None, "encoding", "encoding_note"))
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 never fails.
        return data.decode("latin-1")
