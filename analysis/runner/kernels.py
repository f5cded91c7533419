"""Warm kernels: fresh IPython kernels forked from a process that already imported the heavy libraries.

Why
---
A report notebook spends most of its time before its first cell: a new Python process, ipykernel,
then ``import pandas, statsmodels, seaborn`` (several seconds of CPU on a small machine). The cells
themselves take well under a second. A *kernel factory* imports those libraries once, then
``fork()``\\ s one child per report. Each child becomes a brand-new ipykernel with its own
connection file, its own empty user namespace and its own process (killed at the end of the
report), so reports stay isolated exactly as with ``jupyter``'s own kernels; only the imported,
read-only module code is shared (copy-on-write).

How it plugs in
---------------
papermill and nbclient start kernels through a jupyter_client ``KernelManager``; its *provisioner*
decides how the kernel process is launched. :class:`ForkedKernelManager` swaps in
:class:`ForkProvisioner`, which asks the factory (a Unix socket) for a child instead of calling
``subprocess.Popen``. Everything else (ZMQ protocol, execution, interrupts, shutdown) is the normal
jupyter_client machinery::

    papermill.execute_notebook(nb, out, parameters=..., kernel_manager_class=ForkedKernelManager)

Determinism
-----------
Children get ``PYTHONHASHSEED`` of the factory (set to 0), ``SOURCE_DATE_EPOCH`` (matplotlib then
writes no wall-clock date into SVG/PDF), ``svg.hashsalt`` (stable SVG element ids) and seeded global
random generators (``random``, ``numpy.random``: seaborn's jitter draws from them), so the same
notebook, data and parameters give byte-identical figures.
"""

from __future__ import annotations

import ast
import atexit
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

# Imported once by the factory; every forked kernel finds them already in sys.modules.
PRELOAD = (
    "numpy",
    "pandas",
    "pyarrow.parquet",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "seaborn",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython.display",
)
ENV_ADDRESS = "DIALOGIC_KERNEL_FACTORY"
ENV_PRELOAD = (
    "DIALOGIC_KERNEL_PRELOAD"  # extra modules (space-separated) for a lazily started factory
)
SVG_HASHSALT = "dialogic"
SOURCE_DATE_EPOCH = "0"


def notebook_imports(paths) -> list[str]:
    """Modules a set of notebooks import (``import x.y`` -> ``x.y``; ``from x import y`` -> ``x``, ``x.y``).

    The factory preloads them so that a notebook's own ``import analysis.stats`` costs nothing.
    The ``.ipynb`` is read as plain JSON (no nbformat import on the critical path of a run);
    cells that are not valid Python (magics) are skipped.
    """
    found: list[str] = []
    for path in paths:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found += [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.append(node.module)  # `from analysis import report`: the submodule too
                    found += [
                        f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"
                    ]
    return list(dict.fromkeys(found))


# --------------------------------------------------------------------------------------- factory


#: Data-free first calls that load models and lexicons lazily (language identification model,
#: sentiment lexicons): made once in the factory on constant text, so kernels inherit them loaded.
#: (module, function, positional arguments); a missing module or function is skipped.
WARM_CALLS = (
    ("analysis.text", "detect_language", ("texts",)),
    ("analysis.text", "is_question", ("texts", "langs")),
    ("analysis.text", "is_promotional", ("texts", "langs")),
    ("analysis.text", "sentiment_score", ("texts", "langs")),
    ("analysis.text", "is_negative", ("texts", "langs")),
)


def _warm_calls() -> None:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return

    values = {
        "texts": pd.Series(
            ["Is this open on Sunday? Great shop!", "Super boutique, merci ! -20 % ce week-end"]
        ),
        "langs": pd.Series(["en", "fr"]),
    }
    for module, function, args in WARM_CALLS:
        try:
            getattr(importlib.import_module(module), function)(*(values[a] for a in args))
        except Exception:  # noqa: BLE001 - warming is an optimisation only
            pass


def _preload(modules) -> None:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that fails here fails visibly in the notebook
            pass
    _warm_calls()
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].rcParams["svg.hashsalt"] = SVG_HASHSALT


