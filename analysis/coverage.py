"""Coverage audit: how much of the conversation a data set actually holds.

A platform reports its own count of comments under each post (``posts.reported_comments``:
Facebook's ``comments.summary.total_count``, Bluesky's ``replyCount``, Mastodon's
``replies_count``, YouTube's ``commentCount`` ...). An export or a search often brings only part of
those comments: the Bluesky ``searchPosts`` sample holds 13 of the ~467 replies its posts report.
A verdict computed from 3 % of a conversation must say so, and a study can refuse it.

This module measures it, per page and per data set, from the canonical tables:

- **collected vs reported**: comments in the data under posts that carry a reported count,
  against the sum of those counts ("~" because a platform's count is a snapshot, and may count
  deleted or hidden comments);
- **missing parents**: replies quarantined at import because their post or parent comment is not
  in the data (they belong to a conversation the data set does not hold);
- **owner replies identifiable**: whether the source can tell the page's own replies from the
  audience's (``dataset.json``: ``owner_identifiable``; some scrapers redact every author);
- **collection window**: first and last post, first and last collection time.

The audit is written to ``dataset.json`` (``coverage``) at import, checked by the runner before any
kernel starts (:func:`analysis.runner.preflight.check_coverage`) and shown in every report.

Functions are pure: tables in, plain dicts / frames out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config import DEFAULT_COVERAGE_THRESHOLD
from analysis.messages import Count, Message, Percent, joined, render

#: Quarantine reasons (their part before ":") that mean "the post or parent of this reply is not in
#: the data".
MISSING_PARENT_REASONS = ("post not found", "parent not found", "parent missing")

PAGE_COLUMNS = [
    "account_id",
    "platform",
    "posts",
    "posts_counted",
    "reported",
    "collected",
    "coverage",
]


def page_coverage(
    posts: pd.DataFrame, comments: pd.DataFrame, accounts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Comments collected vs reported, one row per page.

    Parameters
    ----------
    posts : DataFrame
        Canonical posts (``post_id``, ``account_id``, ``platform``, ``reported_comments``).
    comments : DataFrame
        Canonical comments (``post_id``); every comment counts, the page's own included, since the
        platforms' counts include them.
    accounts : DataFrame, optional
        Canonical accounts; pages without posts are then listed too (with no count).

    Returns
    -------
    DataFrame
        ``account_id, platform, posts, posts_counted`` (posts with a reported count),
        ``reported`` (sum of their counts), ``collected`` (comments in the data under those posts),
        ``coverage`` = min(collected, reported) / reported; 1.0 when the posts report no comment at
        all, NA when no post carries a count (coverage unknown, not low).

    Examples
    --------
    >>> posts = pd.DataFrame({"post_id": ["p1", "p2"], "account_id": ["a", "a"],
    ...                       "platform": ["x", "x"], "reported_comments": [4, None]})
    >>> comments = pd.DataFrame({"post_id": ["p1", "p2", "p2"]})
    >>> columns = ["posts", "posts_counted", "reported", "collected", "coverage"]
    >>> page_coverage(posts, comments)[columns]
       posts  posts_counted  reported  collected  coverage
    0      2              1         4          1      0.25
    """
    per_post = (
        comments.groupby("post_id", observed=True).size()
        if len(comments)
        else pd.Series(dtype="int64")
    )
    reported = pd.to_numeric(posts["reported_comments"], errors="coerce")
    counted = reported.notna().to_numpy()
    frame = pd.DataFrame(
        {
            "account_id": posts["account_id"].astype(str).to_numpy(),
            "platform": posts["platform"].astype(str).to_numpy(),
            "counted": counted,
            "reported": reported.fillna(0).to_numpy(float),
            "collected": per_post.reindex(posts["post_id"]).fillna(0).to_numpy(float) * counted,
        }
    )
    pages = (
        frame.groupby("account_id", sort=True)
        .agg(
            platform=("platform", "first"),
            posts=("counted", "size"),
            posts_counted=("counted", "sum"),
            reported=("reported", "sum"),
            collected=("collected", "sum"),
        )
        .reset_index()
    )
    if accounts is not None and len(accounts):
        missing = accounts[~accounts["account_id"].astype(str).isin(pages["account_id"])]
        extra = pd.DataFrame(
            {
                "account_id": missing["account_id"].astype(str).to_numpy(),
                "platform": missing["platform"].astype(str).to_numpy(),
                "posts": 0,
                "posts_counted": 0,
                "reported": 0.0,
                "collected": 0.0,
            }
        )
        pages = pd.concat([pages, extra], ignore_index=True) if len(extra) else pages
    for col in ("posts", "posts_counted", "reported", "collected"):
        pages[col] = pages[col].astype("int64")
    ratio = pages[["collected", "reported"]].min(axis=1) / pages["reported"].where(
        pages["reported"] > 0
    )
    ratio = ratio.where(pages["reported"] > 0, 1.0).where(pages["posts_counted"] > 0)
    pages["coverage"] = ratio.astype("Float64")
    return pages[PAGE_COLUMNS]


