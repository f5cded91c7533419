"""Page-level and within-page robustness tests, each returning one row of the robustness table.

A robustness test answers the same question with fewer assumptions, one page = one observation
(or, for within-page contrasts, one page = one pair), so that it cannot be fooled by posts of the
same page being alike.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.messages import Message


def robustness_row(
    test: str,
    statistic=np.nan,
    p_value=np.nan,
    estimate=np.nan,
    ci_low=np.nan,
    ci_high=np.nan,
    note: str = "",
) -> dict:
    """One row of ``HypothesisResult.robustness`` (columns test .. note)."""
    return {
        "test": test,
        "statistic": float(statistic),
        "p_value": float(p_value),
        "estimate": float(estimate),
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "note": note,
    }


def _one_sided_from_null(observed: float, null_stats: np.ndarray, direction: str) -> float:
    """Permutation p with the observed labelling counted: (1 + #as extreme)/(1 + n)."""
    eps = 1e-12 * max(1.0, abs(observed))
    if direction == "less":
        k = np.sum(null_stats <= observed + eps)
    elif direction == "greater":
        k = np.sum(null_stats >= observed - eps)
    else:
        k = np.sum(np.abs(null_stats) >= abs(observed) - eps)
    return float(k) / len(null_stats)


#: Labels × relabellings drawn at once by :func:`permutation_test_groups` (about 16 MB of labels).
PERMUTATION_BLOCK_CELLS = 2_000_000


def permutation_test_groups(
    values: np.ndarray, labels: np.ndarray, direction: str, n_perm: int = 4999, seed: int = 0
) -> tuple[float, float]:
    """Two-sample permutation test of the difference in means (focal label 1 minus label 0).

    Parameters
    ----------
    values : array
        One value per page (e.g. mean replies per post).
    labels : array of 0/1
        1 = focal group.
    direction : {"less", "greater", "two-sided"}
    n_perm : int
        Random relabellings. When the number of distinct relabellings C(n, n1) is at most
        ``n_perm`` the test enumerates them all (exact test).
    seed : int
        Seed of ``numpy.random.default_rng`` (results are reproducible).

    Returns
    -------
    (statistic, p_value)
        Observed mean difference and its permutation p. Exact enumeration includes the observed
        labelling in the reference set; the Monte Carlo version adds it once, p = (1 + k)/(1 + B)
        (Phipson & Smyth 2010), so p is never 0.
    """
    values = np.asarray(values, float)
    labels = np.asarray(labels, int)
    n, n1 = len(values), int(labels.sum())
    observed = values[labels == 1].mean() - values[labels == 0].mean()
    total = values.sum()
    n_comb = math.comb(n, n1)
    if n_comb <= n_perm:
        idx = np.array(list(itertools.combinations(range(n), n1)))
        s1 = values[idx].sum(axis=1)
        null = s1 / n1 - (total - s1) / (n - n1)
        return float(observed), _one_sided_from_null(observed, null, direction)
    rng = np.random.default_rng(seed)
    # relabellings drawn in blocks of rows (the same stream as one (n_perm, n) draw: ``permuted``
    # shuffles the rows in order), so 10,000 pages × 4,999 relabellings never hold 400 MB at once
    block = max(1, PERMUTATION_BLOCK_CELLS // max(n, 1))
    s1 = np.concatenate(
        [
            rng.permuted(np.tile(labels.astype(np.int8), (min(block, n_perm - start), 1)), axis=1)
            @ values
            for start in range(0, n_perm, block)
        ]
    )
    null = np.concatenate([[observed], s1 / n1 - (total - s1) / (n - n1)])
    return float(observed), _one_sided_from_null(observed, null, direction)


def page_permutation(
    df: pd.DataFrame,
    outcome: str,
    direction: str,
    n_perm: int = 4999,
    seed: int = 0,
    label: str | None = None,
) -> dict:
    """Permutation test on page means of ``outcome`` between the two groups of pages.

    The estimate is the ratio of the groups' averages of page means (focal / reference), the
    page-level analogue of an IRR.
    """
    label = label or Message("test_page_permutation")
    pages = df.groupby("cluster").agg(value=(outcome, "mean"), group=("group", "first"))
    if pages["group"].nunique() < 2:
        return robustness_row(label, note=Message("one_group_no_page"))
    stat, p = permutation_test_groups(
        pages["value"].to_numpy(), pages["group"].to_numpy(), direction, n_perm=n_perm, seed=seed
    )
    m1 = pages.loc[pages.group == 1, "value"].mean()
    m0 = pages.loc[pages.group == 0, "value"].mean()
    ratio = m1 / m0 if m0 > 0 else np.nan
    n_comb = math.comb(len(pages), int(pages.group.sum()))
    how = (
        Message("exact")
        if n_comb <= n_perm
        else Message("random_relabellings", n=n_perm, seed=str(seed))
    )
    return robustness_row(
        label,
        stat,
        p,
        ratio,
        note=Message("permutation_note", how=how, n=len(pages)),
    )


def page_rank_test(
    df: pd.DataFrame,
    outcome: str,
    direction: str,
    label: str | None = None,
) -> dict:
    """Mann–Whitney U on page means (one page = one observation), one-sided in ``direction``.

    Estimate: probability of superiority P(focal page > reference page) + ½P(tie) = U/(n1·n0).
    """
    label = label or Message("test_page_rank")
    pages = df.groupby("cluster").agg(value=(outcome, "mean"), group=("group", "first"))
    x = pages.loc[pages.group == 1, "value"]
    y = pages.loc[pages.group == 0, "value"]
    if len(x) == 0 or len(y) == 0:
        return robustness_row(label, note=Message("one_group_no_page"))
    res = stats.mannwhitneyu(x, y, alternative=direction)
    return robustness_row(
        label,
        res.statistic,
        res.pvalue,
        res.statistic / (len(x) * len(y)),
        note=Message("superiority_note", n_focal=len(x), n_reference=len(y)),
    )


def within_page_signed_rank(
    df: pd.DataFrame, outcome: str, direction: str, label: str | None = None
) -> dict:
    """Wilcoxon signed-rank test on per-page differences (mean in focal posts − mean in others).

    Only pages with both kinds of posts enter. Estimate: median within-page ratio
    mean(focal)/mean(other) over pages where the reference mean is positive.
    """
    label = label or Message("test_within_page_signed_rank")
    means = df.groupby(["cluster", "group"])[outcome].mean().unstack()
    if 0 not in means or 1 not in means:
        return robustness_row(label, note=Message("no_page_both_kinds"))
    means = means.dropna()
    diff = means[1] - means[0]
    if len(diff) < 2 or np.allclose(diff, 0):
        return robustness_row(label, note=Message("few_pages_both_kinds", n=len(diff)))
    res = stats.wilcoxon(diff, alternative=direction, zero_method="wilcox")
    pos = means[0] > 0
    ratio = float(np.median(means.loc[pos, 1] / means.loc[pos, 0])) if pos.any() else np.nan
    return robustness_row(
        label,
        res.statistic,
        res.pvalue,
        ratio,
        note=Message("within_page_note", n=len(diff)),
    )
