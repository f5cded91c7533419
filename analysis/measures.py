"""Measures of dialogue, per post, per audience comment and per page.

Each definition is written once, here, and printed in every report's glossary (:data:`GLOSSARY`).
Functions take canonical tables (see :mod:`analysis.schema`) and return tidy frames; they never
modify their input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import catalog, dialogue
from analysis.config import DEFAULT_MIN_POSTS, DEFAULT_REPLY_WINDOW_H
from analysis.schema import CanonicalTables, numbered_from_zero, row_numbers, thread_rows

HOUR = pd.Timedelta(hours=1)

#: Definition of every measure in English, with its industry counterpart.
_DEFINITIONS: dict[str, dict[str, str]] = {
    "replies": {
        "en": "Comments written under a post by anyone other than the page itself, at any depth "
        "of the thread.",
        "industry": "the comment part of 'engagement' / 'interaction rate' (which also counts "
        "likes and shares)",
    },
    "owner_replies": {
        "en": "Comments written by the page itself under its own post.",
        "industry": "'replies sent' in social-care dashboards",
    },
    "unique_commenters": {
        "en": "Number of different people who commented on a post (the page excluded).",
        "industry": "'unique engaged users' restricted to comments",
    },
    "answered": {
        "en": "A comment from the audience is answered when the page replied beneath it in its "
        "thread.",
        "industry": "per comment, the basis of the 'response rate'",
    },
    "answered_share": {
        "en": "Share of the audience's comments on a post that the page answered.",
        "industry": "'response rate' (usually computed per page over all messages)",
    },
    "first_owner_reply_h": {
        "en": "Hours from a post's publication to the page's first reply in its comments (empty "
        "if none).",
        "industry": "close to 'first response time'",
    },
    "time_to_owner_reply_h": {
        "en": "Hours from an audience comment to the page's first reply beneath it; comments not "
        "answered within"
        " the window (or before collection) are censored at that time, not dropped.",
        "industry": "'average reply time', which ignores unanswered comments and so flatters slow "
        "pages",
    },
    "answered_in_window": {
        "en": "An audience comment is answered within the window when the page's first reply "
        "beneath it came"
        " within the reply window (72 h by default); comments collected before their window ended "
        "are left"
        " out (too young to tell).",
        "industry": "'response rate within the SLA' (e.g. answered within 24 h) in social-care "
        "dashboards",
    },
    "dialogue_turns": {
        "en": "Number of times the speaker changes between page and audience along reply chains "
        "under a post.",
        "industry": "no common counterpart; 'conversation depth' in some tools",
    },
    "reported_comments": {
        "en": "Comments the platform itself counted under a post (owner's own included); the only "
        "reply "
        "count of sources without comment threads.",
        "industry": "'comments' in platform insights and CrowdTangle",
    },
    "org_to_user_replies": {
        "en": "The page's direct replies to its users' comments under a post (a reply to the post "
        "itself or to the page's own comment is not one); kept apart from users' replies to one "
        "another, since the dialogic loop is the organisation answering its publics (Kent & "
        "Taylor 1998; Rybalko & Seltzer 2010).",
        "industry": "'replies sent' counted on the audience's comments only",
    },
    "user_to_user_replies": {
        "en": "Users' replies to other users' comments (or to their own) under a post: "
        "conversation among the audience, not with the page (Bortree & Seltzer 2009).",
        "industry": "no common counterpart ('community conversation')",
    },
    "org_to_user_rate": {
        "en": "The page's direct replies to users per user comment under a post (org-to-user "
        "replies / audience comments; can exceed 1; empty without audience comments) (Rybalko & "
        "Seltzer 2010).",
        "industry": "close to 'response rate', per post and counting every reply",
    },
    "org_replied_share": {
        "en": "Share of the audience's comments on a post that got at least one direct reply from "
        "the page (unlike the share answered, a page reply deeper in the thread does not count) "
        "(Kent & Taylor 1998).",
        "industry": "'response rate' on direct replies",
    },
    "declarative_threads": {
        "en": "Threads (a top-level comment and its replies) under a post in which nobody "
        "responds: no reply, or only the opener's own follow-ups; one-way communication after "
        "Rafaeli (1988).",
        "industry": "'unanswered comments'",
    },
    "reactive_threads": {
        "en": "Threads under a post in which someone responds to another participant but nobody "
        "answers a response to their own message (A to B, A to B then C); reactive communication "
        "after Rafaeli (1988).",
        "industry": "no common counterpart (one reply and no follow-up)",
    },
    "interactive_threads": {
        "en": "Threads under a post in which a participant answers a response to their own "
        "message (turns A to B to A along a reply chain, between the page and a user or among "
        "users): the third turn refers to the exchange; interactive communication after Rafaeli "
        "(1988).",
        "industry": "no common counterpart ('conversations' in some tools)",
    },
    "max_thread_depth": {
        "en": "Longest reply chain under a post, in replies below a top-level comment (0: no "
        "reply; empty without comments) (Rafaeli 1988).",
        "industry": "'conversation depth' in some tools",
    },
    "org_opened_questions": {
        "en": "Exchanges the page opened with a question under a post: the post itself when it "
        "is a question, plus the page's top-level comments that ask one (Kent & Taylor 1998; "
        "Rybalko & Seltzer 2010).",
        "industry": "'question posts' in content audits, extended to comments",
    },
    "user_opened_questions": {
        "en": "Exchanges users opened with a question under a post: their top-level comments "
        "that ask one (Rybalko & Seltzer 2010).",
        "industry": "'customer questions' in social-care dashboards",
    },
    "reply_direction": {
        "en": "Who answers whom: org_to_user (the page answers a user), user_to_org (a user "
        "comments on the post or answers the page), user_to_user (a user answers a user), "
        "org_to_org (the page replies to itself), unknown (the parent is missing) (Kent & Taylor "
        "1998).",
        "industry": "no common counterpart",
    },
    "org_replied": {
        "en": "An audience comment got at least one direct reply from the page (a reply to the "
        "comment itself, not deeper in its thread) (Kent & Taylor 1998).",
        "industry": "per comment, the basis of a direct 'response rate'",
    },
    "thread_contingency": {
        "en": "Contingency of the comment's thread after Rafaeli (1988): declarative (nobody "
        "responds), reactive (someone responds, nobody answers a response to their own message) "
        "or interactive (turns A to B to A along a reply chain).",
        "industry": "no common counterpart",
    },
    "thread_depth": {
        "en": "Longest reply chain of the comment's thread, in replies below its top-level "
        "comment (0: no reply) (Rafaeli 1988).",
        "industry": "'conversation depth' in some tools",
    },
    "is_question": {
        "en": "The post asks its audience a question (question mark or question form, English or "
        "French).",
        "industry": "'question posts' in content audits",
    },
    "is_promotional": {
        "en": "The post promotes a sale, offer or product (offer words, prices, calls to buy).",
        "industry": "'promotional content'",
    },
    "negative": {
        "en": "The comment's tone is negative (complaint, anger, disappointment), from a "
        "lexicon-based classifier.",
        "industry": "'negative sentiment' in listening tools",
    },
    "post_age_h": {
        "en": "Hours between a post's publication and the collection of its comments.",
        "industry": "-",
    },
    "followers": {
        "en": "Audience size of the page at collection (followers, subscribers or page likes).",
        "industry": "'audience' / 'fans'",
    },
}

#: The definitions by language, translated by the catalogues under ``glossary.<measure>``:
#: ``GLOSSARY["replies"]["fr"]``; ``GLOSSARY["replies"]["industry"]`` is the industry's word.
GLOSSARY: dict[str, catalog.LanguageTexts] = catalog.texts("glossary", _DEFINITIONS)


def _hours(delta: pd.Series) -> pd.Series:
    return delta / HOUR


NS_PER_HOUR = 3_600_000_000_000
_NO_TIME = np.iinfo(np.int64).max


def _ns(times: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch of a UTC time column (NaT as the int64 minimum)."""
    return pd.DatetimeIndex(times).asi8


