"""Pushshift-style NDJSON, on a fixture built at test time from the real Reddit sample's thread.

The real sample (reddit-praw-cassettes) is a `.json` thread listing plus a morechildren body;
Pushshift dumps hold the same
objects one per line, without the nesting. The fixture flattens the listing (dropping `replies` and
`more` stubs) and shuffles the lines, so the importer cannot rely on order; the result must equal
the listing's import, and the owner replies must be exactly the comments Reddit marks
`is_submitter` (or by the submission's author).
"""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pandas as pd
import pytest

from analysis import config
from analysis.importers import detect_format, import_paths
from analysis.ledger import read_quarantine
from analysis.schema import read_canonical


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def _flatten(listing) -> list[dict]:
    """Submission and comment objects of a thread listing or a morechildren body, without
    nesting."""
    out = []

    def walk(thing):
        if not isinstance(thing, dict) or thing.get("kind") not in ("t1", "t3"):
            return
        d = dict(thing["data"])
        replies = d.pop("replies", None)
        out.append(d)
        if isinstance(replies, dict):
            for child in replies["data"]["children"]:
                walk(child)

    parts = (
        listing
        if isinstance(listing, list)
        else [{"data": {"children": listing["json"]["data"]["things"]}}]
    )
    for part in parts:
        for child in part["data"]["children"]:
            walk(child)
    return out


SOURCES = ("comments_ablzuq.json", "morechildren_ablzuq_01.json")


@pytest.fixture
def thread(real_data, tmp_path) -> tuple[Path, list[dict]]:
    ex = real_data / "reddit-praw-cassettes" / "extracted"
    objs = [o for name in SOURCES for o in _flatten(orjson.loads((ex / name).read_bytes()))]
    random.Random(7).shuffle(objs)
    f = tmp_path / "RC_ablzuq.ndjson"
    f.write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in objs))
    return f, objs


def test_pushshift_lines_equal_the_listing(thread, real_data, tmp_path):
    f, objs = thread
    assert detect_format(f) == "pushshift"
    s = import_paths(None, [f], tmp_path / "ps", progress=False)
    assert s.reconciles() and sum(c.quarantined for c in s.counts.values()) == len(
        read_quarantine(tmp_path / "ps")
    )
    subs = [o for o in objs if "title" in o]
    coms = [o for o in objs if "body" in o]
    assert (
        s.counts["posts"].read == len(subs) == 1 and s.counts["comments"].read == len(coms) == 101
    )
    ps = read_canonical(tmp_path / "ps")
    ex = real_data / "reddit-praw-cassettes" / "extracted"
    import_paths("reddit", [ex / name for name in SOURCES], tmp_path / "ls", progress=False)
    ls = read_canonical(tmp_path / "ls")
    cols = [
        "comment_id",
        "post_id",
        "parent_id",
        "author_id",
        "is_owner",
        "depth",
        "created_at",
        "text",
    ]
    # values compared, not storage: read_canonical dictionary-encodes repeated columns, whose
    # categories follow each file's row order
    a = (
        ps.comments[cols]
        .astype({"post_id": "string", "text": "string"})
        .sort_values("comment_id")
        .reset_index(drop=True)
    )
    b = (
        ls.comments[cols]
        .astype({"post_id": "string", "text": "string"})
        .sort_values("comment_id")
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(a, b)
    # owners: independently from the raw objects
    op = subs[0]["author"]
    expected = {
        "reddit:" + o["name"] for o in coms if o.get("is_submitter") or o.get("author") == op
    }
    assert set(ps.comments.loc[ps.comments["is_owner"].astype(bool), "comment_id"]) == expected
    assert len(expected) == 10  # SOURCE.md: is_submitter on 10 comments
    # depth: Reddit's own field
    own = {"reddit:" + o["name"]: o["depth"] for o in coms if "depth" in o}
    got = ps.comments.set_index("comment_id")["depth"]
    assert len(own) > 50 and {k: int(got[k]) for k in own} == own and max(own.values()) >= 3


def test_pushshift_damaged_lines_are_quarantined(thread, tmp_path):
    f, objs = thread
    lines = f.read_bytes().splitlines()
    coms = [i for i, o in enumerate(objs) if "body" in o]
    lines[coms[0]] = lines[coms[0]][:50]  # truncated line
    lines.append(lines[coms[1]])  # duplicate comment
    lines.append(
        b'{"subreddit": "x", "created_utc": 1, "score": 3}'
    )  # neither submission nor comment
    bad = tmp_path / "bad.ndjson"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    s = import_paths("pushshift", [bad], tmp_path / "o", progress=False)
    assert s.reconciles()
    r = [q["reason"] for q in read_quarantine(tmp_path / "o")]
    assert any(x.startswith("malformed JSON line") for x in r)
    assert any(x.startswith("duplicate id") for x in r)
    assert any(x.startswith("neither a submission") for x in r)
