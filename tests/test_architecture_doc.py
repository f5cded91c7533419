"""docs/ARCHITECTURE.md's module table is in step with the code.

- every top-level module (``analysis/x.py``) and every package (``analysis/x/``) of ``analysis``
  has a row (its first cell is the module's dotted name in backticks); a row may also name a
  module inside a package (``analysis.text.cache``);
- every row names a module that exists;
- every name of the "public interface" column that is written as a call (``name(``, or
  ``mod.name(`` for a name of a submodule) or as a backticked identifier (`` `TABLES` ``) exists:
  it is looked up attribute by attribute (importing a submodule when the package does not hold it
  already) from the module, from one of its direct submodules (a package's row may name what
  ``study.py`` holds), or from the package above (``report.data`` in the row of
  ``analysis.report``); a name starting with ``analysis.`` is looked up from the top. A name may
  also be an attribute or a field (dataclass field, annotation) of a class found that way
  (``provenance`` of ``Loaded``, ``exit_code`` of ``DialogicError``).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ARCHITECTURE.md"

_ROW = re.compile(r"^\|\s*`(analysis(?:\.\w+)*)`\s*\|(.*)\|(.*)\|\s*$")
_SPAN = re.compile(r"`([^`]+)`")
_CALL = re.compile(r"(?<![\w.])((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\(")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def module_table() -> dict[str, str]:
    """Module -> its "public interface" cell, from the table under ``## Modules``."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Modules", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = _ROW.match(line)
        if match:
            rows[match.group(1)] = match.group(3)
    return rows


def package_modules() -> list[str]:
    """Every top-level module and package of ``analysis``."""
    package = ROOT / "analysis"
    names = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    names += [p.parent.name for p in package.glob("*/__init__.py")]
    return sorted(f"analysis.{n}" for n in names)


def interface_names(cell: str) -> list[str]:
    """The names of a "public interface" cell that must exist: calls and bare identifiers."""
    names = []
    for span in _SPAN.findall(cell):
        span = span.strip()
        if _IDENTIFIER.fullmatch(span):
            names.append(span)
        else:
            names.extend(_CALL.findall(span))
    return list(dict.fromkeys(names))


_MISSING = object()


def _resolve(base: str, dotted: str) -> object:
    """``base.dotted`` attribute by attribute, importing submodules on the way (or _MISSING)."""
    try:
        obj = importlib.import_module(base)
    except ModuleNotFoundError:
        return _MISSING
    path = base
    for part in dotted.split("."):
        path = f"{path}.{part}"
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        if not isinstance(obj, ModuleType):
            return _MISSING
        try:
            obj = importlib.import_module(path)
        except ModuleNotFoundError:
            return _MISSING
    return obj


def _submodules(module: str) -> list[str]:
    spec = importlib.util.find_spec(module)
    if not spec or not spec.submodule_search_locations:
        return []
    return [
        f"{module}.{info.name}" for info in pkgutil.iter_modules(spec.submodule_search_locations)
    ]


def _class_members(obj: object) -> set[str]:
    classes = (
        [v for v in vars(obj).values() if isinstance(v, type)]
        if isinstance(obj, ModuleType)
        else []
    )
    names: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            names.update(vars(klass), getattr(klass, "__dataclass_fields__", {}))
            names.update(getattr(klass, "__annotations__", {}))
    return names


def _lookup(module: str, dotted: str) -> bool:
    if dotted.startswith("analysis."):
        bases = ["analysis"]
        dotted = dotted.removeprefix("analysis.")
    else:
        bases = [module, *_submodules(module), module.rpartition(".")[0]]
    if any(_resolve(base, dotted) is not _MISSING for base in bases):
        return True
    return "." not in dotted and any(
        dotted in _class_members(importlib.import_module(b)) for b in bases[:-1] or bases
    )


def test_the_table_is_read():
    rows = module_table()
    assert "analysis.schema" in rows and "read_canonical" in interface_names(
        rows["analysis.schema"]
    )
    assert interface_names("`session.collect(platform, a)`, `TABLES`, `f(x) -> Y`, `a b`") == [
        "session.collect",
        "TABLES",
        "f",
    ]


@pytest.mark.parametrize("module", package_modules())
def test_every_module_has_a_row(module):
    documented = module in module_table()
    assert documented, (
        f"{module} has no row in the module table of docs/ARCHITECTURE.md: add one "
        "(`| `module` | concern | public interface |`)"
    )


@pytest.mark.parametrize("module", sorted(module_table()))
def test_every_row_names_a_module_and_its_interface_exists(module):
    assert importlib.util.find_spec(module) is not None, f"{module}: no such module"
    missing = [n for n in interface_names(module_table()[module]) if not _lookup(module, n)]
    assert not missing, (
        f"docs/ARCHITECTURE.md names {', '.join(missing)} in the interface of {module}, "
        "which has no such attribute"
    )
