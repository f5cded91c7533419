"""Bluesky: profiles, author feeds and whole threads from the public AppView (no key needed).

Per handle: ``app.bsky.actor.getProfile`` (description, followers, verification: labelling data),
``app.bsky.feed.getAuthorFeed`` (``filter=posts_no_replies``, cursor pagination, newest first,
until the page that reaches ``--since``), then ``app.bsky.feed.getPostThread`` (``depth``,
``parentHeight=0``) for every post of the window. A reply at the depth limit whose ``replyCount``
says it has replies that the response left out is fetched again as the top of its own thread (a
*continuation*, import pass 1, 2, ...), so deep threads come whole.

Counts: ``replyCount`` is the number of *direct* replies of a post. The summary gives, per post,
direct replies reported vs fetched, and for the whole tree the sum of ``replyCount`` over every
fetched post vs the replies fetched; unavailable nodes (``#notFoundPost``: deleted,
``#blockedPost``) are listed with their URI. They reach the import's quarantine with that reason.
"""

from __future__ import annotations

from urllib.parse import quote

from analysis.collect.http import CollectError, HttpClient
from analysis.collect.log import Collection
from analysis.collect.window import Window, parse_time, progress_bar

PLATFORM = "bluesky"
DEFAULT_BASE_URL = "https://public.api.bsky.app"
RUN = "bluesky"
FEED_LIMIT = 100
UNAVAILABLE = ("notFoundPost", "blockedPost")


def canonical_id(uri: str) -> str:
    """The id the importer gives a post or reply (``analysis/importers/bluesky.py``)."""
    return f"{PLATFORM}:{uri}"


def _safe(name: str) -> str:
    return quote(name, safe="@.-_")


def _error(resp) -> str:
    try:
        body = resp.json()
        detail = f"{body.get('error', '')}: {body.get('message', '')}".strip(": ")
    except Exception:
        detail = resp.text[:200]
    return f"HTTP {resp.status_code} {detail}".strip()


def walk(node, depth: int = 0):
    """(depth, node) for every node of a thread view, the top first; replies only (never
    parents)."""
    if not isinstance(node, dict):
        return
    yield depth, node
    replies = node.get("replies")
    if isinstance(replies, list):
        for child in replies:
            yield from walk(child, depth + 1)


def unavailable_kind(node) -> str | None:
    kind = str(node.get("$type", "")) if isinstance(node, dict) else ""
    return next((k for k in UNAVAILABLE if kind.endswith(k)), None)


def _truncated(thread: dict, depth_limit: int) -> list[str]:
    """URIs of replies at the depth limit whose replies the response left out."""
    out = []
    for d, node in walk(thread):
        post = node.get("post")
        if (
            d >= depth_limit
            and isinstance(post, dict)
            and (post.get("replyCount") or 0) > 0
            and not node.get("replies")
        ):
            out.append(post["uri"])
    return out


