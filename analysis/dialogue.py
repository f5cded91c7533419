"""Dialogue measures of a reply tree, after the dialogic-communication literature.

Who answers whom, how far an exchange goes and who opens it, from parent links and authors only
(no text is read here except the question signal the caller passes in). "Organisation" (org) is
the page owner: the post's account, ``is_owner`` true (a personal page's owner is its
"organisation" here); "user" is anyone else.

Operational definitions
-----------------------
Reply direction (per comment)
    The author is the page or not; the message replied to is the parent comment, or the post for
    a top-level comment (the post's author is the page). Hence ``org_to_user`` (the page answers a
    user's comment), ``user_to_org`` (a user comments on the post or answers the page),
    ``user_to_user`` (a user answers a user's comment, their own included), ``org_to_org`` (the
    page replies to itself: to its own post or its own comment) and ``unknown`` (the parent id is
    not in the data: a deleted or uncollected comment). Keeping organisation-to-user replies apart
    from user-to-user replies follows Kent & Taylor's (1998) dialogic loop: what counts is the
    organisation answering its publics, not the publics talking among themselves (Bortree &
    Seltzer, 2009; Rybalko & Seltzer, 2010, count the organisation's responses to users the same
    way).
Organisation-to-user reply rate (per post)
    ``org_to_user_replies / replies``: the page's direct replies to user comments per user
    comment (user comments at any depth; NA without user comments). It can exceed 1 (several
    answers to one comment).
Share of user comments with an organisation reply (per post)
    The share of user comments that got at least one *direct* reply from the page (a child comment
    by the page). This differs from ``answered_share`` of :mod:`analysis.measures`, which counts a
    page reply anywhere beneath the comment.
Thread
    A top-level comment (the opening message) and all its descendants. A subtree whose top comment
    replies to a missing parent is no thread (its exchange is unknown): it is left out of the
    thread counts, and its comments have no thread class.
Contingency of a thread (Rafaeli, 1988)
    Rafaeli defines three levels: declarative (one-way) communication, where a message is not
    answered; reactive, where a message responds to an earlier one; interactive (fully
    interactive), where a later message responds to an earlier one *and to how that one related to
    the one before it*. From parent links and authors:

    - along every reply chain of the thread (opening message, its reply, the reply to that, ...),
      consecutive messages by the same author are one *turn* (a self-reply continues one's own
      message; it answers nobody);
    - a message **responds** when its parent has another author;
    - a message **closes an exchange** when it responds to a message that itself responded to a
      message by this same author: the turn sequence of its chain ends A, B, A (A answers B's
      answer to A, so the third turn refers to the exchange itself);
    - **declarative**: no message of the thread responds (no reply at all, or only the opener's
      own follow-ups);
    - **reactive**: some message responds, none closes an exchange (A→B, A→B and A→C, A→B→C);
    - **interactive**: some message closes an exchange (A→B→A, at any depth, between the page and
      a user or between users only).

    Authors are compared by ``author_id``: a pseudonymised user keeps one id across the data set,
    so a returning user is recognised; authors the importer could not identify (deleted accounts)
    have one id per message and never close an exchange.
Thread depth
    The longest reply chain of a thread, in replies below the opening message (0: no reply).
Who opens an exchange
    For a thread whose opening message is a question (the question signal of
    :mod:`analysis.text.questions`), whether the page (``org``) or a user (``user``) asked it; a
    question post by the page opens an exchange too. Per post: ``org_opened_questions`` = the post
    itself when it is a question + the question threads the page opened;
    ``user_opened_questions`` = the question threads users opened.

How it stays fast
-----------------
Every function works on the integer rows of :class:`analysis.measures.ThreadIndex`
(``parent_row``: the parent comment's row, -1 for none): thread roots and depths by pointer
jumping (log2 of the deepest chain passes over the arrays), turns by one vectorised pass per
reply level, per-thread and per-post results by ``bincount`` and ``maximum.at``. No Python loop
runs over comments.

References
----------
Bortree, D. S., & Seltzer, T. (2009). Dialogic strategies and outcomes: An analysis of
environmental advocacy groups' Facebook profiles. *Public Relations Review, 35*(3), 317-319.

Kent, M. L., & Taylor, M. (1998). Building dialogic relationships through the World Wide Web.
*Public Relations Review, 24*(3), 321-334.

Rafaeli, S. (1988). Interactivity: From new media to communication. In R. P. Hawkins, J. M.
Wiemann, & S. Pingree (Eds.), *Advancing communication science: Merging mass and interpersonal
processes* (Sage Annual Review of Communication Research, Vol. 16, pp. 110-134). Sage.

Rybalko, S., & Seltzer, T. (2010). Dialogic communication in 140 characters or less: How Fortune
500 companies engage stakeholders using Twitter. *Public Relations Review, 36*(4), 336-341.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Reply directions, in the order of their codes.
DIRECTIONS = ("org_to_user", "user_to_org", "user_to_user", "org_to_org", "unknown")
DIRECTION_DTYPE = pd.CategoricalDtype(list(DIRECTIONS))
ORG_TO_USER, USER_TO_ORG, USER_TO_USER, ORG_TO_ORG, UNKNOWN = range(len(DIRECTIONS))

#: Contingency classes of a thread (Rafaeli 1988), in the order of their codes.
CONTINGENCY = ("declarative", "reactive", "interactive")
CONTINGENCY_DTYPE = pd.CategoricalDtype(list(CONTINGENCY), ordered=True)
DECLARATIVE, REACTIVE, INTERACTIVE = range(len(CONTINGENCY))

#: Who asked the question opening an exchange.
OPENERS = ("org", "user")
OPENER_DTYPE = pd.CategoricalDtype(list(OPENERS))

#: The post-level columns (:func:`post_counts`), the comment-level ones (:func:`comment_columns`)
POST_COLUMNS = (
    "org_to_user_replies",
    "user_to_user_replies",
    "org_to_user_rate",
    "org_replied_share",
    "declarative_threads",
    "reactive_threads",
    "interactive_threads",
    "max_thread_depth",
    "org_opened_questions",
    "user_opened_questions",
)
COMMENT_COLUMNS = ("reply_direction", "org_replied", "thread_contingency", "thread_depth")

#: The full references of the definitions (APA).
REFERENCES = (
    "Bortree, D. S., & Seltzer, T. (2009). Dialogic strategies and outcomes: An analysis of "
    "environmental advocacy groups' Facebook profiles. Public Relations Review, 35(3), 317-319.",
    "Kent, M. L., & Taylor, M. (1998). Building dialogic relationships through the World Wide "
    "Web. Public Relations Review, 24(3), 321-334.",
    "Rafaeli, S. (1988). Interactivity: From new media to communication. In R. P. Hawkins, J. M. "
    "Wiemann, & S. Pingree (Eds.), Advancing communication science: Merging mass and "
    "interpersonal processes (Sage Annual Review of Communication Research, Vol. 16, "
    "pp. 110-134). Sage.",
    "Rybalko, S., & Seltzer, T. (2010). Dialogic communication in 140 characters or less: How "
    "Fortune 500 companies engage stakeholders using Twitter. Public Relations Review, 36(4), "
    "336-341.",
)

#: Passes of pointer jumping allowed: 2**64 levels, far beyond any thread; more means a cycle.
_MAX_JUMPS = 64


def reply_directions(
    is_owner: np.ndarray, parent_row: np.ndarray, has_parent: np.ndarray
) -> np.ndarray:
    """Per comment, the code of its reply direction in :data:`DIRECTIONS` (int8).

    Parameters
    ----------
    is_owner : numpy.ndarray of bool
        The comment's author is the page.
    parent_row : numpy.ndarray of int
        Row of the parent comment, -1 for a top-level comment or a parent not found.
    has_parent : numpy.ndarray of bool
        The comment names a parent (``parent_id`` not null): with ``parent_row == -1`` the parent
        is missing and the direction is ``unknown``.
    """
    is_owner = np.asarray(is_owner, dtype=bool)
    parent_row = np.asarray(parent_row, dtype=np.int64)
    found = parent_row >= 0
    # a top-level comment answers the post, whose author is the page
    parent_owner = np.ones(len(is_owner), dtype=bool)
    parent_owner[found] = is_owner[parent_row[found]]
    codes = np.where(
        is_owner,
        np.where(parent_owner, ORG_TO_ORG, ORG_TO_USER),
        np.where(parent_owner, USER_TO_ORG, USER_TO_USER),
    ).astype(np.int8)
    codes[np.asarray(has_parent, dtype=bool) & ~found] = UNKNOWN
    return codes


def direct_org_reply(is_owner: np.ndarray, parent_row: np.ndarray) -> np.ndarray:
    """Per comment, whether the page replied to it directly (a child comment by the page)."""
    is_owner = np.asarray(is_owner, dtype=bool)
    parent_row = np.asarray(parent_row, dtype=np.int64)
    out = np.zeros(len(parent_row), dtype=bool)
    out[parent_row[is_owner & (parent_row >= 0)]] = True
    return out


def roots_and_depths(parent_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per comment, the row of the top comment of its subtree and its depth below it.

    Pointer jumping: every row points at its parent (a top comment at itself) and each pass
    replaces the pointer by the pointer's pointer while adding up the distances, so a chain of
    ``d`` replies needs ``log2(d)`` passes over the arrays.

    Raises
    ------
    ValueError
        When parent links form a cycle (a comment among its own ancestors).
    """
    parent_row = np.asarray(parent_row, dtype=np.int64)
    n = len(parent_row)
    has = parent_row >= 0
    up = np.where(has, parent_row, np.arange(n, dtype=np.int64))
    dist = has.astype(np.int64)
    for _ in range(_MAX_JUMPS):
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        dist = dist + dist[up]
        up = nxt
    if n and (parent_row[up] >= 0).any():
        bad = int(np.flatnonzero(parent_row[up] >= 0)[0])
        raise ValueError(
            f"comment row {bad} is among its own ancestors (parent links form a cycle). "
            "Fix: validate the tables (analysis.schema.validate_tables) before the measures."
        )
    return up, dist


