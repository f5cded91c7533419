"""The progress display of ``dialogic run``: each report's state, live in a terminal, plain lines
in CI logs.

A report goes through ``queued -> running -> rendering -> done | failed``, or is ``cached`` from
the start. :class:`RunDisplay` receives these transitions (``display.state(name, state)``) and the
run's other messages (``display.line(text)``):

- in a terminal (the stream is a TTY), a tqdm bar at the bottom counts finished reports and names
  the reports running or rendering right now; each transition is written above it;
- otherwise (CI logs, pipes, files) one plain line per transition, no control characters:
  ``[ 3/12] done      h1__period=2024H1  (5.1 s)``.

A failed report also gets, below its line, the exception (one line, ``ename: evalue``) and the
path of its failure page, so the reason is in the terminal and the page one click away::

    [4/7] failed    h4  (10.1 s; notebook)
          RuntimeError: planted failure
          see reports/demo/h4/failed.html

What the states mean on the local backend: *running* = handed to a worker (the pool takes jobs in
submission order, one per free worker), *rendering* = the worker's outcome is back and the main
process publishes it (secret scan, HTML pages, atomic swap).
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm.auto import tqdm

STATES = ("queued", "running", "rendering", "done", "cached", "failed")
FINAL = ("done", "failed")


class RunDisplay:
    """Show report states; use as a context manager around the run.

    Parameters
    ----------
    stream
        Where to write (default ``sys.stderr``, keeping stdout for results).
    live
        Force the live bar on or off; default: on when ``stream`` is a terminal.
    write
        Send plain lines to this callable instead of ``stream`` (``run_study``'s ``progress``).
    """

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, write=None):
        self.stream = stream or sys.stderr
        self.live = (self.stream.isatty() and write is None) if live is None else live
        self.write = write
        self.states: dict[str, str] = {}
        self.bar: tqdm | None = None

    # -- the run calls these ----------------------------------------------------------------------
    def line(self, text: str) -> None:
        """A message that is not a state change (plan summary, totals, errors)."""
        if self.bar is not None:
            self.bar.write(text, file=self.stream)
        elif self.write is not None:
            self.write(text)
        else:
            print(text, file=self.stream, flush=True)

    def state(
        self,
        name: str,
        state: str,
        seconds: float | None = None,
        note: str | None = None,
        error: str | None = None,
        page: str | None = None,
    ) -> None:
        """Report ``name`` is now in ``state`` (one of :data:`STATES`).

        ``seconds`` (the report's execution time) and ``note`` (a failure's kind: parameter, data,
        notebook, secret) are shown with final states; ``error`` (the exception as one line) and
        ``page`` (the failure page's path) on indented lines below a failed one.
        """
        if state not in STATES:
            raise ValueError(
                f"unknown report state {state!r}; expected one of {', '.join(STATES)}"
            )
        self.states[name] = state
        todo = [n for n, s in self.states.items() if s != "cached"]
        if self.live and self.bar is None and state == "running":
            self.bar = tqdm(
                total=len(todo),
                desc="reports",
                unit="report",
                file=self.stream,
                leave=False,
                dynamic_ncols=True,
            )
        extra = "; ".join(
            x for x in (f"{seconds:.1f} s" if seconds is not None else "", note or "") if x
        )
        text = f"{state:<9} {name}" + (f"  ({extra})" if extra else "")
        if state in FINAL:
            done = sum(self.states[n] in FINAL for n in todo)
            text = f"[{done:>{len(str(len(todo)))}}/{len(todo)}] {text}"
        self.line(text)
        if state == "failed":
            indent = " " * (text.index(name) if name in text else 4)
            for detail in (error, f"see {page}" if page else None):
                if detail:
                    self.line(indent + " ".join(str(detail).split()))
        self._refresh()

    # -- internals --------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many reports are in each state right now."""
        return {s: sum(v == s for v in self.states.values()) for s in STATES}

    def _refresh(self) -> None:
        if self.bar is None:
            return
        busy = [n for n, s in self.states.items() if s in ("running", "rendering")]
        c = self.counts()
        self.bar.n = c["done"] + c["failed"]
        self.bar.set_postfix_str(
            f"{c['failed']} failed, {c['queued']} queued; now: {', '.join(busy) or '-'}",
            refresh=False,
        )
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> RunDisplay:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
