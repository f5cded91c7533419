"""The text signals recover the labels the demo simulation planted (analysis.simulate
templates)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.simulate import TEXTS, simulate_demo
from analysis.text import (
    detect_language,
    is_negative,
    is_promotional,
    is_question,
    sentiment_score,
)

POST_KINDS = ("question", "promotion", "other")
COMMENT_KINDS = ("praise", "complaint", "cquestion", "neutral")


def _template_kinds(kinds: tuple[str, ...], with_topics: bool) -> dict[str, tuple[str, str]]:
    """Every text the simulation can write -> (kind, language), built from its own templates."""
    out = {}
    for lang, texts in TEXTS.items():
        for kind in kinds:
            for template in texts[kind]:
                for topic in texts["topics"] if with_topics else [""]:
                    out[template.format(topic=topic) if with_topics else template] = (kind, lang)
    return out


@pytest.fixture(scope="module")
def demo():
    return simulate_demo(seed=20240101)


def _post_labels() -> dict[str, tuple[bool, bool]]:
    """Every post text the simulation can write -> (is question, is promotion).

    The simulation draws promotion independently of questions; a post that is both is an offer
    template followed by a question template, sharing one topic.
    """
    out = {}
    for texts in TEXTS.values():
        for topic in texts["topics"]:
            for t in texts["other"]:
                out[t.format(topic=topic)] = (False, False)
            for q in texts["question"]:
                out[q.format(topic=topic)] = (True, False)
            for p in texts["promotion"]:
                out[p.format(topic=topic)] = (False, True)
                for q in texts["question"]:
                    out[f"{p} {q}".format(topic=topic)] = (True, True)
    return out


def test_posts_recover_question_and_promotion_labels(demo):
    labels = _post_labels()
    posts = demo.posts
    truth = posts["text"].map(
        lambda t: labels[t]
    )  # KeyError would mean a text outside the templates
    planted_q = truth.map(lambda x: x[0])
    planted_p = truth.map(lambda x: x[1])
    question = is_question(posts["text"], posts["lang"])
    promotional = is_promotional(posts["text"], posts["lang"])
    assert (question == planted_q).mean() >= 0.99
    assert (promotional == planted_p).mean() >= 0.99
    assert planted_q.sum() > 100 and planted_p.sum() > 100 and (planted_q & planted_p).sum() > 30


def test_comments_recover_negative_label_and_language(demo):
    kinds = _template_kinds(COMMENT_KINDS, with_topics=False)
    comments = demo.comments[demo.comments["text"].isin(kinds)]
    assert len(comments) > 0.8 * (~demo.comments["is_owner"]).sum()
    truth = comments["text"].map(lambda t: kinds[t][0])
    lang_truth = comments["text"].map(lambda t: kinds[t][1])
    negative = is_negative(comments["text"], comments["lang"])
    assert (negative == truth.eq("complaint")).mean() >= 0.99
    # the 10 % of comments written in the page's other language are detected as such
    assert (detect_language(comments["text"]) == lang_truth).mean() >= 0.97
    scores = sentiment_score(comments["text"], comments["lang"])
    assert scores[truth.eq("praise")].min() > 0.3 and scores[truth.eq("complaint")].max() < 0


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_every_template_is_classified_as_planted(lang):
    texts = TEXTS[lang]
    for kind in POST_KINDS:
        posts = pd.Series(
            [t.format(topic=topic) for t in texts[kind] for topic in texts["topics"]]
        )
        langs = pd.Series(lang, index=posts.index)
        assert is_question(posts, langs).eq(kind == "question").all(), kind
        assert is_promotional(posts, langs).eq(kind == "promotion").all(), kind
    for kind in COMMENT_KINDS:
        comments = pd.Series(texts[kind])
        assert (
            is_negative(comments, pd.Series(lang, index=comments.index))
            .eq(kind == "complaint")
            .all()
        ), kind
        assert detect_language(comments).eq(lang).all(), kind
