"""Typed parameters, checked before any kernel starts.

papermill only *warns* about an unknown parameter and never checks a type, so a typo
(``-p min_post=10``) or a string where a number belongs runs the whole study for nothing. Here
every report's parameters are checked first, against two sources:

1. the notebook's ``parameters`` cell, read by papermill's own inspection
   (:func:`papermill.inspect_notebook`): names, inferred types (``name: int = 5``) and meanings;
2. the notebook's *parameter spec*, when one is registered in :data:`SPECS` (a module with
   ``NOTEBOOK_PARAMETERS`` and ``validate_parameters``): allowed values, date formats, ranges.

Any problem stops the run with :class:`~analysis.runner.errors.ParameterError` naming the
parameter, the notebook and what is allowed. A parameter whose *name* looks like a secret
(``api_token``) or whose value equals a secret from the environment is refused too: secrets come
from the environment, never through parameters (they would be written into the notebook).

papermill's inspection and each successful check are memoised by content (notebook hash, spec
source hash, values) in ``.dialogic-cache/``, so that a rerun with nothing to do imports neither
papermill nor the spec's package.
"""

from __future__ import annotations

import importlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from analysis import config
from analysis.runner import hashing, secrets
from analysis.runner.errors import ParameterError

#: notebook file stem -> module holding its NOTEBOOK_PARAMETERS / validate_parameters.
SPECS = {
    "hypothesis": "analysis.pipeline.parameters",
    "benchmark": "analysis.pipeline.benchmark_parameters",
}

