"""What a report will test, from its notebook parameters alone (no data): the hypothesis, its
unit, outcome, contrast, model and kind as the test will run them, the catalogue's filled in.

Read by the runner's pre-flight (:func:`analysis.runner.preflight.describe_hypothesis`, which
memoises it and names the report in its errors) and by the pre-registration
(:func:`analysis.prereg.analysis_plan`: the values a plan freezes and a run is compared with),
so both describe a test the same way. Imports the catalogue (statsmodels) when called.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Measure kinds usable as an outcome.
_NUMERIC = ("count", "number", "bool")


def describe_test(params: Mapping[str, Any]) -> dict[str, Any]:
    """What a report with these notebook parameters will test: ``hypothesis``, ``unit``,
    ``outcome``, ``contrast``, ``model``, ``kind``, ``interaction``; or ``{"error": why}`` for
    an unknown hypothesis or model, a generic hypothesis without outcome, unit or contrast, an
    outcome, contrast or covariate that is not a usable measure of the unit."""
    from analysis.measures import MEASURE_KINDS
    from analysis.stats import CATALOGUE, MODELS

    hid = params.get("hypothesis") or "H1"
    from analysis.stats.hypotheses import SPLIT

    if hid in SPLIT:
        return {
            "error": f"parameter `hypothesis` = {hid!r} is {len(SPLIT[hid])} claims, tested one "
            f"by one: use "
            f"{' or '.join(SPLIT[hid])} (a study file's `- id: {hid}` makes a report of each)"
        }
    if hid not in CATALOGUE:
        return {
            "error": f"parameter `hypothesis` = {hid!r}: not in the catalogue, which has "
            f"{', '.join(CATALOGUE)} (a study's own hypothesis is `hypothesis: generic` with "
            f"outcome, unit, contrast and direction)"
        }
    hyp = CATALOGUE[hid]
    model = params.get("model") or ""
    if model and model not in MODELS:
        return {
            "error": f"parameter `model` = {model!r} is not a registered model; use one of "
            f"{', '.join(MODELS)} "
            f"(or leave it empty for the hypothesis's own)"
        }
    if hid == "generic":
        missing = [k for k in ("outcome", "unit", "contrast") if not params.get(k)]
        if missing:
            return {
                "error": f"the generic hypothesis needs {', '.join(f'`{m}`' for m in missing)}: "
                f"e.g. "
                f"outcome: replies, unit: post, contrast: is_promotional, direction: less"
            }
    unit = params.get("unit") or hyp.unit
    outcome = params.get("outcome") or hyp.outcome
    contrast = params.get("contrast") or hyp.contrast
    two_groups = (
        contrast == "account_type"
        or "=" in contrast
        or MEASURE_KINDS.get(unit, {}).get(contrast) == "bool"
    )
    model = model or (
        hyp.model
        if hid != "generic"
        else {
            "post": "negbin",
            "comment": "gee_logit",
            "page": "page_poisson" if two_groups else "spearman_tost",
        }.get(unit, "")
    )
    if unit not in MEASURE_KINDS:
        return {"error": f"parameter `unit` = {unit!r}: use post, comment or page"}
    kinds = MEASURE_KINDS[unit]
    usable = [c for c, k in kinds.items() if k in _NUMERIC]
    if kinds.get(outcome) not in _NUMERIC:
        what = (
            "is not a measure of" if outcome not in kinds else f"is a {kinds[outcome]} column of"
        )
        return {
            "error": f"parameter `outcome` = {outcome!r} {what} the {unit} measures; numeric "
            f"outcomes "
            f"of a {unit}: {', '.join(usable)}"
        }
    column, _, value = contrast.partition("=")
    kind = kinds.get(column)
    correlation = model == "spearman_tost"
    contrasts = ", ".join(
        ["account_type"]
        + [c for c, k in kinds.items() if k == "bool"]
        + [f"{c}=<value>" for c, k in kinds.items() if k == "category" and c != "account_type"]
    )
    if kind is None:
        return {
            "error": f"parameter `contrast` = {contrast!r}: `{column}` is not a measure of the "
            f"{unit} "
            f"measures; contrasts of a {unit}: {contrasts}"
        }
    if correlation:
        if kind not in ("count", "number") or value:
            return {
                "error": f"parameter `contrast` = {contrast!r}: the correlation model "
                f"spearman_tost needs "
                f"a numeric column of the {unit} measures, e.g. followers"
            }
    elif value:
        if kind != "category":
            return {
                "error": f"parameter `contrast` = {contrast!r}: `{column}=<value>` compares one "
                f"value of a "
                f"category column with the rest, and `{column}` is a {kind} column; contrasts "
                f"of a {unit}: {contrasts}"
            }
    elif column != "account_type" and kind != "bool":
        hint = (
            f"write `{column}=<value>` to compare one value with the rest"
            if kind == "category"
            else f"contrasts of a {unit}: {contrasts}"
        )
        return {
            "error": f"parameter `contrast` = {contrast!r}: `{column}` is not a boolean column "
            f"({kind}); {hint}"
        }
    unknown = [str(c) for c in params.get("covariates") or [] if c not in kinds]
    if unknown:
        return {
            "error": f"parameter `covariates`: {', '.join(unknown)} "
            f"{'is not a measure' if len(unknown) == 1 else 'are not measures'} of the {unit} "
            f"measures; measures of a {unit}: {', '.join(kinds)}"
        }
    return {
        "hypothesis": hid,
        "unit": unit,
        "outcome": outcome,
        "contrast": contrast,
        "model": model,
        "kind": "equivalence" if correlation else "superiority",
        "interaction": hyp.interaction if hid != "generic" else None,
    }
