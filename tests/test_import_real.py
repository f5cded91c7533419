"""Each real sample (bundled excerpt or ../shared/data/real) imports with concrete, independently
checked facts."""

from __future__ import annotations

import json
import stat
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.importers import import_paths
from analysis.ledger import read_log, read_quarantine
from analysis.schema import read_canonical


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def run(fmt, paths, out, **kw):
    before = len(read_quarantine(out))
    s = import_paths(fmt, [Path(p) for p in paths], out, progress=False, **kw)
    assert s.reconciles(), str(s)
    assert sum(c.quarantined for c in s.counts.values()) == len(read_quarantine(out)) - before
    return s, read_canonical(out)


def test_twarc2_verified_type_labels_business(real_data, tmp_path):
    s, t = run("twarc2", [real_data / "twarc2-docnow" / "verified_type.jsonl"], tmp_path / "o")
    acc = t.accounts.set_index("account_id").loc["twitter:2244994945"]
    assert acc["handle"] == "TwitterDev"
    assert acc["account_type"] == "business"
    assert acc["account_type_source"] == "platform:verified_type=business"
    assert t.posts["post_id"].tolist() == ["twitter:1603823063690199040"]
    assert t.posts["reported_comments"].iloc[0] == 37  # public_metrics.reply_count in the raw file


def test_twarc2_page_accounts_for_every_tweet(real_data, tmp_path):
    d = real_data.best("twarc2-docnow")
    raw = json.loads((d / "noflat.jsonl").read_text().splitlines()[0])
    tweets = raw["data"]
    retweets = sum(
        any(r["type"] == "retweeted" for r in t.get("referenced_tweets", [])) for t in tweets
    )
    replies = sum(
        any(r["type"] == "replied_to" for r in t.get("referenced_tweets", [])) for t in tweets
    )
    # the full page holds 100 tweets; the bundled excerpt its first 30
    # (tests/fixtures/real/.../SOURCE.md)
    n = 30 if real_data.is_excerpt(d) else 100
    assert len(tweets) == n
    s, t = run("twarc2", [d / "noflat.jsonl"], tmp_path / "o")
    assert s.counts["posts"].read + s.counts["comments"].read == n
    assert s.counts["comments"].read == replies
    reasons = Counter(q["reason"].split(":")[0] for q in read_quarantine(tmp_path / "o"))
    assert reasons["retweet"] == retweets
    assert len(t.posts) == n - retweets - replies
    assert t.posts["created_at"].dt.tz is not None and str(t.posts["created_at"].dt.tz) == "UTC"
    # flattened form of the same tweets adds nothing new
    s2, t2 = run("twarc2", [d / "flat.jsonl"], tmp_path / "o")
    assert s2.counts["posts"].added == 0 and len(t2.posts) == len(t.posts)


def test_reddit_depth_and_owner_replies(real_data, tmp_path):
    ex = real_data.best("reddit-praw-cassettes") / "extracted"
    s, t = run(None, [ex], tmp_path / "o")
    if real_data.is_excerpt(ex):  # the bundle holds thread ablzuq only
        assert len(t.posts) == 1 and len(t.comments) == 101  # SOURCE.md: 101 comments under ablzuq
    else:
        assert len(t.posts) == 2 and len(t.comments) == 634  # SOURCE.md: 101 + 533
    c = t.comments
    ab = c[c["post_id"] == "reddit:t3_ablzuq"]
    assert len(ab) == 101
    assert int(ab["is_owner"].sum()) == 10  # is_submitter true on 10 comments
    assert int((ab["depth"] == 0).sum()) == 24
    # independent check: reddit's own `depth` field equals the depth rebuilt from parent ids
    own = {}

    def walk(listing):
        for th in listing["data"]["children"]:
            if th["kind"] == "t1":
                if "depth" in th["data"]:
                    own["reddit:" + th["data"]["name"]] = th["data"]["depth"]
                if isinstance(th["data"].get("replies"), dict):
                    walk(th["data"]["replies"])

    for f in ex.glob("comments_*.json"):
        walk(json.loads(f.read_text())[1])
    for f in ex.glob("morechildren_*.json"):  # things carry their own depth too
        own.update(
            {
                "reddit:" + th["data"]["name"]: th["data"]["depth"]
                for th in json.loads(f.read_text())["json"]["data"]["things"]
                if th["kind"] == "t1" and "depth" in th["data"]
            }
        )
    ours = c.set_index("comment_id")["depth"]
    assert {k: int(ours[k]) for k in own} == own
    assert max(own.values()) >= 3
    owner = t.accounts.set_index("account_id")
    assert (
        owner.loc[t.posts.set_index("post_id").loc["reddit:t3_ablzuq", "account_id"], "platform"]
        == "reddit"
    )
    # non-owner authors are keyed hashes, never raw user names
    authors = set(c.loc[~c["is_owner"].astype(bool), "author_id"])
    assert all(":anon:" in a for a in authors)
    assert stat.S_IMODE(config.PSEUDONYM_KEY_FILE.stat().st_mode) == 0o600


