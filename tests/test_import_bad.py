"""Bad input gives a clear error or a quarantined record, never a crash or a silent drop."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from pathlib import Path

import orjson
import pandas as pd
import pytest
import yaml
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
    monkeypatch.setattr(
        config, "PSEUDONYM_KEY_FILE", tmp_path_factory.getbasetemp() / "key" / "pseudonym.key"
    )


def reasons(out):
    return [q["reason"] for q in read_quarantine(out)]


def canonical(d: Path, comments: list[dict]):
    d.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        [
            dict(
                account_id="facebook:1",
                platform="facebook",
                handle="acme",
                display_name=None,
                account_type="business",
                account_type_source="test",
                followers=5,
                category=None,
                collected_at="2024-07-01T00:00:00Z",
            )
        ]
    ).to_csv(d / "accounts.csv", index=False)
    pd.DataFrame(
        [
            dict(
                post_id="facebook:p1",
                account_id="facebook:1",
                platform="facebook",
                created_at="2024-01-01T10:00:00Z",
                text="t",
                lang="en",
                media_type="text",
                url=None,
                reported_comments=2,
                likes=0,
                shares=0,
                collected_at="2024-07-01T00:00:00Z",
            )
        ]
    ).to_csv(d / "posts.csv", index=False)
    base = dict(
        post_id="facebook:p1",
        parent_id=None,
        author_id="facebook:u1",
        is_owner=None,
        text="c",
        lang="en",
        depth=None,
    )
    pd.DataFrame([{**base, **c} for c in comments]).to_csv(d / "comments.csv", index=False)
    return d


def test_missing_parent_cascades_and_duplicates_are_quarantined(tmp_path):
    src = canonical(
        tmp_path / "src",
        [
            dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z"),
            dict(
                comment_id="facebook:c2",
                parent_id="facebook:gone",
                created_at="2024-01-01T12:00:00Z",
            ),
            dict(
                comment_id="facebook:c3",
                parent_id="facebook:c2",
                created_at="2024-01-01T13:00:00Z",
            ),
            dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z", text="again"),
            dict(
                comment_id="facebook:c4",
                parent_id="facebook:c1",
                author_id="facebook:1",
                created_at="2024-01-01T12:00:00+02:00",
            ),  # 10:00 UTC: same instant as the post, allowed
        ],
    )
    s = import_paths("canonical", [src], tmp_path / "o", progress=False)
    assert s.reconciles()
    assert s.counts["comments"].read == 5 and s.counts["comments"].quarantined == 3
    r = sorted(reasons(tmp_path / "o"))
    assert r[0].startswith("duplicate id: facebook:c1")
    assert r[1].startswith("parent missing: facebook:gone") and r[2].startswith(
        "parent quarantined: facebook:c2"
    )
    t = read_canonical(tmp_path / "o")
    c4 = t.comments.set_index("comment_id").loc["facebook:c4"]
    assert bool(c4["is_owner"]) and c4["author_id"] == "facebook:1" and c4["depth"] == 1
    assert c4["created_at"] == pd.Timestamp("2024-01-01 10:00", tz="UTC")


def test_mixed_and_missing_time_zones(tmp_path):
    src = canonical(
        tmp_path / "src",
        [
            dict(comment_id="facebook:a", created_at="2024-01-01T13:00:00+01:00"),
            dict(comment_id="facebook:b", created_at="2024-01-01 14:00:00"),  # no zone
            dict(comment_id="facebook:c", created_at="2024-01-01T09:00:00-05:00"),
            dict(comment_id="facebook:d", created_at="not a date"),
            dict(comment_id="facebook:e", created_at="2024-01-01T09:00:00Z"),  # before the post
        ],
    )
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
    # a YouTube commentThreads response: Phoenix's (AGPL, ../shared only) or python-youtube's
    # (bundled)
    full = real_data.full("youtube-data-api-phoenix")
    f = (
        full / "comment_threads_response.json"
        if full
        else real_data
        / "youtube-data-api-pythonyoutube"
        / "comment_threads"
        / "comment_threads_by_video_paged_1.json"
    )
    assert len(f.read_bytes()) > 5000
    bad = tmp_path / "threads.json"
    bad.write_bytes(f.read_bytes()[:5000])
    s = import_paths("youtube", [bad], tmp_path / "o", progress=False)
    assert s.reconciles() and s.counts["unparsed"].quarantined == 1
    assert (
        "not valid JSON" in reasons(tmp_path / "o")[0]
        and "truncated" in reasons(tmp_path / "o")[0]
    )
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
    page = {
        "data": [
            {"id": "1", "author_id": "9", "text": "hi", "conversation_id": "1"},  # no created_at
            {"id": "2", "text": "x", "created_at": "2023-01-01T00:00:00.000Z"},  # no author
            {"id": "3", "author_id": "9", "text": "ok", "created_at": "2023-01-01T00:00:00.000Z"},
        ],
        "includes": {"users": [{"id": "9", "username": "nine", "name": "Nine"}]},
        "__twarc": {},
    }
    f = tmp_path / "t.jsonl"
    f.write_bytes(orjson.dumps(page) + b"\n")
    s = import_paths(None, [f], tmp_path / "o", progress=False)
    assert s.counts["posts"].read == 3 and s.counts["posts"].kept == 1
    assert sorted(reasons(tmp_path / "o")) == [
        "missing field: account_id",
        "missing field: created_at",
    ]


def test_unrecognised_files_in_a_folder_are_named_not_passed_over(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    page = {
        "data": [
            {
                "id": "3",
                "author_id": "9",
                "text": "ok",
                "created_at": "2023-01-01T00:00:00.000Z",
                "conversation_id": "3",
            }
        ],
        "includes": {"users": [{"id": "9", "username": "nine", "name": "Nine"}]},
        "__twarc": {},
    }
    (folder / "tweets.jsonl").write_bytes(orjson.dumps(page) + b"\n")
    (folder / "notes.txt").write_text("field notes, not data\n")
    s = import_paths(None, [folder], tmp_path / "o", progress=False)
    assert s.counts["posts"].kept == 1
    assert any("notes.txt" in x and "not recognised" in x for x in s.skipped), s.skipped
    assert "notes.txt" in str(s)
    log = [
        orjson.loads(line)
        for line in (tmp_path / "o" / "import_log.jsonl").read_bytes().splitlines()
    ]
    assert any("notes.txt" in x for x in log[-1]["skipped"])


def test_cli_import_prints_reconciled_counts(tmp_path, real_data, monkeypatch):
    from analysis.cli_import import import_

    monkeypatch.setattr(config, "PROCESSED_DIR", tmp_path / "processed")
    res = CliRunner().invoke(
        import_, [str(real_data / "twcs-customer-support-twitter" / "sample.csv")]
    )
    assert res.exit_code == 0, res.output
    assert (
        "in = kept + quarantined" in res.output
        and (tmp_path / "processed" / "sample" / "posts.parquet").exists()
    )
    res = CliRunner().invoke(import_, ["nosuchformat", str(tmp_path)])
    assert res.exit_code != 0
    res = CliRunner().invoke(import_, ["--help"])
    assert "twarc2" in res.output and "Examples" in res.output


# ----------------------------------------------------------------------------- property-based
FIX = Path(__file__).parent / "fixtures"
SAMPLES = {
    "twarc2": "twarc2-docnow/withheld.jsonl",
    "reddit": "reddit-praw-cassettes/extracted/comments_ablzuq.json",
    # flattened to NDJSON below
    "pushshift": "reddit-praw-cassettes/extracted/comments_ablzuq.json",
    "youtube": "youtube-data-api-phoenix/comment_threads_response.json",
    "bluesky": "bluesky-atproto-sdk-marshalx/thread_view_post_with_embed_media.json",
    # the recorded /context body
    "mastodon": "mastodon-mastodonpy-cassettes/test_entity_context.yaml",
    "cassette": "mastodon-mastodonpy-cassettes/test_status_reply.yaml",
    "facebook-graph": "facebook-graph-pyfacebook/facebook/apidata/posts/multi_posts_data.json",
    "crowdtangle": "crowdtangle-api-phoenix/crowdtangle_posts_response.json",
    "fb-scraper": "facebook-page-scraper-nytimes/nytimes_facebook_comments.csv",
    "twcs": "twcs-customer-support-twitter/sample.csv",
    "uci-metrics": "uci-facebook-metrics/dataset_Facebook.csv",
    "facepager": "facepager-export-datavana/example.csv",
    # hand-written fixtures (absolute paths: REAL / absolute = absolute)
    "crowdtangle-csv": FIX / "crowdtangle" / "crowdtangle-export.csv",
    "4cat": FIX / "fourcat" / "reddit-dataset.csv",
    "4cat-ndjson": FIX / "fourcat" / "bsky-dataset.ndjson",
    "mapping": FIX / "mapping" / "pages_posts.csv",
}
OPTIONS = {
    "mapping": {
        "column_mapping": Path(__file__).parents[1] / "docs" / "mappings" / "pages-scraper.yaml"
    }
}
JUNK = st.sampled_from(
    [None, "", "garbage", -1, 1.5, "2024-13-45T99:00:00Z", [], {}, "t1_nothere", 0]
)


def _reddit_lines(listing) -> list[dict]:
    """Pushshift-style objects (one submission or comment each, no nesting) of a thread listing."""
    out = []

    def walk(thing):
        if isinstance(thing, dict) and thing.get("kind") in ("t1", "t3"):
            d = dict(thing["data"])
            replies = d.pop("replies", None)
            out.append(d)
            for child in (
                (replies or {}).get("data", {}).get("children", [])
                if isinstance(replies, dict)
                else []
            ):
                walk(child)

    for part in listing:
        for child in part["data"]["children"]:
            walk(child)
    return out[:12]


def _source(fmt: str) -> tuple[str, object]:
    """(file name, parsed content) of the sample a format's damaged copies start from."""
    from conftest import (
        RealData,
    )  # bundled excerpt first, then ../shared; skips naming what is missing

    src = SAMPLES[fmt] if Path(SAMPLES[fmt]).is_absolute() else RealData().path(str(SAMPLES[fmt]))
    if fmt == "pushshift":
        return "thread.ndjson", _reddit_lines(orjson.loads(src.read_bytes()))
    if fmt == "mastodon":
        body = yaml.safe_load(src.read_text())["interactions"][0]["response"]["body"]["string"]
        return "context.json", orjson.loads(body)
    if fmt == "cassette":
        return src.name, yaml.safe_load(src.read_text())
    if src.suffix == ".csv":
        return src.name, src.read_text(encoding="utf-8", errors="replace")
    if src.suffix in (".jsonl", ".ndjson"):
        return src.name, [orjson.loads(x) for x in src.read_bytes().splitlines()[:2]]
    return src.name, orjson.loads(src.read_bytes())


