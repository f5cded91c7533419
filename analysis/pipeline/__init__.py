"""The report pipeline: parameters → tables → measures → result, in pure, typed steps.

A report notebook reads::

    from analysis import pipeline, report

    params = pipeline.from_namespace(globals())  # parameters, validated (Parameters)
    loaded = pipeline.load(params)               # tables filtered, measures computed or cached
    result = pipeline.test(loaded, params)       # analysis.stats.run_hypothesis
    report.show_header(loaded, result)           # ... then the report's sections

Steps (one module each; none imports :mod:`analysis.report`, :mod:`analysis.runner` or
:mod:`analysis.cli`):

- :mod:`analysis.pipeline.parameters` — the notebook's parameters, declared once, validated;
  :class:`Parameters`.
- :mod:`analysis.pipeline.tables` — the canonical tables read and filtered.
- :mod:`analysis.pipeline.measures` — the measures computed (here or on Dask) or read from the
  cache beside the data (:mod:`analysis.measures_cache`).
- :mod:`analysis.pipeline.groups` — the two account groups compared, labels from a group file.
- :mod:`analysis.pipeline.loaded` — :class:`Loaded` (tables, measures, provenance) and its
  coverage-restricted subsets.
- :mod:`analysis.pipeline.hypothesis` — :func:`test`: the hypothesis on the loaded measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.ledger import read_dataset_info
from analysis.pipeline import groups as _groups
from analysis.pipeline import measures as _measures
from analysis.pipeline import tables as _tables
from analysis.pipeline.hypothesis import (
    GENERIC_PARAMETERS,
    ThreadsUnavailable,
    check_threads_available,
    test,
    threads_needed,
)
from analysis.pipeline.loaded import Loaded, Provenance, without_low_coverage
from analysis.pipeline.parameters import (
    NOTEBOOK_PARAMETERS,
    Parameters,
    from_namespace,
    resolve_data_dir,
    validate_parameters,
)


def load(params: Mapping[str, Any]) -> Loaded:
    """Read the canonical tables named by ``params``, filter them and compute the measures.

    The frames are cached beside the data (:mod:`analysis.measures_cache`): the first report of
    a study computes them, the others read them back (:attr:`Loaded.provenance` says which).

    Parameters
    ----------
    params : Parameters or mapping
        Notebook parameters (validated here when not a :class:`Parameters`): ``data_dir``,
        ``platforms``, ``start``, ``end``, ``min_posts``, ``reply_window_h`` are used.

    Returns
    -------
    Loaded

    Raises
    ------
    ValueError
        A parameter is invalid, or ``data_dir`` does not exist.
    """
    from analysis.schema import CanonicalTables

    params = Parameters.parse(params)
    folder = _tables.data_dir(params)
    dataset = read_dataset_info(folder)
    frames, key, cached = _measures.load_or_compute(folder, params, dataset)
    group_file = resolve_data_dir(params["group_file"]) if params["group_file"] else None
    accounts, measures = _groups.apply_groups(
        frames["accounts"],
        {"posts": frames["post_measures"], "comments": frames["comment_measures"]},
        _groups.groups_from_params(params),
        group_file,
    )
    return Loaded(
        params=params,
        tables=CanonicalTables(accounts, frames["posts"], frames["comments"]),
        exclusions=frames["exclusions"],
        posts=measures["posts"],
        comments=measures["comments"],
        provenance=Provenance(folder, dataset, key, cached),
    )


__all__ = [
    "GENERIC_PARAMETERS",
    "NOTEBOOK_PARAMETERS",
    "Loaded",
    "Parameters",
    "Provenance",
    "ThreadsUnavailable",
    "check_threads_available",
    "from_namespace",
    "load",
    "test",
    "threads_needed",
    "validate_parameters",
    "without_low_coverage",
]