@dataclass(frozen=True)
class Threads:
    """The threads of a set of comments and their dialogue (arrays, one entry per thread).

    Attributes
    ----------
    opener : numpy.ndarray
        Row of each thread's opening (top-level) comment.
    contingency : numpy.ndarray
        Code in :data:`CONTINGENCY` (int8).
    depth : numpy.ndarray
        Longest reply chain below the opening message (int64; 0 = no reply).
    messages : numpy.ndarray
        Comments in the thread, the opener included.
    of_comment : numpy.ndarray
        Per comment, the position of its thread in these arrays (-1: under a missing parent).
    """

    opener: np.ndarray
    contingency: np.ndarray
    depth: np.ndarray
    messages: np.ndarray
    of_comment: np.ndarray


def threads(parent_row: np.ndarray, authors: np.ndarray, has_parent: np.ndarray) -> Threads:
    """The threads of the comments and their contingency class and depth (see the module notes).

    Parameters
    ----------
    parent_row : numpy.ndarray of int
        Row of the parent comment, -1 for none or not found.
    authors : numpy.ndarray of int
        Author codes (equal codes = same author), e.g. ``pd.factorize(author_id)[0]``.
    has_parent : numpy.ndarray of bool
        ``parent_id`` not null (a top comment with one replies to a missing parent: no thread).
    """
    parent_row = np.asarray(parent_row, dtype=np.int64)
    authors = np.asarray(authors, dtype=np.int64)
    n = len(parent_row)
    root, depth = roots_and_depths(parent_row)
    # the turn state along each chain: the previous speaker (s2) and the one before (s3)
    s2 = np.full(n, -1, dtype=np.int64)
    s3 = np.full(n, -1, dtype=np.int64)
    order = np.argsort(depth, kind="stable")
    bounds = np.cumsum(np.bincount(depth, minlength=1))
    for level in range(1, len(bounds)):
        rows = order[bounds[level - 1] : bounds[level]]
        parent = parent_row[rows]
        same = authors[rows] == authors[parent]
        s2[rows] = np.where(same, s2[parent], authors[parent])
        s3[rows] = np.where(same, s3[parent], s2[parent])
    responds = s2 >= 0
    closes = (s3 >= 0) & (s3 == authors)
    opener = np.flatnonzero((parent_row < 0) & ~np.asarray(has_parent, dtype=bool))
    position = np.full(n, -1, dtype=np.int64)
    position[opener] = np.arange(len(opener), dtype=np.int64)
    of_comment = position[root] if n else position
    inside = of_comment >= 0
    k = len(opener)
    code = np.zeros(k, dtype=np.int8)
    code[of_comment[inside & responds]] = REACTIVE
    code[of_comment[inside & closes]] = INTERACTIVE
    longest = np.zeros(k, dtype=np.int64)
    np.maximum.at(longest, of_comment[inside], depth[inside])
    messages = np.bincount(of_comment[inside], minlength=k).astype(np.int64)
    return Threads(opener, code, longest, messages, of_comment)


