"""Facepager exports: the CSV of Facebook Graph queries, and a clear refusal of the ``.db`` file.

Facepager (Jünger & Keyling) stores every fetched object as a *node* of a tree and exports it as a
semicolon-separated CSV: ``level;id;parent_id;object_id;object_type;object_key;query_status;
query_time;query_type;...`` followed by the fields the user chose (``message``, ``created_time``,
``comments.summary.total_count``, ...). ``id``/``parent_id`` are Facepager's node numbers, linking
a row to the row it was fetched from:

- ``object_type`` ``seed`` (level 0): the page the user typed in (``bbc``); not a record, it gives
  the page's handle;
- ``object_type`` ``data``: a fetched object; its ``query_type`` says what it is:
  ``Facebook:/<page-id>/posts`` (or ``/feed``) = a post of the page, ``Facebook:/<id>/comments`` =
  a comment on the object of the parent row (a post: top level; a comment: a reply);
- ``object_type`` ``offcut``: what is left of a paged response (paging cursors); not a record.

Facepager exports carry no comment author unless the preset asks for ``from.id``/``from.name``:
without them each comment gets a distinct unknown author (never the owner) and ``dataset.json``
says ``owner_identifiable: false``. A comment row whose ``object_id`` repeats its post's id (the
datavana example data) gets the id ``facebook:facepager/<file>/<node id>``, noted in the import
log. Queries of other platforms (``YouTube:``, ``Twitter:``, generic ``Generic:`` URLs) are
quarantined with the reason: map them with ``--mapping`` instead.

Facepager's SQLite database (``.db``) stores raw responses of any API; it is not read (export the
CSV from Facepager: *Export data*), and importing it says so instead of skipping it silently.
"""

from __future__ import annotations

from pathlib import Path

from analysis.importers.core import (
    Sink,
    UnreadableFile,
    csv_header,
    csv_rows,
    head_bytes,
    int_or_none,
    nonempty,
    register,
)

P = "facebook"
FACEPAGER_COLS = {"level", "id", "parent_id", "object_id", "object_type", "query_type"}
_POST_EDGES = {"posts", "feed", "published_posts", "tagged"}
_NOT_RECORDS = {"seed", "offcut"}


def detect_csv(path: Path, head: bytes) -> bool:
    return set(csv_header(head)) >= FACEPAGER_COLS


def _edge(query_type: str) -> tuple[str, str]:
    """``("Facebook", "posts")`` from ``Facebook:/<page-id>/posts``."""
    module, _, rest = (query_type or "").partition(":")
    return module.strip(), rest.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


def _author(r: dict, cid: str, sink: Sink) -> str:
    who = nonempty(r.get("from.id")) or nonempty(r.get("from.name"))
    if who:
        return f"{P}:{who}" if nonempty(r.get("from.id")) else f"{P}:name/{who}"
    sink.state["owner_identifiable"] = False
    return f"{P}:unknown-author/{cid}"


def read_csv(path: Path, sink: Sink) -> None:
    rows = {}
    skipped = {"seed": 0, "offcut": 0}
    for n, r in csv_rows(path, sink):
        r["_n"] = n
        kind = (nonempty(r.get("object_type")) or "").strip().lower()
        node = nonempty(r.get("id"))
        if node is not None:
            rows.setdefault(str(node), r)
        if kind in _NOT_RECORDS:
            skipped[kind] += 1
            continue
        loc = f"row {n}"
        module, edge = _edge(r.get("query_type"))
        if kind != "data":
            sink.reject(
                "unparsed",
                loc,
                f"Facepager object_type {kind or None!r}: expected data, seed or offcut",
                raw=r,
            )
        elif module.lower() != "facebook":
            sink.reject(
                "unparsed",
                loc,
                f"Facepager query {r.get('query_type')!r} is not a Facebook Graph query; "
                "only Facebook posts/comments are read. Fix: map this export with --mapping",
                raw=r,
            )
        elif edge in _POST_EDGES:
            _post(r, rows, path, sink, loc)
        elif edge == "comments":
            _comment(r, rows, path, sink, loc)
        else:
            sink.reject(
                "unparsed",
                loc,
                f"Facepager query {r.get('query_type')!r}: neither posts nor comments",
                raw=r,
            )
    if any(skipped.values()):
        sink.note(
            f"{skipped['seed']} seed and {skipped['offcut']} offcut row(s) are Facepager query "
            f"nodes "
            "(the pages asked for, paging leftovers), not records"
        )


