"""Benchmark: which engine joins the comment threads (issue 11's engine choice, measured).

The costly operation of the data path is joining ids into rows: each comment's parent id to
the parent's row (10 million string ids at 10M comments) and the check that comment ids are
unique. Each engine does exactly that on the same ``comments.parquet``, in a fresh process, and
the script prints the wall time and the peak resident memory of that process:

- ``pandas``: ``pd.read_parquet`` then ``pd.Index(comment_id).get_indexer(parent_id)`` (the code
  before issue 11);
- ``arrow``: ``pyarrow.parquet.read_table`` then ``pyarrow.compute.index_in``;
- ``dialogic``: what the package does now (``analysis.schema.read_canonical``'s reader, then
  ``row_numbers`` and ``duplicated_ids``: 64-bit hashes of the Arrow buffers, confirmed on the
  strings);
- ``duckdb`` and ``polars``, when importable (they are not dependencies of Dialogic: install them
  in another environment and pass its Python with ``--python``): a left join of the table on
  itself (parent_id = comment_id) and a count of distinct ids.

Usage::

    .venv/bin/python benchmarks/engines.py --data benchmarks/out/scale/10000000
    .venv/bin/python benchmarks/engines.py --data ... --python /tmp/venv-eng/bin/python  # +
    duckdb, polars

Every engine must find the same number of parents; the script checks it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ENGINES = ("pandas", "arrow", "dialogic", "duckdb", "polars")


def run_engine(engine: str, path: str) -> dict:
    """Join parents to rows with ``engine``; return found parents, duplicates and seconds."""
    t0 = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        df = pd.read_parquet(path, columns=["comment_id", "parent_id"])
        has = df["parent_id"].notna()
        rows = pd.Index(df["comment_id"]).get_indexer(df["parent_id"][has])
        found, dups = int((rows >= 0).sum()), int(df["comment_id"].duplicated().sum())
    elif engine == "arrow":
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        t = pq.read_table(path, columns=["comment_id", "parent_id"])
        ids = t["comment_id"].combine_chunks()
        rows = pc.index_in(t["parent_id"], value_set=ids)
        found = len(rows) - rows.null_count
        dups = len(ids) - len(pc.unique(ids))
    elif engine == "dialogic":
        sys.path.insert(0, str(ROOT))
        import pyarrow.parquet as pq

        from analysis.schema import ARROW_STRING_DTYPES, duplicated_ids, row_numbers

        df = pq.read_table(path, columns=["comment_id", "parent_id"]).to_pandas(
            types_mapper=ARROW_STRING_DTYPES.get
        )
        has = df["parent_id"].notna().to_numpy()
        rows = row_numbers(df["parent_id"][has], df["comment_id"])
        found, dups = int((rows >= 0).sum()), int(duplicated_ids(df["comment_id"]).sum())
    elif engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute("SET threads TO 2")
        found = con.execute(
            f"SELECT count(p.comment_id) FROM read_parquet('{path}') c "
            f"LEFT JOIN read_parquet('{path}') p ON c.parent_id = p.comment_id WHERE c.parent_id "
            "IS NOT NULL"
        ).fetchone()[0]
        n, distinct = con.execute(
            f"SELECT count(*), count(DISTINCT comment_id) FROM read_parquet('{path}')"
        ).fetchone()
        dups = n - distinct
    elif engine == "polars":
        import polars as pl

        df = pl.read_parquet(path, columns=["comment_id", "parent_id"]).with_row_index("row")
        joined = df.filter(pl.col("parent_id").is_not_null()).join(
            df.select(pl.col("comment_id").alias("parent_id"), pl.col("row").alias("parent_row")),
            on="parent_id",
            how="left",
        )
        found = int(joined["parent_row"].is_not_null().sum())
        dups = df.height - df["comment_id"].n_unique()
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    return {"found": int(found), "duplicates": int(dups), "seconds": time.perf_counter() - t0}


def measure(python: str, engine: str, path: str) -> dict | None:
    """Run one engine in a fresh ``python`` process; wall time, peak RSS, its answer."""
    code = (
        f"import json, resource, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"from engines import run_engine; out = run_engine({engine!r}, {path!r}); "
        "out['peak_gb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6; "
        "print(json.dumps(out))"
    )
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["?"])[-1]
        if "ModuleNotFoundError" in proc.stderr:
            return None
        raise SystemExit(f"{engine} failed: {last}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data",
        type=Path,
        required=True,
        help="a canonical data folder (benchmarks/scale.py builds them)",
    )
    ap.add_argument(
        "--python",
        default=sys.executable,
        help="the Python of an environment with duckdb and polars",
    )
    args = ap.parse_args(argv)
    path = str((args.data / "comments.parquet").resolve())
    rows, answers = [], set()
    for engine in ENGINES:
        python = args.python if engine in ("duckdb", "polars") else sys.executable
        out = measure(python, engine, path)
        if out is None:
            print(f"{engine:9s} not installed (pass --python of an environment that has it)")
            continue
        answers.add((out["found"], out["duplicates"]))
        rows.append(f"| {engine} | {out['seconds']:.1f} s | {out['peak_gb']:.2f} GB |")
        print(
            f"{engine:9s} {out['seconds']:6.1f} s  {out['peak_gb']:5.2f} GB  parents found "
            f"{out['found']:,}",
            flush=True,
        )
    if len(answers) > 1:
        raise SystemExit(f"the engines disagree: {answers}")
    table = (
        "| engine | parent join + duplicate check | peak memory |\n|---|---|---|\n"
        + "\n".join(rows)
    )
    print("\n" + table)
    out_dir = ROOT / "benchmarks" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "engines.md").write_text(table + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
