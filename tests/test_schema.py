"""Each canonical invariant fails with a message naming table, column, row and the remedy."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.schema import (
    CanonicalTables,
    SchemaError,
    data_model_markdown,
    read_canonical,
    validate_tables,
    write_canonical,
)

T0 = pd.Timestamp("2024-03-01T10:00:00Z")


def tiny() -> CanonicalTables:
    """Two accounts, two posts, a thread of three comments (one owner reply)."""
    accounts = pd.DataFrame(
        {
            "account_id": ["x:shop", "x:ann"],
            "platform": ["x", "x"],
            "handle": ["shop", "ann"],
            "display_name": ["Shop", "Ann"],
            "account_type": ["business", "personal"],
            "account_type_source": ["test", "test"],
            "followers": [1000, 50],
            "category": ["Retail", None],
            "collected_at": [T0 + pd.Timedelta(days=9)] * 2,
        }
    )
    posts = pd.DataFrame(
        {
            "post_id": ["x:p1", "x:p2"],
            "account_id": ["x:shop", "x:ann"],
            "platform": ["x", "x"],
            "created_at": [T0, T0],
            "text": ["Sale now!", "Who is coming?"],
            "lang": ["en", "en"],
            "media_type": ["text", "text"],
            "url": [None, None],
            "reported_comments": [3, 0],
            "likes": [4, 1],
            "shares": [0, None],
            "collected_at": [T0 + pd.Timedelta(days=9)] * 2,
        }
    )
    comments = pd.DataFrame(
        {
            "comment_id": ["x:c1", "x:c2", "x:c3"],
            "post_id": ["x:p1"] * 3,
            "parent_id": [None, "x:c1", "x:c2"],
            "author_id": ["u1", "x:shop", "u1"],
            "is_owner": [False, True, False],
            "created_at": [T0 + pd.Timedelta(hours=h) for h in (1, 3, 4)],
            "text": ["Price?", "10 euros", "Thanks"],
            "lang": ["en"] * 3,
            "depth": [0, 1, 2],
        }
    )
    return CanonicalTables(accounts, posts, comments)


def test_valid_tables_pass_and_roundtrip(tmp_path):
    write_canonical(tiny(), tmp_path)
    back = read_canonical(tmp_path)
    assert back.counts() == {"accounts": 2, "posts": 2, "comments": 3}
    assert str(back.posts["created_at"].dt.tz) == "UTC"
    assert back.comments["is_owner"].tolist() == [False, True, False]


def _expect(
    t: CanonicalTables, table: str, column: str, row: int | None, words: str
) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        validate_tables(t)
    err = info.value
    assert (err.table, err.column, err.row) == (table, column, row), str(err)
    message = str(err)
    assert table in message and f"`{column}`" in message and "Fix:" in message
    if row is not None:
        assert f"row {row}" in message
    assert words in message
    return err


def test_duplicate_id():
    t = tiny()
    t.posts.loc[1, "post_id"] = "x:p1"
    _expect(t, "posts", "post_id", 1, "duplicated")


def test_comment_with_missing_post():
    t = tiny()
    t.comments.loc[2, "post_id"] = "x:nope"
    _expect(t, "comments", "post_id", 2, "does not exist")


def test_comment_with_missing_parent():
    t = tiny()
    t.comments.loc[2, "parent_id"] = "x:ghost"
    _expect(t, "comments", "parent_id", 2, "parent comment does not exist")


def test_parent_under_another_post():
    t = tiny()
    extra = t.comments.iloc[[0]].assign(comment_id="x:c9", post_id="x:p2", parent_id=None)
    t.comments = pd.concat([t.comments, extra], ignore_index=True)
    t.comments.loc[1, "parent_id"] = "x:c9"
    _expect(t, "comments", "parent_id", 1, "different post")


def test_is_owner_inconsistent_with_post_account():
    t = tiny()
    t.comments.loc[0, "is_owner"] = True
    _expect(t, "comments", "is_owner", 0, "is_owner disagrees")


def test_reply_before_its_post():
    t = tiny()
    t.comments.loc[0, "created_at"] = T0 - pd.Timedelta(hours=2)
    _expect(t, "comments", "created_at", 0, "before its post")


def test_missing_column():
    t = tiny()
    t.accounts = t.accounts.drop(columns="account_type")
    err = _expect(t, "accounts", "account_type", None, "missing")
    assert "add the column" in err.remedy


def test_mistyped_column():
    t = tiny()
    t.posts["likes"] = ["four", 1]
    _expect(t, "posts", "likes", 0, "not a whole number")


def test_naive_timestamps_rejected():
    t = tiny()
    t.posts["created_at"] = t.posts["created_at"].dt.tz_localize(None)
    _expect(t, "posts", "created_at", 0, "no time zone")


def test_negative_count():
    t = tiny()
    t.accounts.loc[1, "followers"] = -5
    _expect(t, "accounts", "followers", 1, "negative")


def test_unknown_account_type():
    t = tiny()
    t.accounts.loc[0, "account_type"] = "brand"
    _expect(t, "accounts", "account_type", 0, "business, personal or unknown")


def test_wrong_depth():
    t = tiny()
    t.comments.loc[2, "depth"] = 5
    _expect(t, "comments", "depth", 2, "depth")


def test_post_of_unknown_account():
    t = tiny()
    t.posts.loc[1, "account_id"] = "x:who"
    _expect(t, "posts", "account_id", 1, "account does not exist")


def test_missing_required_value_names_the_record():
    t = tiny()
    t.comments.loc[1, "author_id"] = None
    err = _expect(t, "comments", "author_id", 1, "missing")
    assert err.record_id == "x:c2"


def test_read_missing_directory_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="dialogic import"):
        read_canonical(tmp_path)


def test_data_model_doc_is_generated_from_the_schema():
    doc = data_model_markdown()
    for column in ("account_type_source", "reported_comments", "is_owner", "depth"):
        assert f"`{column}`" in doc


def test_docs_data_model_is_in_step_with_the_schema():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
    assert doc.read_text() == data_model_markdown() + "\n", (
        "docs/data-model.md is stale: regenerate it with "
        '`python -c "from analysis.schema import data_model_markdown as m; print(m())" > '
        "docs/data-model.md`"
    )


def test_written_tables_have_the_usual_permissions(tmp_path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        paths = write_canonical(tiny(), tmp_path)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(paths["posts"].stat().st_mode) == 0o644