def _become_kernel(request: dict) -> None:
    """In the forked child: detach, take the report's cwd and env, and run an ipykernel."""
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    null = os.open(os.devnull, os.O_RDWR)
    log = (
        os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if request.get("log")
        else null
    )
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Same seed in every kernel: code that draws from the global generators (seaborn's strip-plot
    # jitter uses np.random) gives the same figure on every run of the same report.
    import random

    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)
    sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
    from ipykernel.kernelapp import IPKernelApp

    # parent_handle: ipykernel exits when the factory goes away, so a killed run leaves no kernel behind
    IPKernelApp.launch_instance(
        argv=[
            "-f",
            request["connection_file"],
            "--HistoryManager.enabled=False",
            f"--IPKernelApp.parent_handle={os.getppid()}",
        ]
    )


def serve(address: str, modules) -> None:
    """Run the kernel factory: preload ``modules``, then fork one kernel per request on ``address``.

    A request is one JSON line ``{"connection_file", "cwd", "env", "log"}``; the answer is
    ``{"pid": <child pid>}``. Children are reaped automatically (``SIGCHLD`` ignored). The factory
    exits when its parent process dies.
    """
    _preload(modules)
    parent = os.getppid()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(address)
    server.listen(64)
    server.settimeout(1.0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print("ready", flush=True)
    while True:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            if os.getppid() != parent:
                return
            continue
        with conn:
            request = json.loads(conn.makefile("r").readline())
            pid = os.fork()
            if pid == 0:  # child
                server.close()
                conn.close()
                try:
                    _become_kernel(request)
                finally:
                    os._exit(0)
            conn.sendall((json.dumps({"pid": pid}) + "\n").encode())


class KernelFactory:
    """A running kernel factory process (see :func:`serve`); ``address`` is its Unix socket path."""

    def __init__(self, modules=(), wait: bool = True):
        self.dir = tempfile.mkdtemp(prefix="dialogic-kf-")
        self.address = os.path.join(self.dir, "factory.sock")
        env = dict(
            os.environ,
            PYTHONHASHSEED="0",
            OPENBLAS_NUM_THREADS="1",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        env.pop(ENV_ADDRESS, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "analysis.runner.kernels", self.address, *PRELOAD, *modules],
            env=env,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        self._ready = False
        atexit.register(self.close)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the factory has imported its modules and listens (a few seconds, once)."""
        if not self._ready:
            line = self.process.stdout.readline()
            if line.strip() != b"ready":
                raise RuntimeError(
                    f"the kernel factory did not start (exit code {self.process.poll()})"
                )
            self._ready = True

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        try:
            os.unlink(self.address)
            os.rmdir(self.dir)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_PROCESS_FACTORY: KernelFactory | None = None


def factory_address() -> str:
    """Address of the kernel factory for this process: ``$DIALOGIC_KERNEL_FACTORY`` or a lazily started one.

    Dask workers on another machine have no factory from the submitting process; each starts its
    own on first use and keeps it for its lifetime.
    """
    global _PROCESS_FACTORY
    address = os.environ.get(ENV_ADDRESS)
    if address:  # the run's factory (it may still be importing: fork_kernel waits for its socket)
        return address
    if _PROCESS_FACTORY is None or _PROCESS_FACTORY.process.poll() is not None:
        _PROCESS_FACTORY = KernelFactory(os.environ.get(ENV_PRELOAD, "").split())
    return _PROCESS_FACTORY.address


def fork_kernel(
    address: str, connection_file: str, cwd: str, env: dict, log: str | None = None
) -> int:
    """Ask the factory at ``address`` for a kernel on ``connection_file``; return the kernel's pid."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        for attempt in range(600):  # the factory may still be importing (first report of a run)
            try:
                sock.connect(address)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if attempt == 599:
                    raise
                time.sleep(0.1)
        request = {"connection_file": connection_file, "cwd": cwd, "env": env, "log": log}
        sock.sendall((json.dumps(request) + "\n").encode())
        return json.loads(sock.makefile("r").readline())["pid"]


# ------------------------------------------------------------------------- jupyter_client side


class ForkedProcess:
    """The ``subprocess.Popen`` subset jupyter_client uses, for a kernel forked by the factory.

    The kernel is the factory's child, not ours, so liveness is ``kill(pid, 0)`` (the factory
    reaps it the moment it exits) and the exit status is unknown (reported as 0).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel by forking the warm factory instead of starting a new interpreter."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        connection_file = cmd[cmd.index("-f") + 1]
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        pid = fork_kernel(factory_address(), connection_file, cwd, env)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class ForkedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels come from the warm factory (see module docstring)."""

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


if __name__ == "__main__":  # python -m analysis.runner.kernels <socket> <module>...
    serve(sys.argv[1], sys.argv[2:])
