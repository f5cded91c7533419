"""The two kernel launchers of the runner: forked from the warm factory, or jupyter_client's stock
kernel manager; the same report either way, and the fallback from forked to stock.

Two real runs of the tiny fixture study (one kernel each) and a broken-factory run; the rest
starts no kernel.
"""

from __future__ import annotations

import os
import sys

import pytest
from click.testing import CliRunner
from test_runner_checks import write_study  # tests/ is on sys.path (pytest prepend mode)

from analysis import config
from analysis.errors import UsageError
from analysis.runner import kernels
from analysis.runner import run as runner_run
from analysis.runner.errors import EXIT_OK

REPORT = "f1__group=a"


@pytest.fixture(autouse=True)
def frozen_package_code(monkeypatch):
    """Other work edits analysis/ while these tests run (see test_runner_run)."""
    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")


def _run(tmp_path, name: str, launcher: str):
    """Run the one-report study into ``tmp_path/name`` (same data, study file and notebook)."""
    path = write_study(tmp_path, grid={"group": ["a"]}, output=str(tmp_path / name))
    lines: list[str] = []
    summary = runner_run.run_study(path, workers=1, kernels=launcher, progress=lines.append)
    assert summary.exit_code == EXIT_OK and summary.ran == [REPORT], (summary.errors, lines)
    return tmp_path / name / REPORT, lines


def _page(folder, audience="academic"):
    """The page apart from the recorded time, the output folder and the commit (others may
    commit between two runs)."""
    import json

    prov = json.loads((folder / "provenance.json").read_text())
    page = (folder / f"{audience}.html").read_text()
    for value, mask in (
        (prov["time"], "<time>"),
        (str(folder.parent), "<out>"),
        (prov["code"]["git_commit"], "<commit>"),
        (prov["code"]["git_commit"][:12], "<commit>"),  # the brief's short form
    ):
        page = page.replace(value, mask)
    return page


@pytest.mark.slow
def test_stock_and_forked_kernels_give_the_same_report(tmp_path):
    stock, stock_lines = _run(tmp_path, "stock", "stock")
    forked, forked_lines = _run(tmp_path, "forked", "forked")
    # same numbers, same seeded noise (numpy's global generator), same figure and pages
    assert (stock / "results.json").read_bytes() == (forked / "results.json").read_bytes()
    assert '"noise"' in (stock / "results.json").read_text()
    for audience in ("academic", "brief"):
        assert _page(stock, audience) == _page(forked, audience)
    assert not [line for line in stock_lines + forked_lines if "WARNING" in line]


@pytest.mark.slow
def test_a_factory_that_cannot_start_falls_back_to_stock_kernels_with_the_reason(
    tmp_path, monkeypatch
):
    # the factory process exits at once (as when its interpreter or a preload crashes)
    monkeypatch.setattr(
        kernels,
        "_factory_command",
        lambda address, modules: [sys.executable, "-c", "raise SystemExit(3)"],
    )
    folder, lines = _run(tmp_path, "broken", "forked")
    warnings = [line for line in lines if line.startswith("WARNING")]
    assert warnings == [
        "WARNING: forked kernels unavailable (the kernel factory exited with code 3); "
        "using the stock jupyter_client kernel manager"
    ]
    assert {"academic.html", "brief.html", "results.json"} <= {p.name for p in folder.iterdir()}
    assert kernels.ENV_ADDRESS not in os.environ  # the run's factory address is not left behind


def test_no_fork_means_stock_kernels_with_a_warning_and_no_factory(monkeypatch):
    monkeypatch.delattr(os, "fork")
    launcher, why = kernels.choose_launcher("forked")
    assert launcher == "stock" and "os.fork is not available" in why
    with pytest.raises(kernels.FactoryUnavailable, match="os.fork"):
        kernels.KernelFactory()
    shown: list[str] = []
    run_kernels = kernels.RunKernels("forked", warn=shown.append)
    assert run_kernels.launcher == "stock" and run_kernels.factory is None
    assert shown == [why]
    run_kernels.close()
    # a job sent as forked to a worker that cannot fork gets a stock kernel, and says so
    kernels.take_fallbacks()
    assert kernels.manager_class("forked") is kernels.StockKernelManager
    assert kernels.take_fallbacks() == [why]
    assert kernels.manager_class("stock") is kernels.StockKernelManager


