"""Report words exist in both languages; numbers and dates follow each language's conventions; the
statistics engine's English test names, notes and warnings have a French form."""

from __future__ import annotations

import html
import pickle
import re
from datetime import date

import pytest

from analysis.messages import Group, Joined, Language, Message, Number, joined, render
from analysis.report.i18n import (
    LANGUAGES,
    STRINGS,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_percent,
    t,
    text,
)

NNBSP = "\u202f"  # CLDR's French group separator (narrow no-break space)


def test_every_string_has_every_language_with_the_same_fields():
    assert "fr" in LANGUAGES
    for key, english in STRINGS.items():
        fields = set(re.findall(r"{(\w+)}", english))
        for lang in LANGUAGES:
            assert set(re.findall(r"{(\w+)}", text(key, lang))) == fields, (key, lang)


@pytest.mark.parametrize(
    "value, lang, digits, expected",
    [
        (0.4839, "en", 2, "0.48"),
        (0.4839, "fr", 2, "0,48"),
        (1234.5, "en", 1, "1,234.5"),
        (1234.5, "fr", 1, f"1{NNBSP}234,5"),
        (-5.807, "fr", 3, "-5,807"),
        (float("nan"), "en", 2, "–"),
        (None, "fr", 2, "–"),
    ],
)
def test_numbers(value, lang, digits, expected):
    assert fmt_number(value, lang, digits) == expected


def test_counts_percent_and_dates():
    assert fmt_int(30203, "en") == "30,203" and fmt_int(30203, "fr") == f"30{NNBSP}203"
    assert fmt_percent(0.42, "en") == "42%" and fmt_percent(0.42, "fr") == "42\u00a0%"
    assert fmt_percent(0.4216, "en", 1) == "42.2%"
    assert fmt_date(date(2024, 1, 1), "en") == "1 January 2024"
    assert fmt_date("2024-06-30", "fr") == "30 juin 2024"
    assert (
        fmt_date("2024-01-01", "fr") == "1er janvier 2024"
        and fmt_date("2024-01-02", "fr") == "2 janvier 2024"
    )


@pytest.mark.parametrize(
    "p, lang, expected",
    [
        (0.0312, "en", "p = .031"),
        (0.0312, "fr", "p = 0,031"),
        (2.7e-8, "en", "p < .001"),
        (2.7e-8, "fr", "p < 0,001"),
        (0.5, "en", "p = .500"),
        (None, "en", "p = –"),
    ],
)
def test_p_values_apa_style(p, lang, expected):
    assert fmt_p(p, lang) == expected


def test_unknown_language_or_key_says_what_to_do():
    with pytest.raises(ValueError, match="use one of en, fr"):
        t("h.verdict", "de")
    with pytest.raises(ValueError, match="add it to analysis.report.i18n.STRINGS"):
        t("no.such.key", "en")


# ------------------------------------------------------- the statistics engine's English in French

#: Words that give English away in a French test name, note or warning.
ENGLISH_WORDS = (
    " the ",
    " of ",
    " and ",
    " with ",
    " without ",
    "page-level",
    "within",
    "answered",
    "test on",
    " fewer",
    " than ",
    "failed",
    "left out",
    " not ",
    " over ",
    " as estimate",
    " random ",
    " seed",
    " comments",
    " posts",
    " pages with",
    " needs ",
    "vs ",
    " be ",
    "converge ",
    " few ",
)


def english_left(text: str) -> list[str]:
    padded = f" {text} "
    return [w for w in ENGLISH_WORDS if w in padded]


NEW_FORMS = [
    (
        Message("test_page_permutation"),
        "test de permutation sur les moyennes par page",
    ),
    (
        Message("permutation_note", how=Message("random_relabellings", n=4999, seed="0"), n=160),
        f"différence des moyennes par page ; rapport des moyennes de groupe comme estimation ; "
        f"4{NNBSP}999 réétiquetages aléatoires, graine 0 ; 160 pages",
    ),
    (
        Message("superiority_note", n_focal=80, n_reference=80),
        "probabilité de supériorité comme estimation ; 80 pages contre 80",
    ),
    (
        Message("km_note", n=9144, answered=2017),
        f"9{NNBSP}144 commentaires, dont 2{NNBSP}017 avec réponse ; ∞ = moins de la moitié ont "
        "reçu une réponse",
    ),
    (
        Message("test_km_median", group=Group("business")),
        "médiane de Kaplan–Meier du délai (en heures) avant la première réponse : "
        "pages d'entreprise",
    ),
    (
        Message("ph_questionable", p=Number("4.3e-128")),
        "hypothèse des risques proportionnels discutable (test de Schoenfeld p = 4,3e-128) ; "
        "le HR est une moyenne sur la durée de suivi ; voir les médianes de Kaplan–Meier",
    ),
    (joined(Message("fit_posts", n=4045, pages=160)), f"4{NNBSP}045 publications, 160 pages"),
    (
        Message("test_per_language", hid="H6", language=Language("fr")),
        "H6 : commentaires en français",
    ),
    (
        Message(
            "robustness_failed",
            test=Message("test_key_ph_test"),
            error="ValueError",
            detail="no data; none at all",
        ),
        "échec du contrôle de robustesse « test de l'hypothèse des risques proportionnels "
        "(Schoenfeld) » (ValueError : no data; none at all)",
    ),
    (Message("pages_left_out", n=1, min_posts=5), "1 page de moins de 5 publications exclue"),
    (Message("pages_left_out", n=3, min_posts=5), "3 pages de moins de 5 publications exclues"),
]


