"""Pre-flight: everything about a hypothesis report that can be checked without a kernel.

Run by :func:`analysis.runner.run.plan_study` for notebooks of the hypothesis catalogue (those
declaring a ``hypothesis`` parameter), after the parameter types are checked and before any
kernel starts. In the order a user would fix them:

1. **The hypothesis** (:func:`check_hypothesis`): its id is in the catalogue; a named model is
   registered; a generic hypothesis names an outcome, a unit and a contrast; the outcome is a
   numeric column of that unit's measures; the contrast is ``account_type``, a boolean column, or
   ``column=value`` on a category column (``platform=facebook``); a correlation's contrast is
   numeric. A mistake is a :class:`~analysis.runner.errors.ParameterError` (exit 3) with the fix.
2. **Owner replies** (:func:`check_coverage`): a measure of the page's answers (H2, H4, H6,
   ``answered_share``, ...) on a source whose owner replies cannot be identified (``dataset.json``:
   ``owner_identifiable: false``) is refused (exit 4): every comment would look unanswered.
3. **Coverage** (:func:`check_coverage`): the data must hold at least the study's
   ``coverage_threshold`` (80 % by default) of the comments the platform reports for its posts.
   Below it the run stops (exit 4) with the figure and the override, ``--allow-low-coverage``,
   which turns the stop into a warning; every report then shows the figure anyway.
4. **Groups with enough pages** (:func:`inconclusive_reason`): a business-vs-personal comparison
   needs two pages of each type with at least ``min_posts`` posts in the period. When the data
   cannot give that, the report is *inconclusive* before any kernel starts; the index shows why.

Checks 1 and 4 are memoised in ``.dialogic-cache/preflight/`` by what they read (parameters, the
package's code, the data's content hashes), so a rerun with nothing changed imports neither the
statistics package nor pyarrow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis._io import from_root
from analysis.hypothesis_spec import describe_test
from analysis.ledger import read_dataset_info
from analysis.runner import hashing
from analysis.runner.errors import DataError, ParameterError

#: Measures that count or time the page's own replies: meaningless when owners cannot be
#: identified.
OWNER_MEASURES = (
    "answered",
    "answered_in_window",
    "time_to_owner_reply_h",
    "reply_observed",
    "owner_replies",
    "answered_share",
    "first_owner_reply_h",
    "dialogue_turns",
)


def _memo(kind: str, key: Any) -> Path:
    return hashing.CACHE_DIR / "preflight" / f"{kind}-{hashing.digest(key)[:32]}.json"


def _memoised(kind: str, key: Any, compute, tables: bool = False):
    """``compute()``, memoised. With ``tables``: ``None`` when the tables cannot be read this
    way (a missing column, not Parquet): the notebook's schema check then names the problem and
    the fix."""
    path = _memo(kind, key)
    if path.is_file():
        return json.loads(path.read_text())
    if tables:
        import pyarrow as pa

        try:
            value = compute()
        except (OSError, KeyError, ValueError, pa.ArrowException):
            return None
    else:
        value = compute()
    hashing.atomic_write(path, json.dumps(value).encode())
    return value


def _fix(where: str) -> str:
    return f"({where}). Fix the study file or the -p/-f override."


def describe_hypothesis(params: dict[str, Any], where: str) -> dict[str, Any]:
    """What the report will test: ``unit``, ``outcome``, ``contrast``, ``model``, ``kind``.

    Raises
    ------
    ParameterError
        An unknown hypothesis id or model, a generic hypothesis without outcome, unit or contrast,
        an outcome or contrast that is not a measure of the unit or not of a usable type.
    """
    key = [
        "hypothesis",
        {
            k: params.get(k)
            for k in ("hypothesis", "outcome", "unit", "contrast", "model", "covariates")
        },
        hashing.code_hash(),
    ]
    found = _memoised("hypothesis", key, lambda: describe_test(params))
    if "error" in found:
        raise ParameterError(f"{found['error']} {_fix(where)}")
    return found


def needs_threads(found: dict[str, Any]) -> bool:
    """True when the outcome is measured on comment threads (coverage matters)."""
    from analysis.measures import THREAD_MEASURES

    outcome = found["outcome"]
    return (
        found["unit"] == "comment"
        or outcome in THREAD_MEASURES
        or outcome in OWNER_MEASURES
        or (found["unit"] == "page" and outcome.endswith("replies"))
    )


def needs_owner(found: dict[str, Any]) -> bool:
    """True when the outcome counts or times the page's own replies."""
    return found["outcome"] in OWNER_MEASURES or found.get("interaction") is not None


