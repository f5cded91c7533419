"""Deprecated: loading, filtering, measuring and testing moved to :mod:`analysis.pipeline`.

Kept as a thin re-export for code written against the old names; new code calls
``pipeline.load(params)`` and ``pipeline.test(loaded, params)``, then words the result with
:func:`analysis.report.wording.relabel` (what :func:`run_test` does in one call).
"""

from __future__ import annotations

from typing import Any

from analysis.ledger import read_dataset_info
from analysis.pipeline import load as load_report_data
from analysis.pipeline.hypothesis import (
    GENERIC_PARAMETERS,
    ThreadsUnavailable,
    check_threads_available,
    threads_needed,
)
from analysis.pipeline.loaded import Loaded, without_low_coverage
from analysis.pipeline.measures import (
    compute_frames,
    compute_frames_dask,
    measures_pending,
    warm_measures,
)

#: The old name of :class:`analysis.pipeline.Loaded`.
ReportData = Loaded


def run_test(data: Loaded) -> Any:
    """:func:`analysis.pipeline.test` on ``data`` with its own parameters, the result then worded
    for people by :func:`analysis.report.wording.relabel`: a generic hypothesis gets its question
    and claim from the glossary's names (never the raw column names), and the parameters
    ``claim`` / ``claim_fr`` replace the claim when given."""
    from analysis.pipeline import test
    from analysis.report.wording import relabel

    return relabel(test(data, data.params), data.params)


__all__ = [
    "GENERIC_PARAMETERS",
    "ReportData",
    "ThreadsUnavailable",
    "check_threads_available",
    "compute_frames",
    "compute_frames_dask",
    "load_report_data",
    "measures_pending",
    "read_dataset_info",
    "run_test",
    "threads_needed",
    "warm_measures",
    "without_low_coverage",
]
