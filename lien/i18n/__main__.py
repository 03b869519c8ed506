"""`python -m lien.i18n`: compile every catalogue (locale/*/LC_MESSAGES/*.po) to the .mo beside
it, as `make catalogues` does at setup, and say how much of each a fluent speaker has reviewed."""

from __future__ import annotations

from pathlib import Path

from lien.i18n import LANGS, compile_catalogues, po_path, read_catalogue, reviewed


def main() -> None:
    """Compile the catalogues, say which files were written, then each language's reviewed share."""
    for mo in compile_catalogues():
        try:
            shown = mo.relative_to(Path.cwd())
        except ValueError:
            shown = mo
        print(f"wrote {shown}")
    print("reviewed by a fluent speaker:")
    for lang in LANGS:
        if po_path(lang).exists():
            done, total = reviewed(read_catalogue(po_path(lang)))
            print(f"  {lang}: {done}/{total} ({done / total:.0%})" if total else f"  {lang}: empty")
        else:
            print(f"  {lang}: no catalogue")


if __name__ == "__main__":
    main()
