"""YouTube Data API v3: ``commentThreads.list``, ``comments.list``, ``videos.list``,
``channels.list``.

A video is the post of its channel (``youtube:<channelId>``); a thread's top-level comment is a
comment at depth 0 and its ``replies`` (or ``comments.list`` items with ``parentId``) sit beneath
it. A comment is an owner reply when its ``authorChannelId`` is the video's channel. Comment
threads often omit ``snippet.channelId``: import the ``videos.list`` response too, which gives the
channel and the publication time. A video known only from its comment threads gets ``created_at`` =
its first comment's time (an upper bound, noted in the import log).
"""

from __future__ import annotations

from analysis.importers.core import Sink, dig, guarded, int_or_none, reject_family
from analysis.importers.jsondocs import register_json

P = "youtube"


def _c(snippet: dict, cid, post_id, parent, sink: Sink, loc: str) -> None:
    author = dig(snippet, "authorChannelId", "value")
    sink.comment(
        loc,
        comment_id=f"{P}:{cid}" if cid else None,
        post_id=post_id,
        parent_id=f"{P}:{parent}" if parent else None,
        author=f"{P}:{author}" if author else None,
        created_at=snippet.get("publishedAt"),
        text=snippet.get("textOriginal") or snippet.get("textDisplay"),
    )


def _replies(item) -> list:
    """A thread's replies as ``guarded`` lists them (the thread itself is its top-level
    comment)."""
    replies = dig(item, "replies", "comments", default=()) if isinstance(item, dict) else ()
    if not isinstance(replies, list):  # a damaged container: one unreadable record
        return [("unparsed", ".replies.comments", repr(replies))] if replies else []
    return [("comments", f".replies.comments[{j}]", r) for j, r in enumerate(replies)]


@guarded("comments", nested=_replies)
def _thread(item: dict, sink: Sink, loc: str) -> None:
    sn = item.get("snippet") or {}
    vid, channel = sn.get("videoId"), sn.get("channelId")
    if not vid:  # the thread and each of its replies are records: all quarantined, none dropped
        why = (
            "missing field: snippet.videoId (a channel discussion comment: the API gives no "
            "videoId when a "
            "thread is about the channel, not a video; it has no post to hang under)"
        )
        sink.reject("comments", loc + ".topLevelComment", why, raw=item)
        for j, r in enumerate(dig(item, "replies", "comments", default=()) or ()):
            sink.reject("comments", f"{loc}.replies.comments[{j}]", why, raw=r)
        return
    post_id = f"{P}:{vid}"
    top = sn.get("topLevelComment") or {}
    tsn = top.get("snippet") or {}
    sink.post_stub(
        post_id,
        account_id=f"{P}:{channel}" if channel else None,
        platform=P,
        created_at=tsn.get("publishedAt"),
        media_type="video",
        url=f"https://www.youtube.com/watch?v={vid}",
    )
    if channel:
        sink.profile(f"{P}:{channel}", platform=P, handle=channel, _source=sink.source)
    _c(tsn, top.get("id"), post_id, None, sink, loc + ".topLevelComment")
    replies = dig(item, "replies", "comments", default=None) or []
    if not isinstance(replies, list):
        sink.reject(
            "unparsed",
            loc + ".replies.comments",
            f"`replies.comments` is a {type(replies).__name__}, not a list of comments",
            raw=repr(replies),
        )
        return
    for j, r in enumerate(replies):
        rsn = r.get("snippet") or {}
        _c(rsn, r.get("id"), post_id, rsn.get("parentId"), sink, f"{loc}.replies.comments[{j}]")


@guarded("posts")
def _video(item: dict, sink: Sink, loc: str) -> None:
    sn, st = item.get("snippet") or {}, item.get("statistics") or {}
    vid = item.get("id") if isinstance(item.get("id"), str) else dig(item, "id", "videoId")
    channel = sn.get("channelId")
    if channel:
        sink.profile(
            f"{P}:{channel}",
            platform=P,
            handle=channel,
            display_name=sn.get("channelTitle"),
            _source=sink.source,
        )
    sink.post(
        loc,
        post_id=f"{P}:{vid}" if vid else None,
        account_id=f"{P}:{channel}" if channel else None,
        platform=P,
        created_at=sn.get("publishedAt"),
        text="\n\n".join(x for x in (sn.get("title"), sn.get("description")) if x) or None,
        lang=sn.get("defaultLanguage") or sn.get("defaultAudioLanguage"),
        media_type="video",
        url=f"https://www.youtube.com/watch?v={vid}",
        reported_comments=int_or_none(st.get("commentCount")),
        likes=int_or_none(st.get("likeCount")),
    )