# Independent counts: how many records the (damaged) input holds, by a plain parser that knows only
# where each format keeps its records -- never by what the reader reports. A reader that skips an
# item silently makes `in` smaller than this count.
def _n_csv(text: str, drop=lambda row: False) -> int:
    lines = text.split("\n", 1)
    delim = max([",", ";", "\t"], key=lines[0].count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = rows[0]
    return sum(1 for r in rows[1:] if r and not drop(dict(zip(header, r, strict=False))))


def _n_reddit(obj) -> int:
    def things(listing):
        children = dig_list(listing, "data", "children")
        return sum(thing(c) for c in children)

    def thing(c):
        if isinstance(c, dict) and c.get("kind") == "more":
            return 0  # a placeholder, not a record (docs/importers.md)
        replies = (
            c.get("data", {}).get("replies")
            if isinstance(c, dict) and isinstance(c.get("data"), dict)
            else None
        )
        return 1 + (things(replies) if isinstance(replies, dict) else 0)

    def part(listing):  # a top-level listing that is not even an object is one broken item
        return things(listing) if isinstance(listing, (dict, list)) or not listing else 1

    return sum(part(p) for p in obj) if isinstance(obj, list) else part(obj)


def dig_list(obj, *keys) -> list:
    """The list at ``obj[k1][k2]...``; a present, non-empty value that is not a list is one broken
    item
    (the reader quarantines it whole); a missing or empty one holds nothing."""
    for k in keys:
        obj = obj.get(k) if isinstance(obj, dict) else None
    return obj if isinstance(obj, list) else ([None] if obj else [])


def _n_youtube(
    obj,
) -> int:  # comment records only: posts of this sample are derived from its threads
    n = 0
    for item in dig_list(obj, "items"):
        n += 1 + len(dig_list(item.get("replies") if isinstance(item, dict) else None, "comments"))
    return n


def _n_bluesky(obj) -> int:
    def node(x, up=False):
        if not isinstance(x, dict):
            return 1
        n = 1 + (node(x["parent"], True) if isinstance(x.get("parent"), dict) else 0)
        return n + (0 if up else sum(node(c) for c in dig_list(x, "replies")))

    return node(obj.get("thread")) if isinstance(obj, dict) else 1


def _n_graph(obj) -> int:
    def comments(container):
        return sum(
            1 + (comments(c.get("comments")) if isinstance(c, dict) else 0)
            for c in dig_list(container, "data")
        )

    items = obj.get("data") if isinstance(obj.get("data"), list) else list(obj.values())
    return sum(1 + (comments(x.get("comments")) if isinstance(x, dict) else 0) for x in items)


def _n_mastodon(obj) -> int:
    if isinstance(obj, dict) and "ancestors" in obj:
        return len(dig_list(obj, "ancestors")) + len(dig_list(obj, "descendants"))
    return len(obj) if isinstance(obj, list) else 1


def _n_cassette(doc) -> int:
    n = 0
    for it in dig_list(doc, "interactions"):
        if not isinstance(it, dict) or not isinstance(it.get("response"), dict):
            n += 1  # a broken interaction: quarantined as one
            continue
        req, resp = it["request"] if isinstance(it.get("request"), dict) else {}, it["response"]
        body = resp.get("body")
        text = body.get("string") if isinstance(body, dict) else body
        status = (
            resp["status"].get("code")
            if isinstance(resp.get("status"), dict)
            else resp.get("status")
        )
        if (
            not text
            or (isinstance(status, int) and status >= 400)
            or str(req.get("method")).upper() == "DELETE"
        ):
            continue  # errors, deletes, empty bodies: not data
        if not isinstance(text, (str, bytes)):
            n += 1
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            continue  # not JSON: a form or a page, no record
        n += (
            0
            if isinstance(obj, dict) and "acct" in obj and "content" not in obj
            else _n_mastodon(obj)
        )  # account
    return n


COUNTERS = {  # format -> (count of records in the input, tables whose `in` it equals)
    "twarc2": (
        lambda lines: sum(
            len(x["data"]) if isinstance(x, dict) and isinstance(x.get("data"), list) else 1
            for x in lines
        ),
        ("posts", "comments"),
    ),
    "reddit": (_n_reddit, ("posts", "comments")),
    "pushshift": (len, ("posts", "comments")),
    "youtube": (_n_youtube, ("comments",)),
    "bluesky": (_n_bluesky, ("posts", "comments")),
    "mastodon": (_n_mastodon, ("posts", "comments")),
    "cassette": (_n_cassette, ("posts", "comments")),
    "facebook-graph": (_n_graph, ("posts", "comments")),
    "crowdtangle": (lambda o: len(dig_list(o, "result", "posts")), ("posts",)),
    "fb-scraper": (_n_csv, ("comments",)),
    "twcs": (
        _n_csv,
        ("posts", "comments"),
    ),  # minus the conversation posts it derives (see the test)
    "uci-metrics": (_n_csv, ("posts",)),
    "facepager": (
        lambda t: _n_csv(t, lambda r: r.get("object_type") in ("seed", "offcut")),
        ("posts", "comments"),
    ),
    "crowdtangle-csv": (_n_csv, ("posts",)),
    "4cat": (_n_csv, ("posts", "comments")),
    "4cat-ndjson": (len, ("posts", "comments")),
    "mapping": (_n_csv, ("posts",)),
}


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
            if isinstance(parent, dict) != isinstance(last, str):
                # an earlier op changed the shape here; JSON objects only have string keys
                continue
            if kind == "delete" and isinstance(parent, dict):
                parent.pop(last, None)
            elif kind == "duplicate" and isinstance(parent, list):
                parent.append(json.loads(json.dumps(parent[last])))
            else:
                parent[last] = copy.deepcopy(
                    junk
                )  # a copy: the same junk inserted twice must not make a cycle
        except (KeyError, IndexError, TypeError):
            continue
    return obj


def _damage_csv(text: str, ops):
    lines = text.splitlines()
    delim = max([",", ";"], key=lines[0].count)
    for kind, i, junk in ops:
        j = 1 + i % max(1, len(lines) - 1)
        if j >= len(lines):
            continue
        if kind == "delete":
            lines.pop(j)
        elif kind == "duplicate":
            lines.append(lines[j])
        else:
            cells = lines[j].split(delim)
            cells[i % len(cells)] = str(junk)
            lines[j] = delim.join(cells)
    return "\n".join(lines[:60]) + "\n"


OPS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "replace", "replace"]),
        st.integers(0, 10_000),
        JUNK,
    ),
    max_size=8,
)


