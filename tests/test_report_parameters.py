"""The notebook's parameters cell and analysis.report.parameters stay in step; validation errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from papermill.inspection import inspect_notebook

from analysis.report.parameters import (NOTEBOOK_PARAMETERS, check_declarations, parameters_cell_source,
                                        validate_parameters)

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "hypothesis.ipynb"
PY = ROOT / "notebooks" / "hypothesis.py"


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged `parameters`"
    return cells[0]


def test_notebook_parameters_cell_is_written_from_the_list():
    nb = nbformat.read(NB, as_version=4)
    assert nb.cells[0] is _parameters_cell(nb) or nb.cells.index(_parameters_cell(nb)) == 0
    assert _parameters_cell(nb).source.strip() == parameters_cell_source().strip(), (
        "notebooks/hypothesis.ipynb's parameters cell differs from analysis.report.parameters; paste "
        "parameters_cell_source() into the cell and run `jupytext --sync notebooks/hypothesis.ipynb`")


def test_papermill_help_lists_every_parameter_with_type_default_and_meaning():
    check_declarations()
    inferred = inspect_notebook(str(NB))
    assert list(inferred) == list(NOTEBOOK_PARAMETERS)
    for name, p in NOTEBOOK_PARAMETERS.items():
        got = inferred[name]
        assert got["inferred_type_name"] == p.type.__name__
        assert got["help"] == p.meaning
        assert eval(got["default"]) == p.default  # the literal papermill shows is the declared default
    shown = subprocess.run([str(Path(sys.executable).with_name("papermill")), "--help-notebook", str(NB)],
                           capture_output=True, text=True, check=True).stdout
    for name, p in NOTEBOOK_PARAMETERS.items():
        assert f"{name}: {p.type.__name__} (default " in shown
        assert p.meaning.split(";")[0] in " ".join(shown.split())


def test_jupytext_pair_is_in_sync():
    # The .py is what reviewers read; it must be exactly the notebook's text form.
    nb = jupytext.read(NB)
    text = jupytext.writes(nb, fmt="py:percent")
    assert text == PY.read_text(), "run `jupytext --sync notebooks/hypothesis.ipynb`"
    assert '# %% tags=["parameters"]' in PY.read_text()


def test_notebook_is_thin():
    # Thin notebook: calls into `analysis` only — no def, class, import of anything else, or file I/O.
    nb = nbformat.read(NB, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for forbidden in ("def ", "class ", "open(", "read_parquet", "to_csv", "Path("):
        assert forbidden not in code
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports and all(line.startswith("from analysis") for line in imports)


def test_defaults_validate_and_types_are_coerced():
    values = validate_parameters({})
    assert values == {k: p.default for k, p in NOTEBOOK_PARAMETERS.items()}
    got = validate_parameters({"reply_window_h": 24, "platforms": "facebook, twitter"})
    assert got == values | {"reply_window_h": 24.0, "platforms": ["facebook", "twitter"]}
    assert isinstance(got["reply_window_h"], float)


@pytest.mark.parametrize("values, message", [
    ({"alhpa": 0.05}, "unknown notebook parameter"),
    ({"alpha": "0.05"}, "parameter `alpha` = '0.05' has type str; expected float"),
    ({"min_posts": 2.5}, "expected int"),
    ({"min_posts": True}, "expected int"),
    ({"language": "de"}, "use one of: en, fr"),
    ({"direction": "two-sided"}, "use one of: catalogue, less, greater"),
    ({"start": "2024-13-01"}, "is not an ISO date"),
    ({"start": "2024-06-01", "end": "2024-01-01"}, "is after `end`"),
    ({"alpha": 1.5}, "must lie between 0 and 1"),
    ({"reply_window_h": -1.0}, "must not be negative"),
    ({"platforms": [1, 2]}, "must be a list of strings"),
])
def test_bad_parameters_name_the_parameter_and_the_fix(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_parameters(values)
