"""Language identification for short, noisy posts (offline, py3langid).

py3langid (Lui & Baldwin's langid.py, a naive Bayes model over byte n-grams, 97 languages,
shipped inside the wheel) scores each cleaned text. Tweets are short, so on a handful of words
a related language (es, it, ca, nl, ...) can edge out English or French by a hair. Dialogic
studies are English/French, so the two get a *prior*: a constant bonus added to their log
scores (Bayes' rule with an informative prior; the bonus does not grow with text length, so a
long text in another language still wins). Texts with fewer than :data:`MIN_LETTERS` letters
after cleaning are undecidable and get ``<NA>``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.text.clean import normalize

#: Log-prior bonus (nats) for the languages Dialogic studies; 0 for every other language.
LANGUAGE_PRIOR = {"en": 6.0, "fr": 6.0}
#: Fewer letters than this after cleaning -> <NA> (nothing to decide on).
MIN_LETTERS = 3
_LETTER_RE = re.compile(r"[^\W\d_]")
_EMOJI_RE = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]")


@lru_cache(maxsize=1)
def _identifier():
    """The py3langid model, loaded once (about 0.3 s) and kept."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    labels = list(identifier.nb_classes)
    bonus = np.array([LANGUAGE_PRIOR.get(code, 0.0) for code in labels], dtype=np.float32)
    return identifier, labels, bonus


@lru_cache(maxsize=200_000)
def _detect_one(text: str) -> str | None:
    if len(_LETTER_RE.findall(text)) < MIN_LETTERS:
        return None
    identifier, labels, bonus = _identifier()
    scores = identifier._decide(text) + bonus  # raw log scores per class (+ prior)
    return labels[int(np.argmax(scores))]


def detect_language(texts: pd.Series) -> pd.Series:
    """Detect the language of each text.

    Parameters
    ----------
    texts : pd.Series
        Raw posts or comments; ``None``/NA, URLs, mentions, hashtags, emoji and HTML allowed.

    Returns
    -------
    pd.Series
        ``string`` dtype aligned on ``texts.index``: an ISO 639-1 code (``"en"``, ``"fr"``,
        ``"es"``, ...) or ``<NA>`` when the text is empty or has fewer than
        :data:`MIN_LETTERS` letters once URLs, mentions and emoji are removed.

    Notes
    -----
    The decision is ``argmax_l [log P(text | l) + log P(l)]`` with py3langid's naive Bayes
    log-likelihoods and a log prior of :data:`LANGUAGE_PRIOR` for English and French.

    Examples
    --------
    >>> texts = pd.Series(["Merci beaucoup pour votre réponse !", "Thanks a lot!", "👍", None])
    >>> detect_language(texts).tolist()
    ['fr', 'en', <NA>, <NA>]
    """
    cleaned = normalize(texts, urls="drop", mentions="drop", hashtags="words")
    detected = [_detect_one(_EMOJI_RE.sub(" ", t)) for t in cleaned]
    return pd.Series(detected, index=texts.index, dtype="string")


def resolve_language(texts: pd.Series, lang: pd.Series | None) -> pd.Series:
    """Languages to use for ``texts``: ``lang`` where given (normalised to ISO 639-1), else
    detected.

    ``lang`` values such as ``"fr-FR"``, ``"en_US"`` or ``"FR"`` become ``"fr"``/``"en"``;
    missing values (and ``"und"``) are filled by :func:`detect_language` on those rows only.
    Returns a ``string`` Series aligned on ``texts.index`` (``<NA>`` where undecidable).
    """
    if lang is None:
        return detect_language(texts)
    if not isinstance(lang, pd.Series):
        raise ValueError(
            f"lang must be a pandas Series aligned on texts (or None), got {type(lang).__name__}"
        )
    if not lang.index.equals(texts.index):
        if not lang.index.is_unique:
            raise ValueError(
                "lang has a different, non-unique index from texts; align it on texts.index first"
            )
        lang = lang.reindex(texts.index)
    codes = lang.astype("string").str.strip().str.lower().str.slice(0, 2)
    codes = codes.mask(
        codes.isin(["", "un", "zx", "qm", "qc", "qh", "qs", "qt"])
    )  # Twitter's "und"/"zxx"/q* codes
    missing = codes.isna()
    if missing.any():
        codes = codes.copy()
        codes[missing] = detect_language(texts[missing])
    return codes
