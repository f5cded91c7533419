"""The demo simulation is deterministic and has the shape docs/demo-data.md promises."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.measures import post_measures
from analysis.simulate import PLANTED_EFFECTS, XSS_PROBE, simulate_demo, write_demo_raw


@pytest.fixture(scope="module")
def demo():
    return simulate_demo(20240101)


def test_same_seed_same_tables(demo):
    again = simulate_demo(20240101)
    for (name, a), (_, b) in zip(demo.items(), again.items(), strict=True):
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert not simulate_demo(7).posts["created_at"].equals(demo.posts["created_at"])


def test_shape_of_the_demo(demo):
    acc, posts, com = demo.accounts, demo.posts, demo.comments
    assert acc["account_type"].value_counts().to_dict() == {"business": 80, "personal": 80}
    assert set(acc["platform"]) == {"facebook", "twitter", "instagram", "youtube"}
    assert acc["followers"].max() / acc["followers"].min() > 1000  # very different audiences
    assert set(posts["lang"]) == {"en", "fr"} and set(com["lang"]) == {"en", "fr"}
    per_page = posts.groupby("account_id").size()
    assert per_page.min() >= 10 and per_page.max() <= 40
    assert com["depth"].max() == 4 and com["is_owner"].any()
    assert (com["text"] == XSS_PROBE).sum() == 1
    replies = (
        com[~com["is_owner"]].groupby("post_id").size().reindex(posts["post_id"], fill_value=0)
    )
    assert (replies == 0).mean() > 0.15  # zero-heavy
    assert replies.var() > 3 * replies.mean()  # over-dispersed


def test_planted_h1_effect_is_in_the_data(demo):
    """Independent of analysis.stats: a plain statsmodels NB2 fit recovers IRR 0.5 within its
    CI."""
    pm = post_measures(demo)
    x = sm.add_constant((pm["account_type"] == "business").astype(float).rename("business"))
    fit = sm.NegativeBinomial(pm["replies"].astype(float), x).fit(
        disp=0, cov_type="cluster", cov_kwds={"groups": pd.factorize(pm["account_id"])[0]}
    )
    lo, hi = np.exp(fit.conf_int().loc["business"])
    assert lo < PLANTED_EFFECTS["H1"]["value"] < hi


def test_raw_demo_is_marked_simulated(tmp_path):
    paths = write_demo_raw(tmp_path, seed=3)
    info = json.loads(paths["dataset"].read_text())
    assert info["simulated"] is True and "H1" in info["planted_effects"]
    assert pd.read_parquet(paths["posts"]).shape[0] > 1000
