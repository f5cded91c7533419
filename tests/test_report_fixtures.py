"""Shared fixtures of the report tests: the demo data, executed notebooks, rendered pages.

Imported by ``test_report_render.py`` and ``test_browser_reports.py``. Session-scoped, so each
pytest worker builds the demo data once and executes each notebook once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = PROJECT_ROOT / "notebooks" / "hypothesis.ipynb"
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    '<rect width="120" height="40" fill="#0072B2"/>'
    '<text x="10" y="27" font-size="18" fill="#fff">ACME</text></svg>'
)
CLIENT = "Acme <b>& Co</b>"  # markup in a parameter must be shown as text too


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The simulated demo data set as canonical Parquet plus DATASET.json (``"simulated": true``).

    Written by the simulator directly (not through the importers), so these tests depend only on
    the canonical format; the import path has its own tests.
    """
    from analysis.simulate import write_demo_raw

    root = tmp_path_factory.mktemp("demo")
    write_demo_raw(root)
    return root


def execute(demo_dir: Path, out: Path, **params) -> Path:
    import papermill as pm

    logo = out.parent / "logo.svg"
    logo.write_text(LOGO_SVG)
    parameters = dict(data_dir=str(demo_dir), client_name=CLIENT, logo=str(logo), **params)
    pm.execute_notebook(
        str(NOTEBOOK), str(out), parameters=parameters, progress_bar=False, cwd=str(out.parent)
    )
    return out


@pytest.fixture(scope="session")
def reports(demo_dir, tmp_path_factory) -> dict:
    """H1 executed in English and French, each rendered for both audiences (with provenance)."""
    from analysis.report import extract_result, render_report

    out = tmp_path_factory.mktemp("reports")
    pages = {}
    for lang in ("en", "fr"):
        nb = execute(demo_dir, out / f"h1-{lang}.ipynb", hypothesis="H1", language=lang)
        record = extract_result(nb)
        prov = {
            "parameters": record["parameters"],
            "inputs": {"posts.parquet": "0" * 64},
            "versions": {"dialogic": "0.1.0"},
            "command": "dialogic run studies/demo.yaml",
        }
        pages[lang] = {"notebook": nb, "record": record}
        for audience in ("academic", "brief"):
            pages[lang][audience] = render_report(
                nb, audience, out / f"h1-{lang}-{audience}.html", provenance=prov
            )
    return pages


def test_demo_fixture_declares_itself_simulated(demo_dir):
    # The notice on every page hangs on this flag; the importer must carry it through.
    from analysis.ledger import read_dataset_info

    assert json.loads((demo_dir / "DATASET.json").read_text())["simulated"] is True
    assert read_dataset_info(demo_dir)["simulated"] is True
