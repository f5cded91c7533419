"""Bad input gives a clear error or a quarantined record, never a crash or a silent drop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.importers import import_paths
from analysis.ledger import read_quarantine
from analysis.schema import read_canonical

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


@pytest.fixture(autouse=True)
def _key(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path_factory.getbasetemp() / "key" / "pseudonym.key")


def reasons(out):
    return [q["reason"] for q in read_quarantine(out)]


def canonical(d: Path, comments: list[dict]):
    d.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([dict(account_id="facebook:1", platform="facebook", handle="acme", display_name=None,
                       account_type="business", account_type_source="test", followers=5, category=None,
                       collected_at="2024-07-01T00:00:00Z")]).to_csv(d / "accounts.csv", index=False)
    pd.DataFrame([dict(post_id="facebook:p1", account_id="facebook:1", platform="facebook",
                       created_at="2024-01-01T10:00:00Z", text="t", lang="en", media_type="text", url=None,
                       reported_comments=2, likes=0, shares=0, collected_at="2024-07-01T00:00:00Z")]
                 ).to_csv(d / "posts.csv", index=False)
    base = dict(post_id="facebook:p1", parent_id=None, author_id="facebook:u1", is_owner=None,
                text="c", lang="en", depth=None)
    pd.DataFrame([{**base, **c} for c in comments]).to_csv(d / "comments.csv", index=False)
    return d


def test_missing_parent_cascades_and_duplicates_are_quarantined(tmp_path):
    src = canonical(tmp_path / "src", [
        dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z"),
        dict(comment_id="facebook:c2", parent_id="facebook:gone", created_at="2024-01-01T12:00:00Z"),
        dict(comment_id="facebook:c3", parent_id="facebook:c2", created_at="2024-01-01T13:00:00Z"),
        dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z", text="again"),
        dict(comment_id="facebook:c4", parent_id="facebook:c1", author_id="facebook:1",
             created_at="2024-01-01T12:00:00+02:00"),  # 10:00 UTC: same instant as the post, allowed
    ])
    s = import_paths("canonical", [src], tmp_path / "o", progress=False)
    assert s.reconciles()
    assert s.counts["comments"].read == 5 and s.counts["comments"].quarantined == 3
    r = sorted(reasons(tmp_path / "o"))
    assert r[0].startswith("duplicate id: facebook:c1")
    assert r[1].startswith("parent missing: facebook:gone") and r[2].startswith("parent quarantined: facebook:c2")
    t = read_canonical(tmp_path / "o")
    c4 = t.comments.set_index("comment_id").loc["facebook:c4"]
    assert bool(c4["is_owner"]) and c4["author_id"] == "facebook:1" and c4["depth"] == 1
    assert c4["created_at"] == pd.Timestamp("2024-01-01 10:00", tz="UTC")


def test_mixed_and_missing_time_zones(tmp_path):
    src = canonical(tmp_path / "src", [
        dict(comment_id="facebook:a", created_at="2024-01-01T13:00:00+01:00"),
        dict(comment_id="facebook:b", created_at="2024-01-01 14:00:00"),  # no zone
        dict(comment_id="facebook:c", created_at="2024-01-01T09:00:00-05:00"),
        dict(comment_id="facebook:d", created_at="not a date"),
        dict(comment_id="facebook:e", created_at="2024-01-01T09:00:00Z"),  # before the post
    ])
    s = import_paths("canonical", [src], tmp_path / "o", progress=False)
    t = read_canonical(tmp_path / "o").comments.set_index("comment_id")["created_at"]
    assert t["facebook:a"] == pd.Timestamp("2024-01-01 12:00", tz="UTC")
    assert t["facebook:c"] == pd.Timestamp("2024-01-01 14:00", tz="UTC")
    r = " | ".join(reasons(tmp_path / "o"))
    assert "has no time zone (pass --tz" in r and "unreadable timestamp not a date" in r
    assert "reply before its post" in r and s.counts["comments"].quarantined == 3
    s2 = import_paths("canonical", [src], tmp_path / "o2", progress=False, naive_tz="Europe/Paris")
    t2 = read_canonical(tmp_path / "o2").comments.set_index("comment_id")["created_at"]
    assert t2["facebook:b"] == pd.Timestamp("2024-01-01 13:00", tz="UTC") and s2.reconciles()


def test_truncated_json_and_jsonl(tmp_path, real_data):
    f = real_data / "youtube-data-api-phoenix" / "comment_threads_response.json"
    bad = tmp_path / "threads.json"
    bad.write_bytes(f.read_bytes()[:5000])
    s = import_paths("youtube", [bad], tmp_path / "o", progress=False)
    assert s.reconciles() and s.counts["unparsed"].quarantined == 1
    assert "not valid JSON" in reasons(tmp_path / "o")[0] and "truncated" in reasons(tmp_path / "o")[0]
    lines = (real_data / "twarc2-docnow" / "withheld.jsonl").read_bytes().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"\n".join(lines[:2] + [lines[2][:300]]))
    s = import_paths(None, [cut], tmp_path / "o2", progress=False)
    assert s.reconciles() and s.counts["unparsed"].read == 1
    assert any(r.startswith("malformed JSON line") for r in reasons(tmp_path / "o2"))


def test_latin1_csv_is_decoded_and_noted(tmp_path, real_data):
    text = (real_data / "twcs-customer-support-twitter" / "sample.csv").read_text(encoding="utf-8")
    text = text.replace("Your business means", "Votre entreprise compte (é à ç)")
    f = tmp_path / "twcs_latin1.csv"
    f.write_bytes(text.encode("latin-1", errors="replace"))
    s = import_paths("twcs", [f], tmp_path / "o", progress=False)
    assert s.reconciles() and any("Windows-1252" in n for n in s.notes)
    c = read_canonical(tmp_path / "o").comments.set_index("comment_id")
    assert "(é à ç)" in c.loc["twitter:twcs/119238", "text"]


def test_missing_fields_in_tweets(tmp_path):
    page = {"data": [{"id": "1", "author_id": "9", "text": "hi", "conversation_id": "1"},  # no created_at
                     {"id": "2", "text": "x", "created_at": "2023-01-01T00:00:00.000Z"},  # no author
                     {"id": "3", "author_id": "9", "text": "ok", "created_at": "2023-01-01T00:00:00.000Z"}],
            "includes": {"users": [{"id": "9", "username": "nine", "name": "Nine"}]}, "__twarc": {}}
    f = tmp_path / "t.jsonl"
    f.write_bytes(orjson.dumps(page) + b"\n")
    s = import_paths(None, [f], tmp_path / "o", progress=False)
    assert s.counts["posts"].read == 3 and s.counts["posts"].kept == 1
    assert sorted(reasons(tmp_path / "o")) == ["missing field: account_id", "missing field: created_at"]


def test_cli_import_prints_reconciled_counts(tmp_path, real_data, monkeypatch):
    from analysis.cli_import import import_

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    res = CliRunner().invoke(import_, [str(real_data / "twcs-customer-support-twitter" / "sample.csv")])
    assert res.exit_code == 0, res.output
    assert "in = kept + quarantined" in res.output and (tmp_path / "processed" / "sample" / "posts.parquet").exists()
    res = CliRunner().invoke(import_, ["nosuchformat", str(tmp_path)])
    assert res.exit_code != 0
    res = CliRunner().invoke(import_, ["--help"])
    assert "twarc2" in res.output and "Examples" in res.output


# ----------------------------------------------------------------------------- property-based
SAMPLES = {
    "twarc2": "twarc2-docnow/withheld.jsonl",
    "reddit": "reddit-praw-cassettes/extracted/comments_ablzuq.json",
    "youtube": "youtube-data-api-phoenix/comment_threads_response.json",
    "bluesky": "bluesky-atproto-sdk-marshalx/thread_view_post_with_embed_media.json",
    "facebook-graph": "facebook-graph-pyfacebook/facebook/apidata/posts/multi_posts_data.json",
    "crowdtangle": "crowdtangle-api-phoenix/crowdtangle_posts_response.json",
    "fb-scraper": "facebook-page-scraper-nytimes/nytimes_facebook_comments.csv",
    "twcs": "twcs-customer-support-twitter/sample.csv",
    "uci-metrics": "uci-facebook-metrics/dataset_Facebook.csv",
    # hand-written fixtures (absolute paths: REAL / absolute = absolute)
    "4cat": Path(__file__).parent / "fixtures" / "fourcat" / "reddit-dataset.csv",
    "4cat-ndjson": Path(__file__).parent / "fixtures" / "fourcat" / "bsky-dataset.ndjson",
    "mapping": Path(__file__).parent / "fixtures" / "mapping" / "pages_posts.csv",
}
OPTIONS = {"mapping": {"column_mapping": Path(__file__).parents[1] / "docs" / "mappings" / "pages-scraper.yaml"}}
JUNK = st.sampled_from([None, "", "garbage", -1, 1.5, "2024-13-45T99:00:00Z", [], {}, "t1_nothere", 0])


def _positions(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield path + (k,)
            yield from _positions(v, path + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:30]):
            yield path + (i,)
            yield from _positions(v, path + (i,))


def _damage_json(obj, ops):
    pos = list(_positions(obj))
    for kind, i, junk in ops:
        if not pos:
            break
        path = pos[i % len(pos)]
        parent = obj
        try:
            for k in path[:-1]:
                parent = parent[k]
            last = path[-1]
            if kind == "delete" and isinstance(parent, dict):
                parent.pop(last, None)
            elif kind == "duplicate" and isinstance(parent, list):
                parent.append(json.loads(json.dumps(parent[last])))
            else:
                parent[last] = junk
        except (KeyError, IndexError, TypeError):
            continue
    return obj


def _damage_csv(text: str, ops):
    lines = text.splitlines()
    for kind, i, junk in ops:
        j = 1 + i % max(1, len(lines) - 1)
        if j >= len(lines):
            continue
        if kind == "delete":
            lines.pop(j)
        elif kind == "duplicate":
            lines.append(lines[j])
        else:
            cells = lines[j].split(",")
            cells[i % len(cells)] = str(junk)
            lines[j] = ",".join(cells)
    return "\n".join(lines[:60]) + "\n"


OPS = st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "replace", "replace"]),
                         st.integers(0, 10_000), JUNK), max_size=8)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_damaged_records_always_reconcile(fmt, ops, tmp_path_factory):
    if not REAL.is_dir():
        pytest.skip("real samples not found")
    src = REAL / SAMPLES[fmt]
    work = tmp_path_factory.mktemp(fmt)
    f = work / src.name
    if src.suffix == ".csv":
        f.write_text(_damage_csv(src.read_text(encoding="utf-8", errors="replace"), ops), encoding="utf-8")
    elif src.suffix in (".jsonl", ".ndjson"):
        lines = [_damage_json(orjson.loads(x), ops) for x in src.read_bytes().splitlines()[:2]]
        f.write_bytes(b"\n".join(orjson.dumps(x) for x in lines) + b"\n")
    else:
        f.write_bytes(orjson.dumps(_damage_json(orjson.loads(src.read_bytes()), ops)))
    out = work / "out"
    s = import_paths(fmt, [f], out, progress=False, **OPTIONS.get(fmt, {}))
    assert s.reconciles(), str(s)
    assert sum(c.quarantined for c in s.counts.values()) == len(read_quarantine(out))
    t = read_canonical(out)  # what was kept satisfies every invariant
    assert len(t.comments) == sum(c.kept for k, c in s.counts.items() if k == "comments")
    shutil.rmtree(work)
