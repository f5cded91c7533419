"""run_hypothesis contract, planted-effect recovery, verdicts, warnings, multiple testing, power,
words."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower

from analysis.stats import CATALOGUE, HypothesisResult, adjust_pvalues, run_hypothesis
from analysis.stats.power import (
    mde_from_se,
    mde_pages,
    power_from_se,
    power_pages,
    se_log_ratio_pages,
)
from analysis.stats.result import TABLE_COLUMNS
from analysis.stats.simulation import simulate_measures, simulate_pages_rho

PLANTED = dict(irr=0.5, question_irr=1.5, or_business=0.4, or_interaction=0.5)


@pytest.fixture(scope="module")
def planted():
    """60 vs 60 pages with the demo's planted effects (docs/demo-data.md)."""
    return simulate_measures(2024, n_business=60, n_personal=60, **PLANTED)


@pytest.fixture(scope="module")
def results(planted):
    posts, comments = planted
    return {
        h: run_hypothesis(h, posts=posts, comments=comments, n_perm=999)
        for h in ("H1", "H2", "H3", "H6")
    }


def test_catalogue_fields():
    for hid in ("H1", "H2", "H3", "H4a", "H4b", "H5", "H6"):
        h = CATALOGUE[hid]
        for f in (
            "id",
            "claim_en",
            "question_en",
            "outcome",
            "unit",
            "contrast",
            "direction",
            "model",
            "robustness",
            "effect_name",
        ):
            assert getattr(h, f), (hid, f)
        for f in ("claim", "question", "focal", "outcome"):  # French from the catalogue
            assert h.text(f, "fr") and h.text(f, "fr") != h.text(f, "en"), (hid, f)
    assert CATALOGUE["H1"].model == "negbin" and CATALOGUE["H1"].direction == "less"


@pytest.mark.parametrize("hid,truth", [("H1", 0.5), ("H3", 1.5), ("H6", 0.5)])
def test_planted_effect_recovered(results, hid, truth):
    res = results[hid]
    row = res.row
    assert row["ci_low"] <= truth <= row["ci_high"], row
    assert res.verdict == "supported"
    assert row["p_value"] < 0.01
    direction = CATALOGUE[hid].direction
    assert (row["estimate"] < 1) == (direction == "less")


def test_h2_recovers_planted_odds_ratio():
    # without the negative-comment interaction the planted OR holds for every comment; GEE
    # estimates the population-averaged OR, attenuated by about 1/sqrt(1 + 0.346·0.25) (Zeger,
    # Liang & Albert 1988): 0.415
    posts, comments = simulate_measures(99, n_business=60, n_personal=60, or_business=0.4)
    res = run_hypothesis("H2", posts=posts, comments=comments, n_perm=999)
    assert res.row["ci_low"] <= 0.4 <= res.row["ci_high"]
    assert res.verdict == "supported"


def test_cox_recovers_planted_hazard_ratio():
    # PH holds when every comment is eventually answered within the window and frailty is small
    posts, comments = simulate_measures(
        7,
        n_business=25,
        n_personal=25,
        posts_range=(5, 10),
        hr=0.5,
        answer_p=0.999,
        page_sd=0.05,
        window_h=1e6,
    )
    res = run_hypothesis(
        "generic",
        posts=posts,
        comments=comments,
        outcome="time_to_owner_reply_h",
        unit="comment",
        contrast="account_type",
        direction="less",
        model="cox",
        n_perm=999,
    )
    assert res.row["ci_low"] <= 0.5 <= res.row["ci_high"]
    assert res.verdict == "supported"
    tests = res.robustness["test"].tolist()
    assert any(t.startswith("Kaplan–Meier median") for t in tests)
    assert any(t.startswith("proportional hazards") for t in tests)
    km = res.robustness[res.robustness.test.str.startswith("Kaplan")]
    # Weibull(shape 0.8): median = scale * ln2^(1/0.8); business scale is 0.5^(-1/0.8) times larger
    assert km["estimate"].iloc[0] / km["estimate"].iloc[1] == pytest.approx(
        0.5 ** (-1 / 0.8), rel=0.2
    )


def test_h5_equivalence_supported_when_rho_zero_and_not_when_strong():
    pages = simulate_pages_rho(1, n_pages=400, rho_s=0.0)
    res = run_hypothesis("H5", pages=pages, n_boot=200)
    assert res.verdict == "supported" and abs(res.row["estimate"]) < 0.15
    strong = run_hypothesis("H5", pages=simulate_pages_rho(1, n_pages=400, rho_s=0.7), n_boot=200)
    assert strong.verdict == "not supported"


