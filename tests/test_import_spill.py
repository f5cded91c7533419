"""Large imports: rows spill to disk by chunk; results must not depend on the chunk size."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pytest
from test_import_bad import canonical  # tests/ is on sys.path (pytest prepend mode)

from analysis import config
from analysis.importers import core, import_paths
from analysis.ledger import read_quarantine
from analysis.schema import read_canonical


@pytest.fixture(autouse=True)
def _key(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(
        config, "PSEUDONYM_KEY_FILE", tmp_path_factory.getbasetemp() / "key" / "pseudonym.key"
    )


def _import(monkeypatch, chunk, fmt, paths, out):
    monkeypatch.setattr(core, "_CHUNK", chunk)
    s = import_paths(fmt, paths, out, progress=False)
    assert s.reconciles() and not list(out.glob(".import-spill-*"))  # the spill is removed
    return s


def _same(a, b):
    ta, tb = read_canonical(a), read_canonical(b)
    for name, df in ta.items():
        pd.testing.assert_frame_equal(df, getattr(tb, name))
    qa = sorted((q["table"], q["locator"], q["reason"]) for q in read_quarantine(a))
    assert qa == sorted((q["table"], q["locator"], q["reason"]) for q in read_quarantine(b))
    return ta, qa


def test_chunk_size_does_not_change_the_result_on_real_tweets(tmp_path, monkeypatch, real_data):
    files = sorted((real_data / "twarc2-docnow").glob("*.jsonl"))
    big = _import(monkeypatch, 1_000_000, "twarc2", files, tmp_path / "one")
    small = _import(monkeypatch, 7, "twarc2", files, tmp_path / "many")  # hundreds of chunks
    assert {k: vars(v) for k, v in big.counts.items()} == {
        k: vars(v) for k, v in small.counts.items()
    }
    tables, quarantined = _same(tmp_path / "one", tmp_path / "many")
    assert len(tables.posts) == big.counts["posts"].added > 0
    assert len(quarantined) == sum(c.quarantined for c in big.counts.values())
    again = _import(
        monkeypatch, 7, "twarc2", files, tmp_path / "many"
    )  # same files: nothing added
    assert again.files == [] and read_canonical(tmp_path / "many").counts() == tables.counts()


def test_cross_chunk_duplicates_orphans_and_early_replies(tmp_path, monkeypatch):
    rows = [
        dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z"),
        dict(
            comment_id="facebook:c2", parent_id="facebook:gone", created_at="2024-01-01T12:00:00Z"
        ),
        dict(comment_id="facebook:c3", parent_id="facebook:c2", created_at="2024-01-01T13:00:00Z"),
        dict(comment_id="facebook:c5", parent_id="facebook:c1", created_at="2024-01-01T09:00:00Z"),
        dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z", text="again"),
        dict(
            comment_id="facebook:c4",
            parent_id="facebook:c1",
            author_id="facebook:1",
            created_at="2024-01-01T12:00:00Z",
        ),
    ]
    src = canonical(tmp_path / "src", rows)
    s = _import(monkeypatch, 2, "canonical", [src], tmp_path / "o")  # each check spans chunks
    _import(monkeypatch, 1_000, "canonical", [src], tmp_path / "ref")
    _same(tmp_path / "o", tmp_path / "ref")
    why = {
        q["record"]["comment_id"] if q.get("record") else None: q["reason"]
        for q in read_quarantine(tmp_path / "o")
    }
    assert why["facebook:c2"].startswith("parent missing") and why["facebook:c3"].startswith(
        "parent quarantined"
    )
    assert why["facebook:c5"].startswith("reply before its post") and why[
        "facebook:c1"
    ].startswith("duplicate id")
    assert s.counts["comments"].read == 6 and s.counts["comments"].quarantined == 4
    kept = read_canonical(tmp_path / "o").comments.set_index("comment_id")
    assert sorted(kept.index) == ["facebook:c1", "facebook:c4"]
    assert kept.loc["facebook:c4", "depth"] == 1 and bool(kept.loc["facebook:c4", "is_owner"])


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_in_a_terminal_and_when_wanted(monkeypatch):
    size = core.PROGRESS_MIN_BYTES
    assert core.progress_bar(size, "f", True).disable  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys, "stderr", _Terminal())
    bar = core.progress_bar(size, "f", True)
    assert not bar.disable
    bar.update(size // 2)
    bar.refresh()
    bar.close()
    assert "f:" in sys.stderr.getvalue() and "50%" in sys.stderr.getvalue()
    assert core.progress_bar(size, "f", False).disable  # progress=False
    assert core.progress_bar(size - 1, "f", True).disable  # small files: no bar


def test_spill_left_by_a_killed_import_is_removed_by_the_next_one(tmp_path, monkeypatch):
    import os
    import subprocess

    from analysis.importers.spill import OWNER_FILE, remove_stale_spills

    out = tmp_path / "o"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    killed = out / ".import-spill-killed"
    killed.mkdir()
    (killed / OWNER_FILE).write_text(dead.stdout.strip())
    (killed / "posts.parquet").write_bytes(b"PAR1 half written")
    unnamed = out / ".import-spill-unnamed"  # killed before it could name its process
    unnamed.mkdir()
    os.utime(unnamed, (0, 0))
    live = out / ".import-spill-live"  # another import still running: left alone
    live.mkdir()
    (live / OWNER_FILE).write_text(str(os.getppid()))
    d = canonical(
        tmp_path / "raw", [dict(comment_id="facebook:c1", created_at="2024-01-01T11:00:00Z")]
    )
    s = import_paths("canonical", [d], out, progress=False)
    assert s.reconciles()
    assert not killed.exists() and not unnamed.exists() and live.exists()
    assert remove_stale_spills(out) == []
