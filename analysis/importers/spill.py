"""Where the posts and comments of a large import wait for the cross-record checks: on disk.

Rows arrive from the :class:`~analysis.importers.core.Sink` in chunks. Each chunk gets its
row-local checks at once (required fields, UTC times, counts:
:func:`analysis.importers.assemble._basic`, rejects go straight to the quarantine), is written as
one row group of a temporary Parquet file, and only its *key columns* stay in memory (ids, parent,
author, times, depth and owner hints: what duplicates, missing parents, replies before posts, depth
and ownership need across the whole input). After the cross-record checks have decided, by row
position, which rows stay and why the others go, :meth:`Spill.finish` streams the files once more:
it writes the rejected rows to the quarantine with their full record and returns the kept rows as
compact Arrow-backed tables.

Memory therefore grows with the key columns (about 100 bytes per row) and the kept rows in Arrow
form, not with Python objects for every value of every row read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis.importers.assemble import TableCount, _basic, _Dropper, _isna
from analysis.schema import coerce_table, empty_table

_STR, _TIME = pa.string(), pa.timestamp("ns", tz="UTC")
SCHEMAS = {
    "posts": pa.schema(
        [
            ("post_id", _STR),
            ("account_id", _STR),
            ("platform", _STR),
            ("created_at", _TIME),
            ("text", _STR),
            ("lang", _STR),
            ("media_type", _STR),
            ("url", _STR),
            ("reported_comments", pa.int64()),
            ("likes", pa.int64()),
            ("shares", pa.int64()),
            ("collected_at", _TIME),
            ("_source", _STR),
            ("_locator", _STR),
        ]
    ),
    "comments": pa.schema(
        [
            ("comment_id", _STR),
            ("post_id", _STR),
            ("parent_id", _STR),
            ("author", _STR),
            ("created_at", _TIME),
            ("text", _STR),
            ("lang", _STR),
            ("is_owner", pa.bool_()),
            ("depth", pa.float64()),
            ("_source", _STR),
            ("_locator", _STR),
        ]
    ),
}
KEYS = {
    "posts": ("post_id", "account_id", "created_at"),
    "comments": (
        "comment_id",
        "post_id",
        "parent_id",
        "author",
        "created_at",
        "depth",
        "is_owner",
    ),
}
_READ_BATCH = 10_000
_LIBC_NAME = ctypes.util.find_library("c")
_LIBC = ctypes.CDLL(_LIBC_NAME) if _LIBC_NAME else None


def trim() -> None:
    """Give freed heap pages back to the system between the phases of an import.

    pandas work on a million keys frees as much as it allocates, in pieces scattered over the heap;
    glibc keeps them (``malloc_trim`` returns them), and so would Arrow's own allocator.
    Elsewhere than glibc this does nothing.
    """
    pa.default_memory_pool().release_unused()
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


@contextmanager
def system_allocator():
    """Arrow allocates from the system allocator inside the block (restored after).

    Arrow's default (mimalloc) keeps freed memory for reuse, which adds about 50 MB to the peak of
    a million-tweet import without making it faster (measured:
    ``benchmarks/import_throughput.py``).
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas with Arrow-backed strings (compact) and nullable booleans."""
    return table.to_pandas(
        types_mapper={_STR: pd.StringDtype("pyarrow"), pa.bool_(): pd.BooleanDtype()}.get
    )


def _owner_hint(v):
    return None if _isna(v) else str(v).strip().lower() in ("true", "1")


SPILL_PREFIX = ".import-spill-"
OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def remove_stale_spills(directory: Path) -> list[Path]:
    """Delete spill folders left in ``directory`` by an import that was killed; return them.

    A spill folder names its process in ``owner.pid``; a folder whose process is gone is stale, and
    so is one without that file (a kill between creating it and writing the file) once it is a
    minute old. Folders of a live import stay.
    """
    removed = []
    for d in directory.glob(SPILL_PREFIX + "*"):
        try:
            pid = int((d / OWNER_FILE).read_text())
        except (OSError, ValueError):
            pid = None
        if pid is not None and pid != os.getpid() and _alive(pid):
            continue
        if pid is None and time.time() - d.stat().st_mtime < 60:
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


class Spill:
    """Posts and comments of one import: row groups on disk, key columns in memory.

    Parameters
    ----------
    directory
        Folder for the temporary files (the data set folder: same disk as the output, never a
        RAM-backed ``/tmp``); they live in a hidden ``.import-spill-*`` folder removed by
        :meth:`close`.
    quarantine
        Open :class:`analysis.ledger.Quarantine` receiving the rows that fail a row-local check.
    naive_tz
        Zone of timestamps written without one (``None``: they are quarantined).
    """

    tables = ("posts", "comments")

    def __init__(self, directory: Path, quarantine, naive_tz: str | None = None):
        remove_stale_spills(Path(directory))
        self.dir = Path(tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=directory))
        (self.dir / OWNER_FILE).write_text(str(os.getpid()))
        self.counts = {t: TableCount() for t in self.tables}
        self.drop = _Dropper(quarantine, self.counts)
        self.naive_tz = naive_tz
        self.rows = {t: 0 for t in self.tables}
        self.rejected_post_ids: set[str] = set()
        self._keys: dict[str, list[pa.Table]] = {t: [] for t in self.tables}
        self._writers: dict[str, pq.ParquetWriter] = {}

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.parquet"

    def add(self, table: str, df: pd.DataFrame) -> None:
        """Check one chunk row by row, spill what passes, keep its key columns."""
        self.counts[table].read += len(df)
        raw_ids = df["post_id"] if table == "posts" else None
        df = _basic(table, df, self.drop, self.naive_tz)
        if raw_ids is not None and len(raw_ids) > len(
            df
        ):  # a stub must not replace a rejected real post
            self.rejected_post_ids |= set(raw_ids.drop(df.index).dropna().astype(str))
        if not len(df):
            return
        if table == "comments":
            df["depth"] = pd.to_numeric(df["depth"], errors="coerce").astype("float64")
            df["is_owner"] = df["is_owner"].map(_owner_hint, na_action="ignore").astype("boolean")
        schema = SCHEMAS[table]
        cols = {
            f.name: (df[f.name].astype("string") if f.type == _STR else df[f.name]) for f in schema
        }
        batch = pa.Table.from_pandas(pd.DataFrame(cols), schema=schema, preserve_index=False)
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.path(table), schema, compression="lz4")
        self._writers[table].write_table(batch)
        self._keys[table].append(batch.select(list(KEYS[table])))
        self.rows[table] += len(df)

    def post_ids(self) -> set:
        """Every post id read so far (kept or rejected by a row-local check): real records beat
        stubs."""
        return set(self.keys("posts")["post_id"].dropna()) | self.rejected_post_ids

    def keys(self, table: str) -> pd.DataFrame:
        """The key columns of every spilled row; the index is the row's position in the spill."""
        if not self._keys[table]:
            return arrow_to_pandas(SCHEMAS[table].empty_table().select(list(KEYS[table])))
        merged = pa.concat_tables(self._keys[table])
        self._keys[table] = [merged]
        trim()
        return arrow_to_pandas(merged)

    def finish(
        self, table: str, kept: pd.DataFrame, reasons: pd.Series, rename=None, replace=()
    ) -> pd.DataFrame:
        """Quarantine the rejected rows, return the kept ones as the canonical table (Arrow-backed
        strings).

        Parameters
        ----------
        kept
            Key frame of the rows that stay (index = spill position).
        reasons
            Reason of every row rejected by a cross-record check, indexed by spill position
            (sorted).
        rename, replace
            Columns renamed on the way out, and columns taken from ``kept`` (values the checks
            computed, e.g. ``depth``, ``is_owner``, the pseudonymized ``author_id``).
        """
        if table in self._writers:
            self._writers.pop(table).close()
        if not self.rows[table]:
            return empty_table(table)
        keep = np.zeros(self.rows[table], dtype=bool)
        keep[kept.index.to_numpy()] = True
        bad_pos = reasons.index.to_numpy()
        parts, offset = [], 0
        for batch in pq.ParquetFile(self.path(table)).iter_batches(batch_size=_READ_BATCH):
            df = arrow_to_pandas(pa.Table.from_batches([batch]))
            df.index = pd.RangeIndex(offset, offset + len(df))
            offset += len(df)
            bad = np.isin(df.index.to_numpy(), bad_pos)
            if bad.any():
                rows = df[bad]
                self.drop.write(table, rows, list(reasons.reindex(rows.index)))
            part = df[keep[df.index.to_numpy()]]
            if rename:
                part = part.rename(columns=rename)
            for col in replace:
                part[col] = kept[col].reindex(part.index)
            with pd.option_context("mode.string_storage", "pyarrow"):
                parts.append(coerce_table(part, table))
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        parts.clear()  # the batches' memory goes back before validation and writing
        trim()
        return out

    def close(self) -> None:
        """Remove the temporary files."""
        for w in self._writers.values():
            w.close()
        self._writers = {}
        shutil.rmtree(self.dir, ignore_errors=True)
