"""The import graph of ``analysis/``: no cycle, and the layers point one way.

Every module of the package is parsed with :mod:`ast` (nothing is imported) and each import
becomes an edge of the module graph:

- module-level **and** function-level imports count alike: a function-level import that closes a
  cycle still ties the two modules together, it only hides the cycle until the function runs;
- imports under ``if TYPE_CHECKING:`` are **excluded**: they never run, they only name types;
- ``from analysis.x import y`` is an edge to ``analysis.x.y`` when that is a module, else to
  ``analysis.x``; relative imports are resolved against the importing module's package;
- importing ``analysis.a.b`` from outside the package ``analysis.a`` also runs
  ``analysis/a/__init__.py``, so it is an edge to ``analysis.a`` too (a package's own modules are
  not tied to their ``__init__`` this way: Python has started running it already);
- a module that calls ``importlib.import_module`` is taken to import every module of the package
  whose full name is a string literal in it (``cli_commands``, the runner's lazy exports, the
  kernel's preload list).

The root package ``analysis`` (a docstring and ``__version__``) is not a node.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "analysis"

#: module (or package) -> the packages/modules it must not import from, and why.
FORBIDDEN = {
    "analysis.stats": ("analysis.report", "analysis.runner", "analysis.cli"),
    "analysis.pipeline": ("analysis.report", "analysis.runner", "analysis.cli"),
    "analysis.plots": ("analysis.runner", "analysis.cli"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of ``analysis/`` by dotted name (packages by their own name)."""
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST):
    """Every Import/ImportFrom node, at any depth, except under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(name: str, path: Path, tree: ast.AST) -> set[str]:
    """The modules of ``analysis`` named by the imports of module ``name``."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        for alias in node.names:
            sub = f"{source}.{alias.name}"
            found.add(sub if sub in known else source)
    if "import_module" in {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} | {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
    }:
        found.update(
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in known
        )
    # `import analysis.a.b` names analysis.a.b; keep the longest prefix that is a module.
    edges: set[str] = set()
    for target in found:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if not target.startswith("analysis.") or target == name:
            continue
        edges.add(target)
        parent = target.rpartition(".")[0]
        while parent.startswith("analysis."):  # the package's __init__ runs first
            if not (name == parent or name.startswith(parent + ".")):
                edges.add(parent)
            parent = parent.rpartition(".")[0]
    return edges


@cache
def graph() -> dict[str, frozenset[str]]:
    """Module -> the modules of ``analysis`` it imports (see the module docstring)."""
    out = {}
    for name, path in modules().items():
        if name == "analysis":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out[name] = frozenset(_targets(name, path, tree))
    return out


def cycles(edges: dict[str, frozenset[str]]) -> list[list[str]]:
    """Cycles that together pass through every module caught in one (shortest ones first).

    The knots are the strongly connected components of more than one module (Tarjan); each is
    printed as the shortest cycle through each of its modules not yet on a printed cycle.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    found = []
    for comp in components:
        covered: set[str] = set()
        for start in comp:
            if start not in covered:
                cycle = _one_cycle(start, set(comp), edges)
                covered.update(cycle)
                found.append(cycle)
    return found


def _one_cycle(start: str, members: set[str], edges: dict[str, frozenset[str]]) -> list[str]:
    """A shortest cycle from ``start`` back to it within ``members`` (breadth-first)."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(edges[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if w not in previous:
                    previous[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_every_module_is_parsed():
    names = set(graph())
    assert {"analysis.stats", "analysis.report", "analysis.plots", "analysis.cli"} <= names
    assert graph()["analysis.cli_commands"] >= {"analysis.runner.cli", "analysis.demo"}


def test_no_import_cycle():
    found = cycles(graph())
    assert not found, "import cycles in analysis/:\n" + "\n".join(
        "  " + " -> ".join(cycle) for cycle in found
    )


def test_layers_point_one_way():
    bad = [
        f"{name} imports {target} (no {layer} -> {banned})"
        for layer, banned_list in FORBIDDEN.items()
        for name, targets in graph().items()
        if _inside(name, layer)
        for target in sorted(targets)
        for banned in banned_list
        if _inside(target, banned)
    ]
    assert not bad, "\n".join(bad)


def test_the_walk_sees_function_level_and_skips_type_checking_imports(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from analysis.report import views\n"
        "def f():\n"
        "    from analysis.runner.run import run_study\n"
        "    from . import schema\n"
    )
    path = PACKAGE / "plots.py"  # a top-level module: `from . import` is `analysis`
    edges = _targets("analysis.plots", path, ast.parse(source))
    assert edges == {"analysis.runner.run", "analysis.runner", "analysis.schema"}


def test_cycles_finds_and_prints_a_cycle():
    edges = {
        "a": frozenset({"b"}),
        "b": frozenset({"c"}),
        "c": frozenset({"a"}),
        "d": frozenset({"a"}),
    }
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": frozenset({"b"}), "b": frozenset()}) == []
