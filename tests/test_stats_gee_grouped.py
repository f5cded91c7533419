"""The sufficient-statistics logistic GEE (analysis.stats.gee_grouped) equals statsmodels on the
rows.

Tolerance: the grouped fit runs statsmodels' algorithm step for step (same GLM start, same
Gauss–Newton steps, same moment estimator of ρ after each step, same stopping rule ‖score‖ < ctol),
so with statsmodels' default ctol both stop at the same iterate and agree to floating-point
summation order (~1e-13 observed). The asserted 1e-6 relative is the brief's bound; it does not
rely on both fits being near the exact root (which ctol = 1e-6 would not guarantee).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.special import expit

from analysis.stats import gee_grouped, hypotheses, models
from analysis.stats.simulation import simulate_measures

REL = 1e-6


def _comments(seed: int, n_pages: int, size_range=(3, 120)) -> pd.DataFrame:
    """Comment rows with unequal page sizes, a page random intercept, page-level group,
    row-level 0/1 ``negative``, a 3-level numeric ``hour_band`` and a categorical ``lang``."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(size_range[0], size_range[1] + 1, n_pages)
    page = np.repeat(np.arange(n_pages), sizes)
    n = len(page)
    group = (np.arange(n_pages) % 2)[page].astype(float)
    negative = (rng.uniform(size=n) < 0.3).astype(float)
    hour_band = rng.integers(0, 3, n).astype(float)
    lang = rng.choice(["de", "en", "fr"], n, p=[0.5, 0.3, 0.2])
    u = rng.normal(0, 0.6, n_pages)[page]
    eta = (
        -0.4
        + np.log(0.6) * group
        + 0.3 * negative
        + np.log(0.7) * group * negative
        + 0.15 * hour_band
        + 0.2 * (lang == "en")
        + u
    )
    y = (rng.uniform(size=n) < expit(eta)).astype(int)
    return pd.DataFrame(
        {
            "cluster": [f"p{c:04d}" for c in page],
            "group": group,
            "answered": y,
            "negative": negative,
            "hour_band": hour_band,
            "lang": lang,
        }
    )


def _assert_same(fit_g, fit_s, cov_struct):
    rg, rs = fit_g.extra["result"], fit_s.extra["result"]
    assert fit_g.extra["engine"] == "grouped" and fit_s.extra["engine"] == "statsmodels"
    assert list(rg.params.index) == list(rs.params.index)
    np.testing.assert_allclose(rg.params.to_numpy(), rs.params.to_numpy(), rtol=REL)
    np.testing.assert_allclose(rg.bse.to_numpy(), rs.bse.to_numpy(), rtol=REL)
    np.testing.assert_allclose(
        rg.cov_robust_bc, np.asarray(rs.cov_robust_bc), rtol=REL, atol=1e-14
    )
    np.testing.assert_allclose(rg.cov_robust, np.asarray(rs.cov_robust), rtol=REL, atol=1e-14)
    assert fit_g.coef == pytest.approx(fit_s.coef, rel=REL)
    assert fit_g.se == pytest.approx(fit_s.se, rel=REL)
    assert (fit_g.n_obs, fit_g.n_clusters, fit_g.df) == (fit_s.n_obs, fit_s.n_clusters, fit_s.df)
    assert fit_g.reliable and fit_s.reliable
    if cov_struct == "exchangeable":
        assert fit_g.extra["dependence"] == pytest.approx(fit_s.extra["dependence"], rel=REL)
        assert rg.cov_struct.dep_params == pytest.approx(float(rs.cov_struct.dep_params), rel=REL)
        assert fit_g.extra["dependence"] > 0.01  # the planted page effect is seen
    else:
        assert fit_g.extra["dependence"] == 0.0
    assert rg.converged and rs.converged
    assert rg.n_iter == len(rs.fit_history["params"])  # same iterates, same stopping point


@pytest.mark.parametrize("n_pages", [8, 200])
@pytest.mark.parametrize("cov_struct", ["exchangeable", "independence"])
@pytest.mark.parametrize("form", ["group", "covariates", "interaction"])
def test_grouped_equals_statsmodels_on_rows(n_pages, cov_struct, form):
    df = _comments(n_pages + len(form), n_pages, (3, 120) if n_pages == 8 else (1, 40))
    kw = {
        "group": {},
        "covariates": {"covariates": ["hour_band", "lang"]},
        "interaction": {"interaction": "negative", "covariates": ["hour_band"]},
    }[form]
    fit_g = models.fit_gee_logit(df, "answered", cov_struct=cov_struct, engine="grouped", **kw)
    fit_s = models.fit_gee_logit(df, "answered", cov_struct=cov_struct, engine="statsmodels", **kw)
    _assert_same(fit_g, fit_s, cov_struct)


