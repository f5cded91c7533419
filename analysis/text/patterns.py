"""Apply per-language regular-expression rules to a Series of texts (shared by questions and
promotion).

A rule set is a registry ``{language: [pattern, ...]}``; the key ``"*"`` holds rules that apply
to every language. Languages without their own rules use :data:`FALLBACK_LANGUAGE`'s rules as
well as the ``"*"`` ones. Texts are matched per language group with one combined,
case-insensitive regex, so the work is vectorised by pandas rather than looped in Python.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

FALLBACK_LANGUAGE = "en"


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | re.UNICODE)


def match_rules(cleaned: pd.Series, codes: pd.Series, rules: dict[str, list[str]]) -> pd.Series:
    """``True`` where ``cleaned`` matches a rule of its language (or a ``"*"`` rule).

    Parameters
    ----------
    cleaned : pd.Series
        Normalised texts (``str``, never NA).
    codes : pd.Series
        Language per text (ISO 639-1 or NA), aligned on ``cleaned``.
    rules : dict
        ``{language: [regex, ...]}`` with an optional ``"*"`` entry for all languages.
    """
    out = np.zeros(len(cleaned), dtype=bool)
    keys = (
        codes.fillna(FALLBACK_LANGUAGE)
        .where(lambda c: c.isin(list(rules)), FALLBACK_LANGUAGE)
        .to_numpy()
    )
    for language in pd.unique(keys):
        pattern = _compiled(tuple(rules.get("*", [])) + tuple(rules.get(language, [])))
        rows = keys == language
        out[rows] = cleaned[rows].str.contains(pattern, regex=True).to_numpy(dtype=bool)
    return pd.Series(out, index=cleaned.index, dtype=bool)
