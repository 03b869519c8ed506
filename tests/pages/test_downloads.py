"""Every download button is drawn by lien.ui.common.download, which never reruns the page on a
tap: a rerun dropped the file of the tap before ("Deferred file … not found"), so a second tap
right after the first gave nothing. The browser test taps three in a row
(tests/browser/test_attendee.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from lien.config import ROOT


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "download_button"
    ]


def test_one_home_draws_every_download_button() -> None:
    scripts = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "lien").rglob("*.py")]
    drawing = sorted(str(p.relative_to(ROOT)) for p in scripts if _calls(p))
    assert drawing == ["lien/ui/common.py"]


def test_the_download_button_never_reruns_the_page() -> None:
    (call,) = _calls(ROOT / "lien" / "ui" / "common.py")
    keywords = {k.arg: k.value for k in call.keywords}
    assert isinstance(keywords.get("on_click"), ast.Constant)
    assert keywords["on_click"].value == "ignore"
