"""Behaviour of analysis.text on hand-written English and French examples (no real data needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.text import (
    detect_language,
    is_negative,
    is_promotional,
    is_question,
    sentiment_score,
)
from analysis.text.clean import normalize

NOISY = pd.Series(
    [
        "@Delta soooo gooood, thanks!!! 😍 http://t.co/abc #BestAirlineEver",
        "Merci beaucoup pour votre réponse rapide, très satisfait !",
        None,
        "👍👍",
        "&lt;b&gt;Worst&lt;/b&gt; service I have EVER had. Never again. #fail",
        "Service client nul, je suis très déçu, colis jamais arrivé 😡",
    ],
    index=[10, 11, 12, 13, 14, 15],
)


@pytest.mark.parametrize("function", [is_question, is_promotional, sentiment_score, is_negative])
def test_signals_are_aligned_on_the_input_index_and_typed(function):
    out = function(NOISY)
    assert out.index.equals(NOISY.index)
    assert out.dtype == (float if function is sentiment_score else bool)


def test_detect_language_handles_noise_and_missing_text():
    out = detect_language(NOISY)
    assert out.dtype == "string" and out.index.equals(NOISY.index)
    assert out.tolist()[:2] == ["en", "fr"]
    assert out.loc[12] is pd.NA and out.loc[13] is pd.NA  # None and emoji only: undecidable
    assert out.loc[14] == "en" and out.loc[15] == "fr"


def test_other_languages_keep_their_own_code():
    texts = pd.Series(
        [
            "Muchas gracias por la ayuda, el servicio fue excelente y muy rápido para todos "
            "nosotros",
            "Vielen Dank für die schnelle Antwort, der Kundendienst war wirklich sehr freundlich "
            "heute",
        ]
    )
    assert detect_language(texts).tolist() == ["es", "de"]


def test_sentiment_reads_tweet_noise_in_both_languages():
    scores = sentiment_score(NOISY)
    assert scores.loc[10] > 0.5 and scores.loc[11] > 0.3  # elongation, emoji, hashtag words
    assert scores.loc[14] < -0.3 and scores.loc[15] < -0.3  # HTML entities, French negatives
    assert pd.isna(scores.loc[12])
    assert scores.dropna().between(-1, 1).all()
    assert is_negative(NOISY).tolist() == [False, False, False, False, True, True]


def test_lang_argument_overrides_detection_and_na_falls_back():
    texts = pd.Series(["nul", "nul"])  # French "useless"; not an English word
    lang = pd.Series(["fr", pd.NA], dtype="string")
    assert sentiment_score(texts, lang).iloc[0] < 0
    assert is_negative(texts, pd.Series(["fr-FR", "FR"])).all()


def test_lang_with_another_index_is_realigned_and_bad_lang_is_refused():
    texts = pd.Series(["Avez-vous aimé ?", "Great"], index=["a", "b"])
    assert is_question(texts, pd.Series(["en", "fr"], index=["b", "a"])).tolist() == [True, False]
    with pytest.raises(ValueError, match="lang must be a pandas Series"):
        is_question(texts, ["fr", "en"])
    with pytest.raises(ValueError, match="texts must be a pandas Series"):
        is_question(["What?"])


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("What do you think of our new menu?", "en", True),
        ("How do I change my booking", "en", True),
        ("Do you ship to Canada", "en", True),
        ("Let us know your favourite flavour", "en", True),
        ("Please DM me the details", "en", True),
        ("We had a great time at the fair today.", "en", False),
        ("Watch it here https://youtube.com/watch?v=abc", "en", False),  # '?' inside a URL
        ("Life?s a bitch", "en", False),  # lost apostrophe, not a question
        ("Qu'en pensez-vous ?", "fr", True),
        ("Avez-vous testé notre nouvelle recette", "fr", True),
        ("Est-ce que la livraison est gratuite", "fr", True),
        ("Y a-t-il une boutique à Lyon", "fr", True),
        ("Dites-nous tout en commentaire", "fr", True),
        ("Pourquoi le train est encore en retard", "fr", True),
        ("Rendez-vous samedi au marché de Noël.", "fr", False),
        ("Abonnez-vous pour ne rien manquer", "fr", False),
        ("Quelle belle journée au bord de la mer", "fr", False),
    ],
)
def test_is_question_examples(text, lang, expected):
    assert is_question(pd.Series([text]), pd.Series([lang])).iloc[0] == expected


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("20% off everything this weekend only!", "en", True),
        ("Check out my channel, new video every week", "en", True),
        ("Shop the new collection now https://shop.example.com", "en", True),
        ("Use promo code SPRING for free shipping", "en", True),
        ("Thanks everyone for coming yesterday", "en", False),
        ("The match was great, what a goal", "en", False),
        ("Abonnez-vous à ma chaîne !", "fr", True),
        ("Soldes : -30% sur toute la boutique", "fr", True),
        ("Jeu concours : un panier garni à gagner", "fr", True),
        ("Découvrez notre nouvelle carte https://t.co/xyz", "fr", True),
        ("Quel plaisir de vous retrouver ce matin", "fr", False),
        ("La rue est sale depuis des semaines", "fr", False),  # French "sale" = dirty
    ],
)
def test_is_promotional_examples(text, lang, expected):
    assert is_promotional(pd.Series([text]), pd.Series([lang])).iloc[0] == expected


def test_normalize_cleans_tweet_noise():
    raw = pd.Series(
        ["RT @bob: I loooove it &amp; more <br />\ufeff #SoGood https://t.co/x \\u2026", pd.NA]
    )
    assert normalize(raw).tolist() == ["I loove it & more So Good …", ""]
    assert "URLTOKEN" in normalize(raw, urls="token").iloc[0]
    with pytest.raises(ValueError, match="urls="):
        normalize(raw, urls="nope")
