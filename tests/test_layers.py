"""The package's layers, as docs/architecture.md draws them: imports only point down, no cycle,
only lien.ui imports Streamlit, and a long module says why it is long."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lien.config import ROOT

PACKAGE = ROOT / "lien"
# Bottom to top. A module may import its own layer (without a cycle) and the layers below.
LAYERS: list[set[str]] = [
    {
        "lien",
        "lien.config",
        "lien.text",
        "lien.files",
        "lien.i18n",
        "lien.problems",
        "lien.schema",
        "lien.taxonomy",
        "lien.openreferral",
        "lien.memory",
    },
    {"lien.geo"},
    {"lien.geocoding"},
    # The geocoder's command line reads its batch with the one table reader.
    {"lien.ingest", "lien.check", "lien.geocoding.cli"},
    # The directory's store reads its first version with the loader.
    {"lien.store"},
    {"lien.filters", "lien.coverage", "lien.display"},
    {"lien.render"},
    {"lien.outputs"},
    {"lien.ui"},
]
LONG = 350


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every lien module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("lien")}
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.startswith("lien")
        ):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in MODULES else node.module)
    return {name for name in found if name in MODULES}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    best = -1
    for i, layer in enumerate(LAYERS):
        for prefix in layer:
            if module == prefix or module.startswith(prefix + "."):
                best = i if prefix != "lien" else max(best, i)
    # "lien" itself only matches lien/__init__.py.
    if (
        best == 0
        and module not in LAYERS[0]
        and not any(module.startswith(p + ".") for p in LAYERS[0] if p != "lien")
    ):
        best = -1
    return best


def test_every_module_has_a_layer() -> None:
    assert [m for m in MODULES if _layer(m) < 0] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str) -> None:
    up = [other for other in GRAPH[module] if _layer(other) > _layer(module)]
    assert up == [], f"{module} imports from a higher layer: {up}"


def test_no_import_cycle() -> None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*visiting[visiting.index(node) :], node])
        visiting.append(node)
        for other in sorted(GRAPH[node]):
            visit(other)
        visiting.pop()
        done.add(node)

    for name in sorted(GRAPH):
        visit(name)


def test_only_the_ui_imports_streamlit() -> None:
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        uses = any(n.split(".")[0] in ("streamlit", "streamlit_folium") for n in names)
        assert not uses or name.startswith("lien.ui"), name


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_long_module_says_why(module: str) -> None:
    path = MODULES[module]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert lines <= LONG or "Why it is long:" in doc, f"{module}: {lines} lines"
