"""Reddit: ``.json`` thread listings, ``/api/morechildren`` bodies and Pushshift-style NDJSON
lines.

The submission (``t3``) is the post of its author (``reddit:<username>``); comments (``t1``) hang
under it by ``parent_id`` (``t1_...`` = a comment, ``t3_...`` = top level). A comment is an owner
reply when ``is_submitter`` is true or its author is the submission's author. Deleted authors
(``[deleted]``) get a distinct id per comment, so they never pass for the owner. ``more`` stubs
are placeholders, not records: fetch them with ``morechildren`` and import those bodies too.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from analysis.importers.core import (
    Sink,
    dig,
    guarded,
    iso_from_epoch,
    iter_lines,
    loads_lenient,
    register,
)
from analysis.importers.jsondocs import register_json

P = "reddit"
_GONE = {"[deleted]", "[removed]", None, ""}


def _author(d: dict, fallback_id: str) -> str:
    a = d.get("author")
    return f"{P}:[deleted]/{fallback_id}" if a in _GONE else f"{P}:{a}"


@guarded("posts")
def _submission(d: dict, sink: Sink, loc: str) -> None:
    pid = d.get("name") or (f"t3_{d['id']}" if d.get("id") else None)
    acc = _author(d, pid or "?")
    sink.profile(
        acc, platform=P, handle=d.get("author") or acc.split(":", 1)[1], _source=sink.source
    )
    sink.state.setdefault("reddit_op", {})[pid] = acc
    text = "\n\n".join(x for x in (d.get("title"), d.get("selftext")) if x)
    sink.post(
        loc,
        post_id=f"{P}:{pid}" if pid else None,
        account_id=acc,
        platform=P,
        created_at=iso_from_epoch(d.get("created_utc")),
        text=text or None,
        media_type="text" if d.get("is_self") else "link",
        url=f"https://www.reddit.com{d['permalink']}" if d.get("permalink") else d.get("url"),
        reported_comments=d.get("num_comments"),
        likes=d.get("score"),
    )


def _reply_tree(listing, suffix: str):
    """The things beneath a reply listing as ``guarded`` lists them, in the order `_things`
    reads them."""
    children = (
        dig(listing, "data", "children", default=[]) if isinstance(listing, dict) else listing
    )
    for i, thing in enumerate(children if isinstance(children, list) else ()):
        kind = thing.get("kind") if isinstance(thing, dict) else None
        if kind == "more":
            continue
        yield {"t1": "comments", "t3": "posts"}.get(kind, "unparsed"), f"{suffix}[{i}]", thing
        d = thing.get("data") if kind == "t1" else None
        if isinstance(d, dict) and isinstance(d.get("replies"), dict):
            yield from _reply_tree(d["replies"], f"{suffix}[{i}].replies")


@guarded("comments", nested=lambda d: _reply_tree(d.get("replies"), ".replies"))
def _comment(d: dict, sink: Sink, loc: str) -> None:
    cid = d.get("name") or (f"t1_{d['id']}" if d.get("id") else None)
    link = d.get("link_id")
    author = _author(d, cid or "?")
    op = sink.state.get("reddit_op", {}).get(link)
    if d.get("is_submitter") and op:
        author = op
    sink.comment(
        loc,
        comment_id=f"{P}:{cid}" if cid else None,
        post_id=f"{P}:{link}" if link else None,
        parent_id=f"{P}:{d['parent_id']}" if d.get("parent_id") else None,
        author=author,
        created_at=iso_from_epoch(d.get("created_utc")),
        text=d.get("body"),
    )
    replies = d.get("replies")
    if isinstance(replies, dict):
        _things(replies, sink, loc + ".replies")


def _things(listing, sink: Sink, loc: str) -> None:
    children = (
        dig(listing, "data", "children", default=[]) if isinstance(listing, dict) else listing
    )
    if children and not isinstance(children, list):
        sink.reject(
            "unparsed",
            loc,
            f"listing children is a {type(children).__name__}, not a list of things",
            raw=listing if isinstance(listing, dict) else str(listing),
        )
        return
    for i, thing in enumerate(children or ()):
        _thing(thing, sink, f"{loc}[{i}]")


@guarded("unparsed")
def _thing(thing: dict, sink: Sink, where: str) -> None:
    if True:
        kind, d = thing.get("kind"), thing.get("data") or {}
        if kind == "t3":
            _submission(d, sink, where)
        elif kind == "t1":
            _comment(d, sink, where)
        elif kind != "more":
            sink.reject("unparsed", where, f"unknown reddit thing kind {kind!r}", raw=thing)


def detect_obj(obj) -> bool:
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return obj[0].get("kind") == "Listing"
    if isinstance(obj, dict):
        return obj.get("kind") == "Listing" or isinstance(
            obj.get("json", {}).get("data", {}).get("things"), list
        )
    return False


def read_obj(obj, sink: Sink, loc: str) -> None:
    if isinstance(obj, list):
        for i, listing in enumerate(obj):
            _things(listing, sink, f"{loc}[{i}]")
    elif obj.get("kind") == "Listing":
        _things(obj, sink, loc)
    else:
        _things(obj["json"]["data"]["things"], sink, f"{loc}.json.data.things")


register_json(
    "reddit",
    detect_obj,
    read_obj,
    description="Reddit .json thread listings and /api/morechildren bodies",
    example="dialogic import reddit comments_abc123.json morechildren_*.json",
)


# ------------------------------------------------------------------------------------ pushshift
def detect_pushshift(path: Path, head: bytes) -> bool:
    first = head.split(b"\n", 1)[0]
    return (
        first.startswith(b"{")
        and b'"subreddit"' in first
        and b'"created_utc"' in first
        and (b'"body"' in first or b'"title"' in first)
    )


def read_pushshift(path: Path, sink: Sink) -> None:
    lines = []
    for n, line in iter_lines(path, sink):
        try:
            d = loads_lenient(line, sink)
        except orjson.JSONDecodeError as exc:
            sink.reject("unparsed", f"line {n}", f"malformed JSON line ({exc})", raw=line)
            continue
        lines.append((n, d))
    for n, d in lines:  # submissions first, so owners are known for is_submitter
        if isinstance(d, dict) and "title" in d:
            d.setdefault("name", f"t3_{d.get('id')}")
            _submission(d, sink, f"line {n}")
    for n, d in lines:
        if not isinstance(d, dict):
            sink.reject("unparsed", f"line {n}", "line is not a JSON object", raw=str(d))
        elif "body" in d:
            d.setdefault("name", f"t1_{d.get('id')}")
            _comment(d, sink, f"line {n}")
        elif "title" not in d:
            sink.reject(
                "unparsed", f"line {n}", "neither a submission (title) nor a comment (body)", raw=d
            )


register(
    "pushshift",
    detect_pushshift,
    read_pushshift,
    description="Pushshift / Arctic Shift style NDJSON (one submission or comment per line)",
    example="dialogic import pushshift RS_2023-01.ndjson RC_2023-01.ndjson",
)
