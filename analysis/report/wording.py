"""Human words for measures and contrasts, and the question and claim of a generic hypothesis.

A study can state its own hypothesis without code (``hypothesis: generic`` with ``outcome``,
``unit``, ``contrast``); :func:`analysis.stats.run_hypothesis` then words it from the column names
("posts with is_promotional differ on replies"). Reports never show that: the question, the claim
and the group names are written here from :data:`MEASURE_LABELS` and :data:`CONTRAST_LABELS`
(names of the glossary's measures in English and French), or taken from the study's own wording
(the notebook parameters ``claim`` and ``claim_fr``).

French is written so that it needs no gender agreement ("Est-ce que ... ?", "le lien entre ...")
and with the contractions French requires ("des autres", not "de les autres").

Examples
--------
>>> w = generic_wording("replies", "post", "is_promotional", "less", "poisson")
>>> w["question_en"]
'Do promotional posts get fewer replies than other posts of the same page?'
>>> w["question_fr"]  # doctest: +NORMALIZE_WHITESPACE
'Est-ce que les publications promotionnelles reçoivent moins de réponses que les autres
publications de la même page ?'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from analysis import catalog
from analysis.groups import DEFAULT_GROUPS, GROUP_COLUMNS, AccountGroups
from analysis.vocabulary import (  # noqa: F401  (re-exported: the report's words)
    CONTRAST_LABELS,
    MEASURE_LABELS,
    _label,
    contrast_words,
    definite,
    noun,
    term,
)

#: Templates of a generic hypothesis's words (English; the catalogues translate them).
GENERIC: dict[str, str] = {
    key: catalog.register(f"generic.{key}", english, params=params)
    for key, english, params in (
        ("focal_value", "{units} where {term} is {value}", ()),
        ("focal_marked", "{units} marked “{term}”", ()),
        ("reference_other", "other {units}", ()),
        ("reference_other_same_page", "other {units} of the same page", ()),
        ("question.equivalence", "Is the link between {x} and {y} weak?", ()),
        ("claim.equivalence", "the link between {x} and {y} is weak", ()),
        ("claim.directional", "{focal} {verb} than {reference}", ()),
        ("question.directional", "Do {claim}?", ()),
        ("question.directional_are", "Are {focal} {rest} than {reference}?", ("claim", "verb")),
        ("claim.differ", "{focal} differ from {reference} in {measure}", ()),
        ("question.from_claim", "Is it true that {claim}?", ()),
    )
}


def _g(key: str, language: str, **values: str) -> str:
    return catalog.gettext(f"generic.{key}", GENERIC[key], language).format(**values)


def _units(unit: str, language: str) -> str:
    return catalog.gettext(f"msg.units.{unit}", f"{unit}s", language)


def _groups(
    unit: str, contrast: str, model: str, language: str, groups: AccountGroups = DEFAULT_GROUPS
) -> dict[str, str]:
    """Focal and reference group names for a two-group contrast (the study's own account groups
    in the study's words)."""
    if contrast in GROUP_COLUMNS and not groups.is_default:
        focal, reference = groups.words(language)
        return {"focal": focal, "reference": reference}
    col, _, value = contrast.partition("=")
    units = _units(unit, language)
    if value:
        focal = _g(
            "focal_value", language, units=units, term=term(col, language).lower(), value=value
        )
    else:
        focal = contrast_words(contrast, "focal", language) or _g(
            "focal_marked", language, units=units, term=term(col, language).lower()
        )
    same_page = model == "poisson"  # page fixed effects: posts are compared within their page
    reference = contrast_words(contrast, "reference", language) or _g(
        "reference_other_same_page" if same_page else "reference_other", language, units=units
    )
    return {"focal": focal, "reference": reference}


def _generic_words(
    outcome: str,
    unit: str,
    contrast: str,
    direction: str,
    model: str,
    kind: str,
    language: str,
    groups: AccountGroups = DEFAULT_GROUPS,
) -> dict[str, str]:
    out = noun(outcome, language)
    if kind == "equivalence":
        x, y = definite(contrast, language), definite(outcome, language)
        return {
            "focal": x,
            "reference": "",
            "outcome": out,
            "question": catalog.contract(_g("question.equivalence", language, x=x, y=y), language),
            "claim": catalog.contract(_g("claim.equivalence", language, x=x, y=y), language),
        }
    g = _groups(unit, contrast, model, language, groups)
    key = {"less": "less", "greater": "more"}.get(direction)
    verb = _label(outcome, key, language) if key else None
    if verb is not None:
        claim = catalog.contract(_g("claim.directional", language, verb=verb, **g), language)
        english_verb = MEASURE_LABELS[outcome][f"{key}_en"]
        if english_verb.startswith("are "):  # "are answered ... more often": ask "Are ...?"
            question = _g(
                "question.directional_are",
                language,
                rest=english_verb[4:],
                claim=claim,
                verb=verb,
                **g,
            )
        else:
            question = _g("question.directional", language, claim=claim)
    else:
        claim = catalog.contract(
            _g("claim.differ", language, measure=definite(outcome, language), **g), language
        )
        question = _g("question.directional", language, claim=claim)
    return dict(g, outcome=out, claim=claim, question=catalog.contract(question, language))


def generic_wording(
    outcome: str,
    unit: str,
    contrast: str,
    direction: str,
    model: str = "",
    kind: str = "superiority",
    groups: AccountGroups = DEFAULT_GROUPS,
) -> dict[str, str]:
    """Question, claim, group and outcome names of a generic hypothesis, in every language.

    Parameters
    ----------
    outcome, unit, contrast, direction, model, kind
        As given to :func:`analysis.stats.run_hypothesis` (``kind`` "equivalence" for a
        correlation with an equivalence test: the contrast is then a continuous column).
    groups : AccountGroups
        The account groups a group contrast compares (their words name the groups).

    Returns
    -------
    dict
        ``<field>_<language>`` for the fields question, claim, focal, reference, outcome (the
        English ones are the fields of :class:`analysis.stats.hypotheses.Hypothesis`).
    """
    out = {}
    for language in catalog.languages():
        words = _generic_words(outcome, unit, contrast, direction, model, kind, language, groups)
        out.update({f"{field}_{language}": text for field, text in words.items()})
    return out


def _question_from_claim(claim: str, language: str) -> str:
    """A yes/no question that quotes the study's own claim."""
    claim = claim.strip().rstrip(".")
    question = _g("question.from_claim", language, claim=claim[:1].lower() + claim[1:])
    return catalog.contract(question, language)


def own_claims(params: dict[str, Any]) -> dict[str, str]:
    """The study's own claim in each language it gives one (``claim``, ``claim_<language>``)."""
    out = {}
    for language in catalog.languages():
        name = "claim" if language == catalog.SOURCE_LANGUAGE else f"claim_{language}"
        own = str(params.get(name) or "").strip().rstrip(".")
        if own:
            out[language] = own
    return out


def hypothesis_words(hypothesis: Any, params: dict[str, Any]) -> dict[str, str]:
    """The words a report uses for ``hypothesis`` under the notebook ``params``
    (``<field>_<language>``, every field of :data:`analysis.stats.hypotheses.TEXT_FIELDS`).

    Catalogue hypotheses keep the catalogue's words; a generic one gets :func:`generic_wording`.
    A study's own claim (``claim`` in English, ``claim_fr`` in French) replaces the claim in its
    language; for a generic hypothesis on measures without labels the question then asks about
    that claim. A claim given in one language only never leaks into the other: the other keeps
    the derived words.
    """
    from analysis.stats.hypotheses import TEXT_FIELDS

    if hypothesis.id == "generic":
        words = generic_wording(
            hypothesis.outcome,
            hypothesis.unit,
            hypothesis.contrast,
            hypothesis.direction,
            hypothesis.model,
            hypothesis.kind,
            hypothesis.groups,
        )
    else:
        words = {
            f"{field}_{lang}": hypothesis.text(field, lang)
            for field in TEXT_FIELDS
            for lang in catalog.languages()
        }
    # A derived question is only as good as the labels it is made of; without them, ask about
    # the study's own claim instead.
    labelled = (
        hypothesis.outcome in MEASURE_LABELS
        and hypothesis.contrast.partition("=")[0] in MEASURE_LABELS
    )
    for lang, own in own_claims(params).items():
        words[f"claim_{lang}"] = own
        if hypothesis.id == "generic" and not labelled:
            words[f"question_{lang}"] = _question_from_claim(own, lang)
    return words


def relabel(result: Any, params: dict[str, Any]) -> Any:
    """``result`` with its hypothesis worded for people (:func:`hypothesis_words`), in place.

    The table's ``claim`` column becomes the English claim the report states, so ``results.json``
    and the study index read the same words as the page.
    """
    from analysis.stats.hypotheses import TEXT_FIELDS

    words = hypothesis_words(result.hypothesis, params)
    english = {f"{f}_en": words[f"{f}_en"] for f in TEXT_FIELDS}
    translations = {
        lang: {f: words[f"{f}_{lang}"] for f in TEXT_FIELDS} for lang in catalog.languages()[1:]
    }
    result.hypothesis = replace(result.hypothesis, **english, translations=translations)
    if "claim" in result.table:
        result.table["claim"] = words["claim_en"]
    return result
