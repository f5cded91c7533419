"""The id joins of the data path (analysis.schema.row_numbers, id_hashes) against pandas, and the
thread rows that validation hands to the measures against a fresh join after filtering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import schema
from analysis.measures import ThreadIndex, filter_tables
from analysis.schema import CanonicalTables, duplicated_ids, id_hashes, read_canonical, row_numbers
from analysis.simulate_scale import write_scale_dataset


@pytest.fixture
def hashed_joins(monkeypatch):
    """Every join on hashes, in small chunks (the path taken from 500,000 keys up)."""
    monkeypatch.setattr(schema, "HASH_JOIN_MIN_ROWS", 1)
    monkeypatch.setattr(schema, "_HASH_CHUNK", 7)


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_row_numbers_equal_pandas_get_indexer(hashed_joins, storage):
    rng = np.random.default_rng(3)
    values = pd.Series(
        [f"twitter:{i}" for i in range(3000)] + ["", "é"], dtype=f"string[{storage}]"
    )
    keys = pd.Series(
        [f"twitter:{i}" for i in rng.integers(0, 4000, 5000)] + ["é", "", "x"],
        dtype=f"string[{storage}]",
    )
    expected = pd.Index(values.astype(object)).get_indexer(keys.astype(object))
    np.testing.assert_array_equal(row_numbers(keys, values), expected)
    cat = keys.astype("category")
    np.testing.assert_array_equal(row_numbers(cat, values), expected)


def test_a_hash_collision_falls_back_to_the_exact_join(hashed_joins, monkeypatch):
    keys = pd.Series(["a", "b", "c"], dtype="string")
    values = pd.Series(["c", "zz", "a"], dtype="string")
    monkeypatch.setattr(
        schema, "id_hashes", lambda s: np.zeros(len(s), dtype=np.uint64)
    )  # all collide
    np.testing.assert_array_equal(row_numbers(keys, values), [2, -1, 0])


def test_duplicated_ids_is_exact_and_hashes_are_stable(hashed_joins):
    ids = pd.Series(["p:1", "p:2", "p:1", None, "", "p:22", ""], dtype="string[pyarrow]")
    np.testing.assert_array_equal(duplicated_ids(ids), ids.astype(object).duplicated().to_numpy())
    assert not duplicated_ids(pd.Series(["a", "b"], dtype="string")).any()
    h = id_hashes(pd.Series(["p:1", "p:2", "p:1"], dtype="string"))
    assert h[0] == h[2] != h[1] and h.dtype == np.uint64
    np.testing.assert_array_equal(
        h, id_hashes(pd.Series(["p:1", "p:2", "p:1"], dtype="string[pyarrow]"))
    )


def test_thread_rows_from_validation_survive_filtering(tmp_path):
    write_scale_dataset(tmp_path, 20_000)
    tables = read_canonical(tmp_path)
    assert tables.thread_rows is not None
    start = str(tables.posts["created_at"].quantile(0.4).date())
    kept, excluded = filter_tables(tables, start=start, min_posts=60)
    assert excluded["posts"].sum() > 0 and excluded["comments"].sum() > 0
    reused = ThreadIndex(kept)
    fresh = ThreadIndex(CanonicalTables(kept.accounts, kept.posts, kept.comments))
    np.testing.assert_array_equal(reused.post_row, fresh.post_row)
    np.testing.assert_array_equal(reused.parent_row, fresh.parent_row)
