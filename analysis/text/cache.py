"""Text signals computed once per distinct text and kept beside the data set.

The measures need five signals per post or comment (language, question, promotion, sentiment,
negative tone). Computing them costs tens of microseconds a text, which at 10 million comments is
minutes, and a rerun of the same study would pay it again. :func:`text_signals` therefore

1. reduces the texts to their distinct (text, given language) pairs (real threads repeat "Thanks!",
   emoji and copy-pasted complaints; a rerun repeats everything);
2. looks each pair up by content hash in ``<data set>/.cache/text-signals-<version>.parquet``;
3. computes the missing pairs in batches (with a progress bar) with the very functions of
   :mod:`analysis.text`, and adds them to the cache atomically.

``<version>`` is a hash of the source of :mod:`analysis.text`: changing a rule, a lexicon or the
language prior starts a new cache, so a cached value is always the value the code gives today.
Without a cache folder (``cache_dir=None``) or when the folder is read-only the signals are
computed and not kept.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis._io import atomic_path

SIGNALS = ("lang", "is_question", "is_promotional", "sentiment", "negative")
#: texts computed per batch (one progress-bar step)
BATCH = 20_000


@lru_cache(maxsize=1)
def signals_version() -> str:
    """Hash of the text-signal code (every module of :mod:`analysis.text` but this one)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(here.glob("*.py")):
        if path.name != "cache.py":
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _keys(texts: pd.Series, langs: pd.Series) -> np.ndarray:
    """64-bit content hash of each (text, given language) pair."""
    out = np.empty(len(texts), dtype=np.int64)
    for i, (t, lang) in enumerate(zip(texts.tolist(), langs.tolist(), strict=True)):
        raw = (
            ("\x00" if t is None or t is pd.NA else "\x01" + t)
            + "\x1f"
            + ("" if lang is None or lang is pd.NA else lang)
        )
        out[i] = int.from_bytes(
            hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=8).digest(),
            "little",
            signed=True,
        )
    return out


def compute_signals(texts: pd.Series, langs: pd.Series) -> pd.DataFrame:
    """The five signals of each text, uncached: the language (the given one, else detected), then
    question, promotion, sentiment and negative tone in that language."""
    from analysis.text import (
        detect_language,
        is_negative,
        is_promotional,
        is_question,
        sentiment_score,
    )

    texts = texts.reset_index(drop=True).astype("string")
    given = langs.reset_index(drop=True).astype("string")
    lang = given.where(given.notna(), detect_language(texts)) if given.isna().any() else given
    return pd.DataFrame(
        {
            "lang": lang.astype("string"),
            "is_question": is_question(texts, lang).astype(bool).to_numpy(),
            "is_promotional": is_promotional(texts, lang).astype(bool).to_numpy(),
            "sentiment": sentiment_score(texts, lang).astype(float).to_numpy(),
            "negative": is_negative(texts, lang).astype(bool).to_numpy(),
        }
    )


def _distinct(texts: pd.Series, langs: pd.Series) -> tuple[np.ndarray, pd.Series, pd.Series]:
    """(codes, distinct texts, their given languages): row i has pair ``codes[i]``."""
    t_codes, t_uniques = pd.factorize(texts, use_na_sentinel=True)
    l_codes, l_uniques = pd.factorize(langs, use_na_sentinel=True)
    pair = (t_codes.astype(np.int64) + 1) * (len(l_uniques) + 1) + (l_codes + 1)
    codes, pairs = pd.factorize(pair)
    t_of, l_of = pairs // (len(l_uniques) + 1) - 1, pairs % (len(l_uniques) + 1) - 1
    t_vals = pd.Series(np.asarray(t_uniques, dtype=object), dtype="string")
    l_vals = pd.Series(np.asarray(l_uniques, dtype=object), dtype="string")
    distinct_t = pd.Series(pd.array([None] * len(pairs), dtype="string"))
    distinct_l = distinct_t.copy()
    distinct_t[t_of >= 0] = t_vals.to_numpy()[t_of[t_of >= 0]]
    distinct_l[l_of >= 0] = l_vals.to_numpy()[l_of[l_of >= 0]]
    return codes, distinct_t, distinct_l