@dataclass(frozen=True)
class Dialogue:
    """The dialogue of a set of comments: per comment its reply direction (code in
    :data:`DIRECTIONS`) and whether the page replied to it directly, and the threads."""

    direction: np.ndarray
    org_replied: np.ndarray
    threads: Threads


def analyse(
    parent_row: np.ndarray, is_owner: np.ndarray, authors: np.ndarray, has_parent: np.ndarray
) -> Dialogue:
    """:func:`reply_directions`, :func:`direct_org_reply` and :func:`threads` at once."""
    return Dialogue(
        reply_directions(is_owner, parent_row, has_parent),
        direct_org_reply(is_owner, parent_row),
        threads(parent_row, authors, has_parent),
    )


def comment_columns(d: Dialogue, rows: np.ndarray) -> dict[str, object]:
    """The comment-level columns (:data:`COMMENT_COLUMNS`) of the comments at ``rows``:
    ``reply_direction`` and ``thread_contingency`` categorical, ``org_replied`` bool,
    ``thread_depth`` Int64 (NA, like the class, under a missing parent)."""
    rows = np.asarray(rows, dtype=np.int64)
    th = d.threads
    of = th.of_comment[rows]
    inside = of >= 0
    where = np.maximum(of, 0)
    known = len(th.opener) > 0
    depth = pd.array(np.where(inside, th.depth[where] if known else 0, 0), dtype="Int64")
    depth[~inside] = pd.NA
    return {
        "reply_direction": pd.Categorical.from_codes(d.direction[rows], dtype=DIRECTION_DTYPE),
        "org_replied": d.org_replied[rows],
        "thread_contingency": pd.Categorical.from_codes(
            np.where(inside, th.contingency[where] if known else -1, -1), dtype=CONTINGENCY_DTYPE
        ),
        "thread_depth": depth,
    }


