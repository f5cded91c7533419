"""`dialogic collect` against a local replay server (127.0.0.1, never the internet).

The server replays tests/fixtures/collect/ (routes.json: which response, in order, for which
request;
see the README there). Counts are checked against an independent count of the recorded responses.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pandas as pd
import pytest
import yaml

from analysis.collect.http import HttpClient
from analysis.collect.imports import import_collection
from analysis.collect.session import collect, reported_vs_fetched

FIX = Path(__file__).parent / "fixtures" / "collect"
ROUTES = json.loads((FIX / "routes.json").read_text())
FIXED_NOW = ROUTES["fixed_now"]
IGNORED = {"limit", "exclude_replies", "exclude_reblogs", "filter", "depth", "parentHeight"}
HANDLES = [
    "acme.example.com",
    "news.example.org",
    "alice.bsky.social",
    "bob.bsky.social",
    "ghost.bsky.social",
]
MASTO = ["cafe", "carol"]
WINDOW = {"since": "2024-03-01", "until": "2024-03-31"}


class Replay(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: dict[int, int] = {}
        self.log: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items() if k not in IGNORED}
        self.server.log.append(self.path)
        for i, route in enumerate(ROUTES["routes"]):
            if route["path"] == url.path and route["query"] == query:
                n = self.server.hits.get(i, 0)
                self.server.hits[i] = n + 1
                spec = route["responses"][min(n, len(route["responses"]) - 1)]
                break
        else:
            spec = {
                "status": 404,
                "body_json": {"error": "NotFound", "message": f"no route for {self.path}"},
            }
        if "body" in spec:
            body, ctype = (FIX / spec["body"]).read_bytes(), "application/json; charset=utf-8"
        elif "body_json" in spec:
            body, ctype = json.dumps(spec["body_json"]).encode(), "application/json; charset=utf-8"
        else:
            body, ctype = spec.get("body_text", "").encode(), "text/html"
        self.send_response(spec["status"])
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (spec.get("headers") or {}).items():
            self.send_header(k, v.replace("{base}", self.server.base))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def server():
    srv = Replay()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    from analysis import config

    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "pseudonym.key")


class Killed(Exception):
    """Stands for a kill: raised by the transport after N requests."""


class KillingTransport(httpx.HTTPTransport):
    def __init__(self, after: int):
        super().__init__()
        self.after, self.n = after, 0

    def handle_request(self, request):
        if self.n >= self.after:
            raise Killed(f"killed after {self.after} requests")
        self.n += 1
        return super().handle_request(request)


def _client(waits: list, transport=None) -> HttpClient:
    return HttpClient(
        sleep=waits.append, clock=lambda: float(FIXED_NOW), transport=transport, backoff_base=0.5
    )


def _collect_all(server, raw: Path, waits: list, transport=None):
    client = _client(waits, transport)
    b = collect(
        "bluesky",
        HANDLES,
        raw,
        base_url=server.base,
        depth=3,
        progress=False,
        client=client,
        **WINDOW,
    )
    m = collect(
        "mastodon",
        MASTO,
        raw,
        instance="mastodon.example",
        base_url=server.base,
        progress=False,
        client=client,
        **WINDOW,
    )
    return b, m, client


# ------------------------------------------------------------------------ independent counts
def _bsky_nodes(node):
    yield node
    for child in node.get("replies") or []:
        yield from _bsky_nodes(child)


def _expected():
    """Posts and replies in the recorded responses, counted from the fixture files alone."""
    from datetime import datetime

    lo, hi = (
        datetime.fromisoformat("2024-03-01T00:00:00+00:00"),
        datetime.fromisoformat("2024-04-01T00:00:00+00:00"),
    )
    inside = lambda t: lo <= datetime.fromisoformat(t.replace("Z", "+00:00")) < hi  # noqa: E731
    posts, replies, unavailable, reported, outside, reposts = set(), set(), 0, 0, 0, 0
    for f in sorted((FIX / "bluesky").glob("*/feed-*.json")):
        for item in json.loads(f.read_text())["feed"]:
            if "reason" in item:
                reposts += 1
            elif inside(item["post"]["record"]["createdAt"]):
                posts.add("bluesky:" + item["post"]["uri"])
            else:
                outside += 1
    for f in sorted((FIX / "bluesky").glob("*/thread-*.json")):
        top = json.loads(f.read_text())["thread"]
        for node in _bsky_nodes(top):
            if "post" not in node:
                unavailable += 1
            elif (node["post"]["uri"] != top["post"]["uri"] or "-more" in f.name) and (
                "bluesky:" + node["post"]["uri"] not in posts and node is not top
            ):
                replies.add("bluesky:" + node["post"]["uri"])
    for f in sorted((FIX / "bluesky").glob("*/thread-?.json")):
        for node in _bsky_nodes(json.loads(f.read_text())["thread"]):
            reported += node.get("post", {}).get("replyCount", 0)
    for f in sorted((FIX / "bluesky").glob("*/thread-*-more.json")):
        for node in list(_bsky_nodes(json.loads(f.read_text())["thread"]))[1:]:
            reported += node["post"]["replyCount"]
    m_posts, m_listed, m_replies, m_reported = set(), set(), set(), 0
    for f in sorted((FIX / "mastodon").glob("*/statuses-*.json")):
        for s in json.loads(f.read_text()):
            if s["in_reply_to_id"] is None and inside(s["created_at"]):
                m_listed.add(s["id"])
    for f in sorted((FIX / "mastodon").glob("*/context-*.json")):
        desc = json.loads(f.read_text())["descendants"]
        root = (
            next(d["in_reply_to_id"] for d in desc if d["in_reply_to_id"] in m_listed)
            if desc
            else None
        )
        m_replies |= {d["id"] for d in desc}
        m_reported += sum(d["replies_count"] for d in desc)
        if root:
            m_posts.add(root)
    return {
        "bsky_posts": posts,
        "bsky_replies": replies,
        "bsky_unavailable": unavailable,
        "bsky_reported": reported,
        "bsky_outside": outside,
        "bsky_reposts": reposts,
        "m_listed": m_listed,
        "m_replies": m_replies,
        "m_reported_desc": m_reported,
    }


# ------------------------------------------------------------------------------------- tests
def test_replayed_collection_gives_tables_that_reconcile_with_the_responses(server, tmp_path):
    waits = []
    raw, out = tmp_path / "raw" / "open", tmp_path / "processed" / "open"
    b, m, client = _collect_all(server, raw, waits)
    exp = _expected()

    # requests: every attempt is logged, the log agrees with the client and the server
    assert m["requests_logged"] == client.requests == len(server.log)
    bt, mt = (
        b["runs"]["bluesky"]["totals"],
        m["runs"]["mastodon:mastodon.social"]["totals"]
        if "mastodon:mastodon.social" in m["runs"]
        else m["runs"]["mastodon:mastodon.example"]["totals"],
    )
    # pagination: acme's feed and cafe's timeline come in 2 pages
    assert b["runs"]["bluesky"]["accounts"]["acme.example.com"]["feed_pages"] == 2
    assert m["runs"]["mastodon:mastodon.example"]["accounts"]["cafe"]["feed_pages"] == 2
    assert bt["posts_listed_in_window"] == len(exp["bsky_posts"]) and bt["threads_failed"] == 0
    assert bt["replies_fetched"] == len(exp["bsky_replies"])
    assert bt["unavailable"] == exp["bsky_unavailable"] == 2  # a #notFoundPost and a #blockedPost
    assert bt["replies_reported"] == exp["bsky_reported"]
    assert bt["replies_reported"] - bt["replies_fetched"] == exp["bsky_unavailable"]
    # the ghost handle: a failure with its reason, nothing silently dropped
    ghost = b["runs"]["bluesky"]["accounts"]["ghost.bsky.social"]
    assert ghost["profile"] == "failed" and "Profile not found" in ghost["failure"]
    log = [json.loads(line) for line in (raw / "collection_log.jsonl").read_text().splitlines()]
    failures = [e for e in log if e["event"] == "failure"]
    assert any("ghost" in e["target"] for e in failures)
    assert any(
        "404" in e["reason"] and "deleted" in e["reason"] for e in failures
    )  # carol's deleted post
    assert mt["threads_failed"] == 1 and mt["posts_listed_in_window"] == len(exp["m_listed"])
    assert mt["replies_fetched"] == len(exp["m_replies"])

    # import: in passes, every table reconciles, counts match the independent count
    summaries = import_collection(raw, out, progress=False)
    assert all(s.reconciles() for s in summaries)
    posts, comments = (
        pd.read_parquet(out / "posts.parquet"),
        pd.read_parquet(out / "comments.parquet"),
    )
    accounts = pd.read_parquet(out / "accounts.parquet")
    bposts = posts[posts.platform == "bluesky"]
    assert set(bposts.post_id) == exp["bsky_posts"]
    assert (
        set(comments[comments.comment_id.str.startswith("bluesky:")].comment_id)
        == exp["bsky_replies"]
    )
    mposts = posts[posts.platform == "mastodon"]
    assert (
        len(mposts) == len(exp["m_listed"]) - 1
    )  # the deleted one is quarantined, not a post with 0 replies
    assert mposts.post_id.str.startswith("mastodon:mastodon.example/").all()
    assert set(comments[comments.comment_id.str.startswith("mastodon:")].comment_id) == {
        f"mastodon:mastodon.example/{i}" for i in exp["m_replies"]
    }
    assert not posts.post_id.duplicated().any() and not comments.comment_id.duplicated().any()
    # reported_comments from replyCount / replies_count, and the per-post counts for the coverage
    # audit
    per_post = reported_vs_fetched(m)
    for row in posts.itertuples():
        assert row.reported_comments == per_post[row.post_id]["direct_replies_reported"]
    # profiles: followers from getProfile / lookup; account_type stays unknown (no decisive signal)
    acme = accounts[accounts.handle == "acme.example.com"].iloc[0]
    assert acme.followers == 5200 and acme.account_type == "unknown"
    assert set(accounts.handle) == {
        "acme.example.com",
        "news.example.org",
        "alice.bsky.social",
        "bob.bsky.social",
        "cafe",
        "carol",
    }
    prof = b["runs"]["bluesky"]["accounts"]["acme.example.com"]["profile_data"]
    assert prof["verified"] == "valid" and "Acme" in prof["description"]
    assert (
        "Bakery"
        in m["runs"]["mastodon:mastodon.example"]["accounts"]["cafe"]["profile_data"][
            "description"
        ]
    )
    # the quarantine holds the out-of-window posts, the deleted/blocked nodes, the repost, with
    # reasons
    q = [json.loads(line) for line in (out / "quarantine.jsonl").read_text().splitlines()]
    reasons = " | ".join(e["reason"] for e in q)
    assert (
        sum("outside the collection window" in e["reason"] for e in q) == exp["bsky_outside"] + 2
    )
    assert "notFoundPost" in reasons and "blockedPost" in reasons and "repost" in reasons
    assert sum("thread not collected" in e["reason"] for e in q) == 1
    # a second import adds nothing
    again = import_collection(raw, out, progress=False)
    assert all(not s.files for s in again)


def test_429_waited_as_the_headers_say_and_5xx_retried(server, tmp_path):
    waits = []
    _collect_all(server, tmp_path / "raw", waits)
    # Bluesky 429: ratelimit-reset = now + 30 s; Mastodon 429: Retry-After: 7 (wins over
    # X-RateLimit-Reset)
    assert waits[0] == 30.0 and 7.0 in waits
    # 502 (Bluesky thread) and 503 (Mastodon context): exponential backoff, first step 0.5 s
    assert waits.count(0.5) == 2
    hits = [p for p in server.log if "getAuthorFeed" in p and "acme" in p and "cursor" not in p]
    assert len(hits) == 2  # the 429, then the page


def test_backoff_is_capped_and_gives_up_with_the_last_response(server, tmp_path):
    waits = []
    client = HttpClient(
        sleep=waits.append,
        clock=lambda: float(FIXED_NOW),
        max_retries=4,
        backoff_base=1,
        backoff_cap=3,
    )
    client._client.get = lambda url, params=None: httpx.Response(
        503, request=httpx.Request("GET", url)
    )
    resp = client.get(server.base + "/anything")
    assert resp.status_code == 503 and waits == [1, 2, 3, 3] and client.requests == 5


def test_killed_collection_resumes_without_duplicates(server, tmp_path):
    clean_raw, clean_out = tmp_path / "clean", tmp_path / "clean-out"
    _collect_all(server, clean_raw, [])
    import_collection(clean_raw, clean_out, progress=False)
    n_clean = len(server.log)

    server.hits.clear()
    server.log.clear()
    raw, out = tmp_path / "killed", tmp_path / "killed-out"
    with pytest.raises(Killed):
        _collect_all(server, raw, [], transport=KillingTransport(after=17))
    state = json.loads((raw / "collection_state.json").read_text())
    assert state["runs"]["bluesky"]["accounts"]  # it stopped in the middle of Bluesky threads
    server.hits.clear()  # the replay starts again (a 429 first, as a fresh server would)
    _collect_all(server, raw, [])
    import_collection(raw, out, progress=False)
    # at most the request that was being made when killed is made again
    assert (
        len(server.log) <= n_clean + 1 + 2
    )  # (+ the 429 and 502 the restarted replay gives again)
    for table in ("posts", "comments", "accounts"):
        a = pd.read_parquet(clean_out / f"{table}.parquet").drop(
            columns=["collected_at"], errors="ignore"
        )
        b = pd.read_parquet(out / f"{table}.parquet").drop(
            columns=["collected_at"], errors="ignore"
        )
        key = a.columns[0]
        assert not b[key].duplicated().any()
        pd.testing.assert_frame_equal(
            a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
        )
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.json") if p.name[0] != ".")
    assert files == sorted(p.relative_to(clean_raw).as_posix() for p in clean_raw.rglob("*.json"))


def test_resume_with_other_parameters_is_refused(server, tmp_path):
    from analysis.collect.log import ParametersChanged

    client = _client([])
    collect(
        "bluesky",
        ["bob.bsky.social"],
        tmp_path,
        base_url=server.base,
        progress=False,
        client=client,
        **WINDOW,
    )
    with pytest.raises(ParametersChanged, match="since"):
        collect(
            "bluesky",
            ["bob.bsky.social"],
            tmp_path,
            base_url=server.base,
            progress=False,
            client=client,
            since="2024-03-10",
            until="2024-03-31",
        )


def test_raw_files_are_the_bytes_received(server, tmp_path):
    _collect_all(server, tmp_path, [])
    summary = json.loads((tmp_path / "collection.json").read_text())
    assert (
        len(summary["files"]) == len(list(tmp_path.rglob("*.json"))) - 2
    )  # minus state and summary
    for rel in summary["files"]:
        body = (tmp_path / rel).read_bytes()
        assert any(
            body == (FIX / s["body"]).read_bytes()
            for r in ROUTES["routes"]
            for s in r["responses"]
            if "body" in s
        ), rel


def test_cli_collects_and_imports(server, tmp_path):
    from conftest import dialogic

    res = dialogic(
        "collect",
        "mastodon",
        "mastodon.example",
        "carol",
        "--since",
        "2024-03-01",
        "--until",
        "2024-03-31",
        "--name",
        "c",
        "--raw-dir",
        str(tmp_path / "raw"),
        "--out",
        str(tmp_path / "out"),
        "--base-url",
        server.base,
        "--no-progress",
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "requests logged" in res.stdout and "in = kept + quarantined" in res.stdout
    assert (tmp_path / "out" / "posts.parquet").is_file()


@pytest.mark.slow
def test_study_runs_end_to_end_on_a_replayed_collection(server, tmp_path):
    from conftest import PROJECT_ROOT, dialogic

    raw, out = tmp_path / "raw", tmp_path / "open"
    _collect_all(server, raw, [])
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "platform,handle,account_type\nbluesky,acme.example.com,business\n"
        "bluesky,news.example.org,business\nbluesky,alice.bsky.social,personal\n"
        "bluesky,bob.bsky.social,personal\nmastodon,cafe,business\nmastodon,carol,personal\n"
    )
    summaries = import_collection(raw, out, labels=labels, progress=False)
    assert all(s.reconciles() for s in summaries)
    study = {
        "name": "open",
        "title": "Open platforms",
        "notebook": "notebooks/hypothesis.ipynb",
        "data": str(out),
        "output": str(tmp_path / "reports"),
        "audiences": ["academic"],
        "languages": ["en"],
        "parameters": {"min_posts": 3},
        "hypotheses": [{"id": "H1"}],
    }
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(study))
    run = dialogic("run", str(tmp_path / "study.yaml"), cwd=PROJECT_ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads((tmp_path / "reports" / "h1" / "results.json").read_text())
    assert result["verdict"] in ("supported", "not supported", "inconclusive")
    assert (tmp_path / "reports" / "h1" / "academic.html").is_file()