# --------------------------------------------------------------------------- data checks


def coverage_of(
    data: Path, inputs: dict[str, str], platforms: list[str] | None, threshold: float
) -> dict[str, Any]:
    """The coverage audit of the data folder (restricted to ``platforms``), memoised by content
    hash."""

    def compute():
        import pyarrow.parquet as pq

        from analysis.coverage import page_coverage, summarise

        posts = pq.read_table(
            data / "posts.parquet",
            columns=["post_id", "account_id", "platform", "reported_comments"],
        ).to_pandas()
        comments = (
            pq.read_table(data / "comments.parquet", columns=["post_id", "is_owner"]).to_pandas()
            if (data / "comments.parquet").is_file()
            else posts.iloc[:0][["post_id"]].assign(is_owner=False)
        )
        if platforms:
            posts = posts[posts["platform"].isin(platforms)]
            comments = comments[comments["post_id"].isin(posts["post_id"])]
        info = read_dataset_info(data)
        stored = info.get("coverage") or {}
        pages = page_coverage(posts, comments)
        return summarise(
            pages,
            missing_parents=int(stored.get("missing_parents") or 0),
            owner_identifiable=info.get("owner_identifiable", stored.get("owner_identifiable")),
            owner_comments=int(comments["is_owner"].astype(bool).sum()),
            threshold=threshold,
        )

    return _memoised(
        "coverage",
        ["coverage", str(data), inputs, sorted(platforms or []), threshold, hashing.code_hash()],
        compute,
        tables=True,
    )


def check_coverage(
    found: dict[str, Any],
    params: dict[str, Any],
    data: Path,
    inputs: dict[str, str],
    *,
    threshold: float,
    allow_low: bool,
    where: str,
    study_path: Path | str,
) -> list[str]:
    """Refuse (or, with ``allow_low``, warn about) a thread measure on data that miss the
    conversation.

    Returns
    -------
    list of str
        Warnings to show: coverage below the threshold but allowed, coverage unknown, no page reply
        found for a measure of answers.

    Raises
    ------
    DataError
        Owner replies not identifiable for a measure of the page's answers (no override: the
        measure would be wrong, not only imprecise), or coverage below ``threshold`` without
        ``allow_low``; the message gives the figure, the threshold and the fixes.
    """
    if not needs_threads(found) or not (data / "posts.parquet").is_file():
        return []
    from analysis.coverage import describe, figure, percent

    cov = coverage_of(data, inputs, params.get("platforms") or None, threshold)
    if cov is None:
        return []
    if needs_owner(found) and cov.get("owner_identifiable") is False:
        raise DataError(
            f"{where}: hypothesis {found['hypothesis']} measures the page's own replies "
            f"(`{found['outcome']}`), "
            f"and the source of {data} cannot tell them apart from the audience's (dataset.json: "
            f"owner_identifiable false; the export redacts or omits comment authors). Every "
            f"comment would look "
            f"unanswered. Fix: test what the data hold (H1 replies per post, H3 question posts), "
            f"or collect the "
            f"threads with their authors (e.g. `dialogic collect`, the Graph API with `from`)"
        )
    notes = []
    if needs_owner(found) and not cov.get("owner_comments"):
        notes.append(
            f"{where}: no reply by a page was found in {data}, so every comment will count as "
            f"unanswered "
            f"(`{found['outcome']}`); check that the source keeps the pages' own replies"
        )
    if cov.get("ratio") is None:
        return notes + [
            f"coverage of {data} cannot be checked ({figure(cov)}); the reports say so"
        ]
    if cov["ratio"] >= threshold:
        return notes
    text = (
        f"coverage of {data}: {figure(cov)}, below the study's threshold of {percent(threshold)} "
        f"(coverage_threshold); {describe(cov, headline=False)}"
    )
    if allow_low:
        return notes + [
            f"low coverage allowed (--allow-low-coverage): {text}; every report shows the figure"
        ]
    raise DataError(
        f"{where}: {text}. A verdict from this share of the conversation could mislead. Fix: "
        f"collect the whole threads "
        f"(e.g. `dialogic collect bluesky ...`, or import the replies' posts too), or, to "
        f"publish anyway with "
        f"the coverage shown on every page, rerun with --allow-low-coverage (or lower "
        f"`coverage_threshold:` in "
        f"{study_path})"
    )


