"""Each model of analysis.stats against an independent computation (named in each test)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, special, stats

from analysis.stats import hypotheses, models, survival
from analysis.stats.correlation import spearman_tost
from analysis.stats.robustness import permutation_test_groups
from analysis.stats.simulation import simulate_measures


def _analysed(hid, posts, comments, min_posts=1):
    return hypotheses.prepare(hypotheses.CATALOGUE[hid], posts, comments, None, min_posts)[0]


@pytest.fixture(scope="module")
def small():
    """12 vs 12 pages, 8–15 posts each, over-dispersed and clustered, planted IRR 0.6."""
    return simulate_measures(
        11,
        n_business=12,
        n_personal=12,
        posts_range=(8, 15),
        irr=0.6,
        question_irr=1.4,
        or_business=0.5,
        or_interaction=0.6,
    )


def _nb2_loglik_obs(params, y, X):
    """NB2 log-likelihood per observation, written from the formula (Cameron & Trivedi 2013,
    eq. 3.26)."""
    beta, a = params[:-1], params[-1]
    mu = np.exp(X @ beta)
    r = 1 / a
    return (
        special.gammaln(y + r)
        - special.gammaln(r)
        - special.gammaln(y + 1)
        + r * np.log(r / (r + mu))
        + y * np.log(mu / (r + mu))
    )


def _hand_nb2_mle(y, X, start):
    """NB2 MLE by scipy BFGS on the hand-written likelihood, alpha on the log scale."""

    def neg(th):
        return -_nb2_loglik_obs(np.r_[th[:-1], np.exp(th[-1])], y, X).sum()

    return optimize.minimize(neg, start, method="BFGS", options={"gtol": 1e-9}).x


def test_negbin_matches_hand_mle_and_hand_cluster_sandwich(small):
    posts, _ = small
    df = _analysed("H1", posts, None)
    fit = models.fit_negbin(df, "replies")
    y = df["replies"].to_numpy(float)
    X = np.column_stack([np.ones(len(df)), df["group"].to_numpy(float)])
    # independent MLE: scipy.optimize on the hand-written likelihood, alpha on the log scale
    x = _hand_nb2_mle(y, X, np.r_[np.log(y.mean()), 0.0, 0.0])
    assert fit.coef == pytest.approx(x[1], abs=1e-4)
    assert fit.extra["alpha"] == pytest.approx(np.exp(x[2]), rel=1e-4)
    # independent cluster sandwich: numerical per-observation scores and Hessian at the MLE
    # (params beta, alpha)
    th = np.r_[x[:-1], np.exp(x[-1])]
    h = 1e-5
    scores = np.column_stack(
        [
            (_nb2_loglik_obs(th + h * e, y, X) - _nb2_loglik_obs(th - h * e, y, X)) / (2 * h)
            for e in np.eye(3)
        ]
    )

    def grad(t):
        return np.array(
            [
                (_nb2_loglik_obs(t + h * e, y, X).sum() - _nb2_loglik_obs(t - h * e, y, X).sum())
                / (2 * h)
                for e in np.eye(3)
            ]
        )

    H = np.column_stack([(grad(th + 1e-4 * e) - grad(th - 1e-4 * e)) / 2e-4 for e in np.eye(3)])
    bread = np.linalg.inv(-H)
    S = pd.DataFrame(scores).groupby(df["cluster"].to_numpy()).sum().to_numpy()
    G, N, K = S.shape[0], len(y), X.shape[1]
    V = (
        bread @ (S.T @ S) @ bread * G / (G - 1) * (N - 1) / (N - K)
    )  # CR1 as in Stata / statsmodels
    assert fit.extra["se_cr1"] == pytest.approx(np.sqrt(V[1, 1]), rel=2e-3)
    assert fit.se == max(fit.extra["se_cr1"], fit.extra["se_cv3"])
    assert fit.df == G - 1
    test = models.wald_test(fit, "less")
    assert test["p_value"] == pytest.approx(stats.t(G - 1).cdf(fit.coef / fit.se), rel=1e-12)
    q = stats.t(G - 1).ppf(0.975)
    assert test["ci_low"] == pytest.approx(np.exp(fit.coef - q * fit.se), rel=1e-12)
    assert test["estimate"] == pytest.approx(np.exp(fit.coef), rel=1e-12)


def test_negbin_jackknife_matches_hand_leave_one_page_out_refits(small):
    posts, _ = small
    df = _analysed("H1", posts, None)
    fit = models.fit_negbin(df, "replies")
    assert fit.extra["cv3_method"] == "refits"
    # independent: refit the hand-written likelihood without each page (CV3 jackknife,
    # MacKinnon, Nielsen & Webb 2023): se² = (G−1)/G Σ (b_(g) − b̄)²
    y = df["replies"].to_numpy(float)
    X = np.column_stack([np.ones(len(df)), df["group"].to_numpy(float)])
    start = np.r_[np.log(y.mean()), 0.0, 0.0]
    coefs = np.array(
        [
            _hand_nb2_mle(y[m], X[m], start)[1]
            for m in (df.cluster.to_numpy() != c for c in df.cluster.unique())
        ]
    )
    G = len(coefs)
    assert fit.extra["se_cv3"] == pytest.approx(
        np.sqrt((G - 1) / G * ((coefs - coefs.mean()) ** 2).sum()), rel=1e-3
    )
    assert fit.se == max(fit.extra["se_cr1"], fit.extra["se_cv3"])


def test_negbin_one_step_jackknife_approximates_refits_and_is_the_fallback(small, monkeypatch):
    """Above EXACT_JACKKNIFE_MAX_PAGES pages the one-step Newton jackknife replaces the refits."""
    posts, _ = small
    df = _analysed("H1", posts, None)
    exact = models.fit_negbin(df, "replies")
    monkeypatch.setattr(models, "EXACT_JACKKNIFE_MAX_PAGES", 0)
    approx = models.fit_negbin(df, "replies")
    assert approx.extra["cv3_method"] == "one-step"
    assert approx.coef == exact.coef and approx.extra["se_cr1"] == exact.extra["se_cr1"]
    # one Newton step from the full estimate: close to, but not the same as, the refits (at 24
    # pages it is 10 % above them, on the safe side; the gap shrinks as pages grow)
    assert exact.extra["se_cv3"] < approx.extra["se_cv3"] < 1.15 * exact.extra["se_cv3"]
    assert approx.extra["se_cv3"] != pytest.approx(exact.extra["se_cv3"], rel=1e-6)


def test_nb2_page_scores_and_information_match_numerical_derivatives_of_hand_likelihood():
    """The analytic per-page NB2 derivatives (used by the one-step jackknife at any number of
    pages) against central differences of the hand-written likelihood, page by page."""
    from statsmodels.tools.numdiff import approx_fprime, approx_hess

    rng = np.random.default_rng(1)
    n, G = 600, 12
    groups = rng.integers(0, G, n)
    X = np.column_stack([np.ones(n), rng.integers(0, 2, n), rng.normal(size=n)])
    y = rng.negative_binomial(2, 0.4, n).astype(float)
    params = np.array([0.3, -0.2, 0.1, 0.7])
    scores, info = models.nb2_page_score_information(y, X, groups, params)
    assert scores.shape == (G, 4) and info.shape == (G, 4, 4)
    for g in range(G):

        def ll(p, m=groups == g):
            return _nb2_loglik_obs(p, y[m], X[m]).sum()

        np.testing.assert_allclose(
            scores[g], approx_fprime(params, ll, centered=True), rtol=1e-5, atol=1e-6
        )
        np.testing.assert_allclose(info[g], -approx_hess(params, ll), rtol=1e-4, atol=1e-5)


def test_page_sums_and_crossprods_match_a_loop_over_pages():
    rng = np.random.default_rng(2)
    groups = rng.integers(0, 7, 300)
    X, w = rng.normal(size=(300, 3)), rng.uniform(size=300)
    cross = models.page_crossprods(groups, X, w)
    sums = models.page_sums(groups, X)
    for g in range(7):
        m = groups == g
        np.testing.assert_allclose(cross[g], (X[m] * w[m, None]).T @ X[m], rtol=1e-12)
        np.testing.assert_allclose(sums[g], X[m].sum(axis=0), rtol=1e-12)


def test_negbin_is_not_glm_with_alpha_one(small):
    """The dispersion is estimated: the fitted alpha differs from the GLM default of 1."""
    posts, _ = small
    fit = models.fit_negbin(_analysed("H1", posts, None), "replies")
    assert abs(fit.extra["alpha"] - 1.0) > 0.05


def test_poisson_fixed_effects_matches_conditional_poisson_and_hand_sandwich(small):
    posts, _ = small
    df = _analysed("H3", posts, None)
    fit = models.fit_poisson(df, "replies", fixed_effects=True)
    data = fit.extra["analysed"]
    # independent estimator: conditional (multinomial) Poisson likelihood, no page dummies
    cp = sm.ConditionalPoisson(
        data["replies"].to_numpy(float),
        data[["group"]].astype(float).to_numpy(),
        groups=pd.factorize(data["cluster"])[0],
    ).fit(disp=0)
    assert fit.coef == pytest.approx(cp.params[0], abs=1e-6)
    # hand sandwich: score x_i (y_i - mu_i), bread (X' diag(mu) X)^-1, CR1 factor
    res = fit.extra["result"]
    X = res.model.exog
    mu = np.asarray(res.fittedvalues)
    s = X * (data["replies"].to_numpy() - mu)[:, None]
    S = pd.DataFrame(s).groupby(data["cluster"].to_numpy()).sum().to_numpy()
    bread = np.linalg.inv(X.T @ (X * mu[:, None]))
    G, N, K = S.shape[0], X.shape[0], X.shape[1]
    V = bread @ (S.T @ S) @ bread * G / (G - 1) * (N - 1) / (N - K)
    j = list(res.model.exog_names).index("group")
    assert fit.se == pytest.approx(np.sqrt(V[j, j]), rel=1e-6)


@pytest.mark.parametrize("covariate", [False, True])
def test_poisson_fixed_effects_profiled_equals_the_dummy_model(small, monkeypatch, covariate):
    """Above POISSON_DUMMIES_MAX_PAGES the page intercepts are profiled out: the same coefficient
    and the same CR1 sandwich as statsmodels' GLM with page dummies."""
    posts, _ = small
    df = _analysed("H3", posts, None)
    covariates = []
    if covariate:
        df = df.assign(hour=np.random.default_rng(4).normal(size=len(df)))
        covariates = ["hour"]
    dummies = models.fit_poisson(df, "replies", covariates, fixed_effects=True)
    monkeypatch.setattr(models, "POISSON_DUMMIES_MAX_PAGES", 1)
    profiled = models.fit_poisson(df, "replies", covariates, fixed_effects=True)
    assert profiled.extra["engine"] == "profiled" and "result" not in profiled.extra
    assert profiled.coef == pytest.approx(dummies.coef, rel=1e-8, abs=1e-10)
    assert profiled.se == pytest.approx(dummies.se, rel=1e-6)
    assert (profiled.n_obs, profiled.n_clusters, profiled.df) == (
        dummies.n_obs,
        dummies.n_clusters,
        dummies.df,
    )
    assert profiled.warnings == dummies.warnings


