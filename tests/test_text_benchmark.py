"""Floors under the text signals' accuracy on human-labelled real texts (../shared/data/real).

The figures are those of docs/text-signals.md (``benchmarks/text_signals.py``); each floor sits
a few points below what was measured, so a change that degrades a signal fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text.evaluation import CORPORA, binary_scores, evaluate_corpora, load_corpus

# (signal, corpus) -> floors for precision, recall, F1 (measured: see docs/text-signals.md)
FLOORS = {
    ("negative", "twitter-us-airline-sentiment"): (
        0.72,
        0.55,
        0.62,
    ),  # measured 0.756 / 0.584 / 0.659
    ("negative", "tweeteval-sentiment-test"): (0.61, 0.52, 0.56),  # 0.640 / 0.554 / 0.594
    ("negative", "umsab-french-tweets-sentiment"): (0.69, 0.56, 0.62),  # 0.723 / 0.597 / 0.654
    ("negative", "umsab-french-tweets-sentiment (test split)"): (
        0.63,
        0.47,
        0.54,
    ),  # 0.670 / 0.510 / 0.579
    ("question", "tweet-acts-tac"): (0.85, 0.82, 0.84),  # 0.885 / 0.850 / 0.867
    ("promotional", "youtube-spam-collection"): (0.97, 0.84, 0.90),  # 0.995 / 0.876 / 0.932
}
LANGUAGE_FLOORS = {  # accuracy of detect_language on corpora of known language
    "twitter-us-airline-sentiment": 0.98,  # measured 0.994
    "tweeteval-sentiment-test": 0.96,  # 0.983
    "umsab-french-tweets-sentiment": 0.98,  # 0.995
    "tweet-acts-tac": 0.94,  # 0.968
    "allocine-fr-reviews-polarity": 0.98,  # 0.999
}


@pytest.fixture(scope="module")
def scores(real_data) -> pd.DataFrame:
    return evaluate_corpora(corpora(real_data)).set_index(["signal", "corpus"])


def corpora(real_data):
    """The floors are measured on the whole human-labelled corpora: ../shared only (not
    bundled)."""
    return real_data.root(
        "the text-signal floors need the full labelled corpora, most of them under "
        "unstated licences, so they are not bundled in tests/fixtures/real"
    )


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_signal_holds_its_floor(scores, key):
    row = scores.loc[key]
    precision, recall, f1 = FLOORS[key]
    assert row["precision"] >= precision and row["recall"] >= recall and row["f1"] >= f1, (
        row.to_dict()
    )


@pytest.mark.parametrize("corpus", sorted(LANGUAGE_FLOORS))
def test_language_detection_holds_its_floor(scores, corpus):
    assert scores.loc[("language", corpus), "accuracy"] >= LANGUAGE_FLOORS[corpus]


def test_scores_match_an_independent_confusion_table(scores, real_data):
    # recount one row with pandas.crosstab from the raw labels (independent of binary_scores)
    from analysis.text import is_promotional

    df = load_corpus("youtube-spam-collection", corpora(real_data))
    table = pd.crosstab(df["promotional"], is_promotional(df["text"], df["lang"].astype("string")))
    tp, fp, fn = table.loc[True, True], table.loc[False, True], table.loc[True, False]
    row = scores.loc[("promotional", "youtube-spam-collection")]
    assert row["precision"] == pytest.approx(tp / (tp + fp))
    assert row["recall"] == pytest.approx(tp / (tp + fn))
    assert row["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn))
    assert (
        row["positives"] == 1005 and row["n"] == 1956
    )  # the collection's published counts (SOURCE.md)


def test_binary_scores_by_hand():
    out = binary_scores([True, True, False, False, True], [True, False, True, False, True])
    assert (out["tp"], out["fp"], out["fn"], out["tn"]) == (2, 1, 1, 1)
    assert out["precision"] == pytest.approx(2 / 3) and out["recall"] == pytest.approx(2 / 3)
    assert out["f1"] == pytest.approx(2 / 3) and out["accuracy"] == pytest.approx(3 / 5)


def test_corpus_loaders_keep_the_published_label_counts(real_data):
    # class counts from each SOURCE.md: the label mappings read the files as documented
    real_data = corpora(real_data)
    assert load_corpus("twitter-us-airline-sentiment", real_data)["negative"].sum() == 1000
    assert load_corpus("tweeteval-sentiment-test", real_data)["negative"].sum() == 1000
    assert load_corpus("umsab-french-tweets-sentiment", real_data)["negative"].sum() == 998
    acts = load_corpus("tweet-acts-tac", real_data)
    assert acts["question"].sum() == 596 + 206 and acts["question_que_only"].sum() == 596
    assert len(load_corpus("fr-media-tweets-2022", real_data)) == 2800
    with pytest.raises(ValueError, match="unknown corpus"):
        load_corpus("nope", real_data)
    assert set(CORPORA) >= {"youtube-spam-collection", "fr-candidates-debate-tweets-2017"}
