"""`python -m lien.i18n`: compile every catalogue (locale/*/LC_MESSAGES/*.po) to the .mo beside
it, as `make catalogues` does at setup."""

from __future__ import annotations

from pathlib import Path

from lien.i18n import compile_catalogues


def main() -> None:
    """Compile the catalogues and say which files were written."""
    for mo in compile_catalogues():
        try:
            shown = mo.relative_to(Path.cwd())
        except ValueError:
            shown = mo
        print(f"wrote {shown}")


if __name__ == "__main__":
    main()
