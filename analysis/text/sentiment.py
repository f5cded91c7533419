"""Comment sentiment in English and French with VADER lexicons shipped in packages.

English uses VADER (Hutto & Gilbert 2014, ``vaderSentiment``), a rule-based lexicon tuned on
social-media text (emoticons, emoji, capitals, "!!!", negation, "but"). French uses the
``vaderSentiment-fr`` port (its own French lexicon and emoji descriptions). Both ship their
lexicons inside the wheel; nothing is downloaded. The analyzers are built once and cached.

A registry maps a language code to an analyzer factory; languages without their own lexicon
fall back to English VADER, which still reads emoji and emoticons.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.text.clean import normalize
from analysis.text.language import resolve_language

#: Customer-service complaint vocabulary missing from VADER (valence on VADER's -4..+4 scale).
#: Comments to business pages complain in words that are neutral elsewhere ("on hold", "still
#: waiting"); multi-word phrases are joined by :data:`PHRASES` before scoring.
EN_LEXICON_UPDATES = {
    "delayed": -1.5,
    "delays": -1.3,
    "waiting": -0.8,
    "waited": -1.0,
    "stranded": -2.0,
    "late": -0.8,
    "canceled": -1.0,
    "refund": -1.0,
    "nobody": -0.8,
    "unhelpful": -2.0,
    "disconnected": -1.2,
    "poorly": -1.5,
    "inconveniently": -1.2,
    "on_hold": -1.5,
    "hung_up": -1.5,
    "no_one": -0.8,
    "still_waiting": -1.5,
    "still_no": -1.2,
    "still_not": -1.2,
    "never_received": -2.0,
    "no_response": -1.5,
    "no_answer": -1.2,
    "not_working": -1.5,
    "doesn't_work": -1.5,
}
#: vaderSentiment-fr's lexicon (translated from VADER) holds artefacts: neutral words with a
#: valence ("prix" +2.3, "fois" -1.0, "sur" +0.4) and strong words scored weakly ("nul" -0.5,
#: "merde" -0.5). These overrides put them back on VADER's scale; the complaint vocabulary is
#: the French counterpart of :data:`EN_LEXICON_UPDATES`. Keys are accent-free, as in the port.
FR_LEXICON_UPDATES = {
    **{
        w: 0.0
        for w in (
            "sur",
            "s",
            "fois",
            "nouveau",
            "nouvelle",
            "nouveaux",
            "nouvelles",
            "direct",
            "sous",
            "part",
            "prix",
            "energies",
            "energie",
            "energetique",
            "lance",
            "source",
            "juste",
            "cher",
            "prive",
            "privee",
            "partir",
        )
    },
    "nul": -2.0,
    "nulle": -2.0,
    "nuls": -2.0,
    "merde": -2.5,
    "decu": -2.0,
    "decue": -2.0,
    "decus": -2.0,
    "degoute": -2.2,
    "degoutee": -2.2,
    "probleme": -1.5,
    "problemes": -1.5,
    "plainte": -1.2,
    "mal": -1.5,
    "honteux": -2.3,
    "honteuse": -2.3,
    "pitoyable": -2.3,
    "minable": -2.3,
    "bof": -1.0,
    "marre": -2.0,
    "retard": -1.5,
    "retards": -1.5,
    "annulation": -1.2,
    "panne": -1.5,
    "injoignable": -2.0,
    "rembourse": -0.5,
    "remboursement": -1.0,
    "attente": -0.8,
    "en_attente": -1.2,
    "toujours_pas": -1.5,
    "toujours_rien": -1.5,
    "aucune_reponse": -1.5,
    "ne_fonctionne_pas": -1.5,
    "ne_marche_pas": -1.5,
    "personne_ne": -1.0,
    "honte": -2.3,
    "arnaque": -3.0,
    "escroquerie": -3.0,
    "lamentable": -2.5,
}
#: Phrases joined into one token before scoring (lower-case, regex -> replacement).
PHRASES = {
    "en": [
        (r"\bon hold\b", "on_hold"),
        (r"\bhung up\b", "hung_up"),
        (r"\bno one\b", "no_one"),
        (r"\bstill (waiting|no|not)\b", r"still_\1"),
        (r"\bnever (received|got)\b", "never_received"),
        (r"\bno (response|answer|reply)\b", r"no_\1"),
        (r"\b(not working|doesn't work|does not work)\b", "not_working"),
    ],
    "fr": [
        (r"\ben attente\b", "en_attente"),
        (r"\btoujours (pas|rien)\b", r"toujours_\1"),
        (r"\baucune (r[ée]ponse|nouvelle)\b", "aucune_reponse"),
        (r"\bpersonne ne\b", "personne_ne"),
        (r"\bne (fonctionne|marche) (pas|plus)\b", r"ne_\1_pas"),
        (r"\bn['’ ](?:y )?(?:a|est) pas\b", "pas"),
    ],
}


@lru_cache(maxsize=1)
def _vader_en():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    analyzer.lexicon.update(EN_LEXICON_UPDATES)
    return analyzer


@lru_cache(maxsize=1)
def _vader_fr():
    with (
        warnings.catch_warnings()
    ):  # fuzzywuzzy warns about a speed-up only its fuzzy mode (unused) needs
        warnings.simplefilter("ignore", UserWarning)
        from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

    class _FrenchAnalyzer(SentimentIntensityAnalyzer):
        """The port gives a text with no sentiment word a *negative* score when it has "!" or
        "..." (``sum_s -= 0.5 * punct``); VADER itself leaves it at 0. Restore VADER's rule."""

        def score_valence(self, sentiments, text):
            if sentiments and not any(sentiments):
                return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
            return super().score_valence(sentiments, text)

    analyzer = _FrenchAnalyzer()
    analyzer.lexicon.update(FR_LEXICON_UPDATES)
    return analyzer


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
    language = language if language in ANALYZERS else FALLBACK_LANGUAGE
    for pattern, replacement in _phrases(language):
        text = pattern.sub(replacement, text)
    return float(ANALYZERS[language]().polarity_scores(text)["compound"])


@lru_cache(maxsize=16)
def _phrases(language: str) -> list[tuple[re.Pattern, str]]:
    return [(re.compile(p, re.IGNORECASE), r) for p, r in PHRASES.get(language, [])]


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
    scores = [
        _score_one(t, code) for t, code in zip(cleaned, _languages(texts, lang), strict=True)
    ]
    return pd.Series(np.asarray(scores, dtype=float), index=texts.index)


def is_negative(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Whether each text is negative: compound score at or below :data:`NEGATIVE_THRESHOLD`.

    Returns a ``bool`` Series aligned on ``texts.index`` (empty texts are not negative).
    """
    codes = resolve_language(texts, lang)
    scores = sentiment_score(texts, codes)
    default = NEGATIVE_THRESHOLD[FALLBACK_LANGUAGE]
    threshold = np.array(
        [NEGATIVE_THRESHOLD.get(c, default) for c in codes.fillna(FALLBACK_LANGUAGE)]
    )
    return pd.Series(scores.to_numpy() <= threshold, index=texts.index, dtype=bool)
