"""End to end, as `make report` does it: simulate, import, run the demo study, read the reports.

The demo study runs once (session fixture ``demo_study`` in conftest.py) into a temporary folder,
through the real `dialogic` command: papermill executes real kernels, nbconvert renders real HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import dialogic

from analysis.runner.study import CHROMIUM  # the renderer's path, without importing the renderer
from analysis.simulate import PLANTED_EFFECTS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(demo_study):
    """The demo study, built once per session (tests/conftest.py: ``demo_study``)."""
    return demo_study


def _results(reports: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(reports.glob("*/results.json")):
        record = json.loads(path.read_text())
        out[record["hypothesis"] if record["hypothesis"] != "generic" else path.parent.name] = (
            record
        )
    return out


def test_index_links_the_h1_academic_report_and_brief(study):
    reports, _, _ = study
    index = (reports / "index.html").read_text()
    links = set(re.findall(r'href="([^"#]+\.html)"', index))
    h1 = [link for link in links if link.startswith("h1")]
    assert any(link.endswith("academic.html") for link in h1), links
    assert any(link.endswith("brief.html") for link in h1), links
    for link in h1:
        assert (reports / link).is_file(), link


@pytest.mark.parametrize("page", ["academic.html", "brief.html"])
def test_h1_reports_state_irr_ci_one_sided_p_and_simulated_notice(study, page):
    reports, _, _ = study
    result = _results(reports)["H1"]["result"]["table"]
    html = (reports / "h1" / page).read_text()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "IRR" in text or "incidence rate ratio" in text.lower()
    assert f"{result['estimate']:.2f}" in text
    assert f"{result['ci_low']:.2f}" in text and f"{result['ci_high']:.2f}" in text
    assert re.search(r"one-sided|unilatéral", text, re.I)
    assert re.search(r"simulated data", text, re.I)


def test_every_planted_effect_is_recovered_in_its_direction(study):
    reports, _, _ = study
    results = _results(reports)
    for hid in ("H1", "H2", "H3", "H4a", "H4b", "H6"):
        table = results[hid]["result"]["table"]
        planted = PLANTED_EFFECTS[hid]
        assert table["verdict"] == "supported", (hid, table)
        assert (table["estimate"] < 1) == (planted["direction"] == "less"), (
            hid,
            table["estimate"],
        )
    h1 = results["H1"]["result"]["table"]
    assert (
        h1["ci_low"] < PLANTED_EFFECTS["H1"]["value"] < h1["ci_high"]
    )  # issue 2: CI covers the IRR
    h5 = results["H5"]["result"]["table"]
    assert h5["verdict"] == "supported" and abs(h5["estimate"]) < 0.3  # weak, shown by equivalence
    null = results["promo-replies"]["result"]["table"]
    assert null["verdict"] != "supported", null  # the planted null


def test_a_study_hypothesis_is_titled_as_such_not_as_hypothesis_generic(study):
    reports, _, _ = study
    for page, title in (
        ("academic.html", "A study's own hypothesis"),
        ("academic.fr.html", "Hypothèse propre à l'étude"),
    ):
        text = (reports / "promo-replies" / page).read_text()
        assert "Hypothesis generic" not in text and "Hypothèse generic" not in text
        assert title in text.replace("&#x27;", "'").replace("&#39;", "'"), page


def test_rerun_with_nothing_changed_runs_nothing(study):
    reports, _, _ = study
    before = {p: p.stat().st_mtime_ns for p in reports.glob("*/results.json")}
    study_file = reports.parent / "demo.yaml"
    again = dialogic("run", str(study_file))
    assert again.returncode == 0, again.stderr
    assert {p: p.stat().st_mtime_ns for p in reports.glob("*/results.json")} == before


@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (the demo's brief-pdf "
    f"audience is skipped without it; the HTML pages are still made and tested)",
)
def test_client_briefs_are_printed_to_pdf_in_both_languages(study):
    reports, _, _ = study
    for name in ("brief.pdf", "brief.fr.pdf"):
        pdf = (reports / "h1" / name).read_bytes()
        assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000, name
    assert 'href="h1/brief.pdf"' in (reports / "index.html").read_text()


def _close(got, want, tol=1e-6) -> bool:
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, str):
        return got == want
    return abs(got - want) <= tol * max(1.0, abs(want))


def test_demo_results_are_pinned_within_1e_6(study):
    """Issue 11: the scale work (columnar measures, text-signal cache, grouped fits) changes no
    number of the demo study: every estimate, CI, statistic and p-value of every report and
    robustness test stays within 1e-6 (relative) of the results recorded before it
    (tests/fixtures/pinned/)."""
    reports, _, _ = study
    pinned = json.loads(
        (ROOT / "tests" / "fixtures" / "pinned" / "demo_results.json").read_text()
    )["results"]
    results = {
        path.parent.name: json.loads(path.read_text())["result"]
        for path in reports.glob("*/results.json")
    }
    # the benchmark report (client against its peers) tests no hypothesis: it has no table
    assert results.pop("benchmark")["kind"] == "benchmark"
    assert set(results) == set(pinned)
    off = []
    for name, want in pinned.items():
        table = results[name]["table"]
        off += [
            (name, k, table[k], v) for k, v in want["table"].items() if not _close(table[k], v)
        ]
        got_rob = results[name]["robustness"]
        assert [r["test"] for r in got_rob] == [r["test"] for r in want["robustness"]], name
        for got, exp in zip(got_rob, want["robustness"], strict=True):
            off += [
                (name, exp["test"], k, got[k], v) for k, v in exp.items() if not _close(got[k], v)
            ]
    assert not off, off