def question_openers(opener_is_owner: np.ndarray, opener_is_question: np.ndarray) -> np.ndarray:
    """Per thread, who asked its opening question: code 0 (``org``), 1 (``user``), -1 (the
    opening message is no question)."""
    owner = np.asarray(opener_is_owner, dtype=bool)
    question = np.asarray(opener_is_question, dtype=bool)
    return np.where(question, np.where(owner, 0, 1), -1).astype(np.int8)


def post_counts(
    post_row: np.ndarray,
    n_posts: int,
    is_owner: np.ndarray,
    direction: np.ndarray,
    org_replied: np.ndarray,
    thread: Threads,
    opener_is_question: np.ndarray,
    post_is_question: np.ndarray,
) -> dict[str, np.ndarray]:
    """The post-level dialogue measures, one array per column (one entry per post).

    Parameters
    ----------
    post_row : numpy.ndarray of int
        Per comment, the row of its post.
    n_posts : int
        Number of posts.
    is_owner, direction, org_replied : numpy.ndarray
        Per comment (:func:`reply_directions`, :func:`direct_org_reply`).
    thread : Threads
        The comments' threads (:func:`threads`).
    opener_is_question : numpy.ndarray of bool
        Per thread, its opening message is a question.
    post_is_question : numpy.ndarray of bool
        Per post, the post is a question.

    Returns
    -------
    dict
        ``org_to_user_replies, user_to_user_replies, org_to_user_rate, org_replied_share,
        declarative_threads, reactive_threads, interactive_threads, max_thread_depth,
        org_opened_questions, user_opened_questions`` (rates NA without user comments, the depth
        NA for a post without threads).
    """
    post_row = np.asarray(post_row, dtype=np.int64)
    is_owner = np.asarray(is_owner, dtype=bool)

    def count(mask: np.ndarray, rows: np.ndarray = post_row) -> np.ndarray:
        return np.bincount(rows[mask], minlength=n_posts).astype(np.int64)

    users = count(~is_owner)
    out: dict[str, np.ndarray] = {
        "org_to_user_replies": count(direction == ORG_TO_USER),
        "user_to_user_replies": count(direction == USER_TO_USER),
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        out["org_to_user_rate"] = np.where(
            users > 0, out["org_to_user_replies"] / np.maximum(users, 1), np.nan
        )
        out["org_replied_share"] = np.where(
            users > 0, count(~is_owner & org_replied) / np.maximum(users, 1), np.nan
        )
    thread_post = post_row[thread.opener]
    for code, name in enumerate(CONTINGENCY):
        out[f"{name}_threads"] = count(thread.contingency == code, thread_post)
    has_threads = np.bincount(thread_post, minlength=n_posts) > 0
    longest = np.zeros(n_posts, dtype=np.int64)
    np.maximum.at(longest, thread_post, thread.depth)
    out["max_thread_depth"] = np.where(has_threads, longest, np.nan)
    asker = question_openers(is_owner[thread.opener], opener_is_question)
    out["org_opened_questions"] = np.asarray(post_is_question, dtype=np.int64) + count(
        asker == 0, thread_post
    )
    out["user_opened_questions"] = count(asker == 1, thread_post)
    return out


# --- the same on pandas frames (a data set's or a hand-written set of comments) -----------------


def _frame_arrays(posts: pd.DataFrame, comments: pd.DataFrame):
    from analysis.schema import thread_rows

    post_row, parent_row = thread_rows(posts, comments)
    if (post_row < 0).any():
        raise ValueError(
            f"{int((post_row < 0).sum())} comment(s) name a post that is not in `posts` (first "
            f"{comments['post_id'][post_row < 0].iloc[0]!r}). Fix: pass every comment's post."
        )
    has_parent = comments["parent_id"].notna().to_numpy()
    is_owner = comments["is_owner"].to_numpy(dtype=bool)
    authors = pd.factorize(comments["author_id"])[0].astype(np.int64)
    return post_row, parent_row, has_parent, is_owner, authors


def comment_dialogue(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """One row per comment (page comments included), in the order of ``comments``.

    Parameters
    ----------
    posts : pandas.DataFrame
        At least ``post_id``.
    comments : pandas.DataFrame
        At least ``comment_id, post_id, parent_id, author_id, is_owner``; a parent id not among
        the comments is a missing parent.

    Returns
    -------
    pandas.DataFrame
        ``comment_id, post_id, is_owner, reply_direction, org_replied, thread_id (the opening
        comment's id; NA under a missing parent), thread_contingency, thread_depth``.
    """
    post_row, parent_row, has_parent, is_owner, authors = _frame_arrays(posts, comments)
    d = analyse(parent_row, is_owner, authors, has_parent)
    ids = comments["comment_id"].to_numpy(dtype=object)
    of = d.threads.of_comment
    opener_id = np.full(len(ids), None, dtype=object)
    opener_id[of >= 0] = ids[d.threads.opener[of[of >= 0]]]
    columns = comment_columns(d, np.arange(len(ids)))
    return pd.DataFrame(
        {
            "comment_id": comments["comment_id"].to_numpy(),
            "post_id": comments["post_id"].to_numpy(),
            "is_owner": is_owner,
            "reply_direction": columns["reply_direction"],
            "org_replied": columns["org_replied"],
            "thread_id": pd.array(opener_id, dtype="string"),
            "thread_contingency": columns["thread_contingency"],
            "thread_depth": columns["thread_depth"],
        }
    )


def thread_dialogue(
    posts: pd.DataFrame, comments: pd.DataFrame, is_question: pd.Series | np.ndarray
) -> pd.DataFrame:
    """One row per thread (top-level comment): ``thread_id, post_id, opener_is_owner, messages,
    thread_depth, contingency, opener_is_question, question_opener`` (``org``, ``user``, or NA
    when the opening message is no question).

    ``is_question`` is the question signal of every comment, aligned with ``comments``.
    """
    post_row, parent_row, has_parent, is_owner, authors = _frame_arrays(posts, comments)
    th = threads(parent_row, authors, has_parent)
    question = np.asarray(is_question, dtype=bool)[th.opener]
    return pd.DataFrame(
        {
            "thread_id": comments["comment_id"].to_numpy()[th.opener],
            "post_id": comments["post_id"].to_numpy()[th.opener],
            "opener_is_owner": is_owner[th.opener],
            "messages": th.messages,
            "thread_depth": th.depth,
            "contingency": pd.Categorical.from_codes(th.contingency, dtype=CONTINGENCY_DTYPE),
            "opener_is_question": question,
            "question_opener": pd.Categorical.from_codes(
                question_openers(is_owner[th.opener], question), dtype=OPENER_DTYPE
            ),
        }
    )


def post_dialogue(
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    is_question: pd.Series | np.ndarray,
    post_is_question: pd.Series | np.ndarray,
) -> pd.DataFrame:
    """One row per post (in the order of ``posts``): ``post_id`` and the columns of
    :func:`post_counts`. ``is_question`` is aligned with ``comments``, ``post_is_question`` with
    ``posts``."""
    post_row, parent_row, has_parent, is_owner, authors = _frame_arrays(posts, comments)
    th = threads(parent_row, authors, has_parent)
    counts = post_counts(
        post_row,
        len(posts),
        is_owner,
        reply_directions(is_owner, parent_row, has_parent),
        direct_org_reply(is_owner, parent_row),
        th,
        np.asarray(is_question, dtype=bool)[th.opener],
        np.asarray(post_is_question, dtype=bool),
    )
    return pd.DataFrame({"post_id": posts["post_id"].to_numpy(), **counts})
