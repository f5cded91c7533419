"""analysis._io: atomic writes (one file-mode policy), folder swaps, file hashing, root-relative
paths."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from analysis import _io


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_write_bytes_and_text(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    assert _io.atomic_write(target, b"one") == target
    assert target.read_bytes() == b"one"
    _io.atomic_write(target, "deux é")
    assert target.read_text(encoding="utf-8") == "deux é"
    _io.atomic_write(target, "x", fsync=True)
    assert target.read_text() == "x"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file_intact(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old page")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), _io.atomic_path(target) as tmp:
        tmp.write_text("half a new pa")
        raise Boom  # the writer dies midway

    assert target.read_text() == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]

    with pytest.raises(TypeError):  # the write itself fails (not bytes)
        _io.atomic_write(target, object())
    assert target.read_text() == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_new_files_get_the_mode_open_gives(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        assert _io.default_file_mode() == mode
        _io.atomic_write(tmp_path / "a", b"x")
        with _io.atomic_path(tmp_path / "b") as tmp:
            tmp.write_bytes(b"y")
        with open(tmp_path / "reference", "w") as fh:
            fh.write("z")
        assert _mode(tmp_path / "a") == _mode(tmp_path / "b") == mode
        assert _mode(tmp_path / "reference") == mode
        with _io.atomic_dir(tmp_path / "folder") as tmp:
            (tmp / "f").write_text("in")
        assert _mode(tmp_path / "folder") == 0o777 & ~umask
    finally:
        os.umask(old)


def test_file_sha256_equals_hashlib_on_a_multi_chunk_file(tmp_path):
    path = tmp_path / "big.bin"
    data = os.urandom(3 * _io.CHUNK + 12345)
    path.write_bytes(data)
    assert _io.file_sha256(path) == hashlib.sha256(data).hexdigest()
    assert _io.file_sha256(path, chunk=4096) == hashlib.sha256(data).hexdigest()
    (tmp_path / "empty").write_bytes(b"")
    assert _io.file_sha256(tmp_path / "empty") == hashlib.sha256(b"").hexdigest()


def test_the_former_implementations_agree(tmp_path):
    from analysis.ledger import sha256_file
    from analysis.runner import hashing

    path = tmp_path / "f"
    path.write_bytes(b"abc" * 1000)
    assert sha256_file(path) == hashing.file_sha256(path) == _io.file_sha256(path)
    assert hashing.atomic_write is _io.atomic_write


def test_atomic_dir_keeps_the_first_entry_unless_replace(tmp_path):
    target = tmp_path / "cache" / "entry"
    with _io.atomic_dir(target) as tmp:
        (tmp / "a").write_text("first")
    assert (target / "a").read_text() == "first"
    with pytest.raises(OSError), _io.atomic_dir(target) as tmp:  # a second writer loses
        (tmp / "a").write_text("second")
    assert (target / "a").read_text() == "first"
    with _io.atomic_dir(target, replace=True) as tmp:
        (tmp / "b").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["b"]
    with pytest.raises(RuntimeError), _io.atomic_dir(target, replace=True) as tmp:
        (tmp / "c").write_text("half")
        raise RuntimeError
    assert sorted(p.name for p in target.iterdir()) == ["b"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["entry"]  # no temporary folder


def test_replace_dir_swaps_through_the_trash(tmp_path):
    target, new, trash = tmp_path / "report", tmp_path / "staging", tmp_path / ".trash"
    target.mkdir()
    (target / "old.html").write_text("old")
    new.mkdir()
    (new / "new.html").write_text("new")
    assert _io.replace_dir(new, target, trash=trash) == target
    assert sorted(p.name for p in target.iterdir()) == ["new.html"]
    assert not new.exists() and list(trash.iterdir()) == []
    other = tmp_path / "other"
    other.mkdir()
    _io.replace_dir(other, tmp_path / "fresh")  # nothing to replace
    assert (tmp_path / "fresh").is_dir()


def test_root_relative_paths(tmp_path, monkeypatch):
    from analysis import config

    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    assert _io.from_root("data/x") == tmp_path / "data" / "x"
    assert _io.from_root("/abs/x") == _io.from_root("/abs/x", root="/elsewhere")
    assert str(_io.from_root("/abs/x")) == "/abs/x"
    assert _io.from_root("~/x") == _io.from_root(os.path.expanduser("~/x"))
    assert _io.from_root("y", root=tmp_path / "r") == tmp_path / "r" / "y"
    assert _io.relative_to_root(tmp_path / "reports" / "a") == "reports/a"
    assert _io.relative_to_root("/not/under/root") == "/not/under/root"
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "s.yaml").write_text("")
    monkeypatch.chdir(tmp_path / "studies")
    assert _io.given_or_root("studies/s.yaml") == str(tmp_path / "studies" / "s.yaml")
    assert _io.given_or_root("s.yaml") == "s.yaml"  # exists from here
    assert _io.given_or_root("missing.yaml") == "missing.yaml"
