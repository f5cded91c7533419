"""Facebook: Graph API JSON, the page-scraper CSV pair, CrowdTangle (API JSON and CSV export), UCI
metrics.

Graph API. A post ``<page id>_<post id>`` is a post of its page (``from.id`` when present); its
``comments.data`` (with ``from``, ``parent`` and nested ``comments``) are comments at any depth.
Page objects (``category``, ``fan_count``) describe accounts; categories label them through
:data:`analysis.labels.CATEGORY_TABLE`. Since 2018 the Graph API hides commenters of pages you do
not manage: comments without ``from`` get a distinct unknown author each (never the owner), and
``dataset.json`` says ``owner_identifiable: false``.

Page scraper (minimaxir ``facebook-page-post-scraper``): ``*_statuses.csv`` (posts) and
``*_comments.csv`` (comments, ``parent_id`` one level deep). Its times were shifted to US Eastern
standard time (UTC-05:00) by the scraper; that offset is applied unless ``--tz`` says otherwise.

CrowdTangle reports posts with counts only (no comment threads): ``comments_available: false``. The
UCI "Facebook metrics" table (Moro et al. 2016) likewise gives 500 posts of one brand page with
counts only; it has no day of month, so ``created_at`` is the 1st of the post's month (2014) at the
post's hour, and ``dataset.json`` records ``created_at_precision: month``.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.importers.core import (
    Sink,
    UnreadableFile,
    csv_header,
    csv_rows,
    dig,
    guarded,
    int_or_none,
    iso_from_format,
    nonempty,
    register,
)
from analysis.importers.jsondocs import register_json

P = "facebook"
_COMMENT_ID = re.compile(r"comment_id=(\d+)")
_POST_PATH = re.compile(r"facebook\.com/(\d+)/posts/(\d+)")


def _owner_unknown(sink: Sink) -> None:
    sink.state["owner_identifiable"] = False


@guarded("accounts")
def _page(obj: dict, sink: Sink, loc: str = "") -> None:
    cat = obj.get("category")
    sink.profile(
        f"{P}:{obj['id']}",
        platform=P,
        handle=obj.get("username") or obj.get("name") or obj["id"],
        display_name=obj.get("name"),
        followers=obj.get("followers_count") or obj.get("fan_count"),
        category=cat,
        signal=f"category={cat}" if cat else None,
        _source=sink.source,
    )


def _comment_tree(container, suffix: str):
    """The comments beneath ``container`` as ``guarded`` lists them, in the order `_comments`
    reads them."""
    data = container.get("data") if isinstance(container, dict) else None
    for i, c in enumerate(data if isinstance(data, list) else ()):
        yield "comments", f"{suffix}.data[{i}]", c
        if isinstance(c, dict) and isinstance(c.get("comments"), dict):
            yield from _comment_tree(c["comments"], f"{suffix}.data[{i}].comments")


def _comments(container, post_id: str, parent: str | None, sink: Sink, loc: str) -> None:
    data = (container or {}).get("data") or ()
    if not isinstance(data, (list, tuple)):
        sink.reject(
            "comments",
            loc + ".data",
            f"comments `data` is a {type(data).__name__}, not a list",
            raw=container,
        )
        return
    for i, c in enumerate(data):
        _comment(c, sink, f"{loc}.data[{i}]", post_id, parent)


@guarded("comments", nested=lambda c: _comment_tree(c.get("comments"), ".comments"))
def _comment(c: dict, sink: Sink, where: str, post_id, parent) -> None:
    if True:
        cid = c.get("id")
        if cid is None and c.get("permalink_url"):
            m = _COMMENT_ID.search(c["permalink_url"])
            cid = m.group(1) if m else None
        frm = c.get("from") or {}
        if frm.get("id"):
            author = f"{P}:{frm['id']}"
        else:
            _owner_unknown(sink)
            author = f"{P}:unknown-author/{cid}"
        par = dig(c, "parent", "id") or parent
        sink.comment(
            where,
            comment_id=f"{P}:{cid}" if cid else None,
            post_id=post_id,
            parent_id=f"{P}:{par}" if par else None,
            author=author,
            created_at=c.get("created_time"),
            text=c.get("message"),
        )
        if isinstance(c.get("comments"), dict):
            _comments(c["comments"], post_id, cid, sink, where + ".comments")


def _count(obj, *path):
    v = dig(obj, *path)
    return v if isinstance(v, int) else None


@guarded("posts", nested=lambda obj: _comment_tree(obj.get("comments"), ".comments"))
def _post(obj: dict, sink: Sink, loc: str) -> None:
    pid = obj.get("id")
    frm = obj.get("from") or {}
    page = frm.get("id") or (pid.split("_", 1)[0] if pid and "_" in pid else None)
    if page:
        sink.profile(
            f"{P}:{page}",
            platform=P,
            handle=frm.get("name") or page,
            display_name=frm.get("name"),
            _source=sink.source,
        )
    comments = obj.get("comments") if isinstance(obj.get("comments"), dict) else {}
    sink.post(
        loc,
        post_id=f"{P}:{pid}" if pid else None,
        account_id=f"{P}:{page}" if page else None,
        platform=P,
        created_at=obj.get("created_time"),
        text=obj.get("message"),
        media_type=obj.get("status_type")
        or dig(obj, "attachments", "data", default=[{}])[0].get("media_type"),
        url=obj.get("permalink_url"),
        reported_comments=_count(comments, "summary", "total_count") or _count(comments, "count"),
        likes=_count(obj, "reactions", "summary", "total_count")
        or _count(obj, "likes", "summary", "total_count"),
        shares=_count(obj, "shares", "count"),
    )
    if comments:
        _comments(comments, f"{P}:{pid}", None, sink, loc + ".comments")


def _kind(obj: dict) -> str:
    if (
        "category" in obj
        or "fan_count" in obj
        or ("name" in obj and "link" in obj and "message" not in obj)
    ):
        return "page"
    if (
        "comment_count" in obj
        or "parent" in obj
        or "?comment_id=" in str(obj.get("permalink_url", ""))
    ):
        return "comment"
    if "created_time" in obj or "message" in obj:
        return "post"
    return "other"


@guarded("comments")
def _edge_comment(c: dict, sink: Sink, where: str) -> None:
    m = _POST_PATH.search(str(c.get("permalink_url", "")))
    post_id = f"{P}:{m.group(1)}_{m.group(2)}" if m else None
    _comments({"data": [c]}, post_id, None, sink, where)


def detect_graph(obj) -> bool:
    if not isinstance(obj, dict) or "kind" in obj:
        return False
    if isinstance(obj.get("data"), list):
        return not obj["data"] or (
            isinstance(obj["data"][0], dict)
            and _kind(obj["data"][0]) != "other"
            and "created_time" in str(obj["data"][0])
            or "paging" in obj
        )
    if "id" in obj and ("created_time" in obj or "category" in obj):
        return True
    vals = list(obj.values())
    return (
        bool(vals)
        and all(isinstance(v, dict) and "id" in v for v in vals)
        and _kind(vals[0]) != "other"
    )


def read_graph(obj: dict, sink: Sink, loc: str) -> None:
    if isinstance(obj.get("data"), list):
        items = [(f"{loc}.data[{i}]", x) for i, x in enumerate(obj["data"])]
    elif "id" in obj:
        items = [(loc, obj)]
    else:  # ?ids= batch read: a dict keyed by id
        items = [(f"{loc}[{k!r}]", v) for k, v in obj.items()]
    for where, x in items:
        kind = _kind(x)
        if kind == "page":
            _page(x, sink, where)
        elif kind == "comment":
            _edge_comment(x, sink, where)
        elif kind == "post":
            _post(x, sink, where)
        else:
            sink.reject("unparsed", where, "not a Facebook post, comment or page object", raw=x)


register_json(
    "facebook-graph",
    detect_graph,
    read_graph,
    description="Facebook Graph API JSON: page posts with nested comments, comment edges, pages, "
    "?ids=",
    example="dialogic import facebook-graph posts_*.json pages.json",
)


# ----------------------------------------------------------------------------- page scraper CSV
STATUS_COLS = {"status_id", "status_message", "status_published", "num_comments"}
COMMENT_COLS = {
    "comment_id",
    "status_id",
    "parent_id",
    "comment_message",
    "comment_author",
    "comment_published",
}


def detect_scraper(path: Path, head: bytes) -> bool:
    cols = set(csv_header(head))
    return cols >= STATUS_COLS or cols >= COMMENT_COLS


def _scraper_time(value: str | None, sink: Sink) -> str | None:
    value = nonempty(value)
    if value is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%Y %H:%M"):
        iso = iso_from_format(value, fmt)
        if iso != value:
            return iso if sink.naive_tz else iso + "-05:00"
    return value


def read_scraper(path: Path, sink: Sink) -> None:
    for n, r in csv_rows(path, sink):
        loc = f"row {n}"
        if "comment_id" in r:
            author = nonempty(r.get("comment_author"))
            cid = nonempty(r.get("comment_id"))
            if author in (None, "undiscoverable"):
                _owner_unknown(sink)
                author = f"{P}:unknown-author/{cid}"
            else:
                author = f"{P}:name/{author}"
            parent = nonempty(r.get("parent_id"))
            sink.comment(
                loc,
                comment_id=f"{P}:{cid}" if cid else None,
                post_id=f"{P}:{r['status_id']}" if nonempty(r.get("status_id")) else None,
                parent_id=f"{P}:{parent}" if parent else None,
                author=author,
                created_at=_scraper_time(r.get("comment_published"), sink),
                text=r.get("comment_message"),
            )
            continue
        sid = nonempty(r.get("status_id"))
        page = sid.split("_", 1)[0] if sid and "_" in sid else None
        if page:
            sink.profile(
                f"{P}:{page}",
                platform=P,
                handle=path.stem.replace("_facebook_statuses", ""),
                _source=sink.source,
            )
        sink.post(
            loc,
            post_id=f"{P}:{sid}" if sid else None,
            account_id=f"{P}:{page}" if page else None,
            platform=P,
            created_at=_scraper_time(r.get("status_published"), sink),
            text=r.get("status_message"),
            media_type=nonempty(r.get("status_type")),
            url=nonempty(r.get("status_link")),
            reported_comments=int_or_none(r.get("num_comments")),
            likes=int_or_none(r.get("num_reactions") or r.get("num_likes")),
            shares=int_or_none(r.get("num_shares")),
        )


register(
    "fb-scraper",
    detect_scraper,
    read_scraper,
    description="facebook-page-post-scraper CSVs (*_statuses.csv posts, *_comments.csv comments)",
    example="dialogic import fb-scraper page_statuses.csv page_comments.csv",
)


# ------------------------------------------------------------------------------------ CrowdTangle
@guarded("posts")
def _ct_post(p: dict, sink: Sink, loc: str) -> None:
    acc = p.get("account") or {}
    platform = str(p.get("platform") or acc.get("platform") or P).lower()
    aid = (
        f"{platform}:{acc.get('platformId') or acc.get('id')}"
        if (acc.get("platformId") or acc.get("id"))
        else None
    )
    signals = [f"account_kind={acc['accountType']}"] if acc.get("accountType") else []
    if acc.get("pageCategory"):
        signals.insert(0, f"category={acc['pageCategory']}")
    sink.profile(
        aid,
        platform=platform,
        handle=acc.get("handle") or acc.get("name"),
        display_name=acc.get("name"),
        followers=acc.get("subscriberCount"),
        category=acc.get("pageCategory"),
        signal=";".join(signals) or None,
        _source=sink.source,
    )
    st = dig(p, "statistics", "actual") or {}
    date = p.get("date")
    sink.post(
        loc,
        post_id=f"{platform}:{p.get('platformId')}" if p.get("platformId") else None,
        account_id=aid,
        platform=platform,
        created_at=f"{date}Z" if date and len(date) == 19 else date,
        text=p.get("message") or p.get("description"),
        lang=p.get("languageCode"),
        media_type=p.get("type"),
        url=p.get("postUrl"),
        reported_comments=st.get("commentCount"),
        likes=st.get("likeCount"),
        shares=st.get("shareCount"),
    )
    sink.state["comments_available"] = False


def detect_ct(obj) -> bool:
    return isinstance(obj, dict) and isinstance(dig(obj, "result", "posts"), list)


def read_ct(obj: dict, sink: Sink, loc: str) -> None:
    for i, p in enumerate(obj["result"]["posts"]):
        _ct_post(p, sink, f"{loc}.result.posts[{i}]")


register_json(
    "crowdtangle",
    detect_ct,
    read_ct,
    description="CrowdTangle API /posts JSON (posts with counts; no comment threads)",
    example="dialogic import crowdtangle posts_*.json",
)

CT_CSV = {"page name", "user name", "facebook id", "post created", "type", "comments", "message"}
_CT_ZONES = {
    "EST": "-05:00",
    "EDT": "-04:00",
    "CST": "-06:00",
    "CDT": "-05:00",
    "MST": "-07:00",
    "MDT": "-06:00",
    "PST": "-08:00",
    "PDT": "-07:00",
    "UTC": "+00:00",
    "GMT": "+00:00",
    "CET": "+01:00",
    "CEST": "+02:00",
}


def detect_ct_csv(path: Path, head: bytes) -> bool:
    return set(csv_header(head)) >= CT_CSV


def _ct_time(value: str | None) -> str | None:
    value = nonempty(value)
    if not value:
        return None
    parts = value.rsplit(" ", 1)
    if len(parts) == 2 and parts[1] in _CT_ZONES:
        return parts[0].replace(" ", "T") + _CT_ZONES[parts[1]]
    return value


def _ct_followers(r: dict):
    """Followers of the page when the post was made: ``Followers at Posting`` (what a page's
    audience is since 2021), falling back to ``Likes at Posting`` (page likes, the only figure
    in older exports)."""
    for col in ("followers at posting", "likes at posting"):
        v = nonempty(r.get(col))
        if v is not None:
            return int_or_none(str(v).replace(",", ""))
    return None


def read_ct_csv(path: Path, sink: Sink) -> None:
    for n, r in csv_rows(path, sink):
        r = {k.strip().lower(): v for k, v in r.items()}
        url = nonempty(r.get("url")) or ""
        m = re.search(r"/posts/(\d+)", url)
        fid = nonempty(r.get("facebook id"))
        pid = f"{fid}_{m.group(1)}" if m and fid else (url or None)
        cat = nonempty(r.get("page category"))
        aid = f"{P}:{fid}" if fid else None
        sink.profile(
            aid,
            platform=P,
            handle=nonempty(r.get("user name")) or nonempty(r.get("page name")),
            display_name=nonempty(r.get("page name")),
            category=cat,
            followers=_ct_followers(r),
            signal=f"category={cat}" if cat else None,
            _source=sink.source,
        )
        sink.post(
            f"row {n}",
            post_id=f"{P}:{pid}" if pid else None,
            account_id=aid,
            platform=P,
            created_at=_ct_time(r.get("post created")),
            text=nonempty(r.get("message")),
            media_type=nonempty(r.get("type")),
            url=url or None,
            reported_comments=int_or_none((r.get("comments") or "").replace(",", "")),
            likes=int_or_none((r.get("likes") or "").replace(",", "")),
            shares=int_or_none((r.get("shares") or "").replace(",", "")),
        )
        sink.state["comments_available"] = False


register(
    "crowdtangle-csv",
    detect_ct_csv,
    read_ct_csv,
    description="CrowdTangle CSV export (Page Name, User Name, Facebook Id, Post Created, ...)",
    example="dialogic import crowdtangle-csv export.csv",
)

# ------------------------------------------------------------------------------------ UCI metrics
UCI_COLS = {
    "page total likes",
    "type",
    "category",
    "post month",
    "post weekday",
    "post hour",
    "comment",
    "like",
    "share",
}


def detect_uci(path: Path, head: bytes) -> bool:
    return set(csv_header(head)) >= UCI_COLS


def read_uci(path: Path, sink: Sink) -> None:
    aid = f"{P}:uci-metrics/{path.stem}"
    sink.state["comments_available"] = False
    sink.state["created_at_precision"] = (
        "month (day unknown: the 1st of the month, year 2014, at the post hour)"
    )
    followers = 0
    for n, r in csv_rows(path, sink):
        r = {k.strip().lower(): v for k, v in r.items()}
        likes = int_or_none(r.get("page total likes"))
        followers = max(followers, likes) if isinstance(likes, int) else followers
        month, hour = int_or_none(r.get("post month")), int_or_none(r.get("post hour"))
        when = (
            f"2014-{month:02d}-01T{hour:02d}:00:00+00:00"
            if isinstance(month, int)
            and isinstance(hour, int)
            and 1 <= month <= 12
            and 0 <= hour <= 23
            else f"month={r.get('post month')} hour={r.get('post hour')}"
        )
        sink.post(
            f"row {n}",
            post_id=f"{P}:uci-metrics/{path.stem}/{n - 1}",
            account_id=aid,
            platform=P,
            created_at=when,
            media_type=(nonempty(r.get("type")) or "").lower() or None,
            reported_comments=int_or_none(r.get("comment")),
            likes=int_or_none(r.get("like")),
            shares=int_or_none(r.get("share")),
        )
    sink.profile(
        aid,
        platform=P,
        handle="uci-cosmetics-brand",
        display_name="UCI Facebook metrics brand page",
        followers=followers or None,
        category="Cosmetics Store",
        signal="uci=brand_page",
        _source=sink.source,
    )


register(
    "uci-metrics",
    detect_uci,
    read_uci,
    description="UCI 'Facebook metrics' table (posts with counts only, one brand page)",
    example="dialogic import uci-metrics dataset_Facebook.csv",
)


# ------------------------------------------------------------------- UCI comment volume: refused
UCI_VOLUME_FIELDS = 54


def detect_uci_volume(path: Path, head: bytes) -> bool:
    first = head.decode("utf-8", errors="replace").split("\n", 1)[0].strip().split(",")
    if len(first) != UCI_VOLUME_FIELDS:
        return False
    try:
        [float(x) for x in first]
    except ValueError:
        return False
    return True


def read_uci_volume(path: Path, sink: Sink) -> None:
    raise UnreadableFile(
        f"{path.name} looks like the UCI 'Facebook Comment Volume' feature table (headerless, "
        f"{UCI_VOLUME_FIELDS} "
        "numeric columns): not supported, because it is a table of model features, not of posts: "
        "it has no post, "
        "page or comment ids (the same post recurs at several base times and cannot be told "
        "apart), no text, no "
        "dates (only weekday one-hots and hours) and no threads. Fix: use it for comment-volume "
        "modelling outside "
        "dialogic; for posts with comment counts use the UCI 'Facebook metrics' table (format "
        "uci-metrics)"
    )


register(
    "uci-comment-volume",
    detect_uci_volume,
    read_uci_volume,
    description="UCI 'Facebook Comment Volume' features: recognised only to say why it is not "
    "importable",
    example="(not importable: a feature table without post ids)",
)
