"""Pipeline step 3: the measures of the filtered tables, computed or read from the cache.

The frames of one data set under one set of data parameters (:data:`FRAMES`) are cached beside
the data (:mod:`analysis.measures_cache`): the first report of a study computes them (here, or
on Dask with :func:`compute_frames_dask`), the others read them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.ledger import read_dataset_info
from analysis.pipeline import tables as _tables
from analysis.pipeline.parameters import Parameters, resolve_data_dir
from analysis.progress import steps

#: The frames of one cache entry: the filtered tables, the filters' exclusions, the measures.
FRAMES = ("accounts", "posts", "comments", "exclusions", "post_measures", "comment_measures")


def load_or_compute(
    folder: Path, params: Mapping[str, Any], dataset: Mapping[str, Any]
) -> tuple[dict[str, pd.DataFrame], str, bool]:
    """The frames of ``folder`` under ``params``: ``(frames, cache key, read from the cache)``."""
    from analysis import measures_cache

    key = measures_cache.measures_key(folder, params)
    frames = measures_cache.load(folder, key)
    if frames is not None:
        return frames, key, True
    return computed_and_stored(folder, key, params, dataset), key, False


def computed_and_stored(
    folder: Path,
    key: str,
    params: Mapping[str, Any],
    dataset: Mapping[str, Any],
    dask: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames computed (on Dask when ``dask`` names a scheduler) and stored under ``key``."""
    from analysis import measures_cache

    frames = (
        compute_frames_dask(folder, params, dataset, dask)
        if dask
        else compute_frames(folder, params, dataset)
    )
    measures_cache.store(folder, key, frames)
    return frames


def compute_frames(
    data_dir: Path, params: Mapping[str, Any], dataset: Mapping[str, Any]
) -> dict[str, pd.DataFrame]:
    """Read, filter and measure the data set: the frames :mod:`analysis.measures_cache` stores.

    The comment table is kept as what the reports read of it after the measures (``post_id,
    is_owner``: the coverage audit and the counts); its ids, texts and parents are dropped once
    the measures are computed, so a report holds the measures, not the raw threads.
    """
    from analysis.measures import ThreadIndex, comment_measures, post_measures
    from analysis.measures_cache import cache_dir
    from analysis.schema import CanonicalTables

    rows = _tables.comment_rows(data_dir)
    with steps("measures", 5, rows) as step:
        step(f"reading and checking {rows:,} comments")
        tables = _tables.read(data_dir)
        step("filters")
        kept, exclusions = _tables.filtered(tables, params)
        del tables
        threads = bool(
            dataset.get("comments_available", True)
        )  # False: post-level aggregates, no threads
        step("thread index")
        index = ThreadIndex(kept)
        text_cache = cache_dir(data_dir)
        step("post measures")
        post_m = post_measures(
            kept, comments_available=threads, cache_dir=text_cache, threads=index
        )
        # authors and parents are read by the post measures and the thread index only: free
        # them first
        kept = CanonicalTables(
            kept.accounts,
            kept.posts,
            kept.comments.drop(columns=["author_id", "parent_id"]),
            thread_rows=kept.thread_rows,
        )
        step("comment measures")
        comment_m = comment_measures(
            kept, params["reply_window_h"], cache_dir=text_cache, threads=index
        )
    return {
        "accounts": kept.accounts,
        "posts": kept.posts,
        "comments": kept.comments[["post_id", "is_owner"]],
        "exclusions": exclusions,
        "post_measures": post_m,
        "comment_measures": comment_m,
    }


def compute_frames_dask(
    data_dir: Path, params: Mapping[str, Any], dataset: Mapping[str, Any], scheduler: str
) -> dict[str, pd.DataFrame]:
    """:func:`compute_frames` with the measures on Dask
    (:func:`analysis.measures_dask.dask_measures`).

    For data above what one machine holds: the comment threads are read, validated and measured
    partition by partition on the cluster (``scheduler``: ``"local"`` for a LocalCluster of this
    machine's cores, or ``tcp://host:port``); this process reads only the accounts, the posts and
    two comment columns (for the filters' counts and the coverage audit). Every measure is a
    property of one post's thread, so the measures of the kept posts are the rows of the whole
    data set's measures under those posts; the frames equal :func:`compute_frames`' (a test).
    """
    from analysis.measures import texts_as_categorical
    from analysis.measures_cache import cache_dir
    from analysis.measures_dask import connect, dask_measures, local_client

    kept, exclusions = _tables.filtered(_tables.read_for_counts(data_dir), params)
    client = local_client() if scheduler == "local" else connect(scheduler)
    with client:
        post_m, comment_m = dask_measures(
            data_dir,
            params["reply_window_h"],
            client,
            comments_available=bool(dataset.get("comments_available", True)),
            cache_dir=cache_dir(data_dir),
        )
    kept_ids = pd.Index(kept.posts["post_id"].to_numpy(), dtype=kept.posts["post_id"].dtype)
    post_m = post_m[post_m["post_id"].isin(kept_ids)].reset_index(drop=True)
    comment_m = comment_m[comment_m["post_id"].isin(kept_ids)].reset_index(drop=True)
    comment_m["post_id"] = comment_m["post_id"].cat.set_categories(kept_ids)
    comment_m["text"] = texts_as_categorical(comment_m["text"])
    return {
        "accounts": kept.accounts,
        "posts": kept.posts,
        "comments": kept.comments,
        "exclusions": exclusions,
        "post_measures": post_m,
        "comment_measures": comment_m,
    }


def measures_pending(params: Mapping[str, Any]) -> str | None:
    """The measures-cache key of ``params`` when its entry is missing (None: cached, or not a
    report of this package's notebooks, whose own checks then report any bad parameter)."""
    from analysis import measures_cache

    try:
        params = Parameters.parse(params)
        folder = resolve_data_dir(params["data_dir"])
    except (ValueError, TypeError, KeyError):
        return None
    if not (folder / "comments.parquet").is_file():
        return None
    key = measures_cache.measures_key(folder, params)
    return None if measures_cache.entry_dir(folder, key).is_dir() else key


def warm_measures(params: Mapping[str, Any], dask: str | None = None) -> bool:
    """Compute and cache the measures of ``params`` unless cached: True when it computed them.

    The runner calls it once, in a child process, before starting the kernels of several
    reports on the same data: they then read the measures instead of each computing them at
    once (at 10 million comments, 5 GB and a minute per kernel). With ``dask`` (``"local"`` or a
    scheduler address, from ``dialogic run --dask``) the measures run on Dask
    (:func:`compute_frames_dask`).
    """
    key = measures_pending(params)
    if key is None:
        return False
    params = Parameters.parse(params)
    folder = resolve_data_dir(params["data_dir"])
    computed_and_stored(folder, key, params, read_dataset_info(folder), dask)
    return True
