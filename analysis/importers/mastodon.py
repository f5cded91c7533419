"""Mastodon API: lists of statuses (timelines) and ``/statuses/:id/context`` responses.

A status that replies to nothing is a post of its account; a reply is a comment whose post is the
root of its ``in_reply_to_id`` chain (resolved within the file) and whose parent is the status it
answers. An owner reply is a reply by the root's account. Ids are local to the instance that served
them, so they are namespaced by that instance when known (cassettes record it):
``mastodon:mastodon.social/1103...``. Reblogs are shares and go to the quarantine.
"""

from __future__ import annotations

import re

from analysis.importers.core import Sink, dig, guarded
from analysis.importers.jsondocs import register_json

P = "mastodon"
_TAGS = re.compile(r"<[^>]+>")


def _text(html: str | None) -> str | None:
    if html is None:
        return None
    import html as h

    return h.unescape(_TAGS.sub(" ", html.replace("<br>", "\n").replace("</p>", "\n"))).strip()


def is_status(x) -> bool:
    return isinstance(x, dict) and "in_reply_to_id" in x and "account" in x and "created_at" in x


def is_account(x) -> bool:
    """A Mastodon Account entity (``/accounts/:id``, ``verify_credentials``): a profile, not a
    record."""
    return isinstance(x, dict) and "acct" in x and "username" in x and "content" not in x


def detect_obj(obj) -> bool:
    if isinstance(obj, dict):
        return is_status(obj) or is_account(obj) or ("ancestors" in obj and "descendants" in obj)
    return isinstance(obj, list) and bool(obj) and is_status(obj[0])


def read_obj(obj, sink: Sink, loc: str) -> None:
    inst = sink.state.get("instance")
    ns = f"{P}:{inst}/" if inst else f"{P}:"
    if is_account(obj):
        acc_id = obj.get("id")
        sink.profile(
            f"{ns}{acc_id}",
            platform=P,
            handle=obj.get("acct") or obj.get("username"),
            display_name=obj.get("display_name"),
            followers=obj.get("followers_count"),
            signal="mastodon_bot=true" if obj.get("bot") else None,
            _source=sink.source,
        )
        return
    if isinstance(obj, dict) and "ancestors" in obj:
        items = []
        for part in ("ancestors", "descendants"):
            statuses = obj.get(part) or []
            if not isinstance(statuses, list):
                sink.reject(
                    "unparsed",
                    f"{loc}.{part}",
                    f"`{part}` is a {type(statuses).__name__}, not a list",
                    raw=repr(statuses),
                )
                continue
            items += [(f"{loc}.{part}[{i}]", s) for i, s in enumerate(statuses)]
    elif isinstance(obj, dict):
        items = [(loc, obj)]
    else:
        items = [(f"{loc}[{i}]", s) for i, s in enumerate(obj)]
    ok = [s for _, s in items if is_status(s) and isinstance(s.get("id"), (str, int))]
    parent_of = {s["id"]: s.get("in_reply_to_id") for s in ok}
    account_of = {s["id"]: dig(s, "account", "id") for s in ok}
    for where, s in items:
        if not is_status(s):
            sink.reject("unparsed", where, "not a Mastodon status", raw=s)
            continue
        _status(s, sink, where, ns, parent_of, account_of)


@guarded("unparsed")
def _status(s: dict, sink: Sink, where: str, ns: str, parent_of: dict, account_of: dict) -> None:
    if s.get("reblog"):
        sink.reject(
            "posts",
            where,
            f"reblog: {s.get('id')} shares another status; a share is neither a post nor a reply",
            raw={"id": s.get("id")},
        )
        return
    acc = s.get("account") or {}
    aid = f"{ns}{acc['id']}" if acc.get("id") else None
    sid, parent = s.get("id"), s.get("in_reply_to_id")
    text, lang = _text(s.get("content")), s.get("language")
    if parent is None:
        sink.profile(
            aid,
            platform=P,
            handle=acc.get("acct") or acc.get("username"),
            display_name=acc.get("display_name"),
            followers=acc.get("followers_count"),
            signal="mastodon_bot=true" if acc.get("bot") else None,
            _source=sink.source,
        )
        sink.post(
            where,
            post_id=f"{ns}{sid}",
            account_id=aid,
            platform=P,
            created_at=s.get("created_at"),
            text=text,
            lang=lang,
            media_type="media" if s.get("media_attachments") else "text",
            url=s.get("url") or s.get("uri"),
            reported_comments=s.get("replies_count"),
            likes=s.get("favourites_count"),
            shares=s.get("reblogs_count"),
        )
        return
    root, seen = parent, {sid}
    while parent_of.get(root) is not None and root not in seen:
        seen.add(root)
        root = parent_of[root]
    if (
        root not in parent_of
    ):  # chain leaves the file: the root is unknown, name the missing status
        post_id = f"{ns}{root}"
    else:
        post_id = f"{ns}{root}"
        if account_of.get(root) is None:
            post_id = None
    sink.comment(
        where,
        comment_id=f"{ns}{sid}",
        post_id=post_id,
        parent_id=f"{ns}{parent}",
        author=aid,
        created_at=s.get("created_at"),
        text=text,
        lang=lang,
    )


register_json(
    "mastodon",
    detect_obj,
    read_obj,
    description="Mastodon API statuses (timelines) and /statuses/:id/context responses",
    example="dialogic import mastodon timeline.json context_*.json",
)