def test_every_importer_is_damage_tested():
    from analysis.importers import FORMATS

    refused = {
        "uci-comment-volume",
        "facepager-db",
    }  # recognised only to say why they are not importable
    assert set(FORMATS) - set(SAMPLES) - refused == {
        "canonical"
    }  # canonical: tested in test_import_bad above
    assert set(COUNTERS) == set(SAMPLES)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@settings(
    max_examples=settings().max_examples // 8 or 12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_damaged_records_always_reconcile(fmt, ops, tmp_path_factory):
    name, content = _source(fmt)
    work = tmp_path_factory.mktemp(fmt)
    f = work / name
    if isinstance(content, str):
        damaged = _damage_csv(content, ops)
        f.write_text(damaged, encoding="utf-8")
    elif f.suffix in (".jsonl", ".ndjson"):
        damaged = [_damage_json(x, ops) for x in content]
        f.write_bytes(b"\n".join(orjson.dumps(x) for x in damaged) + b"\n")
    elif f.suffix == ".yaml":
        damaged = _damage_json(content, ops)
        f.write_text(yaml.safe_dump(damaged), encoding="utf-8")
    else:
        damaged = _damage_json(content, ops)
        f.write_bytes(orjson.dumps(damaged))
    out = work / "out"
    s = import_paths(fmt, [f], out, progress=False, **OPTIONS.get(fmt, {}))
    assert s.reconciles(), str(s)
    assert sum(c.quarantined for c in s.counts.values()) == len(read_quarantine(out))
    t = read_canonical(out)  # what was kept satisfies every invariant
    assert len(t.comments) == sum(c.kept for k, c in s.counts.items() if k == "comments")
    # in == an independent count of the input's records == kept + quarantined
    count, tables = COUNTERS[fmt]
    expected = count(damaged)
    if fmt == "twcs":  # a customer-started conversation is one derived post beside its first tweet
        derived = int((t.posts["media_type"] == "conversation").sum()) + sum(
            1
            for q in read_quarantine(out)
            if q["table"] == "posts" and q["locator"].endswith("(conversation)")
        )
        expected += derived
    if any(q["locator"] == "whole file" for q in read_quarantine(out)):
        # damage to the document itself (e.g. its `kind`): the file is quarantined whole, as one
        expected = 1
    read = sum(s.counts[k].read for k in tables) + (
        s.counts["unparsed"].read if "unparsed" in s.counts else 0
    )
    assert read == expected, (
        f"{fmt}: the reader reports {read} records in, the input holds {expected}\n{s}"
    )
    shutil.rmtree(work)
