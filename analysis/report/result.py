"""The result record a report notebook publishes, and how to read it back.

The executed notebook carries its result as one display output with MIME type
:data:`RESULT_MIME` (``application/vnd.dialogic.result+json``): a JSON object, deterministic
(sorted keys, no NaN), that holds the parameters, a summary of the data and
``HypothesisResult.to_dict()``.
The runner reads it with :func:`extract_result`; no notebook writes files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from analysis.prereg import record as prereg_record
from analysis.serialize import json_safe  # noqa: F401  (re-exported: the record's helper)

RESULT_MIME = "application/vnd.dialogic.result+json"
RECORD_VERSION = 1


def build_record(
    result: Any, data: Any = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON-safe record of one report.

    Its keys: ``version, hypothesis, verdict, parameters, data, result``, and
    ``preregistration`` (:func:`analysis.prereg.record`: the plan file, its ``sha256``, the
    ``status`` confirmatory or exploratory and every deviation) when the parameters name a plan.

    Parameters
    ----------
    result : HypothesisResult
        What :func:`analysis.stats.run_hypothesis` returned (anything with ``to_dict()``).
    data : ReportData, optional
        Adds the data summary (platforms, period, counts, exclusions, ``simulated``).
    params : dict, optional
        The notebook parameters (defaults to ``data.params``).
    """
    res = result.to_dict()
    params = params if params is not None else getattr(data, "params", {})
    record = {
        "version": RECORD_VERSION,
        "hypothesis": res.get("hypothesis"),
        "verdict": res.get("verdict"),
        "parameters": dict(params),
        "data": data.summary() if data is not None else None,
        "simulated": bool(getattr(data, "simulated", False)),
        "result": res,
    }
    prereg = prereg_record(params)
    if prereg is not None:  # only for a report with a frozen plan: other records are unchanged
        record["preregistration"] = prereg
    record = json_safe(record)
    # Round-trip through JSON with sorted keys: the record is exactly what a reader gets back.
    return json.loads(json.dumps(record, sort_keys=True, allow_nan=False))


def extract_result(nb: Any) -> dict[str, Any]:
    """The result record of an executed report notebook.

    Parameters
    ----------
    nb : NotebookNode, str or Path
        The executed notebook, or the path of its ``.ipynb``.

    Returns
    -------
    dict
        The record published by :func:`analysis.report.publish_result`.

    Raises
    ------
    ValueError
        When no cell output carries :data:`RESULT_MIME` (the notebook was not executed, or it
        failed before publishing), or when several outputs disagree.
    """
    source = nb
    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            data = out.get("data", {})
            if RESULT_MIME in data:
                value = data[RESULT_MIME]
                found.append(json.loads(value) if isinstance(value, str) else dict(value))
    if not found:
        where = source if isinstance(source, (str, Path)) else "the notebook"
        raise ValueError(
            f"no output with MIME type {RESULT_MIME} in {where}; execute the notebook "
            f"(papermill) and check that it reached `report.publish_result(...)`"
        )
    first = json.dumps(found[0], sort_keys=True)
    if any(json.dumps(f, sort_keys=True) != first for f in found[1:]):
        raise ValueError(
            f"{len(found)} different result records in the notebook; publish one result only"
        )
    return json.loads(first)