@pytest.mark.parametrize("message, expected", NEW_FORMS)
def test_messages_read_in_french_with_french_numbers_and_plurals(message, expected):
    assert render(message, "fr") == expected


def test_a_message_is_its_english_text_and_keeps_its_code():
    m = Message("pages_left_out", n=2, min_posts=5)
    assert m == "2 pages with fewer than 5 posts left out"
    assert Message("pages_left_out", n=1, min_posts=5) == "1 page with fewer than 5 posts left out"
    assert m.code == "pages_left_out" and m.params == {"n": 2, "min_posts": 5}
    assert pickle.loads(pickle.dumps(m)).params == m.params
    assert render("a text from the data", "fr") == "a text from the data"
    with pytest.raises(KeyError, match="define it in analysis.messages.MESSAGES"):
        Message("no_such_code")


def _run_every_model() -> list:
    """H1–H6 and generic models on small simulated data sets, some made to provoke warnings."""
    from analysis.stats import run_hypothesis
    from analysis.stats.simulation import simulate_measures, simulate_pages_rho

    posts, comments = simulate_measures(
        11,
        n_business=8,
        n_personal=8,
        posts_range=(4, 9),
        hr=0.6,
        or_business=0.5,
        question_irr=1.4,
    )
    fast = dict(n_perm=199, n_boot=99)
    results = [
        run_hypothesis(h, posts=posts, comments=comments, min_posts=5, **fast)
        for h in ("H1", "H2", "H3", "H4a", "H4b", "H5", "H6")
    ]
    results.append(
        run_hypothesis("H5", pages=simulate_pages_rho(3, n_pages=3), **fast)
    )  # too few pages
    results.append(
        run_hypothesis("H1", posts=posts[posts.account_type == "business"], **fast)
    )  # one group
    results.append(
        run_hypothesis("H3", posts=posts[posts.is_question == 0], **fast)
    )  # no contrast
    separated = posts.copy()
    separated.loc[separated.account_type == "business", "replies"] = 0
    results.append(run_hypothesis("H1", posts=separated, **fast))
    for model, unit, outcome, contrast in (
        ("negbin", "post", "replies", "is_promotional"),
        ("poisson", "post", "replies", "is_question"),
        ("gee_logit", "comment", "answered", "negative"),
        ("cox", "comment", "time_to_owner_reply_h", "account_type"),
        ("spearman_tost", "page", "mean_replies", "followers"),
    ):
        results.append(
            run_hypothesis(
                "generic",
                posts=posts,
                comments=comments,
                outcome=outcome,
                unit=unit,
                contrast=contrast,
                direction="two-sided",
                model=model,
                **fast,
            )
        )
    return results


def test_every_name_note_and_warning_of_every_model_reads_in_french():
    texts = set()
    for res in _run_every_model():
        texts |= (
            set(res.warnings)
            | set(res.robustness["test"])
            | set(res.robustness["note"])
            | {res.row["model"]}
        )
    texts.discard("")
    assert any(w.startswith("few clusters") for w in texts) and any(
        "Kaplan–Meier" in w for w in texts
    )
    prose = {t_ for t_ in texts if not isinstance(t_, Message | Joined)}
    assert not prose, f"the engine wrote prose, not message codes: {prose}"
    missing = {t_: render(t_, "fr") for t_ in texts if english_left(render(t_, "fr"))}
    assert not missing, missing


def test_french_academic_sections_show_french_and_english_ones_stay_english():
    from analysis.report.methods import methods_paragraph
    from analysis.report.views import results_html, statistics_html
    from analysis.stats import run_hypothesis
    from analysis.stats.simulation import simulate_measures

    posts, comments = simulate_measures(5, n_business=6, n_personal=6, with_comments=True)
    res = run_hypothesis("H4b", posts=posts, comments=comments, n_perm=199)
    params = {"alpha": 0.05, "min_posts": 5, "reply_window_h": 72}
    fr = results_html(res, "fr", "academic") + statistics_html(res, "fr")
    fr += methods_paragraph(res.row, res.hypothesis, params, "fr")
    assert "test de permutation sur les moyennes géométriques des délais par page" in fr
    assert "Contrôle de robustesse : test de permutation sur les moyennes géométriques" in fr
    assert "peu de grappes : 12 pages" in fr
    assert not english_left(html.unescape(re.sub(r"<[^>]+>", " ", fr)))
    en = results_html(res, "en", "academic") + statistics_html(res, "en")
    en += methods_paragraph(res.row, res.hypothesis, params, "en")
    for shown in (*res.robustness["test"], *res.robustness["note"], *res.warnings):
        assert html.escape(shown) in en or shown in en, shown
    assert "Robustness check: page-level permutation test on page geometric mean delays" in en
