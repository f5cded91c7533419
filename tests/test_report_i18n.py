"""Report words exist in both languages; numbers and dates follow each language's conventions; the
statistics engine's English test names, notes and warnings have a French form."""

from __future__ import annotations

import ast
import html
import re
from datetime import date
from pathlib import Path

import pytest

import analysis.stats
from analysis.report.i18n import (
    LANGUAGES,
    STRINGS,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_percent,
    t,
)
from analysis.report.translate_fr import ROBUSTNESS_NAMES_FR, french, to_french

NNBSP = "\u202f"  # CLDR's French group separator (narrow no-break space)


def test_every_string_has_both_languages_with_the_same_fields():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES}
        assert fields["en"] == fields["fr"], key


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


# --------------------------------------------------------------------------- the statistics engine's English in French

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


def _stats_templates() -> dict[str, list[str]]:
    """Every English test name, note and warning :mod:`analysis.stats` can write, as example texts.

    Read from the source (not from runs, which only meet the templates their data provoke): the
    texts given to ``robustness_row`` (name and ``note``), appended to ``warn``/``warnings``, listed
    in a ``ModelFit`` or under a ``"warnings"`` key, returned by a ``*_warning`` function, and the
    ``label`` of a robustness test. Each ``{placeholder}`` becomes ``7``, or every value a local
    name or condition can take (``how`` = 'exact' or '... random relabellings ...').
    """
    found: dict[str, list[str]] = {}
    for path in sorted(Path(analysis.stats.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_env = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for func in (
            n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ):
            env = dict(module_env)
            positional = func.args.posonlyargs + func.args.args  # defaults belong to the last ones
            env.update(
                {
                    a.arg: d
                    for a, d in zip(
                        positional[len(positional) - len(func.args.defaults) :], func.args.defaults
                    )
                }
            )
            env.update(
                {
                    a.arg: d
                    for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults)
                    if d is not None
                }
            )
            env.update(
                {
                    t.id: node.value
                    for node in ast.walk(func)
                    if isinstance(node, ast.Assign)
                    for t in node.targets
                    if isinstance(t, ast.Name)
                }
            )
            sources: list[ast.AST] = []
            for node in ast.walk(func):
                if isinstance(node, ast.Call):
                    name = ast.unparse(node.func)
                    if name.endswith("robustness_row"):
                        sources += node.args[:1] + [
                            k.value for k in node.keywords if k.arg == "note"
                        ]
                    elif name in ("warn.append", "warnings.append"):
                        sources += node.args[:1]
                    elif name.endswith("ModelFit"):
                        sources += [
                            e
                            for a in node.args
                            for lst in ast.walk(a)
                            if isinstance(lst, ast.List)
                            for e in lst.elts
                        ]
                elif isinstance(node, ast.Dict):
                    sources += [
                        e
                        for k, v in zip(node.keys, node.values)
                        if isinstance(k, ast.Constant)
                        and k.value == "warnings"
                        and isinstance(v, ast.List)
                        for e in v.elts
                    ]
                elif (
                    isinstance(node, ast.Return)
                    and "warning" in func.name
                    and node.value is not None
                ):
                    sources.append(node.value)
            for src in sources:
                for text in _examples(src, env):
                    found.setdefault(text, []).append(f"{path.name}:{func.name}")
    return found


#: Placeholders whose value is not a number or free text: ``name`` in run_hypothesis is a key of
#: ``ROBUSTNESS`` (every key's French name is checked in its own test).
PLACEHOLDERS = {"name": "page_rank"}


def _examples(node: ast.AST, env: dict[str, ast.AST], depth: int = 0) -> list[str]:
    """Example texts of a string expression; [] for what is not text (a variable from the data)."""
    if depth > 5:
        return []
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) else []
    if isinstance(node, ast.Name):
        return _examples(env[node.id], env, depth + 1) if node.id in env else []
    if isinstance(node, ast.IfExp):
        return _examples(node.body, env, depth + 1) + _examples(node.orelse, env, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [
            a + b
            for a in _examples(node.left, env, depth + 1)
            for b in _examples(node.right, env, depth + 1)
        ]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
    ):
        return [""]  # '; '.join(fit.warnings): the model's warnings, each a template of its own
    if isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                options = [str(part.value)]
            else:
                value = (
                    part.value
                )  # a local text ('how', 'counts') or a condition ('s' if plural): each value
                options = (
                    _examples(value, env, depth + 1)
                    if isinstance(value, (ast.Name, ast.IfExp))
                    else []
                )
                options = options or [PLACEHOLDERS.get(ast.unparse(value), "7")]
            texts = [t_ + o for t_ in texts for o in options]
        return texts
    return []