def inconclusive_reason(
    found: dict[str, Any], params: dict[str, Any], data: Path, inputs: dict[str, str]
) -> str | None:
    """Why a two-group test (business vs personal, or the study's own groups) cannot be run on
    this data, or None when it can.

    Counts, per group, the pages with at least ``min_posts`` posts in the period and the
    platforms of ``params`` (the notebook's own filters), from two columns of two tables (and
    the group file, when the groups come from one).
    """
    if found["contrast"] != "account_type" or found["kind"] == "equivalence":
        return None
    if not (data / "accounts.parquet").is_file() or not (data / "posts.parquet").is_file():
        return None
    filters = {k: params.get(k) for k in ("platforms", "start", "end", "min_posts")}
    column = str(params.get("group_column") or "account_type")
    focal = str(params.get("focal_group") or "business")
    reference = str(params.get("reference_group") or "personal")
    group_file = str(params.get("group_file") or "")
    if column == "account_group" and not (group_file and from_root(group_file).is_file()):
        return None  # the notebook names the missing group file

    def compute():
        import pandas as pd
        import pyarrow.parquet as pq

        from_file = column == "account_group"
        acc = pq.read_table(
            data / "accounts.parquet",
            columns=["account_id", "platform", *(["handle"] if from_file else ["account_type"])],
        ).to_pandas()
        if from_file:
            from analysis.pipeline.groups import account_labels, read_group_file

            labels = account_labels(acc, read_group_file(from_root(group_file)), column)
        else:
            labels = acc["account_type"]
        posts = pq.read_table(
            data / "posts.parquet", columns=["account_id", "platform", "created_at"]
        ).to_pandas()
        if filters["platforms"]:
            posts = posts[posts["platform"].isin(filters["platforms"])]
        if filters["start"]:
            posts = posts[posts["created_at"] >= pd.Timestamp(filters["start"], tz="UTC")]
        if filters["end"]:
            posts = posts[
                posts["created_at"] < pd.Timestamp(filters["end"], tz="UTC") + pd.Timedelta(days=1)
            ]
        n = posts.groupby("account_id").size()
        kept = set(n.index[n >= int(filters["min_posts"] or 0)])
        groups = labels[acc["account_id"].isin(kept).to_numpy()].astype(str).value_counts()
        n_focal, n_reference = int(groups.get(focal, 0)), int(groups.get(reference, 0))
        return {
            "focal": n_focal,
            "reference": n_reference,
            "neither": len(kept) - n_focal - n_reference,  # unknown type, or in no group
            "pages": len(kept),
            "all_pages": int(len(acc)),
        }

    key = ["group-counts", str(data), inputs, filters, column, focal, reference]
    if column == "account_group":
        key.append(hashing.file_sha256(from_root(group_file)))
    counts = _memoised("groups", key, compute, tables=True)
    if counts is None or counts["focal"] >= 2 and counts["reference"] >= 2:
        return None
    if column == "account_group":
        return (
            f"each group needs at least two pages with at least {filters['min_posts']} posts; "
            f"the data have {counts['focal']} {focal} and {counts['reference']} {reference} "
            f"page{'s' if counts['reference'] != 1 else ''} ({counts['neither']} in neither "
            f"group). Fix: label more pages in {group_file}, lower `min_posts` or widen the "
            "period"
        )
    where_posts = f"with at least {filters['min_posts']} posts" + (
        " in the period" if filters["start"] or filters["end"] else ""
    )
    fixes = []
    if counts["neither"]:
        fixes.append(
            f"label the {counts['neither']} page{'s' if counts['neither'] > 1 else ''} of "
            f"unknown type "
            f"(`dialogic label export`, then `dialogic import ... --labels`)"
        )
    if counts["pages"] < counts["all_pages"]:
        fixes.append("lower `min_posts` or widen the period")
    fixes.append("or test a contrast within pages (H3)")
    return (
        f"each group needs at least two pages {where_posts}; the data have {counts['focal']} "
        f"business "
        f"and {counts['reference']} personal page{'s' if counts['reference'] != 1 else ''} "
        f"({counts['neither']} of unknown type). Fix: " + ", ".join(fixes)
    )
