"""The generic importer: any CSV/Parquet through a column-mapping YAML (docs/mappings/)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis import config
from analysis.importers import import_paths
from analysis.importers.mapping import load_mapping
from analysis.ledger import read_log, read_quarantine
from analysis.schema import read_canonical, validate_tables

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "docs" / "mappings"
FIX = Path(__file__).parent / "fixtures" / "mapping"
NEWSROOMS = {
    "nytimes.com",
    "nytopinion.nytimes.com",
    "theathletic.com",
    "theathleticfc.bsky.social",
}


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def run(paths, out, mapping, **kw):
    before = len(read_quarantine(out))
    s = import_paths(None, paths, out, progress=False, column_mapping=mapping, **kw)
    assert s.reconciles(), str(s)
    assert sum(c.quarantined for c in s.counts.values()) == len(read_quarantine(out)) - before
    t = read_canonical(out)
    validate_tables(t)
    return s, t


def reasons(out) -> Counter:
    return Counter(q["reason"].split(":")[0] for q in read_quarantine(out))


@pytest.mark.parametrize("name", sorted(p.name for p in MAPPINGS.glob("*.yaml")))
def test_shipped_mappings_load(name):
    spec = load_mapping(MAPPINGS / name)
    assert spec.platform and spec.entries


def test_bluesky_keegan_archive_business_vs_personal(real_data, tmp_path):
    src = real_data / "bluesky-keegan-nyt" / "snowball_archive_15_accounts.parquet"
    raw = pd.read_parquet(src)
    s, t = run([src], tmp_path / "o", MAPPINGS / "bluesky-keegan.yaml")
    originals = raw[~raw["is_reply"]]
    assert s.counts["posts"].read == len(raw) == 1413
    assert (
        s.counts["posts"].kept == len(originals)
        and s.counts["posts"].quarantined == raw["is_reply"].sum()
    )
    assert reasons(tmp_path / "o") == Counter(
        {"reply by the account to another post": int(raw["is_reply"].sum())}
    )
    acc = t.accounts.set_index("handle")
    assert len(acc) == 15 and set(acc.index) == set(raw["author_handle"])
    assert set(acc.index[acc["account_type"] == "business"]) == NEWSROOMS
    assert (acc["account_type"] == "personal").sum() == 11
    assert acc["account_type_source"].str.startswith("mapping:bluesky-keegan.yaml").all()
    # posts per account and engagement sums agree with the raw table
    per = (
        t.posts.merge(t.accounts[["account_id", "handle"]], on="account_id")
        .groupby("handle")
        .size()
    )
    assert per.to_dict() == originals.groupby("author_handle").size().to_dict()
    assert t.posts["likes"].sum() == originals["like_count"].sum()
    assert t.posts["reported_comments"].sum() == originals["reply_count"].sum()
    first = originals.iloc[0]
    p = t.posts.set_index("post_id").loc["bluesky:" + first["uri"]]
    assert (
        p["account_id"] == "bluesky:" + first["author_did"]
        and p["created_at"] == first["created_at"]
    )
    rkey = first["uri"].rsplit("/", 1)[1]
    assert p["url"] == f"https://bsky.app/profile/{first['author_handle']}/post/{rkey}"
    assert p["collected_at"] == pd.Timestamp("2026-06-10T16:21:46Z")
    assert len(t.comments) == 0
    meta = json.loads((tmp_path / "o" / "dataset.json").read_text())
    assert meta["comments_available"] is False
    assert any("bluesky-keegan.yaml (sha256" in n for n in read_log(tmp_path / "o")[-1]["notes"])


def test_bluesky_keegan_three_tables_overlap_once(real_data, tmp_path):
    d = real_data / "bluesky-keegan-nyt"
    files = [
        d / "snowball_archive_15_accounts.parquet",
        d / "nytimes_author_feed_posts.parquet",
        d / "engagement_summary_bskyapp_nytimes.csv",
    ]
    s, t = run(files, tmp_path / "o", MAPPINGS / "bluesky-keegan.yaml")
    arch, feed = pd.read_parquet(files[0]), pd.read_parquet(files[1])
    eng = pd.read_csv(files[2])
    uris = (
        set(arch.loc[~arch["is_reply"], "uri"])
        | set(feed.loc[~feed["is_reply"], "uri"])
        | set(eng.loc[~eng["is_reply"] & ~eng["is_repost"], "uri"])
    )
    assert set(t.posts["post_id"]) == {"bluesky:" + u for u in uris}
    acc = t.accounts.set_index("handle")
    assert (
        acc.loc["bsky.app", "account_type"] == "business"
        and acc.loc["nytimes.com", "account_type"] == "business"
    )
    # re-importing adds nothing
    s2, t2 = run(files, tmp_path / "o", MAPPINGS / "bluesky-keegan.yaml")
    assert len(s2.skipped) == 3 and len(t2.posts) == len(t.posts)


def test_csv_with_comments_times_zones_owner_and_quarantine(tmp_path):
    posts_raw = pd.read_csv(FIX / "pages_posts.csv", dtype=str)
    s, t = run(
        [FIX / "pages_posts.csv", FIX / "pages_comments.csv"],
        tmp_path / "o",
        MAPPINGS / "pages-scraper.yaml",
    )
    assert s.counts["posts"].kept == 3 and s.counts["comments"].read == 8
    assert reasons(tmp_path / "o") == Counter(
        {"reply before its post": 1, "parent missing": 1, "duplicate id": 1}
    )
    p = t.posts.set_index("post_id")
    local = pd.to_datetime(posts_raw["posted"], format="%d/%m/%Y %H:%M").dt.tz_localize(
        "Europe/Paris"
    )
    assert p["created_at"].tolist() == local.dt.tz_convert("UTC").tolist()
    assert p.loc["facebook:p3", "created_at"] == pd.Timestamp(
        "2024-03-31 00:30Z"
    )  # CET, before the DST switch
    assert (
        p["url"].tolist() == posts_raw["link"].tolist()
    )  # template rebuilds the scraper's own link
    c = t.comments.set_index("comment_id")
    assert c.loc["facebook:k6", "created_at"] == pd.Timestamp(
        "2024-03-31 01:30Z"
    )  # CEST, after it
    assert (
        bool(c.loc["facebook:k2", "is_owner"])
        and c.loc["facebook:k2", "author_id"] == "facebook:acme"
    )
    assert c.loc["facebook:k3", "depth"] == 2 and ":anon:" in c.loc["facebook:k3", "author_id"]
    a = t.accounts.set_index("handle")
    assert (
        a.loc["acme", "account_type"] == "business"
        and a.loc["lea.martin", "account_type"] == "personal"
    )
    assert (
        a.loc["acme", "followers"] == 15200 and a.loc["lea.martin", "display_name"] == "Léa Martin"
    )
    assert json.loads((tmp_path / "o" / "dataset.json").read_text())["comments_available"] is True


def test_mapping_errors_name_the_file_key_and_fix(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("platform: x\nposts: {post_id: id, created_at: t, colour: c}\n")
    with pytest.raises(
        ValueError, match=r"bad.yaml: top level.posts.colour: 'colour' is not a field of posts"
    ):
        load_mapping(bad)
    bad.write_text("platform: x\nposts: {post_id: id, created_at: t}\n")
    with pytest.raises(ValueError, match="required field 'account_id' is not mapped. Fix: add"):
        load_mapping(bad)
    bad.write_text("posts: {post_id: id}\n")
    with pytest.raises(ValueError, match="platform: missing"):
        load_mapping(bad)
    with pytest.raises(ValueError, match="needs a column-mapping file"):
        import_paths("mapping", [FIX / "pages_posts.csv"], tmp_path / "o", progress=False)


def test_missing_column_and_unmatched_file_are_quarantined_whole(tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text(
        "platform: facebook\nfiles:\n  - match: '*_posts.csv'\n    posts: {post_id: post_no, "
        "account_id: page, created_at: nosuchcolumn}\n"
    )
    s, t = run([FIX / "pages_posts.csv", FIX / "pages_comments.csv"], tmp_path / "o", m)
    r = [q["reason"] for q in read_quarantine(tmp_path / "o")]
    assert s.counts["unparsed"].quarantined == 2 and len(t.posts) == 0
    assert any("lacks column(s) nosuchcolumn" in x for x in r)
    assert any("no `files` entry of m.yaml matches pages_comments.csv" in x for x in r)


def test_cli_mapping_option(tmp_path, monkeypatch):
    from analysis.cli_import import import_

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    res = CliRunner().invoke(
        import_,
        [
            str(FIX / "pages_posts.csv"),
            str(FIX / "pages_comments.csv"),
            "--mapping",
            str(MAPPINGS / "pages-scraper.yaml"),
            "--name",
            "pages",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "as mapping" in res.output and "in = kept + quarantined" in res.output
    assert len(read_canonical(tmp_path / "processed" / "pages").comments) == 5
