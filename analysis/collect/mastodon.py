"""Mastodon: accounts, their statuses and whole threads from an instance's public API.

Per account: ``/api/v1/accounts/lookup?acct=`` (profile: note, followers, ``bot``, ``group``), then
``/api/v1/accounts/:id/statuses`` (``exclude_replies``, ``exclude_reblogs``, ``limit=40``; pages by
``max_id`` from the ``Link: <...>; rel="next"`` header, newest first, until the page that reaches
``--since``), then ``/api/v1/statuses/:id/context`` for every top-level status of the window.
A context that answers 404 (status deleted or no longer visible) is a failure with that reason, and
the status is excluded from the import (a post without its thread would count 0 replies).

Ids are local to the instance, so the import namespaces them by the instance named on the command
line (``mastodon:<instance>/<id>``), whatever ``--base-url`` served them.

Counts: ``replies_count`` is the number of *direct* replies. The summary gives direct replies
reported vs fetched (descendants answering the post) and, for the whole tree, the sum of
``replies_count`` over the post and its descendants vs the descendants fetched. Unauthenticated
requests see public replies only, and recent Mastodon versions cap unauthenticated contexts;
set ``DIALOGIC_MASTODON_TOKEN`` (an access token of your own account) to lift that cap.
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

from analysis import config
from analysis.collect.http import CollectError, HttpClient
from analysis.collect.log import Collection
from analysis.collect.window import Window, parse_time, progress_bar

PLATFORM = "mastodon"
PAGE_LIMIT = 40
TOKEN_ENV = config.MASTODON_TOKEN_ENV


def canonical_id(instance: str, status_id: str) -> str:
    """The id the importer gives a status (``analysis/importers/mastodon.py``, namespaced by
    instance)."""
    return f"{PLATFORM}:{instance}/{status_id}"


def _safe(name: str) -> str:
    return quote(name, safe="@.-_")


def _error(resp) -> str:
    try:
        detail = resp.json().get("error", "")
    except Exception:
        detail = resp.text[:200]
    return f"HTTP {resp.status_code} {detail}".strip()


def _next_max_id(resp) -> str | None:
    nxt = resp.links.get("next", {}).get("url")
    if not nxt:
        return None
    return (parse_qs(urlparse(nxt).query).get("max_id") or [None])[0]


class MastodonCollector:
    def __init__(
        self,
        collection: Collection,
        client: HttpClient,
        instance: str,
        *,
        window: Window,
        base_url: str | None = None,
        max_posts: int | None = None,
        progress: bool = True,
    ):
        self.c, self.http, self.window = collection, client, window
        self.instance = (
            instance.strip().removeprefix("https://").removeprefix("http://").strip("/")
        )
        self.base = (base_url or f"https://{self.instance}").rstrip("/")
        self.max_posts, self.progress = max_posts, progress
        self.key = f"{PLATFORM}:{self.instance}"
        self.run = collection.run(
            self.key, {**window.params(), "max_posts": max_posts, "base_url": self.base}
        )

    def _get(self, path: str, **params):
        return self.http.get(f"{self.base}{path}", params=params or None)

    def _dir(self, acct: str) -> str:
        return f"mastodon/{_safe(self.instance)}/{_safe(acct)}"

    def collect(self, accounts: list[str]) -> None:
        for acct in accounts:
            acct = acct.lstrip("@")
            if acct.endswith("@" + self.instance):
                acct = acct[: -len(self.instance) - 1]
            acc = self.run["accounts"].setdefault(
                acct,
                {
                    "id": None,
                    "profile": None,
                    "pages": {"n": 0, "max_id": None, "done": False},
                    "posts": {},
                    "outside": {},
                    "threads": {},
                },
            )
            if acc["profile"] is None:
                self._lookup(acct, acc)
            if acc["profile"] != "done":
                continue
            while not acc["pages"]["done"]:
                self._page(acct, acc)
            self._threads(acct, acc)

    def _lookup(self, acct: str, acc: dict) -> None:
        resp = self._get("/api/v1/accounts/lookup", acct=acct)
        if resp.status_code == 200:
            self.c.save_response(
                f"{self._dir(acct)}/account.json",
                resp,
                run=self.key,
                kind="account",
                instance=self.instance,
            )
            acc["id"] = str(resp.json()["id"])
            acc["profile"] = "done"
        elif resp.status_code in (404, 410):
            acc["profile"] = "failed"
            acc["failure"] = _error(resp)
            self.c.failure(self.key, acct, f"account lookup: {_error(resp)}; account skipped")
        else:
            self.c.failure(self.key, acct, f"account lookup: {_error(resp)} after retries")
            self.c.commit()
            raise CollectError(
                f"mastodon {acct}@{self.instance}: lookup failed ({_error(resp)}); rerun to resume"
            )
        self.c.commit()

    def _page(self, acct: str, acc: dict) -> None:
        pages = acc["pages"]
        params = {"limit": PAGE_LIMIT, "exclude_replies": "true", "exclude_reblogs": "true"}
        if pages["max_id"]:
            params["max_id"] = pages["max_id"]
        resp = self._get(f"/api/v1/accounts/{acc['id']}/statuses", **params)
        if resp.status_code != 200:
            self.c.failure(self.key, acct, f"statuses page {pages['n'] + 1}: {_error(resp)}")
            self.c.commit()
            raise CollectError(
                f"mastodon {acct}@{self.instance}: statuses failed ({_error(resp)}); rerun to "
                f"resume"
            )
        rel = f"{self._dir(acct)}/statuses/page-{pages['n'] + 1:04d}.json"
        self.c.save_response(rel, resp, run=self.key, kind="statuses", instance=self.instance)
        statuses = resp.json() or []
        last = None
        for s in statuses:
            sid, created = str(s.get("id")), parse_time(s.get("created_at"))
            last = created or last
            if s.get("reblog") or sid in acc["posts"]:
                continue  # a share: the importer quarantines it
            if self.window.position(created) != "inside":
                acc["outside"][sid] = [rel, self.window.reason(created)]
            elif s.get("in_reply_to_id") is not None:
                # a self-reply (thread continuation): it comes again in its post's context
                continue
            elif self.max_posts is not None and len(acc["posts"]) >= self.max_posts:
                acc["outside"][sid] = [
                    rel,
                    f"beyond --max-posts {self.max_posts}: listed, its thread was not collected",
                ]
            else:
                acc["posts"][sid] = {"file": rel, "created_at": created.isoformat()}
        pages["n"] += 1
        pages["max_id"] = _next_max_id(resp) or (str(statuses[-1]["id"]) if statuses else None)
        reached = self.window.since is not None and last is not None and last < self.window.since
        full = self.max_posts is not None and len(acc["posts"]) >= self.max_posts
        pages["done"] = not statuses or not _next_max_id(resp) or reached or full
        self.c.commit()

    def _threads(self, acct: str, acc: dict) -> None:
        todo = [
            s
            for s in acc["posts"]
            if acc["threads"].get(s, {}).get("status") != "done"
            and not acc["threads"].get(s, {}).get("final")
        ]
        with progress_bar(len(todo), f"mastodon {acct}", self.progress) as bar:
            for sid in todo:
                resp = self._get(f"/api/v1/statuses/{sid}/context")
                state = acc["threads"].setdefault(sid, {})
                if resp.status_code == 200:
                    rel = f"{self._dir(acct)}/context/{_safe(sid)}.json"
                    self.c.save_response(
                        rel, resp, run=self.key, kind="context", level=1, instance=self.instance
                    )
                    state.update(status="done", file=rel, final=True, reason=None)
                elif resp.status_code in (404, 410):
                    state.update(
                        status="failed",
                        final=True,
                        reason=f"{_error(resp)}: the status was deleted or is no longer visible",
                    )
                else:
                    state.update(
                        status="failed",
                        final=False,
                        reason=f"{_error(resp)} after retries; rerun to retry",
                    )
                if state["status"] == "failed":
                    self.c.failure(self.key, sid, f"context: {state['reason']}", account=acct)
                self.c.commit()
                bar.update(1)

    # -------------------------------------------------------------------------------- summary
    def summary(self) -> tuple[dict, dict]:
        accounts, files = {}, {}
        for acct, acc in self.run["accounts"].items():
            exclude: dict[str, dict] = {}
            for sid, (rel, reason) in acc["outside"].items():
                exclude.setdefault(rel, {})[canonical_id(self.instance, sid)] = reason
            posts = {}
            for sid, p in acc["posts"].items():
                t = acc["threads"].get(sid, {})
                if t.get("status") != "done":
                    exclude.setdefault(p["file"], {})[canonical_id(self.instance, sid)] = (
                        f"thread not collected: "
                        f"{t.get('reason') or 'not fetched yet (collection interrupted)'}"
                    )
                    posts[sid] = {"thread": "failed", "reason": t.get("reason")}
                    continue
                posts[sid] = self._post_counts(sid, p["file"], t["file"])
            done = [p for p in posts.values() if p.get("thread") == "done"]
            accounts[acct] = {
                "id": acc["id"],
                "profile": acc["profile"],
                "failure": acc.get("failure"),
                "feed_pages": acc["pages"]["n"],
                "posts_listed_in_window": len(acc["posts"]),
                "posts_outside_window": len(acc["outside"]),
                "threads_fetched": len(done),
                "threads_failed": len(posts) - len(done),
                "replies_fetched": sum(p["replies_fetched"] for p in done),
                "replies_reported": sum(p["replies_reported"] for p in done),
                "direct_replies_fetched": sum(p["direct_replies_fetched"] for p in done),
                "direct_replies_reported": sum(p["direct_replies_reported"] for p in done),
                "unavailable": 0,
                "profile_data": self._profile_data(acct, acc),
                "posts": posts,
            }
            for rel, ex in exclude.items():
                files.setdefault(rel, {})["exclude"] = ex
        for rel, info in self.c.state["files"].items():
            if info["run"] == self.key:
                files.setdefault(rel, {}).update(
                    format="mastodon",
                    kind=info["kind"],
                    level=info["level"],
                    received_at=info["received_at"],
                    url=info["url"],
                    instance=self.instance,
                )
        return accounts, files

    def _post_counts(self, sid: str, page_rel: str, rel: str) -> dict:
        status = next(s for s in self.c.read_json(page_rel) if str(s.get("id")) == sid)
        desc = self.c.read_json(rel).get("descendants") or []
        direct = sum(1 for d in desc if str(d.get("in_reply_to_id")) == sid)
        reported = (status.get("replies_count") or 0) + sum(
            d.get("replies_count") or 0 for d in desc
        )
        return {
            "thread": "done",
            "file": rel,
            "direct_replies_reported": status.get("replies_count") or 0,
            "direct_replies_fetched": direct,
            "replies_reported": reported,
            "replies_fetched": len(desc),
            "unavailable": [],
        }

    def _profile_data(self, acct: str, acc: dict) -> dict | None:
        if acc["profile"] != "done":
            return None
        from analysis.importers.mastodon import _text

        a = self.c.read_json(f"{self._dir(acct)}/account.json")
        return {
            "handle": a.get("acct"),
            "display_name": a.get("display_name"),
            "description": _text(a.get("note")),
            "followers": a.get("followers_count"),
            "posts": a.get("statuses_count"),
            "bot": a.get("bot"),
            "group": a.get("group"),
            "url": a.get("url"),
            "fields": [
                {
                    "name": f.get("name"),
                    "value": _text(f.get("value")),
                    "verified": bool(f.get("verified_at")),
                }
                for f in a.get("fields") or []
                if isinstance(f, dict)
            ],
        }
