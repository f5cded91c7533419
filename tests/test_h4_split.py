"""H4 as two claims: H4a "answers less" (within the reply window) and H4b "answers later, among
what gets answered", each with its own test and verdict, checked against independent
computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from test_report_i18n import english_left
from test_schema import tiny

from analysis.measures import comment_measures
from analysis.stats import CATALOGUE, adjust_pvalues, hypotheses, run_hypothesis, survival
from analysis.stats.simulation import simulate_measures


@pytest.fixture(scope="module")
def planted():
    """30 vs 30 pages; business pages answer less (OR 0.5) and, when they answer, later
    (HR 0.5)."""
    return simulate_measures(
        21, n_business=30, n_personal=30, posts_range=(8, 15), or_business=0.5, hr=0.5
    )


def _frame(hid, comments):
    return hypotheses.prepare(CATALOGUE[hid], None, comments, None, 1)[0]


def test_answered_in_window_by_hand():
    # tiny(): c1 written at +1 h, answered by the page at +3 h; c3 at +4 h, never answered;
    # collected at +9 days
    cm = comment_measures(tiny(), window_h=72).set_index("comment_id")
    assert cm.loc["x:c1", "answered_in_window"] is True or bool(
        cm.loc["x:c1", "answered_in_window"]
    )
    assert not bool(cm.loc["x:c3", "answered_in_window"])
    short = comment_measures(tiny(), window_h=1).set_index("comment_id")
    assert not bool(short.loc["x:c1", "answered_in_window"])  # the answer came after 2 h > 1 h
    # a 300 h window is longer than either comment was followed (215 h, 212 h): too young to tell,
    # answered or not
    long = comment_measures(tiny(), window_h=300).set_index("comment_id")
    assert long["answered_in_window"].isna().all()
    no_window = comment_measures(tiny(), window_h=None).set_index("comment_id")
    assert no_window["answered_in_window"].tolist() == no_window["reply_observed"].tolist()


def test_h4_is_two_claims_and_says_so():
    with pytest.raises(ValueError, match="H4a and H4b"):
        run_hypothesis("H4", comments=pd.DataFrame())
    assert hypotheses.SPLIT == {"H4": ("H4a", "H4b")}
    from analysis.runner import study

    assert (
        study.SPLIT == hypotheses.SPLIT
    )  # the runner's copy (no statsmodels import to read a study)
    a, b = CATALOGUE["H4a"], CATALOGUE["H4b"]
    assert (a.outcome, a.model, a.direction, a.effect_name) == (
        "answered_in_window",
        "gee_logit",
        "less",
        "OR",
    )
    assert (b.outcome, b.model, b.direction, b.effect_name, b.subset) == (
        "time_to_owner_reply_h",
        "log_time",
        "greater",
        "GMR",
        "answered_in_window",
    )


def test_h4a_odds_ratio_equals_statsmodels_gee_directly(planted):
    posts, comments = planted
    res = run_hypothesis("H4a", posts=posts, comments=comments, n_perm=199)
    df = _frame("H4a", comments).sort_values("cluster", kind="stable")
    assert len(df) == len(comments)  # simulated comments are all followed for the window
    X = sm.add_constant(df[["group"]].astype(float))
    direct = sm.GEE(
        df["answered_in_window"].astype(float),
        X,
        groups=pd.factorize(df["cluster"])[0],
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    ).fit(cov_type="bias_reduced")
    r = res.row
    assert r["estimate"] == pytest.approx(np.exp(direct.params["group"]), rel=1e-6)
    from scipy import stats

    G = df["cluster"].nunique()
    t = direct.params["group"] / direct.bse["group"]
    assert r["statistic"] == pytest.approx(t, rel=1e-6)
    assert r["p_value"] == pytest.approx(
        stats.t(G - 1).cdf(t), rel=1e-6
    )  # one-sided "less", t(G−1)
    assert r["verdict"] == "supported" and r["ci_high"] < 1


def test_h4b_ratio_equals_hand_formula_and_statsmodels_ols_cluster(planted):
    posts, comments = planted
    res = run_hypothesis("H4b", posts=posts, comments=comments, n_perm=199)
    df = _frame("H4b", comments)
    assert df["reply_observed"].all() and len(df) == int(comments["answered_in_window"].sum())
    y = np.log(np.maximum(df["time_to_owner_reply_h"].to_numpy(float), 1 / 60))
    g = df["group"].to_numpy()
    # hand: with the group alone, OLS is the difference of the two groups' mean log delays
    diff = y[g == 1].mean() - y[g == 0].mean()
    assert res.row["estimate"] == pytest.approx(np.exp(diff), rel=1e-10)
    # CR1: statsmodels OLS with page-clustered covariance
    ols = sm.OLS(y, sm.add_constant(g.astype(float))).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["cluster"])[0]}
    )
    # CV3 by hand: refit without each page in turn
    pages = df["cluster"].unique()
    loo = np.array(
        [
            y[(g == 1) & (df["cluster"] != c)].mean() - y[(g == 0) & (df["cluster"] != c)].mean()
            for c in pages
        ]
    )
    G = len(pages)
    se_cv3 = np.sqrt((G - 1) / G * np.sum((loo - loo.mean()) ** 2))
    fit = survival.fit_log_time(df, "time_to_owner_reply_h")
    assert fit.extra["se_cr1"] == pytest.approx(ols.bse[1], rel=1e-10)
    assert fit.extra["se_cv3"] == pytest.approx(se_cv3, rel=1e-8)
    assert fit.se == pytest.approx(max(ols.bse[1], se_cv3), rel=1e-8)
    from scipy import stats

    assert res.row["p_value"] == pytest.approx(
        stats.t(G - 1).sf(diff / fit.se), rel=1e-6
    )  # "greater"
    assert res.row["reference_distribution"] == f"t({G - 1})"
    # planted: business scale 0.5^(-1/0.8) = 2.38 times larger -> ratio of geometric means 2.38
    assert res.row["ci_low"] <= 0.5 ** (-1 / 0.8) <= res.row["ci_high"]
    assert res.verdict == "supported"
    tests = res.robustness["test"].tolist()
    assert tests[0] == "page-level permutation test on page geometric mean delays"
    assert res.robustness["p_value"].iloc[0] <= 0.05


def test_the_two_claims_are_told_apart():
    # answering less but not later: H4a supported, H4b not (the Cox HR would call this "slower")
    posts, comments = simulate_measures(8, n_business=25, n_personal=25, or_business=0.3, hr=1.0)
    assert (
        run_hypothesis("H4a", posts=posts, comments=comments, robustness=False).verdict
        == "supported"
    )
    assert (
        run_hypothesis("H4b", posts=posts, comments=comments, robustness=False).verdict
        == "not supported"
    )
    # answering later but not less (delays short enough that hardly any answer falls outside the
    # window): the other way round
    posts, comments = simulate_measures(
        9, n_business=25, n_personal=25, or_business=1.0, hr=0.4, scale_h=1.0
    )
    assert (
        run_hypothesis("H4a", posts=posts, comments=comments, robustness=False).verdict
        == "not supported"
    )
    assert (
        run_hypothesis("H4b", posts=posts, comments=comments, robustness=False).verdict
        == "supported"
    )


def test_holm_counts_both_claims(planted):
    posts, comments = planted
    results = [
        run_hypothesis(h, posts=posts, comments=comments, robustness=False)
        for h in ("H1", "H4a", "H4b")
    ]
    adjusted = adjust_pvalues(results)
    expected = multipletests([r.row["p_value"] for r in results], method="holm")[1]
    assert [r.row["p_adjusted"] for r in adjusted] == pytest.approx(list(expected))


def test_study_h4_makes_one_report_per_claim(tmp_path):
    from analysis.runner.study import load_study

    spec = tmp_path / "s.yaml"
    spec.write_text(
        f"name: s\noutput: {tmp_path / 'out'}\nhypotheses:\n  - id: H1\n  - id: H4\n"
        "    claim: ignored on the parts\n"
    )
    study = load_study(spec)
    assert [r.name for r in study.reports] == ["h1", "h4a", "h4b"]
    assert [r.parameters["hypothesis"] for r in study.reports] == ["H1", "H4a", "H4b"]
    assert all(r.claim == "" for r in study.reports[1:])  # each part states its own claim


def test_sentences_in_both_languages(planted):
    posts, comments = planted
    for hid in ("H4a", "H4b"):
        res = run_hypothesis(hid, posts=posts, comments=comments, n_perm=199)
        for style in ("apa", "plain"):
            en, fr = res.sentence(style, "en"), res.sentence(style, "fr")
            assert en != fr and not english_left(fr), (hid, style, fr)
    plain = run_hypothesis("H4b", posts=posts, comments=comments, robustness=False).sentence(
        "plain", "en"
    )
    assert "times as long" in plain and "answered within the reply window" in plain


def test_a_cox_whose_proportional_hazards_check_fails_is_not_worded_as_slower(planted):
    posts, comments = planted  # many comments never answered: the curves plateau, PH fails
    res = run_hypothesis(
        "generic",
        posts=posts,
        comments=comments,
        outcome="time_to_owner_reply_h",
        unit="comment",
        contrast="account_type",
        direction="less",
        model="cox",
        n_perm=199,
    )
    assert any(w.startswith("proportional-hazards assumption questionable") for w in res.warnings)
    en, fr = res.sentence("plain", "en"), res.sentence("plain", "fr")
    assert "(they answer more slowly)" not in en
    assert "does not show that they answer more slowly" in en
    assert "ne montre donc pas qu'elles répondent plus lentement" in fr