def _md_bias_reduced_logit(y, X, groups):
    """Mancl & DeRouen (2001) covariance for independence logistic GEE, by hand.

    A = X'WX; H_i = W_i X_i A^-1 X_i'; meat = sum X_i'(I - H_i)^-1 r_i r_i'(I - H_i)^-T X_i.
    """
    beta = sm.Logit(y, X).fit(disp=0).params  # independence GEE = logistic MLE
    p = special.expit(X @ beta)
    W = p * (1 - p)
    A_inv = np.linalg.inv(X.T @ (X * W[:, None]))
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in np.unique(groups):
        m = groups == g
        Xi, ri, Wi = X[m], y[m] - p[m], W[m]
        Hi = (Wi[:, None] * Xi) @ A_inv @ Xi.T
        u = Xi.T @ np.linalg.solve(np.eye(m.sum()) - Hi, ri)
        meat += np.outer(u, u)
    return beta, A_inv @ meat @ A_inv


def test_gee_bias_reduced_matches_hand_mancl_derouen(small):
    _, comments = small
    df = _analysed("H2", None, comments).sort_values("cluster", kind="stable")
    fit = models.fit_gee_logit(df, "answered", cov_struct="independence")
    X = np.column_stack([np.ones(len(df)), df["group"].to_numpy(float)])
    beta, V = _md_bias_reduced_logit(
        df["answered"].to_numpy(float), X, pd.factorize(df["cluster"])[0]
    )
    assert fit.coef == pytest.approx(beta[1], abs=1e-6)
    assert fit.se == pytest.approx(np.sqrt(V[1, 1]), rel=1e-4)