def summarise(
    pages: pd.DataFrame,
    *,
    missing_parents: int = 0,
    owner_identifiable: bool | None = None,
    owner_comments: int | None = None,
    threshold: float = DEFAULT_COVERAGE_THRESHOLD,
    window: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The data-set figures of an audit from its :func:`page_coverage` rows (JSON-safe dict).

    Returns
    -------
    dict
        ``collected``, ``reported`` (over posts with a count), ``ratio`` (collected / reported,
        capped at 1; ``None`` when no post carries a count), ``posts``, ``posts_counted``,
        ``pages``, ``pages_counted``, ``pages_below`` (pages whose coverage is below
        ``threshold``),
        ``threshold``, ``missing_parents``, ``owner_identifiable`` (``False`` from the source;
        otherwise ``True`` when owner replies are present, ``None`` when none is found),
        ``owner_comments``, ``window``.
    """
    collected, reported = int(pages["collected"].sum()), int(pages["reported"].sum())
    counted = pages[pages["posts_counted"] > 0]
    ratio = (min(collected, reported) / reported if reported else 1.0) if len(counted) else None
    below = int((counted["coverage"].astype(float) < threshold).sum())
    if owner_identifiable is None and owner_comments is not None:
        owner_identifiable = True if owner_comments > 0 else None
    return {
        "collected": collected,
        "reported": reported,
        "ratio": ratio,
        "posts": int(pages["posts"].sum()),
        "posts_counted": int(pages["posts_counted"].sum()),
        "pages": int(len(pages)),
        "pages_counted": int(len(counted)),
        "pages_below": below,
        "threshold": float(threshold),
        "missing_parents": int(missing_parents),
        "owner_identifiable": owner_identifiable,
        "owner_comments": owner_comments,
        "window": window or {},
    }


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def collection_window(posts: pd.DataFrame) -> dict[str, str | None]:
    """First and last post day, first and last collection day (ISO dates; ``None`` when
    unknown)."""
    created = posts["created_at"] if len(posts) else pd.Series(dtype="datetime64[ns, UTC]")
    collected = (
        posts["collected_at"] if "collected_at" in posts and len(posts) else created.iloc[:0]
    )
    return {
        "first_post": _day(created.min()),
        "last_post": _day(created.max()),
        "first_collected": _day(collected.min()),
        "last_collected": _day(collected.max()),
    }


def missing_parents(quarantine_file: Path) -> int:
    """Replies in ``quarantine.jsonl`` whose post or parent comment is not in the data
    (streamed)."""
    import orjson

    path = Path(quarantine_file)
    if not path.is_file():
        return 0
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            if b"not found" not in line:  # cheap filter before parsing
                continue
            entry = orjson.loads(line)
            if (
                entry.get("table") == "comments"
                and str(entry.get("reason", "")).split(":")[0] in MISSING_PARENT_REASONS
            ):
                n += 1
    return n


def audit_tables(
    tables,
    *,
    missing: int | None = None,
    quarantine_file: Path | None = None,
    owner_identifiable: bool | None = None,
    threshold: float = DEFAULT_COVERAGE_THRESHOLD,
    with_pages: bool = True,
) -> dict[str, Any]:
    """The whole audit of canonical ``tables`` (what ``dataset.json`` stores under ``coverage``).

    ``missing`` is the number of replies quarantined for a missing post or parent; without it they
    are counted in ``quarantine_file``. ``pages_detail`` (one dict per page, :data:`PAGE_COLUMNS`)
    is included when ``with_pages``.
    """
    if missing is None:
        missing = missing_parents(quarantine_file) if quarantine_file else 0
    pages = page_coverage(tables.posts, tables.comments, tables.accounts)
    owners = int(tables.comments["is_owner"].astype(bool).sum()) if len(tables.comments) else 0
    out = summarise(
        pages,
        missing_parents=missing,
        owner_identifiable=owner_identifiable,
        owner_comments=owners,
        threshold=threshold,
        window=collection_window(tables.posts),
    )
    if with_pages:
        out["pages_detail"] = [
            {k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in pages.astype(object).to_dict("records")
        ]
    return out


def low_coverage_pages(pages: pd.DataFrame, threshold: float) -> list[str]:
    """Ids of the pages whose known coverage is below ``threshold`` (unknown coverage is not
    low)."""
    cov = pages["coverage"].astype(float)
    return sorted(pages.loc[cov.notna() & (cov < threshold), "account_id"].astype(str))


def percent(ratio: float | None) -> str:
    """``0.028`` -> ``"3 %"``; below 1 % but above 0 -> ``"< 1 %"`` (never a misleading "0 %")."""
    if ratio is None:
        return "?"
    value = 100 * ratio
    if 0 < value < 1:
        return "< 1 %"
    if 99 < value < 100:
        return "> 99 %"
    return f"{value:.0f} %"


def _figure_message(cov: dict[str, Any]) -> Message:
    collected, reported = int(cov.get("collected") or 0), int(cov.get("reported") or 0)
    if cov.get("ratio") is None:
        return Message("coverage_no_count", n=Count(collected))
    return Message(
        "coverage_figure",
        collected=Count(collected),
        reported=Count(reported),
        percent=Percent(percent(cov["ratio"])),
    )


def figure(cov: dict[str, Any], language: str = "en") -> str:
    """The headline figure: ``13 of ~467 reported replies (3 %)``; ``None``-safe.

    When no post carries a platform count: ``13 comments; the platform reports no count to check
    them against``.
    """
    return render(_figure_message(cov), language)


def describe(cov: dict[str, Any], language: str = "en", headline: bool = True) -> str:
    """One line with every figure of the audit (import summary, runner messages, reports);
    ``headline=False`` leaves out the :func:`figure` (for a message that has just given it)."""
    parts = [_figure_message(cov)] if headline else []
    missing = int(cov.get("missing_parents") or 0)
    owner = cov.get("owner_identifiable")
    below, counted = int(cov.get("pages_below") or 0), int(cov.get("pages_counted") or 0)
    threshold = percent(cov.get("threshold", DEFAULT_COVERAGE_THRESHOLD))
    if missing:
        parts.append(Message("coverage_missing_parents", n=Count(missing)))
    if below:
        parts.append(
            Message(
                "coverage_pages_below",
                n=Count(below),
                counted=Count(counted),
                threshold=Percent(threshold),
            )
        )
    answer = {True: "coverage_yes", False: "coverage_no"}.get(owner, "coverage_none_found")
    parts.append(Message("coverage_owner", answer=Message(answer)))
    return render(joined(*parts), language)
