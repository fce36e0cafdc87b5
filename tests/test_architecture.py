"""The shape of the code: no import cycles, no upward imports, thin package faces.

These are the rules of docs/architecture.md, checked on the source so that they hold
as the code grows.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "repkit"
MAX_INIT_LINES = 80
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    mods = {}
    for p in sorted(ROOT.rglob("*.py")):
        parts = list(p.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    return mods


MODULES = _modules()


def _type_only(tree: ast.AST) -> set[int]:
    """Ids of nodes inside ``if TYPE_CHECKING:`` blocks."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            ids.update(id(n) for b in node.body for n in ast.walk(b))
    return ids


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported repkit module, line) of every run-time import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_only(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("repkit"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append((sub if sub in MODULES else node.module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("repkit")]
    return [(m, line) for m, line in found if m in MODULES]


def _graph() -> dict[str, set[str]]:
    return {name: {m for m, _ in _imports(p)} for name, p in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_its_own_package_face():
    upward = [
        f"{name} line {line} imports {target}"
        for name, path in MODULES.items()
        for target, line in _imports(path)
        if target != "repkit" and name.startswith(target + ".")
    ]
    assert upward == []


def test_nothing_imports_cli():
    """The CLI is the top layer: only ``python -m repkit`` (its other entry point) runs it."""
    users = [n for n, p in MODULES.items() for m, _ in _imports(p) if m == "repkit.cli"]
    assert [u for u in users if not u.endswith("__main__")] == []
    assert len(users) == 1


LAZY = {"__getattr__", "__dir__"}
"""Functions a package face may hold: lazy attribute loading keeps ``import repkit`` cheap."""


@pytest.mark.parametrize("path", [p for p in MODULES.values() if p.name == "__init__.py"], ids=str)
def test_package_faces_only_re_export(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    code = [
        n
        for n in tree.body
        if isinstance(n, (ast.ClassDef, ast.For, ast.While, ast.With, ast.Try))
        or (isinstance(n, ast.FunctionDef) and n.name not in LAZY)
    ]
    assert code == [], f"{path} defines code; move it to a named module"
    doc = tree.body[0] if ast.get_docstring(tree) else None
    lines = len(text.splitlines()) - (doc.end_lineno if doc else 0)
    assert lines <= MAX_INIT_LINES, f"{path}: {lines} lines after the docstring"


def _long_functions() -> list[str]:
    long = []
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = node.body
            has_doc = isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant
            )
            start = body[0].end_lineno + 1 if has_doc and len(body) > 1 else body[0].lineno
            if node.end_lineno - start + 1 > MAX_FUNCTION_LINES:
                long.append(f"{path.relative_to(ROOT.parent)}:{node.name}")
    return sorted(long)


def test_no_function_over_80_lines_of_code():
    assert _long_functions() == []


@pytest.mark.parametrize(
    "text", ["2026H1", "2026-H2", "2026 h1", "2026S2", "2026/1H", "2026年上半年", "2026年H2"]
)
def test_one_half_year_parser(text):
    from repkit.calendar import Half
    from repkit.io._values import parse_half

    assert parse_half(text) == str(Half.parse(text))


def test_half_year_syntax_lives_in_calendar_only():
    defining = [
        str(p.relative_to(ROOT.parent))
        for p in MODULES.values()
        if "半年" in p.read_text(encoding="utf-8")
        and "re.compile" in p.read_text(encoding="utf-8")
        and "上下" in p.read_text(encoding="utf-8")
    ]
    assert defining == ["repkit/calendar.py"]


def test_nothing_in_the_repository_points_outside_it():
    """Only tracked files count: virtual environments and caches hold other projects' text."""
    import subprocess

    top = ROOT.parent
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=top, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        texts = [top / name for name in listed.stdout.decode("utf-8").split("\0") if name]
    else:  # an unpacked sdist: no git, no virtual environments either
        texts = [p for p in top.rglob("*") if not any(part.startswith(".venv") for part in p.parts)]
    texts = [p for p in texts if p.is_file() and p.suffix not in {".xlsx", ".png", ".parquet"}]
    assert texts
    pointing = [
        str(p.relative_to(top))
        for p in texts
        if "../" + "shared" in p.read_text("utf-8", errors="replace")
    ]
    assert pointing == []


def _names_used_by_notebooks() -> dict[tuple[str, str], str]:
    import re

    top = ROOT.parent
    used: dict[tuple[str, str], str] = {}
    for nb in [*top.glob("templates/*.ipynb"), *top.glob("notebooks/**/*.ipynb")]:
        text = nb.read_text(encoding="utf-8")
        for m in re.finditer(r"\brk\.([a-z_]+)\.([A-Za-z_]\w*)", text):
            used.setdefault((m.group(1), m.group(2)), nb.name)
        for m in re.finditer(r"\brk\.([A-Za-z_]\w*)\b(?![.\w])", text):
            used.setdefault(("", m.group(1)), nb.name)
    return used


def test_every_name_a_notebook_uses_is_declared_in_all():
    import importlib
    import types

    import repkit

    used = _names_used_by_notebooks()
    assert len(used) > 50
    undeclared = []
    for (package, name), notebook in sorted(used.items()):
        module = importlib.import_module(f"repkit.{package}") if package else repkit
        value = getattr(module, name, None)
        if name not in module.__all__ and not isinstance(value, types.ModuleType):
            undeclared.append(f"rk.{package + '.' if package else ''}{name} ({notebook})")
    assert undeclared == []
