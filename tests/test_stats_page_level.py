"""Page-level generic hypotheses: a business-vs-personal contrast of a page measure is a two-group
comparison of pages (not a correlation), checked against an independent computation on page
means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.measures import post_measures
from analysis.simulate import simulate_demo
from analysis.stats import run_hypothesis


@pytest.fixture(scope="module")
def posts():
    return post_measures(simulate_demo(seed=1))


def _page_means(posts: pd.DataFrame) -> pd.DataFrame:
    pages = posts.groupby("account_id").agg(
        account_type=("account_type", "first"),
        n=("post_id", "size"),
        mean_replies=("replies", "mean"),
    )
    return pages[(pages["n"] >= 5) & pages["account_type"].isin(["business", "personal"])]


def test_generic_page_level_account_type_is_a_page_comparison(posts):
    res = run_hypothesis(
        "generic",
        posts=posts,
        outcome="mean_replies",
        unit="page",
        contrast="account_type",
        direction="less",
    )  # raised "could not convert string to float: 'personal'"
    row = res.row
    pages = _page_means(posts)
    biz = pages.loc[pages["account_type"] == "business", "mean_replies"].to_numpy()
    per = pages.loc[pages["account_type"] == "personal", "mean_replies"].to_numpy()
    assert (
        row["unit"] == "page"
        and row["kind"] == "superiority"
        and "page-level Poisson" in row["model"]
    )
    assert row["n_obs"] == row["n_clusters"] == len(pages)  # one page = one observation
    assert row["estimate_name"] == "IRR"
    # independent: the saturated two-group model's ratio is the ratio of the groups' averages of
    # page means
    ratio = biz.mean() / per.mean()
    assert row["estimate"] == pytest.approx(ratio, rel=1e-8)
    # independent robust SE of log(ratio): sandwich of the two group means, small-sample factor
    # G/(G-1)·(N-1)/(N-K) with N = G pages and K = 2 parameters; reference t(G-1)
    G = len(pages)
    var = ((biz - biz.mean()) ** 2).sum() / (len(biz) * biz.mean()) ** 2 + (
        (per - per.mean()) ** 2
    ).sum() / (len(per) * per.mean()) ** 2
    se = np.sqrt(var * G / (G - 1) * (G - 1) / (G - 2))
    t = np.log(ratio) / se
    assert row["statistic"] == pytest.approx(t, rel=1e-6)
    assert row["p_value"] == pytest.approx(stats.t(G - 1).cdf(t), rel=1e-6, abs=1e-300)
    q = stats.t(G - 1).ppf(0.975)
    assert row["ci_low"] == pytest.approx(np.exp(np.log(ratio) - q * se), rel=1e-6)
    assert row["ci_high"] == pytest.approx(np.exp(np.log(ratio) + q * se), rel=1e-6)
    # the same conclusion from scipy's Welch t-test on the page means, and the rank robustness
    # test = scipy's
    welch = stats.ttest_ind(biz, per, equal_var=False, alternative="less")
    assert (welch.pvalue < 0.05) == (row["p_value"] < 0.05) and row["verdict"] == "supported"
    rob = res.robustness.set_index("test")
    mw = stats.mannwhitneyu(biz, per, alternative="less")
    assert rob.loc["page-level Mann–Whitney on page means", "p_value"] == pytest.approx(
        mw.pvalue, rel=1e-9
    )
    assert rob.loc["page-level permutation test on page means", "estimate"] == pytest.approx(
        ratio, rel=1e-8
    )


def test_page_level_numeric_contrast_stays_a_correlation(posts):
    res = run_hypothesis(
        "generic",
        posts=posts,
        outcome="mean_replies",
        unit="page",
        contrast="followers",
        direction="two-sided",
    )
    assert res.row["estimate_name"] == "rho" and "Spearman" in res.row["model"]
    with pytest.raises(ValueError, match="page_poisson"):
        run_hypothesis(
            "generic",
            posts=posts,
            outcome="mean_replies",
            unit="page",
            contrast="account_type",
            model="spearman_tost",
            direction="less",
        )