def test_youtube_owner_reply(real_data, tmp_path):
    s, t = run(None, [real_data / "youtube-data-api-phoenix"], tmp_path / "o")
    c = t.comments.set_index("comment_id")
    replies = c[c["parent_id"] == "youtube:UghpFKUJfaHCZHgCoAEC"]
    assert len(replies) == 1 and bool(replies["is_owner"].iloc[0])
    assert replies["author_id"].iloc[0] == "youtube:UC5VgEt3Na1zZDJo-PBa86Rg"
    assert int(replies["depth"].iloc[0]) == 1
    top = c[c["depth"] == 0]
    assert len(top) == 12 and not top["is_owner"].any()
    answered = set(c.loc[c["is_owner"].astype(bool), "parent_id"])
    assert len(top) - len(answered & set(top.index)) == 11  # 11 left unanswered
    chan = t.accounts.set_index("account_id").loc["youtube:UC5VgEt3Na1zZDJo-PBa86Rg"]
    assert chan["display_name"] == "Build Up" and chan["followers"] == 274


def test_facebook_scraper_threads_and_eastern_time(real_data, tmp_path):
    d = real_data / "facebook-page-scraper-nytimes"
    s, t = run(
        "fb-scraper",
        [d / "nytimes_facebook_statuses.csv", d / "nytimes_facebook_comments.csv"],
        tmp_path / "o",
    )
    assert s.counts["posts"].read == 616 and s.counts["comments"].read == 1858
    c = t.comments.set_index("comment_id")
    first = c.loc["facebook:10151472549144999_10151472582124999"]
    assert first["created_at"] == pd.Timestamp("2018-02-01 00:05:11", tz="UTC")  # 19:05:11 EST
    reply = c.loc["facebook:10151472549144999_10151472585819999"]
    assert (
        reply["depth"] == 1
        and reply["parent_id"] == "facebook:10151472549144999_10151472582124999"
    )
    raw = pd.read_csv(d / "nytimes_facebook_comments.csv", dtype=str)
    kept_raw = raw[("facebook:" + raw["comment_id"]).isin(c.index)]
    assert int((c["depth"] == 1).sum()) == int(kept_raw["parent_id"].notna().sum())
    meta = json.loads((tmp_path / "o" / "dataset.json").read_text())
    assert meta["owner_identifiable"] is False and meta["simulated"] is False
    assert any("Windows-1252" in n for n in read_log(tmp_path / "o")[0]["notes"])


def test_twcs_brand_answers_are_owner_replies(real_data, tmp_path):
    s, t = run(
        "twcs", [real_data / "twcs-customer-support-twitter" / "sample.csv"], tmp_path / "o"
    )
    c = t.comments.set_index("comment_id")
    # raw: 119238 is ChaseSupport answering customer tweet 119239
    assert bool(c.loc["twitter:twcs/119238", "is_owner"])
    assert c.loc["twitter:twcs/119238", "author_id"] == "twitter:ChaseSupport"
    assert c.loc["twitter:twcs/119238", "parent_id"] == "twitter:twcs/119239"
    acc = t.accounts.set_index("account_id")
    assert acc.loc["twitter:AppleSupport", "account_type"] == "business"
    raw = pd.read_csv(real_data / "twcs-customer-support-twitter" / "sample.csv", dtype=str)
    brand_tweets = set("twitter:twcs/" + raw.loc[raw["inbound"] == "False", "tweet_id"])
    kept_brand = c.index.intersection(list(brand_tweets))
    assert c.loc[kept_brand, "is_owner"].all()


def test_aggregate_tables_have_no_comments(real_data, tmp_path):
    s, t = run(None, [real_data / "uci-facebook-metrics" / "dataset_Facebook.csv"], tmp_path / "o")
    raw = pd.read_csv(real_data / "uci-facebook-metrics" / "dataset_Facebook.csv", sep=";")
    assert len(t.posts) == 500 and len(t.comments) == 0
    assert int(t.posts["reported_comments"].sum()) == int(raw["comment"].sum())
    assert t.accounts["account_type"].tolist() == ["business"]
    meta = json.loads((tmp_path / "o" / "dataset.json").read_text())
    assert meta["comments_available"] is False and meta["created_at_precision"].startswith("month")
    s, t = run(None, [real_data / "crowdtangle-api-phoenix"], tmp_path / "ct")
    p = t.posts.set_index("post_id")
    assert p.loc["facebook:11430503918_10159078346893919", "reported_comments"] == 1060
    assert (
        json.loads((tmp_path / "ct" / "dataset.json").read_text())["comments_available"] is False
    )