def _read_cache(path: Path | None) -> pd.DataFrame:
    if path is None or not path.exists():
        return _EMPTY.copy()
    return pd.read_parquet(path)


_EMPTY = pd.DataFrame(
    {
        "key": pd.Series(dtype=np.int64),
        "lang": pd.Series(dtype="string"),
        "is_question": pd.Series(dtype=bool),
        "is_promotional": pd.Series(dtype=bool),
        "sentiment": pd.Series(dtype=float),
        "negative": pd.Series(dtype=bool),
    }
)


def _write_cache(path: Path, frame: pd.DataFrame) -> bool:
    try:
        with atomic_path(path, suffix="") as tmp:
            frame.to_parquet(tmp, index=False)
        return True
    except OSError:
        return False


def cache_path(cache_dir: Path | str | None) -> Path | None:
    """The cache file of today's text-signal code in ``cache_dir`` (None: no cache)."""
    return (
        None
        if cache_dir is None
        else Path(cache_dir) / f"text-signals-{signals_version()}.parquet"
    )


def text_signals(
    texts: pd.Series,
    langs: pd.Series,
    cache_dir: Path | str | None = None,
    progress: bool | None = None,
    what: str = "texts",
) -> pd.DataFrame:
    """The five text signals of each row, computed once per distinct (text, language) pair.

    Parameters
    ----------
    texts, langs : pandas.Series
        Texts and the language the platform gave (NA: detect), aligned.
    cache_dir : path, optional
        Folder of the cache (``<data set>/.cache``); None computes without keeping.
    progress : bool, optional
        Show a progress bar over the batches to compute (default: when more than one batch).
    what : str
        Name of the texts in the progress bar ("post texts", "comment texts").

    Returns
    -------
    pandas.DataFrame
        Columns ``lang, is_question, is_promotional, sentiment, negative``, on ``texts.index``;
        ``attrs["computed"]`` and ``attrs["cached"]`` count the distinct pairs computed and found.
    """
    from tqdm.auto import tqdm

    codes, distinct_t, distinct_l = _distinct(texts, langs)
    path = cache_path(cache_dir)
    keys = _keys(distinct_t, distinct_l)
    cached = _read_cache(path)
    cached = cached[cached["key"].isin(keys)] if len(cached) else cached
    known = pd.Index(cached["key"]).get_indexer(keys)
    todo = np.flatnonzero(known < 0)
    parts = []
    if len(todo):
        steps = range(0, len(todo), BATCH)
        show = progress if progress is not None else len(steps) > 1
        for start in tqdm(
            steps, desc=f"text signals of {what}", unit="batch", disable=not show, leave=False
        ):
            idx = todo[start : start + BATCH]
            part = compute_signals(distinct_t.iloc[idx], distinct_l.iloc[idx])
            part.insert(0, "key", keys[idx])
            parts.append(part)
        new = pd.concat(parts, ignore_index=True)
        if path is not None:
            _write_cache(
                path,
                pd.concat([_read_cache(path), new], ignore_index=True).drop_duplicates(
                    "key", keep="last"
                ),
            )
        table = pd.concat([cached, new], ignore_index=True) if len(cached) else new
    else:
        table = cached
    row = pd.Index(table["key"]).get_indexer(keys)[codes]
    out = table.iloc[row, 1:].reset_index(drop=True)
    out = out.set_axis(texts.index)
    out["lang"] = out["lang"].astype("string")
    for col in ("is_question", "is_promotional", "negative"):
        out[col] = out[col].astype(bool)
    out["sentiment"] = out["sentiment"].astype(float)
    out.attrs.update(computed=int(len(todo)), cached=int(len(keys) - len(todo)))
    return out[list(SIGNALS)]