def test_grouped_equals_a_direct_statsmodels_call_on_simulated_measures():
    """simulate_measures comments (unequal pages, planted OR and interaction), the H6 form."""
    _, comments = simulate_measures(
        3, n_business=4, n_personal=4, posts_range=(5, 25), or_business=0.5, or_interaction=0.6
    )
    df = hypotheses.prepare(hypotheses.CATALOGUE["H6"], None, comments, None, 1)[0]
    df = df.sort_values("cluster", kind="stable")
    fit = models.fit_gee_logit(df, "answered", interaction="negative")
    assert fit.extra["engine"] == "grouped"
    neg = df["negative"].astype(float)
    X = pd.DataFrame(
        {
            "const": 1.0,
            "group": df["group"].astype(float),
            "negative": neg,
            "gxn": df["group"] * neg,
        }
    )
    direct = sm.GEE(
        df["answered"].astype(float),
        X,
        groups=pd.factorize(df["cluster"])[0],
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    ).fit(cov_type="bias_reduced", ctol=1e-12)
    # ctol 1e-12 on the reference only: both sit within ~1e-9 of the exact root, far below REL
    assert fit.coef == pytest.approx(direct.params["gxn"], rel=REL)
    assert fit.se == pytest.approx(direct.bse["gxn"], rel=REL)
    assert fit.extra["dependence"] == pytest.approx(direct.cov_struct.dep_params, rel=1e-5)


def test_grouped_bias_reduced_equals_hand_mancl_derouen_on_rows():
    """The Woodbury shortcut against the n_i × n_i formula evaluated directly at the grouped β,
    ρ."""
    df = _comments(5, 8, (2, 60))
    fit = models.fit_gee_logit(df, "answered", interaction="negative", engine="grouped")
    g = fit.extra["result"].grouped
    X = models._design(
        df.assign(group_x_negative=df["group"] * df["negative"]),
        ["negative", "group_x_negative"],
        False,
    ).to_numpy()
    y, pages = df["answered"].to_numpy(float), pd.factorize(df["cluster"])[0]
    mu = expit(X @ g.params)
    a = mu * (1 - mu)
    blocks = []
    for c in np.unique(pages):
        m = pages == c
        R = (1 - g.rho) * np.eye(m.sum()) + g.rho
        V = np.sqrt(a[m])[:, None] * R * np.sqrt(a[m])[None, :]
        blocks.append((a[m, None] * X[m], np.linalg.inv(V), y[m] - mu[m]))
    Minv = np.linalg.inv(sum(D.T @ Vi @ D for D, Vi, _ in blocks))
    meat = 0
    for D, Vi, r in blocks:
        H = D @ Minv @ D.T @ Vi
        gi = D.T @ Vi @ np.linalg.solve(np.eye(len(r)) - H, r)
        meat = meat + np.outer(gi, gi)
    np.testing.assert_allclose(g.cov_bc, Minv @ meat @ Minv, rtol=1e-9)
    np.testing.assert_allclose(g.cov_naive, Minv, rtol=1e-9)


def test_aggregate_cells_counts_and_patterns():
    rng = np.random.default_rng(0)
    pages = rng.choice(["a", "b", "c"], 500)
    X = np.column_stack([np.ones(500), rng.integers(0, 2, 500), rng.integers(0, 3, 500)]).astype(
        float
    )
    y = rng.integers(0, 2, 500).astype(float)
    cells = gee_grouped.aggregate_cells(pages, X, y)
    assert cells.n_pages == 3 and cells.n.sum() == 500 and cells.S.sum() == y.sum()
    ref = (
        pd.DataFrame({"p": pages, "x1": X[:, 1], "x2": X[:, 2], "y": y})
        .groupby(["p", "x1", "x2"])["y"]
        .agg(["size", "sum"])
    )
    assert len(cells.n) == len(ref) == 18
    labels = pd.factorize(pages)[0]
    inv = {code: pages[labels == code][0] for code in range(3)}
    got = {
        (inv[p], x[1], x[2]): (n, s)
        for p, x, n, s in zip(cells.page, cells.X, cells.n, cells.S, strict=True)
    }
    for key, row in ref.iterrows():
        assert got[key] == (row["size"], row["sum"])


def test_auto_engine_picks_grouped_for_discrete_designs_and_statsmodels_otherwise():
    df = _comments(9, 12, (20, 60))
    assert models.fit_gee_logit(df, "answered", ["hour_band"]).extra["engine"] == "grouped"
    df["followers"] = np.random.default_rng(1).lognormal(
        8, 1, len(df)
    )  # continuous: one cell per row
    fit = models.fit_gee_logit(df, "answered", ["followers"])
    assert fit.extra["engine"] == "statsmodels"
    with pytest.raises(ValueError):
        models.fit_gee_logit(
            df.assign(answered=df["answered"] * 2.0), "answered", engine="grouped"
        )


def test_results_view_exposes_the_documented_statsmodels_attributes():
    df = _comments(4, 10, (5, 50))
    res = models.fit_gee_logit(df, "answered", ["negative"], engine="grouped").extra["result"]
    assert list(res.params.index) == ["const", "group", "negative"]
    np.testing.assert_allclose(res.bse.to_numpy(), np.sqrt(np.diag(res.cov_params())), rtol=1e-12)
    assert res.nobs == len(df) and res.scale == 1.0 and res.engine == "grouped"
    assert 0 < res.cov_struct.dep_params < 1 and res.converged and res.phi > 0
