"""Runner hardening, no kernel: chromium missing, dates in -p, claims, data filters, index family,
paths from any folder, file modes."""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import test_runner_checks
from click.testing import CliRunner
from test_runner_checks import FIXTURE_NB, HYPOTHESIS_NB, _cli, write_study

from analysis import config
from analysis.runner import hashing
from analysis.runner import run as runner_run
from analysis.runner.errors import EXIT_BAD_DATA, EXIT_BAD_PARAMETERS, DataError, ParameterError
from analysis.runner.study import load_study, parse_overrides

# The runner's fixture, shared (bound by assignment: test arguments of the same name use it)
no_kernels = test_runner_checks.no_kernels


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr("analysis.runner.study.CHROMIUM", str(tmp_path / "no-such-chromium"))


def test_runner_chromium_path_is_the_renderers():
    from analysis.report.render import CHROMIUM
    from analysis.runner import study

    assert study.CHROMIUM == CHROMIUM


def test_missing_chromium_skips_only_the_pdf(tmp_path, no_chromium, no_kernels):
    path = write_study(tmp_path, audiences=["academic", "brief", "brief-pdf"])
    study = load_study(path)
    assert study.audiences == ["academic", "brief"]
    assert "apt-get install chromium" in study.unavailable["brief-pdf"]
    # the plan asks for HTML only, so a report published without PDF counts as up to date
    assert "brief.pdf" not in runner_run._expected_files(study)
    result = CliRunner().invoke(_cli(), ["run", str(path), "--list"])
    assert (
        result.exit_code == 0
        and "WARNING" in result.output
        and "apt-get install chromium" in result.output
    )
    html = runner_run.write_index(study).read_text()
    assert "Not available:" in html and "apt-get install chromium" in html
    with pytest.raises(Exception, match="only for brief-pdf"):
        load_study(write_study(tmp_path, audiences=["brief-pdf"]))


