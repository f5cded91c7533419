"""What a long step of a report is doing, for someone watching the notebook run.

At millions of comments, reading the data, the measures and the model fits take tens of
seconds each; a notebook cell that stays silent that long looks hung. :func:`steps` shows one
tqdm bar (``tqdm.auto``: a widget in JupyterLab, text in a terminal) naming the step under way.

The bar is shown only where someone is watching: not for small data (it would flash), and not
in the runner's kernels (``DIALOGIC_PROGRESS=0``), whose reports would otherwise keep the bar's
output and whose terminal already shows each report's state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from analysis.config import PROGRESS_ENV

#: Environment variable: "0" hides the bars (the runner sets it for its kernels).
ENV = PROGRESS_ENV
#: Below this many rows the steps take a few seconds: no bar.
MIN_ROWS = 200_000


def enabled(rows: int) -> bool:
    """True when a bar should be shown for work on ``rows`` rows."""
    return os.environ.get(ENV, "1") != "0" and rows >= MIN_ROWS


@contextmanager
def steps(what: str, total: int, rows: int) -> Iterator[Callable[[str], None]]:
    """A bar of ``total`` steps; the context gives ``step(name)``, called as each step starts.

    Examples
    --------
    >>> with steps("measures", 2, rows=10) as step:
    ...     step("post measures")
    ...     step("comment measures")
    """
    from tqdm.auto import tqdm

    bar = tqdm(total=total, desc=what, unit="step", leave=False, disable=not enabled(rows))
    started = [False]

    def step(name: str) -> None:
        if started[0]:
            bar.update(1)
        started[0] = True
        bar.set_postfix_str(name, refresh=True)

    try:
        yield step
        if started[0]:
            bar.update(1)
    finally:
        bar.close()
