"""Post and comment measures in memory against Dask (a LocalCluster of worker processes).

Writes ``analysis.simulate_scale.write_scale_dataset(dir, --comments)`` into a temporary folder,
then times, each on the same data:

1. in memory: ``read_canonical`` then ``post_measures`` and ``comment_measures``;
2. on Dask: ``analysis.measures_dask.dask_measures`` on a ``local_client(--workers)`` (cluster
   start-up timed apart);

both without a text-signal cache (every signal computed), then with a cache: a cold run (Dask: the
driver fills the cache once, then the workers read it) and a warm run (every text found). Checks
that Dask gives the in-memory frames (``pandas.testing.assert_frame_equal``) and prints the
figures::

    .venv/bin/python benchmarks/dask_measures.py                       # 1,000,000 comments, 2
    workers
    .venv/bin/python benchmarks/dask_measures.py --comments 100000 --workers 2
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from analysis.measures import comment_measures, post_measures  # noqa: E402
from analysis.schema import read_canonical  # noqa: E402
from analysis.simulate_scale import write_scale_dataset  # noqa: E402

WINDOW_H = 72.0


def clear_text_memo() -> None:
    """Empty the per-process memo of the text functions (``lru_cache``), so that no run profits
    from the texts a previous run saw in the same process (the on-disk cache is what is
    measured)."""
    from analysis.text import clean, language, sentiment

    for memo in (clean._normalize_one, language._detect_one, sentiment._score_one):
        memo.cache_clear()


def load_text_models() -> None:
    """Load the lexicons and language models once (a one-off cost of any process, not timed)."""
    from analysis.text.cache import compute_signals

    compute_signals(
        pd.Series(["Thanks, is it open today?", "Merci, c'est fermé ?"], dtype="string"),
        pd.Series([None, None], dtype="string"),
    )
    clear_text_memo()


def in_memory(data_dir: Path, cache_dir=None) -> tuple[dict, tuple]:
    clear_text_memo()
    t0 = time.perf_counter()
    tables = read_canonical(data_dir)
    t1 = time.perf_counter()
    pm = post_measures(tables, cache_dir=cache_dir)
    cm = comment_measures(tables, WINDOW_H, cache_dir=cache_dir)
    t2 = time.perf_counter()
    return {"read": t1 - t0, "measures": t2 - t1, "total": t2 - t0}, (pm, cm)


def on_dask(data_dir: Path, client, cache_dir=None, npartitions=None) -> tuple[dict, tuple]:
    from analysis.measures_dask import dask_measures

    clear_text_memo()
    client.run(clear_text_memo)
    t0 = time.perf_counter()
    out = dask_measures(data_dir, WINDOW_H, client, cache_dir=cache_dir, npartitions=npartitions)
    return {"total": time.perf_counter() - t0}, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--npartitions", type=int, default=None)
    args = ap.parse_args(argv)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    from analysis.measures_dask import local_client

    with tempfile.TemporaryDirectory(prefix="dialogic-dask-bench-") as tmp:
        data = Path(tmp) / "data"
        t0 = time.perf_counter()
        counts = write_scale_dataset(data, args.comments)
        print(f"data: {counts} written in {time.perf_counter() - t0:.1f} s")
        rows = []
        load_text_models()
        mem, expected = in_memory(data)
        rows.append(("in memory, no cache", mem))
        mem_cold, _ = in_memory(data, cache_dir=Path(tmp) / "cache-mem")
        rows.append(("in memory, cold cache", mem_cold))
        mem_warm, _ = in_memory(data, cache_dir=Path(tmp) / "cache-mem")
        rows.append(("in memory, warm cache", mem_warm))
        t0 = time.perf_counter()
        with local_client(n_workers=args.workers, threads_per_worker=1) as client:
            start = time.perf_counter() - t0
            print(f"LocalCluster of {args.workers} worker processes started in {start:.1f} s")
            client.run(load_text_models)
            t0 = time.perf_counter()
            write_scale_dataset(Path(tmp) / "small", 2_000)
            on_dask(
                Path(tmp) / "small", client
            )  # the workers import the code and start the shuffle service
            print(
                "warm-up run on 2,000 comments (imports on the workers) in "
                f"{time.perf_counter() - t0:.1f} s"
            )
            dsk, got = on_dask(data, client, npartitions=args.npartitions)
            for g, e in zip(got, expected, strict=True):
                pd.testing.assert_frame_equal(g, e)
            rows.append((f"Dask, {args.workers} workers, no cache", dsk))
            dsk_cold, got = on_dask(
                data, client, cache_dir=Path(tmp) / "cache-dask", npartitions=args.npartitions
            )
            rows.append((f"Dask, {args.workers} workers, cold cache", dsk_cold))
            dsk_warm, got = on_dask(
                data, client, cache_dir=Path(tmp) / "cache-dask", npartitions=args.npartitions
            )
            rows.append((f"Dask, {args.workers} workers, warm cache", dsk_warm))
            for g, e in zip(got, expected, strict=True):
                pd.testing.assert_frame_equal(g, e)
        print(f"\n{counts['comments']:,} comments, {counts['posts']:,} posts; frames equal: yes\n")
        print("| run | total s | read + validate s | measures s |\n|---|---|---|---|")
        for name, t in rows:
            parts = " | ".join(f"{t[k]:.1f}" if k in t else "-" for k in ("read", "measures"))
            print(f"| {name} | {t['total']:.1f} | {parts} |")
        print(
            f"\nDask / in memory: no cache {dsk['total'] / mem['total']:.2f}, cold cache "
            f"{dsk_cold['total'] / mem_cold['total']:.2f}, warm cache "
            f"{dsk_warm['total'] / mem_warm['total']:.2f}"
        )
    print(f"load average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