def test_gee_exchangeable_matches_direct_statsmodels_call(small):
    _, comments = small
    df = _analysed("H6", None, comments).sort_values("cluster", kind="stable")
    fit = models.fit_gee_logit(df, "answered", interaction="negative")
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
    ).fit(cov_type="bias_reduced")
    assert fit.coef == pytest.approx(direct.params["gxn"], abs=1e-8)
    assert fit.se == pytest.approx(direct.bse["gxn"], rel=1e-8)


def test_cox_matches_statsmodels_phreg_with_groups(small):
    _, comments = small
    df = _analysed(
        "H4a", None, comments
    )  # its frame: every comment followed for the window, answered or not
    fit = survival.fit_cox(df, "time_to_owner_reply_h")
    from statsmodels.duration.hazard_regression import PHReg

    # independent implementation: statsmodels PHReg, Efron ties, robust covariance grouped by page
    ref = PHReg(
        df["time_to_owner_reply_h"].to_numpy(float),
        df[["group"]].astype(float).to_numpy(),
        status=df["reply_observed"].astype(int).to_numpy(),
        ties="efron",
    ).fit(groups=pd.factorize(df["cluster"])[0])
    assert fit.coef == pytest.approx(ref.params[0], abs=1e-5)
    assert fit.se == pytest.approx(ref.bse[0], rel=1e-4)


