"""The result record: JSON-safe, deterministic, read back from a notebook's outputs."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

from analysis.report.result import RESULT_MIME, extract_result, json_safe


def _nb(*records):
    outputs = [
        nbformat.v4.new_output("display_data", data={RESULT_MIME: r, "text/plain": "H1"})
        for r in records
    ]
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("report.publish_result(result, data)", outputs=outputs)]
    )


def test_json_safe_unwraps_numpy_and_missing_values():
    value = {
        "a": np.float64(0.5),
        "b": np.int64(3),
        "c": float("nan"),
        "d": pd.NA,
        "e": np.bool_(True),
        "f": pd.Timestamp("2024-01-01", tz="UTC"),
        "g": (1, np.inf),
    }
    out = json_safe(value)
    assert out == {
        "a": 0.5,
        "b": 3,
        "c": None,
        "d": None,
        "e": True,
        "f": "2024-01-01T00:00:00+00:00",
        "g": [1, None],
    }
    json.dumps(out, allow_nan=False)


def test_extract_reads_the_record_back_and_refuses_disagreeing_records():
    rec = {"hypothesis": "H1", "verdict": "supported", "result": {"table": {"estimate": 0.48}}}
    assert extract_result(_nb(rec, rec)) == rec
    with pytest.raises(ValueError, match="2 different result records"):
        extract_result(_nb(rec, rec | {"verdict": "inconclusive"}))
    with pytest.raises(ValueError, match="execute the notebook"):
        extract_result(_nb())