def _post(r: dict, rows: dict, path: Path, sink: Sink, loc: str) -> None:
    pid = nonempty(r.get("object_id"))
    page = pid.split("_", 1)[0] if pid and "_" in pid else None
    seed = rows.get(str(r.get("parent_id")))
    handle = (
        nonempty(seed.get("object_id")) if seed and seed.get("object_type") == "seed" else None
    )
    if page:
        sink.profile(f"{P}:{page}", platform=P, handle=handle or page, _source=sink.source)
    sink.post(
        loc,
        post_id=f"{P}:{pid}" if pid else None,
        account_id=f"{P}:{page}" if page else None,
        platform=P,
        created_at=nonempty(r.get("created_time")),
        text=nonempty(r.get("message")),
        url=nonempty(r.get("permalink_url")),
        reported_comments=int_or_none(
            r.get("comments.summary.total_count") or r.get("comment_count")
        ),
        likes=int_or_none(r.get("reactions.summary.total_count") or r.get("like_count")),
        shares=int_or_none(r.get("shares.count")),
    )


def _comment(r: dict, rows: dict, path: Path, sink: Sink, loc: str) -> None:
    parent = rows.get(str(r.get("parent_id")))
    if parent is None or parent is r:
        sink.reject(
            "comments",
            loc,
            f"parent missing: Facepager node {r.get('parent_id')!r} (the row this comment "
            "was fetched from) is not in the file",
            raw=r,
        )
        return
    _, parent_edge = _edge(parent.get("query_type"))
    if parent_edge == "comments":  # a reply: its post is the grandparent's
        post_row, parent_id = rows.get(str(parent.get("parent_id"))), parent.get("_cid")
    else:
        post_row, parent_id = parent, None
    post_id = nonempty(post_row.get("object_id")) if post_row else None
    cid = nonempty(r.get("object_id"))
    if cid is None or cid == post_id or cid == nonempty(parent.get("object_id")):
        cid = f"facepager/{path.stem}/{r.get('id')}"
        if not sink.state.get("facepager_node_ids"):
            sink.state["facepager_node_ids"] = True
            sink.note(
                "comment rows repeat their post's object_id instead of their own id: comment ids "
                "are "
                "facebook:facepager/<file>/<Facepager node id> (stable for this export only)"
            )
    r["_cid"] = f"{P}:{cid}"
    sink.comment(
        loc,
        comment_id=r["_cid"],
        post_id=f"{P}:{post_id}" if post_id else None,
        parent_id=parent_id,
        author=_author(r, cid, sink),
        created_at=nonempty(r.get("created_time")),
        text=nonempty(r.get("message")),
    )


register(
    "facepager",
    detect_csv,
    read_csv,
    description="Facepager CSV export of Facebook Graph queries "
    "(level;id;parent_id;object_id;...)",
    example="dialogic import facepager export.csv",
)


# ----------------------------------------------------------------------------- database: refused
def detect_db(path: Path, head: bytes) -> bool:
    return head.startswith(b"SQLite format 3\x00") and b"Nodes" in head_bytes(path, 1 << 16)


def read_db(path: Path, sink: Sink) -> None:
    raise UnreadableFile(
        f"{path.name} is a Facepager database (SQLite): not supported, because its nodes hold "
        "raw responses of any API (Facebook, YouTube, Reddit/Pushshift, generic URLs) with no "
        "fixed layout. Fix: open it in Facepager and use Export data (CSV), then import that "
        "CSV (format facepager), or map the CSV with --mapping"
    )


register(
    "facepager-db",
    detect_db,
    read_db,
    description="Facepager SQLite database: recognised only to say why it is not read (export "
    "the CSV)",
    example="dialogic import facepager export.csv   # not the .db",
)
