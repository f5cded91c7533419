"""Benchmark: what the dialogue measures (issue 13, :mod:`analysis.dialogue`) add to the
measures step, side by side in one run.

For each size the script builds the deterministic scale data set
(:func:`analysis.simulate_scale.write_scale_dataset`, seed 11, reused when present), reads it
(:func:`analysis.schema.read_canonical`), then times in the same process:

1. **measures**: post and comment measures as a report computes them
   (:func:`analysis.measures.post_measures` and :func:`analysis.measures.comment_measures` on
   one :class:`analysis.measures.ThreadIndex`, text signals from a warm cache), the dialogue
   measures included;
2. **dialogue alone**: :func:`analysis.dialogue.analyse` (reply directions, the direct page
   replies, threads and their Rafaeli contingency: the work the dialogue columns add; their
   per-post counts are bincounts) on a fresh thread index of the same tables.

It prints both times, the dialogue part's share of the measures step and its rate in seconds
per million comments. The median of ``--repeat`` runs is kept.

Usage::

    .venv/bin/python benchmarks/dialogue_measures.py                  # 100k and 1M comments
    .venv/bin/python benchmarks/dialogue_measures.py --sizes 1000000 10000000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _dataset(base: Path, n: int) -> Path:
    import json

    from analysis.simulate_scale import write_scale_dataset

    d = base / f"{n}"
    info = d / "dataset.json"
    if not (info.is_file() and json.loads(info.read_text()).get("scale_comments_requested") == n):
        write_scale_dataset(d, n)  # the same folder and marker as benchmarks/scale.py
        meta = json.loads(info.read_text())
        meta["scale_comments_requested"] = n
        info.write_text(json.dumps(meta, indent=1))
    return d


def _time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(d: Path, repeat: int) -> dict:
    import numpy as np
    import pandas as pd

    from analysis import dialogue
    from analysis.measures import ThreadIndex, comment_measures, post_measures
    from analysis.schema import read_canonical

    tables = read_canonical(d)
    cache = d / ".text-cache"
    post_measures(tables, cache_dir=cache, threads=ThreadIndex(tables))  # warm the text cache

    def measures():
        index = ThreadIndex(tables)
        post_measures(tables, cache_dir=cache, threads=index)
        comment_measures(tables, 48.0, cache_dir=cache, threads=index)

    def dialogue_alone():
        index = ThreadIndex(tables)
        com = tables.comments
        authors = pd.factorize(com["author_id"])[0].astype(np.int64)
        dialogue.analyse(
            index.parent_row, index.is_owner, authors, com["parent_id"].notna().to_numpy()
        )

    return {
        "comments": len(tables.comments),
        "measures_s": _time(measures, repeat),
        "dialogue_s": _time(dialogue_alone, repeat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (median kept)")
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    args = parser.parse_args(argv)
    print(f"{'comments':>12} {'measures':>10} {'dialogue':>10} {'share':>7} {'s per 1M':>9}")
    for n in args.sizes:
        row = measure(_dataset(args.data, n), args.repeat)
        share = row["dialogue_s"] / row["measures_s"]
        per_million = row["dialogue_s"] / row["comments"] * 1e6
        print(
            f"{row['comments']:>12,} {row['measures_s']:>9.2f}s {row['dialogue_s']:>9.2f}s "
            f"{share:>6.0%} {per_million:>8.2f}s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
