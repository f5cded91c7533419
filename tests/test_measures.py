"""Measures checked against values worked out by hand on a tiny thread (see each comment)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_schema import T0, tiny

from analysis.measures import (
    GLOSSARY,
    comment_measures,
    filter_tables,
    page_measures,
    post_measures,
)
from analysis.schema import CanonicalTables


def test_post_measures_by_hand():
    pm = post_measures(tiny()).set_index("post_id")
    p1 = pm.loc["x:p1"]
    # p1: c1 (audience, +1h) <- c2 (owner, +3h) <- c3 (audience, +4h)
    assert p1["replies"] == 2 and p1["owner_replies"] == 1 and p1["unique_commenters"] == 1
    assert p1["answered_share"] == pytest.approx(0.5)  # c1 answered, c3 not
    assert p1["first_owner_reply_h"] == pytest.approx(3.0)
    assert p1["dialogue_turns"] == 2  # audience->owner, owner->audience
    assert p1["post_age_h"] == pytest.approx(9 * 24)
    p2 = pm.loc["x:p2"]
    assert (
        p2["replies"] == 0
        and pd.isna(p2["answered_share"])
        and math.isnan(p2["first_owner_reply_h"])
    )
    assert bool(p2["is_question"]) and not bool(pm.loc["x:p1", "is_question"])
    assert p1["account_type"] == "business" and p1["followers"] == 1000


def test_comment_measures_censoring_by_hand():
    cm = comment_measures(tiny(), window_h=72).set_index("comment_id")
    assert list(cm.index) == ["x:c1", "x:c3"]  # owner comments are not audience comments
    assert cm.loc["x:c1", "answered"] and cm.loc["x:c1", "reply_observed"]
    assert cm.loc["x:c1", "time_to_owner_reply_h"] == pytest.approx(2.0)
    assert not cm.loc["x:c3", "answered"] and not cm.loc["x:c3", "reply_observed"]
    assert cm.loc["x:c3", "time_to_owner_reply_h"] == pytest.approx(72.0)  # censored at the window
    no_window = comment_measures(tiny(), window_h=None).set_index("comment_id")
    assert no_window.loc["x:c3", "time_to_owner_reply_h"] == pytest.approx(
        9 * 24 - 4
    )  # at collection
    short = comment_measures(tiny(), window_h=1).set_index("comment_id")
    assert short.loc["x:c1", "answered"] and not short.loc["x:c1", "reply_observed"]
    assert short.loc["x:c1", "time_to_owner_reply_h"] == pytest.approx(1.0)


def test_comment_measures_when_no_page_ever_answers(tmp_path):
    # found on the random TWCS sample: no owner reply at all made the delays tz-naive and crashed
    from analysis.schema import read_canonical, write_canonical

    t = tiny()
    com = t.comments[~t.comments["is_owner"]].assign(parent_id=[None, "x:c1"], depth=[0, 1])
    write_canonical(CanonicalTables(t.accounts, t.posts, com), tmp_path)
    cm = comment_measures(read_canonical(tmp_path), window_h=72)
    assert not cm["answered"].any() and not cm["reply_observed"].any()
    assert cm["time_to_owner_reply_h"].tolist() == pytest.approx([72.0, 72.0])


def test_owner_reply_deeper_in_the_thread_answers_the_ancestors():
    t = tiny()
    # u2 replies to c1, then the owner answers u2: c1 and c4 both have an owner reply beneath them
    extra = pd.DataFrame(
        {
            "comment_id": ["x:c4", "x:c5"],
            "post_id": ["x:p1"] * 2,
            "parent_id": ["x:c1", "x:c4"],
            "author_id": ["u2", "x:shop"],
            "is_owner": [False, True],
            "created_at": [T0 + pd.Timedelta(hours=2), T0 + pd.Timedelta(hours=2.5)],
            "text": ["me too", "noted"],
            "lang": ["en", "en"],
            "depth": [1, 2],
        }
    )
    t = CanonicalTables(t.accounts, t.posts, pd.concat([t.comments, extra], ignore_index=True))
    cm = comment_measures(t).set_index("comment_id")
    assert cm.loc["x:c1", "time_to_owner_reply_h"] == pytest.approx(
        1.5
    )  # first owner reply beneath: c5
    assert cm.loc["x:c4", "time_to_owner_reply_h"] == pytest.approx(0.5)
    pm = post_measures(t).set_index("post_id")
    assert pm.loc["x:p1", "unique_commenters"] == 2
    assert pm.loc["x:p1", "answered_share"] == pytest.approx(2 / 3)


def test_page_measures_pool_comments():
    t = tiny()
    pages = page_measures(post_measures(t), comment_measures(t)).set_index("account_id")
    assert pages.loc["x:shop", "posts"] == 1 and pages.loc[
        "x:shop", "answered_share"
    ] == pytest.approx(0.5)
    assert pages.loc["x:ann", "mean_replies"] == 0


def test_aggregate_sources_mark_comment_measures_unavailable():
    pm = post_measures(tiny(), comments_available=False)
    assert pm["replies"].isna().all() and not pm["comments_available"].any()


def test_filters_report_what_they_exclude_and_reconcile():
    t = tiny()
    kept, excl = filter_tables(t, start="2024-03-02")
    assert kept.counts() == {"accounts": 0, "posts": 0, "comments": 0}
    assert excl.iloc[0].to_dict() == {
        "step": "period start",
        "reason": "posted before 2024-03-02",
        "accounts": 2,
        "posts": 2,
        "comments": 3,
    }
    kept, excl = filter_tables(t, min_posts=1, end="2024-03-01")
    assert kept.counts() == t.counts() and excl["posts"].sum() == 0
    kept, excl = filter_tables(t, min_posts=2)
    assert excl["posts"].sum() + len(kept.posts) == len(t.posts)
    with pytest.raises(ValueError, match="platform 'bluesky' is not in the data"):
        filter_tables(t, platforms=["bluesky"])


def test_glossary_covers_the_measures_in_both_languages():
    for name in (
        "replies",
        "answered_share",
        "time_to_owner_reply_h",
        "dialogue_turns",
        "negative",
    ):
        assert GLOSSARY[name]["en"] and GLOSSARY[name]["fr"] and GLOSSARY[name]["industry"]
