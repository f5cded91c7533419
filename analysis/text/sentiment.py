"""Comment sentiment in English and French with VADER lexicons shipped in packages.

English uses VADER (Hutto & Gilbert 2014, ``vaderSentiment``), a rule-based lexicon tuned on
social-media text (emoticons, emoji, capitals, "!!!", negation, "but"). French uses the
``vaderSentiment-fr`` port (its own French lexicon and emoji descriptions). Both ship their
lexicons inside the wheel; nothing is downloaded. The analyzers are built once and cached.

A registry maps a language code to an analyzer factory; languages without their own lexicon
fall back to English VADER, which still reads emoji and emoticons.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

from analysis.text.clean import normalize
from analysis.text.language import resolve_language


@lru_cache(maxsize=1)
def _vader_en():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _vader_fr():
    with warnings.catch_warnings():  # fuzzywuzzy warns about a speed-up only its fuzzy mode (unused) needs
        warnings.simplefilter("ignore", UserWarning)
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


#: language -> factory of an object with ``polarity_scores(text) -> {"compound": float, ...}``.
ANALYZERS: dict[str, Callable] = {"en": _vader_en, "fr": _vader_fr}
#: Analyzer used for languages not in :data:`ANALYZERS` (and for undetected language).
FALLBACK_LANGUAGE = "en"
#: A comment is negative when its compound score is at or below this value (per language).
NEGATIVE_THRESHOLD: dict[str, float] = {"en": -0.05, "fr": -0.05}


@lru_cache(maxsize=400_000)
def _score_one(text: str, language: str) -> float:
    if not text:
        return float("nan")
    analyzer = ANALYZERS.get(language, ANALYZERS[FALLBACK_LANGUAGE])()
    return float(analyzer.polarity_scores(text)["compound"])


def _languages(texts: pd.Series, lang: pd.Series | None) -> list[str]:
    codes = resolve_language(texts, lang).fillna(FALLBACK_LANGUAGE)
    return [c if c in ANALYZERS else FALLBACK_LANGUAGE for c in codes]


def sentiment_score(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Sentiment of each text, from -1 (most negative) to +1 (most positive).

    Parameters
    ----------
    texts : pd.Series
        Raw comments; ``None``/NA, URLs, mentions, hashtags, emoji and HTML allowed.
    lang : pd.Series, optional
        ISO 639-1 language per text, aligned on ``texts``; NA (or no Series) -> detected.

    Returns
    -------
    pd.Series
        ``float64`` aligned on ``texts.index``; NaN for empty texts.

    Notes
    -----
    VADER's compound score: the sum ``s`` of word valences (after negation, boosters, capitals
    and punctuation emphasis) normalised as ``s / sqrt(s**2 + 15)``.

    References
    ----------
    Hutto, C.J. & Gilbert, E.E. (2014). VADER: A Parsimonious Rule-based Model for Sentiment
    Analysis of Social Media Text. ICWSM-14.
    """
    cleaned = normalize(texts, urls="drop", mentions="drop", hashtags="words")
    scores = [_score_one(t, code) for t, code in zip(cleaned, _languages(texts, lang))]
    return pd.Series(np.asarray(scores, dtype=float), index=texts.index)


def is_negative(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Whether each text is negative: compound score at or below :data:`NEGATIVE_THRESHOLD`.

    Returns a ``bool`` Series aligned on ``texts.index`` (empty texts are not negative).
    """
    codes = resolve_language(texts, lang)
    scores = sentiment_score(texts, codes)
    default = NEGATIVE_THRESHOLD[FALLBACK_LANGUAGE]
    threshold = np.array([NEGATIVE_THRESHOLD.get(c, default) for c in codes.fillna(FALLBACK_LANGUAGE)])
    return pd.Series(scores.to_numpy() <= threshold, index=texts.index, dtype=bool)
