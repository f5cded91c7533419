"""Freezing a study's analysis plan (``dialogic prereg``): the runner's side of
:mod:`analysis.prereg`.

:func:`freeze` reads a loaded study (every report's parameters as the runner passes them, the
test each runs as the pre-flight describes it), :func:`write_plan` writes the hashed, dated plan
and its AsPredicted-style text (:mod:`analysis.prereg_text`). Reading a plan and comparing a
run with it (:func:`analysis.prereg.read_plan`, :func:`analysis.prereg.deviations`) live in
:mod:`analysis.prereg`, which the notebooks import without the runner.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import __version__, config
from analysis._io import atomic_write, from_root
from analysis.errors import StudyError
from analysis.prereg import PLAN_VERSION, PLANS_DIR, analysis_plan, plan_hash


def _report_parameters(study: Any, spec: Any) -> dict[str, Any] | None:
    """A report's notebook parameters as the runner passes them (the study's claim, correction
    and coverage threshold added as :func:`analysis.runner.run.plan_study` adds them), validated
    and complete; None for a report whose notebook tests no hypothesis (a benchmark)."""
    from analysis.pipeline.parameters import validate_parameters
    from analysis.runner.errors import ParameterError
    from analysis.runner.parameters import declared_parameters

    if "hypothesis" not in declared_parameters(spec.notebook):
        return None
    base = dict(spec.parameters)  # an unknown name (a typo) is refused, as `dialogic run` does
    base.pop("preregistration", None)
    for name, value in (
        ("study", study.name),
        ("claim", spec.claim),
        ("claim_fr", spec.claim_fr),
        ("correction", study.correction),
        ("coverage_threshold", study.coverage_threshold),
    ):
        if value not in (None, ""):
            base.setdefault(name, value)
    for name in ("start", "end"):  # YAML dates, as the runner gives them to the notebook
        if hasattr(base.get(name), "isoformat"):
            base[name] = base[name].isoformat()
    try:
        return validate_parameters(base)
    except ValueError as exc:
        raise ParameterError(f"{study.path}, report {spec.name}: {exc}") from None


def freeze(study: Any) -> dict[str, Any]:
    """The analysis plan of a loaded study (:func:`analysis.runner.study.load_study`).

    Returns
    -------
    dict
        ``title``, ``study_file``, ``correction``, ``data`` (the folder and whether it already
        holds data), ``reports`` (report name -> ``id``, ``hypothesis``, ``claim``,
        ``claim_fr``, ``grid`` and ``parameters``, the values of :data:`FROZEN`) and
        ``not_frozen`` (reports that test no hypothesis, e.g. a benchmark).

    Raises
    ------
    ParameterError
        A report's parameters are not valid, or its hypothesis cannot be described.
    """
    from analysis._io import relative_to_root

    reports: dict[str, Any] = {}
    not_frozen: list[str] = []
    data_dirs: set[str] = set()
    for spec in study.reports:
        params = _report_parameters(study, spec)
        if params is None:
            not_frozen.append(spec.name)
            continue
        data_dirs.add(str(params["data_dir"]))
        reports[spec.name] = {
            "id": spec.hypothesis,
            "hypothesis": params["hypothesis"],
            "claim": spec.claim or params["claim"],
            "claim_fr": spec.claim_fr or params["claim_fr"],
            "grid": _plain(spec.grid),
            "parameters": analysis_plan(params, f"{study.path}, report {spec.name}"),
        }
    if not reports:
        raise StudyError(
            f"{study.path}: no report tests a hypothesis, so there is nothing to pre-register; "
            "add a hypothesis such as `- id: H1`"
        )
    return {
        "title": study.title,
        "study_file": str(relative_to_root(study.path)),
        "correction": study.correction,
        "data": [{"dir": d, "collected": _holds_data(from_root(d))} for d in sorted(data_dirs)],
        "reports": reports,
        "not_frozen": not_frozen,
    }


def _plain(value: Any) -> Any:
    """``value`` as JSON gives it back (a YAML date as ISO text)."""
    return json.loads(json.dumps(value, default=lambda v: getattr(v, "isoformat", str)()))


def _holds_data(folder: Path) -> bool:
    """Whether ``folder`` already holds a table of posts (the data were collected)."""
    return folder.is_dir() and any(folder.glob("posts*"))


def _free_path(folder: Path, stem: str) -> Path:
    """``folder/stem.json``, or ``stem-2.json``, ``stem-3.json``... the first whose plan and
    text are both free."""
    n = 1
    while True:
        name = stem if n == 1 else f"{stem}-{n}"
        path = folder / f"{name}.json"
        if not path.exists() and not path.with_suffix(".md").exists():
            return path
        n += 1


def write_plan(
    plan: Mapping[str, Any],
    out_dir: str | Path | None = None,
    study: str | None = None,
    now: datetime | None = None,
    language: str = "en",
) -> tuple[Path, Path]:
    """Write the plan (JSON, hashed) and its AsPredicted-style text (Markdown) beside it.

    Parameters
    ----------
    plan : mapping
        What :func:`freeze` returned.
    out_dir : str or Path, optional
        The folder (relative to the project root); default :data:`PLANS_DIR`.
    study : str, optional
        The study's name, which starts the file name; default the plan's study file stem.
    now : datetime, optional
        The time of freezing (UTC); default now.
    language : str
        The language of the text (the JSON is the same in every language).

    Returns
    -------
    (Path, Path)
        ``<out_dir>/<study>-<YYYY-MM-DD>.json`` (``-2``, ``-3``... when taken: a plan is
        never overwritten) and the ``.md`` text of the same name.
    """
    from analysis.prereg_text import aspredicted

    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    name = study or Path(str(plan.get("study_file", "study"))).stem
    folder = from_root(out_dir if out_dir is not None else config.PROJECT_ROOT / PLANS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_path(folder, f"{name}-{now.date().isoformat()}")
    document: dict[str, Any] = {
        "version": PLAN_VERSION,
        "study": name,
        "created": now.isoformat().replace("+00:00", "Z"),
        "dialogic_version": __version__,
        "plan": json.loads(json.dumps(plan)),
    }
    document["sha256"] = plan_hash(document)
    text_path = path.with_suffix(".md")
    atomic_write(text_path, aspredicted(document, path.name, language))
    atomic_write(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path, text_path
