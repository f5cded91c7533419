"""4CAT exports: the CSV of a dataset (4CAT's mapped columns) and its NDJSON (one item per line).

4CAT (Digital Methods Initiative) maps every item of every datasource to a common set of columns
before writing a CSV: ``id``, ``thread_id``, ``author``, ``body``, ``timestamp`` (UTC, ``YYYY-MM-DD
HH:MM:SS``), usually ``unix_timestamp`` and ``subject``, plus columns of the datasource
(``subreddit``, ``score``, ``url``, ``like_count``, ``parent`` or ``reply_to``, ``author_id``,
...).
An NDJSON export holds one item per line: either those mapped columns, or the datasource's original
object (a Bluesky post view with ``4CAT_metadata``, a Pushshift-style Reddit object, a Zeeschuimer
item with ``__import_meta``).

Thread model, the same for every datasource:

- an item is a **post** when ``id == thread_id`` (a Reddit submission, a Bluesky root, a tweet
  that starts its conversation); where ``thread_id`` names a channel rather than an item (Telegram:
  a ``chat`` column), a post is an item that replies to nothing (no ``reply_to``);
- any other item is a **comment**; its post is the root of its reply chain inside the file (so
  Telegram replies land under the message they answer), or ``thread_id`` when the chain leaves the
  file; a parent equal to the post, or no parent column at all, makes a top-level comment.
  Reddit's ``t1_``/``t3_`` prefixes are removed so parents match ids.

Times: ``unix_timestamp`` when present (unambiguous), else ``timestamp`` / ``created_at`` read as
UTC (4CAT writes UTC; ``--tz`` overrides for a naive column written elsewhere). Ids are
``<platform>:<id>`` where the platform comes from the datasource's columns (``subreddit`` = reddit,
``chat`` = telegram, ``at://`` ids = bluesky), else ``4cat``. Authors are ``author_id`` when the
export has it (stable), else ``author``; deleted or anonymous authors get a distinct id per item so
they never pass for the page owner.

Tested on a fixture written from 4CAT's documented column layout (``tests/fixtures/fourcat/``), not
on a real export.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from analysis.importers.core import (
    Sink,
    csv_header,
    csv_rows,
    dig,
    iso_from_epoch,
    iter_lines,
    loads_lenient,
    nonempty,
    register,
)

_REQUIRED = {"id", "thread_id", "author", "body"}
_TIME_COLS = ("unix_timestamp", "timestamp", "created_at", "date")
_PARENT_COLS = ("parent", "parent_id", "in_reply_to", "in_reply_to_id", "reply_to", "reply_to_id")
_GONE = {"[deleted]", "[removed]", "anonymous", "deleted", ""}
_REDDIT_PREFIX = re.compile(r"^t\d_")
# first present column wins
_LIKES = (
    "like_count",
    "likes",
    "score",
    "likes_count",
    "num_likes",
    "favorite_count",
    "reactions",
)
_SHARES = (
    "repost_count",
    "reposts",
    "shares",
    "share_count",
    "retweet_count",
    "retweets",
    "forwards",
)
_REPLIES = ("reply_count", "num_comments", "comments", "num_replies", "replies")
_URL = ("link", "url", "permalink", "post_url")
# (column present in the export, platform of its ids); first match wins
# columns that say ``thread_id`` names a channel/chat rather than the thread's root item
_CONTAINER_COLS = ("chat",)
_PLATFORM_HINTS = (
    ("subreddit", "reddit"),
    ("chat", "telegram"),
    ("board", "4chan"),
    ("channel_id", "youtube"),
)


def _first(row: dict, cols):
    for c in cols:
        v = nonempty(row.get(c))
        if v is not None:
            return v
    return None


def _platform(row: dict) -> str:
    for col, name in _PLATFORM_HINTS:
        if col in row:
            return name
    if str(row.get("id", "")).startswith("at://"):
        return "bluesky"
    return nonempty(row.get("platform")) or "4cat"


def _norm_id(value) -> str | None:
    value = nonempty(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _REDDIT_PREFIX.sub("", str(value).strip())


def _time(row: dict, sink: Sink):
    unix = nonempty(row.get("unix_timestamp"))
    if unix is not None:
        try:
            return iso_from_epoch(unix)
        except (TypeError, ValueError, OverflowError, OSError):
            return str(
                unix
            )  # quarantined by the pipeline as an unreadable timestamp, with the value
    for col in _TIME_COLS[1:]:
        v = nonempty(row.get(col))
        if v is None:
            continue
        if isinstance(v, (int, float)):
            return iso_from_epoch(v)
        text = str(v).strip()
        # 4CAT writes naive UTC; a zone given on the command line means the export was written
        # elsewhere
        if sink.naive_tz is None and re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?", text
        ):
            return text.replace(" ", "T") + "+00:00"
        return text
    return None


def _author(row: dict, platform: str, item_id) -> tuple[str, str | None]:
    """(namespaced author id, handle) with a distinct id per item for deleted/anonymous authors."""
    raw = _first(row, ("author_id", "author"))
    handle = _first(row, ("author_username", "author_handle", "author"))
    if raw is None or str(raw).strip().lower() in _GONE:
        return f"{platform}:[deleted]/{item_id}", None
    return f"{platform}:{raw}", None if handle is None else str(handle)


def _emit_all(items: list[tuple[str, dict]], sink: Sink) -> None:
    """Posts and comments of one file's mapped items (see the module docstring for the thread
    model)."""
    parent_of, thread_of, kept, container = {}, {}, [], set()
    for loc, row in items:
        iid = _norm_id(row.get("id"))
        if iid is None:
            sink.reject("unparsed", loc, "missing field: id (4CAT item without an id)", raw=row)
            continue
        thread = _norm_id(row.get("thread_id"))
        parent = _norm_id(_first(row, _PARENT_COLS))
        if parent in (iid,):
            parent = None
        parent_of.setdefault(iid, parent)
        if any(c in row for c in _CONTAINER_COLS):
            container.add(iid)
        thread_of.setdefault(iid, thread)
        kept.append((loc, row, iid, thread, parent))

    def is_post(i):
        if i not in parent_of:
            return False
        thread = thread_of[i]
        if thread is None or i in container:  # the thread names a channel, not a root item
            return parent_of[i] is None
        return thread == i

    def root(i):
        seen = {i}
        cur = parent_of.get(i)
        while cur in parent_of and not is_post(cur) and cur not in seen:
            seen.add(cur)
            cur = parent_of[cur]
        return cur

    for loc, row, iid, thread, parent in kept:
        platform = _platform(row)
        author, handle = _author(row, platform, iid)
        text = "\n\n".join(
            str(x)
            for x in (nonempty(row.get("subject")), nonempty(row.get("body")))
            if x is not None
        )
        created = _time(row, sink)
        if is_post(iid):
            sink.profile(
                author,
                platform=platform,
                handle=handle or author.split(":", 1)[1],
                display_name=_first(row, ("author_fullname", "author_name")),
                _source=sink.source,
            )
            sink.post(
                loc,
                post_id=f"{platform}:{iid}",
                account_id=author,
                platform=platform,
                created_at=created,
                text=text or None,
                lang=_first(row, ("lang", "language")),
                url=_first(row, _URL),
                media_type=_first(row, ("attachment_type", "media_type", "type")),
                reported_comments=_first(row, _REPLIES),
                likes=_first(row, _LIKES),
                shares=_first(row, _SHARES),
            )
            continue
        top = root(iid)
        post = (
            top
            if top is not None and is_post(top)
            else (thread if thread and thread != iid else top)
        )
        sink.comment(
            loc,
            comment_id=f"{platform}:{iid}",
            post_id=f"{platform}:{post}" if post else None,
            parent_id=f"{platform}:{parent}" if parent and parent != post else None,
            author=author,
            created_at=created,
            text=text or None,
            lang=_first(row, ("lang", "language")),
        )


# ------------------------------------------------------------------------------ original objects
def _from_bluesky(obj: dict) -> dict:
    """A Bluesky post view (4CAT stores the atproto object, snake_case or camelCase) as 4CAT
    columns."""
    rec = obj.get("record") or {}
    author = obj.get("author") or {}
    root = dig(rec, "reply", "root", "uri")
    return {
        "id": obj["uri"],
        "thread_id": root or obj["uri"],
        "parent": dig(rec, "reply", "parent", "uri"),
        "author": author.get("handle"),
        "author_id": author.get("did"),
        "author_name": author.get("display_name") or author.get("displayName"),
        "body": rec.get("text"),
        "created_at": rec.get("created_at") or rec.get("createdAt"),
        "lang": (rec.get("langs") or [None])[0],
        "like_count": obj.get("like_count", obj.get("likeCount")),
        "repost_count": obj.get("repost_count", obj.get("repostCount")),
        "reply_count": obj.get("reply_count", obj.get("replyCount")),
    }


def _from_reddit(obj: dict) -> dict:
    """A Pushshift-style Reddit submission or comment (4CAT's Reddit datasource) as 4CAT
    columns."""
    is_sub = "title" in obj
    return {
        "id": obj["id"],
        "thread_id": obj["id"] if is_sub else obj.get("link_id"),
        "parent": None if is_sub else obj.get("parent_id"),
        "author": obj.get("author"),
        "body": obj.get("selftext") if is_sub else obj.get("body"),
        "subject": obj.get("title"),
        "unix_timestamp": obj.get("created_utc"),
        "subreddit": obj.get("subreddit"),
        "score": obj.get("score"),
        "num_comments": obj.get("num_comments"),
        "url": f"https://www.reddit.com{obj['permalink']}"
        if obj.get("permalink")
        else obj.get("url"),
    }


# (recognise an original object, map it to 4CAT's columns); first match wins
ORIGINAL_MAPPERS = (
    (
        lambda o: (
            "uri" in o and isinstance(o.get("record"), dict) and isinstance(o.get("author"), dict)
        ),
        _from_bluesky,
    ),
    (
        lambda o: "subreddit" in o and "created_utc" in o and ("body" in o or "title" in o),
        _from_reddit,
    ),
)


def _mapped(obj: dict) -> dict | None:
    if set(obj) >= _REQUIRED:
        return obj
    for recognise, mapper in ORIGINAL_MAPPERS:
        if recognise(obj):
            return mapper(obj)
    return None


# ------------------------------------------------------------------------------------ formats
def detect_csv(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    cols = set(csv_header(head))
    return cols >= _REQUIRED and bool(cols & {"timestamp", "unix_timestamp", "created_at"})


def read_csv(path: Path, sink: Sink) -> None:
    _emit_all([(f"row {n}", row) for n, row in csv_rows(path, sink)], sink)


def detect_ndjson(path: Path, head: bytes) -> bool:
    if path.suffix.lower() not in (".ndjson", ".jsonl", ".json"):
        return False
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"{"):
        return False
    if b'"4CAT_metadata"' in first or b'"__import_meta"' in first:
        return True
    return all(f'"{c}"'.encode() in first for c in ("id", "thread_id", "author", "body"))


def read_ndjson(path: Path, sink: Sink) -> None:
    items = []
    for n, line in iter_lines(path, sink):
        loc = f"line {n}"
        try:
            obj = loads_lenient(line, sink)
        except orjson.JSONDecodeError as exc:
            sink.reject("unparsed", loc, f"malformed JSON line ({exc})", raw=line)
            continue
        if not isinstance(obj, dict):
            sink.reject("unparsed", loc, "line is not a JSON object", raw=line)
            continue
        try:
            row = _mapped(obj)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            sink.reject("unparsed", loc, f"malformed record: {type(exc).__name__}: {exc}", raw=obj)
            continue
        if row is None:
            source = dig(obj, "__import_meta", "source_platform") or "unknown datasource"
            sink.reject(
                "unparsed",
                loc,
                f"4CAT item of {source} has no reader here: export the dataset as CSV "
                "from 4CAT (its mapped columns are read) or import the original collection",
                raw=obj,
            )
            continue
        items.append((loc, row))
    _emit_all(items, sink)


register(
    "4cat",
    detect_csv,
    read_csv,
    description="4CAT dataset CSV (id, thread_id, author, body, timestamp, ...)",
    example="dialogic import 4cat 4cat-dataset.csv",
)
register(
    "4cat-ndjson",
    detect_ndjson,
    read_ndjson,
    description="4CAT dataset NDJSON (mapped items or the datasource's original objects)",
    example="dialogic import 4cat-ndjson 4cat-dataset.ndjson",
)
