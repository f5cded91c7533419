"""The run's progress display: plain lines when not in a terminal, a live bar in one, states in
order."""

from __future__ import annotations

import io
import re

import pytest

from analysis.runner.display import STATES, RunDisplay


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def drive(display: RunDisplay) -> None:
    display.line("demo: 3 reports, 1 up to date, 2 to run on 2 workers")
    display.state("h1__a", "cached")
    for name in ("h1__b", "h1__c"):
        display.state(name, "queued")
    display.state("h1__b", "running")
    display.state("h1__c", "running")
    display.state("h1__c", "rendering")
    display.state("h1__c", "done", seconds=1.25)
    display.state("h1__b", "rendering")
    display.state("h1__b", "failed", seconds=0.5, note="notebook")


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()  # isatty() is False, as in CI logs and pipes
    with RunDisplay(stream=out) as display:
        drive(display)
    text = out.getvalue()
    assert not re.search(r"[\r\x1b]", text)  # no carriage returns, no escape sequences
    assert text.splitlines() == [
        "demo: 3 reports, 1 up to date, 2 to run on 2 workers",
        "cached    h1__a",
        "queued    h1__b",
        "queued    h1__c",
        "running   h1__b",
        "running   h1__c",
        "rendering h1__c",
        "[1/2] done      h1__c  (1.2 s)",
        "rendering h1__b",
        "[2/2] failed    h1__b  (0.5 s; notebook)",
    ]
    assert display.counts() == {
        "queued": 0,
        "running": 0,
        "rendering": 0,
        "done": 1,
        "cached": 1,
        "failed": 1,
    }


def test_live_bar_in_a_terminal():
    term = FakeTerminal()
    display = RunDisplay(stream=term)
    assert display.live
    display.state("h1__a", "queued")
    display.state("h1__b", "queued")
    display.state("h1__a", "running")
    assert display.bar is not None and display.bar.total == 2
    assert "now: h1__a" in term.getvalue() and "\r" in term.getvalue()  # redrawn in place
    display.state("h1__a", "done", seconds=2.0)
    assert display.bar.n == 1
    display.close()
    assert "[1/2] done      h1__a  (2.0 s)" in term.getvalue()


def test_progress_callable_gets_plain_lines_and_unknown_state_is_refused():
    lines = []
    display = RunDisplay(stream=FakeTerminal(), write=lines.append)
    assert not display.live  # a callable sink means lines, even from a terminal
    display.state("r", "queued")
    assert lines == ["queued    r"]
    with pytest.raises(ValueError, match="unknown report state 'finished'.*queued, running"):
        display.state("r", "finished")
    assert set(STATES) == {"queued", "running", "rendering", "done", "cached", "failed"}


@pytest.mark.slow
def test_run_reports_each_state_in_order(tmp_path, monkeypatch):
    from test_runner_checks import write_study  # tests/ is on sys.path (pytest prepend mode)

    from analysis.runner import run as runner_run

    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")
    path = write_study(tmp_path, grid={"group": ["a", "b"], "scale": [2.0]})
    seen: dict[str, list[str]] = {}

    def record(name, state, seconds=None, note=None):
        seen.setdefault(name, []).append(state)

    first = runner_run.run_study(path, workers=1, states=record)
    assert sorted(first.ran) == sorted(seen)
    assert all(s == ["queued", "running", "rendering", "done"] for s in seen.values()), seen
    lines = []
    runner_run.run_study(
        path, workers=1, progress=lines.append
    )  # default: plain lines, all cached
    assert not any(
        line.startswith(("cached", "queued")) for line in lines
    )  # nothing to run: summary only
    assert "2 up to date, 0 to run" in lines[0]


def test_a_failed_report_shows_its_exception_and_failure_page():
    out = io.StringIO()
    with RunDisplay(stream=out) as display:
        display.state("h4", "queued")
        display.state("h4", "running")
        display.state(
            "h4",
            "failed",
            seconds=10.1,
            note="notebook",
            error="ZeroDivisionError: division by zero",
            page="reports/demo/h4/failed.html",
        )
    assert out.getvalue().splitlines()[-3:] == [
        "[1/1] failed    h4  (10.1 s; notebook)",
        "                ZeroDivisionError: division by zero",
        "                see reports/demo/h4/failed.html",
    ]


def test_error_line_is_one_redacted_truncated_line(monkeypatch, tmp_path):
    from analysis.runner.publish import display_path, error_line

    assert (
        error_line(
            {
                "ename": "SchemaError",
                "evalue": "comments.post_id row 3: unknown post\nfix: import it",
            }
        )
        == "SchemaError: comments.post_id row 3: unknown post ..."
    )
    assert error_line({"ename": "KeyError", "evalue": "\x1b[0;31m'x'\x1b[0m"}) == "KeyError: 'x'"
    assert error_line({}) == "unknown error" and error_line(None) == "unknown error"
    long = error_line({"ename": "ValueError", "evalue": "y" * 500})
    assert len(long) == 160 and long.endswith("…")
    monkeypatch.setenv("DIALOGIC_TEST_TOKEN", "s3cret-value-1234")
    assert (
        error_line({"ename": "E", "evalue": "got s3cret-value-1234"})
        == "E: got [secret $DIALOGIC_TEST_TOKEN]"
    )
    monkeypatch.chdir(tmp_path)
    assert (
        display_path(tmp_path / "out" / "failed.html") == "out/failed.html"
    )  # from the current folder
