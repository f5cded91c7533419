"""The post and comment measures on a Dask cluster, over the Parquet partitions of a data set.

When to use it
--------------
Only when the data set is larger than one machine holds in memory (tens of millions of comments
and more: the in-memory path holds all three tables and their measures at once), or when a
cluster is at hand anyway. On one machine the in-memory path
(:func:`analysis.measures.post_measures` / :func:`analysis.measures.comment_measures` on
:func:`analysis.schema.read_canonical`) is faster. ``benchmarks/dask_measures.py`` on
``write_scale_dataset(dir, 1_000_000)`` (980,317 comments, 100,000 posts), on 2 cores shared
with other jobs (load average 2 to 9, so the figures moved between runs): in memory 1.8-3.3 s
(read and validate about 1 s, measures about 1.5 s), on Dask with 2 worker processes and 8 hash
partitions 4.8-17 s (the cluster's start, about 2 s, not counted) -- 2 to 7 times slower, with or
without a text-signal cache, and the more so the busier the machine. The time goes to the
shuffle (about 2 s for the comments alone), to Arrow/Python string conversions and pickling
between processes, and to the per-partition validation: two cores gain less than that costs.
Rerun the benchmark on the machine that matters.

How
---
Every measure lives within one post's thread (its comments, joined to the post and to their
parent comment) plus the post's account. So:

1. ``comments.parquet`` and ``posts.parquet`` are read with :func:`dask.dataframe.read_parquet`
   (the canonical columns, by name); each row is tagged with its place in the file (input partition
   number, row within it), to put the results back in the in-memory order at the end;
2. both are hash-partitioned on ``post_id`` (``DataFrame.shuffle(on="post_id", npartitions=n)``):
   the same hash of the same ids sends a post and all its comments to the same output partition
   ``i`` of both frames. A hash shuffle is one all-to-all exchange with no sorting and no pass to
   find quantiles (``set_index``/``sort_values`` would need both), it balances partitions as soon
   as there are many posts, and a post is the smallest self-contained unit (partitioning by account
   would also work but big pages would make skewed partitions);
3. ``accounts`` (one row per page: small) is read on the driver and broadcast to every worker;
4. on each pair of partitions the in-memory functions run unchanged on
   ``CanonicalTables(accounts, posts_i, comments_i)``, validated first
   (:func:`analysis.schema.validate_tables`: every invariant of :func:`read_canonical` holds
   within a partition, since a partition holds whole threads), with one shared
   :class:`~analysis.measures.ThreadIndex`;
5. the results are gathered and sorted back to the in-memory order: posts as in posts.parquet,
   audience comments as in comments.parquet (the order :func:`comment_measures` returns).

Text signals and their cache
----------------------------
The cache file (``<cache_dir>/text-signals-<version>.parquet``) is replaced atomically, so it is
never corrupt, but :func:`analysis.text.cache.text_signals` writes "what I read + what I
computed": two workers computing at the same time would each rewrite the whole file and the last
one would drop the other's entries (lost work, not wrong values), and every partition would
rewrite the ever-growing file. So with a ``cache_dir`` the driver first gathers the distinct
(text, language) pairs of the posts, of the audience comments and of the top-level comments (a
distributed ``drop_duplicates``), and calls ``text_signals`` on them once: the one writer.
Every pair the workers look up is then in the cache and they only read it (a worker that cannot
see the cache file, e.g. a remote worker without the shared folder, computes without a cache
instead of writing one). Without ``cache_dir`` each partition computes its own texts' signals
and nothing is kept.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.measures import ThreadIndex, comment_measures, post_measures, texts_as_categorical
from analysis.schema import TABLES, CanonicalTables, coerce_table, read_canonical, validate_tables

#: column carrying each row's place in its Parquet file through the shuffle
ROW = "_dialogic_row"
#: the row key is ``input partition << ROW_BITS | row within the partition``
ROW_BITS = 40

#: at most this many comments per hash partition by default (each partition is one pandas task)
COMMENTS_PER_PARTITION = 500_000
#: how Parquet row groups become input partitions (row groups merged up to ``blocksize``)
READ_OPTIONS: dict = {"split_row_groups": "adaptive", "blocksize": "128MiB"}

__all__ = ["dask_measures", "local_client", "connect", "LocalClusterClient"]


def _tag_rows(df: pd.DataFrame, partition_info=None) -> pd.DataFrame:
    """Add :data:`ROW`, the rows' file order, as (input partition, row) packed in one int64."""
    number = 0 if partition_info is None else int(partition_info["number"])
    out = df.copy()
    out[ROW] = (np.int64(number) << ROW_BITS) + np.arange(len(df), dtype=np.int64)
    return out


