"""Warm kernels: fresh IPython kernels forked from a process that already imported the libraries.

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

Two launchers, one result
-------------------------
``forked`` (above) and ``stock``: :class:`StockKernelManager`, jupyter_client's own
``AsyncKernelManager`` and ``LocalProvisioner`` (a new interpreter from the kernel spec, as
papermill starts it by default). :func:`choose_launcher` picks one from ``dialogic run
--kernels``, ``$DIALOGIC_KERNELS`` or :data:`analysis.config.KERNEL_LAUNCHER`. The forked path
falls back to the stock one, with a warning saying why, whenever it cannot give a kernel: no
``os.fork`` or not Linux (:func:`forking_unavailable`), the factory does not start, exits, or
cannot fork (:class:`FactoryUnavailable`; :func:`take_fallbacks` hands the reasons to the job).

Determinism
-----------
Children get ``PYTHONHASHSEED`` of the factory (set to 0), ``SOURCE_DATE_EPOCH`` (matplotlib then
writes no wall-clock date into SVG/PDF), ``svg.hashsalt`` (stable SVG element ids) and seeded
global random generators (``random``, ``numpy.random``: seaborn's jitter draws from them), so the
same notebook, data and parameters give byte-identical figures. Stock kernels get the same: the
variables in their environment, the rest from this module loaded as an IPython extension
(:func:`load_ipython_extension`), so both launchers give the same results and pages.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import fcntl
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

from analysis import config
from analysis.errors import UsageError

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
ENV_LOCK = "DIALOGIC_KERNEL_FACTORY_LOCK"  # descriptor the factory holds locked while it lives
SVG_HASHSALT = "dialogic"
SOURCE_DATE_EPOCH = "0"
#: Environment of the factory (so of its forks) and of every stock kernel.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: How long a kernel request waits for a factory that is still importing.
FACTORY_WAIT_S = 60.0


class FactoryUnavailable(RuntimeError):
    """The kernel factory cannot give a kernel; the message says why (a stock one is started)."""


# -------------------------------------------------------------------------------- the launcher


def forking_unavailable() -> str | None:
    """Why kernels cannot be forked here (no ``os.fork``, no Unix sockets, not Linux), or None."""
    if not hasattr(os, "fork"):
        return "os.fork is not available on this system"
    if not hasattr(socket, "AF_UNIX"):
        return "Unix sockets are not available on this system"
    if not sys.platform.startswith("linux"):
        return f"forked kernels need Linux (this is {sys.platform})"
    return None


def requested_launcher(name: str | None = None) -> str:
    """``name``, else ``$DIALOGIC_KERNELS``, else :data:`analysis.config.KERNEL_LAUNCHER`."""
    value = name or os.environ.get(config.KERNELS_ENV) or config.KERNEL_LAUNCHER
    if value not in config.KERNEL_LAUNCHERS:
        where = "--kernels" if name else f"${config.KERNELS_ENV}"
        raise UsageError(f"{where} is {value!r}; use one of {', '.join(config.KERNEL_LAUNCHERS)}")
    return value


def fallback_warning(why: str) -> str:
    """The warning of a run that asked for forked kernels and gets stock ones."""
    return f"forked kernels unavailable ({why}); using the stock jupyter_client kernel manager"


def choose_launcher(name: str | None = None) -> tuple[str, str | None]:
    """The launcher to use (``"forked"`` or ``"stock"``) and, on a fallback, the warning why."""
    launcher = requested_launcher(name)
    if launcher == "forked":
        why = forking_unavailable()
        if why:
            return "stock", fallback_warning(why)
    return launcher, None


def manager_class(launcher: str | None = None) -> type[AsyncKernelManager]:
    """papermill's ``kernel_manager_class`` for ``launcher`` (default: :func:`choose_launcher`)."""
    launcher, why = choose_launcher(launcher)
    if why:  # a job sent as forked to a worker that cannot fork
        _FALLBACKS.append(why)
    return ForkedKernelManager if launcher == "forked" else StockKernelManager


_FALLBACKS: list[str] = []


def take_fallbacks() -> list[str]:
    """The fallback warnings of this process since the last call (each kernel that fell back)."""
    taken = list(dict.fromkeys(_FALLBACKS))
    _FALLBACKS.clear()
    return taken


