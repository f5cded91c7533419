"""Pipeline step 2: the canonical tables of a study, read and filtered.

The filters are the study's data parameters (``platforms``, ``start``, ``end``, ``min_posts``):
:func:`analysis.measures.filter_tables` applies them and says, step by step, what each removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.pipeline.parameters import resolve_data_dir

if TYPE_CHECKING:
    from analysis.schema import CanonicalTables


def data_dir(params: Mapping[str, Any]) -> Path:
    """The absolute folder of ``params["data_dir"]``; ValueError naming the fix when it is
    missing."""
    folder = resolve_data_dir(params["data_dir"])
    if not folder.is_dir():
        raise ValueError(
            f"data_dir {params['data_dir']!r} does not exist (looked in {folder}); "
            f"run `dialogic demo` for the demo data or import yours with `dialogic import`"
        )
    return folder


def filtered(
    tables: CanonicalTables, params: Mapping[str, Any]
) -> tuple[CanonicalTables, pd.DataFrame]:
    """:func:`analysis.measures.filter_tables` with the study's filter parameters: the kept
    tables and one row per filter step (``step, reason, accounts, posts, comments`` removed)."""
    from analysis.measures import filter_tables

    return filter_tables(
        tables,
        platforms=params["platforms"] or None,
        start=params["start"] or None,
        end=params["end"] or None,
        min_posts=params["min_posts"],
    )


def read(folder: Path) -> CanonicalTables:
    """The canonical tables of ``folder``, read and checked
    (:func:`analysis.schema.read_canonical`)."""
    from analysis.schema import read_canonical

    return read_canonical(folder)


def read_for_counts(folder: Path) -> CanonicalTables:
    """Accounts and posts of ``folder``, and of the comments only ``post_id, is_owner``.

    What the filters' counts and the coverage audit need when the threads themselves are
    measured elsewhere (on Dask, :func:`analysis.pipeline.measures.compute_frames_dask`).
    """
    import pyarrow.parquet as pq

    from analysis.schema import CanonicalTables, coerce_table

    accounts = coerce_table(pd.read_parquet(folder / "accounts.parquet"), "accounts", str(folder))
    posts = coerce_table(pd.read_parquet(folder / "posts.parquet"), "posts", str(folder))
    comments = pq.read_table(
        folder / "comments.parquet", columns=["post_id", "is_owner"], read_dictionary=["post_id"]
    ).to_pandas()
    comments["is_owner"] = comments["is_owner"].astype("boolean")
    return CanonicalTables(accounts, posts, comments)


def comment_rows(folder: Path) -> int:
    """Rows of ``comments.parquet`` from its footer (0 when unreadable: the reader says why)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(folder / "comments.parquet").metadata.num_rows)
    except (OSError, ValueError):
        return 0
