"""``import_paths``: raw files in, canonical tables + import log + quarantine out."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pandas as pd

from analysis import __version__
from analysis.coverage import MISSING_PARENT_REASONS, audit_tables
from analysis.errors import UsageError
from analysis.importers.assemble import TableCount, assemble
from analysis.importers.core import FORMATS, Sink, UnreadableFile, get_format, head_bytes
from analysis.importers.spill import Spill, system_allocator
from analysis.ledger import Quarantine, append_log, imported_hashes, now_utc, sha256_file
from analysis.schema import CanonicalTables, read_canonical, write_canonical

DATASET_FILE = "dataset.json"
_SKIP_NAMES = {
    "SOURCE.md",
    "README.md",
    "DATASET.json",
    "dataset.json",
    ".gitkeep",
    "collection_log.jsonl",
    "collection_state.json",
    "collection.json",
}  # `dialogic collect`'s own files


@dataclass
class ImportSummary:
    """What one import did. ``counts[table]`` reconciles: read = added + already present +
    quarantined."""

    out_dir: Path
    format: str
    files: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    counts: dict[str, TableCount] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    coverage: dict = field(
        default_factory=dict
    )  # the audit stored in dataset.json (analysis.coverage)

    def reconciles(self) -> bool:
        """True when every record read ended in a table or in the quarantine."""
        return all(c.reconciles() for c in self.counts.values())

    def table(self) -> str:
        """The counts as a small text table (what ``dialogic import`` prints at the end)."""
        lines = [
            f"{'table':<10} {'in':>9} {'kept':>9} {'(new':>9} {'already)':>9} {'quarantined':>12}"
        ]
        for name, c in self.counts.items():
            if name == "unparsed" and not c.read:
                continue
            lines.append(
                f"{name:<10} {c.read:>9,} {c.kept:>9,} {c.added:>9,} {c.already_present:>9,} "
                f"{c.quarantined:>12,}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        ok = (
            "in = kept + quarantined for every table"
            if self.reconciles()
            else "COUNTS DO NOT RECONCILE (a bug)"
        )
        parts = [
            f"Imported {len(self.files)} file(s) as {self.format} into {self.out_dir}",
            self.table(),
            ok,
        ]
        if self.skipped:
            parts.append("skipped: " + "; ".join(self.skipped))
        parts += [f"note: {n}" for n in self.notes]
        if self.coverage:
            from analysis.coverage import describe

            parts.append("coverage: " + describe(self.coverage))
        return "\n".join(parts)


def detect_format(path: Path) -> str:
    """The first registered format whose ``detect`` accepts ``path``; the error lists all
    formats."""
    head = head_bytes(path)
    for fmt in FORMATS.values():
        if fmt.folder != path.is_dir():
            continue
        try:
            if fmt.detect(path, head):
                return fmt.name
        except Exception:  # a detector must never break detection of the others
            continue
    raise UsageError(
        f"could not recognise the format of {path}. Fix: name it, e.g. "
        f"`dialogic import <format> {path}` with one of: {', '.join(FORMATS)}"
    )


def _expand(fmt: str | None, paths: list[Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(format, path) pairs, and the files not recognised; folders expand to their files unless the
    format reads whole folders.

    Files of a folder whose format is not recognised are returned with the reason (shown in the
    summary and the import log), never passed over without a word.
    """
    out, unrecognised = [], []
    for p in map(Path, paths):
        if not p.exists():
            raise FileNotFoundError(
                f"{p} does not exist. Fix: check the path (raw files are read, never moved)"
            )
        if fmt is not None and get_format(fmt).folder:
            out.append((fmt, p))
        elif p.is_dir():
            if fmt is None:
                try:
                    out.append((detect_format(p), p))
                    continue
                except ValueError:
                    pass
            for f in sorted(
                x
                for x in p.rglob("*")
                if x.is_file() and x.name not in _SKIP_NAMES and not x.name.startswith(".")
            ):
                if fmt is None:
                    try:
                        out.append((detect_format(f), f))
                    except ValueError:
                        unrecognised.append(
                            f"{f} (format not recognised; name the format to import it)"
                        )
                else:
                    out.append((fmt, f))
        else:
            out.append((fmt or detect_format(p), p))
    if not out:
        raise UsageError(
            f"no importable file found in {', '.join(map(str, paths))}. Fix: name the format "
            f"(one of {', '.join(FORMATS)}) or point to the files"
        )
    return out, unrecognised


