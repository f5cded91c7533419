"""The notebook's parameters cell and analysis.pipeline.parameters stay in step; validation
errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from papermill.inspection import inspect_notebook

from analysis.pipeline.parameters import (
    NOTEBOOK_PARAMETERS,
    check_declarations,
    parameters_cell_source,
    validate_parameters,
)

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
        "notebooks/hypothesis.ipynb's parameters cell differs from "
        "analysis.pipeline.parameters; paste parameters_cell_source() into the cell and run "
        "`jupytext --sync notebooks/hypothesis.ipynb`"
    )


def test_papermill_help_lists_every_parameter_with_type_default_and_meaning():
    check_declarations()
    inferred = inspect_notebook(str(NB))
    assert list(inferred) == list(NOTEBOOK_PARAMETERS)
    for name, p in NOTEBOOK_PARAMETERS.items():
        got = inferred[name]
        assert got["inferred_type_name"] == p.type.__name__
        assert got["help"] == p.meaning
        assert (
            eval(got["default"]) == p.default
        )  # the literal papermill shows is the declared default
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("papermill")), "--help-notebook", str(NB)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
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
    # Thin notebook: calls into `analysis` only — no def, class, import of anything else, or file
    # I/O.
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


@pytest.mark.parametrize(
    "values, message",
    [
        ({"alhpa": 0.05}, "unknown notebook parameter"),
        ({"alpha": "0.05"}, "parameter `alpha` = '0.05' has type str; expected float"),
        ({"min_posts": 2.5}, "expected int"),
        ({"min_posts": True}, "expected int"),
        ({"language": "de"}, "use one of: en, fr"),
        ({"direction": "both"}, "use one of: catalogue, less, greater, two-sided"),
        ({"covariates": [1]}, "must be a list of strings"),
        ({"start": "2024-13-01"}, "is not an ISO date"),
        ({"start": "2024-06-01", "end": "2024-01-01"}, "is after `end`"),
        ({"alpha": 1.5}, "must lie between 0 and 1"),
        ({"reply_window_h": -1.0}, "must not be negative"),
        ({"platforms": [1, 2]}, "must be a list of strings"),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_fix(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_parameters(values)


# -- the logo: a real image, checked by its content -----------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
SAFE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<rect width="10" height="10"/></svg>'
)


@pytest.mark.parametrize(
    "filename, data, mime",
    [
        ("logo.png", PNG, "image/png"),
        ("logo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("logo.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
        ("logo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "image/webp"),
        ("logo.svg", SAFE_SVG.encode(), "image/svg+xml"),
        ("renamed.txt", PNG, "image/png"),  # the content decides, not the name
    ],
)
def test_a_real_image_is_accepted_as_logo(tmp_path, filename, data, mime):
    from analysis.pipeline.parameters import logo_file
    from analysis.report.render import logo_data_uri

    (tmp_path / filename).write_bytes(data)
    assert logo_file(tmp_path / filename) == (tmp_path / filename, mime)
    assert validate_parameters({"logo": str(tmp_path / filename)})["logo"] == str(
        tmp_path / filename
    )
    assert logo_data_uri(tmp_path / filename).startswith(f"data:{mime};base64,")


@pytest.mark.parametrize(
    "filename, data, what",
    [
        (
            "secrets.png",
            b"root:x:0:0:root:/root:/bin/bash\n",
            "a text file of 32 bytes, not an image",
        ),
        ("doc.png", b"%PDF-1.7\n...", "a PDF document"),
        ("empty.png", b"", "an empty file"),
        (
            "script.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "<script> element",
        ),
        (
            "onload.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "event handler attribute `onload`",
        ),
        (
            "link.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<a x:href="javascript:alert(1)"><rect/></a></svg>',
            "javascript: link",
        ),
        (
            "html.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
            "<foreignobject> element",
        ),
        ("page.svg", b"<html><body>not svg</body></html>", "root element is <html>, not <svg>"),
        (
            "bomb.svg",
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
            "DOCTYPE",
        ),
        ("binary.png", b"\x00\x01\x02\xff\xfe", "neither an image nor UTF-8 text"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused_naming_it_and_what_it_is(
    tmp_path, filename, data, what
):
    from analysis.report.render import logo_data_uri

    (tmp_path / filename).write_bytes(data)
    for check in (
        lambda: validate_parameters({"logo": str(tmp_path / filename)}),
        lambda: logo_data_uri(tmp_path / filename),
    ):
        with pytest.raises(ValueError) as err:
            check()
        assert "parameter `logo`" in str(err.value) and str(tmp_path / filename) in str(err.value)
        assert what in str(err.value)
    assert "root:x" not in str(err.value)  # the file's content is never echoed


def test_a_missing_logo_or_a_folder_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"parameter `logo` = .*nowhere.png.*not found"):
        validate_parameters({"logo": str(tmp_path / "nowhere.png")})
    with pytest.raises(ValueError, match="is not a regular file"):
        validate_parameters({"logo": str(tmp_path)})
