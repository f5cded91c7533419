"""Twitter/X: twarc2 (API v2 response pages and ``twarc2 flatten`` lines) and the TWCS layout.

Thread model (API v2). A tweet that replies to another (``referenced_tweets`` of type
``replied_to``) is a *comment*: its post is the conversation root (``conversation_id``), its
parent the tweet it replies to (top level when that is the root). Every other original tweet or
quote is a *post* of its author. Retweets are shares, neither posts nor replies: they go to the
quarantine with the reason ``retweet``. An author is the owner when they wrote the conversation
root. ``verified_type`` (business, government) labels accounts.

TWCS ("Customer Support on Twitter", Kaggle): conversations between customers and brands'
support accounts. A thread that a brand starts is a post of the brand; a thread a customer starts
(``inbound``) is modelled as a *conversation post* of the brand it addresses
(``twitter:twcs-conv/<root id>``, text = the customer's first tweet), under which the customer's
first tweet is the top-level comment and the brand's answers are owner replies. The brand is the
first brand author in the thread, else the first ``@mention`` of a known brand in the first tweet.
TWCS ids are renumbered by the dataset, so they live in the ``twitter:twcs/`` namespace.
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
    guarded,
    int_or_none,
    iso_from_format,
    iter_lines,
    loads_lenient,
    nonempty,
    register,
)

P = "twitter"


def _profile(sink: Sink, user: dict, collected_at) -> None:
    uid = user.get("id") if isinstance(user, dict) else None
    if not uid:
        return
    vt = user.get("verified_type")
    sink.profile(
        f"{P}:{uid}",
        platform=P,
        handle=user.get("username"),
        display_name=user.get("name"),
        followers=dig(user, "public_metrics", "followers_count"),
        collected_at=collected_at,
        signal=f"verified_type={vt}" if vt else None,
        _source=sink.source,
    )


@guarded("posts")
def _tweet(t: dict, sink: Sink, loc: str, collected_at) -> None:
    tid = t.get("id")
    refs = t.get("referenced_tweets") or ()
    replied = retweeted = None
    for r in refs:
        kind = r.get("type")
        if kind == "replied_to":
            replied = r.get("id")
        elif kind == "retweeted":
            retweeted = r.get("id")
    if retweeted:
        sink.reject(
            "posts",
            loc,
            f"retweet: {tid} shares {retweeted}; a share is neither a post nor a reply",
            raw={"id": tid, "author_id": t.get("author_id"), "retweeted": retweeted},
        )
        return
    author = t.get("author_id")
    text, lang, created = t.get("text"), t.get("lang"), t.get("created_at")
    if replied:
        conv = t.get("conversation_id")
        sink.comment(
            loc,
            comment_id=f"{P}:{tid}" if tid else None,
            post_id=f"{P}:{conv}" if conv else None,
            parent_id=f"{P}:{replied}",
            author=f"{P}:{author}" if author else None,
            created_at=created,
            text=text,
            lang=lang,
        )
        return
    m = t.get("public_metrics") or {}
    sink.post(
        loc,
        post_id=f"{P}:{tid}" if tid else None,
        account_id=f"{P}:{author}" if author else None,
        platform=P,
        created_at=created,
        text=text,
        lang=lang,
        media_type="quote" if refs else ("media" if t.get("attachments") else "text"),
        url=f"https://twitter.com/i/web/status/{tid}",
        reported_comments=m.get("reply_count"),
        likes=m.get("like_count"),
        shares=m.get("retweet_count"),
        collected_at=collected_at,
    )


def detect_twarc2(path: Path, head: bytes) -> bool:
    h = head.lstrip()
    return h.startswith(b"{") and (
        b'"__twarc"' in head or (b'"conversation_id"' in head and b'"author_id"' in head)
    )


def read_twarc2(path: Path, sink: Sink) -> None:
    for n, line in iter_lines(path, sink):
        try:
            obj = loads_lenient(line, sink)
        except orjson.JSONDecodeError as exc:
            sink.reject(
                "unparsed",
                f"line {n}",
                f"malformed JSON line ({exc}); truncated or damaged",
                raw=line,
            )
            continue
        if not isinstance(obj, dict):
            sink.reject("unparsed", f"line {n}", "line is not a JSON object", raw=line)
            continue
        collected = dig(obj, "__twarc", "retrieved_at")
        if "data" in obj:  # an API response page
            users = dig(obj, "includes", "users", default=None) or []
            if not isinstance(users, list):  # profiles only label accounts; the tweets still count
                sink.note(
                    f"line {n}: includes.users is a {type(users).__name__}, not a list; its "
                    f"profiles "
                    f"were not read"
                )
                users = []
            for u in users:
                _profile(sink, u, collected)
            data = obj["data"]
            if isinstance(data, dict):
                data = [data]
            if not isinstance(data, list):
                sink.reject(
                    "unparsed",
                    f"line {n}",
                    f"`data` is a {type(data).__name__}, not a list of tweets",
                    raw=line[:5000],
                )
                continue
            for i, t in enumerate(data):
                if not isinstance(
                    t, dict
                ):  # one damaged item must not take the rest of the page with it
                    sink.reject(
                        "unparsed",
                        f"line {n}, data[{i}]",
                        f"data[{i}] is {type(t).__name__ if t is not None else 'null'}, not a "
                        f"tweet object",
                        raw=repr(t)[:5000],
                    )
                    continue
                if "username" in t and "text" not in t:  # a /users page: profiles, not records
                    _profile(sink, t, collected)
                    continue
                _tweet(t, sink, f"line {n}, data[{i}]", collected)
        elif "id" in obj and "text" in obj:  # a flattened tweet
            if isinstance(obj.get("author"), dict):
                _profile(sink, obj["author"], collected)
            _tweet(obj, sink, f"line {n}", collected)
        else:
            sink.reject(
                "unparsed",
                f"line {n}",
                "neither a twarc2 response page (data) nor a flattened tweet",
                raw=line[:5000],
            )


register(
    "twarc2",
    detect_twarc2,
    read_twarc2,
    description="Twitter/X API v2 as written by twarc2 (response pages or `twarc2 flatten` lines)",
    example="dialogic import twarc2 tweets.jsonl",
)

# -------------------------------------------------------------------------------------------- TWCS
TWCS_COLUMNS = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]
_MENTION = re.compile(r"@(\w+)")
_TWCS_TIME = "%a %b %d %H:%M:%S %z %Y"


def detect_twcs(path: Path, head: bytes) -> bool:
    return csv_header(head)[:7] == TWCS_COLUMNS


def _tid(v) -> str | None:
    v = nonempty(v)
    if v is None:
        return None
    v = int_or_none(v)
    return str(v)


def read_twcs(path: Path, sink: Sink) -> None:
    rows = {}
    for n, r in csv_rows(path, sink):
        tid = _tid(r.get("tweet_id"))
        if tid is None:
            sink.reject("comments", f"row {n}", "missing field: tweet_id", raw=r)
            continue
        if tid in rows:
            sink.reject(
                "comments",
                f"row {n}",
                f"duplicate id: tweet {tid} appears earlier in the file",
                raw=r,
            )
            continue
        r["_n"] = n
        rows[tid] = r
    brands = {
        r["author_id"] for r in rows.values() if str(r.get("inbound")).strip().lower() == "false"
    }
    children: dict[str, list[str]] = {}
    for tid, r in rows.items():
        parent = _tid(r.get("in_response_to_tweet_id"))
        r["_parent"] = parent
        if parent:
            children.setdefault(parent, []).append(tid)

    def ns(tid):
        return f"{P}:twcs/{tid}"

    def author(r):
        a = (r.get("author_id") or "").strip()
        return f"{P}:{a}" if a in brands else (f"{P}:twcs-user/{a}" if a else None)

    for root, r in rows.items():
        if r["_parent"] is not None and r["_parent"] in rows:
            continue  # not a root in this file
        thread, stack = [], [root]
        while stack:
            t = stack.pop()
            thread.append(t)
            stack.extend(children.get(t, ()))
        when = iso_from_format(r.get("created_at"), _TWCS_TIME)
        if (
            r["_parent"] is not None
        ):  # broken chain: the first tweet in the file answers a missing one
            post_id, top_parent = f"{P}:twcs-conv/{r['_parent']}", ns(r["_parent"])
        elif r["author_id"] in brands:
            post_id, top_parent = ns(root), None
            sink.profile(
                author(r),
                platform=P,
                handle=r["author_id"],
                signal="twcs=brand",
                _source=sink.source,
            )
            sink.post(
                f"row {r['_n']}",
                post_id=post_id,
                account_id=author(r),
                platform=P,
                created_at=when,
                text=r.get("text"),
                media_type="text",
            )
        else:
            brand = next(
                (rows[t]["author_id"] for t in thread[1:] if rows[t]["author_id"] in brands), None
            )
            if brand is None:
                brand = next(
                    (m for m in _MENTION.findall(r.get("text") or "") if m in brands), None
                )
            if brand is None:
                sink.reject(
                    "posts",
                    f"row {r['_n']}",
                    "no brand: the conversation has no brand reply and mentions "
                    "no brand of this file, so it belongs to no studied account",
                    raw=r,
                )
                for t in thread[1:]:
                    sink.reject(
                        "comments",
                        f"row {rows[t]['_n']}",
                        "parent quarantined: its conversation has no brand",
                        raw=rows[t],
                    )
                continue
            post_id, top_parent = f"{P}:twcs-conv/{root}", None
            acc = f"{P}:{brand}"
            sink.profile(acc, platform=P, handle=brand, signal="twcs=brand", _source=sink.source)
            sink.post(
                f"row {r['_n']} (conversation)",
                post_id=post_id,
                account_id=acc,
                platform=P,
                created_at=when,
                text=r.get("text"),
                media_type="conversation",
            )
            sink.comment(
                f"row {r['_n']}",
                comment_id=ns(root),
                post_id=post_id,
                parent_id=None,
                author=author(r),
                created_at=when,
                text=r.get("text"),
            )
        for t in thread:
            if t == root and top_parent is None:
                continue
            c = rows[t]
            parent = top_parent if t == root else ns(c["_parent"])  # == post_id means top level
            sink.comment(
                f"row {c['_n']}",
                comment_id=ns(t),
                post_id=post_id,
                parent_id=parent,
                author=author(c),
                created_at=iso_from_format(c.get("created_at"), _TWCS_TIME),
                text=c.get("text"),
            )


register(
    "twcs",
    detect_twcs,
    read_twcs,
    description="Kaggle 'Customer Support on Twitter' CSV (tweet_id, author_id, inbound, ...)",
    example="dialogic import twcs twcs.csv",
)
