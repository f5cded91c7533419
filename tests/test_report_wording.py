"""Words of the reports for generic hypotheses, model exclusions, equivalence tests, corrected p.

Fast: the demo data are simulated in a temporary folder and the hypotheses run in-process (no
kernel, no browser). Every count is checked against pandas on the same data.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
import test_report_fixtures

from analysis.measures import GLOSSARY
from analysis.report.wording import MEASURE_LABELS, generic_wording, hypothesis_words, term

# The report fixture, shared (bound by assignment: test arguments of the same name use it)
demo_dir = test_report_fixtures.demo_dir

COLUMNS = ("is_promotional", "is_question", "time_to_owner_reply_h", "_")


def test_every_glossary_measure_has_a_name_in_both_languages():
    for key in GLOSSARY:
        assert MEASURE_LABELS[key]["term_en"] == term(key, "en"), key
        assert term(key, "fr") and term(key, "fr") != term(key, "en"), key


@pytest.mark.parametrize(
    "outcome, unit, contrast, direction, model",
    [
        ("replies", "post", "is_promotional", "less", "poisson"),
        ("replies", "post", "is_question", "two-sided", "negbin"),
        ("answered", "comment", "negative", "greater", "gee_logit"),
        ("time_to_owner_reply_h", "comment", "account_type", "less", "cox"),
        ("dialogue_turns", "post", "is_promotional", "greater", "negbin"),
    ],
)
def test_generic_wording_uses_words_not_column_names_and_french_grammar(
    outcome, unit, contrast, direction, model
):
    w = generic_wording(outcome, unit, contrast, direction, model)
    for key, text in w.items():
        assert not any(c in text for c in COLUMNS) and not re.search(r"\w_\w", text), (key, text)
    for key in ("question_fr", "claim_fr"):
        assert not re.search(r"\bde les\b|\bde le\b|\bà les\b|-elles de les", w[key]), w[key]
    assert w["question_en"].endswith("?") and w["question_fr"].endswith(" ?")
    assert w["question_en"][0].isupper() and w["question_fr"][0].isupper()


def test_promotional_posts_read_as_people_say_it():
    w = generic_wording("replies", "post", "is_promotional", "less", "poisson")
    assert (
        w["question_en"]
        == "Do promotional posts get fewer replies than other posts of the same page?"
    )
    assert w["question_fr"] == (
        "Est-ce que les publications promotionnelles reçoivent moins de réponses que les "
        "autres publications de la même page ?"
    )


def test_study_claim_replaces_the_claim_in_its_language_only():
    from analysis.stats.hypotheses import generic_hypothesis

    hyp = generic_hypothesis("replies", "post", "is_promotional", "less", "poisson")
    words = hypothesis_words(hyp, {"claim": "promo posts get fewer replies", "claim_fr": ""})
    assert words["claim_en"] == "promo posts get fewer replies"
    assert words["claim_fr"].startswith(
        "les publications promotionnelles"
    )  # derived, never the English claim
    words = hypothesis_words(
        hyp, {"claim": "", "claim_fr": "les promos reçoivent moins de réponses."}
    )
    assert words["claim_fr"] == "les promos reçoivent moins de réponses"
    # On a measure without labels the question asks about the study's claim instead.
    odd = generic_hypothesis("replies", "post", "has_link", "less", "negbin")
    words = hypothesis_words(
        odd, {"claim": "posts with links get fewer replies", "claim_fr": "les liens freinent"}
    )
    assert words["question_en"] == "Is it true that posts with links get fewer replies?"
    assert words["question_fr"] == "Est-il vrai que les liens freinent ?"


@pytest.fixture(scope="module")
def run(demo_dir):
    """``go(lang, **params)`` -> (data, result); each hypothesis is fitted once (the result does
    not depend on the language), and a copy is handed out so tests cannot disturb each other."""
    import copy

    from analysis import pipeline
    from analysis.report import relabel

    fitted = {}

    def go(lang="en", **params):
        data = pipeline.load({"data_dir": str(demo_dir), "language": lang, **params})
        key = tuple(sorted(params.items()))
        if key not in fitted:
            fitted[key] = relabel(pipeline.test(data, data.params), data.params)
        return data, copy.deepcopy(fitted[key])

    return go


PROMO = dict(
    hypothesis="generic",
    outcome="replies",
    unit="post",
    contrast="is_promotional",
    direction="less",
    model="poisson",
)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_data_section_counts_the_pages_the_model_left_out(run, demo_dir, lang):
    from analysis.report.views import data_html

    data, result = run(lang, **PROMO)
    # Independently: a page informs a within-page comparison only if it has promotional and other
    # posts and at least one reply.
    posts = data.posts
    per_page = posts.groupby("account_id").agg(
        kinds=("is_promotional", "nunique"), replies=("replies", "sum")
    )
    informative = int(((per_page["kinds"] == 2) & (per_page["replies"] > 0)).sum())
    pages = len(data.tables.accounts)
    assert result.row["n_clusters"] == informative < pages
    page = data_html(data, result)
    assert ("Nothing was excluded" not in page) and ("Rien n'a été exclu" not in page)
    n_out = str(pages - informative)
    assert re.search(rf"<td>{n_out}</td>", page)
    assert {
        "en": f"The model used {informative} of the {pages} pages",
        "fr": f"Le modèle a utilisé {informative} des {pages} pages",
    }[lang] in page
    # Without a result (or when the model used every page) nothing is invented.
    data_h1, result_h1 = run(lang, hypothesis="H1")
    assert result_h1.row["n_clusters"] == pages
    assert "left out by the model" not in data_html(data_h1, result_h1)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_figure_alt_text_counts_each_page_once(run, lang):
    from analysis.plots import key_figure

    data, result = run(lang, **PROMO)
    view = key_figure(result, data.posts, data.comments, lang)
    n = result.analysed["cluster"].nunique()
    dots = result.analysed.groupby(["cluster", "group"]).ngroups
    assert dots > n  # pages with both kinds of posts have two dots ...
    assert (
        re.search(rf"\b{n} pages\b", view.alt) and f"{dots} pages" not in view.alt
    )  # ... but count once


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_equivalence_test_is_worded_as_a_tost(run, lang):
    from analysis.report.views import methods_html, results_html, verdict_html

    data, result = run(lang, hypothesis="H5")
    pages = (
        verdict_html(result, lang)
        + results_html(result, lang, "brief")
        + results_html(result, lang, "academic")
    )
    pages += methods_html(result, data)
    wrong = {
        "en": [
            "a result this strong if there were no real difference",
            "p (one-sided)",
            "one-sided (",
            "p-value, one-sided",
        ],
        "fr": [
            "résultat aussi net s'il n'y avait aucune différence",
            "p (unilatéral)",
            "unilatéral (",
            "Valeur p, unilatérale",
        ],
    }[lang]
    for text in wrong:
        assert text not in pages, text
    right = {
        "en": "a link this weak if the true link were as strong as the bound (±0.30)",
        "fr": "lien aussi faible si le vrai lien était aussi fort que la borne (±0,30)",
    }[lang]
    assert right in pages
    assert "TOST" in pages


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_verdict_says_it_is_for_this_hypothesis_alone_and_uses_a_corrected_p(run, lang):
    from analysis.report.i18n import fmt_p
    from analysis.report.views import results_html, verdict_html
    from analysis.stats.multiple import adjust_pvalues

    _, h1 = run(lang, hypothesis="H1")
    _, promo = run(lang, **PROMO)
    box = verdict_html(h1, lang, "bh")
    assert {"en": "taken alone", "fr": "prise isolément"}[lang] in box
    assert {"en": "Benjamini–Hochberg method", "fr": "méthode de Benjamini-Hochberg"}[lang] in box
    # With the study's correction applied (as the runner's index does), both p-values are shown and
    # the verdict is the corrected one. Holm on two p-values, by hand:
    adjusted = adjust_pvalues([h1, promo], "holm")
    ps = sorted([h1.row["p_value"], promo.row["p_value"]])
    holm = {ps[0]: min(1, 2 * ps[0]), ps[1]: min(1, max(2 * ps[0], ps[1]))}
    for res, before in zip(adjusted, (h1, promo), strict=True):
        expected = holm[before.row["p_value"]]
        assert res.row["p_adjusted"] == pytest.approx(expected)
        box = verdict_html(res, lang) + results_html(res, lang, "brief")
        assert (
            html.escape(fmt_p(expected, lang)) in box
            and html.escape(fmt_p(before.row["p_value"], lang)) in box
        )
        assert {"en": "Holm method", "fr": "méthode de Holm"}[lang] in box
        assert res.verdict == ("supported" if expected <= 0.05 else "not supported")


def test_french_glossary_names_measures_in_french_and_code_only_in_the_academic_report(run):
    from analysis.report.views import glossary_html

    _, result = run("fr", hypothesis="H4b")
    brief, academic = glossary_html(result, "fr", "brief"), glossary_html(result, "fr", "academic")
    for column in ("time_to_owner_reply_h", "answered"):
        assert column not in brief and f'<code class="dlg-column">{column}</code>' in academic
    assert (
        "Délai de réponse à un commentaire" in brief
        and "Commentaire ayant reçu une réponse" in brief
    )
    assert "professionnelle" not in pd.Series([brief, academic]).str.cat()


@pytest.mark.parametrize(
    "low, high, effect, lang, expected",
    [
        (0.40, 0.51, "HR", "fr", "entre 49 % et 60 % plus lent"),
        (0.40, 0.51, "HR", "en", "between 49% and 60% lower"),
        (0.88, 1.09, "IRR", "en", "12% fewer to 9% more"),
        (0.88, 1.09, "IRR", "fr", "de 12 % en moins à 9 % en plus"),
        (1.2, 1.9, "OR", "fr", "entre 20 % et 90 % plus élevées"),
    ],
)
def test_confidence_interval_reads_as_one_range_of_changes(low, high, effect, lang, expected):
    from analysis.stats.words import _range_words

    assert _range_words(low, high, effect, lang) == expected


@pytest.mark.parametrize(
    "lang, words", [("en", "account type unknown"), ("fr", "type de compte inconnu")]
)
def test_pages_of_unknown_type_are_named_as_such_with_the_remedy(lang, words):
    # real exports label few accounts: the model cannot use the unlabelled ones in business vs
    # personal
    from types import SimpleNamespace

    from analysis.report.views import model_exclusions

    table = pd.DataFrame(
        [dict(n_clusters=3, n_pages_excluded=0, unit="post", contrast="account_type")]
    )
    result = SimpleNamespace(table=table, warnings=[])
    rows = model_exclusions(result, 10, {"min_posts": 1}, lang, unknown_type_pages=6)
    assert (
        rows[0][0].startswith(("left out", "exclusion"))
        and words in rows[0][0]
        and rows[0][1] == "6"
    )
    assert (
        "dialogic label export" in rows[0][0] and rows[1][1] == "1"
    )  # the one page left for other reasons
    within = SimpleNamespace(table=table.assign(contrast="is_question"), warnings=[])
    assert all(
        words not in r[0]
        for r in model_exclusions(within, 10, {"min_posts": 1}, lang, unknown_type_pages=6)
    )


@pytest.mark.parametrize(
    "lang, unknown", [("en", "page of unknown type"), ("fr", "page de type inconnu")]
)
def test_example_comments_name_the_page_type_even_when_unknown(demo_dir, lang, unknown):  # noqa: F811
    from analysis import pipeline
    from analysis.report.views import data_html

    data = pipeline.load(pipeline.from_namespace(dict(data_dir=str(demo_dir), language=lang)))
    data.comments["account_type"] = "unknown"  # as in real exports before labelling
    data.comments.loc[data.comments.index[:1], "lang"] = pd.NA
    page = data_html(data)
    assert f"· {html.escape(unknown)}" in page and "·  ·" not in page and "· <" not in page
