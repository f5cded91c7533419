"""Benchmark: Dialogic's study runner vs a naive papermill-CLI + nbconvert-CLI loop.

The same study of N report notebooks (default 12: hypothesis H1 on the demo data, 4 platforms x
N/4 periods) is run two ways, on the real report notebook ``notebooks/hypothesis.ipynb``:

1. ``dialogic run <study>`` (warm workers, kernels forked from a preloaded factory, both audiences
   rendered per report, results.json and provenance.json written);
2. the naive loop users write today: per report, ``papermill`` CLI then ``jupyter nbconvert --to
   html`` CLI (one HTML per report, so the naive side does less work).

Then it times a rerun with nothing changed (target < 2 s) and a rerun after changing one grid
value (one period), which must rerun only the reports of that period. It checks that both ways
give the same estimates. Figures are printed and written to ``benchmarks/out/runner.md``.

Usage::

    .venv/bin/python benchmarks/runner.py               # 12 reports (several minutes)
    .venv/bin/python benchmarks/runner.py --reports 4   # quick check
    .venv/bin/python benchmarks/runner.py --skip-naive  # only the Dialogic figures

The study sets ``cache_code: false``: other sessions edit ``analysis/`` on this machine while the
benchmark runs, and an edit between two runs would (correctly) rerun everything; the time to
hash the package code is measured and reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import config  # noqa: E402

BIN = Path(sys.executable).parent
PLATFORMS = ["facebook", "instagram", "twitter", "youtube"]
PERIODS = [
    ("2024-01-01", "2024-02-29", "JanFeb"),
    ("2024-03-01", "2024-04-30", "MarApr"),
    ("2024-05-01", "2024-06-30", "MayJun"),
    ("2024-01-01", "2024-06-30", "H1"),
]


def write_study(path: Path, out: Path, n_periods: int, changed: bool = False) -> None:
    import yaml

    periods = [
        {"label": label, "start": start, "end": end} for start, end, label in PERIODS[:n_periods]
    ]
    if changed:  # one grid value changes: the last period ends a day earlier
        periods[-1] = dict(
            periods[-1], end=periods[-1]["end"][:-2] + f"{int(periods[-1]['end'][-2:]) - 1:02d}"
        )
    study = {
        "name": "bench",
        "title": "Runner benchmark",
        "notebook": str(config.NOTEBOOKS_DIR / "hypothesis.ipynb"),
        "data": str(config.DEMO_PROCESSED_DIR),
        "output": str(out),
        "audiences": ["academic", "brief"],
        "languages": ["en"],
        "cache_code": False,
        "grid": {"platforms": [[p] for p in PLATFORMS], "period": periods},
        "hypotheses": [{"id": "H1", "claim": "business pages get fewer replies per post"}],
    }
    path.write_text(yaml.safe_dump(study, sort_keys=False))


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, **kw)
    return time.perf_counter() - started, proc


def dialogic(study: Path, *extra: str) -> tuple[float, dict[str, int]]:
    seconds, proc = timed([str(BIN / "dialogic"), "run", str(study), *extra])
    if proc.returncode != 0:
        sys.exit(f"dialogic run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    m = re.search(r"(\d+) ran, (\d+) cached, (\d+) failed", proc.stderr)
    return seconds, dict(zip(("ran", "cached", "failed"), map(int, m.groups()), strict=True))


def naive(n_periods: int, work: Path) -> tuple[float, dict[str, float]]:
    """papermill CLI then nbconvert CLI per report, sequentially; returns seconds and estimates."""
    from analysis.report import extract_result

    estimates, started = {}, time.perf_counter()
    for platform in PLATFORMS:
        for start, end, label in PERIODS[:n_periods]:
            out = work / f"h1_{platform}_{label}.ipynb"
            for cmd in (
                [
                    str(BIN / "papermill"),
                    str(config.NOTEBOOKS_DIR / "hypothesis.ipynb"),
                    str(out),
                    "-p",
                    "hypothesis",
                    "H1",
                    "-y",
                    f"platforms: [{platform}]",
                    "-p",
                    "start",
                    start,
                    "-p",
                    "end",
                    end,
                    "-p",
                    "data_dir",
                    str(config.DEMO_PROCESSED_DIR),
                    "--no-progress-bar",
                ],
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out)],
            ):
                proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                if proc.returncode != 0:
                    sys.exit(f"naive step failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
            estimates[f"{platform}/{label}"] = extract_result(out)["result"]["table"]["estimate"]
    return time.perf_counter() - started, estimates


def _estimates(out: Path) -> dict[str, float]:
    """platform/period -> H1 estimate, from the reports of the cold run."""
    labels = {(start, end): label for start, end, label in PERIODS}
    found = {}
    for path in out.glob("*/results.json"):
        rec = json.loads(path.read_text())
        p = rec["parameters"]
        found[f"{p['platforms'][0]}/{labels[(p['start'], p['end'])]}"] = rec["result"]["table"][
            "estimate"
        ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reports", type=int, default=12, help="multiple of 4, at most 16 (default 12)"
    )
    parser.add_argument("--skip-naive", action="store_true", help="time only Dialogic's runner")
    args = parser.parse_args()
    n_periods = max(1, min(4, args.reports // 4))
    n = 4 * n_periods
    if not (config.DEMO_PROCESSED_DIR / "posts.parquet").exists():
        subprocess.run([str(BIN / "dialogic"), "demo"], check=True, cwd=ROOT)
    work = Path(tempfile.mkdtemp(prefix="dialogic-bench-"))
    study, out = work / "bench.yaml", work / "reports"
    write_study(study, out, n_periods)
    cores = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]

    print(
        f"{n} reports (H1 x {len(PLATFORMS)} platforms x {n_periods} periods), {cores} cores, "
        f"load {load:.1f}"
    )
    t_run, s_run = dialogic(study)
    print(f"dialogic run (cold):            {t_run:7.1f} s  {s_run}")
    ours = _estimates(out)
    t_noop, s_noop = dialogic(study)
    print(f"rerun, nothing changed:         {t_noop:7.2f} s  {s_noop}")
    write_study(study, out, n_periods, changed=True)
    t_one, s_one = dialogic(study)
    print(
        f"rerun, one period changed:      {t_one:7.1f} s  {s_one} (expected {len(PLATFORMS)} to "
        "rerun)"
    )
    from analysis.runner import hashing

    started = time.perf_counter()
    hashing.code_hash()
    t_hash = time.perf_counter() - started

    rows = [
        ("Dialogic `dialogic run` (cold, all reports)", t_run, s_run),
        ("Rerun, nothing changed", t_noop, s_noop),
        ("Rerun, one grid value changed", t_one, s_one),
    ]
    same = "not checked"
    t_naive = None
    if not args.skip_naive:
        write_study(study, out, n_periods)
        naive_dir = work / "naive"
        naive_dir.mkdir()
        t_naive, estimates = naive(n_periods, naive_dir)
        print(f"naive papermill + nbconvert:    {t_naive:7.1f} s")
        same = set(ours) == set(estimates) and all(ours[k] == v for k, v in estimates.items())
        print(
            f"speed-up: {t_naive / t_run:.1f}x; same estimates: {same} "
            f"({len(set(ours) & set(estimates))} compared)"
        )

    lines = [
        "# Runner benchmark",
        "",
        f"{n} reports of `notebooks/hypothesis.ipynb` (H1 on the demo data, {len(PLATFORMS)} "
        "platforms x "
        f"{n_periods} periods), {cores} cores, load average {load:.1f} at start, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| run | seconds | per report | reports ran / cached / failed |",
        "|---|---:|---:|---|",
    ]
    for label, secs, s in rows:
        lines.append(
            f"| {label} | {secs:.2f} | {secs / max(1, s['ran']):.2f} | {s['ran']} / {s['cached']} "
            f"/ {s['failed']} |"
        )
    if t_naive is not None:
        lines.append(
            f"| naive loop: `papermill` CLI + `jupyter nbconvert` CLI per report | {t_naive:.2f} "
            "| "
            f"{t_naive / n:.2f} | {n} / 0 / 0 |"
        )
        lines += [
            "",
            f"**Speed-up: {t_naive / t_run:.1f}x** (target >= 5x). Dialogic renders two HTML "
            "pages per "
            "report (academic + brief) plus results.json and provenance.json; the naive loop one "
            "page.",
            f"Same H1 estimates both ways: {same}.",
        ]
    lines += [
        "",
        f"Rerun with nothing changed: {t_noop:.2f} s (target < 2 s). One period changed: "
        f"{s_one['ran']} reports reran, {s_one['cached']} cached (expected {len(PLATFORMS)} "
        "reran).",
        "Hashing the analysis package source for the cache key (excluded here, see the script): "
        f"{t_hash * 1000:.0f} ms.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/runner.py --reports 12`",
    ]
    target = ROOT / "benchmarks" / "out" / "runner.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    print(f"wrote {target.relative_to(ROOT)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
