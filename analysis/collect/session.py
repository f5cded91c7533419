"""One collection run: the folder, the client, the collector, the summary (Python API of
``dialogic collect``).

>>> from analysis.collect.session import collect                               # doctest: +SKIP
>>> summary = collect("bluesky", ["nytimes.com"], Path("data/raw/news"), since="2024-03-01")
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from analysis import config
from analysis.collect.http import HttpClient
from analysis.collect.log import SUMMARY_FILE, Collection
from analysis.collect.window import Window
from analysis.errors import UsageError
from analysis.ledger import now_utc


def collect(
    platform: str,
    accounts: list[str],
    raw_dir: Path,
    *,
    instance: str | None = None,
    since: str | None = None,
    until: str | None = None,
    base_url: str | None = None,
    depth: int = 100,
    max_posts: int | None = None,
    progress: bool = True,
    client: HttpClient | None = None,
    client_options: dict | None = None,
) -> dict:
    """Collect ``accounts`` of ``platform`` (``bluesky`` or ``mastodon`` with ``instance``) into
    ``raw_dir``; resumes a run stopped earlier. Returns the summary written to ``collection.json``.

    ``client`` (or ``client_options`` for :class:`HttpClient`: ``transport``, ``sleep``, ...) lets
    tests replay a local server without waiting; the collection log hooks into it either way.
    """
    window = Window.parse(since, until)
    coll = Collection(raw_dir)
    headers = {}
    if platform == "mastodon" and os.environ.get(config.MASTODON_TOKEN_ENV):
        headers["Authorization"] = (
            f"Bearer {os.environ[config.MASTODON_TOKEN_ENV]}"  # never logged
        )
    http = client or HttpClient(headers=headers, **(client_options or {}))
    http.on_request = coll.on_request
    try:
        if platform == "bluesky":
            from analysis.collect.bluesky import DEFAULT_BASE_URL, BlueskyCollector

            collector = BlueskyCollector(
                coll,
                http,
                window=window,
                base_url=base_url or DEFAULT_BASE_URL,
                depth=depth,
                max_posts=max_posts,
                progress=progress,
            )
        elif platform == "mastodon":
            from analysis.collect.mastodon import MastodonCollector

            if not instance:
                raise UsageError("a Mastodon collection needs the instance, e.g. mastodon.social")
            collector = MastodonCollector(
                coll,
                http,
                instance,
                window=window,
                base_url=base_url,
                max_posts=max_posts,
                progress=progress,
            )
        else:
            raise UsageError(f"unknown platform {platform!r}: bluesky or mastodon")
        key = collector.key
        coll.log(
            "run", run=key, accounts=accounts, resumed=coll.resumed, params=collector.run["params"]
        )
        coll.commit()
        try:
            collector.collect(list(accounts))
        finally:
            coll.log("run-end", run=key, requests=http.requests)
        return write_summary(coll, key, collector)
    finally:
        coll.close()
        if client is None:
            http.close()


def write_summary(coll: Collection, key: str, collector) -> dict:
    """Merge this run's accounts and files into ``collection.json`` (other runs' entries stay)."""
    path = coll.root / SUMMARY_FILE
    old = orjson.loads(path.read_bytes()) if path.exists() else {}
    accounts, files = collector.summary()
    runs = old.get("runs") or {}
    runs[key] = {
        "params": collector.run["params"],
        "accounts": accounts,
        "totals": _totals(accounts),
    }
    kept = {rel: info for rel, info in (old.get("files") or {}).items() if info.get("run") != key}
    kept.update({rel: {**info, "run": key} for rel, info in files.items()})
    summary = {
        "name": coll.root.name,
        "updated_at": now_utc(),
        "requests_logged": coll.requests_logged(),
        "runs": runs,
        "files": kept,
    }
    coll.write_summary(summary)
    return summary


def _totals(accounts: dict) -> dict:
    keys = (
        "feed_pages",
        "posts_listed_in_window",
        "posts_outside_window",
        "threads_fetched",
        "threads_failed",
        "replies_fetched",
        "replies_reported",
        "direct_replies_fetched",
        "direct_replies_reported",
        "unavailable",
    )
    return {k: sum(a.get(k) or 0 for a in accounts.values()) for k in keys}


def reported_vs_fetched(summary: dict) -> dict[str, dict]:
    """Per post id (canonical) the platform's own reply counts and the replies fetched: what the
    import's coverage audit can compare (``reported_comments`` is the direct count)."""
    from analysis.collect.bluesky import canonical_id as bsky_id
    from analysis.collect.mastodon import canonical_id as masto_id

    out = {}
    for key, run in (summary.get("runs") or {}).items():
        for acc in run["accounts"].values():
            for pid, p in acc["posts"].items():
                cid = bsky_id(pid) if key == "bluesky" else masto_id(key.split(":", 1)[1], pid)
                out[cid] = {
                    k: p.get(k)
                    for k in (
                        "thread",
                        "direct_replies_reported",
                        "direct_replies_fetched",
                        "replies_reported",
                        "replies_fetched",
                    )
                }
    return out