def _files_of(path: Path) -> list[Path]:
    return sorted(x for x in path.rglob("*") if x.is_file()) if path.is_dir() else [path]


def _dataset_meta(
    out_dir: Path, name: str, items, tables: CanonicalTables, sink: Sink, files, quarantine
) -> dict:
    path = out_dir / DATASET_FILE
    meta = orjson.loads(path.read_bytes()) if path.exists() else {}
    meta.setdefault("name", name)
    meta.setdefault("simulated", False)
    for _, p in items:
        declared = p / "DATASET.json" if p.is_dir() else p.parent / "DATASET.json"
        if declared.exists():
            meta.update(
                {k: v for k, v in orjson.loads(declared.read_bytes()).items() if k != "sources"}
            )
    sources = meta.get("sources", [])
    seen = {s.get("sha256") for s in sources}
    sources += [f for f in files if f["sha256"] not in seen]
    meta["sources"] = sources
    meta["platforms"] = sorted(
        set(tables.posts["platform"].dropna().astype(str))
        | set(tables.accounts["platform"].dropna().astype(str))
    )
    flags = sink.state.get("comments_available")
    if flags is False and len(tables.comments) == 0:
        meta["comments_available"] = False
    else:
        meta.setdefault("comments_available", True)
        if len(tables.comments):
            meta["comments_available"] = True
    for flag in ("owner_identifiable", "created_at_precision"):
        if flag in sink.state:
            meta[flag] = sink.state[flag]
    meta["updated_at"] = now_utc()
    meta["counts"] = tables.counts()
    # coverage audit (analysis.coverage): collected vs reported comments, missing parents, owner
    # replies (missing parents: the earlier imports' count, plus this import's rejects of those
    # reasons)
    earlier = int((meta.get("coverage") or {}).get("missing_parents") or 0)
    now = sum(quarantine.reasons.get(r, 0) for r in MISSING_PARENT_REASONS)
    meta["coverage"] = audit_tables(
        tables, missing=earlier + now, owner_identifiable=meta.get("owner_identifiable")
    )
    return meta


def import_paths(
    fmt: str | None,
    paths: list[Path],
    out_dir: Path,
    *,
    labels: Path | None = None,
    pseudonymize: bool = True,
    progress: bool = True,
    name: str | None = None,
    naive_tz: str | None = None,
    command: str | None = None,
    column_mapping: Path | None = None,
) -> ImportSummary:
    """Import raw files into the canonical data set in ``out_dir`` (merging with what is there).

    Parameters
    ----------
    fmt
        A registered format name (see ``dialogic import --help``), or ``None`` to detect each file.
    paths
        Files or folders; folders are searched for files of the format.
    out_dir
        Data set folder (``config.PROCESSED_DIR / <name>`` from the CLI): canonical Parquet tables,
        ``import_log.jsonl``, ``quarantine.jsonl`` and ``dataset.json``.
    labels
        Account-type mapping CSV (``platform``, ``handle`` or ``id``, ``account_type``) overriding
        platform signals.
    pseudonymize
        Replace non-owner authors by keyed hashes (default). ``False`` is recorded in the import
        log.
    progress
        Show progress bars on large files.
    name
        Data set name written to ``dataset.json`` (default: the folder name of ``out_dir``).
    naive_tz
        Zone of timestamps that carry none (e.g. ``America/New_York``); without it they are
        quarantined.
    command
        The command line to record (default: ``sys.argv``).
    column_mapping
        Column-mapping YAML for the ``mapping`` format (implies it when ``fmt`` is ``None``);
        checked before any file is read, recorded in the import log with its sha256.

    Returns
    -------
    ImportSummary
        Files read (with sha256), files skipped because already imported, counts per table.

    Notes
    -----
    Files whose sha256 is already in the import log are skipped, and records whose id is already
    in the data set are kept once, so re-importing adds nothing.
    """
    from analysis.labels import read_mapping
    from analysis.privacy import load_key

    out_dir = Path(out_dir)
    spec = None
    if column_mapping is not None:
        from analysis.importers.mapping import STATE_KEY, load_mapping

        spec = load_mapping(Path(column_mapping))
        fmt = fmt or "mapping"
    elif fmt == "mapping":
        raise UsageError(
            "the mapping format needs a column-mapping file. Fix: add --mapping FILE.yaml "
            "(examples in docs/mappings/)"
        )
    items, unrecognised = _expand(fmt, [Path(p) for p in paths])
    mapping = read_mapping(labels) if labels else None
    done = imported_hashes(out_dir)
    started = now_utc()
    sink = Sink(key_time=started, progress=progress, naive_tz=naive_tz)
    if spec is not None:
        sink.state[STATE_KEY] = spec
        sink.notes.append(
            f"column mapping {spec.path.resolve()} (sha256 {sha256_file(spec.path)})"
        )
    summary = ImportSummary(out_dir=out_dir, format=fmt or "auto", skipped=unrecognised)
    used = []
    key = load_key() if pseudonymize else None
    # one pass over the input: rejects stream to the quarantine, posts and comments to a spill on
    # disk
    with (
        Quarantine(out_dir) as quarantine,
        pd.option_context("mode.string_storage", "pyarrow"),
        system_allocator(),
    ):
        sink.quarantine = quarantine
        sink.spill = Spill(out_dir, quarantine, naive_tz)
        try:
            _read_all(items, done, sink, summary, used)
            formats = sorted({f for f, _ in used}) or sorted({f for f, _ in items})
            summary.format = fmt or ("auto: " + ", ".join(formats))
            existing = read_canonical(out_dir) if (out_dir / "posts.parquet").exists() else None
            result = assemble(sink, existing, quarantine, key, mapping, naive_tz)
        finally:
            sink.spill.close()
        return _finish(
            out_dir,
            name,
            fmt,
            labels,
            naive_tz,
            pseudonymize,
            command,
            started,
            sink,
            summary,
            used,
            result,
            quarantine,
        )


