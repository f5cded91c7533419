"""Client-against-peers statistics (analysis.stats.benchmark), each checked against an
independent computation: a hand formula, scipy/statsmodels, or a published value.

References of the expectations: Spiegelhalter (2005) Stat Med 24:1185, Appendix A.1.1 (exact
binomial funnel limits with interpolation) and QSHC 14:347 (winsorised over-dispersion);
Wilson (1927) score interval; the binomial order-statistic interval of the median (Altman et al.,
*Statistics with Confidence*, 2nd ed., table 18.4: n = 20 -> 6th to 15th value, 95.9 %);
Crawford & Howell (1998) and Crawford & Garthwaite (2002) as implemented and printed by the R
package singcar (Rittmo & McIntosh 2021; its README and tests/testthat/test-TD.R).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.measures import comment_measures, post_measures
from analysis.simulate import simulate_demo
from analysis.stats import benchmark as bm

Z95 = 1.959963984540054  # Phi^-1(0.975)
Z998 = 3.090232306167813  # Phi^-1(0.999)


# --------------------------------------------------------------------------------------------
# funnel plot
# --------------------------------------------------------------------------------------------


def _hand_exact_limit(target: float, n: int, p: float) -> float:
    """Spiegelhalter (2005) Appendix A.1.1, written out: r_p is the smallest r with
    P(R <= r) >= p for R ~ Bin(n, target); alpha = (P(R <= r_p) - p) / P(R = r_p); the limit is
    (r_p - alpha) / n."""
    cdf = 0.0
    for r in range(n + 1):
        prev = cdf
        cdf += math.comb(n, r) * target**r * (1 - target) ** (n - r)
        if cdf >= p - 1e-15:
            alpha = (cdf - p) / (cdf - prev)
            return min(1.0, max(0.0, (r - alpha) / n))
    raise AssertionError("unreachable")


@pytest.mark.parametrize("target", [0.05, 0.3, 0.5, 0.82])
def test_exact_funnel_limits_follow_the_appendix_interpolation(target):
    volumes = [1, 2, 7, 20, 63, 150, 400]
    lim = bm.funnel_limits(target, volumes)
    assert set(lim["method"]) == {"binomial"}
    for level in (0.95, 0.998):
        tail = (1 - level) / 2
        rows = lim[lim["level"] == level]
        assert rows["volume"].tolist() == volumes
        hand_lo = [_hand_exact_limit(target, n, tail) for n in volumes]
        hand_hi = [_hand_exact_limit(target, n, 1 - tail) for n in volumes]
        np.testing.assert_allclose(rows["lower"], hand_lo, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(rows["upper"], hand_hi, rtol=1e-9, atol=1e-12)
    # the 99.8 % funnel lies outside the 95 % one
    inner = lim[lim["level"] == 0.95].reset_index()
    outer = lim[lim["level"] == 0.998].reset_index()
    assert (outer["lower"] <= inner["lower"]).all() and (outer["upper"] >= inner["upper"]).all()


def test_exact_funnel_limits_tend_to_the_normal_ones_for_large_volumes():
    p, n = 0.35, 1_000_000
    lim = bm.funnel_limits(p, [n]).set_index("level")
    for level, z in ((0.95, Z95), (0.998, Z998)):
        half = z * math.sqrt(p * (1 - p) / n)
        assert lim.loc[level, "lower"] == pytest.approx(p - half, abs=2e-6)
        assert lim.loc[level, "upper"] == pytest.approx(p + half, abs=2e-6)


def test_overdispersed_funnel_limits_are_normal_with_inflated_variance():
    p, phi = 0.4, 2.5
    volumes = np.array([10, 50, 200, 1000])
    lim = bm.funnel_limits(p, volumes, phi=phi)
    assert set(lim["method"]) == {"overdispersed_normal"}
    for level, z in ((0.95, Z95), (0.998, Z998)):
        rows = lim[lim["level"] == level]
        half = z * np.sqrt(phi * p * (1 - p) / volumes)
        np.testing.assert_allclose(rows["lower"], np.clip(p - half, 0, 1), rtol=1e-12)
        np.testing.assert_allclose(rows["upper"], np.clip(p + half, 0, 1), rtol=1e-12)
    # n = 10: 0.4 - 3.09*sqrt(2.5*0.24/10) < 0 is clipped to 0
    assert lim[(lim["level"] == 0.998) & (lim["volume"] == 10)]["lower"].item() == 0.0


def test_funnel_limits_zero_volume_and_bad_arguments():
    lim = bm.funnel_limits(0.3, [0, 10])
    assert lim[lim["volume"] == 0][["lower", "upper"]].isna().all().all()
    assert lim[lim["volume"] == 10][["lower", "upper"]].notna().all().all()
    with pytest.raises(ValueError, match="phi must be >= 1"):
        bm.funnel_limits(0.3, [10], phi=0.5)
    for bad in (0.0, 1.0, 1.2):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            bm.funnel_limits(bad, [10])


def test_funnel_z_by_hand():
    # target 0.5, n = 10: sd = sqrt(0.025); 8/10 -> 0.3/0.1581... = 1.897
    z = bm.funnel_z([5, 8, 2, 50], [10, 10, 10, 100], 0.5)
    np.testing.assert_allclose(z, [0.0, 0.3 / math.sqrt(0.025), -0.3 / math.sqrt(0.025), 0.0])


def test_overdispersion_small_example_without_winsorising():
    # I = 4 units (< 10, so no unit is winsorised); z^2 = 0, 3.6, 3.6, 0 -> phi = 7.2/4 = 1.8;
    # a unit with no volume is dropped
    od = bm.funnel_overdispersion([5, 8, 2, 50, 0], [10, 10, 10, 100, 0], 0.5)
    assert od.n_units == 4 and od.n_winsorised == 0
    assert od.phi_raw == pytest.approx(1.8) and od.phi == pytest.approx(1.8)
    assert od.chi2 == pytest.approx(7.2) and od.df == 3
    assert od.p_value == pytest.approx(stats.chi2.sf(7.2, 3))


def test_overdispersion_winsorises_ten_percent_each_side():
    target = 0.3
    counts = np.array([2, 9, 15, 30, 31, 33, 28, 25, 40, 3, 29, 30, 31, 60, 1, 33, 27, 30, 35, 29])
    volumes = np.array([100] * 10 + [110] * 10)
    z = (counts / volumes - target) / np.sqrt(target * (1 - target) / volumes)
    zs = sorted(z.tolist())
    # I = 20: the 2 lowest take the 3rd lowest value, the 2 highest the 3rd highest
    wins = [zs[2], zs[2]] + zs[2:18] + [zs[17], zs[17]]
    phi = sum(v * v for v in wins) / 20
    od = bm.funnel_overdispersion(counts, volumes, target)
    assert od.n_units == 20 and od.n_winsorised == 4
    assert od.phi_raw == pytest.approx(phi, rel=1e-12)
    assert od.p_value == pytest.approx(stats.chi2.sf(20 * phi, 19), rel=1e-9)
    # winsorising matters here: the raw mean of z^2 is larger
    assert np.mean(z**2) > phi


def test_overdispersion_floor_and_too_few_units():
    # units that sit on the target: phi_raw = 0, phi floored at 1
    od = bm.funnel_overdispersion([3, 6], [10, 20], 0.3)
    assert od.phi_raw == pytest.approx(0.0, abs=1e-20) and od.phi == 1.0
    with pytest.raises(ValueError, match="at least 2 units"):
        bm.funnel_overdispersion([3, 0], [10, 0], 0.3)


def test_funnel_positions_place_units_between_the_right_limits():
    counts = pd.Series([30, 38, 50, 62, 70, 0], index=list("abcdef"))
    volumes = pd.Series([100, 100, 100, 100, 100, 0], index=list("abcdef"))
    pos = bm.funnel_positions(counts, volumes, 0.5)
    # exact limits at n = 100, p = 0.5: about 0.40/0.60 (95 %) and 0.35/0.65 (99.8 %)
    assert list(pos.index) == list("abcdef")
    assert pos["position"].tolist()[:5] == [
        "below_998",
        "below_95",
        "within",
        "above_95",
        "above_998",
    ]
    assert pos.loc["f", "position"] is None and math.isnan(pos.loc["f", "proportion"])
    assert pos.loc["a", "lower_inner"] == pytest.approx(_hand_exact_limit(0.5, 100, 0.025))
    assert pos.loc["a", "upper_outer"] == pytest.approx(_hand_exact_limit(0.5, 100, 0.999))
    # with phi = 4 the funnel doubles in width: 38/100 is within, 30/100 only below 95 %
    wide = bm.funnel_positions(counts, volumes, 0.5, phi=4.0)
    assert wide["position"].tolist()[:5] == [
        "below_95",
        "within",
        "within",
        "within",
        "above_95",
    ]
    assert wide.loc["a", "lower_inner"] == pytest.approx(0.5 - Z95 * 2 * 0.05)


def test_pooled_rate_leaves_the_excluded_unit_out():
    assert bm.pooled_rate([1, 2, 30], [10, 10, 40]) == pytest.approx(33 / 60)
    assert bm.pooled_rate([1, 2, 30], [10, 10, 40], exclude=[False, False, True]) == 0.15
    with pytest.raises(ValueError, match="sum to zero"):
        bm.pooled_rate([0, 0], [0, 0])


# --------------------------------------------------------------------------------------------
# interval helpers
# --------------------------------------------------------------------------------------------


def test_quasi_poisson_rate_ci_by_hand_and_against_a_glm():
    y = np.array([0, 1, 2, 3, 10])
    # total 16, rate 3.2; X2 = (10.24 + 4.84 + 1.44 + 0.04 + 46.24)/3.2 = 19.625; phi = 19.625/4
    rate, lo, hi, phi = bm.poisson_rate_ci(y)
    assert rate == pytest.approx(3.2) and phi == pytest.approx(4.90625)
    half = Z95 * math.sqrt(4.90625 / 16)
    assert lo == pytest.approx(3.2 * math.exp(-half)) and hi == pytest.approx(3.2 * math.exp(half))
    # the same as an intercept-only Poisson GLM with Pearson scale (quasi-Poisson)
    fit = sm.GLM(y, np.ones((5, 1)), family=sm.families.Poisson()).fit(scale="X2")
    glm_lo, glm_hi = np.exp(fit.conf_int()[0])
    assert lo == pytest.approx(glm_lo, rel=1e-6) and hi == pytest.approx(glm_hi, rel=1e-6)
    assert fit.scale == pytest.approx(phi)


def test_quasi_poisson_edge_cases():
    # under-dispersed counts: phi floored at 1 (plain Poisson interval)
    rate, lo, hi, phi = bm.poisson_rate_ci([2, 2, 2, 3])
    assert phi == 1.0 and rate == 2.25
    assert hi == pytest.approx(2.25 * math.exp(Z95 / 3))
    # no event: exact Poisson upper bound chi2_{0.975}(2)/2 per unit
    rate, lo, hi, phi = bm.poisson_rate_ci([0, 0, 0])
    assert (rate, lo, phi) == (0.0, 0.0, 1.0)
    assert hi == pytest.approx(stats.chi2.ppf(0.975, 2) / 2 / 3)
    # one post: no dispersion estimate
    assert bm.poisson_rate_ci([4])[3] == 1.0
    assert all(math.isnan(v) for v in bm.poisson_rate_ci([]))


def _hand_median_ci(x, level=0.95):
    x = sorted(x)
    k = len(x)
    ranks = [r for r in range(1, k + 1) if stats.binom.cdf(r - 1, k, 0.5) <= (1 - level) / 2]
    if not ranks:
        return None
    r = max(ranks)
    return x[r - 1], x[k - r], 1 - 2 * stats.binom.cdf(r - 1, k, 0.5)


def test_median_ci_matches_the_published_table_and_the_order_statistic_formula():
    rng = np.random.default_rng(3)
    x = rng.permutation(np.arange(1.0, 21.0))
    med, lo, hi, cov = bm.median_ci(x)
    # n = 20: the 6th and 15th values, exact level 95.9 % (Altman et al., table 18.4)
    assert (med, lo, hi) == (10.5, 6.0, 15.0) and cov == pytest.approx(0.9586, abs=1e-4)
    for k in (6, 7, 13, 50, 101):
        v = rng.exponential(5.0, size=k)
        h_lo, h_hi, h_cov = _hand_median_ci(v)
        med, lo, hi, cov = bm.median_ci(v)
        assert med == pytest.approx(np.median(v))
        assert (lo, hi) == (h_lo, h_hi) and cov == pytest.approx(h_cov)
        assert lo <= med <= hi and cov >= 0.95
    # k <= 5: no order-statistic interval reaches 95 %
    med, lo, hi, cov = bm.median_ci([1.0, 2.0, 3.0, 4.0, 5.0])
    assert med == 3.0 and math.isnan(lo) and math.isnan(hi) and math.isnan(cov)
    assert all(math.isnan(v) for v in bm.median_ci([]))


# --------------------------------------------------------------------------------------------
# Crawford-Howell single-case test
# --------------------------------------------------------------------------------------------


def _standardised(n: int, seed: int) -> np.ndarray:
    """n control values with mean exactly 0 and SD exactly 1 (summary-statistics input)."""
    x = np.random.default_rng(seed).normal(size=n)
    return (x - x.mean()) / x.std(ddof=1)


def test_crawford_howell_against_singcar_published_outputs():
    # singcar tests/testthat/test-TD.R: TD(-2, controls = 0, sd = 1, n = 15) -> t = -1.936
    res = bm.single_case_test(-2.0, _standardised(15, 1), alternative="less")
    assert round(res.t, 3) == -1.936 and res.df == 14
    # singcar README (size-weight illusion, patient DF, n = 28 controls): t = -1.7243, df = 27,
    # p = 0.04804 (one-sided), Z-CC = -1.754857, 95 % CI [-2.34, -1.15], proportion below 4.804 %
    # with 95 % CI [0.95, 12.47] %
    res = bm.single_case_test(-1.754857, _standardised(28, 2), alternative="less")
    assert round(res.t, 4) == -1.7243 and res.df == 27
    assert res.p_value == pytest.approx(0.04804, abs=5e-6)
    assert res.share_below * 100 == pytest.approx(4.804003, abs=1e-4)
    assert round(res.z_cc_low, 2) == -2.34 and round(res.z_cc_high, 2) == -1.15
    # singcar walks the non-centrality outwards in steps of 0.01 (so its bounds lie up to
    # 0.01/sqrt(n) outside the exact ones) and prints two decimals
    h = 0.01 / math.sqrt(28)
    lo_pct = stats.norm.cdf([res.z_cc_low - h, res.z_cc_low]) * 100
    hi_pct = stats.norm.cdf([res.z_cc_high, res.z_cc_high + h]) * 100
    assert lo_pct[0] - 0.005 <= 0.95 <= lo_pct[1] + 0.005
    assert hi_pct[0] - 0.005 <= 12.47 <= hi_pct[1] + 0.005


def test_crawford_howell_t_and_p_by_hand():
    peers = np.array([0.0, -2, 5, 2, 1, 3, -4, -2])
    n = peers.size
    mean = peers.sum() / n
    s = math.sqrt(((peers - mean) ** 2).sum() / (n - 1))
    for focal in (10.0, -10.0, 0.0, 1.3):
        t = (focal - mean) / (s * math.sqrt((n + 1) / n))
        two = bm.single_case_test(focal, peers)
        less = bm.single_case_test(focal, peers, alternative="less")
        greater = bm.single_case_test(focal, peers, alternative="greater")
        assert two.t == pytest.approx(t) and two.df == n - 1
        assert two.p_value == pytest.approx(2 * stats.t.sf(abs(t), n - 1))
        assert less.p_value == pytest.approx(stats.t.cdf(t, n - 1))
        assert greater.p_value == pytest.approx(stats.t.sf(t, n - 1))
        assert two.z_cc == pytest.approx((focal - mean) / s)
        assert two.share_below == pytest.approx(stats.t.cdf(t, n - 1))
        assert two.peers_mean == pytest.approx(mean) and two.peers_sd == pytest.approx(s)
    # psycho's tests (crawford.test): t about 3.05, -3.3 and -0.12 for these controls
    assert bm.single_case_test(10.0, peers).t == pytest.approx(3.05, abs=0.01)
    assert bm.single_case_test(-10.0, peers).t == pytest.approx(-3.29, abs=0.01)


def _brute_force_ncp(c: float, df: int, prob: float) -> float:
    """delta with nct.cdf(c; df, delta) = prob, from a fine grid (cdf decreases in delta)."""
    grid = np.arange(c - 8.0, c + 8.0, 1e-4)
    cdf = stats.nct.cdf(c, df, grid)
    i = int(np.flatnonzero(cdf <= prob)[0])  # first grid point past the crossing
    # linear interpolation between the two grid points around the crossing
    return float(grid[i - 1] + (cdf[i - 1] - prob) / (cdf[i - 1] - cdf[i]) * 1e-4)


@pytest.mark.parametrize(
    ("focal", "n", "level"), [(-2.0, 10, 0.95), (0.7, 5, 0.9), (3.1, 40, 0.99)]
)
def test_zcc_interval_is_the_noncentral_t_root_and_brackets_the_estimate(focal, n, level):
    peers = _standardised(n, n)
    res = bm.single_case_test(focal, peers, level=level)
    c = res.z_cc * math.sqrt(n)
    a = 1 - level
    assert res.z_cc_low == pytest.approx(
        _brute_force_ncp(c, n - 1, 1 - a / 2) / math.sqrt(n), abs=1e-5
    )
    assert res.z_cc_high == pytest.approx(
        _brute_force_ncp(c, n - 1, a / 2) / math.sqrt(n), abs=1e-5
    )
    assert res.z_cc_low < res.z_cc < res.z_cc_high
    assert res.share_below_low < res.share_below < res.share_below_high
    assert res.share_below_low == pytest.approx(stats.norm.cdf(res.z_cc_low))


def test_zcc_interval_survives_scipys_nan_tail():
    # nct.cdf returns NaN far in its tails (nct.cdf(-5, 158, 5)); an extreme page among 159
    # peers used to stop the root search
    peers = _standardised(159, 7)
    res = bm.single_case_test(2.643, peers)
    assert np.isfinite([res.z_cc_low, res.z_cc_high]).all()
    assert res.z_cc_low < res.z_cc < res.z_cc_high
    c = res.z_cc * math.sqrt(159)
    assert stats.nct.cdf(c, 158, res.z_cc_low * math.sqrt(159)) == pytest.approx(0.975)
    assert stats.nct.cdf(c, 158, res.z_cc_high * math.sqrt(159)) == pytest.approx(0.025)


def test_single_case_test_refuses_what_it_cannot_estimate():
    with pytest.raises(ValueError, match="at least 2 peers"):
        bm.single_case_test(1.0, [0.5])
    with pytest.raises(ValueError, match="same value"):
        bm.single_case_test(1.0, [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="finite"):
        bm.single_case_test(math.nan, [0.1, 0.5])
    with pytest.raises(ValueError, match="alternative"):
        bm.single_case_test(1.0, [0.1, 0.5], alternative="both")


def test_client_vs_peers_excludes_the_client_from_its_peers():
    league = pd.DataFrame(
        {
            "account_id": ["p1", "client", "p2", "p3", "p4"],
            "answered_share": [0.30, 0.90, 0.40, 0.35, np.nan],
            "replies_per_post": [2.0, 1.0, 4.0, 3.0, 5.0],
        }
    )
    out = bm.client_vs_peers(league, "client").set_index("metric")
    share = out.loc["answered_share"]
    peers = np.array([0.30, 0.40, 0.35])  # p4 has no value, the client is not its own peer
    t = (0.90 - peers.mean()) / (peers.std(ddof=1) * math.sqrt(4 / 3))
    assert share["status"] == "tested" and share["n_peers"] == 3
    assert share["peers_mean"] == pytest.approx(0.35) and share["t"] == pytest.approx(t)
    assert share["p_value"] == pytest.approx(2 * stats.t.sf(abs(t), 2))
    assert share["rank"] == 1 and share["n_ranked"] == 4
    rpp = out.loc["replies_per_post"]
    assert rpp["peers_mean"] == pytest.approx(3.5) and rpp["n_peers"] == 4
    assert rpp["rank"] == 5 and rpp["n_ranked"] == 5
    assert rpp["t"] == pytest.approx(
        (1.0 - 3.5) / (np.std([2, 4, 3, 5], ddof=1) * math.sqrt(5 / 4))
    )
    # including the client would pull the mean to (0.9 + 1.05)/4
    assert share["peers_mean"] != pytest.approx(np.mean([0.30, 0.90, 0.40, 0.35]))


def test_client_vs_peers_untestable_metrics_get_a_status_not_an_error():
    league = pd.DataFrame(
        {
            "account_id": ["client", "p1", "p2", "p3"],
            "answered_share": [np.nan, 0.3, 0.4, 0.5],  # the client has no comments
            "replies_per_post": [2.0, 1.0, np.nan, np.nan],  # a single peer
            "median_answer_h": [3.0, 4.0, 4.0, 4.0],  # peers all equal
        }
    )
    out = bm.client_vs_peers(
        league, "client", metrics=("answered_share", "replies_per_post", "median_answer_h")
    ).set_index("metric")
    assert out["status"].tolist() == ["no_focal_value", "too_few_peers", "no_peer_spread"]
    assert out[["t", "p_value", "z_cc_low"]].isna().all().all()
    assert pd.isna(out.loc["answered_share", "rank"])
    assert out.loc["replies_per_post", "n_peers"] == 1
    assert out.loc["replies_per_post", "peers_mean"] == 1.0
    assert out.loc["median_answer_h", "difference"] == -1.0
    assert out.loc["median_answer_h", "rank"] == 4
    with pytest.raises(ValueError, match="appears 0 times"):
        bm.client_vs_peers(league, "nobody")


# --------------------------------------------------------------------------------------------
# league table, vendor metrics, months: a hand-built two-page table (plus a page without comments)
# --------------------------------------------------------------------------------------------

T0 = pd.Timestamp("2024-03-30T12:00:00Z")


@pytest.fixture()
def hand_tables():
    """Page A: 9 comments, 7 answered, 6 of them within the window at 0, 2, 2.0001, 8, 24 and 30 h
    (one bucket boundary each), one answered later, 2 unanswered; 3 posts with 4 + 5 + 0 comments.
    Page B: 11 comments, 10 answered at 1, 2, ..., 10 h, 1 unanswered; 2 posts with 11 + 0.
    Page C: 2 posts, no comments."""
    posts = pd.DataFrame(
        {
            "post_id": ["a1", "a2", "a3", "b1", "b2", "c1", "c2"],
            "account_id": ["A", "A", "A", "B", "B", "C", "C"],
            "platform": ["facebook"] * 3 + ["twitter"] * 2 + ["youtube"] * 2,
            "account_type": ["business"] * 5 + ["personal"] * 2,
            "created_at": [T0, T0, T0 + pd.Timedelta(days=3), T0, T0, T0, T0],
            "replies": [4, 5, 0, 11, 0, 0, 0],
        }
    )
    a_delay = [0.0, 2.0, 2.0001, 8.0, 24.0, 30.0, 72.0, 72.0, 72.0]
    a_answered = [True] * 7 + [False] * 2
    a_observed = [True] * 6 + [False] * 3
    b_delay = [float(h) for h in range(1, 11)] + [72.0]
    comments = pd.DataFrame(
        {
            "comment_id": [f"c{i}" for i in range(20)],
            "post_id": ["a1"] * 4 + ["a2"] * 5 + ["b1"] * 11,
            "account_id": ["A"] * 9 + ["B"] * 11,
            "platform": ["facebook"] * 9 + ["twitter"] * 11,
            "account_type": ["business"] * 20,
            # A: 4 comments in March, 5 in April (the post was late on 30 March)
            "created_at": [T0] * 4 + [T0 + pd.Timedelta(days=2)] * 5 + [T0] * 11,
            "answered": a_answered + [True] * 10 + [False],
            "time_to_owner_reply_h": a_delay + b_delay,
            "reply_observed": a_observed + [True] * 10 + [False],
        }
    )
    return posts, comments


def test_vendor_metrics_counted_by_hand(hand_tables):
    posts, comments = hand_tables
    v = bm.vendor_metrics(posts, comments).set_index("account_id")
    assert list(v.index) == ["A", "B", "C"]
    a, b, c = v.loc["A"], v.loc["B"], v.loc["C"]
    # Sprout response rate
    assert (a["response_rate_num"], a["response_rate_den"]) == (7, 9)
    assert a["response_rate"] == pytest.approx(7 / 9)
    assert (b["response_rate_num"], b["response_rate_den"]) == (10, 11)
    assert a["answered_unobserved"] == 1 and b["answered_unobserved"] == 0
    # Emplifi buckets, upper bounds inclusive: 2 h -> 0-2 h, 8 h -> 2-8 h, 24 h -> 8-24 h
    assert [a[f"bucket_{k}_num"] for k in ("0_2h", "2_8h", "8_24h", "over_24h")] == [2, 2, 1, 1]
    assert a["buckets_den"] == 6 and a["bucket_0_2h_share"] == pytest.approx(2 / 6)
    assert [b[f"bucket_{k}_num"] for k in ("0_2h", "2_8h", "8_24h", "over_24h")] == [2, 6, 2, 0]
    assert b["bucket_2_8h_share"] == pytest.approx(0.6)
    # Facebook: the fastest 90 % -- of 6 delays ceil(5.4) = 6 are kept, of 10 the slowest goes
    assert a["fastest90_den"] == 6
    assert a["response_time_fastest90_h"] == pytest.approx((0 + 2 + 2.0001 + 8 + 24 + 30) / 6)
    assert b["fastest90_den"] == 9 and b["fastest90_num"] == pytest.approx(45.0)
    assert b["response_time_fastest90_h"] == pytest.approx(5.0)
    # Kaushik conversation rate: audience comments per post
    assert (a["conversation_rate_num"], a["conversation_rate_den"]) == (9, 3)
    assert a["conversation_rate"] == pytest.approx(3.0) and b["conversation_rate"] == 5.5
    # a page with no comments: zero denominators give NaN rates, not zeros
    assert c["response_rate_den"] == 0 and math.isnan(c["response_rate"])
    assert c["buckets_den"] == 0 and math.isnan(c["bucket_0_2h_share"])
    assert math.isnan(c["response_time_fastest90_h"]) and c["conversation_rate"] == 0.0
    assert c["platform"] == "youtube" and c["account_type"] == "personal"


def test_fastest_90_percent_keeps_the_ceiling_in_exact_arithmetic():
    # 0.9 * k in floating point could round above an integer; k = 70 must keep 63
    k = 70
    comments = pd.DataFrame(
        {
            "account_id": ["A"] * k,
            "answered": [True] * k,
            "reply_observed": [True] * k,
            "time_to_owner_reply_h": np.arange(1.0, k + 1),
        }
    )
    posts = pd.DataFrame({"account_id": ["A"], "replies": [k]})
    v = bm.vendor_metrics(posts, comments).iloc[0]
    assert v["fastest90_den"] == 63
    assert v["response_time_fastest90_h"] == pytest.approx(32.0)  # mean of 1..63


def test_league_table_by_hand(hand_tables):
    posts, comments = hand_tables
    lg = bm.league_table(posts, comments).set_index("account_id")
    assert list(lg.index) == ["A", "B", "C"]
    a, b, c = lg.loc["A"], lg.loc["B"], lg.loc["C"]
    assert (a["posts"], a["replies"], a["comments"], a["answered"]) == (3, 9, 9, 7)
    # Wilson interval, by the formula and by statsmodels
    for row, x, n in ((a, 7, 9), (b, 10, 11)):
        p = x / n
        centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        assert row["answered_share"] == pytest.approx(p)
        assert row["answered_share_low"] == pytest.approx(centre - half)
        assert row["answered_share_high"] == pytest.approx(centre + half)
        sm_lo, sm_hi = proportion_confint(x, n, alpha=0.05, method="wilson")
        assert row["answered_share_low"] == pytest.approx(sm_lo)
        assert row["answered_share_high"] == pytest.approx(sm_hi)
    # quasi-Poisson replies per post of A: counts 4, 5, 0 -> rate 3, X2 = (1 + 4 + 9)/3
    assert a["replies_per_post"] == 3.0
    assert a["replies_dispersion"] == pytest.approx(14 / 3 / 2)
    half = Z95 * math.sqrt(14 / 6 / 9)
    assert a["replies_per_post_low"] == pytest.approx(3 * math.exp(-half))
    # medians of the observed delays: A has 6 (interval = min..max, 1 - 2/64), B has 10
    assert a["answered_observed"] == 6 and a["median_answer_h"] == pytest.approx(5.00005)
    assert (a["median_answer_h_low"], a["median_answer_h_high"]) == (0.0, 30.0)
    assert a["median_answer_h_coverage"] == pytest.approx(1 - 2 / 64)
    assert (b["median_answer_h_low"], b["median_answer_h_high"]) == (2.0, 9.0)
    assert b["median_answer_h_coverage"] == pytest.approx(1 - 2 * 11 / 1024)
    # ranks: B answers 10/11, A 7/9; C has no comments
    assert (b["rank_answered_share"], a["rank_answered_share"]) == (1, 2)
    assert pd.isna(c["rank_answered_share"])
    # the page without comments: counts 0, shares and the median NaN, replies 0 per post with
    # the exact Poisson upper bound
    assert (c["comments"], c["answered"], c["answered_observed"]) == (0, 0, 0)
    assert c[["answered_share", "answered_share_low", "median_answer_h"]].isna().all()
    assert c["replies_per_post"] == 0.0
    assert c["replies_per_post_high"] == pytest.approx(-math.log(0.025) / 2)


def test_league_table_without_comment_threads(hand_tables):
    # a post-level source (no threads) has replies NA: the rate is NaN, nothing raises
    posts, comments = hand_tables
    posts = posts.assign(replies=pd.array([pd.NA] * len(posts), dtype="object"))
    lg = bm.league_table(posts, comments.iloc[:0]).set_index("account_id")
    assert lg["posts"].tolist() == [3, 2, 2]
    assert lg[["replies", "replies_per_post", "answered_share"]].isna().all().all()
    v = bm.vendor_metrics(posts, comments.iloc[:0])
    assert v["conversation_rate"].isna().all() and (v["conversation_rate_den"] == 0).all()
    m = bm.monthly_rates(posts, comments.iloc[:0])
    assert m["replies_per_post"].isna().all() and (m["posts"] > 0).all()


def test_monthly_rates_by_hand(hand_tables):
    posts, comments = hand_tables
    m = bm.monthly_rates(posts, comments)
    key = {(r.account_id, str(r.month)): r for r in m.itertuples()}
    assert sorted(key) == [("A", "2024-03"), ("A", "2024-04"), ("B", "2024-03"), ("C", "2024-03")]
    march, april = key[("A", "2024-03")], key[("A", "2024-04")]
    # A: 2 posts (9 comments) in March, 1 (0) in April; 4 comments written in March, 5 in April
    assert (march.posts, march.replies, march.replies_per_post) == (2, 9.0, 4.5)
    assert (april.posts, april.replies, april.replies_per_post) == (1, 0.0, 0.0)
    assert (march.comments, march.answered, march.answered_share) == (4, 4, 1.0)
    assert (april.comments, april.answered) == (5, 3)
    assert april.answered_share == pytest.approx(0.6)
    assert math.isnan(key[("C", "2024-03")].answered_share)
    # nothing lost: totals per page equal the league table's
    lg = bm.league_table(posts, comments).set_index("account_id")
    tot = m.groupby("account_id")[["posts", "comments", "answered"]].sum()
    pd.testing.assert_frame_equal(tot, lg[["posts", "comments", "answered"]], check_dtype=False)


# --------------------------------------------------------------------------------------------
# the demo data end to end
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    """The demo data `dialogic demo` writes (its default seed), measured as the pipeline does."""
    tables = simulate_demo(seed=20240101)
    return tables, post_measures(tables), comment_measures(tables)


def _bracketed(frame: pd.DataFrame, est: str, low: str, high: str) -> None:
    rows = frame[frame[low].notna()]
    assert ((rows[low] <= rows[est]) & (rows[est] <= rows[high])).all(), est


def test_demo_end_to_end(demo):
    tables, post_m, comment_m = demo
    lg = bm.league_table(post_m, comment_m)
    # every page, once, with its volumes as the measure frames count them
    assert sorted(lg["account_id"]) == sorted(tables.accounts["account_id"])
    assert lg["account_id"].is_unique
    assert lg["comments"].sum() == len(comment_m) and lg["posts"].sum() == len(post_m)
    np.testing.assert_array_equal(lg["replies"], lg["comments"])  # both count audience comments
    # intervals bracket the estimates; no NaN where there are data
    _bracketed(lg, "replies_per_post", "replies_per_post_low", "replies_per_post_high")
    _bracketed(lg, "answered_share", "answered_share_low", "answered_share_high")
    _bracketed(lg, "median_answer_h", "median_answer_h_low", "median_answer_h_high")
    with_posts, with_comments = lg[lg["posts"] > 0], lg[lg["comments"] > 0]
    assert with_posts[["replies_per_post", "replies_per_post_high"]].notna().all().all()
    assert with_comments[["answered_share", "answered_share_low"]].notna().all().all()
    assert lg.loc[lg["answered_observed"] > 0, "median_answer_h"].notna().all()
    assert lg.loc[lg["answered_observed"] > 5, "median_answer_h_low"].notna().all()
    assert lg.loc[lg["answered_observed"] <= 5, "median_answer_h_low"].isna().all()
    # the client against its peers: peers' pooled rate, over-dispersion, funnel, single case
    client = lg.loc[lg["comments"].idxmax(), "account_id"]
    is_client = lg["account_id"] == client
    target = bm.pooled_rate(lg["answered"], lg["comments"], exclude=is_client)
    peers = lg[~is_client]
    assert target == pytest.approx(peers["answered"].sum() / peers["comments"].sum())
    od = bm.funnel_overdispersion(peers["answered"], peers["comments"], target)
    assert od.n_units == len(peers) and od.phi >= 1
    pos = bm.funnel_positions(lg["answered"], lg["comments"], target, od.phi)
    assert pos["position"].isin(bm.POSITIONS).all()
    versus = bm.client_vs_peers(
        lg, client, metrics=("answered_share", "replies_per_post", "median_answer_h")
    )
    assert (versus["status"] == "tested").all() and (versus["n_peers"] == len(lg) - 1).all()
    assert ((versus["z_cc_low"] < versus["z_cc"]) & (versus["z_cc"] < versus["z_cc_high"])).all()
    # vendor metrics agree with the league table and add up
    v = bm.vendor_metrics(post_m, comment_m).set_index("account_id")
    lgi = lg.set_index("account_id")
    np.testing.assert_allclose(v["response_rate"], lgi["answered_share"])
    np.testing.assert_array_equal(v["buckets_den"], lgi["answered_observed"])
    buckets = v[[f"bucket_{b[0]}_num" for b in bm.BUCKETS]].sum(axis=1)
    np.testing.assert_array_equal(buckets, v["buckets_den"])
    np.testing.assert_allclose(v["conversation_rate"], lgi["replies_per_post"])
    assert v.loc[v["buckets_den"] > 0, "response_time_fastest90_h"].notna().all()
    # months add up to the pages' totals
    m = bm.monthly_rates(post_m, comment_m)
    tot = m.groupby("account_id")[["posts", "comments", "answered"]].sum()
    pd.testing.assert_frame_equal(
        tot, lgi[["posts", "comments", "answered"]].astype("int64"), check_dtype=False
    )
