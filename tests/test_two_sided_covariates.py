"""Two-sided tests and covariates from the study file (issue 13, exports bullet).

``direction: two-sided`` tests a catalogue claim two-sided: the p-value is the two-sided one of
the same fit, and the claim is supported only when the effect also lies on its side.
``covariates: [...]`` adjusts the model; the adjusted effect is checked against statsmodels'
own negative binomial fit with page-clustered errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import test_report_fixtures  # tests/ is on sys.path (pytest prepend mode)

from analysis import pipeline
from analysis.report.methods import methods_paragraph
from analysis.report.viewmodels import effect_numbers
from analysis.runner.errors import ParameterError
from analysis.runner.preflight import describe_hypothesis
from analysis.stats import run_hypothesis
from analysis.stats.result import decide


def _row(**changes):
    row = {
        "alpha": 0.05,
        "p_value": 0.001,
        "reliable": True,
        "kind": "superiority",
        "direction": "two-sided",
        "claim_direction": "less",
        "estimate_name": "IRR",
        "estimate": 0.6,
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({}, "supported"),  # significant, on the claim's side
        ({"estimate": 1.7}, "not supported"),  # significant, on the other side
        ({"estimate": 1.0}, "not supported"),  # on no effect
        ({"p_value": 0.2}, "not supported"),
        ({"claim_direction": "greater", "estimate": 1.7}, "supported"),
        ({"claim_direction": "two-sided", "estimate": 1.7}, "supported"),  # no side claimed
        ({"direction": "less", "estimate": 1.7}, "supported"),  # one-sided rule unchanged
        (
            {"estimate_name": "rho", "claim_direction": "greater", "estimate": -0.2},
            "not supported",
        ),
        ({"reliable": False}, "inconclusive"),
    ],
)
def test_the_verdict_of_a_two_sided_test_of_a_directional_claim(changes, verdict):
    assert decide(_row(**changes)) == verdict


demo_dir = test_report_fixtures.demo_dir  # the simulated demo data, written once per session


@pytest.fixture(scope="module")
def demo(demo_dir):
    params = pipeline.from_namespace({"data_dir": str(demo_dir), "hypothesis": "H1"})
    return pipeline.load(params)


def test_two_sided_h1_reports_the_two_sided_p_of_the_same_fit(demo, demo_dir):
    one = run_hypothesis("H1", posts=demo.posts, comments=demo.comments)
    two = run_hypothesis("H1", posts=demo.posts, comments=demo.comments, direction="two-sided")
    assert two.row["estimate"] == pytest.approx(one.row["estimate"])
    assert two.row["p_value"] == pytest.approx(one.row["p_two_sided"])
    assert two.row["p_value"] == pytest.approx(2 * one.row["p_value"])
    assert two.row["claim_direction"] == "less" and two.verdict == "supported"
    # the words say two-sided, never one-sided
    assert effect_numbers(two.row, "en")["p_label"] == "p (two-sided)"
    params = pipeline.from_namespace(
        {"data_dir": str(demo_dir), "hypothesis": "H1", "direction": "two-sided"}
    )
    text = methods_paragraph(two.row, two.hypothesis, params, "en")
    assert "the test is two-sided" in text and "one-sided (" not in text


def test_a_significant_effect_against_the_claim_does_not_support_it(demo):
    """Business and personal labels swapped: business pages now get *more* replies, strongly;
    the two-sided test is significant, and the claim "fewer" is not supported."""
    swap = {"business": "personal", "personal": "business"}
    posts = demo.posts.assign(account_type=demo.posts["account_type"].astype(str).map(swap))
    result = run_hypothesis("H1", posts=posts, comments=demo.comments, direction="two-sided")
    assert result.row["estimate"] > 1.5 and result.row["p_value"] < 1e-6
    assert result.verdict == "not supported"


def test_covariates_adjust_the_model_as_statsmodels_does(demo):
    adjusted = run_hypothesis(
        "H1", posts=demo.posts, comments=demo.comments, covariates=("is_question",)
    )
    plain = run_hypothesis("H1", posts=demo.posts, comments=demo.comments)
    assert adjusted.row["covariates"] == "is_question"
    assert adjusted.row["estimate"] != pytest.approx(plain.row["estimate"], rel=1e-6)
    # independent fit: statsmodels NB2 (alpha by maximum likelihood) on the analysed frame
    frame = adjusted.analysed
    X = pd.DataFrame(
        {
            "const": 1.0,
            "group": frame["group"].astype(float),
            "is_question": frame["is_question"].astype(float),
        }
    )
    fit = sm.NegativeBinomial(frame["replies"].astype(float), X, loglike_method="nb2").fit(
        disp=False, maxiter=200
    )
    assert adjusted.row["estimate"] == pytest.approx(np.exp(fit.params["group"]), rel=1e-4)


def test_the_pipeline_passes_covariates_and_direction_from_the_parameters(demo, demo_dir):
    params = pipeline.from_namespace(
        {
            "data_dir": str(demo_dir),
            "hypothesis": "H1",
            "covariates": ["is_question"],
            "direction": "two-sided",
        }
    )
    result = pipeline.test(demo, params)
    assert result.row["covariates"] == "is_question" and result.row["direction"] == "two-sided"
    assert "The model adjusts for" in methods_paragraph(
        result.row, result.hypothesis, params, "en"
    )


def test_an_unknown_covariate_is_refused_before_any_kernel():
    with pytest.raises(ParameterError, match="covariates.*not a measure of the post measures"):
        describe_hypothesis({"hypothesis": "H1", "covariates": ["colour"]}, "report h1")
