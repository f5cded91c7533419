"""The import log and the quarantine of one data set.

Two append-only JSON-lines files sit beside the canonical tables in ``data/processed/<name>/``:

``import_log.jsonl``
    One line per import: time, command, dialogic version, format, every raw file with its sha256
    and size, counts in / kept / quarantined per table, and the privacy choice.
``quarantine.jsonl``
    One line per input record that did not make it into a table: source file, record locator
    (line, JSON path or CSV row), table, reason, and the raw text (or the parsed record when the
    reason was found after parsing, e.g. a missing parent).

``dataset.json``
    What the data set is (name, platforms, counts, ``simulated``, ``comments_available``), read
    with :func:`read_dataset_info` by the reports and by the runner before any kernel starts.

Raw files are only ever read. Nothing here deletes a line: the files are the audit trail.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

IMPORT_LOG = "import_log.jsonl"
QUARANTINE = "quarantine.jsonl"
#: Names the importer (``dataset.json``) and the demo simulator (``DATASET.json``) give the file
#: that describes a data set; ``"simulated": true`` in it puts the notice on every report page.
DATASET_FILES = ("dataset.json", "DATASET.json")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks (constant memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def now_utc() -> str:
    """The current time as ISO 8601 UTC, e.g. ``2024-07-08T12:00:00+00:00``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(obj) -> bytes:
    return orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS) + b"\n"


def append_log(out_dir: Path, entry: dict) -> None:
    """Append one entry to ``out_dir/import_log.jsonl``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / IMPORT_LOG, "ab") as fh:
        fh.write(_dumps(entry))


def read_log(out_dir: Path) -> list[dict]:
    """All entries of the import log (empty list when nothing was imported yet)."""
    path = Path(out_dir) / IMPORT_LOG
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def imported_hashes(out_dir: Path) -> dict[str, str]:
    """sha256 -> file name of every raw file already imported into ``out_dir``."""
    return {f["sha256"]: f["path"] for e in read_log(out_dir) for f in e.get("files", [])}


class Quarantine:
    """Streaming writer of rejected records; counts them per table.

    Use as a context manager; records go to ``out_dir/quarantine.jsonl`` as they come, so a large
    import never holds them in memory.
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / QUARANTINE
        self.counts: dict[str, int] = {}
        self.reasons: dict[str, int] = {}
        self._fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "ab")
        return self

    def __exit__(self, *exc):
        self._fh.close()

    def add(self, table: str, source: str, locator: str, reason: str, raw=None, record=None) -> None:
        """Quarantine one record of ``table`` read from ``source`` at ``locator`` because of ``reason``."""
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", errors="replace")
        entry = {"time": now_utc(), "table": table, "source": source, "locator": locator, "reason": reason}
        if raw is not None:
            entry["raw"] = raw
        if record is not None:
            entry["record"] = record
        self._fh.write(_dumps(entry))
        self.counts[table] = self.counts.get(table, 0) + 1
        key = reason.split(":")[0]
        self.reasons[key] = self.reasons.get(key, 0) + 1


def read_quarantine(out_dir: Path) -> list[dict]:
    """All quarantined records of ``out_dir`` (empty list when none)."""
    path = Path(out_dir) / QUARANTINE
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def read_dataset_info(data_dir: Path) -> dict[str, Any]:
    """The ``dataset.json`` of ``data_dir`` as a dict, or ``{}`` when there is none.

    Raises
    ------
    ValueError
        When the file exists but is not a JSON object (names the file and the fix).
    """
    for name in DATASET_FILES:
        path = Path(data_dir) / name
        if path.is_file():
            try:
                info = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path} is not valid JSON ({exc}); fix the file or delete it "
                                 f"(it only describes the data set)") from None
            if not isinstance(info, dict):
                raise ValueError(f"{path} must hold a JSON object such as {{\"simulated\": false}}")
            return info
    return {}
