"""Atomic publication of report folders, failure pages and crash recovery.

A report folder is built complete in ``<output>/.staging/`` and then swapped in with two
renames (old folder to ``.trash/``, new folder into place). A run killed at any moment leaves
either the old report or the new one, never a half-written one; if it dies between the two
renames, :func:`recover` (called at the start of every run) puts the old folder back. Because
the cache key lives in ``provenance.json`` inside the folder, a report whose publication never
happened simply runs again next time: an interrupted run resumes where it stopped.

A failing report never replaces the last good one: its ``failed.html`` is written beside the
good files (atomically), and removed by the next successful publication.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis._io import atomic_write, relative_to_root, replace_dir
from analysis.runner import secrets

STAGING = ".staging"
TRASH = ".trash"
FAILURE_PAGE = "failed.html"

KIND_TEXT = {
    "notebook": "The notebook raised an error; the cell and the traceback are below.",
    "data": "The input data failed its checks; fix the data (or the data folder) and rerun.",
    "secret": "The report contained the value of a secret environment variable and was not "
    "published.",
}


@lru_cache(maxsize=1)
def _templates():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )


def render_template(name: str, **context: Any) -> str:
    """Render one of the runner's Jinja2 templates (HTML-escaped, self-contained pages)."""
    return _templates().get_template(name).render(**context)


def recover(output: Path) -> None:
    """Undo what a killed run left behind: restore swapped-out folders, drop half-built ones."""
    trash = output / TRASH
    if trash.is_dir():
        for old in sorted(trash.iterdir()):
            name = old.name.rsplit("@", 1)[0]
            target = output / name
            if not target.exists():
                os.rename(old, target)
            else:
                shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(output / STAGING, ignore_errors=True)


def publish_report(output: Path, name: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` as the report folder ``output/name``, replacing the old one atomically.

    ``provenance.json`` must be among ``files``; it carries the cache key.
    """
    staging = output / STAGING / f"{name}@{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for filename, data in files.items():
        path = staging / filename
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    target = replace_dir(staging, output / name, trash=output / TRASH)
    for leftover in (output / TRASH, output / STAGING):
        with contextlib.suppress(OSError):
            leftover.rmdir()  # only when empty
    return target


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ERROR_LINE_WIDTH = 160


def error_line(error: dict[str, Any] | None, width: int = ERROR_LINE_WIDTH) -> str:
    """The failure's exception as one terminal line, ``ename: evalue``, secrets redacted.

    Only the first non-blank line of the message is kept (a SchemaError or a papermill error can
    run over several), colour codes are dropped and the line is cut at ``width`` characters with
    an ellipsis; the failure page has the whole message and the traceback.
    """
    error = error or {}
    ename = _ANSI.sub("", str(error.get("ename") or "")).strip()
    evalue = _ANSI.sub("", str(error.get("evalue") or ""))
    lines = [ln.strip() for ln in evalue.splitlines() if ln.strip()]
    first = lines[0] + (" ..." if len(lines) > 1 else "") if lines else ""
    text = secrets.redact(
        f"{ename}: {first}" if ename and first else ename or first or "unknown error"
    )
    text = " ".join(text.split())  # no tabs or stray control characters in a log line
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def display_path(path: Path) -> str:
    """``path`` for a terminal: relative to the current folder when inside it, else to the
    project root."""
    path = Path(path).resolve()
    here = relative_to_root(path, Path.cwd().resolve())
    return here if here != str(path) else relative_to_root(path)


def write_failure_page(
    output: Path,
    name: str,
    *,
    study: str,
    notebook: str,
    language: str | None,
    kind: str,
    error: dict[str, Any],
    parameters: dict[str, Any],
    time: str,
    command: str,
    good_time: str | None,
) -> Path:
    """Write ``output/name/failed.html`` (failing cell and traceback), secrets redacted, good
    files untouched."""
    error = {k: secrets.redact(str(v)) if v is not None else "" for k, v in (error or {}).items()}
    html = render_template(
        "failure.html.j2",
        report=name,
        study=study,
        notebook=notebook,
        language=language,
        kind_text=KIND_TEXT.get(kind, kind),
        error=error,
        parameters=parameters,
        time=time,
        command=command,
        has_good=good_time is not None,
        good_time=good_time,
    )
    path = output / name / FAILURE_PAGE
    atomic_write(path, secrets.redact(html).encode())
    return path
