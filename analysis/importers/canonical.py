"""The ``canonical`` format: accounts/posts/comments tables as Parquet or CSV, in the canonical
layout.

Used for the simulated demo (``data/raw/demo/``) and for tables prepared elsewhere. A folder holds
``accounts.*``, ``posts.*`` and ``comments.*`` (``.parquet`` or ``.csv``) and optionally
``DATASET.json`` (copied into the data set's ``dataset.json``, e.g. ``"simulated": true``).
Row invariants are checked by the pipeline like for every other format: bad rows are quarantined.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.importers.core import Sink, UnreadableFile, register
from analysis.schema import TABLES

_EXT = (".parquet", ".csv")


def _table_files(path: Path) -> dict[str, Path]:
    files = [path] if path.is_file() else sorted(path.iterdir())
    out = {}
    for f in files:
        stem, ext = f.stem.lower(), f.suffix.lower()
        if ext in _EXT and stem in TABLES:
            out[stem] = f
    return out


def detect(path: Path, head: bytes) -> bool:
    return path.is_dir() and {"posts"} <= set(_table_files(path))


def _frame(f: Path) -> pd.DataFrame:
    try:
        if f.suffix.lower() == ".parquet":
            return pd.read_parquet(f)
        return pd.read_csv(
            f, dtype=str, keep_default_na=False, na_values=[""], encoding_errors="replace"
        )
    except Exception as exc:
        raise UnreadableFile(
            f"{f.name} cannot be read as a table ({exc}). Fix: re-export it"
        ) from exc


def read(path: Path, sink: Sink) -> None:
    files = _table_files(path)
    if not files:
        raise UnreadableFile(f"{path} holds no accounts/posts/comments .parquet or .csv file")
    emit = {"accounts": sink.account, "posts": sink.post, "comments": sink.comment}
    for table, f in files.items():
        sink.source = str(f)
        df = _frame(f)
        cols = list(TABLES[table])
        if table == "comments":
            cols = [c if c != "author_id" else "author" for c in cols]
            df = df.rename(columns={"author_id": "author"})
        missing = [
            c for c in cols if c not in df.columns and c not in ("is_owner", "depth", "parent_id")
        ]
        if missing:
            for i in range(len(df)):
                sink.reject(
                    table,
                    f"row {i + 1}",
                    f"missing field: {', '.join(missing)} (column absent from {f.name})",
                    raw=df.iloc[i].to_dict(),
                )
            continue
        df = df.astype(object).where(df.notna(), None)
        use = [c for c in cols if c in df.columns]
        fn = emit[table]
        for i, rec in enumerate(df[use].itertuples(index=False, name=None)):
            fn(f"row {i + 1}", **dict(zip(use, rec, strict=True)))


register(
    "canonical",
    detect,
    read,
    folder=True,
    description="canonical tables (accounts/posts/comments .parquet or .csv) in a folder",
    example="dialogic import canonical data/raw/demo",
)
