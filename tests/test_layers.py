"""The package's layers, as docs/architecture.md draws them: imports only point down, no cycle,
only lien.ui imports Streamlit, no module is longer than a reader can hold, no function takes more
than six parameters, and every module the comments, docstrings and docs name
(lien.ingest.worker, lien.display.site_fields) exists. Around it, the dev tooling: tests/ and
bench/ share lien_dev/ and never import each other, and no module of the project is in an import
cycle."""

from __future__ import annotations

import ast
import io
import re
import tokenize
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
        "lien.freshness",
        "lien.translations",
        "lien.openreferral",
        "lien.memory",
        # Signed links: only the secret's place (lien.config) below them.
        "lien.links",
    },
    {"lien.geo"},
    {"lien.geocoding"},
    # The geocoder's command line reads its batch with the one table reader.
    {"lien.ingest", "lien.check", "lien.geocoding.cli"},
    # The directory's store reads its first version with the loader.
    {"lien.store", "lien.reviewers"},
    {"lien.filters", "lien.coverage", "lien.display"},
    {"lien.render"},
    # The store's command line writes its dump's HSDS package with the export's own writer.
    {"lien.outputs", "lien.store.__main__"},
    {"lien.ui"},
]
MAX_LINES = 500


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(*folders: str) -> dict[str, Path]:
    return {_module(p): p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))}


MODULES = _modules("lien")
# The whole project: the shipped package, its dev tooling, the tests, benches and tools, the app.
PROJECT = _modules("lien", "lien_dev", "bench", "tests", "tools", "pages") | {
    _module(ROOT / name): ROOT / name for name in ("app.py", "geocode.py")
}


def _imports(path: Path, known: dict[str, Path] = MODULES) -> set[str]:
    """Every module of `known` that `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.add(name if name in known else node.module)
    return {name for name in found if name in known}


GRAPH = {name: _imports(path) for name, path in MODULES.items()}
PROJECT_GRAPH = {name: _imports(path, PROJECT) for name, path in PROJECT.items()}


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


def _assert_no_cycle(graph: dict[str, set[str]]) -> None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in done:
            return
        assert node not in visiting, " -> ".join([*visiting[visiting.index(node) :], node])
        visiting.append(node)
        for other in sorted(graph[node]):
            visit(other)
        visiting.pop()
        done.add(node)

    for name in sorted(graph):
        visit(name)


def test_no_import_cycle() -> None:
    _assert_no_cycle(GRAPH)


def test_no_import_cycle_in_the_whole_project() -> None:
    """A deferred import inside a function counts: it hides a cycle, it does not remove it."""
    _assert_no_cycle(PROJECT_GRAPH)


def _top(module: str) -> str:
    return module.split(".")[0]


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("tests", {"bench"}),
        ("bench", {"tests"}),
        ("lien_dev", {"tests", "bench"}),
        ("tools", {"tests", "bench"}),
        ("lien", {"lien_dev", "tests", "bench"}),
    ],
)
def test_the_dev_tooling_imports_point_one_way(importer: str, forbidden: set[str]) -> None:
    """tests/ and bench/ (and tools/) share lien_dev/ and never import each other; the shipped
    package imports none of them (it must not need Playwright)."""
    wrong = sorted(
        f"{name} -> {other}"
        for name, others in PROJECT_GRAPH.items()
        if _top(name) == importer
        for other in others
        if _top(other) in forbidden
    )
    assert wrong == []


def test_only_the_ui_imports_streamlit() -> None:
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        uses = any(n.split(".")[0] in ("streamlit", "streamlit_folium") for n in names)
        assert not uses or name.startswith("lien.ui"), name


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_is_at_most_500_lines(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


# A dotted name in prose, not part of a path or an address (src/lien.py, https://x.lien.be).
_DOTTED = re.compile(r"(?<![\w./-])lien(?:\.[A-Za-z_]\w*)+")
# A name that is a file (lien.po) or a host (lien.example.org), not a module.
_FILE_OR_HOST = re.compile(r"\.(?:po|mo|pot|csv|json|org|com|net|be|eu|example)$")


def _top_level_names(path: Path) -> set[str]:
    """What a module defines or imports at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _names_something(dotted: str) -> bool:
    """Whether `dotted` is a module or package of lien, or a name one of its modules defines."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module, rest = ".".join(parts[:cut]), parts[cut:]
        if module in MODULES:
            return not rest or rest[0] in _top_level_names(MODULES[module])
        if any(name.startswith(module + ".") for name in MODULES):  # a namespace package
            return not rest
    return False


def _prose(path: Path) -> list[tuple[int, str]]:
    """(line, text) of a module's comments and docstrings."""
    source = path.read_text(encoding="utf-8")
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                found.append((node.body[0].lineno, doc))
    return found


def test_the_modules_named_in_comments_and_docs_exist() -> None:
    """A module renamed or moved leaves no stale name behind to send a reader astray."""
    texts = [(path, line, text) for path in MODULES.values() for line, text in _prose(path)]
    for doc in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "README.md"]:
        lines = doc.read_text(encoding="utf-8").splitlines()
        texts += [(doc, number, line) for number, line in enumerate(lines, start=1)]
    stale = [
        f"{path.relative_to(ROOT)}:{line}: {match.group(0)}"
        for path, line, text in texts
        for match in _DOTTED.finditer(text)
        if not _names_something(match.group(0)) and not _FILE_OR_HOST.search(match.group(0))
    ]
    assert stale == []


def test_a_stale_module_name_is_caught() -> None:
    assert _names_something("lien.ingest.worker")
    assert _names_something("lien.outputs")
    assert _names_something("lien.display.site_fields")
    assert not _names_something("lien.worker")
    assert not _names_something("lien.tabular.MAX_UPLOAD_MB")
    assert not _names_something("lien.display.no_such_function")
    assert not _names_something("lien.outputs.no_such_module")


MAX_PARAMETERS = 6  # beyond, the ones that travel together become a small dataclass


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """A function's parameters as a caller passes them: self and cls aside, *args and **kwargs
    counted once each."""
    args = function.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return [name for name in names if name not in ("self", "cls")]


def test_no_function_takes_more_than_six_parameters() -> None:
    crowded = [
        f"{module}.{node.name} ({len(_parameters(node))})"
        for module, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and len(_parameters(node)) > MAX_PARAMETERS
    ]
    assert crowded == []