def test_planted_null_promotion_not_supported(planted):
    # promotion is more frequent on business pages, which get fewer replies: confounded
    posts, _ = planted
    res = run_hypothesis(
        "generic",
        posts=posts,
        outcome="replies",
        unit="post",
        contrast="is_promotional",
        direction="less",
        model="negbin",
        n_perm=999,
    )
    assert res.verdict == "not supported"
    assert res.row["ci_low"] <= 1 <= res.row["ci_high"]


def test_table_contract_and_to_dict(results):
    res = results["H1"]
    assert isinstance(res, HypothesisResult)
    assert list(res.table.columns) == TABLE_COLUMNS and len(res.table) == 1
    assert {"group", "replies", "cluster"} <= set(res.analysed.columns)
    assert list(res.robustness.columns) == [
        "test",
        "statistic",
        "p_value",
        "estimate",
        "ci_low",
        "ci_high",
        "note",
    ]
    d1, d2 = res.to_dict(), res.to_dict()
    assert json.dumps(d1, sort_keys=True) == json.dumps(d2, sort_keys=True)
    assert d1["table"]["p_adjusted"] is None  # NaN -> None
    assert isinstance(d1["table"]["estimate"], float)
    # the table is not rounded
    assert res.row["estimate"] != round(res.row["estimate"], 6)


def test_p_value_direction_and_two_sided(planted):
    posts, _ = planted
    less = run_hypothesis("H1", posts=posts, robustness=False)
    greater = run_hypothesis("H1", posts=posts, direction="greater", robustness=False)
    two = run_hypothesis("H1", posts=posts, direction="two-sided", robustness=False)
    assert less.row["p_value"] + greater.row["p_value"] == pytest.approx(1.0)
    assert two.row["p_value"] == pytest.approx(2 * less.row["p_value"])
    assert greater.verdict == "not supported"


def test_few_clusters_warn_and_use_t():
    posts, _ = simulate_measures(4, n_business=6, n_personal=6, with_comments=False)
    res = run_hypothesis("H1", posts=posts, n_perm=999)
    assert any("few clusters" in w for w in res.warnings)
    assert res.row["reference_distribution"] == "t(11)"
    assert "few clusters" in res.row["warnings"]


def test_separation_gives_inconclusive():
    posts, _ = simulate_measures(4, n_business=5, n_personal=5, with_comments=False)
    posts.loc[posts.account_type == "business", "replies"] = 0
    res = run_hypothesis("H1", posts=posts, n_perm=99)
    assert res.verdict == "inconclusive"
    assert any("separation" in w for w in res.warnings)


def test_one_group_only_is_inconclusive_and_says_why_in_both_languages(planted):
    # e.g. a customer-care data set of brands only: there is no personal page to compare with
    posts, comments = planted
    business = posts[posts["account_type"] == "business"]
    res = run_hypothesis("H1", posts=business, n_perm=99)
    assert res.verdict == "inconclusive"
    assert "at least two pages; business pages: 60, personal pages: 0" in res.row["warnings"]
    fr = res.sentence("plain", "fr")
    assert "chaque groupe doit compter au moins deux pages" in fr and "business" not in fr
    assert res.sentence("apa", "en").startswith("No estimate could be given (each group needs")


def test_min_posts_excludes_pages():
    posts, _ = simulate_measures(
        4, n_business=10, n_personal=10, posts_range=(3, 12), with_comments=False
    )
    n_small = int((posts.groupby("account_id").size() < 8).sum())
    res = run_hypothesis("H1", posts=posts, min_posts=8, robustness=False)
    assert res.row["n_pages_excluded"] == n_small
    assert res.row["n_clusters"] == 20 - n_small


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(hid="H9"), "not in the catalogue"),
        (dict(hid="H1", direction="down"), "direction"),
        (dict(hid="H1", alpha=5), "alpha"),
        (
            dict(hid="generic", outcome="replies", unit="post", contrast="nope"),
            "contrast column `nope`",
        ),
        (dict(hid="generic", outcome="replies", unit="post"), "needs contrast"),
    ],
)
def test_errors_name_the_fix(planted, kwargs, match):
    posts, comments = planted
    with pytest.raises(ValueError, match=match):
        run_hypothesis(posts=posts, comments=comments, **kwargs)


