"""Execute one report job in a warm worker: papermill with a fresh kernel, then nbconvert.

A *job* is one execution of a report notebook (one language of one report). It is a plain dict
so that it travels unchanged to a local worker process or to a Dask worker on another machine:

``report``, ``language``, ``notebook`` (path, for messages), ``notebook_json`` (the notebook's
text, so remote workers need no copy of the repository's notebooks), ``parameters``,
``outputs`` (list of ``[audience, language, file name]`` to render), ``provenance`` (dict shown in
the HTML), ``preload`` (modules the kernel factory imports), ``primary`` (this execution's
results are the report's ``results.json``), ``kernels`` (``"forked"`` or ``"stock"``, see
:func:`analysis.runner.kernels.choose_launcher`; absent: the configured default).

:func:`execute_job` never raises for a failing notebook: it returns an *outcome* dict with
``ok``, ``kind`` (``"notebook"`` or ``"data"``), ``error`` (failing cell, exception, traceback),
and on success ``files`` (file name -> bytes) and ``result``; ``warnings`` lists why a forked
kernel fell back to a stock one (empty when none did). Nothing is written into the study's
output folder here: the submitting process publishes the files atomically (see
:mod:`analysis.runner.publish`), so remote workers need no shared output disk.

Each execution gets its own temporary working directory (figures a notebook might save never
collide) and its own fresh kernel: forked from the warm kernel factory, or started by
jupyter_client's stock kernel manager (:mod:`analysis.runner.kernels`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

#: Exception names (raised inside the notebook) that mean the input data is bad, not the notebook.
DATA_ERRORS = ("SchemaError", "DataError", "EmptyDataError", "ArrowInvalid")


def warm_up() -> None:
    """Import what every job needs once per worker process (papermill, nbconvert, the renderer)."""
    import logging
    import warnings

    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    from analysis.runner import kernels  # noqa: F401

    with contextlib.suppress(ImportError):
        import analysis.report.render  # noqa: F401
    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # the result record's MIME type has no HTML form by design; nbconvert warns about it each time
    warnings.filterwarnings("ignore", message="Your element with mimetype")


def _failing_cell(nb) -> dict[str, Any]:
    from nbconvert.filters import strip_ansi

    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                return {
                    "cell_index": index,
                    "execution_count": cell.get("execution_count"),
                    "source": cell.source,
                    "ename": out.get("ename", ""),
                    "evalue": out.get("evalue", ""),
                    "traceback": strip_ansi("\n".join(out.get("traceback", []))),
                }
    return {}


def _stable_cell_ids(nb) -> None:
    """Give papermill's injected-parameters cell a fixed id (it gets a random one, which nbconvert
    writes into the HTML); the other cells keep the ids stored in the notebook file."""
    for index, cell in enumerate(nb.cells):
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = f"injected-parameters-{index}"


def _failure(
    job: dict, kind: str, error: dict, started: float, restarts: list[str] = ()
) -> dict[str, Any]:
    return {
        "report": job["report"],
        "language": job["language"],
        "ok": False,
        "kind": kind,
        "error": error,
        "files": {},
        "result": None,
        "seconds": time.monotonic() - started,
        "warnings": _fallbacks() + list(restarts),
    }


def _fallbacks() -> list[str]:
    from analysis.runner import kernels

    return kernels.take_fallbacks()


#: How many times a job starts a new kernel when one dies before it answers (see
#: :func:`kernel_died_at_start`); no cell has run then, so starting again changes nothing.
KERNEL_START_ATTEMPTS = 3

KERNEL_RESTART_WARNING = (
    "a kernel died while starting ({reason}); the report ran on a new kernel "
    "(most often two kernels raced for the same network port)"
)


def kernel_died_at_start(exc: BaseException) -> bool:
    """True for jupyter_client's ``RuntimeError`` raised when a new kernel exits before it replies
    to ``kernel_info`` (the classic race of two kernels started at once for one free port, see
    jupyter/jupyter_client#154): the notebook has not started, so the job may start again."""
    return isinstance(exc, RuntimeError) and "before replying to kernel_info" in str(exc)


def _execute_with_restarts(job, nb_in, executed: Path, workdir: Path, restarts: list[str]):
    """papermill on a fresh kernel; a kernel that dies before its first reply is replaced (up to
    :data:`KERNEL_START_ATTEMPTS` kernels), each replacement noted in ``restarts``."""
    import papermill

    from analysis.runner import kernels

    attempt = 1
    while True:
        try:
            return papermill.execute_notebook(
                nb_in,
                str(executed),
                parameters=job["parameters"],
                cwd=str(workdir),
                progress_bar=False,
                request_save_on_cell_execute=False,
                log_output=False,
                kernel_name=job.get("kernel_name") or None,
                kernel_manager_class=kernels.manager_class(job.get("kernels")),
                shutdown_kernel="immediate",  # a throwaway kernel: kill it, no graceful handshake
            )
        except RuntimeError as exc:
            if not kernel_died_at_start(exc) or attempt == KERNEL_START_ATTEMPTS:
                raise
            restarts.append(KERNEL_RESTART_WARNING.format(reason=exc))
            attempt += 1


def execute_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job (see module docstring) and return its outcome; safe to call in any worker."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from analysis import progress
    from analysis.runner import kernels

    warm_up()
    started = time.monotonic()
    kernels.take_fallbacks()  # a previous job's are reported already
    workdir = Path(tempfile.mkdtemp(prefix="dialogic-job-"))
    try:
        os.environ[progress.ENV] = (
            "0"  # the terminal shows each report's state; no bar in the reports
        )
        if job.get("preload"):
            os.environ.setdefault(kernels.ENV_PRELOAD, " ".join(job["preload"]))
        nb_in = nbformat.reads(job["notebook_json"], as_version=4)
        executed = workdir / "notebook.ipynb"
        restarts: list[str] = []
        try:
            nb = _execute_with_restarts(job, nb_in, executed, workdir, restarts)
        except PapermillExecutionError as exc:
            nb = nbformat.read(str(executed), as_version=4) if executed.exists() else None
            error = (_failing_cell(nb) if nb is not None else {}) or {
                "ename": exc.ename,
                "evalue": exc.evalue,
                "traceback": "\n".join(exc.traceback),
                "execution_count": exc.exec_count,
                "source": exc.source,
            }
            kind = "data" if error.get("ename", "").endswith(DATA_ERRORS) else "notebook"
            return _failure(job, kind, error, started, restarts)
        _stable_cell_ids(nb)
        nbformat.write(nb, str(executed))
        from analysis.report import brief_to_pdf, extract_result, render_report

        result = extract_result(nb)
        files: dict[str, bytes] = {}
        for audience, language, filename in job["outputs"]:
            out = workdir / filename
            if (
                audience == "brief-pdf"
            ):  # the brief as the client reads it, printed by headless chromium
                html = workdir / f"{filename}.html"
                render_report(
                    str(executed),
                    "brief",
                    str(html),
                    language=language,
                    provenance=job["provenance"],
                )
                brief_to_pdf(html, out)
            else:
                render_report(
                    str(executed),
                    audience,
                    str(out),
                    language=language,
                    provenance=job["provenance"],
                )
            files[filename] = out.read_bytes()
        if job.get("primary"):
            files["results.json"] = (
                json.dumps(result, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
                + "\n"
            ).encode()
            files["notebook.ipynb"] = executed.read_bytes()
            from analysis.report.exports import extract_files, table_files

            files.update(table_files(result))  # results/robustness .csv .tex .md, for papers
            files.update(extract_files(nb))  # the notebook's: figure.svg/.pdf, descriptives
        return {
            "report": job["report"],
            "language": job["language"],
            "ok": True,
            "kind": None,
            "error": None,
            "files": files,
            "result": result,
            "seconds": time.monotonic() - started,
            "warnings": _fallbacks() + restarts,
        }
    except Exception as exc:  # noqa: BLE001 - any other failure becomes this report's failure page
        return _failure(
            job,
            "notebook",
            {
                "ename": type(exc).__name__,
                "evalue": str(exc),
                "traceback": traceback.format_exc(),
                "source": "",
            },
            started,
            restarts,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
