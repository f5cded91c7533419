"""Runner end to end with real kernels (papermill + forked ipykernels + nbconvert) on a tiny
fixture.

Few tests, each doing several steps, so the suite starts few kernels.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from test_runner_checks import write_study  # tests/ is on sys.path (pytest prepend mode)

from analysis import config
from analysis.runner import run as runner_run
from analysis.runner.errors import EXIT_BAD_DATA, EXIT_NOTEBOOK_FAILED, EXIT_OK, EXIT_SECRET_LEAK
from analysis.runner.reproduce import reproduce_report

pytestmark = pytest.mark.slow
VALUES = [1, 2, 4]


@pytest.fixture(autouse=True)
def frozen_package_code(monkeypatch):
    """Other work edits analysis/ while these tests run; the package-code part of the cache key is
    frozen so that "nothing changed" means nothing changed (test_runner_checks covers the key)."""
    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")


def results(out, name):
    return json.loads((out / name / "results.json").read_text())


def test_run_cache_grid_change_reproduce_and_failure(tmp_path):
    path = write_study(tmp_path, grid={"group": ["a", "b"], "scale": [2.0]})
    out = tmp_path / "out"
    a, b = "f1__group=a__scale=2.0", "f1__group=b__scale=2.0"

    first = runner_run.run_study(path, workers=2)
    assert first.exit_code == EXIT_OK and sorted(first.ran) == [a, b]
    for name in (a, b):
        assert {"academic.html", "brief.html", "results.json", "provenance.json"} <= {
            p.name for p in (out / name).iterdir()
        }
        row = results(out, name)["result"]["table"]
        assert row["estimate"] == pytest.approx(
            sum(VALUES) * 2.0 / len(VALUES)
        )  # hand computation
        assert row["fresh_namespace"] is True  # every report starts from an empty namespace
    prov = json.loads((out / a / "provenance.json").read_text())
    assert prov["parameters"]["group"] == "a" and prov["data"]["files"].keys() == {"values.csv"}
    assert prov["command"].startswith("dialogic run ") and f"--only {a}" in prov["command"]
    assert prov["environment"]["packages"]["papermill"] and prov["code"]["git_commit"]
    html = (out / a / "academic.html").read_text()
    assert prov["cache_key"] in html and prov["time"] in html  # provenance is shown in the page
    index = (out / "index.html").read_text()
    assert f'href="{a}/academic.html"' in index and f'href="{b}/brief.html"' in index

    # nothing changed: every report is a cache hit, no kernel, well under 2 s
    started = time.monotonic()
    again = runner_run.run_study(path, workers=2)
    assert again.ran == [] and sorted(again.cached) == [a, b] and time.monotonic() - started < 2

    # one grid value changed: only the reports that depend on it run
    path = write_study(tmp_path, grid={"group": ["a", "c"], "scale": [2.0]})
    changed = runner_run.run_study(path, workers=2)
    assert changed.ran == ["f1__group=c__scale=2.0"] and changed.cached == [a]

    # same data + parameters: identical results and pages apart from the recorded time
    verdict = reproduce_report(out / a)
    assert verdict.exit_code == 0 and not verdict.different and not verdict.changed_inputs
    assert {"results.json", "academic.html", "brief.html"} <= set(verdict.identical)

    # a failing notebook: failure page with the cell and traceback, the good report untouched
    good = {
        f: (out / a / f).read_bytes() for f in ("academic.html", "results.json", "provenance.json")
    }
    lines: list[str] = []
    failed = runner_run.run_study(
        path, {"fail": True}, workers=1, only="f1__group=a*", progress=lines.append
    )
    assert failed.exit_code == EXIT_NOTEBOOK_FAILED and failed.failed == {a: "notebook"}
    # the terminal says why and where: the exception line and the failure page, below the failed
    # line
    at = next(i for i, line in enumerate(lines) if line.startswith("[1/1] failed") and a in line)
    assert "notebook" in lines[at]
    assert lines[at + 1].strip() == "RuntimeError: planted failure"
    assert lines[at + 2].strip().startswith("see ") and lines[at + 2].strip().endswith(
        f"{a}/failed.html"
    )
    shown = lines[at + 2].strip()[len("see ") :]
    assert (out / a / "failed.html").resolve() in {
        Path(shown).resolve(),
        (config.PROJECT_ROOT / shown).resolve(),
    }
    assert (
        failed.errors == {a: "RuntimeError: planted failure"}
        and failed.failure_pages[a] == out / a / "failed.html"
    )
    page = (out / a / "failed.html").read_text()
    assert (
        "raise RuntimeError(&#39;planted failure&#39;)" in page
        and "RuntimeError: planted failure" in page
    )
    assert {f: (out / a / f).read_bytes() for f in good} == good
    assert f'href="{a}/failed.html"' in (out / "index.html").read_text()

    # fixed again: the report is published and the failure page goes away
    fixed = runner_run.run_study(path, workers=1)
    assert (
        fixed.exit_code == EXIT_OK and fixed.ran == [a] and not (out / a / "failed.html").exists()
    )


def test_planted_secret_and_bad_data_fail_the_run(tmp_path, monkeypatch):
    token = "tok-" + "9f8e7d6c5b4a" * 2
    monkeypatch.setenv("DIALOGIC_TEST_TOKEN", token)
    path = write_study(tmp_path, grid={"group": ["a"]})
    out = tmp_path / "out"
    leaked = runner_run.run_study(path, {"leak": True}, workers=1)
    assert leaked.exit_code == EXIT_SECRET_LEAK and leaked.failed == {"f1__group=a": "secret"}
    assert not (out / "f1__group=a" / "academic.html").exists()  # never published
    for f in out.rglob("*"):
        assert not f.is_file() or token.encode() not in f.read_bytes(), f
    assert "DIALOGIC_TEST_TOKEN" in (out / "f1__group=a" / "failed.html").read_text()

    (tmp_path / "data" / "values.csv").write_text("y\n1\n")
    bad = runner_run.run_study(path, workers=1)
    assert bad.exit_code == EXIT_BAD_DATA and bad.failed == {"f1__group=a": "data"}
    assert "SchemaError" in (out / "f1__group=a" / "failed.html").read_text()


def test_dask_cluster_gives_the_local_results(tmp_path):
    """A real LocalCluster of two worker processes on loopback, reached by its tcp:// address as
    `--dask-scheduler` would; each worker starts its own kernel factory."""
    from dask.distributed import LocalCluster

    path = write_study(tmp_path, grid={"group": ["a", "b"]})
    local = runner_run.run_study(path, workers=1)
    local_results = {n: (tmp_path / "out" / n / "results.json").read_bytes() for n in local.ran}
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        dask = runner_run.run_study(path, workers=2, force=True, dask=cluster.scheduler_address)
    assert dask.exit_code == EXIT_OK and sorted(dask.ran) == sorted(local.ran) == [
        "f1__group=a",
        "f1__group=b",
    ]
    for name, data in local_results.items():
        assert (tmp_path / "out" / name / "results.json").read_bytes() == data
        engine = json.loads((tmp_path / "out" / name / "provenance.json").read_text())["engine"]
        assert engine == f"dask {cluster.scheduler_address}"
