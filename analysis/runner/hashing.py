"""Content hashes, the cache key of a report, and atomic file writes.

A report is skipped when its *cache key* is the one recorded in its ``provenance.json``. The key
is the SHA-256 of (canonical JSON of):

- the notebook's content hash,
- the report's parameters,
- the content hash of every file of its input data folder,
- the lock file (``requirements.lock``: the exact environment),
- the ``analysis`` package's source (the code the notebook calls; the runner itself excluded),
- the audiences and languages rendered.

Hashing a large data folder on every run would be slow, so file hashes are memoised in
``.dialogic-cache/file-hashes.json`` by (path, size, modification time): a file whose size and
mtime are unchanged is not read again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from analysis import config

CACHE_DIR = config.PROJECT_ROOT / ".dialogic-cache"
_MEMO_FILE = CACHE_DIR / "file-hashes.json"
_memo: dict[str, list] | None = None
_memo_dirty = False
#: Bump when the runner changes what it writes into a report folder.
FORMAT_VERSION = 1


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``: readers (and a run
    killed midway) see the old file or the new one, never half of one.

    ``mkstemp`` creates its file readable by the owner only (0600); the file gets the mode an
    ordinary ``open()`` would give it (``0o666`` minus the umask) before it replaces ``path``, so
    published pages stay readable by a web server or a colleague."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            os.fchmod(fh.fileno(), default_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def default_file_mode() -> int:
    """The mode ``open(path, "w")`` gives a new file: ``0o666`` minus the process umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def canonical_json(value: Any) -> str:
    """Sorted-key, compact JSON: equal values give equal text, hence equal hashes."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def _load_memo() -> dict[str, list]:
    global _memo
    if _memo is None:
        try:
            _memo = json.loads(_MEMO_FILE.read_text())
        except (OSError, ValueError):
            _memo = {}
    return _memo


def save_memo() -> None:
    """Persist the file-hash memo (call once at the end of a run)."""
    global _memo_dirty
    if _memo is not None and _memo_dirty:
        atomic_write(_MEMO_FILE, json.dumps(_memo).encode())
        _memo_dirty = False


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, memoised by (absolute path, size, mtime)."""
    global _memo_dirty
    path = Path(path).resolve()
    st = path.stat()
    memo = _load_memo()
    hit = memo.get(str(path))
    if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
        return hit[2]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    memo[str(path)] = [st.st_size, st.st_mtime_ns, h.hexdigest()]
    _memo_dirty = True
    return h.hexdigest()


def tree_hashes(root: Path, pattern: str = "**/*") -> dict[str, str]:
    """Relative path -> SHA-256 of every file under ``root`` (hidden files skipped), sorted."""
    root = Path(root)
    if root.is_file():
        return {root.name: file_sha256(root)}
    files = sorted(
        p
        for p in root.glob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in files}


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def code_hash() -> str:
    """Hash of the ``analysis`` package source the notebooks call (the runner itself excluded)."""
    files = {
        k: v
        for k, v in tree_hashes(config.PACKAGE_DIR, "**/*").items()
        if not k.startswith("runner/") and "__pycache__" not in k and not k.endswith(".pyc")
    }
    return digest(files)


def lock_hash() -> str:
    """Hash of ``requirements.lock`` (empty string when the project has no lock file)."""
    return file_sha256(config.LOCK_FILE) if config.LOCK_FILE.is_file() else ""