def test_chromium_present_keeps_the_pdf(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr("analysis.runner.study.CHROMIUM", str(fake))
    study = load_study(write_study(tmp_path, audiences=["academic", "brief-pdf"]))
    assert study.audiences == ["academic", "brief-pdf"] and not study.unavailable


def test_p_date_is_iso_text_for_a_str_parameter(tmp_path, no_kernels):
    overrides = parse_overrides(["start=2024-01-01", "end=2024-06-30 12:00:00"])
    assert overrides["start"] == date(2024, 1, 1)  # YAML reads a date, as papermill users type it
    path = write_study(tmp_path, notebook=str(HYPOTHESIS_NB), grid={}, hypotheses=[{"id": "H1"}])
    with pytest.raises(ParameterError, match="`end` = '2024-06-30T12:00:00' is not an ISO date"):
        runner_run.plan_study(
            load_study(path, overrides)
        )  # a datetime is ISO text too, then checked
    (item,) = runner_run.plan_study(
        load_study(path, parse_overrides(["start=2024-01-01", "end=2024-06-30"]))
    )
    assert (
        item.spec.parameters["start"] == "2024-01-01"
        and item.spec.parameters["end"] == "2024-06-30"
    )
    result = CliRunner().invoke(_cli(), ["run", str(path), "-p", "start=2024-01-01", "--list"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ["2024-13-01", "[a"])
def test_unreadable_p_value_is_a_parameter_error(tmp_path, no_kernels, value):
    with pytest.raises(ParameterError, match=r"parameter `start` cannot be read"):
        parse_overrides([f"start={value}"])
    path = write_study(tmp_path, notebook=str(HYPOTHESIS_NB), grid={}, hypotheses=[{"id": "H1"}])
    result = CliRunner().invoke(_cli(), ["run", str(path), "-p", f"start={value}"])
    assert result.exit_code == EXIT_BAD_PARAMETERS and "`start`" in result.output
    assert "Traceback" not in result.output


def _notebook_with_claims(tmp_path: Path, names=("claim", "claim_fr")) -> Path:
    nb = nbformat.read(str(FIXTURE_NB), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += "".join(f'\n{n}: str = ""  # the study\'s wording' for n in names)
    path = tmp_path / "claims.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_claims_reach_notebooks_that_declare_them(tmp_path):
    hyps = [
        {"id": "F1", "claim": "values are positive", "claim_fr": "les valeurs sont positives"},
        {"id": "F2", "claim": "only English"},
    ]
    path = write_study(
        tmp_path, notebook=str(_notebook_with_claims(tmp_path)), grid={}, hypotheses=hyps
    )
    one, two = runner_run.plan_study(load_study(path))
    assert one.spec.parameters["claim"] == "values are positive"
    assert one.spec.parameters["claim_fr"] == "les valeurs sont positives"
    assert two.spec.parameters["claim"] == "only English" and "claim_fr" not in two.spec.parameters
    # -p claim=... wins over the study's wording, as any override does
    (first, _) = runner_run.plan_study(load_study(path, {"claim": "overridden"}))
    assert first.spec.parameters["claim"] == "overridden"
    # a notebook that does not declare them (yet) gets neither: no unknown-parameter error
    plain = runner_run.plan_study(load_study(write_study(tmp_path, grid={}, hypotheses=hyps)))
    assert all(
        "claim" not in p.spec.parameters and "claim_fr" not in p.spec.parameters for p in plain
    )


def _canonical_data(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {"account_id": ["facebook:1", "twitter:2"], "platform": ["facebook", "twitter"]}
    ).to_parquet(folder / "accounts.parquet")
    created = pd.to_datetime(
        ["2024-02-03 10:00", "2024-05-30 23:59", "2024-03-01 00:00"], utc=True
    )
    pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3"],
            "platform": ["facebook", "twitter", "twitter"],
            "created_at": created,
        }
    ).to_parquet(folder / "posts.parquet", row_group_size=2)
    return folder


def test_platforms_and_period_checked_against_the_data(tmp_path, no_kernels):
    data = _canonical_data(tmp_path / "canon")
    path = write_study(
        tmp_path, notebook=str(HYPOTHESIS_NB), data=str(data), grid={}, hypotheses=[{"id": "H1"}]
    )
    with pytest.raises(
        ParameterError, match=r"`platforms` = \['myspace'\].*has: facebook, twitter"
    ):
        runner_run.plan_study(load_study(path, {"platforms": ["myspace"]}))
    # first and last day come from the row-group statistics of both row groups: 2024-02-03,
    # 2024-05-30
    with pytest.raises(
        ParameterError, match=r"`start` = '2024-05-31'.*runs from 2024-02-03 to 2024-05-30"
    ):
        runner_run.plan_study(load_study(path, {"start": "2024-05-31"}))
    with pytest.raises(
        ParameterError, match=r"`end` = '2024-02-02'.*runs from 2024-02-03 to 2024-05-30"
    ):
        runner_run.plan_study(load_study(path, {"end": "2024-02-02"}))
    ok = runner_run.plan_study(
        load_study(path, {"platforms": ["twitter"], "start": "2024-05-30", "end": "2024-12-31"})
    )
    assert len(ok) == 1
    result = CliRunner().invoke(_cli(), ["run", str(path), "-p", "platforms=[myspace]"])
    assert (
        result.exit_code == EXIT_BAD_PARAMETERS
        and "myspace" in result.output
        and "facebook, twitter" in result.output
    )
    # unreadable tables are bad data (exit 4), found before any kernel
    (data / "accounts.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match="cannot read the tables"):
        runner_run.plan_study(load_study(path, {"platforms": ["twitter"]}))
    result = CliRunner().invoke(_cli(), ["run", str(path), "-p", "platforms=[twitter]"])
    assert result.exit_code == EXIT_BAD_DATA


def _fake_report(study, spec, p: float, prov_extra=None) -> None:
    folder = study.output / spec.name
    folder.mkdir(parents=True, exist_ok=True)
    row = {
        "estimate_name": "IRR",
        "estimate": 0.5,
        "ci_low": 0.4,
        "ci_high": 0.6,
        "p_value": p,
        "alpha": 0.05,
        "reliable": True,
        "verdict": "supported",
        "n_obs": 10,
    }
    (folder / "results.json").write_text(json.dumps({"result": {"table": row}}))
    prov = {
        "cache_key": spec.name,
        "study": study.name,
        "hypothesis": spec.hypothesis,
        "claim": spec.claim,
        "grid": spec.grid,
        "audiences": study.audiences,
        "languages": study.languages,
        **(prov_extra or {}),
    }
    (folder / "provenance.json").write_text(json.dumps(prov))
    (folder / "academic.html").write_text("x")


def test_index_keeps_earlier_reports_and_the_holm_family(tmp_path):
    """Holm by hand over p = 0.01, 0.04, 0.03: 0.03, 0.06, 0.06, with or without a narrowing
    override."""
    path = write_study(tmp_path, grid={"group": ["a", "b", "c"]})
    study = load_study(path)
    for spec, p in zip(study.reports, (0.01, 0.04, 0.03), strict=True):
        _fake_report(study, spec, p)
    other = study.output / "other-study-report"
    other.mkdir()
    (other / "provenance.json").write_text(json.dumps({"study": "someone-else"}))
    full = runner_run.write_index(study).read_text()
    narrowed = load_study(path, {"group": "a"})  # as after -p group=a
    assert [r.name for r in narrowed.reports] == ["f1__group=a"]
    html = runner_run.write_index(narrowed).read_text()
    for name in ("f1__group=a", "f1__group=b", "f1__group=c"):
        assert f'href="{name}/academic.html"' in html
    assert "other-study-report" not in html
    assert html.count('<em class="meta">not in this run') == 2 and "not in this run" not in full
    # the same family of three: raw 0.010, 0.040, 0.030; adjusted 0.030, 0.060, 0.060 (a family
    # of a alone would show its 0.010 twice, raw and adjusted)
    for text, times in ((">0.010<", 1), (">0.030<", 2), (">0.040<", 1), (">0.060<", 2)):
        assert html.count(text) == full.count(text) == times, text
    assert "2 reports from earlier runs" in html


def test_recorded_paths_work_from_any_folder(tmp_path, monkeypatch):
    from analysis.runner.cli import from_root

    monkeypatch.chdir(tmp_path)
    assert from_root("studies/demo.yaml") == str(config.PROJECT_ROOT / "studies" / "demo.yaml")
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "demo.yaml").write_text("")
    assert from_root("studies/demo.yaml") == "studies/demo.yaml"  # a file here wins
    assert from_root("missing/x.yaml") == "missing/x.yaml"  # left for the usual error


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_atomic_write_gives_the_default_mode(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        hashing.atomic_write(tmp_path / "index.html", b"x")
        reference = tmp_path / "plain.html"
        reference.write_bytes(b"x")
    finally:
        os.umask(old)
    assert (
        stat.S_IMODE((tmp_path / "index.html").stat().st_mode)
        == mode
        == stat.S_IMODE(reference.stat().st_mode)
    )


@pytest.mark.slow
def test_run_without_chromium_makes_the_html_reports(tmp_path, no_chromium, monkeypatch):
    """End to end (one real kernel): exit 0, HTML pages and results, no PDF, index and log say
    why."""
    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")
    path = write_study(
        tmp_path, audiences=["academic", "brief", "brief-pdf"], grid={"group": ["a"]}
    )
    lines: list[str] = []
    summary = runner_run.run_study(path, workers=1, progress=lines.append)
    folder = tmp_path / "out" / "f1__group=a"
    assert summary.exit_code == 0 and summary.ran == ["f1__group=a"], summary
    assert {"academic.html", "brief.html", "results.json"} <= {p.name for p in folder.iterdir()}
    assert not list(folder.glob("*.pdf"))
    assert any(line.startswith("WARNING") and "apt-get install chromium" in line for line in lines)
    assert "Not available:" in (tmp_path / "out" / "index.html").read_text()
    assert runner_run.run_study(path, workers=1).cached == [
        "f1__group=a"
    ]  # up to date without the PDF
