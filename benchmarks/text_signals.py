"""Accuracy and speed of the text signals on human-labelled real texts (English and French).

Recomputes every figure in docs/text-signals.md and writes them as Markdown to
benchmarks/out/text_signals.md:

    .venv/bin/python benchmarks/text_signals.py              # full run (about 10 s on 2 cores)
    .venv/bin/python benchmarks/text_signals.py --size 300   # quick run: at most 300 texts per
    corpus

The corpora live in ../shared/data/real (see each folder's SOURCE.md); the label mappings are in
analysis/text/evaluation.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import config  # noqa: E402
from analysis.text import detect_language, is_negative, is_promotional, is_question  # noqa: E402
from analysis.text.evaluation import CORPORA, describe_unlabelled, evaluate_corpora, load_corpus  # noqa: E402

DEFAULT_DATA = config.PROJECT_ROOT.parent / "shared" / "data" / "real"
DEFAULT_OUT = Path(__file__).resolve().parent / "out" / "text_signals.md"


_COUNTS = {"n", "positives", "tp", "fp", "fn", "tn"}


def _fmt(value, digits: int = 3, count: bool = False) -> str:
    if count and isinstance(value, (int, float)) and not pd.isna(value):
        return f"{int(value):,}"
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.{digits}f}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _table(df: pd.DataFrame, columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for _, row in df.iterrows():
        lines.append(
            "| " + " | ".join(_fmt(row.get(c), count=c in _COUNTS) for c in columns) + " |"
        )
    return "\n".join(lines)


def throughput(root: Path, n: int = 20_000) -> float:
    """Texts per minute for all four signals on ``n`` distinct real texts, caches cleared first."""
    from analysis.text import clean, language, sentiment

    texts = pd.concat(
        [load_corpus(name, root)["text"] for name in CORPORA], ignore_index=True
    ).dropna()
    texts = texts.drop_duplicates().reset_index(drop=True)
    texts = pd.concat([texts] * (n // len(texts) + 1), ignore_index=True)[:n]
    # make every text distinct so that no cache hides the work
    texts = texts + pd.Series([f" {i}" for i in range(len(texts))])
    for cached in (clean._normalize_one, language._detect_one, sentiment._score_one):
        cached.cache_clear()
    start = time.perf_counter()
    lang = detect_language(texts)
    is_question(texts, lang), is_promotional(texts, lang), is_negative(texts, lang)
    return len(texts) / (time.perf_counter() - start) * 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", type=int, default=None, help="at most this many texts per corpus (default: all)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder of real samples (../shared/data/real)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown file to write")
    parser.add_argument(
        "--speed-texts", type=int, default=20_000, help="texts for the throughput line (0: skip)"
    )
    args = parser.parse_args(argv)

    scores = evaluate_corpora(args.data, args.size)
    binary = scores[scores["signal"].ne("language")]
    lang_rows = scores[scores["signal"].eq("language")]
    unlabelled = describe_unlabelled(args.data, args.size)

    parts = [
        "## Signals against human labels",
        "",
        _table(
            binary,
            [
                "signal",
                "corpus",
                "role",
                "lang",
                "n",
                "positives",
                "precision",
                "recall",
                "f1",
                "accuracy",
            ],
        ),
        "",
        "## Language detection (corpora of known language)",
        "",
        _table(lang_rows, ["corpus", "role", "lang", "n", "accuracy", "undecided"]),
        "",
        "## Unlabelled real French posts (share of texts)",
        "",
        _table(unlabelled, list(unlabelled.columns)),
    ]
    if args.speed_texts:
        rate = throughput(args.data, args.speed_texts)
        parts += [
            "",
            f"Throughput: {rate:,.0f} texts per minute (all four signals, {args.speed_texts:,} "
            "distinct texts, one core).",
        ]
    size = "all texts" if args.size is None else f"at most {args.size} texts per corpus"
    parts += [
        "",
        "Command: `.venv/bin/python "
        f"benchmarks/text_signals.py{'' if args.size is None else f' --size {args.size}'}` "
        f"({size}).",
    ]
    text = "\n".join(parts) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
