"""Normalise noisy social-media text before the text signals read it.

Tweets and comments carry noise that lexicons and n-gram models were not built for: URLs,
@mentions, #hashtags, HTML entities and tags, byte-order marks, literal ``\\u2026`` escapes,
elongated words (``soooo gooood``) and ``RT @user:`` prefixes. Each signal needs a slightly
different view (promotion keeps a marker where a URL was; language detection drops every
non-word), so :func:`normalize` takes the choices as arguments.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import pandas as pd

URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|fr|net|org|ly|be|ca|ch|co|tv|io|me|info|biz|nl|pl|ru|de|uk)(?:/\S*|\b)",
    re.I,
)
MENTION_RE = re.compile(r"(?<![\w@])@\w+")
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)")
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
RETWEET_RE = re.compile(r"^\s*RT\s+@\w+\s*:?\s*")
ELONGATED_RE = re.compile(r"([^\W\d_])\1{2,}")
CAMEL_RE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Ý])")
SPACE_RE = re.compile(r"\s+")
#: Placeholder left where a URL was, when asked (kept as a plain word so regexes can see it).
URL_TOKEN = "URLTOKEN"


def _unescape(match: re.Match) -> str:
    return chr(int(match.group(1), 16))


def _hashtag_words(match: re.Match) -> str:
    # "#WorstServiceEver" -> "Worst Service Ever"; "#fail" -> "fail"
    return CAMEL_RE.sub(" ", match.group(1))


def _squash(match: re.Match) -> str:
    return match.group(1) * 2


def normalize(
    texts: pd.Series,
    *,
    urls: str = "drop",
    mentions: str = "drop",
    hashtags: str = "words",
    elongations: bool = True,
) -> pd.Series:
    """Return cleaned texts as ``str`` (missing texts become ``""``), aligned on ``texts``.

    Parameters
    ----------
    texts : pd.Series
        Raw texts; ``None``/NA allowed.
    urls : {"drop", "token", "keep"}
        Remove URLs, replace them with :data:`URL_TOKEN`, or leave them.
    mentions : {"drop", "keep"}
        Remove ``@user`` mentions (and a leading ``RT @user:``) or leave them.
    hashtags : {"words", "drop", "keep"}
        ``#WorstServiceEver`` -> ``Worst Service Ever``, remove it, or leave it.
    elongations : bool
        Squash a letter repeated three or more times to two (``soooo`` -> ``soo``);
        sentiment lexicon look-ups then try one letter too (see ``sentiment``).

    Returns
    -------
    pd.Series
        Cleaned strings, whitespace collapsed and stripped.
    """
    for name, value, allowed in (
        ("urls", urls, ("drop", "token", "keep")),
        ("mentions", mentions, ("drop", "keep")),
        ("hashtags", hashtags, ("words", "drop", "keep")),
    ):
        if value not in allowed:
            raise ValueError(f"normalize: {name}={value!r} is not one of {allowed}")
    return pd.Series(
        [_normalize_one(t, urls, mentions, hashtags, elongations) for t in _as_strings(texts)],
        index=texts.index,
        dtype=object,
    )


def _as_strings(texts: pd.Series) -> list[str]:
    if not isinstance(texts, pd.Series):
        raise ValueError(
            f"texts must be a pandas Series of strings, got {type(texts).__name__}; "
            "wrap it with pd.Series(...)"
        )
    return [
        "" if (t is None or t is pd.NA or (isinstance(t, float) and t != t)) else str(t)
        for t in texts
    ]


@lru_cache(maxsize=200_000)
def _normalize_one(text: str, urls: str, mentions: str, hashtags: str, elongations: bool) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace(
        "\ufeff", " "
    )  # fullwidth/math letters -> plain
    if "\\u" in text:
        text = ESCAPE_RE.sub(_unescape, text)
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = TAG_RE.sub(" ", text)
    if urls != "keep":
        text = URL_RE.sub(" " + URL_TOKEN + " " if urls == "token" else " ", text)
    if mentions == "drop":
        text = RETWEET_RE.sub(" ", text)
        text = MENTION_RE.sub(" ", text)
    if hashtags == "words":
        text = HASHTAG_RE.sub(_hashtag_words, text)
    elif hashtags == "drop":
        text = HASHTAG_RE.sub(" ", text)
    if elongations:
        text = ELONGATED_RE.sub(_squash, text)
    return SPACE_RE.sub(" ", text).strip()
