"""Pre-registration: a study's analysis plan frozen into a hashed, dated file, and how a later
run compares with it.

``dialogic prereg studies/x.yaml`` calls :func:`freeze` then :func:`write_plan`:
``preregistrations/<study>-<YYYY-MM-DD>.json`` holds, per report of the study, what decides its
verdict (:data:`FROZEN`: the hypothesis, the direction of the one-sided test and the model as
they will be run, alpha, the exclusions, the reply window, the period, the platforms, the
study's correction, the groups, the smallest effect of interest), with the date, the Dialogic
version and ``sha256``, the hash of the canonical JSON of everything else in the file. Beside it
an AsPredicted-style text (:mod:`analysis.prereg_text`). A plan is never overwritten: a second
plan of the same day gets ``-2``, ``-3``...

A study file's ``preregistration: preregistrations/x-2026-12-04.json`` passes the plan to every
report (the notebook parameter ``preregistration``); the report then finds its plan entry
(:func:`entry_for`), lists every :func:`deviations` from it and is labelled
:func:`status` ``confirmatory`` (no deviation) or ``exploratory`` (a deviation, or the report
is not in the plan). Presentation parameters (language, audience, logo, names) are not frozen:
changing them changes no statistic.

Examples
--------
>>> entry = {"parameters": {"alpha": 0.05, "min_posts": 5}}
>>> [d.name for d in deviations(entry, {"alpha": 0.05, "min_posts": 10})]
['min_posts']

This module imports no statistics package: the effective model comes from the runner's
pre-flight (:func:`analysis.runner.preflight.describe_hypothesis`, memoised), the catalogue's
direction from :data:`CATALOGUE_DIRECTIONS` (a copy kept equal to the catalogue by a test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import __version__, config
from analysis._io import atomic_write, from_root
from analysis.errors import StudyError

#: Where ``dialogic prereg`` writes its plans, relative to the project root.
PLANS_DIR = Path("preregistrations")
PLAN_VERSION = 1

#: The direction of each catalogue hypothesis (a copy of ``analysis.stats.CATALOGUE``'s, kept
#: equal by a test, so that freezing a plan does not import statsmodels). ``direction:
#: catalogue`` on a generic hypothesis is a two-sided test.
CATALOGUE_DIRECTIONS = {
    "H1": "less",
    "H2": "less",
    "H3": "greater",
    "H4a": "less",
    "H4b": "greater",
    "H5": "two-sided",
    "H6": "less",
    "generic": "two-sided",
}

#: The effect each model reports (a copy of ``analysis.stats.hypotheses._MODEL_EFFECT``, kept
#: equal by a test): the scale of ``smallest_effect``.
MODEL_EFFECTS = {
    "negbin": "IRR",
    "poisson": "IRR",
    "gee_logit": "OR",
    "cox": "HR",
    "spearman_tost": "rho",
    "page_poisson": "IRR",
    "log_time": "GMR",
}

#: What a plan freezes per report, in the order the report lists deviations: what the test is
#: (``unit`` ... ``kind``: the effective ones), how it decides (``direction`` ...
#: ``smallest_effect``), on which data (``start`` ... ``coverage_threshold``), between which
#: groups, and the claim as the study words it.
FROZEN = (
    "unit",
    "outcome",
    "contrast",
    "model",
    "kind",
    "direction",
    "alpha",
    "correction",
    "equivalence_bound",
    "smallest_effect",
    "start",
    "end",
    "platforms",
    "min_posts",
    "reply_window_h",
    "coverage_threshold",
    "group_column",
    "focal_group",
    "reference_group",
    "group_file",
    "claim",
)


@dataclass(frozen=True)
class Deviation:
    """A frozen value this run does not keep: the parameter, the plan's value and this run's."""

    name: str
    planned: Any
    actual: Any

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "planned": self.planned, "actual": self.actual}


def effective_direction(params: Mapping[str, Any]) -> str:
    """The direction the test runs with: the ``direction`` parameter, or the catalogue's."""
    direction = str(params.get("direction") or "catalogue")
    if direction != "catalogue":
        return direction
    return CATALOGUE_DIRECTIONS.get(str(params.get("hypothesis") or "H1"), "two-sided")