def test_missing_frame_is_named():
    with pytest.raises(ValueError, match="pass `comments=`"):
        run_hypothesis("H2", posts=pd.DataFrame({"account_id": []}))


def test_holm_and_bh_against_hand_formulas(results):
    res = list(results.values())
    p = np.array([r.row["p_value"] for r in res])
    m = len(p)
    order = np.argsort(p)
    holm = np.empty(m)
    holm[order] = np.minimum(
        1, np.maximum.accumulate(p[order] * (m - np.arange(m)))
    )  # Holm (1979)
    bh = np.empty(m)
    bh[order] = np.minimum(
        1, np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    )  # BH 1995
    for method, ref in (("holm", holm), ("bh", bh)):
        adj = adjust_pvalues(res, method=method)
        assert [a.row["p_adjusted"] for a in adj] == pytest.approx(list(ref), rel=1e-12)
        assert all(a.row["p_adjust_method"] == method for a in adj)
    assert np.isnan(res[0].row["p_adjusted"])  # inputs untouched


def test_adjustment_recomputes_verdict(planted):
    posts, _ = planted
    weak = run_hypothesis("H1", posts=posts, direction="greater", robustness=False)  # p ~ 1
    strong = run_hypothesis("H1", posts=posts, robustness=False)
    border = run_hypothesis("H1", posts=posts, robustness=False)
    border.table.loc[0, "p_value"] = 0.04
    border.table.loc[0, "verdict"] = "supported"
    adj = adjust_pvalues([weak, strong, border], "holm")
    assert adj[2].row["p_adjusted"] == pytest.approx(0.08)
    assert adj[2].verdict == "not supported" and adj[1].verdict == "supported"
    with pytest.raises(ValueError, match="holm"):
        adjust_pvalues([weak], "bonferonni")


def test_power_formulas_against_statsmodels_normal_power():
    # power_from_se with a normal reference equals NormalIndPower with d = effect / unit SD
    sd, g1, g0, effect = 0.7, 25, 35, np.log(0.7)
    se = sd * np.sqrt(1 / g1 + 1 / g0)
    ref = NormalIndPower().power(
        effect_size=abs(effect) / sd, nobs1=g1, alpha=0.05, ratio=g0 / g1, alternative="larger"
    )
    assert power_from_se(effect, se, None) == pytest.approx(ref, rel=1e-10)
    # MDE inverts power: at the MDE the power is 0.8
    mde = mde_from_se(se, 59, direction="less")
    assert power_from_se(np.log(mde), se, 59) == pytest.approx(0.8, abs=1e-10)
    assert mde_pages(20, 20) < mde_pages(40, 40) < 1  # more pages: effects closer to 1 detectable
    assert power_pages(0.6, 40, 40) > 0.8
    assert se_log_ratio_pages(40, 40, 20, 6, 1.2, 0.5) == pytest.approx(
        np.sqrt((0.25 + (1 / 6 + 1.2) / 20) * (2 / 40))
    )


def test_result_reports_mde(results):
    row = results["H1"].row
    expected = mde_from_se(
        np.log(row["ci_high"] / row["estimate"])
        / __import__("scipy").stats.t(row["df"]).ppf(0.975),
        row["df"],
    )
    assert row["mde"] == pytest.approx(expected, rel=1e-9)
    assert 0 < row["mde"] < 1


def test_sentences_en_fr(results):
    res = results["H1"]
    row = res.row
    apa = res.sentence("apa", "en")
    assert (
        f"IRR = {row['estimate']:.2f}" in apa
        and f"[{row['ci_low']:.2f}, {row['ci_high']:.2f}]" in apa
    )
    assert "one-sided p" in apa and "support the claim" in apa
    fr = res.sentence("apa", "fr")
    assert f"IRR = {row['estimate']:.2f}".replace(".", ",") in fr and "unilatéral" in fr
    plain = res.sentence("plain", "en")
    assert (
        plain.startswith("The data support")
        and f"{(1 - row['estimate']) * 100:.0f}% fewer" in plain
    )
    assert res.sentence("plain", "fr").startswith("Les données confirment")
    with pytest.raises(ValueError, match="language"):
        res.sentence("apa", "de")


def test_h6_per_language_rows(results):
    rob = results["H6"].robustness
    assert set(rob["test"]) == {"H6 in language en", "H6 in language fr"}
    assert (rob["estimate"] < 1).all()
