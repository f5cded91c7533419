"""The collection folder ``data/raw/<name>/``: raw responses, the collection log, the resume state
and the summary that the importers read.

```
data/raw/<name>/
  bluesky/<handle>/profile.json, feed/page-0001.json, threads/<rkey>.json,
  threads/<rkey>.more-<rkey>.json
  mastodon/<instance>/<acct>/account.json, statuses/page-0001.json, context/<status id>.json
  collection_log.jsonl     one line per event, appended: request (every attempt, with its
                           status and the wait that followed), response (file written),
                           failure (with the reason), run start / end
  collection_state.json    where each run stands (rewritten atomically after every response):
                           a killed collection continues from here, re-requesting at most the
                           one response that was being fetched, written again under the same
                           file name
  collection.json          the summary: per account and per post, replies fetched vs the
                           platform's own counts, failures, and per raw file what the import
                           needs (the instance that served it, when it was received, its
                           import pass, records to exclude with the reason: posts outside
                           --since/--until, posts whose thread failed)
```

Responses are written exactly as received (the body's bytes). This module has no HTTP code, so the
importers can read :func:`collection_context` without importing httpx.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import orjson

from analysis._io import atomic_write
from analysis.errors import UsageError
from analysis.ledger import now_utc

LOG_FILE = "collection_log.jsonl"
STATE_FILE = "collection_state.json"
SUMMARY_FILE = "collection.json"
META_FILES = frozenset({LOG_FILE, STATE_FILE, SUMMARY_FILE})


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data, fsync=True)  # the state must survive a kill or a power cut


class ParametersChanged(UsageError):
    """A resumed collection was asked for with other parameters than the ones it started with."""


class Collection:
    """One raw collection folder. Runs (``bluesky``, ``mastodon:<instance>``) keep their own
    state."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / STATE_FILE
        self.state = (
            orjson.loads(path.read_bytes())
            if path.exists()
            else {"version": 1, "runs": {}, "files": {}}
        )
        self.resumed = path.exists()
        self._log = open(self.root / LOG_FILE, "ab")  # noqa: SIM115 (open for the object's life)

    def close(self) -> None:
        self._log.close()

    # -------------------------------------------------------------------------------- state
    def run(self, key: str, params: dict) -> dict:
        """The state of run ``key``, created with ``params``; a resumed run must have the same
        params."""
        runs = self.state["runs"]
        if key in runs:
            old = runs[key]["params"]
            changed = {k: (old.get(k), v) for k, v in params.items() if old.get(k) != v}
            if changed:
                what = ", ".join(f"{k}: {a!r} then {b!r}" for k, (a, b) in changed.items())
                raise ParametersChanged(
                    f"{self.root} holds a collection '{key}' started with other parameters "
                    f"({what}). Fix: rerun "
                    "with the same options to resume it, or collect into a new --name"
                )
            return runs[key]
        runs[key] = {"params": params, "accounts": {}, "started_at": now_utc()}
        return runs[key]

    def commit(self) -> None:
        """Write the state (atomically): everything recorded so far survives a kill."""
        _atomic_write(self.root / STATE_FILE, orjson.dumps(self.state, option=orjson.OPT_INDENT_2))

    # ------------------------------------------------------------------------------ records
    def log(self, event: str, **fields) -> None:
        self._log.write(
            orjson.dumps({"event": event, "at": now_utc(), **fields}, default=str) + b"\n"
        )
        self._log.flush()

    def on_request(self, ev: dict) -> None:
        """Hook for :class:`analysis.collect.http.HttpClient`: every attempt is a ``request``
        line."""
        self.log("request", **{k: v for k, v in ev.items() if v is not None})

    def save_response(
        self, rel: str, resp, *, run: str, kind: str, level: int = 0, instance: str | None = None
    ) -> Path:
        """Write a response body exactly as received, and remember what the import needs of it."""
        body = resp.content
        path = self.root / rel
        _atomic_write(path, body)
        info = {
            "run": run,
            "kind": kind,
            "level": level,
            "url": str(resp.url),
            "status": resp.status_code,
            "received_at": now_utc(),
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        if instance:
            info["instance"] = instance
        self.state["files"][rel] = info
        self.log("response", file=rel, **{k: v for k, v in info.items() if k not in ("run",)})
        return path

    def failure(self, run: str, target: str, reason: str, **fields) -> None:
        self.log("failure", run=run, target=target, reason=reason, **fields)

    def write_summary(self, summary: dict) -> Path:
        path = self.root / SUMMARY_FILE
        _atomic_write(path, orjson.dumps(summary, option=orjson.OPT_INDENT_2, default=str))
        return path

    def read_json(self, rel: str):
        return orjson.loads((self.root / rel).read_bytes())

    def requests_logged(self) -> int:
        self._log.flush()
        n = 0
        with open(self.root / LOG_FILE, "rb") as fh:
            for line in fh:
                n += line.startswith(b'{"event":"request"')
        return n


# ---------------------------------------------------------------------------- for importers
@lru_cache(maxsize=8)
def _summary_files(path: str, mtime: float) -> dict:
    try:
        return orjson.loads(Path(path).read_bytes()).get("files") or {}
    except (orjson.JSONDecodeError, OSError, AttributeError):
        return {}


def collection_context(path: Path) -> dict | None:
    """What a raw file of a collection folder needs at import: ``instance``, ``collected_at`` and
    ``exclude`` ({canonical id: reason}); None for a file outside any collection."""
    path = Path(path).resolve()
    for parent in list(path.parents)[:5]:
        summary = parent / SUMMARY_FILE
        if summary.is_file():
            files = _summary_files(str(summary), summary.stat().st_mtime)
            info = files.get(path.relative_to(parent).as_posix())
            if info is None:
                return None
            return {
                "instance": info.get("instance"),
                "collected_at": info.get("received_at"),
                "exclude": info.get("exclude") or {},
            }
    return None
