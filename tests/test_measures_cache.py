"""The measures cached beside the data set (analysis.measures_cache) give the frames the code
computes."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import measures_cache
from analysis.pipeline import load as load_report_data
from analysis.pipeline.measures import compute_frames
from analysis.simulate_scale import write_scale_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("scale")
    write_scale_dataset(d, 20_000)
    return d


def _params(data_dir, **kw):
    return {"data_dir": str(data_dir), "hypothesis": "H1", **kw}


def test_second_load_reads_the_cache_and_equals_a_fresh_computation(data_dir):
    first = load_report_data(_params(data_dir))
    entries = list((data_dir / ".cache").glob("measures-*"))
    assert len(entries) == 1 and (entries[0] / "dtypes.json").is_file()
    second = load_report_data(_params(data_dir))
    fresh = compute_frames(data_dir, first.params, first.dataset)
    for got, name in (
        (second.posts, "post_measures"),
        (second.comments, "comment_measures"),
        (second.tables.posts, "posts"),
        (second.tables.accounts, "accounts"),
        (second.exclusions, "exclusions"),
    ):
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True), fresh[name].reset_index(drop=True), check_exact=True
        )
    assert second.summary() == first.summary()


def test_a_changed_parameter_or_file_gets_another_entry(data_dir):
    params = load_report_data(_params(data_dir)).params
    key = measures_cache.measures_key(data_dir, params)
    assert measures_cache.measures_key(data_dir, {**params, "reply_window_h": 24.0}) != key
    assert (
        measures_cache.measures_key(data_dir, {**params, "alpha": 0.01}) == key
    )  # not a measure parameter
    info = data_dir / "dataset.json"
    info.write_text(info.read_text() + " ")
    assert measures_cache.measures_key(data_dir, params) != key


def test_a_damaged_entry_is_recomputed_not_trusted(data_dir):
    params = load_report_data(_params(data_dir)).params
    entry = measures_cache.entry_dir(data_dir, measures_cache.measures_key(data_dir, params))
    (entry / "comment_measures.parquet").write_bytes(b"not parquet")
    assert measures_cache.load(data_dir, measures_cache.measures_key(data_dir, params)) is None
    again = load_report_data(_params(data_dir))
    assert len(again.comments) > 0
    assert (
        measures_cache.load(data_dir, measures_cache.measures_key(data_dir, params)) is not None
    )  # stored anew