def _read_all(items, done, sink: Sink, summary: ImportSummary, used: list) -> None:
    for f_name, p in items:
        digests = [(f, sha256_file(f)) for f in _files_of(p)]
        if digests and all(d in done for _, d in digests):
            summary.skipped.append(f"{p} (already imported, same sha256)")
            continue
        summary.files += [
            {"path": str(f.resolve()), "sha256": d, "bytes": f.stat().st_size, "format": f_name}
            for f, d in digests
        ]
        sink.source = str(p)
        try:
            get_format(f_name).read(p, sink)
        except UnreadableFile as exc:
            sink.reject(
                "unparsed",
                "whole file",
                str(exc),
                raw=head_bytes(p, 2000).decode("utf-8", "replace") if p.is_file() else None,
            )
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
            # the document's outer structure is not what the format expects; records read so far
            # stay
            sink.reject(
                "unparsed",
                "rest of file",
                f"unexpected structure for {f_name} ({type(exc).__name__}: "
                f"{exc}); records before this point were read. Fix: check the file is a {f_name} "
                f"export",
                raw=None,
            )
        used.append((f_name, p))


def _finish(
    out_dir,
    name,
    fmt,
    labels,
    naive_tz,
    pseudonymize,
    command,
    started,
    sink,
    summary,
    used,
    result,
    quarantine,
):
    summary.counts = result.counts
    summary.notes = sink.notes
    write_canonical(result.tables, out_dir)
    meta = _dataset_meta(
        out_dir, name or out_dir.name, used, result.tables, sink, summary.files, quarantine
    )
    tmp = out_dir / (DATASET_FILE + ".tmp")
    tmp.write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2, default=str))
    tmp.replace(out_dir / DATASET_FILE)
    summary.coverage = {k: v for k, v in meta["coverage"].items() if k != "pages_detail"}
    summary.totals = result.tables.counts()
    append_log(
        out_dir,
        {
            "time": started,
            "finished": now_utc(),
            "command": command or " ".join(sys.argv),
            "dialogic_version": __version__,
            "format": summary.format,
            "files": summary.files,
            "skipped": summary.skipped,
            "counts": {k: {**vars(v), "kept": v.kept} for k, v in result.counts.items()},
            "privacy": {
                "pseudonymize_authors": pseudonymize,
                "method": "HMAC-SHA256 keyed hash, key file outside git"
                if pseudonymize
                else "OPT-OUT: author ids kept as collected",
            },
            "labels_mapping": str(labels) if labels else None,
            "naive_tz": naive_tz,
            "notes": sink.notes,
            "totals": summary.totals,
        },
    )
    return summary