def test_a_dead_factory_is_seen_at_once(tmp_path):
    factory = kernels.KernelFactory(wait=False)
    factory.process.kill()
    factory.process.wait()
    with pytest.raises(kernels.FactoryUnavailable, match="exited"):
        kernels.fork_kernel(factory.address, str(tmp_path / "k.json"), str(tmp_path), {})
    factory.close()
    assert not kernels.factory_alive(factory.address)


def test_launcher_from_option_environment_and_config(monkeypatch):
    monkeypatch.delenv(config.KERNELS_ENV, raising=False)
    assert kernels.requested_launcher() == config.KERNEL_LAUNCHER == "forked"
    monkeypatch.setenv(config.KERNELS_ENV, "stock")
    assert kernels.requested_launcher() == "stock"
    assert kernels.requested_launcher("forked") == "forked"  # --kernels wins
    monkeypatch.setenv(config.KERNELS_ENV, "fast")
    with pytest.raises(
        UsageError, match=r"\$DIALOGIC_KERNELS is 'fast'; use one of forked, stock"
    ):
        kernels.requested_launcher()


def test_run_option_and_environment_variable_reach_the_run(tmp_path, monkeypatch):
    from analysis.runner.cli import run

    seen = {}

    def fake_run_study(path, overrides, **options):
        seen.update(options)
        return runner_run.RunSummary("fx", tmp_path)

    monkeypatch.setattr(runner_run, "run_study", fake_run_study)
    path = str(write_study(tmp_path))
    invoke = CliRunner().invoke
    assert invoke(run, [path, "--kernels", "stock"], env={config.KERNELS_ENV: None}).exit_code == 0
    assert seen["kernels"] == "stock"
    assert invoke(run, [path], env={config.KERNELS_ENV: "stock"}).exit_code == 0
    assert seen["kernels"] == "stock"
    assert (
        invoke(run, [path, "--kernels", "forked"], env={config.KERNELS_ENV: "stock"}).exit_code
        == 0
    )
    assert seen["kernels"] == "forked"
    assert invoke(run, [path], env={config.KERNELS_ENV: None}).exit_code == 0
    assert seen["kernels"] is None  # the configured default, read by the runner
    bad = invoke(run, [path, "--kernels", "fast"])
    assert bad.exit_code == 2 and "'fast' is not one of 'stock', 'forked'" in bad.output


@pytest.mark.slow
def test_a_kernel_that_dies_while_starting_is_replaced_and_the_run_says_so(tmp_path, monkeypatch):
    """Two kernels started at once can race for one free port, and the loser exits before it
    answers (jupyter/jupyter_client#154): the report runs on a new kernel, not a failure page."""
    launched: list[list[str]] = []
    real_launch = kernels.StockProvisioner.launch_kernel

    async def first_kernel_dies(self, cmd, **kwargs):
        launched.append(cmd)
        if len(launched) == 1:  # a real process that exits before it replies to kernel_info
            cmd = [sys.executable, "-c", "raise SystemExit(1)"]
        return await real_launch(self, cmd, **kwargs)

    monkeypatch.setattr(kernels.StockProvisioner, "launch_kernel", first_kernel_dies)
    folder, lines = _run(tmp_path, "restarted", "stock")
    assert len(launched) == 2
    warnings = [line for line in lines if "WARNING" in line]
    assert len(warnings) == 1 and "a kernel died while starting" in warnings[0], lines
    assert "before replying to kernel_info" in warnings[0]
    assert {"academic.html", "brief.html", "results.json"} <= {p.name for p in folder.iterdir()}


def test_only_a_kernel_death_before_its_first_reply_starts_a_new_kernel():
    from analysis.runner.engine import kernel_died_at_start

    assert kernel_died_at_start(RuntimeError("Kernel died before replying to kernel_info"))
    assert not kernel_died_at_start(RuntimeError("Kernel died while waiting for execute reply"))
    assert not kernel_died_at_start(ValueError("before replying to kernel_info"))
