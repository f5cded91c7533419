"""Shared fixtures. Real samples live in ../shared/data/real (never copied into the repository)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import os

import pytest
import yaml
from hypothesis import settings

# Property tests draw the same examples on every run (a suite that passes once passes again, in CI
# too); `HYPOTHESIS_PROFILE=fuzz` explores fresh random examples, 20 times as many, to hunt for
# new failures: HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_import_bad.py -k damaged
settings.register_profile("default", derandomize=True)
settings.register_profile("fuzz", derandomize=False, max_examples=240)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = PROJECT_ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """Folder of real public samples; tests skip with a clear reason when ../shared is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real samples not found at {REAL_DATA} (clone the project with ../shared beside it)")
    return REAL_DATA


def dialogic(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run the `dialogic` command (as `python -m analysis.cli`) and capture its output."""
    return subprocess.run([sys.executable, "-m", "analysis.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="session")
def demo_study(tmp_path_factory):
    """The demo study, run once per session into a temporary folder, as `make report` does it:
    `dialogic demo` (simulate + import), then `dialogic run` on a copy of studies/demo.yaml.

    Returns (reports folder, study spec as a dict, the run's CompletedProcess). Shared by
    test_demo_study.py and the browser tests of every demo report.
    """
    base = tmp_path_factory.mktemp("demo-study")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "processed"))
    assert made.returncode == 0, made.stderr
    spec = yaml.safe_load((PROJECT_ROOT / "studies" / "demo.yaml").read_text())
    spec["data"] = str(base / "processed")
    spec["output"] = str(base / "reports")
    study_file = base / "demo.yaml"
    study_file.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    run = dialogic("run", str(study_file))
    assert run.returncode == 0, run.stdout + run.stderr
    return base / "reports", spec, run
