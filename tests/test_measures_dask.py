"""The measures on Dask (analysis.measures_dask) equal the in-memory measures frame for frame,
on a real LocalCluster of 2 worker processes, over at least 4 hash partitions of the threads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("distributed")
import dask.dataframe as dd  # noqa: E402
from distributed import LocalCluster  # noqa: E402

from analysis import config, measures_dask  # noqa: E402
from analysis.measures import comment_measures, post_measures  # noqa: E402
from analysis.measures_dask import LocalClusterClient, connect, dask_measures, local_client  # noqa: E402
from analysis.schema import read_canonical  # noqa: E402
from analysis.text.cache import cache_path  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    from distributed import Client

    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    from analysis.simulate import write_demo_raw

    d = tmp_path_factory.mktemp("demo")
    write_demo_raw(d)
    return d


@pytest.fixture(scope="module")
def scale_dir(tmp_path_factory) -> Path:
    from analysis.simulate_scale import write_scale_dataset

    d = tmp_path_factory.mktemp("scale")
    write_scale_dataset(d, 20_000, row_group=3_000)  # several row groups: several input partitions
    return d


def in_memory(data_dir, window_h, comments_available=True, cache_dir=None):
    tables = read_canonical(data_dir)
    return (
        post_measures(tables, comments_available=comments_available, cache_dir=cache_dir),
        comment_measures(tables, window_h, cache_dir=cache_dir),
    )


def assert_same(got, expected):
    for g, e in zip(got, expected, strict=True):
        pd.testing.assert_frame_equal(g, e)


def test_demo_equals_in_memory(client, demo_dir):
    expected = in_memory(demo_dir, 72)
    got = dask_measures(demo_dir, 72, client, npartitions=6)
    assert_same(got, expected)
    assert len(got[0]) == 4045 and len(got[1]) > 20_000


def test_shuffle_spreads_the_threads_over_every_partition(client, demo_dir):
    # the same hash partitioning dask_measures asks for: each of the 4 partitions gets threads
    lengths = (
        dd.read_parquet(demo_dir / "comments.parquet", columns=["post_id"])
        .shuffle(on="post_id", npartitions=4)
        .map_partitions(len)
    )
    lengths = client.compute(lengths).result()
    assert len(lengths) == 4 and (lengths > 0).all()


def test_demo_with_cache_and_no_window(client, demo_dir, tmp_path):
    cache = tmp_path / ".cache"
    got = dask_measures(demo_dir, None, client, cache_dir=cache, npartitions=4)
    path = cache_path(cache)
    assert [p.name for p in cache.iterdir()] == [
        path.name
    ]  # one file, no leftover temporary files
    stamp = path.stat().st_mtime_ns
    assert_same(got, in_memory(demo_dir, None))
    # a second run finds every text in the cache: neither the driver nor a worker rewrites it
    again = dask_measures(demo_dir, None, client, cache_dir=cache, npartitions=5)
    assert path.stat().st_mtime_ns == stamp
    assert_same(again, got)
    # and the in-memory path reading the same cache agrees
    assert_same(got, in_memory(demo_dir, None, cache_dir=cache))
    assert path.stat().st_mtime_ns == stamp


def test_scale_data_equals_in_memory(client, scale_dir, monkeypatch):
    # one input partition per row group (7 of comments, 1 of posts): the order is put back across
    # them
    monkeypatch.setattr(measures_dask, "READ_OPTIONS", {"split_row_groups": True})
    assert dd.read_parquet(scale_dir / "comments.parquet", split_row_groups=True).npartitions >= 5
    assert_same(dask_measures(scale_dir, 24, client, npartitions=4), in_memory(scale_dir, 24))


def test_aggregate_sources_and_default_partitions(client, scale_dir):
    got = dask_measures(scale_dir, 72, client, comments_available=False)
    assert_same(got, in_memory(scale_dir, 72, comments_available=False))
    assert got[0]["replies"].isna().all()


def test_real_sample_equals_in_memory(client, real_data, tmp_path, monkeypatch):
    from analysis.importers import import_paths

    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")
    out = tmp_path / "twcs"
    import_paths(
        "twcs", [real_data / "twcs-customer-support-twitter" / "sample.csv"], out, progress=False
    )
    expected = in_memory(out, 72)
    assert len(expected[1]) > 0
    assert_same(dask_measures(out, 72, client, npartitions=4), expected)
    # more partitions than its 25 posts: empty partitions are left out, the frames do not change
    assert len(expected[0]) < 32
    assert_same(dask_measures(out, 72, client, npartitions=32), expected)


def test_missing_table_is_named(client, tmp_path):
    with pytest.raises(FileNotFoundError, match="accounts.parquet"):
        dask_measures(tmp_path, 72, client)


def test_connect_to_an_existing_scheduler(client):
    with pytest.raises(ValueError, match="tcp://"):
        connect("localhost")
    other = connect(client.scheduler.address)
    try:
        assert other.submit(sum, [1, 2]).result() == 3
    finally:
        other.close()
    assert client.submit(sum, [2, 2]).result() == 4  # closing it left the cluster running


def test_local_client_closes_its_cluster():
    with local_client(n_workers=1, memory_limit="1GB") as c:
        assert isinstance(c, LocalClusterClient) and len(c.nthreads()) == 1
        cluster = c.cluster
    assert "closed" in str(cluster.status)


def test_report_frames_on_dask_equal_the_in_memory_frames(client, tmp_path):
    """What a report reads (analysis.pipeline): filters applied, measures on the cluster."""
    from analysis.ledger import read_dataset_info
    from analysis.pipeline.measures import compute_frames, compute_frames_dask
    from analysis.pipeline.parameters import validate_parameters
    from analysis.simulate_scale import write_scale_dataset

    write_scale_dataset(tmp_path, 20_000)
    start = "2024-03-01"
    params = validate_parameters({"data_dir": str(tmp_path), "min_posts": 60, "start": start})
    dataset = read_dataset_info(tmp_path)
    expected = compute_frames(tmp_path, params, dataset)
    got = compute_frames_dask(tmp_path, params, dataset, client.scheduler.address)
    assert expected["exclusions"]["posts"].sum() > 0  # the filters removed something
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(
            got[name].reset_index(drop=True), frame.reset_index(drop=True), obj=name
        )


def test_a_study_run_on_dask_computes_its_measures_there_and_gives_the_local_results(
    client, tmp_path
):
    """`dialogic run --dask-scheduler ADDRESS` on the report notebook: the measures step runs on
    the cluster (analysis.pipeline.measures) and the reports equal a local run's."""
    import json as _json
    import subprocess
    import sys

    from analysis.simulate_scale import write_scale_dataset

    data = tmp_path / "data"
    write_scale_dataset(data, 20_000)
    root = Path(__file__).resolve().parents[1]
    results = {}
    for engine in ("local", "dask"):
        (tmp_path / f"{engine}.yaml").write_text(
            "\n".join(
                [
                    f"name: scale-{engine}",
                    f"notebook: {root / 'notebooks' / 'hypothesis.ipynb'}",
                    f"data: {data}",
                    f"output: {tmp_path / engine}",
                    "audiences: [academic]",
                    "languages: [en]",
                    "parameters:",
                    "  min_posts: 5",
                    "hypotheses:",
                    "  - id: H1",
                    "  - id: H2",
                    "",
                ]
            )
        )
        args = ["run", str(tmp_path / f"{engine}.yaml"), "--workers", "1"]
        if engine == "dask":
            args += ["--dask-scheduler", client.scheduler.address]
            for entry in (data / ".cache").glob(
                "measures-*"
            ):  # the local run's measures: compute anew
                shutil.rmtree(entry)
        run = subprocess.run(
            [sys.executable, "-m", "analysis.cli", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        if engine == "dask":
            assert "on Dask" in run.stdout + run.stderr and "done in" in run.stdout + run.stderr
        results[engine] = {
            h: _json.loads((tmp_path / engine / h / "results.json").read_text())["result"]["table"]
            for h in ("h1", "h2")
        }
    for h in ("h1", "h2"):
        for key in ("estimate", "ci_low", "ci_high", "p_value", "n_obs", "n_clusters", "verdict"):
            assert results["dask"][h][key] == results["local"][h][key], (h, key)
