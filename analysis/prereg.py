"""Pre-registration: a study's analysis plan frozen into a hashed, dated file, and how a later
run compares with it.

``dialogic prereg studies/x.yaml`` calls :func:`analysis.runner.prereg.freeze` then
:func:`analysis.runner.prereg.write_plan` (the runner's side: it reads the study):
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

This module is the plan file's format and the comparison with it, read by the pipeline and the
report; it imports no statistics package, nor the runner. Freezing a study is the runner's
(:mod:`analysis.runner.prereg`): the effective model comes from its pre-flight
(:func:`analysis.runner.preflight.describe_hypothesis`, memoised), the catalogue's direction
from :data:`CATALOGUE_DIRECTIONS` (a copy kept equal to the catalogue by a test).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis._io import from_root
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
    from analysis.errors import ParameterError
    from analysis.hypothesis_spec import describe_test

    test = describe_test(dict(params))
    if "error" in test:
        raise ParameterError(f"{test['error']} ({where or params.get('hypothesis')})")
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


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def plan_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of ``document`` without
    its ``sha256``."""
    import hashlib

    body = {k: v for k, v in document.items() if k != "sha256"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


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
    return plan_record(read_plan(params["preregistration"]), params)


def plan_record(document: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`record` from the plan file's ``document`` already read (:func:`read_plan`)."""
    name, devs = entry_for(document, params)
    return {
        "file": str(params["preregistration"]),
        "sha256": document["sha256"],
        "created": document.get("created"),
        "entry": name,
        "status": "confirmatory" if name is not None and not devs else "exploratory",
        "deviations": [d.to_dict() for d in devs],
    }
