"""Import throughput on a large twarc2 file, against a bare orjson parse of the same file.

Builds a twarc2 file of ``--tweets`` tweets in a temporary folder by replicating the real sample
pages (../shared/data/real/twarc2-docnow) with new ids (every tweet, conversation and referenced
id gets a replica suffix, so threads stay consistent inside each replica), then:

1. parses it with bare ``orjson.loads`` line by line (the floor any importer pays);
2. imports it with ``analysis.importers.import_paths("twarc2", ...)`` into a temporary data set.

Prints tweets/s for both, their ratio, and the peak resident memory of the process
(``resource.getrusage``) after each step. Usage::

    .venv/bin/python benchmarks/import_throughput.py --tweets 1000000
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT.parent / "shared" / "data" / "real" / "twarc2-docnow"
PAGES = ["noflat.jsonl", "withheld.jsonl", "brexit.jsonl", "2sets.jsonl"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _renumber(t: dict, suffix: str) -> None:
    t["id"] = t["id"] + suffix
    if "conversation_id" in t:
        t["conversation_id"] = t["conversation_id"] + suffix
    for r in t.get("referenced_tweets") or ():
        r["id"] = r["id"] + suffix


def build(path: Path, n_tweets: int) -> int:
    """Write about ``n_tweets`` tweets (whole pages) to ``path``; return the exact number
    written."""
    pages = [
        orjson.loads(line)
        for f in PAGES
        for line in (SAMPLE / f).read_bytes().splitlines()
        if line.strip()
    ]
    written, k = 0, 0
    with open(path, "wb") as fh:
        while written < n_tweets:
            suffix = f"{k:07d}"
            for page in pages:
                if written >= n_tweets:
                    break
                page = orjson.loads(orjson.dumps(page))
                data = page["data"][: n_tweets - written]
                page["data"] = data
                for t in data:
                    _renumber(t, suffix)
                for t in page.get("includes", {}).get("tweets", ()):
                    _renumber(t, suffix)
                fh.write(orjson.dumps(page) + b"\n")
                written += len(data)
            k += 1
    return written


def bare_parse(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            n += len(orjson.loads(line)["data"])
    return n


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--tweets",
        type=int,
        default=1_000_000,
        help="tweets in the generated file (default 1,000,000)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument(
        "--file",
        type=Path,
        help="reuse this twarc2 file (built there first if absent), so that "
        "runs comparing two versions read the same bytes",
    )
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="dialogic-bench-"))
    os.environ.setdefault("DIALOGIC_KEY_FILE", str(tmp / "pseudonym.key"))
    from analysis import config
    from analysis.importers import import_paths

    config.PSEUDONYM_KEY_FILE = Path(os.environ["DIALOGIC_KEY_FILE"])
    f = args.file or tmp / "big.jsonl"
    t0 = time.perf_counter()
    if f.exists():
        n = bare_parse(f)
        print(f"reusing {f}: {n:,} tweets")
    else:
        n = build(f, args.tweets)
        print(
            f"built {n:,} tweets, {f.stat().st_size / 1e6:,.0f} MB in "
            f"{time.perf_counter() - t0:.1f} s  ({f})"
        )
    size = f.stat().st_size
    rss_build = _rss_mb()

    t0 = time.perf_counter()
    assert bare_parse(f) == n
    t_parse = time.perf_counter() - t0
    rss_parse = _rss_mb()

    t0 = time.perf_counter()
    s = import_paths("twarc2", [f], tmp / "out", progress=False)
    t_import = time.perf_counter() - t0
    rss_import = _rss_mb()
    assert s.reconciles()
    res = {
        "tweets": n,
        "file_mb": size / 1e6,
        "orjson_s": t_parse,
        "orjson_tweets_per_s": n / t_parse,
        "import_s": t_import,
        "import_tweets_per_s": n / t_import,
        "ratio_import_to_orjson": t_import / t_parse,
        "peak_rss_mb_after_build": rss_build,
        "peak_rss_mb_after_parse": rss_parse,
        "peak_rss_mb_after_import": rss_import,
    }
    print(s)
    print(f"bare orjson parse : {t_parse:8.1f} s  {n / t_parse:12,.0f} tweets/s")
    print(
        f"dialogic import   : {t_import:8.1f} s  {n / t_import:12,.0f} tweets/s  "
        f"({t_import / t_parse:.1f}x the bare parse time)"
    )
    print(
        f"peak RSS (MB)     : after build {rss_build:,.0f}, after parse {rss_parse:,.0f}, after "
        "import "
        f"{rss_import:,.0f}"
    )
    if not args.keep:
        import shutil

        shutil.rmtree(tmp)
    return res


if __name__ == "__main__":
    main()