def _seed_generators() -> None:
    # Same seed in every kernel: code that draws from the global generators (seaborn's strip-plot
    # jitter uses np.random) gives the same figure on every run of the same report.
    import random

    random.seed(0)
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed(0)


def load_ipython_extension(ipython) -> None:
    """In a stock kernel (``--IPKernelApp.extra_extensions``): what a forked kernel inherits."""
    for name in ("numpy", "matplotlib"):
        with contextlib.suppress(ImportError):  # both are dependencies
            importlib.import_module(name)
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].rcParams["svg.hashsalt"] = SVG_HASHSALT
    _seed_generators()


def notebook_imports(paths) -> list[str]:
    """Modules a set of notebooks import.

    ``import x.y`` gives ``x.y``; ``from x import y`` gives ``x`` and ``x.y``.

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
        with contextlib.suppress(Exception):  # warming is an optimisation only
            getattr(importlib.import_module(module), function)(*(values[a] for a in args))


def _preload(modules) -> None:
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in modules:
        with contextlib.suppress(Exception):  # a module that fails here fails in the notebook
            importlib.import_module(name)
    _warm_calls()
    if "matplotlib" in sys.modules:
        sys.modules["matplotlib"].rcParams["svg.hashsalt"] = SVG_HASHSALT


def _become_kernel(request: dict, lock: int | None = None) -> None:
    """In the forked child: detach, take the report's cwd and env, and run an ipykernel."""
    if lock is not None:  # the factory's liveness lock: released when the factory dies, not us
        os.close(lock)
    os.setsid()
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
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
    _seed_generators()
    sys.argv = ["ipykernel_launcher", "-f", request["connection_file"]]
    from ipykernel.kernelapp import IPKernelApp

    # parent_handle: ipykernel exits when the factory goes away (a killed run leaves no kernel)
    app = IPKernelApp.instance()
    app.initialize(
        [
            "-f",
            request["connection_file"],
            "--HistoryManager.enabled=False",
            f"--IPKernelApp.parent_handle={os.getppid()}",
        ]
    )
    _inline_figures()
    app.start()


def _inline_figures() -> None:
    """What importing pyplot does in a new kernel, done now that the shell exists (the factory
    imported pyplot before): pyplot figures shown inline, and flushed at the end of each cell, as
    in a stock kernel. Without it ``plt.show()`` showed nothing in a forked kernel."""
    backend = sys.modules.get("matplotlib_inline.backend_inline")
    if backend is not None and "matplotlib.pyplot" in sys.modules:
        with contextlib.suppress(Exception):  # a private hook of matplotlib-inline
            backend._enable_matplotlib_integration()


def serve(address: str, modules) -> None:
    """Run the kernel factory: preload ``modules``, then fork a kernel per request on ``address``.

    A request is one JSON line ``{"connection_file", "cwd", "env", "log"}``; the answer is
    ``{"pid": <child pid>}``, or ``{"error": ...}`` when ``fork()`` fails. Children are reaped
    automatically (``SIGCHLD`` ignored). The factory exits when its parent process dies. While it
    lives it holds the lock on the descriptor ``$DIALOGIC_KERNEL_FACTORY_LOCK`` (taken by
    :class:`KernelFactory`), so a client sees at once that it died (:func:`factory_alive`).
    """
    lock = os.environ.pop(ENV_LOCK, None)
    lock = int(lock) if lock else None
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
            try:
                pid = os.fork()
            except OSError as exc:  # out of memory or processes: the client starts a stock kernel
                conn.sendall((json.dumps({"error": str(exc)}) + "\n").encode())
                continue
            if pid == 0:  # child
                server.close()
                conn.close()
                try:
                    _become_kernel(request, lock)
                finally:
                    os._exit(0)
            conn.sendall((json.dumps({"pid": pid}) + "\n").encode())


def _factory_command(address: str, modules) -> list[str]:
    return [sys.executable, "-m", "analysis.runner.kernels", address, *PRELOAD, *modules]


