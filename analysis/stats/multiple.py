"""Multiple-testing correction across the hypotheses of one study.

Holm (1979) by default: controls the family-wise error rate (the chance of any false "supported")
under any dependence between the tests. Benjamini–Hochberg (1995) as an option: controls the
false discovery rate, less strict when a study tests many hypotheses. Both via
``statsmodels.stats.multitest.multipletests``. Equivalence (TOST) p-values are corrected with the
others: each is the p of the hypothesis as stated.
"""

from __future__ import annotations

import copy

import numpy as np
from statsmodels.stats.multitest import multipletests

from analysis.stats.result import HypothesisResult, decide

METHODS = {"holm": "holm", "bh": "fdr_bh"}


def adjust_pvalues(
    results: list[HypothesisResult], method: str = "holm"
) -> list[HypothesisResult]:
    """Adjust the one-sided p-values of a study's results together and recompute the verdicts.

    Parameters
    ----------
    results : list of HypothesisResult
    method : {"holm", "bh"}

    Returns
    -------
    list of HypothesisResult
        Copies (inputs untouched) with ``p_adjusted`` and ``p_adjust_method`` filled in the table
        and ``verdict`` recomputed from ``p_adjusted`` (:func:`analysis.stats.result.decide`).
        Results whose p is missing (fit failed) keep ``p_adjusted`` NaN and do not count in the
        family.
    """
    if method not in METHODS:
        raise ValueError(
            f"method={method!r}: use 'holm' (family-wise error) or 'bh' (false discovery rate)"
        )
    out = [copy.copy(r) for r in results]
    for r in out:
        r.table = r.table.copy()
    p = np.array([float(r.table["p_value"].iloc[0]) for r in out], dtype=float)
    ok = np.isfinite(p)
    adjusted = np.full(len(p), np.nan)
    if ok.any():
        adjusted[ok] = multipletests(p[ok], method=METHODS[method])[1]
    for r, pa in zip(out, adjusted, strict=True):
        r.table["p_adjusted"] = pa
        r.table["p_adjust_method"] = method
        r.table["verdict"] = decide(r.table.iloc[0].to_dict())
    return out
