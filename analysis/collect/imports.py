"""A collection folder -> canonical tables, with the existing importers, in passes.

Raw responses overlap: a Bluesky thread holds the post its feed page listed, a continuation holds
the reply its parent thread ended on, a Mastodon timeline lists the self-replies its contexts hold.
Imported in one go, the second copy of each would be quarantined as a ``duplicate id``; imported in
passes, a record already in the data set is *kept once* (counted ``already`` in the summary), which
is the importers' own rule for re-imports. The passes (``collection.json`` gives each file its
``level``):

* Bluesky: 0 = profiles and threads, 1.. = continuations of deep threads, 99 = feed pages (their
  posts are already in; posts outside the window or without their thread are quarantined with the
  reason, reposts as shares);
* Mastodon: 0 = accounts and timeline pages (posts outside the window or whose context failed are
  quarantined with the reason), 1 = contexts (the replies).

Every record of every response thus ends in a table (new or already present) or in the quarantine
with a reason. Rerunning adds nothing: files already imported are skipped by their sha256.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from analysis.collect.log import SUMMARY_FILE

FIRST = ("profile", "account")  # profiles first: their fields (followers) win over the post views'


def import_plan(raw_dir: Path) -> list[tuple[int, str, list[Path]]]:
    """(level, format, files) in import order, from ``collection.json``."""
    summary = Path(raw_dir) / SUMMARY_FILE
    if not summary.is_file():
        raise FileNotFoundError(
            f"{summary} does not exist. Fix: run `dialogic collect bluesky|mastodon ... "
            f"--name {Path(raw_dir).name}` first (it writes the summary at the end of a run)"
        )
    files = orjson.loads(summary.read_bytes()).get("files") or {}
    groups: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for rel, info in files.items():
        if "format" not in info or not (Path(raw_dir) / rel).is_file():
            continue
        groups.setdefault((info["level"], info["format"]), []).append(
            (0 if info["kind"] in FIRST else 1, rel)
        )
    return [
        (level, fmt, [Path(raw_dir) / rel for _, rel in sorted(items)])
        for (level, fmt), items in sorted(groups.items())
    ]


def import_collection(
    raw_dir: Path,
    out_dir: Path,
    *,
    labels: Path | None = None,
    pseudonymize: bool = True,
    progress: bool = True,
    name: str | None = None,
    command: str | None = None,
) -> list:
    """Import every raw file of a collection folder; returns the :class:`ImportSummary` of each
    pass."""
    from analysis.importers import import_paths

    out = []
    for level, fmt, paths in import_plan(raw_dir):
        out.append(
            import_paths(
                fmt,
                paths,
                Path(out_dir),
                labels=labels,
                pseudonymize=pseudonymize,
                progress=progress,
                name=name or Path(raw_dir).name,
                command=(command or f"dialogic collect import {Path(raw_dir).name}")
                + f"  # pass {level}, {fmt}",
            )
        )
    return out


def combined_counts(summaries: list) -> dict[str, dict[str, int]]:
    """Counts per table over the passes: read, added, already present, quarantined."""
    total: dict[str, dict[str, int]] = {}
    for s in summaries:
        for table, c in s.counts.items():
            t = total.setdefault(table, {"read": 0, "added": 0, "already": 0, "quarantined": 0})
            t["read"] += c.read
            t["added"] += c.added
            t["already"] += c.already_present
            t["quarantined"] += c.quarantined
    return total
