"""What a report notebook loads and tests: the data of the study, filtered and measured.

The notebook's code cells call :func:`load_report_data` then :func:`run_test`; all reading of files
happens here, not in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.ledger import read_dataset_info
from analysis.progress import steps
from analysis.report.parameters import resolve_data_dir, validate_parameters


@dataclass
class ReportData:
    """The data one report is built on.

    Attributes
    ----------
    params : dict
        The validated notebook parameters.
    data_dir : Path
        Absolute folder of the canonical tables.
    tables : CanonicalTables
        The tables after the filters (platforms, period, minimum posts).
    exclusions : pandas.DataFrame
        One row per filter step: ``step, reason, accounts, posts, comments`` removed.
    posts, comments : pandas.DataFrame
        Per-post and per-audience-comment measures (:mod:`analysis.measures`).
    dataset : dict
        Contents of ``dataset.json`` (empty when absent).
    """

    params: dict[str, Any]
    data_dir: Path
    tables: Any
    exclusions: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    dataset: dict[str, Any] = field(default_factory=dict)
    #: per-page audit of the analysed tables (:func:`analysis.coverage.page_coverage`)
    coverage_pages: pd.DataFrame | None = None

    @property
    def coverage(self) -> dict[str, Any]:
        """The coverage audit of the analysed data (:func:`analysis.coverage.summarise`): comments
        collected vs reported, missing parents (from ``dataset.json``), owner replies identifiable."""
        from analysis.coverage import collection_window, page_coverage, summarise

        if self.coverage_pages is None:
            self.coverage_pages = page_coverage(self.tables.posts, self.tables.comments)
        stored = self.dataset.get("coverage") or {}
        owners = (
            int(self.tables.comments["is_owner"].astype(bool).sum())
            if len(self.tables.comments)
            else 0
        )
        return summarise(
            self.coverage_pages,
            missing_parents=int(stored.get("missing_parents") or 0),
            owner_identifiable=self.dataset.get(
                "owner_identifiable", stored.get("owner_identifiable")
            ),
            owner_comments=owners,
            threshold=self.params.get("coverage_threshold", 0.8),
            window=collection_window(self.tables.posts),
        )

    @property
    def simulated(self) -> bool:
        """True when the data set declares itself simulated (the reports then say so on every page)."""
        return bool(self.dataset.get("simulated", False))

    @property
    def language(self) -> str:
        return self.params["language"]

    def summary(self) -> dict[str, Any]:
        """Counts and period of the analysed data, JSON-safe (for the data section and results.json)."""
        acc, posts, com = self.tables.accounts, self.tables.posts, self.tables.comments
        created = posts["created_at"]
        by_type = acc["account_type"].value_counts()
        return {
            "data_dir": str(self.params["data_dir"]),
            "simulated": self.simulated,
            "platforms": sorted(str(p) for p in acc["platform"].unique()),
            "start": created.min().date().isoformat() if len(created) else None,
            "end": created.max().date().isoformat() if len(created) else None,
            "pages": int(len(acc)),
            "pages_by_type": {str(k): int(v) for k, v in sorted(by_type.items())},
            "posts": int(len(posts)),
            "comments": int(len(com)),
            "audience_comments": int((~com["is_owner"].astype(bool)).sum()),
            "owner_comments": int(com["is_owner"].astype(bool).sum()),
            "collected_at": (
                posts["collected_at"].max().date().isoformat() if len(posts) else None
            ),
            "exclusions": [
                {
                    k: (int(v) if k in ("accounts", "posts", "comments") else str(v))
                    for k, v in row.items()
                }
                for row in self.exclusions.to_dict("records")
            ],
            "coverage": self.coverage,
        }


def load_report_data(params: dict[str, Any]) -> ReportData:
    """Read the canonical tables named by ``params``, filter them and compute the measures.

    The frames are cached beside the data (:mod:`analysis.measures_cache`): the first report of
    a study computes them, the others read them back.

    Parameters
    ----------
    params : dict
        Notebook parameters (validated again here): ``data_dir``, ``platforms``, ``start``,
        ``end``, ``min_posts``, ``reply_window_h`` are used.

    Returns
    -------
    ReportData
    """
    from analysis import measures_cache
    from analysis.schema import CanonicalTables

    params = validate_parameters(params)
    data_dir = resolve_data_dir(params["data_dir"])
    if not data_dir.is_dir():
        raise ValueError(
            f"data_dir {params['data_dir']!r} does not exist (looked in {data_dir}); "
            f"run `dialogic demo` for the demo data or import yours with `dialogic import`"
        )
    dataset = read_dataset_info(data_dir)
    key = measures_cache.measures_key(data_dir, params)
    frames = measures_cache.load(data_dir, key) or _computed_and_stored(
        data_dir, key, params, dataset
    )
    tables = CanonicalTables(frames["accounts"], frames["posts"], frames["comments"])
    return ReportData(
        params=params,
        data_dir=data_dir,
        tables=tables,
        exclusions=frames["exclusions"],
        posts=frames["post_measures"],
        comments=frames["comment_measures"],
        dataset=dataset,
    )


def warm_measures(params: dict[str, Any], dask: str | None = None) -> bool:
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
    params = validate_parameters(params)
    data_dir = resolve_data_dir(params["data_dir"])
    _computed_and_stored(data_dir, key, params, read_dataset_info(data_dir), dask)
    return True


def measures_pending(params: dict[str, Any]) -> str | None:
    """The measures-cache key of ``params`` when its entry is missing (None: cached, or not a
    report of this package's notebooks, whose own checks then report any bad parameter)."""
    from analysis import measures_cache

    try:
        params = validate_parameters(params)
        data_dir = resolve_data_dir(params["data_dir"])
    except (ValueError, TypeError, KeyError):
        return None
    if not (data_dir / "comments.parquet").is_file():
        return None
    key = measures_cache.measures_key(data_dir, params)
    return None if measures_cache.entry_dir(data_dir, key).is_dir() else key


def _computed_and_stored(
    data_dir: Path,
    key: str,
    params: dict[str, Any],
    dataset: dict[str, Any],
    dask: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The frames computed (on Dask when ``dask`` names a scheduler) and stored under ``key``."""
    from analysis import measures_cache

    frames = (
        compute_frames_dask(data_dir, params, dataset, dask)
        if dask
        else compute_frames(data_dir, params, dataset)
    )
    measures_cache.store(data_dir, key, frames)
    return frames


def _filtered(tables: Any, params: dict[str, Any]):
    """:func:`analysis.measures.filter_tables` with the study's filter parameters."""
    from analysis.measures import filter_tables

    return filter_tables(
        tables,
        platforms=params["platforms"] or None,
        start=params["start"] or None,
        end=params["end"] or None,
        min_posts=params["min_posts"],
    )


def compute_frames(
    data_dir: Path, params: dict[str, Any], dataset: dict[str, Any]
) -> dict[str, pd.DataFrame]:
    """Read, filter and measure the data set: the frames :mod:`analysis.measures_cache` stores.

    The comment table is kept as what the reports read of it after the measures (``post_id,
    is_owner``: the coverage audit and the counts); its ids, texts and parents are dropped once
    the measures are computed, so a report holds the measures, not the raw threads.
    """
    from analysis.measures import ThreadIndex, comment_measures, post_measures
    from analysis.measures_cache import cache_dir
    from analysis.schema import CanonicalTables, read_canonical

    rows = _comment_rows(data_dir)
    with steps("measures", 5, rows) as step:
        step(f"reading and checking {rows:,} comments")
        tables = read_canonical(data_dir)
        step("filters")
        kept, exclusions = _filtered(tables, params)
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
        # authors and parents are read by the post measures and the thread index only: free them first
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


def _comment_rows(data_dir: Path) -> int:
    """Rows of ``comments.parquet`` from its footer (0 when unreadable: the reader says why)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(data_dir / "comments.parquet").metadata.num_rows)
    except (OSError, ValueError):
        return 0


def compute_frames_dask(
    data_dir: Path, params: dict[str, Any], dataset: dict[str, Any], scheduler: str
) -> dict[str, pd.DataFrame]:
    """:func:`compute_frames` with the measures on Dask (:func:`analysis.measures_dask.dask_measures`).

    For data above what one machine holds: the comment threads are read, validated and measured
    partition by partition on the cluster (``scheduler``: ``"local"`` for a LocalCluster of this
    machine's cores, or ``tcp://host:port``); this process reads only the accounts, the posts and
    two comment columns (for the filters' counts and the coverage audit). Every measure is a
    property of one post's thread, so the measures of the kept posts are the rows of the whole
    data set's measures under those posts; the frames equal :func:`compute_frames`' (a test).
    """
    import pyarrow.parquet as pq

    from analysis.measures import texts_as_categorical
    from analysis.measures_cache import cache_dir
    from analysis.measures_dask import connect, dask_measures, local_client
    from analysis.schema import CanonicalTables, coerce_table

    accounts = coerce_table(
        pd.read_parquet(data_dir / "accounts.parquet"), "accounts", str(data_dir)
    )
    posts = coerce_table(pd.read_parquet(data_dir / "posts.parquet"), "posts", str(data_dir))
    comments = pq.read_table(
        data_dir / "comments.parquet", columns=["post_id", "is_owner"], read_dictionary=["post_id"]
    ).to_pandas()
    comments["is_owner"] = comments["is_owner"].astype("boolean")
    kept, exclusions = _filtered(CanonicalTables(accounts, posts, comments), params)
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


#: Notebook parameters passed to ``run_hypothesis`` only when set (empty / 0 = the catalogue's).
GENERIC_PARAMETERS = ("outcome", "unit", "contrast", "model", "equivalence_bound")


def run_test(data: ReportData):
    """Run the notebook's hypothesis on ``data`` with :func:`analysis.stats.run_hypothesis`.

    The result's hypothesis is then worded for people by :func:`analysis.report.wording.relabel`:
    a generic hypothesis gets its question and claim from the glossary's names (never the raw
    column names), and the parameters ``claim`` / ``claim_fr`` replace the claim when given.
    """
    from analysis.report.wording import relabel
    from analysis.stats import run_hypothesis

    p = data.params
    check_threads_available(data)
    extra = {k: p[k] for k in GENERIC_PARAMETERS if p[k]}
    if p["direction"] != "catalogue":
        extra["direction"] = p["direction"]
    with steps(f"hypothesis {p['hypothesis']}", 1, len(data.comments)) as step:
        step("model and robustness tests")
        result = run_hypothesis(
            p["hypothesis"],
            posts=data.posts,
            comments=data.comments,
            alpha=p["alpha"],
            min_posts=p["min_posts"],
            **extra,
        )
    return relabel(
        result, p
    )  # question, claim and groups in words (the study's own claim if given)


class ThreadsUnavailable(ValueError):
    """The hypothesis needs comment threads and the data set has none (a post-level aggregate)."""


def threads_needed(params: dict[str, Any], data_dir: Path | str) -> str | None:
    """Why the hypothesis of ``params`` cannot be tested on a data set without comment threads.

    ``None`` when it can: it needs no thread (a post-level count such as ``reported_comments``).
    Used by :func:`check_threads_available` in the notebook and by the runner before any kernel
    starts (only for data sets whose ``dataset.json`` says ``comments_available: false``).
    """
    from analysis.measures import THREAD_MEASURES
    from analysis.stats import CATALOGUE

    hypothesis = params.get("hypothesis") or "H1"
    hyp = CATALOGUE.get(hypothesis)
    if hyp is None:
        return None  # an unknown id is the parameter check's to report
    unit, outcome = params.get("unit") or hyp.unit, params.get("outcome") or hyp.outcome
    if not (
        unit == "comment"
        or outcome in THREAD_MEASURES
        or (unit == "page" and outcome.endswith("replies"))
    ):
        return None
    return (
        f"hypothesis {hypothesis} (outcome `{outcome}`, unit `{unit}`) needs comment threads, and the data "
        f"set {data_dir} has none (dataset.json: comments_available false; a post-level aggregate source "
        f"such as the UCI Facebook metrics). Fix: test a post-level count the platform reported, e.g. "
        f"hypothesis=generic, outcome=reported_comments, unit=post, contrast=account_type, or import the "
        f"comment threads"
    )


def check_threads_available(data: ReportData) -> None:
    """Refuse a hypothesis whose measure needs comment threads on a data set that has none.

    Without threads, replies and answered shares are unknown (NA), not zero: testing them would
    compare nothing, or worse, zeros. The message names the data set and what can be tested.

    Raises
    ------
    ThreadsUnavailable
    """
    if data.dataset.get("comments_available", True):
        return
    why = threads_needed(data.params, data.data_dir)
    if why:
        raise ThreadsUnavailable(why)


def without_low_coverage(data: ReportData) -> tuple[ReportData | None, int]:
    """``data`` restricted to the pages whose coverage reaches the ``coverage_threshold`` parameter.

    Pages whose platform reports no comment count are kept (their coverage is unknown, not low).
    Returns the restricted data (``None`` when no page is low, or every page is) and the number of
    pages left out.
    """
    from analysis.coverage import low_coverage_pages
    from analysis.schema import CanonicalTables

    data.coverage  # fills coverage_pages
    low = set(low_coverage_pages(data.coverage_pages, data.params["coverage_threshold"]))
    pages = set(data.tables.accounts["account_id"].astype(str))
    if not low or not (pages - low):
        return None, len(low)
    keep_posts = ~data.tables.posts["account_id"].astype(str).isin(low)
    posts = data.tables.posts[keep_posts]
    tables = CanonicalTables(
        data.tables.accounts[~data.tables.accounts["account_id"].astype(str).isin(low)],
        posts,
        data.tables.comments[data.tables.comments["post_id"].isin(posts["post_id"])],
    )
    sub = ReportData(
        params=data.params,
        data_dir=data.data_dir,
        tables=tables,
        exclusions=data.exclusions,
        posts=data.posts[~data.posts["account_id"].astype(str).isin(low)],
        comments=data.comments[~data.comments["account_id"].astype(str).isin(low)],
        dataset=data.dataset,
    )
    return sub, len(low)
