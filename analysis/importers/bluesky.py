"""Bluesky (AT Protocol): ``getAuthorFeed``, ``getPostThread``, ``searchPosts`` and ``getProfile``
responses.

A post without ``record.reply`` is a post of its author (``bluesky:<did>``); a reply is a comment
whose post is ``record.reply.root`` and whose parent is ``record.reply.parent`` (ids are the
``at://`` URIs). An owner reply is a reply by the root's author (the DID inside the root URI).
Reposts in a feed are shares and go to the quarantine. A ``getProfile`` response describes its
account (followers, display name; verification as a signal that decides no account type).
"""

from __future__ import annotations

from analysis.importers.core import Sink, dig, guarded
from analysis.importers.jsondocs import register_json

P = "bluesky"


@guarded("posts")
def _post_view(pv: dict, sink: Sink, loc: str) -> None:
    rec = pv.get("record") or {}
    author = pv.get("author") or {}
    did = author.get("did")
    uri = pv.get("uri")
    aid = f"{P}:{did}" if did else None
    root, parent = dig(rec, "reply", "root", "uri"), dig(rec, "reply", "parent", "uri")
    langs = rec.get("langs") or []
    lang = langs[0] if langs else None
    if root:
        sink.comment(
            loc,
            comment_id=f"{P}:{uri}" if uri else None,
            post_id=f"{P}:{root}",
            parent_id=f"{P}:{parent}" if parent else None,
            author=aid,
            created_at=rec.get("createdAt"),
            text=rec.get("text"),
            lang=lang,
        )
        return
    sink.profile(
        aid,
        platform=P,
        handle=author.get("handle"),
        display_name=author.get("displayName"),
        followers=author.get("followersCount"),
        _source=sink.source,
    )
    rkey = uri.rsplit("/", 1)[-1] if uri else None
    sink.post(
        loc,
        post_id=f"{P}:{uri}" if uri else None,
        account_id=aid,
        platform=P,
        created_at=rec.get("createdAt"),
        text=rec.get("text"),
        lang=lang,
        media_type="media" if rec.get("embed") else "text",
        url=f"https://bsky.app/profile/{author.get('handle') or did}/post/{rkey}"
        if rkey
        else None,
        reported_comments=pv.get("replyCount"),
        likes=pv.get("likeCount"),
        shares=pv.get("repostCount"),
    )


def _thread(node: dict, sink: Sink, loc: str) -> None:
    if not isinstance(node, dict) or "post" not in node:
        kind = str(node.get("$type", "")) if isinstance(node, dict) else ""
        if kind.endswith(("notFoundPost", "blockedPost")):
            sink.reject("comments", loc, f"unavailable: {kind} {node.get('uri', '')}", raw=node)
        else:
            sink.reject(
                "unparsed",
                loc,
                "not a thread view node (no `post`)",
                raw=node if isinstance(node, dict) else repr(node),
            )
        return
    if isinstance(node.get("parent"), dict):
        _thread_up(node["parent"], sink, loc + ".parent")
    _post_view(node["post"], sink, loc + ".post")
    replies = node.get("replies") or []
    if not isinstance(replies, list):
        sink.reject(
            "unparsed",
            loc + ".replies",
            f"`replies` is a {type(replies).__name__}, not a list",
            raw=repr(replies),
        )
        return
    for i, child in enumerate(replies):
        _thread(child, sink, f"{loc}.replies[{i}]")


def _thread_up(node: dict, sink: Sink, loc: str) -> None:
    if "post" not in node:
        kind = str(node.get("$type", ""))
        sink.reject(
            "comments" if kind.endswith(("notFoundPost", "blockedPost")) else "unparsed",
            loc,
            f"unavailable: {kind} {node.get('uri', '')}"
            if kind
            else "not a thread view node (no `post`)",
            raw=node,
        )
        return
    if isinstance(node.get("parent"), dict):
        _thread_up(node["parent"], sink, loc + ".parent")
    _post_view(node["post"], sink, loc + ".post")


def is_profile(obj) -> bool:
    """An ``app.bsky.actor.getProfile`` response (a profileViewDetailed): a profile, not a
    record."""
    return (
        isinstance(obj, dict)
        and str(obj.get("did", "")).startswith("did:")
        and "handle" in obj
        and "uri" not in obj
        and "post" not in obj
    )


def _profile(obj: dict, sink: Sink) -> None:
    signals = []
    verification = obj.get("verification") or {}
    if isinstance(verification, dict) and verification.get("verifiedStatus") not in (None, "none"):
        signals.append(f"bluesky_verified={verification['verifiedStatus']}")
    if dig(obj, "associated", "labeler"):
        signals.append("bluesky_labeler=true")
    sink.profile(
        f"{P}:{obj['did']}",
        platform=P,
        handle=obj.get("handle"),
        display_name=obj.get("displayName"),
        followers=obj.get("followersCount"),
        signal=";".join(signals) or None,
        _source=sink.source,
    )


def detect_obj(obj) -> bool:
    if not isinstance(obj, dict):
        return False
    if is_profile(obj):
        return True
    if isinstance(obj.get("thread"), dict):
        return "post" in obj["thread"] or "$type" in obj["thread"]
    if isinstance(obj.get("feed"), list):
        return not obj["feed"] or "post" in obj["feed"][0]
    return isinstance(obj.get("posts"), list) and (not obj["posts"] or "uri" in obj["posts"][0])


def read_obj(obj: dict, sink: Sink, loc: str) -> None:
    if is_profile(obj):
        _profile(obj, sink)
    elif "thread" in obj:
        _thread(obj["thread"], sink, loc + ".thread")
    elif "feed" in obj:
        for i, item in enumerate(obj["feed"]):
            where = f"{loc}.feed[{i}]"
            if dig(item, "reason", "$type", default="").endswith("reasonRepost"):
                sink.reject(
                    "posts",
                    where,
                    "repost: a share, neither a post nor a reply",
                    raw={"uri": dig(item, "post", "uri")},
                )
                continue
            _post_view(item.get("post") or {}, sink, where + ".post")
    else:
        for i, pv in enumerate(obj["posts"]):
            _post_view(pv, sink, f"{loc}.posts[{i}]")


register_json(
    "bluesky",
    detect_obj,
    read_obj,
    description="Bluesky getAuthorFeed / getPostThread / searchPosts / getProfile responses",
    example="dialogic import bluesky feed.json thread_*.json",
)