class KernelFactory:
    """A running kernel factory process (see :func:`serve`); ``address`` is its Unix socket path.

    Raises :class:`FactoryUnavailable` when the process cannot be started (or, with ``wait``,
    when it exits before it is ready).
    """

    def __init__(self, modules=(), wait: bool = True):
        reason = forking_unavailable()
        if reason:
            raise FactoryUnavailable(reason)
        self.dir = tempfile.mkdtemp(prefix="dialogic-kf-")
        self.address = os.path.join(self.dir, "factory.sock")
        # locked here and handed to the factory, which holds it until it exits
        lock = os.open(os.path.join(self.dir, "alive"), os.O_CREAT | os.O_RDWR, 0o600)
        env = dict(os.environ, **KERNEL_ENV, **{ENV_LOCK: str(lock)})
        env.pop(ENV_ADDRESS, None)
        self._ready = False
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self.process = subprocess.Popen(
                _factory_command(self.address, modules),
                env=env,
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                pass_fds=(lock,),
            )
        except OSError as exc:
            self.process = None
            self.close()
            raise FactoryUnavailable(f"the kernel factory could not start: {exc}") from exc
        finally:
            os.close(lock)
        atexit.register(self.close)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        """Block until the factory has imported its modules and listens (a few seconds, once)."""
        if not self._ready:
            line = self.process.stdout.readline()
            if line.strip() != b"ready":
                raise FactoryUnavailable(
                    f"the kernel factory stopped before it was ready "
                    f"(exit code {self.process.wait(5)})"
                )
            self._ready = True

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for name in ("factory.sock", "alive"):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.dir, name))
        with contextlib.suppress(OSError):
            os.rmdir(self.dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_PROCESS_FACTORY: KernelFactory | None = None
_PROCESS_FACTORY_FAILED: str | None = None  # why this process's own factory did not start


def factory_address() -> str:
    """Address of this process's kernel factory: ``$DIALOGIC_KERNEL_FACTORY`` or one started here.

    Dask workers on another machine have no factory from the submitting process; each starts its
    own on first use and keeps it for its lifetime. Raises :class:`FactoryUnavailable` when it
    cannot start (then and for every later kernel of the process: it is not tried again).
    """
    global _PROCESS_FACTORY, _PROCESS_FACTORY_FAILED
    address = os.environ.get(ENV_ADDRESS)
    if address:  # the run's factory (it may still be importing: fork_kernel waits for its socket)
        return address
    if _PROCESS_FACTORY_FAILED:
        raise FactoryUnavailable(_PROCESS_FACTORY_FAILED)
    if _PROCESS_FACTORY is None or _PROCESS_FACTORY.process.poll() is not None:
        try:
            _PROCESS_FACTORY = KernelFactory(os.environ.get(ENV_PRELOAD, "").split())
        except FactoryUnavailable as exc:
            _PROCESS_FACTORY_FAILED = str(exc)
            raise
    return _PROCESS_FACTORY.address


def factory_alive(address: str) -> bool:
    """False when the factory at ``address`` has exited (its lock is free) or was closed.

    A factory not started by :class:`KernelFactory` (no lock file) is taken to be alive.
    """
    folder = os.path.dirname(address)
    if not os.path.isdir(folder):
        return False
    try:
        fd = os.open(os.path.join(folder, "alive"), os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases the shared lock, if it was taken
    return False


def fork_kernel(
    address: str, connection_file: str, cwd: str, env: dict, log: str | None = None
) -> int:
    """Ask the factory at ``address`` for a kernel on ``connection_file``; return the kernel's pid.

    Raises :class:`FactoryUnavailable` (saying why) when the factory has exited, does not answer
    within :data:`FACTORY_WAIT_S`, stops while answering or cannot fork.
    """
    deadline = time.monotonic() + FACTORY_WAIT_S
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        while True:  # the factory may still be importing (first report of a run)
            try:
                sock.connect(address)
                break
            except (FileNotFoundError, ConnectionRefusedError) as exc:
                if not factory_alive(address):
                    raise FactoryUnavailable("the kernel factory exited") from exc
                if time.monotonic() > deadline:
                    raise FactoryUnavailable(
                        f"the kernel factory did not answer within {FACTORY_WAIT_S:.0f} s"
                    ) from exc
                time.sleep(0.1)
            except OSError as exc:
                raise FactoryUnavailable(f"the kernel factory cannot be reached: {exc}") from exc
        request = {"connection_file": connection_file, "cwd": cwd, "env": env, "log": log}
        try:
            sock.sendall((json.dumps(request) + "\n").encode())
            answer = json.loads(sock.makefile("r").readline())
        except (OSError, ValueError) as exc:
            raise FactoryUnavailable("the kernel factory stopped while starting a kernel") from exc
    if "error" in answer:
        raise FactoryUnavailable(f"the kernel factory could not fork: {answer['error']}")
    return answer["pid"]


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


class StockProvisioner(LocalProvisioner):
    """jupyter_client's ``LocalProvisioner`` (a new interpreter from the kernel spec), with the
    determinism of a forked kernel: :data:`KERNEL_ENV`, ``SOURCE_DATE_EPOCH``, no history file,
    and :func:`load_ipython_extension` (seeded generators, SVG salt)."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        env = dict(kwargs.get("env") or os.environ, **KERNEL_ENV)
        env.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        env.setdefault("MPLBACKEND", INLINE_BACKEND)
        if any("ipykernel" in part for part in cmd):  # the options are ipykernel's
            cmd = [
                *cmd,
                "--HistoryManager.enabled=False",
                "--IPKernelApp.extra_extensions=analysis.runner.kernels",
                "--IPKernelApp.log_level=ERROR",  # a forked kernel's log goes to /dev/null
            ]
        return await super().launch_kernel(cmd, **dict(kwargs, env=env))


class ForkProvisioner(StockProvisioner):
    """Launch the kernel by forking the warm factory instead of starting a new interpreter; when
    the factory cannot give one, start a stock kernel and record why (:func:`take_fallbacks`)."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        connection_file = cmd[cmd.index("-f") + 1]
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        try:
            pid = fork_kernel(factory_address(), connection_file, cwd, env)
        except FactoryUnavailable as exc:
            _FALLBACKS.append(fallback_warning(str(exc)))
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedProcess(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class StockKernelManager(AsyncKernelManager):
    """jupyter_client's ``AsyncKernelManager`` with :class:`StockProvisioner` (what papermill
    uses by default, plus the determinism of the forked kernels)."""

    provisioner_class: type[LocalProvisioner] = StockProvisioner

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            import uuid

            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = self.provisioner_class(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)


class ForkedKernelManager(StockKernelManager):
    """An ``AsyncKernelManager`` whose kernels come from the warm factory (module docstring)."""

    provisioner_class = ForkProvisioner


class RunKernels:
    """The kernels of one ``dialogic run``: the launcher and, for forked kernels run on this
    machine, the run's factory (its address in ``$DIALOGIC_KERNEL_FACTORY`` for the workers).

    ``warn`` gets each fallback warning once: the choice's (:func:`choose_launcher`), the
    factory's start, and those the jobs bring back (:meth:`report`). :meth:`close` stops the
    factory.
    """

    def __init__(self, requested=None, preload=(), local: bool = True, warn=print):
        self.warn = warn
        self.launcher, why = choose_launcher(requested)
        self._shown: set[str] = set()
        self._previous = os.environ.get(ENV_ADDRESS)
        self.factory: KernelFactory | None = None
        if why:
            self._warn(why)
        if self.launcher == "forked" and local:
            try:
                self.factory = KernelFactory(preload, wait=False)
            except FactoryUnavailable as exc:
                self._warn(fallback_warning(str(exc)))
                self.launcher = "stock"
            else:
                os.environ[ENV_ADDRESS] = self.factory.address

    def _warn(self, line: str) -> None:
        if line not in self._shown:
            self._shown.add(line)
            self.warn(line)

    def report(self, outcome: dict) -> None:
        """Warn about the fallbacks of a finished job (``outcome["warnings"]``), once each."""
        code = self.factory.process.poll() if self.factory is not None else None
        for line in outcome.get("warnings") or ():
            if code is not None and "factory exited" in line:
                line = line.replace("factory exited", f"factory exited with code {code}")
            self._warn(line)

    def close(self) -> None:
        if self.factory is not None:
            self.factory.close()
            if self._previous is None:
                os.environ.pop(ENV_ADDRESS, None)
            else:
                os.environ[ENV_ADDRESS] = self._previous


if __name__ == "__main__":  # python -m analysis.runner.kernels <socket> <module>...
    serve(sys.argv[1], sys.argv[2:])
