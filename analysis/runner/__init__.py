"""The study runner: study files -> checked parameters -> cached, parallel, reproducible reports.

``dialogic run studies/x.yaml`` and ``dialogic reproduce reports/x/<report>`` are thin commands
around :func:`run_study` and :func:`reproduce_report`. One concern per module:

- :mod:`~analysis.runner.study` — study files, grids, ``-p``/``-f`` overrides, report names;
- :mod:`~analysis.runner.parameters` — typed checks before any kernel starts;
- :mod:`~analysis.runner.hashing` — content hashes, cache keys, atomic writes;
- :mod:`~analysis.runner.provenance` — what made a report;
- :mod:`~analysis.runner.kernels` — warm kernel factory (fresh kernels forked from preloaded
  imports);
- :mod:`~analysis.runner.engine` — one notebook execution + rendering in a worker;
- :mod:`~analysis.runner.backends` — local warm worker pool, Dask distributed;
- :mod:`~analysis.runner.publish` — atomic report folders, failure pages, crash recovery;
- :mod:`~analysis.runner.secrets` — secrets refused as parameters, scanned for in outputs;
- :mod:`~analysis.runner.index` — the study's index page with study-wide p-value correction;
- :mod:`~analysis.runner.reproduce` — rerun one report and compare;
- :mod:`~analysis.runner.errors` — exceptions and exit codes.

See ``docs/runner.md`` for the user's view.
"""

_EXPORTS = {
    "run_study": "analysis.runner.run",
    "plan_study": "analysis.runner.run",
    "load_study": "analysis.runner.study",
    "reproduce_report": "analysis.runner.reproduce",
}


def __getattr__(name):  # keep `python -m analysis.runner.kernels` (the kernel factory) light
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'analysis.runner' has no attribute {name!r}")


__all__ = list(_EXPORTS)
