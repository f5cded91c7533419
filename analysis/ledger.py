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

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from analysis._io import CHUNK, file_sha256

IMPORT_LOG = "import_log.jsonl"
QUARANTINE = "quarantine.jsonl"
#: Names the importer (``dataset.json``) and the demo simulator (``DATASET.json``) give the file
#: that describes a data set; ``"simulated": true`` in it puts the notice on every report page.
DATASET_FILES = ("dataset.json", "DATASET.json")


def sha256_file(path: Path, chunk: int = CHUNK) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks (:func:`analysis._io.file_sha256`)."""
    return file_sha256(path, chunk)


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

    def add(
        self, table: str, source: str, locator: str, reason: str, raw=None, record=None
    ) -> None:
        """Quarantine one record of ``table`` read from ``source`` at ``locator`` because of
        ``reason``."""
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", errors="replace")
        entry = {
            "time": now_utc(),
            "table": table,
            "source": source,
            "locator": locator,
            "reason": reason,
        }
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
                raise ValueError(
                    f"{path} is not valid JSON ({exc}); fix the file or delete it "
                    f"(it only describes the data set)"
                ) from None
            if not isinstance(info, dict):
                raise ValueError(f'{path} must hold a JSON object such as {{"simulated": false}}')
            return info
    return {}


# ------------------------------------------------------------------------- quarantine summary
#: Reason families the importers write (docs/importers.md, Accounting), in plain words: what they
#: mean for the data. Reasons carry record-specific values (ids, times, URLs); the family does not.
#: Keys are a family, or (table, family) where the meaning depends on the table.
REASON_GLOSS = {
    (
        "comments",
        "post not found",
    ): "parent post not in the data: the export holds replies to posts it does "
    "not contain; import those posts too",
    "post not found": "the post's own record is not in the data",
    (
        "comments",
        "parent missing",
    ): "the comment they reply to is not in the data: import the rest of the thread",
    "parent missing": "the record it hangs under is not in the data",
    "parent quarantined": "the record they hang under was quarantined itself",
    "parent under another post": "their parent belongs to a different post",
    "duplicate id": "the same record appears again, e.g. fetched twice or on overlapping pages: "
    "kept once",
    "timestamp has no time zone": "times written without a zone: pass --tz with the zone they "
    "are in",
    "unreadable timestamp": "a time that cannot be parsed",
    "reply before its post": "dated before their post: check the time zones of both",
    "reply cycle": "the parent chain loops back on itself",
    "depth disagrees": "the depth given disagrees with the parent chain",
    "is_owner disagrees": "is_owner given disagrees with the post's account",
    "retweet": "a share, neither a post nor a reply",
    "reblog": "a share, neither a post nor a reply",
    "repost": "a share, neither a post nor a reply",
    "no brand": "a customer conversation no brand of the file answers or names",
    "not a data response": "an authentication exchange recorded beside the data; its body is not "
    "kept",
    "malformed JSON line": "a line that is not JSON (truncated or damaged)",
    "malformed record": "a record the reader could not read",
}
_CASCADE = re.compile(r"^inside (?P<what>.+?) at .+? \((?P<why>.*)\)$", re.S)
_VALUE_PATTERNS = [
    (re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`"), "'…'"),
    (re.compile(r"\b\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?"), "<time>"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I), "<url>"),
    (re.compile(r"\b[\w.-]+:[\w./:@-]*\d[\w./:@-]*"), "<id>"),  # platform:id
    (re.compile(r"(?<!\w)\d[\d,._]*(?![A-Za-z])"), "<n>"),
]


def reason_family(reason: str) -> str:
    """The kind of a quarantine reason without its record-specific values, e.g. ``post not
    found: bluesky:at://... is not in this import`` -> ``post not found`` and ``timestamp
    2020-01-09T00:05:02 has no time zone (pass --tz ...)`` -> ``timestamp has no time zone``."""
    text = " ".join(str(reason or "").split())
    if not text:
        return "(no reason)"
    cascade = _CASCADE.match(text)
    if cascade:
        return f"inside {cascade['what']} ({reason_family(cascade['why'])})"
    if text.startswith("timestamp ") and " has no time zone" in text:
        return "timestamp has no time zone"
    if text.startswith("missing field: "):
        return (
            "missing field: "
            + re.split(r" \(|; |, ", text[len("missing field: ") :], maxsplit=1)[0][:40]
        )
    for family in (k for k in REASON_GLOSS if isinstance(k, str)):
        if text == family or text.startswith(family + ":") or text.startswith(family + " "):
            return family
    for pattern, placeholder in _VALUE_PATTERNS[:2]:
        text = pattern.sub(placeholder, text)
    head = text.split(": ", 1)[0]
    for pattern, placeholder in _VALUE_PATTERNS[2:]:
        head = pattern.sub(placeholder, head)
    head = re.sub(r"\s*\([^()]*\)?$", "", head).strip() or head
    return head[:80] + ("…" if len(head) > 80 else "")


def summarize_quarantine(out_dir: Path, offset: int = 0) -> dict[tuple[str, str], dict]:
    """Quarantined records of ``out_dir`` from byte ``offset`` on (what one import added), grouped
    by (table, reason family): ``{(table, family): {"n": count, "example": first reason}}``,
    largest first.

    Streams the file: memory grows with the number of families, not of records.
    """
    path = Path(out_dir) / QUARANTINE
    groups: dict[tuple[str, str], dict] = {}
    if not path.exists():
        return groups
    with open(path, "rb") as fh:
        fh.seek(offset)
        for line in fh:
            if not line.strip():
                continue
            entry = orjson.loads(line)
            reason = str(entry.get("reason") or "")
            key = (str(entry.get("table") or "unparsed"), reason_family(reason))
            g = groups.get(key)
            if g is None:
                groups[key] = {"n": 1, "example": reason}
            else:
                g["n"] += 1
    return dict(sorted(groups.items(), key=lambda kv: (-kv[1]["n"], kv[0])))


def quarantine_summary_text(
    groups: dict[tuple[str, str], dict],
    path: Path | None = None,
    top: int = 8,
    example_chars: int = 160,
) -> str:
    """The per-reason summary ``dialogic import`` prints: one line per (table, reason family),
    the largest ``top`` first, each with what it means (or an example reason) and the total;
    ``""`` when nothing was quarantined."""
    total = sum(g["n"] for g in groups.values())
    if not total:
        return ""
    tables: dict[str, int] = {}
    for (table, _), g in groups.items():
        tables[table] = tables.get(table, 0) + g["n"]
    lines = [
        f"quarantined {total:,} record(s) "
        f"({', '.join(f'{n:,} {t}' for t, n in tables.items())}), by reason:"
    ]
    width = len(f"{max(g['n'] for g in groups.values()):,}")
    for (table, family), g in list(groups.items())[:top]:
        gloss = (
            REASON_GLOSS.get((table, family))
            or REASON_GLOSS.get(family)
            or REASON_GLOSS.get(family.split(":")[0])
        )
        line = f"  {g['n']:>{width},} {table} '{family}'"
        if gloss:
            line += f" ({gloss})"
        lines.append(line)
        example = g["example"]
        if example != family:
            cut = example[:example_chars] + ("…" if len(example) > example_chars else "")
            lines.append(f"  {'':>{width}}   e.g. {cut}")
    rest = list(groups.values())[top:]
    if rest:
        lines.append(
            f"  ... and {len(rest)} more reason(s) for {sum(g['n'] for g in rest):,} record(s)"
        )
    if path is not None:
        lines.append(f"  every record with its full reason and locator: {path}")
    return "\n".join(lines)