def _canonical_dtypes(data_dir: Path) -> dict[str, pd.Series]:
    """Per table, the dtypes :func:`analysis.schema.read_canonical` gives its columns.

    Read from zero-row copies of the three files (same Arrow schemas) through ``read_canonical``
    itself, so that the partitions get exactly the in-memory dtypes (e.g. which tables keep their
    strings Arrow-backed) whatever ``read_canonical`` decides. Also fails early, naming the
    column, when a table lacks a canonical column.
    """
    import tempfile

    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="dialogic-dtypes-") as tmp:
        for name in TABLES:
            schema = pq.read_schema(data_dir / f"{name}.parquet")
            pq.write_table(schema.empty_table(), Path(tmp) / f"{name}.parquet")
        empty = read_canonical(Path(tmp))
    return {name: df.dtypes for name, df in empty.items()}


def _as_canonical(df: pd.DataFrame, dtypes: pd.Series) -> pd.DataFrame:
    """``df`` with its string columns in the dtypes of ``read_canonical`` (strings cross the
    shuffle
    Arrow-backed; ``coerce_table`` keeps a column already of a string dtype as it is)."""
    change = {
        c: dtypes[c]
        for c, t in df.dtypes.items()
        if c in dtypes.index and isinstance(dtypes[c], pd.StringDtype) and t != dtypes[c]
    }
    return df.astype(change) if change else df


def _measure_partition(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    accounts: pd.DataFrame,
    dtypes: dict[str, pd.Series],
    window_h: float | None,
    comments_available: bool,
    cache_dir: str | None,
):
    """Post and comment measures of one partition of whole threads, with their file-order keys.

    Returns ``(post_measures, post_keys, comment_measures, comment_keys)``.
    """
    from analysis.text.cache import cache_path

    post_keys = posts[ROW].to_numpy(dtype=np.int64)
    comment_keys = comments[ROW].to_numpy(dtype=np.int64)
    orphans = ~comments["post_id"].isin(posts["post_id"])
    if orphans.any():
        raise RuntimeError(
            f"{int(orphans.sum())} comment(s) reached a partition without their post (first "
            "post_id "
            f"{comments['post_id'][orphans].iloc[0]!r}): posts and comments were not partitioned "
            "alike "
            f"(post_id read with different types?), or the comment's post does not exist. "
            f"Fix: check the data with `read_canonical`."
        )
    posts, comments = (
        _as_canonical(posts, dtypes["posts"]),
        _as_canonical(comments, dtypes["comments"]),
    )
    tables = validate_tables(CanonicalTables(accounts, posts, comments))
    # only read a cache the driver warmed; never write one from a worker (see the module docstring)
    if cache_dir is not None and not cache_path(cache_dir).exists():
        cache_dir = None
    index = ThreadIndex(tables)
    pm = post_measures(
        tables, comments_available=comments_available, cache_dir=cache_dir, threads=index
    )
    cm = comment_measures(tables, window_h, cache_dir=cache_dir, threads=index)
    return pm, post_keys, cm, comment_keys[~index.is_owner]


def _read(path: Path, table: str):
    import dask.dataframe as dd

    return dd.read_parquet(path, columns=list(TABLES[table]), **READ_OPTIONS)


def _warm_text_cache(posts, comments, cache_dir) -> None:
    """Text signals of every distinct (text, language) pair the measures will look up, computed
    once on the driver and written to the cache by it alone."""
    import dask.dataframe as dd

    from analysis.text.cache import text_signals

    # audience comments, and the top-level comments whose question opens a thread
    looked_up = ~comments["is_owner"].astype(bool) | comments["parent_id"].isna()
    audience = comments[looked_up][["text", "lang"]]
    distinct = dd.concat([posts[["text", "lang"]], audience]).drop_duplicates().compute()
    text_signals(
        distinct["text"].astype("string"),
        distinct["lang"].astype("string"),
        cache_dir,
        what=f"{len(distinct):,} distinct texts",
    )