def test_spearman_tost_against_scipy_and_ci_duality():
    rng = np.random.default_rng(5)
    x = pd.Series(rng.lognormal(8, 1.5, 60))
    y = pd.Series(rng.normal(size=60) + 0.1 * np.log(x))
    out = spearman_tost(x, y, bound=0.3)
    assert out["estimate"] == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    se = np.sqrt(1.06 / 57)  # Fieller, Hartley & Pearson (1957)
    z = np.arctanh(out["estimate"])
    assert out["ci_low"] == pytest.approx(np.tanh(z - 1.959963984540054 * se), rel=1e-9)
    # duality: the TOST p is the alpha at which the (1 - 2p) CI just touches the bound
    p = out["p_value"]
    q = stats.norm.ppf(1 - p)
    touch = max(abs(np.tanh(z - q * se)), abs(np.tanh(z + q * se)))
    assert touch == pytest.approx(0.3, abs=1e-9)


def test_exact_permutation_matches_scipy_permutation_test():
    rng = np.random.default_rng(2)
    v = rng.gamma(2, 3, 11)
    lab = np.r_[np.ones(5, int), np.zeros(6, int)]
    stat, p = permutation_test_groups(v, lab, "less", n_perm=10_000)  # C(11,5)=462: exact
    ref = stats.permutation_test(
        (v[lab == 1], v[lab == 0]),
        lambda a, b: a.mean() - b.mean(),
        permutation_type="independent",
        alternative="less",
        n_resamples=np.inf,
    )
    assert stat == pytest.approx(ref.statistic)
    assert p == pytest.approx(ref.pvalue, abs=1e-12)
    assert len(list(itertools.combinations(range(11), 5))) == 462


def test_monte_carlo_permutation_close_to_exact_and_seeded():
    rng = np.random.default_rng(3)
    v = rng.gamma(2, 3, 30)
    lab = np.r_[np.ones(15, int), np.zeros(15, int)]
    _, p1 = permutation_test_groups(v, lab, "greater", n_perm=20_000, seed=1)
    _, p2 = permutation_test_groups(v, lab, "greater", n_perm=20_000, seed=1)
    ref = stats.permutation_test(
        (v[lab == 1], v[lab == 0]),
        lambda a, b: a.mean() - b.mean(),
        permutation_type="independent",
        alternative="greater",
        n_resamples=99_999,
        random_state=0,
    )
    assert p1 == p2
    assert p1 == pytest.approx(ref.pvalue, abs=0.01)