class BlueskyCollector:
    def __init__(
        self,
        collection: Collection,
        client: HttpClient,
        *,
        window: Window,
        base_url: str = DEFAULT_BASE_URL,
        depth: int = 100,
        max_posts: int | None = None,
        progress: bool = True,
    ):
        self.c, self.http, self.window = collection, client, window
        self.base = base_url.rstrip("/")
        self.depth, self.max_posts, self.progress = depth, max_posts, progress
        self.key = RUN
        self.run = collection.run(
            RUN, {**window.params(), "depth": depth, "max_posts": max_posts, "base_url": self.base}
        )

    def _get(self, method: str, **params):
        return self.http.get(f"{self.base}/xrpc/{method}", params=params)

    # -------------------------------------------------------------------------------- account
    def collect(self, handles: list[str]) -> None:
        for handle in handles:
            handle = handle.lstrip("@")
            acc = self.run["accounts"].setdefault(
                handle,
                {
                    "did": None,
                    "profile": None,
                    "feed": {"pages": 0, "cursor": None, "done": False},
                    "posts": {},
                    "outside": {},
                    "threads": {},
                    "more": {},
                },
            )
            if acc["profile"] is None:
                self._profile(handle, acc)
            if acc["profile"] != "done":
                continue
            while not acc["feed"]["done"]:
                self._feed_page(handle, acc)
            self._threads(handle, acc)

    def _profile(self, handle: str, acc: dict) -> None:
        resp = self._get("app.bsky.actor.getProfile", actor=handle)
        if resp.status_code == 200:
            rel = f"bluesky/{_safe(handle)}/profile.json"
            self.c.save_response(rel, resp, run=RUN, kind="profile")
            acc["did"] = resp.json().get("did")
            acc["profile"] = "done"
        elif resp.status_code in (
            400,
            404,
        ):  # InvalidRequest "Profile not found", AccountTakedown, ...
            acc["profile"] = "failed"
            acc["failure"] = _error(resp)
            self.c.failure(RUN, handle, f"profile: {_error(resp)}; account skipped")
        else:
            self.c.failure(RUN, handle, f"profile: {_error(resp)} after retries")
            self.c.commit()
            raise CollectError(
                f"bluesky {handle}: getProfile failed ({_error(resp)}); rerun to resume"
            )
        self.c.commit()

    def _feed_page(self, handle: str, acc: dict) -> None:
        feed = acc["feed"]
        params = {"actor": acc["did"] or handle, "limit": FEED_LIMIT, "filter": "posts_no_replies"}
        if feed["cursor"]:
            params["cursor"] = feed["cursor"]
        resp = self._get("app.bsky.feed.getAuthorFeed", **params)
        if resp.status_code != 200:
            self.c.failure(RUN, handle, f"feed page {feed['pages'] + 1}: {_error(resp)}")
            self.c.commit()
            raise CollectError(
                f"bluesky {handle}: getAuthorFeed failed ({_error(resp)}); rerun to resume"
            )
        rel = f"bluesky/{_safe(handle)}/feed/page-{feed['pages'] + 1:04d}.json"
        self.c.save_response(rel, resp, run=RUN, kind="feed", level=99)
        body = resp.json()
        items = body.get("feed") or []
        last_sort = None
        for item in items:
            post = item.get("post") or {}
            uri = post.get("uri")
            created = parse_time((post.get("record") or {}).get("createdAt"))
            reason = item.get("reason") or {}
            if str(reason.get("$type", "")).endswith("reasonRepost"):
                last_sort = parse_time(reason.get("indexedAt")) or last_sort
                continue  # a share: the importer quarantines it; no thread to fetch
            times = [t for t in (created, parse_time(post.get("indexedAt"))) if t]
            last_sort = min(times) if times else last_sort
            if not uri or uri in acc["posts"]:
                continue
            if self.window.position(created) != "inside":
                acc["outside"][uri] = [rel, self.window.reason(created)]
            elif self.max_posts is not None and len(acc["posts"]) >= self.max_posts:
                acc["outside"][uri] = [
                    rel,
                    f"beyond --max-posts {self.max_posts}: listed, its thread was not collected",
                ]
            else:
                acc["posts"][uri] = {"file": rel, "created_at": created.isoformat()}
        feed["pages"] += 1
        feed["cursor"] = body.get("cursor")
        reached = (
            self.window.since is not None
            and last_sort is not None
            and last_sort < self.window.since
        )
        full = self.max_posts is not None and len(acc["posts"]) >= self.max_posts
        feed["done"] = not items or not feed["cursor"] or reached or full
        self.c.commit()

    # -------------------------------------------------------------------------------- threads
    def _threads(self, handle: str, acc: dict) -> None:
        todo = [
            u
            for u in acc["posts"]
            if acc["threads"].get(u, {}).get("status") != "done"
            and not acc["threads"].get(u, {}).get("final")
        ]
        more = [u for u, m in acc["more"].items() if m.get("status") is None]
        with progress_bar(len(todo) + len(more), f"bluesky {handle}", self.progress) as bar:
            for uri in todo:
                self._thread(handle, acc, uri)
                bar.update(1)
            while True:
                pending = [u for u, m in acc["more"].items() if m.get("status") is None]
                if not pending:
                    break
                for uri in pending:
                    self._more(handle, acc, uri)
                    bar.update(1)

    def _thread(self, handle: str, acc: dict, uri: str) -> None:
        resp = self._get("app.bsky.feed.getPostThread", uri=uri, depth=self.depth, parentHeight=0)
        rkey = uri.rsplit("/", 1)[-1]
        rel = f"bluesky/{_safe(handle)}/threads/{_safe(rkey)}.json"
        state = acc["threads"].setdefault(uri, {})
        if resp.status_code == 200:
            thread = resp.json().get("thread") or {}
            kind = unavailable_kind(thread)
            if kind:
                state.update(
                    status="failed",
                    final=True,
                    reason=f"#{kind}: the post was deleted or is not visible since it was listed",
                )
                self.c.save_response(rel, resp, run=RUN, kind="thread-unavailable", level=99)
            else:
                self.c.save_response(rel, resp, run=RUN, kind="thread", level=0)
                state.update(status="done", file=rel, final=True, reason=None)
                for reply in _truncated(thread, self.depth):
                    acc["more"].setdefault(reply, {"root": uri, "level": 1, "status": None})
        elif resp.status_code in (400, 404):  # NotFound: deleted between listing and thread
            state.update(status="failed", final=True, reason=_error(resp))
        else:
            state.update(
                status="failed",
                final=False,
                reason=f"{_error(resp)} after retries; rerun to retry",
            )
        if state["status"] == "failed":
            self.c.failure(RUN, uri, f"thread: {state['reason']}", account=handle)
        self.c.commit()

    def _more(self, handle: str, acc: dict, uri: str) -> None:
        m = acc["more"][uri]
        resp = self._get("app.bsky.feed.getPostThread", uri=uri, depth=self.depth, parentHeight=0)
        root_key, key = m["root"].rsplit("/", 1)[-1], uri.rsplit("/", 1)[-1]
        rel = f"bluesky/{_safe(handle)}/threads/{_safe(root_key)}.more-{_safe(key)}.json"
        thread = resp.json().get("thread") if resp.status_code == 200 else None
        if isinstance(thread, dict) and "post" in thread:
            self.c.save_response(rel, resp, run=RUN, kind="thread", level=m["level"])
            m.update(status="done", file=rel)
            for reply in _truncated(thread, self.depth):
                if reply != uri:
                    acc["more"].setdefault(
                        reply, {"root": m["root"], "level": m["level"] + 1, "status": None}
                    )
        else:
            m.update(
                status="failed",
                reason=_error(resp) if resp.status_code != 200 else "reply unavailable",
            )
            self.c.failure(
                RUN, uri, f"thread continuation: {m['reason']}", account=handle, root=m["root"]
            )
        self.c.commit()

    # -------------------------------------------------------------------------------- summary
    def summary(self) -> tuple[dict, dict]:
        """(per-account summary, per-file import info) from the state and the files on disk."""
        accounts, files = {}, {}
        for handle, acc in self.run["accounts"].items():
            exclude: dict[str, dict] = {}
            for uri, (rel, reason) in acc["outside"].items():
                exclude.setdefault(rel, {})[canonical_id(uri)] = reason
            posts = {}
            for uri, p in acc["posts"].items():
                t = acc["threads"].get(uri, {})
                if t.get("status") != "done":
                    exclude.setdefault(p["file"], {})[canonical_id(uri)] = (
                        f"thread not collected: "
                        f"{t.get('reason') or 'not fetched yet (collection interrupted)'}"
                    )
                    posts[uri] = {"thread": "failed", "reason": t.get("reason")}
                    continue
                posts[uri] = self._post_counts(acc, uri, t["file"])
            done = [p for p in posts.values() if p.get("thread") == "done"]
            accounts[handle] = {
                "did": acc["did"],
                "profile": acc["profile"],
                "failure": acc.get("failure"),
                "feed_pages": acc["feed"]["pages"],
                "posts_listed_in_window": len(acc["posts"]),
                "posts_outside_window": len(acc["outside"]),
                "threads_fetched": len(done),
                "threads_failed": len(posts) - len(done),
                "replies_fetched": sum(p["replies_fetched"] for p in done),
                "replies_reported": sum(p["replies_reported"] for p in done),
                "direct_replies_fetched": sum(p["direct_replies_fetched"] for p in done),
                "direct_replies_reported": sum(p["direct_replies_reported"] for p in done),
                "unavailable": sum(len(p["unavailable"]) for p in done),
                "profile_data": self._profile_data(handle, acc),
                "posts": posts,
            }
            for rel, ex in exclude.items():
                files.setdefault(rel, {})["exclude"] = ex
        for rel, info in self.c.state["files"].items():
            if info["run"] == RUN:
                files.setdefault(rel, {}).update(
                    format="bluesky",
                    kind=info["kind"],
                    level=info["level"],
                    received_at=info["received_at"],
                    url=info["url"],
                )
        return accounts, files

    def _post_counts(self, acc: dict, uri: str, rel: str) -> dict:
        thread = self.c.read_json(rel)["thread"]
        seen, unavailable = {uri}, []
        reported = fetched = 0
        direct_fetched = sum(
            1 for r in thread.get("replies") or [] if isinstance(r, dict) and "post" in r
        )
        trees = [thread] + [
            self.c.read_json(m["file"])["thread"]
            for m in acc["more"].values()
            if m.get("root") == uri and m.get("status") == "done"
        ]
        for tree in trees:
            for _, node in walk(tree):
                kind = unavailable_kind(node)
                if kind:
                    unavailable.append({"uri": node.get("uri"), "kind": kind})
                    continue
                post = node.get("post")
                if not isinstance(post, dict):
                    continue
                if post.get("uri") not in seen:
                    seen.add(post.get("uri"))
                    fetched += 1
                    reported += post.get("replyCount") or 0
                elif post.get("uri") == uri and tree is thread:
                    reported += post.get("replyCount") or 0
        failed_more = [
            u
            for u, m in acc["more"].items()
            if m.get("root") == uri and m.get("status") == "failed"
        ]
        return {
            "thread": "done",
            "file": rel,
            "direct_replies_reported": thread["post"].get("replyCount") or 0,
            "direct_replies_fetched": direct_fetched,
            "replies_reported": reported,
            "replies_fetched": fetched,
            "unavailable": unavailable,
            "continuations": sum(1 for m in acc["more"].values() if m.get("root") == uri),
            "continuations_failed": failed_more,
        }

    def _profile_data(self, handle: str, acc: dict) -> dict | None:
        if acc["profile"] != "done":
            return None
        p = self.c.read_json(f"bluesky/{_safe(handle)}/profile.json")
        verification = p.get("verification") or {}
        return {
            "handle": p.get("handle"),
            "display_name": p.get("displayName"),
            "description": p.get("description"),
            "followers": p.get("followersCount"),
            "posts": p.get("postsCount"),
            "verified": verification.get("verifiedStatus"),
            "trusted_verifier": verification.get("trustedVerifierStatus"),
            "labels": [lab.get("val") for lab in p.get("labels") or [] if isinstance(lab, dict)],
            "labeler": bool((p.get("associated") or {}).get("labeler")),
        }
