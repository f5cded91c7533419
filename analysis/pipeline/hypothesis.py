"""Pipeline step 4: the study's hypothesis tested on the loaded measures.

:func:`test` runs :func:`analysis.stats.run_hypothesis` with the notebook's parameters and
returns its :class:`~analysis.stats.HypothesisResult` as the statistics give it; wording it for
people (the claim, the question, the groups) is the report's job
(:func:`analysis.report.wording.relabel`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.pipeline.parameters import Parameters
from analysis.progress import steps

if TYPE_CHECKING:
    from analysis.pipeline.loaded import Loaded
    from analysis.stats import HypothesisResult

#: Notebook parameters passed to ``run_hypothesis`` only when set (empty / 0 = the catalogue's).
GENERIC_PARAMETERS = ("outcome", "unit", "contrast", "model", "equivalence_bound")


class ThreadsUnavailable(ValueError):
    """The hypothesis needs comment threads and the data set has none (a post-level aggregate)."""


def options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``run_hypothesis`` beyond the frames, from the parameters."""
    from analysis.pipeline.groups import groups_from_params

    extra = {k: params[k] for k in GENERIC_PARAMETERS if params[k]}
    if params["direction"] != "catalogue":
        extra["direction"] = params["direction"]
    if params["covariates"]:
        extra["covariates"] = tuple(str(c) for c in params["covariates"])
    groups = groups_from_params(params)
    if not groups.is_default:
        extra["groups"] = groups
    return {"alpha": params["alpha"], "min_posts": params["min_posts"], **extra}


def test(loaded: Loaded, params: Mapping[str, Any] | None = None) -> HypothesisResult:
    """Test the hypothesis of ``params`` (default: the parameters ``loaded`` was loaded with).

    ``params`` is the full parameter set (validated here when not a
    :class:`~analysis.pipeline.parameters.Parameters`); its data parameters should be those
    ``loaded`` was loaded with, its hypothesis parameters may differ (another hypothesis on the
    same measures).

    Raises
    ------
    ThreadsUnavailable
        When the hypothesis needs comment threads and the data set has none.
    ValueError
        A parameter is invalid.
    """
    from analysis.stats import run_hypothesis

    p = loaded.params if params is None else Parameters.parse(params)
    check_threads_available(loaded, p)
    with steps(f"hypothesis {p['hypothesis']}", 1, len(loaded.comments)) as step:
        step("model and robustness tests")
        return run_hypothesis(
            p["hypothesis"], posts=loaded.posts, comments=loaded.comments, **options(p)
        )


def threads_needed(params: Mapping[str, Any], data_dir: Path | str) -> str | None:
    """Why the hypothesis of ``params`` cannot be tested on a data set without comment threads.

    ``None`` when it can: it needs no thread (a post-level count such as ``reported_comments``).
    Used by :func:`check_threads_available` in the notebook and by the runner before any kernel
    starts (only for data sets whose ``dataset.json`` says ``comments_available: false``).
    """
    from analysis.measures import THREAD_MEASURES
    from analysis.stats import CATALOGUE

    hypothesis = params.get("hypothesis") or "H1"
    hyp = CATALOGUE.get(hypothesis)
    if hyp is None:
        return None  # an unknown id is the parameter check's to report
    unit, outcome = params.get("unit") or hyp.unit, params.get("outcome") or hyp.outcome
    if not (
        unit == "comment"
        or outcome in THREAD_MEASURES
        or (unit == "page" and outcome.endswith("replies"))
    ):
        return None
    return (
        f"hypothesis {hypothesis} (outcome `{outcome}`, unit `{unit}`) needs comment threads, "
        f"and the data set {data_dir} has none (dataset.json: comments_available false; a "
        f"post-level aggregate source such as the UCI Facebook metrics). Fix: test a post-level "
        f"count the platform reported, e.g. hypothesis=generic, outcome=reported_comments, "
        f"unit=post, contrast=account_type, or import the comment threads"
    )


def check_threads_available(loaded: Loaded, params: Mapping[str, Any] | None = None) -> None:
    """Refuse a hypothesis whose measure needs comment threads on a data set that has none.

    Without threads, replies and answered shares are unknown (NA), not zero: testing them would
    compare nothing, or worse, zeros. The message names the data set and what can be tested.

    Raises
    ------
    ThreadsUnavailable
    """
    if loaded.dataset.get("comments_available", True):
        return
    why = threads_needed(loaded.params if params is None else params, loaded.data_dir)
    if why:
        raise ThreadsUnavailable(why)
