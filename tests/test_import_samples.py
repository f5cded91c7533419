"""Real samples and fixtures not covered by test_import_real: CrowdTangle CSV, python-youtube,
Facepager, the refused UCI comment-volume table, label tables as --labels, CLI errors, privacy."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis import config
from analysis.importers import import_paths
from analysis.labels import label_from_signal, read_mapping
from analysis.ledger import read_log, read_quarantine
from analysis.privacy import load_key
from analysis.schema import read_canonical

FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def run(fmt, paths, out, **kw):
    s = import_paths(fmt, [Path(p) for p in paths], out, progress=False, **kw)
    assert s.reconciles(), str(s)
    return s, read_canonical(out)


def test_crowdtangle_csv_categories_followers_and_zones(tmp_path):
    f = FIX / "crowdtangle" / "crowdtangle-export.csv"
    s, t = run(None, [f], tmp_path / "o")
    assert s.format == "auto: crowdtangle-csv"
    raw = list(csv.DictReader(f.open(encoding="utf-8")))
    assert s.counts["posts"].read == len(raw) == 7
    acc = t.accounts.set_index("account_id")
    acme = acc.loc["facebook:100200300"]
    assert (
        acme["account_type"] == "business"
        and acme["account_type_source"] == "platform:category=SHOPPING_RETAIL"
    )
    assert acme["followers"] == 15500  # Followers at Posting, not Likes at Posting (12,000)
    assert acc.loc["facebook:200300400", "account_type"] == "personal"  # PERSON
    assert acc.loc["facebook:200300400", "followers"] == 8100
    assert acc.loc["facebook:300400500", "account_type"] == "business"  # MEDIA_NEWS_COMPANY
    assert acc.loc["facebook:400500600", "account_type"] == "unknown"  # COMMUNITY: for coders
    p = t.posts.set_index("post_id")
    first = p.loc["facebook:100200300_4455667788"]
    assert first["reported_comments"] == 1204 and first["likes"] == 120
    assert first["created_at"] == pd.Timestamp("2021-03-01 19:02:11", tz="UTC")  # 14:02:11 EST
    assert p.loc["facebook:100200300_4455667799", "created_at"] == pd.Timestamp(
        "2021-04-02 13:30", tz="UTC"
    )  # EDT
    assert sorted(q["reason"].split(":")[0] for q in read_quarantine(tmp_path / "o")) == [
        "duplicate id",
        "missing field",
    ]
    assert json.loads((tmp_path / "o" / "dataset.json").read_text())["comments_available"] is False


@pytest.mark.parametrize(
    "spelling",
    [
        "SHOPPING_RETAIL",
        "Shopping & Retail",
        "shopping and retail",
        "shopping_&_retail",
        " Shopping  Retail ",
    ],
)
def test_category_spellings_find_the_same_label(spelling):
    assert label_from_signal(f"category={spelling}")[0] == "business"


def test_python_youtube_sample(real_data, tmp_path):
    d = real_data / "youtube-data-api-pythonyoutube"
    s, t = run(None, [d], tmp_path / "o")
    # independent: every thread item and reply, and every comments.list item, of the raw files
    items = [
        (f, it)
        for f in sorted(d.rglob("*.json"))
        for it in json.loads(f.read_text()).get("items", [])
    ]
    threads = [it for _, it in items if it["kind"] == "youtube#commentThread"]
    comments = [it for _, it in items if it["kind"] == "youtube#comment"]
    n_in = (
        len(threads)
        + sum(len(it.get("replies", {}).get("comments", [])) for it in threads)
        + len(comments)
    )
    assert s.counts["comments"].read == n_in == 26
    q = Counter(
        r["reason"].split(" (")[0].split(":")[0]
        for r in read_quarantine(tmp_path / "o")
        if r["table"] == "comments"
    )
    # channel discussion threads: the API gives no videoId when a thread is about the channel
    no_video = [it for it in threads if "videoId" not in it["snippet"]]
    assert all("channelId" in it["snippet"] for it in no_video) and len(no_video) == 5
    assert (
        q["missing field"] == 5 + 3
    )  # + 3 comments.list items fetched by id, naming no video or parent
    assert (
        q["post not found"] == 5
    )  # video F1UP7wRCPH8: no videos.list and no channelId, so no account
    assert (
        q["duplicate id"] == 6
    )  # paged_2 repeats paged_1; comments_multi repeats comment_thread_single
    assert len(t.comments) == 7 and s.counts["comments"].quarantined == 19
    c = t.comments.set_index("comment_id")
    replies = c[
        c["parent_id"] == "youtube:Ugw5zYU6n9pmIgAZWvN4AaABAg"
    ]  # comments.list by parentId, other file
    assert (
        len(replies) == 3
        and (replies["depth"] == 1).all()
        and (replies["post_id"] == "youtube:JE8xdDp5B8Q").all()
    )
    assert not c["is_owner"].any()  # SOURCE.md: none of the replies is by the channel owner
    p = t.posts.set_index("post_id")
    assert sorted(p.index) == ["youtube:D-lhorsDlUQ", "youtube:JE8xdDp5B8Q", "youtube:ovdbrdCIP7U"]
    assert (
        p.loc["youtube:D-lhorsDlUQ", "account_id"] == "youtube:UC_x5XG1OV2P6uZZ5FSM9Ttw"
    )  # from videos.list
    assert p.loc["youtube:D-lhorsDlUQ", "created_at"] == pd.Timestamp(
        "2019-03-21 20:37:49", tz="UTC"
    )
    # JE8xdDp5B8Q is known only from its threads: created_at = its first comment (an upper bound)
    assert p.loc["youtube:JE8xdDp5B8Q", "created_at"] == pd.Timestamp(
        "2019-12-01 03:36:10", tz="UTC"
    )
    assert any("known only from their comments" in n for n in s.notes)


def test_facepager_csv(real_data, tmp_path):
    d = real_data / "facepager-export-datavana"
    s, t = run(None, [d], tmp_path / "o")
    raw = pd.read_csv(d / "example.csv", sep=";", dtype=str)
    data = raw[raw["object_type"] == "data"]
    posts = data[data["query_type"].str.endswith("/posts")]
    assert (
        s.counts["posts"].read == len(posts) == 4
        and s.counts["comments"].read == len(data) - 4 == 13
    )
    assert sorted(t.posts["post_id"]) == sorted("facebook:" + posts["object_id"])
    p = t.posts.set_index("post_id").loc["facebook:5550296508_10163104231551509"]
    assert p["reported_comments"] == 5 and p["shares"] == 10 and p["likes"] == 28
    assert p["created_at"] == pd.Timestamp("2022-11-01 16:31:07", tz="UTC")
    acc = t.accounts.set_index("account_id")
    assert acc.loc["facebook:5550296508", "handle"] == "cnn"  # from the seed row
    # row 16's comment (2022-10-31) is dated before its post (2022-11-01 16:00): fictional data,
    # quarantined
    q = {r["locator"]: r["reason"] for r in read_quarantine(tmp_path / "o")}
    assert q["row 16"].startswith("reply before its post") and len(t.comments) == 12
    assert (t.comments["depth"] == 0).all() and not t.comments["is_owner"].any()
    # the .db beside it is refused with the reason, not skipped
    assert any("Facepager database" in r and "Export data" in r for r in q.values())
    assert json.loads((tmp_path / "o" / "dataset.json").read_text())["owner_identifiable"] is False


def test_uci_comment_volume_is_refused_with_the_reason(real_data, tmp_path, monkeypatch):
    from analysis.cli_import import import_

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    res = CliRunner().invoke(import_, [str(real_data / "uci-facebook-comment-volume")])
    assert res.exit_code != 0
    assert (
        "no record imported from 10 file(s)" in res.output
        and "no post, page or comment ids" in res.output
    )


def test_label_tables_serve_as_mapping_files(real_data, tmp_path):
    hum = read_mapping(real_data / "twitter-org-vs-individual-tweetpie" / "humanizr_balanced.csv")
    raw = pd.read_csv(
        real_data / "twitter-org-vs-individual-tweetpie" / "humanizr_balanced.csv", dtype=str
    )
    assert len(hum) == len(raw) == 3556
    assert (
        (hum["account_type"] == "business").sum() == (raw["label"] == "organization").sum() == 1778
    )
    cf_file = (
        real_data
        / "twitter-user-gender-brand-crowdflower"
        / "gender-classifier-DFE-791531.head3443.csv"
    )
    cf = read_mapping(cf_file)
    raw = pd.read_csv(cf_file, dtype=str, encoding="latin-1")
    assert (cf["account_type"] == "business").sum() == (raw["gender"] == "brand").sum() == 840
    assert len(cf) == raw["gender"].isin(["brand", "male", "female"]).sum()
    # used with --labels: a handle in the table relabels the imported account
    brand = raw.loc[raw["gender"] == "brand", "name"].iloc[0]
    m = tmp_path / "labels.csv"
    pd.concat([raw.head(0), raw[raw["name"] == brand].assign(name="TwitterDev")]).to_csv(
        m, index=False
    )
    run("twarc2", [real_data / "twarc2-docnow" / "verified_type.jsonl"], tmp_path / "o", labels=m)
    acc = read_canonical(tmp_path / "o").accounts.set_index("handle").loc["TwitterDev"]
    assert acc["account_type"] == "business" and acc["account_type_source"] == "mapping:labels.csv"


def test_cli_unknown_format_and_empty_import(tmp_path, monkeypatch):
    from analysis.cli_import import import_

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    res = CliRunner().invoke(import_, ["nosuchformat", str(f)])
    assert (
        res.exit_code == 2
        and "unknown format 'nosuchformat'" in res.output
        and "does not exist" not in res.output
    )
    res = CliRunner().invoke(import_, ["twarc", str(f)])
    assert "Did you mean twarc2" in res.output
    res = CliRunner().invoke(import_, ["twarc2", str(f)])
    assert res.exit_code == 1 and "no record imported from 1 file(s)" in res.output
    assert "malformed JSON line" in res.output and "is the file really twarc2" in res.output


def test_privacy_default_and_opt_out_logged(real_data, tmp_path):
    f = real_data / "reddit-praw-cassettes" / "extracted" / "comments_ablzuq.json"
    raw = json.loads(f.read_text())
    op = raw[0]["data"]["children"][0]["data"]["author"]
    _, t = run("reddit", [f], tmp_path / "hashed")
    assert read_log(tmp_path / "hashed")[0]["privacy"]["pseudonymize_authors"] is True
    c = t.comments
    others = c.loc[~c["is_owner"].astype(bool), "author_id"]
    assert len(others) and others.str.match(r"^reddit:anon:[0-9a-f]{16}$").all()
    import hashlib
    import hmac

    some = next(
        x["data"]["author"]
        for x in raw[1]["data"]["children"]
        if x["kind"] == "t1" and x["data"]["author"] not in (op, "[deleted]")
    )
    expected = hmac.new(load_key(), f"reddit:{some}".encode(), hashlib.sha256).hexdigest()[:16]
    assert f"reddit:anon:{expected}" in set(others)  # a keyed hash of the raw author, nothing else
    assert (
        c.loc[c["is_owner"].astype(bool), "author_id"] == f"reddit:{op}"
    ).all()  # the owner is kept
    _, t2 = run("reddit", [f], tmp_path / "clear", pseudonymize=False)
    log = read_log(tmp_path / "clear")[0]["privacy"]
    assert log["pseudonymize_authors"] is False and log["method"].startswith("OPT-OUT")
    assert f"reddit:{some}" in set(t2.comments["author_id"])


def test_cli_prints_quarantine_summary_by_reason_family(real_data, tmp_path):
    """`dialogic import` groups this import's quarantine by table and reason family (ids, times and
    URLs removed): a few lines with counts that add up, checked against a plain count of the raw
    file."""
    import re

    from analysis.cli_import import import_

    f = real_data.best("bluesky-searchposts-ishaan") / "searchPosts_response.json"
    items = json.loads(f.read_text())["posts"]
    uris = {p["uri"] for p in items}
    tops = {p["uri"] for p in items if "reply" not in p["record"]}
    replies = [p["record"]["reply"] for p in items if "reply" in p["record"]]
    no_post = sum(r["root"]["uri"] not in tops for r in replies)
    no_parent = sum(r["root"]["uri"] in tops and r["parent"]["uri"] not in uris for r in replies)
    if not real_data.is_excerpt(f):
        assert (len(replies), no_post + no_parent) == (
            293,
            280,
        )  # SOURCE.md: 13 of 293 replies under posts held
    held = (
        len(replies) - no_post - no_parent
    )  # the bundled excerpt keeps every held reply with its posts
    assert held == 13 and no_post > 0 and no_parent > 0
    lost = no_post + no_parent

    out = tmp_path / "b"
    res = CliRunner().invoke(import_, [str(f), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    text = res.output
    assert f"quarantined {lost} record(s) ({lost} comments), by reason:" in text
    assert re.search(
        rf"^ +{no_post} comments 'post not found' \(parent post not in the data: the export holds "
        r"replies to posts it does not contain",
        text,
        re.M,
    )
    assert re.search(rf"^ +{no_parent} comments 'parent missing' \(", text, re.M)
    lines = re.findall(r"^ +([\d,]+) (\w+) '([^']+)'", text, re.M)
    assert len(lines) == 2  # one line per family, not one per record
    q = read_quarantine(out)
    assert sum(int(n.replace(",", "")) for n, _, _ in lines) == len(q) == lost
    assert Counter(r["reason"].split(":")[0] for r in q) == {
        "post not found": no_post,
        "parent missing": no_parent,
    }
    assert f"quarantine: {out / 'quarantine.jsonl'}" in text

    # a second import into the same data set summarises only what it quarantined itself
    cas = sorted(real_data.path("reddit-praw-cassettes/cassettes").glob("*.json"))
    res = CliRunner().invoke(import_, [*map(str, cas), "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    lines = re.findall(r"^ +([\d,]+) (\w+) '([^']+)'", res.output, re.M)
    assert sorted(lines) == sorted(
        [
            ("7", "posts", "duplicate id"),
            ("6", "comments", "duplicate id"),
            ("2", "unparsed", "not a data response"),
        ]
    )
    assert "quarantined 15 record(s)" in res.output and "post not found" not in res.output
    assert len(read_quarantine(out)) == lost + 15
    # the token exchange is named by its URL, its body never printed
    assert "https://www.reddit.com/api/v1/access_token" in res.output
    for secret in ("ACCESS_TOKEN", "bearer", "expires_in"):
        assert secret not in res.output
    # nothing new quarantined: no summary
    res = CliRunner().invoke(import_, [*map(str, cas), "--out", str(out), "--no-progress"])
    assert "by reason" not in res.output


@pytest.mark.parametrize(
    "reason, family",
    [
        (
            "post not found: bluesky:at://did:plc:x/app.bsky.feed.post/3ld is not in this import",
            "post not found",
        ),
        (
            "timestamp 2020-01-09T00:05:02 has no time zone (pass --tz with the zone it is in)",
            "timestamp has no time zone",
        ),
        ("unreadable timestamp 12:30: soon", "unreadable timestamp"),
        ("duplicate id: tweet 123 appears earlier in the file", "duplicate id"),
        (
            "missing field: snippet.videoId (a channel discussion comment)",
            "missing field: snippet.videoId",
        ),
        (
            "inside a malformed record at $.data[3] (malformed record: KeyError: 'id')",
            "inside a malformed record (malformed record)",
        ),
        (
            "malformed JSON line (unexpected character: line 1 column 3 (char 2))",
            "malformed JSON line",
        ),
        ("row has 5 fields, header has 3", "row has <n> fields, header has <n>"),
        ("unknown reddit thing kind 't9'", "unknown reddit thing kind '…'"),
        (
            "response body is JSON of no known format (its keys: ['a', 'b'])",
            "response body is JSON of no known format",
        ),
    ],
)
def test_reason_family_drops_record_values(reason, family):
    from analysis.ledger import reason_family

    assert reason_family(reason) == family
