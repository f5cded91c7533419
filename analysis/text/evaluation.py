"""Measure the text signals against human-labelled real texts (precision, recall, F1, accuracy).

Each labelled corpus in ``../shared/data/real/`` has a loader in :data:`CORPORA` that returns a
tidy frame ``text, lang, <truth columns>``: ``negative`` (sentiment), ``question``
(speech act), ``promotional`` (spam) -- whichever the corpus labels -- and ``lang`` (the known
language). :func:`evaluate_corpora` runs every signal on every corpus that labels it and returns
one row per (signal, corpus, subset) with the confusion counts and the scores. The benchmark
``benchmarks/text_signals.py`` prints it as Markdown; the tests hold a floor under each figure.

Label mappings (documented in ``docs/text-signals.md``):

- sentiment: ``negative`` vs ``neutral`` + ``positive`` (3-class corpora); Sentiment140 0 vs 2/4.
- questions (Tweet Act Classification): ``QUE`` + ``REQ`` (question, request: both ask the
  reader for an answer or an act) vs ``STM``, ``EXP``, ``SUG``, ``THT``, ``OTH``; a second row
  scores ``QUE`` alone.
- promotion (YouTube Spam Collection): ``CLASS`` 1 (spam, overwhelmingly self-promotion) vs 0.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.text.language import detect_language
from analysis.text.promotion import is_promotional
from analysis.text.questions import is_question
from analysis.text.sentiment import is_negative

#: Label mapping for Tweet Act Classification: acts that ask the reader to answer or act.
TAC_QUESTION_ACTS = ("QUE", "REQ")


def _airline(root: Path) -> pd.DataFrame:
    df = pd.read_csv(
        root / "twitter-us-airline-sentiment" / "Tweets_sample.csv", dtype={"tweet_id": str}
    )
    return pd.DataFrame(
        {"text": df["text"], "lang": "en", "negative": df["airline_sentiment"].eq("negative")}
    )


def _tweeteval(root: Path) -> pd.DataFrame:
    df = pd.read_csv(root / "tweeteval-sentiment-test" / "tweeteval_sentiment_test_sample.csv")
    return pd.DataFrame(
        {"text": df["text"], "lang": "en", "negative": df["label_name"].eq("negative")}
    )


def _umsab(root: Path) -> pd.DataFrame:
    df = pd.read_csv(root / "umsab-french-tweets-sentiment" / "umsab_french_sample.csv")
    return pd.DataFrame(
        {
            "text": df["text"],
            "lang": "fr",
            "negative": df["label_name"].eq("negative"),
            "split": df["split"],
        }
    )


def _sentiment140(root: Path) -> pd.DataFrame:
    df = pd.read_csv(
        root / "sentiment140-manual-test" / "testdata.manual.2009.06.14.csv", header=None
    )
    return pd.DataFrame({"text": df[5], "lang": "en", "negative": df[0].eq(0)})


def _sanders(root: Path) -> pd.DataFrame:
    df = pd.read_csv(
        root / "sanders-twitter-sentiment" / "full-corpus_sample.csv", dtype={"TweetId": str}
    )
    df = df[df["Sentiment"].ne("irrelevant")]  # "irrelevant" = not English or off topic
    return pd.DataFrame(
        {"text": df["TweetText"], "lang": "en", "negative": df["Sentiment"].eq("negative")}
    )


def _allocine(root: Path) -> pd.DataFrame:
    df = pd.read_csv(root / "allocine-fr-reviews-polarity" / "test_data_allocine_full.csv")
    return pd.DataFrame({"text": df["text"], "lang": "fr", "negative": df["label"].eq(0)})


def _tweet_acts(root: Path) -> pd.DataFrame:
    df = pd.read_csv(
        root / "tweet-acts-tac" / "TWEET_DATA_sample.csv", header=None, names=["text", "act"]
    )
    act = df["act"].str.strip()
    return pd.DataFrame(
        {
            "text": df["text"],
            "lang": "en",
            "question": act.isin(TAC_QUESTION_ACTS),
            "question_que_only": act.eq("QUE"),
        }
    )


def _youtube(root: Path) -> pd.DataFrame:
    files = sorted((root / "youtube-spam-collection").glob("Youtube0*.csv"))
    df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    return pd.DataFrame({"text": df["CONTENT"], "lang": pd.NA, "promotional": df["CLASS"].eq(1)})


def _fr_media(root: Path) -> pd.DataFrame:
    df = pd.read_csv(root / "fr-media-tweets-2022" / "Tweets.csv", dtype={"id_tweet": str})
    return pd.DataFrame({"text": df["text"], "lang": "fr"})


def _fr_candidates(root: Path) -> pd.DataFrame:
    folder = root / "fr-candidates-debate-tweets-2017"
    first = pd.read_csv(folder / "tweets_debat.csv", dtype=str)
    second = pd.read_csv(folder / "tweets_debat_20170404.csv", dtype=str)
    first = first[first["is_retweet"].str.upper().eq("FALSE")]
    second = second[second["is_retweet"].str.upper().eq("FALSE")]
    lang = pd.concat(
        [first["lang"], pd.Series("fr", index=second.index)], ignore_index=True
    )  # 2nd file: French per SOURCE.md
    return pd.DataFrame(
        {"text": pd.concat([first["text"], second["tweet"]], ignore_index=True), "lang": lang}
    )


#: corpus name (folder in ../shared/data/real) -> (loader, role). ``dev`` corpora were used to
#: choose thresholds; ``test`` corpora only to report; ``unlabelled`` only to describe.
CORPORA: dict[str, tuple[Callable[[Path], pd.DataFrame], str]] = {
    "twitter-us-airline-sentiment": (_airline, "test"),
    "tweeteval-sentiment-test": (_tweeteval, "test"),
    "umsab-french-tweets-sentiment": (_umsab, "test"),
    "tweet-acts-tac": (_tweet_acts, "test"),
    "youtube-spam-collection": (_youtube, "test"),
    "sentiment140-manual-test": (_sentiment140, "dev"),
    "sanders-twitter-sentiment": (_sanders, "dev"),
    "allocine-fr-reviews-polarity": (_allocine, "dev"),
    "fr-media-tweets-2022": (_fr_media, "unlabelled"),
    "fr-candidates-debate-tweets-2017": (_fr_candidates, "unlabelled"),
}

#: signal name -> (truth column, function of (texts, lang) -> bool Series).
SIGNALS: dict[str, tuple[str, Callable]] = {
    "negative": ("negative", is_negative),
    "question": ("question", is_question),
    "question (QUE only)": ("question_que_only", is_question),
    "promotional": ("promotional", is_promotional),
}


def load_corpus(name: str, root: Path, size: int | None = None, seed: int = 0) -> pd.DataFrame:
    """Load corpus ``name`` from ``root`` (the real-data folder); at most ``size`` rows, sampled at
    random."""
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; choose one of {sorted(CORPORA)}")
    folder = Path(root) / name
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{folder} not found; pass the folder that holds ../shared/data/real"
        )
    df = CORPORA[name][0](Path(root)).reset_index(drop=True)
    df["text"] = df["text"].astype(object)
    if size is not None and len(df) > size:
        df = df.sample(n=size, random_state=seed).sort_index()
    return df


def binary_scores(truth: pd.Series, predicted: pd.Series) -> dict[str, float]:
    """Confusion counts, precision, recall, F1 and accuracy of ``predicted`` against ``truth``
    (both bool)."""
    t = np.asarray(truth, dtype=bool)
    p = np.asarray(predicted, dtype=bool)
    tp, fp, fn, tn = (
        int((t & p).sum()),
        int((~t & p).sum()),
        int((t & ~p).sum()),
        int((~t & ~p).sum()),
    )
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "n": len(t),
        "positives": int(t.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": (tp + tn) / len(t) if len(t) else float("nan"),
    }


def evaluate_corpora(root: Path, size: int | None = None) -> pd.DataFrame:
    """One row per (signal, corpus, language) with confusion counts and scores.

    Signals get the corpus's known language as ``lang`` (NA -> detected); the ``language`` rows
    score :func:`detect_language` (``accuracy`` = share detected as the known language, with
    ``<NA>`` counted wrong).
    """
    rows = []
    for name, (_, role) in CORPORA.items():
        if role == "unlabelled":
            continue
        df = load_corpus(name, root, size)
        lang = df["lang"].astype("string")
        for signal, (column, function) in SIGNALS.items():
            if column not in df:
                continue
            predicted = function(df["text"], lang)
            rows.append(
                {
                    "signal": signal,
                    "corpus": name,
                    "role": role,
                    "lang": _lang_label(lang),
                    **binary_scores(df[column], predicted),
                }
            )
            if "split" in df and signal == "negative":
                test = df["split"].eq("test")
                rows.append(
                    {
                        "signal": signal,
                        "corpus": f"{name} (test split)",
                        "role": role,
                        "lang": _lang_label(lang),
                        **binary_scores(df.loc[test, column], predicted[test]),
                    }
                )
        if lang.notna().all():
            rows.append(_language_row(df, name, role))
    return pd.DataFrame(rows)


def _lang_label(lang: pd.Series) -> str:
    known = lang.dropna().unique()
    return known[0] if len(known) == 1 else "en (+ others)"


def _language_row(df: pd.DataFrame, name: str, role: str) -> dict:
    detected = detect_language(df["text"])
    expected = df["lang"].astype("string")
    correct = detected.eq(expected).fillna(False)
    return {
        "signal": "language",
        "corpus": name,
        "role": role,
        "lang": _lang_label(expected),
        "n": len(df),
        "accuracy": float(correct.mean()),
        "undecided": float(detected.isna().mean()),
    }


def describe_unlabelled(root: Path, size: int | None = None) -> pd.DataFrame:
    """Share of questions, promotional and negative texts and detected languages on unlabelled
    French posts."""
    rows = []
    for name, (_, role) in CORPORA.items():
        if role != "unlabelled":
            continue
        df = load_corpus(name, root, size)
        detected = detect_language(df["text"])
        lang = df["lang"].astype("string")
        counts = detected.fillna("<NA>").value_counts(normalize=True)
        rows.append(
            {
                "corpus": name,
                "n": len(df),
                "question": float(is_question(df["text"], lang).mean()),
                "promotional": float(is_promotional(df["text"], lang).mean()),
                "negative": float(is_negative(df["text"], lang).mean()),
                "detected fr": float(counts.get("fr", 0.0)),
                "detected en": float(counts.get("en", 0.0)),
                "detected other": float(
                    1 - counts.get("fr", 0.0) - counts.get("en", 0.0) - counts.get("<NA>", 0.0)
                ),
                "undecided": float(counts.get("<NA>", 0.0)),
            }
        )
    return pd.DataFrame(rows)