STATS_TEMPLATES = _stats_templates()


def test_the_template_reader_finds_the_engines_texts():
    # a guard on the reader itself: it must keep finding names, notes and warnings of every kind
    texts = set(STATS_TEMPLATES)
    assert len(texts) >= 45, sorted(texts)
    for expected in (
        "page-level permutation test on page means",
        "difference of page means; ratio of group averages as estimate; exact; 7 pages",
        "difference of page means; ratio of group averages as estimate; 7 random relabellings, seed 7; 7 pages",
        "page-level share answered within 7 h (permutation)",
        "7 posts, 7 pages; ",
        "each group needs at least two pages; pages with 7: 7, with 7: 7",
        "only 7 page: rho needs at least 4",
        "only 7 pages: rho needs at least 4",
        "separation: every 7 observation has 7 = 7; the ratio is not estimable",
        "negative binomial fit failed",
    ):
        assert expected in texts, expected
    assert any(t_.startswith("proportional-hazards assumption questionable") for t_ in texts)
    assert "robustness test page_rank failed (7: 7)" in texts


@pytest.mark.parametrize("english", sorted(STATS_TEMPLATES))
def test_every_english_template_of_the_engine_has_a_french_form(english):
    fr = french(english)
    assert fr is not None, (
        f"no French form for {english!r} (written in {STATS_TEMPLATES[english]}): "
        "add a rule to analysis.report.translate_fr.RULES"
    )
    assert not english_left(fr), (english, fr, english_left(fr))


def test_robustness_keys_and_model_words_have_french_forms():
    from analysis.stats.hypotheses import _MODEL_WORDS, ROBUSTNESS

    assert set(ROBUSTNESS) == set(ROBUSTNESS_NAMES_FR)  # a failed test is named by its key
    for text in [*ROBUSTNESS, *_MODEL_WORDS.values()]:
        fr = french(text)
        assert fr is not None and not english_left(fr), (text, fr)


@pytest.mark.parametrize(
    "english, expected",
    [
        (
            "page-level permutation test on page means",
            "test de permutation sur les moyennes par page",
        ),
        (
            "difference of page means; ratio of group averages as estimate; 4999 random relabellings, seed 0; 160 pages",
            f"différence des moyennes par page ; rapport des moyennes de groupe comme estimation ; "
            f"4{NNBSP}999 réétiquetages aléatoires, graine 0 ; 160 pages",
        ),
        (
            "probability of superiority as estimate; 80 vs 80 pages",
            "probabilité de supériorité comme estimation ; 80 pages contre 80",
        ),
        (
            "9144 comments, 2017 answered; inf = fewer than half ever answered",
            f"9{NNBSP}144 commentaires, dont 2{NNBSP}017 avec réponse ; ∞ = moins de la moitié ont reçu une réponse",
        ),
        (
            "Kaplan–Meier median hours to first reply: business",
            "médiane de Kaplan–Meier du délai (en heures) avant la première réponse : pages d'entreprise",
        ),
        (
            "proportional-hazards assumption questionable (Schoenfeld test p = 4.3e-128); the HR is an average over "
            "follow-up time; see the Kaplan–Meier medians",
            "hypothèse des risques proportionnels discutable (test de Schoenfeld p = 4,3e-128) ; le HR est une moyenne "
            "sur la durée de suivi ; voir les médianes de Kaplan–Meier",
        ),
        ("4045 posts, 160 pages; ", f"4{NNBSP}045 publications, 160 pages"),
        ("H6 in language fr", "H6 : commentaires en français"),
        (
            "robustness test ph_test failed (ValueError: no data; none at all)",
            "échec du contrôle de robustesse « test de l'hypothèse des risques proportionnels (Schoenfeld) » "
            "(ValueError : no data; none at all)",
        ),
    ],
)
def test_french_forms_keep_the_numbers_in_french(english, expected):
    assert to_french(english) == expected


def test_text_without_a_rule_is_shown_as_written():
    assert french("a note from a future test") is None
    assert to_french("a note from a future test") == "a note from a future test"
    # a known note ending with an unknown model warning: the known part in French, the rest kept
    mixed = "12 posts, 8 pages; negative binomial fit failed; a brand-new warning"
    assert french(mixed) is None
    assert to_french(mixed) == (
        "12 publications, 8 pages ; échec de l'estimation de la régression binomiale "
        "négative ; a brand-new warning"
    )


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
    missing = {t_: french(t_) for t_ in texts if french(t_) is None or english_left(french(t_))}
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
    for text in (*res.robustness["test"], *res.robustness["note"], *res.warnings):
        assert html.escape(text) in en or text in en, text
    assert "Robustness check: page-level permutation test on page geometric mean delays" in en
