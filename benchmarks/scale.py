"""Benchmark: the data path and the reports at 100k, 1M and 10M comments (issue 11).

For each size the script builds canonical data deterministically
(:func:`analysis.simulate_scale.write_scale_dataset`: 1 page per 1,000 comments, 100 posts per
page, seed 11), then runs each step in a fresh process and records its wall time and the peak
resident memory of that process and its children (``os.wait4``):

1. **load + validate**: :func:`analysis.schema.read_canonical` (every invariant checked);
2. **measures**: read, filter and measure as a report does
   (:func:`analysis.pipeline.measures.compute_frames`, text signals from a cold cache);
3. **reports**: ``dialogic run`` of a study with H1, H2 and H4 (H4a + H4b), academic report in
   English, from a cold measures cache: real kernels, real HTML; the first report computes the
   measures and stores them (:mod:`analysis.measures_cache`), the others read them back.

It prints the table and the growth exponent of each step between consecutive sizes
(``log(t2/t1) / log(n2/n1)``: 1 is linear) and, with ``--readme``, writes the table into
README.md between the ``scale:start`` / ``scale:end`` markers.

Usage::

    .venv/bin/python benchmarks/scale.py                        # 100k, 1M, 10M (about 15 min)
    .venv/bin/python benchmarks/scale.py --sizes 100000 1000000 # quicker
    .venv/bin/python benchmarks/scale.py --readme               # and update README.md

Data sets are written under ``--data`` (default ``benchmarks/out/scale``; 10M takes 250 MB on
disk and 20 s to build) and reused when their ``dataset.json`` says they have the asked size.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STEPS = ("load + validate", "measures", "reports H1, H2, H4")


def _child(step: str, data_dir: str) -> None:
    """Run one step in this (fresh) process and print its own timing as JSON."""
    t0 = time.perf_counter()
    if step == "load":
        from analysis.schema import read_canonical

        tables = read_canonical(Path(data_dir))
        out = {"rows": tables.counts()}
    elif step == "measures":
        from analysis.ledger import read_dataset_info
        from analysis.pipeline.measures import compute_frames
        from analysis.pipeline.parameters import validate_parameters

        params = validate_parameters({"data_dir": data_dir, "min_posts": 5})
        frames = compute_frames(Path(data_dir), params, read_dataset_info(Path(data_dir)))
        out = {"rows": {k: len(v) for k, v in frames.items()}}
    else:
        raise SystemExit(f"unknown step {step!r}")
    out["seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


def _step_process(args: list[str]) -> tuple[float, float, str, float]:
    """Run ``args`` under ``python benchmarks/scale.py --measure``: (wall s, peak RSS of one
    process GB, stdout, peak RSS of the whole tree GB).

    The middle process runs the command as its only child and reports
    ``RUSAGE_CHILDREN.ru_maxrss``:
    the largest resident set among the command and its descendants (kernels included).
    """
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", "--", *args], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report["wall"], report["peak_gb"], report["stdout"], report["tree_gb"]


def _measure_main(cmd: list[str]) -> None:
    """Run ``cmd`` and report its wall time and peak memory as JSON on stdout.

    Peak memory: the largest resident set of any one process of the tree (the command, the
    runner's kernels, the measures' child), sampled every 50 ms with psutil and checked against
    ``RUSAGE_CHILDREN.ru_maxrss`` (exact, but blind to processes nobody waits for, such as the
    kernels a fork server starts); and the largest sum over the tree at one time.
    """
    import resource
    import threading

    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"one": 0, "all": 0}
    done = threading.Event()

    def sample():
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                tree = [root] + root.children(recursive=True)
                rss = []
                for p in tree:
                    with contextlib.suppress(psutil.Error):
                        rss.append(p.memory_info().rss)
                peaks["one"] = max(peaks["one"], max(rss, default=0))
                peaks["all"] = max(peaks["all"], sum(rss))
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(err[-4000:])
        raise SystemExit(proc.returncode)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "wall": wall,
                "peak_gb": max(peaks["one"], waited) / 1e9,
                "tree_gb": peaks["all"] / 1e9,
                "stdout": out,
            }
        )
    )


def _dataset(base: Path, n: int) -> tuple[Path, dict]:
    d = base / str(n)
    info = d / "dataset.json"
    if info.is_file() and json.loads(info.read_text()).get("scale_comments_requested") == n:
        return d, json.loads(info.read_text())
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.perf_counter()
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from analysis.simulate_scale "
        "import "
        f"write_scale_dataset; print(json.dumps(write_scale_dataset({str(d)!r}, {n})))"
    )
    counts = json.loads(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    meta = json.loads(info.read_text())
    meta["scale_comments_requested"] = n
    info.write_text(json.dumps(meta, indent=1))
    print(f"  built {n:,} in {time.perf_counter() - t0:.1f} s: {counts}", flush=True)
    return d, meta


def _study(d: Path, work: Path) -> Path:
    study = work / f"scale-{d.name}.yaml"
    study.write_text(
        "\n".join(
            [
                f"name: scale-{d.name}",
                f'title: "Scale benchmark: {int(d.name):,} simulated comments"',
                f"notebook: {ROOT / 'notebooks' / 'hypothesis.ipynb'}",
                f"data: {d}",
                f"output: {work / ('reports-' + d.name)}",
                "audiences: [academic]",
                "languages: [en]",
                "cache_code: false",
                "parameters:",
                "  min_posts: 5",
                "hypotheses:",
                "  - id: H1",
                "  - id: H2",
                "  - id: H4",
                "",
            ]
        )
    )
    return study


def run(sizes: list[int], base: Path) -> list[dict]:
    rows = []
    dialogic = str(Path(sys.executable).with_name("dialogic"))
    for n in sizes:
        print(f"{n:,} comments", flush=True)
        d, meta = _dataset(base, n)
        row = {"n": n, "comments": None}
        wall, peak, out, tree = _step_process(
            [sys.executable, __file__, "--child", "load", str(d)]
        )
        rows_read = json.loads(out.strip().splitlines()[-1])["rows"]
        row["comments"], row["pages"] = rows_read["comments"], rows_read["accounts"]
        row["load + validate"] = (wall, peak, tree)
        shutil.rmtree(d / ".cache", ignore_errors=True)
        wall, peak, _, tree = _step_process(
            [sys.executable, __file__, "--child", "measures", str(d)]
        )
        row["measures"] = (wall, peak, tree)
        shutil.rmtree(d / ".cache", ignore_errors=True)
        work = base / "studies"
        work.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(work / f"reports-{d.name}", ignore_errors=True)
        wall, peak, _, tree = _step_process(
            [dialogic, "run", str(_study(d, work)), "--workers", "1"]
        )
        row["reports H1, H2, H4"] = (wall, peak, tree)
        for step in STEPS:
            print(
                f"  {step:20s} {row[step][0]:8.1f} s  {row[step][1]:6.2f} GB (all processes "
                f"{row[step][2]:.2f} GB)",
                flush=True,
            )
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    head = (
        "| step | "
        + " | ".join(f"{r['comments']:,} comments ({r['pages']:,} pages)" for r in rows)
        + " |"
    )
    lines = [head, "|---|" + "---|" * len(rows)]
    for step in STEPS:
        cells = [
            f"{r[step][0]:.1f} s, {r[step][1]:.2f} GB"
            + (f" ({r[step][2]:.2f} GB all processes)" if r[step][2] > r[step][1] + 0.05 else "")
            for r in rows
        ]
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    if len(rows) > 1:
        for a, b in itertools.pairwise(rows):
            ratio = math.log(b["comments"] / a["comments"])
            exps = [f"{math.log(b[s][0] / a[s][0]) / ratio:.2f}" for s in STEPS]
            lines.append(
                f"| growth exponent {a['comments']:,} → {b['comments']:,} (time) | "
                + ", ".join(f"{s}: {e}" for s, e in zip(STEPS, exps, strict=True))
                + " |"
                + " |" * (len(rows) - 1)
            )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    body = readme.read_text()
    start, end = "<!-- scale:start -->", "<!-- scale:end -->"
    block = f"{start}\n{text}\n{end}"
    if start in body:
        body = body[: body.index(start)] + block + body[body.index(end) + len(end) :]
    else:
        raise SystemExit("README.md has no scale:start / scale:end markers")
    readme.write_text(body)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2])
        return 0
    if argv[:1] == ["--measure"]:
        _measure_main(argv[2:])
        return 0
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    ap.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = ap.parse_args(argv)
    rows = run(sorted(args.sizes), args.data.resolve())
    text = table(rows) + (
        f"\n\nMeasured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores by "
        f"`.venv/bin/python benchmarks/scale.py`."
    )
    print("\n" + text)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.md").write_text(text + "\n")
    if args.readme:
        write_readme(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
