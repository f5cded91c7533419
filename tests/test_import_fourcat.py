"""4CAT CSV and NDJSON exports, on hand-written fixtures in 4CAT's documented layout (no real
export)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.importers import detect_format, import_paths
from analysis.ledger import read_quarantine
from analysis.schema import read_canonical, validate_tables

FIX = Path(__file__).parent / "fixtures" / "fourcat"


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def run(fmt, path, out, **kw):
    s = import_paths(fmt, [path], out, progress=False, **kw)
    assert s.reconciles(), str(s)
    assert sum(c.quarantined for c in s.counts.values()) == len(read_quarantine(out))
    t = read_canonical(out)
    validate_tables(t)
    return s, t


def reasons(out) -> Counter:
    return Counter(q["reason"].split(":")[0] for q in read_quarantine(out))


def test_formats_are_detected():
    assert detect_format(FIX / "reddit-dataset.csv") == "4cat"
    assert detect_format(FIX / "telegram-dataset.csv") == "4cat"
    assert detect_format(FIX / "bsky-dataset.ndjson") == "4cat-ndjson"


def test_reddit_datasource_threads_owner_and_quarantine(tmp_path):
    with open(FIX / "reddit-dataset.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    roots = [r for r in rows if r["id"] == r["thread_id"]]
    s, t = run("4cat", FIX / "reddit-dataset.csv", tmp_path / "o")
    assert s.counts["posts"].read == len(roots) == 2
    assert s.counts["comments"].read == len(rows) - len(roots)
    assert reasons(tmp_path / "o") == Counter(
        {"duplicate id": 1, "parent missing": 1, "unreadable timestamp soon": 1}
    )
    c = t.comments.set_index("comment_id")
    assert len(c) == s.counts["comments"].read - 3
    owner = c.loc["reddit:c3"]  # AcmeSupport answers shopper_42 under its own submission
    assert (
        bool(owner["is_owner"])
        and owner["author_id"] == "reddit:AcmeSupport"
        and owner["depth"] == 1
    )
    assert owner["parent_id"] == "reddit:c1" and c.loc["reddit:c1", "parent_id"] is pd.NA
    assert c.loc["reddit:c4", "depth"] == 2 and not bool(c.loc["reddit:c4", "is_owner"])
    assert c.loc["reddit:d1", "post_id"] == "reddit:q9z8y7"
    # deleted author: pseudonymised like any non-owner, never the owner
    assert not bool(c.loc["reddit:c5", "is_owner"]) and ":anon:" in c.loc["reddit:c5", "author_id"]
    p = t.posts.set_index("post_id").loc["reddit:q1a2b3"]
    assert p["account_id"] == "reddit:AcmeSupport" and p["likes"] == 57
    assert p["text"].startswith("New opening hours from 1 April\n\nWe changed")
    assert p["created_at"] == pd.Timestamp(int(roots[0]["unix_timestamp"]), unit="s", tz="UTC")
    assert p["created_at"] == pd.Timestamp(
        roots[0]["timestamp"], tz="UTC"
    )  # 4CAT's timestamp column is UTC


def test_timestamp_column_alone_is_read_as_utc(tmp_path):
    df = pd.read_csv(FIX / "reddit-dataset.csv", dtype=str).drop(columns=["unix_timestamp"])
    f = tmp_path / "no-unix.csv"
    df.to_csv(f, index=False)
    s, t = run("4cat", f, tmp_path / "o")
    assert t.posts.set_index("post_id").loc["reddit:q9z8y7", "created_at"] == pd.Timestamp(
        "2023-03-03 08:00Z"
    )
    s2, t2 = run(
        "4cat", f, tmp_path / "o2", naive_tz="Europe/Amsterdam"
    )  # --tz: written elsewhere
    assert t2.posts.set_index("post_id").loc["reddit:q9z8y7", "created_at"] == pd.Timestamp(
        "2023-03-03 07:00Z"
    )


def test_telegram_channel_messages_are_posts_and_replies_chain(tmp_path):
    s, t = run(None, FIX / "telegram-dataset.csv", tmp_path / "o")
    assert sorted(t.posts["post_id"]) == ["telegram:101", "telegram:102"]
    c = t.comments.set_index("comment_id")
    assert set(c["post_id"]) == {"telegram:101"}
    assert c.loc["telegram:103", "depth"] == 0 and c.loc["telegram:104", "depth"] == 1
    assert (
        c.loc["telegram:105", "parent_id"] == "telegram:104"
        and c.loc["telegram:105", "depth"] == 2
    )
    assert bool(c.loc["telegram:104", "is_owner"]) and c["is_owner"].sum() == 1
    assert t.accounts.set_index("account_id").loc["telegram:-1001234", "handle"] == "citynews"


def test_ndjson_original_bluesky_objects_and_unknown_items(tmp_path):
    f = (
        tmp_path / "bsky-dataset.ndjson"
    )  # plus a truncated line, as an interrupted download leaves
    lines = (FIX / "bsky-dataset.ndjson").read_bytes().splitlines()
    f.write_bytes(b"\n".join(lines + [lines[1][:120]]) + b"\n")
    s, t = run(None, f, tmp_path / "o")
    assert s.counts["posts"].kept == 1 and s.counts["comments"].kept == 2
    assert s.counts["unparsed"].quarantined == 2
    r = " | ".join(q["reason"] for q in read_quarantine(tmp_path / "o"))
    assert "4CAT item of tiktok.com has no reader here" in r and "malformed JSON line" in r
    post = t.posts.iloc[0]
    assert (
        post["account_id"] == "bluesky:did:plc:eclio37ymobqex2ncko63h4r" and post["likes"] == 120
    )
    c = t.comments.sort_values("created_at")
    assert c["depth"].tolist() == [0, 1] and c["is_owner"].tolist() == [False, True]
    assert c["created_at"].iloc[1] == pd.Timestamp("2024-05-29 13:00Z")


def test_mapped_ndjson_lines_equal_the_csv(tmp_path):
    rows = pd.read_csv(FIX / "telegram-dataset.csv", dtype=str, keep_default_na=False)
    f = tmp_path / "telegram.ndjson"
    rows.to_json(f, orient="records", lines=True)
    _, a = run("4cat-ndjson", f, tmp_path / "a")
    _, b = run("4cat", FIX / "telegram-dataset.csv", tmp_path / "b")
    cols = ["comment_id", "post_id", "parent_id", "depth", "is_owner", "created_at"]
    pd.testing.assert_frame_equal(
        a.comments[cols].sort_values("comment_id").reset_index(drop=True),
        b.comments[cols].sort_values("comment_id").reset_index(drop=True),
    )
