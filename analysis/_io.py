"""The one place for writing files safely, hashing them, and resolving paths from the project root.

Atomic writes
    A file is written to a temporary file beside it and renamed over it with ``os.replace``:
    a reader, or a run killed midway, sees the old file or the new one, never half of one.
    :func:`atomic_write` takes bytes or text; :func:`atomic_path` hands a temporary path to a
    writer that wants a file name (``DataFrame.to_parquet``, a browser printing a PDF).

File mode
    One policy for every file written here: a new file gets the mode an ordinary ``open()``
    gives it, ``0o666`` minus the process umask (``0o644`` under the usual umask 022, ``0o640``
    under 027). ``mkstemp`` alone would leave it ``0o600``, unreadable by a web server or a
    colleague; a fixed ``0o644`` would override a umask a researcher chose on purpose. Folders
    made by :func:`atomic_dir` likewise get ``0o777`` minus the umask.

Atomic folders
    :func:`atomic_dir` builds a folder under a temporary name and renames it into place;
    :func:`replace_dir` swaps a finished folder in for an existing one with two renames.

Hashing
    :func:`file_sha256` reads a file in 1 MiB chunks (constant memory).

Paths
    :func:`from_root` takes a relative path from the project root
    (:data:`analysis.config.PROJECT_ROOT`),
    :func:`given_or_root` does so only when the path does not exist as given (command lines),
    :func:`relative_to_root` writes a path as provenance records it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def default_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: ``0o666`` minus the process umask."""
    return 0o666 & ~_umask()


def default_dir_mode() -> int:
    """The mode ``mkdir`` gives a new folder: ``0o777`` minus the process umask."""
    return 0o777 & ~_umask()


@contextmanager
def atomic_path(path: str | Path, *, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block succeeds.

    The temporary file exists (empty) when the block starts. On an exception it is removed and
    ``path`` is left as it was. The parent folder is created when missing.

    >>> with atomic_path(out) as tmp:  # doctest: +SKIP
    ...     frame.to_parquet(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, default_file_mode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(
    path: str | Path, data: bytes | str, *, encoding: str = "utf-8", fsync: bool = False
) -> Path:
    """Write ``data`` (bytes, or text in ``encoding``) to ``path`` atomically; return ``path``.

    ``fsync`` flushes the bytes to the disk before the rename (state files that must survive a
    power cut); without it the rename is atomic but the content may still be in the page cache.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode(encoding)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        if fsync:
            fh.flush()
            os.fsync(fh.fileno())
    return path


def replace_dir(src: str | Path, target: str | Path, *, trash: str | Path | None = None) -> Path:
    """Move the finished folder ``src`` to ``target``, replacing the folder there with two renames.

    The old folder is first renamed into ``trash`` (default: beside ``target``) as
    ``<name>@<pid>``, then ``src`` takes its place and the old folder is deleted. A process
    killed between the two renames leaves the old folder in ``trash``, whence a caller can put
    it back (:func:`analysis.runner.publish.recover`). Both folders must be on one file system.
    """
    src, target = Path(src), Path(target)
    old = None
    if target.exists():
        trash = Path(trash) if trash is not None else target.parent
        trash.mkdir(parents=True, exist_ok=True)
        old = trash / f"{'.' if trash == target.parent else ''}{target.name}@{os.getpid()}"
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
    os.rename(src, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


@contextmanager
def atomic_dir(target: str | Path, *, replace: bool = False) -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill; renamed to ``target`` when the block succeeds.

    With ``replace=False`` an existing ``target`` is kept (``os.replace`` refuses to replace a
    folder that is not empty and raises ``OSError``: the first writer wins, as two writers of
    the same cache entry want); with ``replace=True`` it is swapped out (:func:`replace_dir`).
    On an exception, or when the rename fails, the temporary folder is removed.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.chmod(tmp, default_dir_mode())  # mkdtemp creates 0700
        yield tmp
        if replace:
            replace_dir(tmp, target)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def file_sha256(path: str | Path, chunk: int = CHUNK) -> str:
    """Hex SHA-256 of a file's bytes, read in ``chunk``-byte blocks (1 MiB: constant memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _root(root: str | Path | None) -> Path:
    if root is not None:
        return Path(root)
    from analysis import config  # read at call time: tests point the root elsewhere

    return config.PROJECT_ROOT


def from_root(path: str | Path, root: str | Path | None = None) -> Path:
    """``path`` with ``~`` expanded; a relative path is taken from ``root`` (the project root)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else _root(root) / p


def given_or_root(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` as given when it exists from here (or is absolute, or is not under ``root``
    either), else the same path under ``root``: recorded commands work from any folder."""
    p = Path(path).expanduser()
    if p.exists() or p.is_absolute() or not (_root(root) / p).exists():
        return str(path)
    return str(_root(root) / p)


def relative_to_root(path: str | Path, root: str | Path | None = None) -> str:
    """``path`` relative to ``root`` when inside it (POSIX separators), else as given."""
    try:
        return Path(path).resolve().relative_to(_root(root).resolve()).as_posix()
    except ValueError:
        return str(path)