def analysis_plan(params: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """The values of :data:`FROZEN` for a report's full parameters (defaults filled in).

    ``unit``, ``outcome``, ``contrast``, ``model`` and ``kind`` are the ones the test runs with
    (the catalogue's when the parameters leave them empty), ``direction`` likewise; the others
    are the parameters as given.

    Raises
    ------
    ParameterError
        When the hypothesis cannot be described (an unknown id or model; names ``where``).
    """
    from analysis.runner.preflight import describe_hypothesis

    test = describe_hypothesis(dict(params), where or str(params.get("hypothesis")))
    out: dict[str, Any] = {}
    for name in FROZEN:
        if name in ("unit", "outcome", "contrast", "model", "kind"):
            out[name] = test[name]
        elif name == "direction":
            out[name] = effective_direction(params)
        else:
            value = params.get(name)
            out[name] = list(value) if isinstance(value, (list, tuple)) else value
    return out


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


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plan_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of ``document`` without
    its ``sha256``."""
    import hashlib

    body = {k: v for k, v in document.items() if k != "sha256"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


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


def read_plan(path: str | Path) -> dict[str, Any]:
    """A plan file, its hash verified.

    Raises
    ------
    StudyError
        Naming the file: it does not exist, is not a plan, or its content no longer matches its
        ``sha256`` (edited after it was frozen).
    """
    path = from_root(path)
    fix = (
        "freeze a plan with `dialogic prereg STUDY.yaml` and point the study's "
        "`preregistration:` at the file it writes"
    )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyError(f"pre-registration {path} does not exist; {fix}", path=path) from None
    except (OSError, ValueError) as exc:
        raise StudyError(
            f"pre-registration {path} cannot be read as a plan ({exc}); {fix}", path=path
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("plan"), dict):
        raise StudyError(
            f"pre-registration {path} is not a plan written by `dialogic prereg`; {fix}",
            path=path,
        )
    expected = plan_hash(document)
    if document.get("sha256") != expected:
        raise StudyError(
            f"pre-registration {path} was changed after it was frozen: its content hashes to "
            f"{expected[:12]}…, not to the sha256 it records "
            f"({str(document.get('sha256'))[:12]}…). A frozen plan cannot be edited; {fix}",
            path=path,
        )
    return document


def deviations(plan_entry: Mapping[str, Any], params: Mapping[str, Any]) -> list[Deviation]:
    """Every frozen value of ``plan_entry`` that ``params`` does not keep, in the plan's order.

    Parameters
    ----------
    plan_entry : mapping
        One report of a plan (its ``parameters``: name -> frozen value).
    params : mapping
        This run's values of the same names (:func:`analysis_plan` of its parameters); a name
        missing from them counts as a deviation (``actual`` None).

    Numbers are compared as numbers (``5`` keeps ``5.0``), lists as lists.
    """
    out = []
    for name, planned in plan_entry.get("parameters", {}).items():
        actual = params.get(name)
        if not _same(planned, actual):
            out.append(Deviation(name, planned, actual))
    return out


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        return not isinstance(b, bool) and float(a) == float(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return a == b


def entry_for(
    plan: Mapping[str, Any], params: Mapping[str, Any], report_name: str | None = None
) -> tuple[str | None, list[Deviation]]:
    """The plan entry of a report and its deviations: ``(name, deviations)``, ``(None, [])``
    when the report is not in the plan.

    With ``report_name``, the entry of that name. Without it (a notebook does not know its
    report's folder name), the entry of the same hypothesis (``params["hypothesis"]``) with the
    fewest deviations from ``params``: the grid values are frozen values, so the planned report
    of the same grid point has none of its own. When several entries tie with different plans
    (a grid dimension overridden to a value between them), the report is not in the plan.

    ``params`` are the report's full notebook parameters (:func:`analysis_plan` is applied).
    """
    reports = _reports(plan)
    actual = analysis_plan(params)
    if report_name is not None:
        entry = reports.get(report_name)
        return (report_name, deviations(entry, actual)) if entry else (None, [])
    found = [
        (len(devs), name, devs)
        for name, entry in reports.items()
        if entry.get("hypothesis") == params.get("hypothesis")
        for devs in [deviations(entry, actual)]
    ]
    if not found:
        return None, []
    best = min(n for n, _, _ in found)
    tied = [(name, devs) for n, name, devs in found if n == best]
    plans = {_canonical(reports[name]["parameters"]) for name, _ in tied}
    return tied[0] if len(plans) == 1 else (None, [])


def _reports(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The reports of a plan, or of a plan file's document."""
    inner = plan.get("plan", plan)
    return dict(inner.get("reports", {}))


def status(plan: Mapping[str, Any], report_name: str | None, params: Mapping[str, Any]) -> str:
    """``"confirmatory"`` when the report is in the plan and keeps every frozen value, else
    ``"exploratory"`` (see :func:`entry_for` for ``report_name`` None)."""
    name, devs = entry_for(plan, params, report_name)
    return "confirmatory" if name is not None and not devs else "exploratory"


def record(params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``preregistration`` of a report's result record: the plan file (as the parameter
    names it), its ``sha256``, the plan entry, the ``status`` and every deviation; None when the
    report has no plan."""
    if not params.get("preregistration"):
        return None
    document = read_plan(params["preregistration"])
    name, devs = entry_for(document, params)
    return {
        "file": str(params["preregistration"]),
        "sha256": document["sha256"],
        "created": document.get("created"),
        "entry": name,
        "status": "confirmatory" if name is not None and not devs else "exploratory",
        "deviations": [d.to_dict() for d in devs],
    }