def test_bluesky_and_mastodon(real_data, tmp_path):
    d = real_data.best("bluesky-searchposts-ishaan")
    items = json.loads((d / "searchPosts_response.json").read_text())["posts"]
    n_replies = sum("reply" in p["record"] for p in items)  # record.reply present
    if not real_data.is_excerpt(d):
        assert (len(items), n_replies) == (998, 293)  # SOURCE.md of the full file
    s, t = run(None, [d], tmp_path / "b")
    assert s.counts["posts"].read + s.counts["comments"].read == len(items)
    assert s.counts["comments"].read == n_replies > 0
    s, t = run(
        None,
        [real_data / "mastodon-mastodonpy-cassettes" / "test_entity_context.yaml"],
        tmp_path / "m",
    )
    assert s.counts["posts"].read + s.counts["comments"].read == 2  # 1 ancestor + 1 descendant
    assert t.posts["post_id"].str.startswith("mastodon:mastodon.social/").all()


def test_facebook_graph_nested_comments(real_data, tmp_path):
    f = (
        real_data
        / "facebook-graph-pyfacebook"
        / "facebook"
        / "apidata"
        / "posts"
        / "multi_posts_data.json"
    )
    s, t = run("facebook-graph", [f], tmp_path / "o")
    raw = json.loads(f.read_text())
    n_raw = sum(len(p.get("comments", {}).get("data", [])) for p in raw.values())
    assert len(t.comments) == n_raw == 16
    assert not t.comments["is_owner"].any()  # SOURCE.md: 0 of 16 are by the page
    assert set(t.posts["account_id"]) == {"facebook:19292868552"}


def test_reimport_adds_nothing_and_logs_hashes(real_data, tmp_path):
    f = real_data / "twcs-customer-support-twitter" / "sample.csv"
    run("twcs", [f], tmp_path / "o")
    before = read_canonical(tmp_path / "o").counts()
    s, _ = run(None, [f], tmp_path / "o")
    assert s.skipped and read_canonical(tmp_path / "o").counts() == before
    log = read_log(tmp_path / "o")
    import hashlib

    assert log[0]["files"][0]["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
    assert log[0]["privacy"]["pseudonymize_authors"] is True and log[0]["dialogic_version"]


def test_reddit_cassettes_kept_and_token_exchange_not_echoed(real_data, tmp_path):
    """Betamax `recorded_at` is naive UTC text: records are kept; the OAuth token exchange is
    quarantined with a short reason naming its URL, never with its body."""
    files = sorted(real_data.path("reddit-praw-cassettes/cassettes").glob("*.json"))
    s, t = run("cassette", files, tmp_path / "o")
    # independent count: every t1/t3 thing in the data responses (a plain walk over the parsed
    # bodies)
    seen, tokens, recorded = [], 0, {}

    def walk(x):
        if isinstance(x, dict):
            if x.get("kind") in ("t1", "t3") and isinstance(x.get("data"), dict):
                seen.append((x["kind"], x["data"]["name"]))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for f in files:
        doc = json.loads(f.read_text())
        for it in doc["interactions"]:
            body = json.loads(it["response"]["body"]["string"])
            if it["request"]["uri"].endswith("/api/v1/access_token"):
                tokens += 1
                assert "access_token" in body  # what must not be echoed
                continue
            recorded[it["recorded_at"]] = True
            walk(body)
    posts = [n for k, n in seen if k == "t3"]
    comments = [n for k, n in seen if k == "t1"]
    assert tokens == 2
    assert (
        s.counts["posts"].read == len(posts) == 108
        and s.counts["comments"].read == len(comments) == 648
    )
    assert len(t.posts) == len(set(posts)) == 101  # the repeats are refetches of the same things
    assert len(t.comments) == len(set(comments)) == 642
    assert s.counts["unparsed"].read == s.counts["unparsed"].quarantined == tokens
    q = read_quarantine(tmp_path / "o")
    reasons = Counter(r["reason"].split(":")[0] for r in q)
    assert reasons == {"duplicate id": (108 - 101) + (648 - 642), "not a data response": 2}
    for r in q:
        assert "has no time zone" not in r["reason"]
        if r["table"] == "unparsed":
            assert (
                "https://www.reddit.com/api/v1/access_token" in r["reason"]
                and len(r["reason"]) < 200
            )
            assert r.get("raw") is None and not r.get("record")
    text = (tmp_path / "o" / "quarantine.jsonl").read_text()
    assert "ACCESS_TOKEN" not in text and "bearer" not in text and "expires_in" not in text
    # collected_at = the interaction's recording time, read as UTC
    assert str(t.posts["collected_at"].dt.tz) == "UTC"
    got = set(t.posts["collected_at"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
    assert got <= set(recorded) and got