class ThreadIndex:
    """The comment threads of one data set as integer arrays (the columnar core of the measures).

    Ids are joined once into row numbers: ``post_row[i]`` is the row in ``posts`` of comment i's
    post, ``parent_row[i]`` the row of its parent comment (-1 for a top-level comment). Every
    measure
    is then a vectorised array operation (``bincount``, ``minimum.at``, gathers): the thread walk
    is
    a join repeated once per level, never a Python loop over comments.
    """

    def __init__(self, tables: CanonicalTables):
        posts, com = tables.posts, tables.comments
        self.n_posts = len(posts)
        rows = tables.thread_rows
        if rows is not None and len(rows[0]) == len(com):  # joined by validate_tables already
            self.post_row, self.parent_row = rows
        else:
            self.post_row, self.parent_row = thread_rows(posts, com)
        self.is_owner = com["is_owner"].to_numpy(dtype=bool)
        self.created = _ns(com["created_at"])
        self._dialogue: dialogue.Dialogue | None = None

    def dialogue(self, comments: pd.DataFrame) -> dialogue.Dialogue:
        """The reply directions and threads of the comments (:mod:`analysis.dialogue`), computed
        once and kept: the post measures compute them from the authors, and the comment measures,
        which may get the comments without ``author_id`` and ``parent_id``, reuse them."""
        if self._dialogue is None:
            if "author_id" not in comments:
                raise ValueError(
                    "the dialogue measures need the comments' author_id. Fix: compute the post "
                    "measures with this ThreadIndex first, or keep author_id in the comments."
                )
            has_parent = (
                comments["parent_id"].notna().to_numpy()
                if "parent_id" in comments
                else self.parent_row >= 0
            )
            authors = pd.factorize(comments["author_id"])[0].astype(np.int64)
            self._dialogue = dialogue.analyse(self.parent_row, self.is_owner, authors, has_parent)
        return self._dialogue

    def first_owner_reply_beneath(self) -> np.ndarray:
        """Per comment, the time (ns) of the earliest owner comment in its subtree (int64 max if
        none).

        Walks up from every owner comment through its ancestors, level by level: the cost is
        (owner comments) x (thread depth), each level one gather and one ``minimum.at``.
        """
        first = np.full(len(self.created), _NO_TIME, dtype=np.int64)
        owners = np.flatnonzero(self.is_owner)
        ancestor, time = self.parent_row[owners], self.created[owners]
        while len(ancestor):
            keep = ancestor >= 0
            ancestor, time = ancestor[keep], time[keep]
            np.minimum.at(first, ancestor, time)
            ancestor = self.parent_row[ancestor]
        return first

    def per_post(self, mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Per post, the number (or the sum of ``weights``) of the comments selected by
        ``mask``."""
        w = None if weights is None else weights[mask]
        out = np.bincount(self.post_row[mask], weights=w, minlength=self.n_posts)
        return out if weights is not None else out.astype(np.int64)

    def dialogue_turns(self) -> np.ndarray:
        """Per post: replies whose author side (owner/audience) differs from their parent's."""
        reply = self.parent_row >= 0
        switch = np.zeros(len(self.parent_row), dtype=bool)
        switch[reply] = self.is_owner[reply] != self.is_owner[self.parent_row[reply]]
        return self.per_post(switch)


def texts_as_categorical(texts: pd.Series) -> pd.Categorical:
    """``texts`` as a categorical of the distinct texts in order of first appearance.

    Audience comments repeat themselves ("Thanks!", "❤️"): 10 million comments held 80,000
    distinct texts in the scale benchmark, 40 MB of codes against 680 MB of strings. The order
    of the categories depends on the rows only, so every engine (in memory, Dask) gives the same.
    """
    codes, uniques = pd.factorize(texts)
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype="string")
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories))


