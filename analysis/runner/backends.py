"""Where jobs run: a local pool of warm worker processes, or a Dask distributed cluster.

Both take the same job dicts (see :mod:`analysis.runner.engine`) and yield outcomes as they
finish, so the rest of the runner (cache, publication, index) does not know which one ran.

- ``local``: ``workers`` processes (default: the number of cores), forked from this process
  after it imported papermill and nbconvert once (:func:`~analysis.runner.engine.warm_up`), each
  running many reports; kernels come from the run's warm kernel factory, or from jupyter_client's
  stock kernel manager (:func:`~analysis.runner.kernels.choose_launcher`). With one worker or one
  job, the job runs in this process (no pool to start).
- ``dask``: ``--dask local`` starts a ``LocalCluster`` (processes, one thread each, loopback);
  ``--dask-scheduler tcp://host:port`` connects to a running scheduler, e.g. one started by
  dask-jobqueue on a SLURM cluster. Each Dask worker starts its own kernel factory on first use
  (forked kernels; a worker that cannot fork starts stock kernels).
  Workers must see the input data at the same path (a shared file system); the notebook travels
  inside the job, and outputs come back to this process, which writes them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from analysis.runner.engine import execute_job, warm_up


def default_workers() -> int:
    """Number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _worker_init() -> None:
    """Pool worker start: warm imports, and die with the run (Linux ``PR_SET_PDEATHSIG``), so a
    run killed with SIGKILL leaves no idle worker behind."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):  # not Linux
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    warm_up()


def run_local(jobs: list[dict[str, Any]], workers: int, **_: Any) -> Iterator[dict[str, Any]]:
    """Run ``jobs`` on a pool of warm worker processes; yield outcomes as they complete."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield execute_job(job)
        return
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Import papermill/nbconvert/the renderer once here, then fork the workers: they start warm.
    # Fork only while this process has a single thread (a forked thread pool or ZMQ context would
    # be copied half-alive); otherwise spawn, and each worker imports for itself.
    warm_up()
    method = "fork" if threading.active_count() == 1 else "spawn"
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        initializer=_worker_init,
        mp_context=multiprocessing.get_context(method),
    ) as pool:
        for future in as_completed([pool.submit(execute_job, job) for job in jobs]):
            yield future.result()


def run_dask(
    jobs: list[dict[str, Any]], workers: int, scheduler: str = "local", **_: Any
) -> Iterator[dict[str, Any]]:
    """Run ``jobs`` as tasks on Dask distributed (``scheduler`` = ``"local"`` or ``tcp://host:port``)."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        # one thread per worker: papermill changes the process's working directory per job
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="30s")
    try:
        futures = client.map(
            execute_job,
            jobs,
            pure=False,
            key=[f"dialogic-{j['report']}-{j['language']}" for j in jobs],
        )
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


BACKENDS = {"local": run_local, "dask": run_dask}


def run_jobs(
    backend: str, jobs: Iterable[dict[str, Any]], **options: Any
) -> Iterator[dict[str, Any]]:
    """Dispatch to a registered backend by name."""
    return BACKENDS[backend](list(jobs), **options)
