"""The progress bar of long report steps (analysis.progress): shown for large data, named steps,
hidden in the runner's kernels."""

from __future__ import annotations

from analysis import progress


def test_large_work_shows_each_step_by_name(capsys, monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    with progress.steps("measures", 2, rows=progress.MIN_ROWS) as step:
        step("post measures")
        step("comment measures")
    err = capsys.readouterr().err
    assert (
        "measures" in err and "post measures" in err and "comment measures" in err and "1/2" in err
    )


def test_small_data_and_the_runner_show_no_bar(capsys, monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    with progress.steps("measures", 1, rows=progress.MIN_ROWS - 1) as step:
        step("post measures")
    monkeypatch.setenv(progress.ENV, "0")
    with progress.steps("measures", 1, rows=10 * progress.MIN_ROWS) as step:
        step("post measures")
    assert capsys.readouterr().err == ""
