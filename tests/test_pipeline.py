"""analysis.pipeline: typed parameters, load (tables, measures, provenance) and test."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import typing

import pandas as pd
import pytest

from analysis import pipeline
from analysis.pipeline.parameters import NOTEBOOK_PARAMETERS, Parameters, validate_parameters
from analysis.simulate_scale import write_scale_dataset


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("pipeline")
    write_scale_dataset(d, 20_000)
    return d


def test_parameters_fields_are_the_declaration():
    hints = typing.get_type_hints(Parameters)
    fields = dataclasses.fields(Parameters)
    assert [f.name for f in fields] == list(NOTEBOOK_PARAMETERS)
    for f in fields:
        p = NOTEBOOK_PARAMETERS[f.name]
        assert (typing.get_origin(hints[f.name]) or hints[f.name]) is p.type, f.name
    assert Parameters() == {k: p.default for k, p in NOTEBOOK_PARAMETERS.items()}


def test_parameters_read_like_the_validated_dict():
    values = {"hypothesis": "H2", "alpha": 0.01, "platforms": "facebook, bluesky"}
    params = Parameters.parse(values)
    assert params == validate_parameters(values)
    assert dict(params) == validate_parameters(values) and list(params) == list(
        NOTEBOOK_PARAMETERS
    )
    assert params["alpha"] == params.alpha == 0.01 and params.platforms == ["facebook", "bluesky"]
    assert params.get("nope") is None and "alpha" in params and "nope" not in params
    assert Parameters.parse(params) is params
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.alpha = 0.5  # type: ignore[misc]
    with pytest.raises(KeyError):
        params["nope"]
    with pytest.raises(ValueError, match="not allowed"):
        Parameters.parse({"language": "de"})


def test_load_says_where_the_measures_come_from_and_test_runs_the_hypothesis(data_dir):
    from analysis.stats import run_hypothesis

    params = {"data_dir": str(data_dir), "hypothesis": "H1"}
    first = pipeline.load(params)
    second = pipeline.load(params)
    assert isinstance(first.params, Parameters) and first.data_dir == data_dir
    assert first.provenance.measures_key == second.provenance.measures_key
    assert (first.provenance.measures_cached, second.provenance.measures_cached) == (False, True)
    pd.testing.assert_frame_equal(first.posts, second.posts)
    pd.testing.assert_frame_equal(first.comments, second.comments)
    assert first.summary() == second.summary()

    got = pipeline.test(second, Parameters.parse({**params, "alpha": 0.1}))
    want = run_hypothesis(
        "H1", posts=second.posts, comments=second.comments, alpha=0.1, min_posts=5
    )
    pd.testing.assert_frame_equal(got.table, want.table)
    assert got.table["alpha"].iloc[0] == 0.1


def test_report_run_test_is_pipeline_test_worded(data_dir):
    from analysis.report.data import run_test
    from analysis.report.wording import relabel

    loaded = pipeline.load({"data_dir": str(data_dir), "hypothesis": "H1", "claim": "our claim"})
    worded = run_test(loaded)
    assert worded.table["claim"].iloc[0] == "our claim"
    plain = relabel(pipeline.test(loaded), loaded.params)
    pd.testing.assert_frame_equal(worded.table, plain.table)


def test_without_pages_drops_their_tables_and_measures(data_dir):
    from analysis.pipeline.loaded import without_pages

    loaded = pipeline.load({"data_dir": str(data_dir)})
    pages = sorted(set(loaded.tables.accounts["account_id"].astype(str)))
    sub = without_pages(loaded, set(pages[:2]))
    kept = set(pages[2:])
    assert set(sub.tables.accounts["account_id"].astype(str)) == kept
    for frame in (sub.tables.posts, sub.posts, sub.comments):
        assert set(frame["account_id"].astype(str)) <= kept
    assert sub.tables.comments["post_id"].isin(sub.tables.posts["post_id"]).all()
    assert len(sub.comments) < len(loaded.comments)
    assert sub.provenance is loaded.provenance and sub.params is loaded.params
    assert pipeline.without_low_coverage(loaded)[0] is None  # the simulated pages are complete


def test_data_dir_missing_names_the_fix(tmp_path):
    with pytest.raises(ValueError, match="does not exist.*dialogic demo"):
        pipeline.load({"data_dir": str(tmp_path / "nowhere")})


def test_pipeline_imports_no_report_runner_or_cli():
    code = (
        "import sys, analysis.pipeline, analysis.pipeline.measures; "
        "print(sorted(m for m in sys.modules if m.startswith(("
        "'analysis.report', 'analysis.runner', 'analysis.cli'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