# papermill's inferred type name -> Python types accepted for it (int is fine for float).
_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (float, int),
    "str": (str,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


def declared_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The notebook's parameters as papermill reads them.

    name -> {inferred_type_name, default, help}.
    """
    sha = hashing.file_sha256(notebook)
    cache = hashing.CACHE_DIR / f"inspect-{sha[:24]}.json"
    if cache.is_file():
        return json.loads(cache.read_text())
    import papermill

    declared = {k: dict(v) for k, v in papermill.inspect_notebook(str(notebook)).items()}
    if not declared:
        raise ParameterError(
            f"notebook {notebook} has no cell tagged `parameters`; tag the cell that "
            f"declares `name: type = default  # meaning` lines"
        )
    hashing.atomic_write(cache, json.dumps(declared).encode())
    return declared


def _spec_module(notebook: Path):
    name = SPECS.get(notebook.stem)
    return importlib.import_module(name) if name else None


def _spec_source_hash(notebook: Path) -> str:
    """Hash of the spec module's source file, found without importing it (nor its package)."""
    name = SPECS.get(notebook.stem)
    if not name:
        return ""
    path = config.PACKAGE_DIR.parent / (name.replace(".", "/") + ".py")
    return hashing.file_sha256(path) if path.is_file() else name


def _base_type(type_name: str) -> str:
    name = (type_name or "").strip()
    for prefix in ("Optional[", "typing.Optional["):
        if name.startswith(prefix):
            name = name[len(prefix) : -1]
    return name.split("[", 1)[0].split("|", 1)[0].strip().lower()


def dates_as_text(values: dict[str, Any], declared: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``values`` with YAML dates and datetimes given back as ISO text where the notebook wants a
    ``str``.

    YAML reads an unquoted ``2024-01-01`` (in ``-p start=2024-01-01``, a ``-f`` file or the study
    file) as a date; papermill users expect the text they typed, as papermill's own ``-p`` gives
    it. A datetime becomes ``2024-01-01T10:00:00``.
    """
    out = dict(values)
    for name, value in values.items():
        if (
            isinstance(value, (date, datetime))
            and _base_type(declared.get(name, {}).get("inferred_type_name", "")) == "str"
        ):
            out[name] = value.isoformat()
    return out


def check_parameters(notebook: Path, values: dict[str, Any], report: str = "") -> dict[str, Any]:
    """Check one report's parameters; return them as the notebook will receive them.

    Parameters
    ----------
    notebook : Path
        The report notebook.
    values : dict
        Parameters from the study and the command line.
    report : str
        Report name, for the message.

    Returns
    -------
    dict
        The values, normalised by the notebook's spec when there is one (``1`` -> ``1.0`` for a
        float, defaults filled in), else as given.

    Raises
    ------
    ParameterError
        ``parameter `min_post` is not a parameter of notebooks/hypothesis.ipynb (report h1); it
        takes: data_dir, hypothesis, ...``; likewise for a wrong type or a value outside the
        allowed set (the message lists the allowed values).
    """
    where = f"notebook {notebook.name}" + (f", report {report}" if report else "")
    values = dates_as_text(values, declared_parameters(notebook))
    memo = (
        hashing.CACHE_DIR
        / "checks"
        / (
            hashing.digest(
                [
                    hashing.file_sha256(notebook),
                    _spec_source_hash(notebook),
                    values,
                    sorted(secrets.secret_values().keys()),
                ]
            )[:32]
            + ".json"
        )
    )
    if memo.is_file():
        return json.loads(memo.read_text())
    checked = _check(notebook, values, where)
    hashing.atomic_write(memo, hashing.canonical_json(checked).encode())
    return checked


def _failing_parameter(spec, values: dict[str, Any]) -> str | None:
    """The first given parameter whose value alone fails the spec (None: only a combination
    of values does)."""
    for name, value in values.items():
        try:
            spec.validate_parameters({name: value})
        except ValueError:
            return name
    return None


def _lists_allowed(exc: ValueError, p, values: dict[str, Any]) -> bool:
    """Whether the error already names ``p``'s allowed values: it sets ``fix`` when it does (a
    typed error), and a value of the declared type fails only for being outside the allowed set,
    whose error lists them."""
    if getattr(exc, "key", None) == p.name:
        return getattr(exc, "fix", None) is not None
    return isinstance(values.get(p.name), p.type)


def _check(notebook: Path, values: dict[str, Any], where: str) -> dict[str, Any]:
    declared = declared_parameters(notebook)
    unknown = [k for k in values if k not in declared]
    if unknown:
        raise ParameterError(
            f"parameter `{unknown[0]}` is not a parameter of {where}; "
            f"it takes: {', '.join(declared)}. "
            f"Fix the study file or the -p/-f override."
        )
    for name, value in values.items():
        secret = secrets.secret_in_parameter(name, value)
        if secret:
            raise ParameterError(
                f"parameter `{name}` ({where}) {secret}; secrets come only from the "
                f"environment: read os.environ in the package, never pass them as parameters"
            )
        meta = declared[name]
        accepted = _TYPES.get(_base_type(meta.get("inferred_type_name", "")))
        if accepted is None or (
            value is None and "Optional" in meta.get("inferred_type_name", "")
        ):
            continue
        if not isinstance(value, accepted) or (bool not in accepted and isinstance(value, bool)):
            raise ParameterError(
                f"parameter `{name}` = {value!r} ({where}) has type {type(value).__name__}; "
                "the notebook "
                f"declares {meta['inferred_type_name']} ({meta.get('help') or 'no description'}), "
                f"default {meta.get('default')}"
            )
    spec = _spec_module(notebook)
    if spec is None:
        return dict(values)
    try:
        full = spec.validate_parameters(values)
    except ValueError as exc:
        # which parameter failed and whether the message lists its allowed values: from the
        # error's fields when it has them, else by checking the given values one at a time
        key = getattr(exc, "key", None) or _failing_parameter(spec, values)
        p = getattr(spec, "NOTEBOOK_PARAMETERS", {}).get(key)
        allowed = ""
        if p is not None and getattr(p, "allowed", None) and not _lists_allowed(exc, p, values):
            allowed = f" Allowed values of `{key}`: {', '.join(map(repr, p.allowed))}."
        raise ParameterError(f"{exc} ({where}).{allowed}", key=key) from None
    # keep only what was given or differs from nothing: papermill injects the given values
    return {k: full[k] for k in values}
