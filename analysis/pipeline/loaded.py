"""What :func:`analysis.pipeline.load` returns: the data one report is built on, and where from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from analysis.pipeline.parameters import Parameters

if TYPE_CHECKING:
    from analysis.schema import CanonicalTables


@dataclass(frozen=True)
class Provenance:
    """Where the loaded data come from.

    Attributes
    ----------
    data_dir : Path
        Absolute folder of the canonical tables.
    dataset : dict
        Contents of its ``dataset.json`` (empty when absent).
    measures_key : str
        Key of the measures-cache entry the frames belong to (:mod:`analysis.measures_cache`).
    measures_cached : bool
        True when the frames were read from the cache, False when computed by this load.
    """

    data_dir: Path
    dataset: dict[str, Any] = field(default_factory=dict)
    measures_key: str = ""
    measures_cached: bool = False


@dataclass
class Loaded:
    """The data one report is built on.

    Attributes
    ----------
    params : Parameters
        The validated notebook parameters.
    tables : CanonicalTables
        The tables after the filters (platforms, period, minimum posts).
    exclusions : pandas.DataFrame
        One row per filter step: ``step, reason, accounts, posts, comments`` removed.
    posts, comments : pandas.DataFrame
        Per-post and per-audience-comment measures (:mod:`analysis.measures`).
    provenance : Provenance
        The data folder, its ``dataset.json`` and the measures-cache entry.
    coverage_pages : pandas.DataFrame, optional
        Per-page audit of the analysed tables (:func:`analysis.coverage.page_coverage`), filled
        by :attr:`coverage` on first use.
    """

    params: Parameters
    tables: CanonicalTables
    exclusions: pd.DataFrame
    posts: pd.DataFrame
    comments: pd.DataFrame
    provenance: Provenance
    coverage_pages: pd.DataFrame | None = None

    @property
    def data_dir(self) -> Path:
        """Absolute folder of the canonical tables."""
        return self.provenance.data_dir

    @property
    def dataset(self) -> dict[str, Any]:
        """Contents of ``dataset.json`` (empty when absent)."""
        return self.provenance.dataset

    @property
    def coverage(self) -> dict[str, Any]:
        """The coverage audit of the analysed data (:func:`analysis.coverage.summarise`):
        comments collected vs reported, missing parents (from ``dataset.json``), owner replies
        identifiable."""
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
        """True when the data set declares itself simulated (the reports then say so on every
        page)."""
        return bool(self.dataset.get("simulated", False))

    @property
    def language(self) -> str:
        return self.params["language"]

    def summary(self) -> dict[str, Any]:
        """Counts and period of the analysed data, JSON-safe (for the data section and
        results.json)."""
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
        } | self._group_summary()

    def _group_summary(self) -> dict[str, Any]:
        """``pages_by_group`` (focal, reference, neither) when the study names its own groups."""
        from analysis.pipeline.groups import group_counts, groups_from_params

        groups = groups_from_params(self.params)
        if groups.is_default:
            return {}
        return {"pages_by_group": group_counts(self.tables.accounts, groups)}


def without_pages(loaded: Loaded, pages: set[str]) -> Loaded:
    """``loaded`` without the pages (account ids) in ``pages``: their posts, comments, measures."""
    from analysis.schema import CanonicalTables

    t = loaded.tables
    posts = t.posts[~t.posts["account_id"].astype(str).isin(pages)]
    tables = CanonicalTables(
        t.accounts[~t.accounts["account_id"].astype(str).isin(pages)],
        posts,
        t.comments[t.comments["post_id"].isin(posts["post_id"])],
    )
    return Loaded(
        params=loaded.params,
        tables=tables,
        exclusions=loaded.exclusions,
        posts=loaded.posts[~loaded.posts["account_id"].astype(str).isin(pages)],
        comments=loaded.comments[~loaded.comments["account_id"].astype(str).isin(pages)],
        provenance=loaded.provenance,
    )


def without_low_coverage(loaded: Loaded) -> tuple[Loaded | None, int]:
    """``loaded`` restricted to the pages whose coverage reaches the ``coverage_threshold``
    parameter.

    Pages whose platform reports no comment count are kept (their coverage is unknown, not low).
    Returns the restricted data (``None`` when no page is low, or every page is) and the number of
    pages left out.
    """
    from analysis.coverage import low_coverage_pages

    _ = loaded.coverage  # fills coverage_pages
    low = set(low_coverage_pages(loaded.coverage_pages, loaded.params["coverage_threshold"]))
    pages = set(loaded.tables.accounts["account_id"].astype(str))
    if not low or not (pages - low):
        return None, len(low)
    return without_pages(loaded, low), len(low)