def _in_order(frames: list[pd.DataFrame], keys: list[np.ndarray]) -> pd.DataFrame:
    kept = [(f, k) for f, k in zip(frames, keys, strict=True) if len(f)] or [(frames[0], keys[0])]
    frame = pd.concat([f for f, _ in kept], ignore_index=True) if len(kept) > 1 else kept[0][0]
    for col in frame.columns[frame.dtypes == np.dtype(object)]:
        # pd.concat turns all-missing object columns (the thread measures of sources without
        # threads, pd.NA) into NaN: keep the values as the partitions gave them
        frame[col] = np.concatenate([f[col].to_numpy(dtype=object) for f, _ in kept])
    order = np.argsort(np.concatenate([k for _, k in kept]), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def dask_measures(
    data_dir,
    window_h: float | None,
    client,
    comments_available: bool = True,
    cache_dir=None,
    npartitions: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Post and comment measures of a canonical data set, computed on a Dask cluster.

    Parameters
    ----------
    data_dir : path
        Folder holding ``accounts.parquet``, ``posts.parquet`` and ``comments.parquet`` (visible
        from the driver and from every worker under this path).
    window_h : float or None
        Reply window of :func:`analysis.measures.comment_measures`.
    client : distributed.Client
        Client of the cluster to compute on (:func:`local_client`, :func:`connect`); None uses the
        current default client, if any.
    comments_available : bool
        As in :func:`analysis.measures.post_measures` (``dataset.json``: ``comments_available``).
    cache_dir : path, optional
        Folder of the text-signal cache (``<data set>/.cache``); the driver fills it once, workers
        only read it (see the module docstring). None: computed per partition, not kept.
    npartitions : int, optional
        Number of hash partitions of the threads. Default: the largest of the comments' Parquet
        input partitions, 4 per worker thread (smaller tasks keep every worker busy while the
        shuffle runs: on 1M comments and 2 workers, 8 partitions took 4.8 s, 4 took 9.2 s and 16
        took 6.1 s) and one per :data:`COMMENTS_PER_PARTITION` comments.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The frames of ``post_measures(tables, comments_available, cache_dir)`` and
        ``comment_measures(tables, window_h, cache_dir)`` on ``tables = read_canonical(data_dir)``:
        same columns, dtypes and row order (posts in posts.parquet order, audience comments in
        comments.parquet order), with a fresh ``RangeIndex``.

    Raises
    ------
    analysis.schema.SchemaError
        When a partition breaks an invariant of the canonical tables (row numbers in the message
        are then within the partition). A duplicated ``comment_id`` under two different posts is
        the one invariant not checked (the two rows may sit in different partitions).
    """
    import dask
    from distributed import default_client

    client = client or default_client()
    data_dir = Path(data_dir)
    for name in TABLES:
        if not (data_dir / f"{name}.parquet").exists():
            raise FileNotFoundError(
                f"{data_dir / f'{name}.parquet'} does not exist. Fix: import data first "
                f"(`dialogic import <format> <path>` or `dialogic demo`)."
            )
    dtypes = _canonical_dtypes(data_dir)
    accounts = _as_canonical(
        coerce_table(
            pd.read_parquet(data_dir / "accounts.parquet", columns=list(TABLES["accounts"])),
            "accounts",
            source=str(data_dir),
        ),
        dtypes["accounts"],
    )
    posts = _read(data_dir / "posts.parquet", "posts")
    comments = _read(data_dir / "comments.parquet", "comments")
    if npartitions is None:
        import pyarrow.parquet as pq

        threads = sum(client.nthreads().values()) or 1
        rows = pq.ParquetFile(data_dir / "comments.parquet").metadata.num_rows
        npartitions = max(comments.npartitions, 4 * threads, -(-rows // COMMENTS_PER_PARTITION))
    if cache_dir is not None:
        from analysis.text.cache import cache_path

        _warm_text_cache(posts, comments, cache_dir)
        # no cache file (e.g. a read-only folder): the workers compute, and never try to write one
        cache_dir = str(cache_dir) if cache_path(cache_dir).exists() else None
    posts = posts.map_partitions(_tag_rows, meta=_tag_rows(posts._meta)).shuffle(
        on="post_id", npartitions=npartitions
    )
    comments = comments.map_partitions(_tag_rows, meta=_tag_rows(comments._meta)).shuffle(
        on="post_id", npartitions=npartitions
    )
    if posts._meta["post_id"].dtype != comments._meta["post_id"].dtype:  # the hash would differ
        raise TypeError(
            f"post_id is {posts._meta['post_id'].dtype} in posts.parquet but "
            f"{comments._meta['post_id'].dtype} in comments.parquet. Fix: rewrite the tables "
            f"with `analysis.schema.write_canonical`."
        )
    shared = client.scatter(
        accounts, broadcast=True, hash=False
    )  # one copy per worker, not per task
    measure = dask.delayed(_measure_partition, pure=True, nout=4)
    tasks = [
        measure(p, c, shared, dtypes, window_h, comments_available, cache_dir)
        for p, c in zip(posts.to_delayed(), comments.to_delayed(), strict=True)
    ]
    results = client.gather(client.compute(tasks))
    post_m = _in_order([r[0] for r in results], [r[1] for r in results])
    comment_m = _in_order([r[2] for r in results], [r[3] for r in results])
    # the categoricals of the in-memory path (categories: the posts in file order, the texts in
    # order of first appearance), which each partition had built from its own rows only
    comment_m["post_id"] = pd.Categorical(
        comment_m["post_id"].astype(object),
        dtype=pd.CategoricalDtype(
            pd.Index(post_m["post_id"].to_numpy(), dtype=post_m["post_id"].dtype)
        ),
    )
    comment_m["text"] = texts_as_categorical(comment_m["text"].astype(object))
    return post_m, comment_m


try:  # distributed is an optional dependency of Dialogic: import it only where it is used
    from distributed import Client as _Client
except ImportError:  # pragma: no cover
    _Client = object


class LocalClusterClient(_Client):
    """A :class:`distributed.Client` that owns its :class:`distributed.LocalCluster`: closing the
    client (or leaving its ``with`` block) shuts the cluster's worker processes down too."""

    def close(self, *args, **kwargs):
        cluster = self.cluster
        try:
            return super().close(*args, **kwargs)
        finally:
            if cluster is not None and str(getattr(cluster, "status", "")).split(".")[-1] not in (
                "closed",
                "closing",
            ):
                cluster.close()


def local_client(
    n_workers: int = 2, memory_limit="auto", threads_per_worker: int = 1, **cluster_kwargs
) -> LocalClusterClient:
    """A client of a new cluster of worker processes on this machine.

    Parameters
    ----------
    n_workers : int
        Worker processes.
    memory_limit : str or int
        Per worker, as :class:`distributed.LocalCluster` takes it (``"auto"``: the machine's memory
        shared out among the workers; ``"4GB"``...).
    threads_per_worker : int
        Threads of each worker (the measures hold the GIL most of the time: keep 1 and add
        workers).
    **cluster_kwargs
        Passed to :class:`distributed.LocalCluster` (``dashboard_address=":8787"``...; default: a
        free port).

    Returns
    -------
    LocalClusterClient
        Use it as a context manager (``with local_client() as client: ...``), or call ``close()``:
        both close the cluster too.
    """
    from distributed import LocalCluster

    cluster_kwargs.setdefault(
        "dashboard_address", ":0"
    )  # a free port: never clash with another cluster
    cluster = LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        memory_limit=memory_limit,
        **cluster_kwargs,
    )
    try:
        return LocalClusterClient(cluster)
    except BaseException:
        cluster.close()
        raise


def connect(address: str):
    """A client of an existing Dask scheduler.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``tcp://10.0.0.5:8786`` (what ``dask scheduler`` prints).

    Returns
    -------
    distributed.Client
        Closing it leaves the cluster running. Every worker must see the data folder (and the
        cache folder) under the same path as the driver, and run the same Dialogic code.
    """
    from distributed import Client

    if not isinstance(address, str) or "://" not in address:
        raise ValueError(
            f"expected a scheduler address such as 'tcp://host:8786', got {address!r}"
        )
    return Client(address)
