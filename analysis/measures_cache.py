"""The measures of a data set cached beside it, so that a study's reports compute them once.

Every report of a study reads the same canonical tables, applies the same filters (platforms,
period, minimum posts) and computes the same measures. At 10 million comments that is a minute
of work and most of a report's memory; the cache makes it once per study, and every later
report (and every rerun) reads the measures back from Parquet.

The cache lives in ``<data set>/.cache/measures-<key>/`` (the data set's own folder: the
hidden folder is skipped by the data hash of the runner). The key is a hash of everything the
frames depend on:

- the three canonical Parquet files and ``dataset.json`` (name, size, modification time);
- the filter and measure parameters (``platforms, start, end, min_posts, reply_window_h``);
- the source of the code that computes them (:mod:`analysis.measures`, :mod:`analysis.dialogue`,
  :mod:`analysis.schema`, :mod:`analysis.text`).

A changed file, parameter or measure definition gives another key, so a cached frame is always
the frame the code would compute today. Entries are written to a temporary folder and renamed
into place: a reader sees a whole entry or none, and two reports writing at once both succeed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import config
from analysis._io import atomic_dir
from analysis.schema import ARROW_STRING_DTYPES

#: The frames of one entry (``ReportData`` is rebuilt from them).
FRAMES = ("accounts", "posts", "comments", "exclusions", "post_measures", "comment_measures")
#: Parameters the frames depend on.
KEY_PARAMETERS = ("platforms", "start", "end", "min_posts", "reply_window_h")
#: Source files of the data path, relative to the package.
SOURCES = ("measures.py", "dialogue.py", "schema.py", "measures_cache.py", "text")


def _source_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    for name in SOURCES:
        path = config.PACKAGE_DIR / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            h.update(
                f.relative_to(config.PACKAGE_DIR).as_posix().encode() + b"\0" + f.read_bytes()
            )
    return h.hexdigest()


def measures_key(data_dir: Path, params: dict[str, Any]) -> str:
    """The cache key of the measures of ``data_dir`` under ``params`` (32 hex digits)."""
    data_dir = Path(data_dir)
    files = []
    for name in (
        "accounts.parquet",
        "posts.parquet",
        "comments.parquet",
        "dataset.json",
        "DATASET.json",
    ):
        path = data_dir / name
        if path.exists():
            st = path.stat()
            files.append([name, st.st_size, st.st_mtime_ns])
    payload = {
        "files": files,
        "params": {k: params.get(k) for k in KEY_PARAMETERS},
        "code": _source_digest(),
    }
    return hashlib.blake2b(
        json.dumps(payload, sort_keys=True, default=str).encode(), digest_size=16
    ).hexdigest()


def cache_dir(data_dir: Path) -> Path:
    """The data set's cache folder (measures here, text signals by :mod:`analysis.text.cache`)."""
    return Path(data_dir) / config.CACHE_DIR_NAME


def entry_dir(data_dir: Path, key: str) -> Path:
    return cache_dir(data_dir) / f"measures-{key}"


def _dtype_name(dtype) -> str:
    if isinstance(dtype, pd.StringDtype):
        return f"string[{dtype.storage}]"
    if isinstance(dtype, pd.CategoricalDtype):
        return f"category[{_dtype_name(dtype.categories.dtype)}]"
    return str(dtype)


def _column(path: Path, column: str, dtype: str) -> pd.Series:
    """One column of a stored frame, read and converted alone.

    An Arrow-backed string column stays in its Arrow buffers; any other string column is read
    dictionary-encoded, so that a value repeated on millions of rows ("business", "fr", a page
    id) becomes one Python string shared by every row, never one string per row. At 10 million
    comments this keeps a report's load from the cache within 1.5 GB (it took 4.5 GB read whole).
    """
    if dtype == "string[pyarrow]":
        return pq.read_table(path, columns=[column]).to_pandas(
            types_mapper=ARROW_STRING_DTYPES.get
        )[column]
    field = pq.read_schema(path).field(column)
    strings = pa.types.is_string(field.type) or pa.types.is_large_string(field.type)
    part = pq.read_table(path, columns=[column], read_dictionary=[column] if strings else None)
    return _restored(part.to_pandas()[column], dtype)


def _restored(column: pd.Series, name: str) -> pd.Series:
    """``column`` as read from Parquet, in the dtype ``name`` it was stored with."""
    if _dtype_name(column.dtype) == name:
        return column
    if name.startswith("category[") and isinstance(column.dtype, pd.CategoricalDtype):
        inner = name[len("category[") : -1]
        return column.cat.rename_categories(column.cat.categories.astype(inner))
    if isinstance(column.dtype, pd.CategoricalDtype) and not name.startswith("category"):
        # read dictionary-encoded: rebuild the column from its distinct values, shared by the rows
        values = column.cat.categories.astype(object).to_numpy()
        codes = column.cat.codes.to_numpy()
        dense = pd.Series(
            np.where(codes >= 0, values.take(np.maximum(codes, 0)) if len(values) else None, None),
            index=column.index,
            name=column.name,
            dtype=object,
        )
        return dense if name == "object" else dense.astype(name)
    return column.astype(name)


def load(data_dir: Path, key: str) -> dict[str, pd.DataFrame] | None:
    """The frames of the entry ``key``, with the dtypes they were stored with; None when absent."""
    entry = entry_dir(data_dir, key)
    meta_path = entry / "dtypes.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text())
        return {
            name: pd.DataFrame(
                {c: _column(entry / f"{name}.parquet", c, d) for c, d in meta[name].items()},
                copy=False,
            )
            for name in FRAMES
        }
    except (OSError, ValueError, KeyError, TypeError):  # a damaged entry is removed and recomputed
        shutil.rmtree(entry, ignore_errors=True)
        return None


def store(data_dir: Path, key: str, frames: dict[str, pd.DataFrame]) -> bool:
    """Write the entry ``key`` atomically; False (and nothing written) when the folder is
    read-only."""
    entry = entry_dir(data_dir, key)
    if entry.is_dir():
        return True
    try:
        with atomic_dir(entry) as tmp:
            meta = {}
            for name in FRAMES:
                frame = frames[name].reset_index(drop=True)
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
                meta[name] = {c: _dtype_name(frame[c].dtype) for c in frame.columns}
            (tmp / "dtypes.json").write_text(json.dumps(meta, indent=1))
        return True
    except OSError:
        return entry.is_dir()  # another report stored the same entry first (or read-only)