@guarded("accounts")
def _channel(item: dict, sink: Sink, loc: str = "") -> None:
    sn, st = item.get("snippet") or {}, item.get("statistics") or {}
    sink.profile(
        f"{P}:{item.get('id')}",
        platform=P,
        handle=(sn.get("customUrl") or item.get("id") or "").lstrip("@"),
        display_name=sn.get("title"),
        followers=int_or_none(st.get("subscriberCount")),
        _source=sink.source,
    )


def detect_obj(obj) -> bool:
    return (
        isinstance(obj, dict)
        and str(obj.get("kind", "")).startswith("youtube#")
        and "items" in obj
    )


def read_obj(obj: dict, sink: Sink, loc: str) -> None:
    items = obj.get("items") or []
    if not isinstance(items, list):
        sink.reject(
            "unparsed", loc + ".items", f"`items` is a {type(items).__name__}, not a list", raw=obj
        )
        return
    for i, item in enumerate(items):
        _item(item, sink, f"{loc}.items[{i}]")
    _remember_threads(items, sink)


@guarded(
    "comments",
    nested=lambda item: _replies(item) if item.get("kind") == "youtube#commentThread" else [],
)
def _item(item: dict, sink: Sink, where: str) -> None:
    if True:
        kind = item.get("kind") or _shape_kind(item)
        if kind == "youtube#commentThread":
            _thread(item, sink, where)
        elif kind == "youtube#comment":
            sn = item.get("snippet") or {}
            parent = sn.get("parentId")
            if not parent and not sn.get("videoId"):
                sink.reject(
                    "comments",
                    where,
                    "missing field: snippet.parentId and snippet.videoId (a top-level "
                    "comment fetched by id with comments.list does not say its video; channel "
                    "discussion "
                    "comments have none). Fix: import its commentThreads response instead",
                    raw=item,
                )
                return
            post = sink.state.get("yt_thread_video", {}).get(parent)
            vid = sn.get("videoId") or post
            _c(
                sn,
                item.get("id"),
                f"{P}:{vid}" if vid else f"{P}:thread-of:{parent}",
                parent,
                sink,
                where,
            )
        elif kind == "youtube#video" or (
            kind == "youtube#searchResult" and dig(item, "id", "kind") == "youtube#video"
        ):
            _video(item, sink, where)
        elif kind == "youtube#channel":
            _channel(item, sink, where)
        elif kind == "youtube#searchResult" and dig(item, "id", "channelId"):
            _channel(dict(item, id=dig(item, "id", "channelId")), sink, where)
        else:
            why = (
                f"not a YouTube record: kind {kind!r} (expected commentThread, comment, video, "
                f"channel, or a "
                "video/channel searchResult)"
            )
            # what it holds is counted and quarantined with it
            reject_family(
                sink, [("unparsed", "", item), *_replies(item)], where, why, "an unreadable item"
            )


def _shape_kind(item: dict) -> str | None:
    """The kind of an item whose `kind` is missing, from its shape (a thread, a comment), else
    None."""
    sn = item.get("snippet")
    if not isinstance(sn, dict):
        return None
    if "topLevelComment" in sn:
        return "youtube#commentThread"
    if "textOriginal" in sn or "textDisplay" in sn:
        return "youtube#comment"
    return None


def _remember_threads(items: list, sink: Sink) -> None:
    for item in items:  # remember which video each thread is under, for comments.list
        if isinstance(item, dict) and item.get("kind") == "youtube#commentThread":
            top = dig(item, "snippet", "topLevelComment", "id")
            if isinstance(top, str):
                sink.state.setdefault("yt_thread_video", {})[top] = dig(item, "snippet", "videoId")


register_json(
    "youtube",
    detect_obj,
    read_obj,
    description="YouTube Data API v3 commentThreads / comments / videos / channels responses",
    example="dialogic import youtube threads_*.json videos.json",
)
