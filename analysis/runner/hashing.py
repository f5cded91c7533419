"""Content hashes and the cache key of a report (atomic writes and file hashing:
:mod:`analysis._io`).

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
from pathlib import Path
from typing import Any

from analysis import _io, config
from analysis._io import atomic_write, default_file_mode  # noqa: F401 (the runner's names for them)

CACHE_DIR = config.RUNNER_CACHE_DIR
_MEMO_FILE = CACHE_DIR / "file-hashes.json"
_memo: dict[str, list] | None = None
_memo_dirty = False
#: Bump when the runner changes what it writes into a report folder.
FORMAT_VERSION = 1


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
    sha = _io.file_sha256(path)
    memo[str(path)] = [st.st_size, st.st_mtime_ns, sha]
    _memo_dirty = True
    return sha


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