def _with_accounts(df: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    cols = ["account_id", "account_type", "followers"]
    return df.merge(accounts[cols], on="account_id", how="left", validate="many_to_one")


#: Post measures counted from comment threads: missing (NA, not zero) when a source has no threads
#: (post-level aggregates such as the UCI Facebook metrics; ``dataset.json``:
#: ``comments_available``).
THREAD_MEASURES = (
    "replies",
    "owner_replies",
    "unique_commenters",
    "answered_share",
    "first_owner_reply_h",
    "dialogue_turns",
    *dialogue.POST_COLUMNS,
)


def _signals(frame: pd.DataFrame, cache_dir) -> pd.DataFrame:
    from analysis.text.cache import text_signals

    return text_signals(frame["text"], frame["lang"], cache_dir, what=f"{len(frame):,} texts")


def _unique_per_post(index: ThreadIndex, mask: np.ndarray, author: pd.Series) -> np.ndarray:
    codes = pd.factorize(author[mask])[0].astype(np.int64)
    pair = pd.unique(
        index.post_row[mask].astype(np.int64) * (int(codes.max(initial=0)) + 1) + codes
    )
    return np.bincount(pair // (int(codes.max(initial=0)) + 1), minlength=index.n_posts).astype(
        np.int64
    )


def post_measures(
    tables: CanonicalTables,
    comments_available: bool = True,
    cache_dir=None,
    threads: ThreadIndex | None = None,
) -> pd.DataFrame:
    """One row per post with the dialogue measures of the glossary.

    Parameters
    ----------
    tables : CanonicalTables
        Validated canonical tables.
    comments_available : bool
        False for post-level aggregate sources (no comment threads): comment-based measures are
        then missing (NA), not zero, and ``comments_available`` says so.
    cache_dir : path, optional
        Folder of the text-signal cache (:mod:`analysis.text.cache`; ``<data set>/.cache``).
    threads : ThreadIndex, optional
        The tables' thread index when the caller already built it (else built here).

    Returns
    -------
    pandas.DataFrame
        Columns ``post_id, account_id, platform, account_type, followers, created_at, lang, text,
        replies, owner_replies, unique_commenters, answered_share, first_owner_reply_h,
        dialogue_turns, post_age_h, is_question, is_promotional, reported_comments,
        comments_available``, then the dialogue measures of :mod:`analysis.dialogue`
        (:data:`analysis.dialogue.POST_COLUMNS`: ``org_to_user_replies, user_to_user_replies,
        org_to_user_rate, org_replied_share, declarative_threads, reactive_threads,
        interactive_threads, max_thread_depth, org_opened_questions, user_opened_questions``).

    Notes
    -----
    ``replies`` counts audience comments at any depth; ``answered_share`` = answered audience
    comments / audience comments (NA when a post has none).
    """
    posts, com = tables.posts, tables.comments
    index = threads or ThreadIndex(tables)
    audience = ~index.is_owner
    out = posts[
        ["post_id", "account_id", "platform", "created_at", "lang", "text", "reported_comments"]
    ].copy()
    out = _with_accounts(out, tables.accounts)
    replies = index.per_post(audience)
    out["replies"] = replies
    out["owner_replies"] = index.per_post(index.is_owner)
    out["unique_commenters"] = _unique_per_post(index, audience, com["author_id"])
    answered = index.first_owner_reply_beneath() != _NO_TIME
    with np.errstate(invalid="ignore", divide="ignore"):
        out["answered_share"] = np.where(
            replies > 0, index.per_post(audience, answered.astype(float)) / replies, np.nan
        )
    first_owner = np.full(index.n_posts, _NO_TIME, dtype=np.int64)
    np.minimum.at(first_owner, index.post_row[index.is_owner], index.created[index.is_owner])
    out["first_owner_reply_h"] = np.where(
        first_owner == _NO_TIME, np.nan, (first_owner - _ns(posts["created_at"])) / NS_PER_HOUR
    )
    out["dialogue_turns"] = index.dialogue_turns()
    out["post_age_h"] = (_ns(posts["collected_at"]) - _ns(posts["created_at"])) / NS_PER_HOUR
    signals = _signals(out, cache_dir)
    out["lang"] = signals["lang"]
    out["is_question"] = signals["is_question"].to_numpy()
    out["is_promotional"] = signals["is_promotional"].to_numpy()
    talk = index.dialogue(com)
    openers = talk.threads.opener
    opener_question = _signals(com[["text", "lang"]].take(openers), cache_dir)["is_question"]
    out = out.assign(
        **dialogue.post_counts(
            index.post_row,
            index.n_posts,
            index.is_owner,
            talk.direction,
            talk.org_replied,
            talk.threads,
            opener_question.to_numpy(dtype=bool),
            out["is_question"].to_numpy(dtype=bool),
        )
    )
    out["comments_available"] = comments_available
    if not comments_available:
        for col in THREAD_MEASURES:
            out[col] = pd.NA
    columns = [
        "post_id",
        "account_id",
        "platform",
        "account_type",
        "followers",
        "created_at",
        "lang",
        "text",
        "replies",
        "owner_replies",
        "unique_commenters",
        "answered_share",
        "first_owner_reply_h",
        "dialogue_turns",
        "post_age_h",
        "is_question",
        "is_promotional",
        "reported_comments",
        "comments_available",
        *dialogue.POST_COLUMNS,
    ]
    return out[columns]


def comment_measures(
    tables: CanonicalTables,
    window_h: float | None = DEFAULT_REPLY_WINDOW_H,
    cache_dir=None,
    threads: ThreadIndex | None = None,
) -> pd.DataFrame:
    """One row per audience comment (comments by the page itself are excluded).

    Parameters
    ----------
    tables : CanonicalTables
        Validated canonical tables.
    window_h : float or None
        Replies later than this many hours count as not observed (censored at ``window_h``);
        None censors only at collection time.
    cache_dir : path, optional
        Folder of the text-signal cache (:mod:`analysis.text.cache`).
    threads : ThreadIndex, optional
        The tables' thread index when the caller already built it.

    Returns
    -------
    pandas.DataFrame
        Columns ``comment_id, post_id, account_id, platform, account_type, followers, created_at,
        depth, lang, text, answered, time_to_owner_reply_h, reply_observed, answered_in_window,
        sentiment, negative, post_is_question``, then ``reply_direction, org_replied,
        thread_contingency, thread_depth`` (:mod:`analysis.dialogue`).

    Notes
    -----
    ``time_to_owner_reply_h`` is the delay to the first owner reply beneath the comment when that
    reply came within the window and before collection (``reply_observed`` true); otherwise it is
    the censoring time, ``min(window_h, hours from comment to collection)``, with
    ``reply_observed`` false. Unanswered comments are kept, never dropped.

    ``answered_in_window`` (nullable boolean) says whether the first owner reply came within
    ``window_h``; it is NA for a comment collected less than ``window_h`` after it was written
    (answered or not: keeping only the young comments that were answered quickly would bias both
    the share answered and the delays among the answered). With ``window_h=None`` it is
    ``reply_observed`` (answered before collection).
    """
    if window_h is not None and not window_h > 0:
        raise ValueError(f"window_h must be a positive number of hours or None, got {window_h!r}")
    com, posts = tables.comments, tables.posts
    index = threads or ThreadIndex(tables)
    audience = np.flatnonzero(~index.is_owner)
    first = index.first_owner_reply_beneath()[audience]
    post_row = index.post_row[audience]
    account_row = row_numbers(posts["account_id"], tables.accounts["account_id"])[post_row]
    post_ids = pd.CategoricalDtype(
        pd.Index(posts["post_id"].to_numpy(), dtype=posts["post_id"].dtype)
    )
    out = pd.DataFrame(
        {
            "comment_id": com["comment_id"].take(audience).reset_index(drop=True),
            "post_id": pd.Categorical.from_codes(post_row, dtype=post_ids),
        }
        | {
            "account_id": posts["account_id"].take(post_row).to_numpy(),
            "platform": posts["platform"].take(post_row).to_numpy(),
        }
        | {
            c: tables.accounts[c].take(account_row).reset_index(drop=True)
            for c in ("account_type", "followers")
        }
        | {
            c: com[c].take(audience).reset_index(drop=True)
            for c in ("created_at", "depth", "lang")
        }
        | {"text": texts_as_categorical(com["text"].take(audience))},
        copy=False,
    )
    created = index.created[audience]
    answered = first != _NO_TIME
    delay = np.where(answered, (first - created) / NS_PER_HOUR, np.nan)
    to_collection = (_ns(posts["collected_at"])[post_row] - created) / NS_PER_HOUR
    limit = to_collection if window_h is None else np.minimum(to_collection, window_h)
    with np.errstate(invalid="ignore"):
        observed = answered & (delay <= limit)
    out["answered"] = answered
    out["time_to_owner_reply_h"] = np.where(observed, delay, limit).astype(float)
    out["reply_observed"] = observed
    followed = np.ones(len(out), dtype=bool) if window_h is None else to_collection >= window_h
    in_window = pd.array(observed, dtype="boolean")
    in_window[~followed] = pd.NA
    out["answered_in_window"] = in_window
    signals = _signals(out, cache_dir)
    out["lang"] = signals["lang"].to_numpy()
    out["lang"] = out["lang"].astype("string")
    out["sentiment"] = signals["sentiment"].to_numpy()
    out["negative"] = signals["negative"].to_numpy()
    post_q = _signals(posts[["text", "lang"]], cache_dir)["is_question"].to_numpy()
    out["post_is_question"] = post_q[post_row]
    for name, values in dialogue.comment_columns(index.dialogue(com), audience).items():
        out[name] = values
    columns = [
        "comment_id",
        "post_id",
        "account_id",
        "platform",
        "account_type",
        "followers",
        "created_at",
        "depth",
        "lang",
        "text",
        "answered",
        "time_to_owner_reply_h",
        "reply_observed",
        "answered_in_window",
        "sentiment",
        "negative",
        "post_is_question",
        *dialogue.COMMENT_COLUMNS,
    ]
    return out[columns]


def page_measures(post_m: pd.DataFrame, comment_m: pd.DataFrame) -> pd.DataFrame:
    """One row per account: ``account_id, platform, account_type, followers, posts, mean_replies,
    answered_share, median_first_owner_reply_h``.

    ``answered_share`` here pools all audience comments of the page (comments answered / comments).
    """
    pages = post_m.groupby("account_id").agg(
        platform=("platform", "first"),
        account_type=("account_type", "first"),
        followers=("followers", "first"),
        posts=("post_id", "size"),
        mean_replies=("replies", "mean"),
        median_first_owner_reply_h=("first_owner_reply_h", "median"),
    )
    answered = comment_m.groupby("account_id")["answered"].mean()
    pages["answered_share"] = answered.reindex(pages.index)
    pages = pages.reset_index()
    return pages[
        [
            "account_id",
            "platform",
            "account_type",
            "followers",
            "posts",
            "mean_replies",
            "answered_share",
            "median_first_owner_reply_h",
        ]
    ]


def filter_tables(
    tables: CanonicalTables,
    platforms: list[str] | None = None,
    start: str | None = None,
    end: str | None = None,
    min_posts: int = DEFAULT_MIN_POSTS,
    account_types: tuple[str, ...] | None = None,
) -> tuple[CanonicalTables, pd.DataFrame]:
    """Keep the posts of the study and say what was excluded and why.

    Parameters
    ----------
    platforms : list of str, optional
        Keep these platforms (empty or None keeps all).
    start, end : str, optional
        ISO dates; keep posts created on or after ``start`` and on or before ``end`` (whole day).
    min_posts : int
        Pages with fewer posts left after the other filters are dropped (their estimates would
        rest on too little data).
    account_types : tuple of str, optional
        Keep accounts of these types (e.g. ``("business", "personal")`` drops ``unknown``).

    Returns
    -------
    (CanonicalTables, pandas.DataFrame)
        The filtered tables, and one row per exclusion step: ``step, reason, accounts, posts,
        comments`` (numbers removed by that step). Counts reconcile: kept + excluded = input.
    """
    if min_posts < 0:
        raise ValueError(f"min_posts must be >= 0, got {min_posts}")
    acc, posts, com = tables.accounts, tables.posts, tables.comments
    rows = tables.thread_rows
    known = set(acc["platform"].unique())
    for p in platforms or []:
        if p not in known:
            raise ValueError(
                f"platform {p!r} is not in the data; the data has {sorted(known)}. "
                f"Fix: pass one of those, or leave `platforms` empty for all."
            )
    steps: list[dict] = []

    def apply(
        step: str, reason: str, keep_posts: pd.Series, keep_accounts: pd.Series | None = None
    ):
        nonlocal acc, posts, com, rows
        if (
            bool(keep_posts.all()) and keep_accounts is None
        ):  # nothing to remove: no copy of the tables
            steps.append(
                {"step": step, "reason": reason, "accounts": 0, "posts": 0, "comments": 0}
            )
            return
        new_posts = posts[keep_posts]
        new_acc = acc[keep_accounts] if keep_accounts is not None else acc
        new_acc = new_acc[new_acc["account_id"].isin(new_posts["account_id"])]
        if rows is not None:  # the joined rows, renumbered: no second join
            post_kept = keep_posts.to_numpy(dtype=bool)
            keep_com = post_kept[rows[0]]
            rows = _renumbered(rows, post_kept, keep_com)
        else:
            keep_com = row_numbers(com["post_id"], new_posts["post_id"]) >= 0
        new_com = com[keep_com]
        steps.append(
            {
                "step": step,
                "reason": reason,
                "accounts": len(acc) - len(new_acc),
                "posts": len(posts) - len(new_posts),
                "comments": len(com) - len(new_com),
            }
        )
        acc, posts, com = new_acc, new_posts, new_com

    if platforms:
        apply(
            "platform", f"platform not in {sorted(platforms)}", posts["platform"].isin(platforms)
        )
    if account_types:
        keep_acc = acc["account_type"].isin(account_types)
        apply(
            "account type",
            f"account type not in {list(account_types)}",
            posts["account_id"].isin(acc.loc[keep_acc, "account_id"]),
            keep_acc,
        )
    if start:
        t0 = pd.Timestamp(start, tz="UTC")
        apply("period start", f"posted before {t0.date()}", posts["created_at"] >= t0)
    if end:
        t1 = pd.Timestamp(end, tz="UTC") + pd.Timedelta(days=1)
        apply(
            "period end",
            f"posted after {(t1 - pd.Timedelta(days=1)).date()}",
            posts["created_at"] < t1,
        )
    if min_posts:
        n = posts.groupby("account_id")["post_id"].transform("size")
        apply(
            "minimum posts", f"page has fewer than {min_posts} posts in the period", n >= min_posts
        )
    exclusions = pd.DataFrame(steps, columns=["step", "reason", "accounts", "posts", "comments"])
    kept = CanonicalTables(
        *(
            df if numbered_from_zero(df.index) else df.reset_index(drop=True)
            for df in (acc, posts, com)
        ),
        thread_rows=rows,
    )
    return kept, exclusions


def _renumbered(
    rows: tuple[np.ndarray, np.ndarray], post_kept: np.ndarray, comment_kept: np.ndarray
):
    """``thread_rows`` after keeping ``post_kept`` posts and ``comment_kept`` comments (a parent
    sits under the same post as its reply, so it is kept with it)."""
    post_row, parent_row = rows
    new_post = np.cumsum(post_kept) - 1
    new_comment = np.cumsum(comment_kept) - 1
    parent = parent_row[comment_kept]
    return new_post[post_row[comment_kept]], np.where(
        parent >= 0, new_comment[np.maximum(parent, 0)], -1
    )


#: Kind of every column of each unit's measures (``post_measures``, ``comment_measures`` and the
#: page frame the page-level tests aggregate), so that a study's outcome and contrast can be
#: checked before any data is read or kernel started (:mod:`analysis.runner.preflight`).
#: Kinds: ``id``, ``time``, ``text``, ``category`` (compare one value with ``column=value``),
#: ``bool`` (a contrast as it is), ``count``, ``number``. A test keeps this in step with the
#: frames.
MEASURE_KINDS: dict[str, dict[str, str]] = {
    "post": {
        "post_id": "id",
        "account_id": "id",
        "platform": "category",
        "account_type": "category",
        "followers": "count",
        "created_at": "time",
        "lang": "category",
        "text": "text",
        "replies": "count",
        "owner_replies": "count",
        "unique_commenters": "count",
        "answered_share": "number",
        "first_owner_reply_h": "number",
        "dialogue_turns": "count",
        "post_age_h": "number",
        "is_question": "bool",
        "is_promotional": "bool",
        "reported_comments": "count",
        "comments_available": "bool",
        "org_to_user_replies": "count",
        "user_to_user_replies": "count",
        "org_to_user_rate": "number",
        "org_replied_share": "number",
        "declarative_threads": "count",
        "reactive_threads": "count",
        "interactive_threads": "count",
        "max_thread_depth": "count",
        "org_opened_questions": "count",
        "user_opened_questions": "count",
    },
    "comment": {
        "comment_id": "id",
        "post_id": "id",
        "account_id": "id",
        "platform": "category",
        "account_type": "category",
        "followers": "count",
        "created_at": "time",
        "depth": "count",
        "lang": "category",
        "text": "text",
        "answered": "bool",
        "time_to_owner_reply_h": "number",
        "reply_observed": "bool",
        "answered_in_window": "bool",
        "sentiment": "number",
        "negative": "bool",
        "post_is_question": "bool",
        "reply_direction": "category",
        "org_replied": "bool",
        "thread_contingency": "category",
        "thread_depth": "count",
    },
    "page": {
        "account_id": "id",
        "platform": "category",
        "account_type": "category",
        "followers": "count",
        "posts": "count",
        "mean_replies": "number",
        "answered_share": "number",
    },
}
