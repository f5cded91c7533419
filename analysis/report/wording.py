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
>>> w["question_fr"]
'Est-ce que les publications promotionnelles reçoivent moins de réponses que les autres publications de la même page ?'
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from analysis import catalog

#: Measure column -> its name in the glossary (``term_*``, capitalised) and the phrase sentences use
#: (``noun_*``: "{focal} get about 20 % fewer {noun}"), and how a comparison on it reads
#: (``more_*`` / ``less_*``: verb phrases for the focal group being higher / lower).
MEASURE_LABELS: dict[str, dict[str, str]] = {
    "replies": dict(
        term_en="Replies",
        term_fr="Réponses du public",
        noun_en="replies",
        noun_fr="réponses",
        more_en="get more replies",
        less_en="get fewer replies",
        more_fr="reçoivent plus de réponses",
        less_fr="reçoivent moins de réponses",
    ),
    "mean_replies": dict(
        term_en="Mean replies per post",
        term_fr="Nombre moyen de réponses par publication",
        noun_en="replies per post",
        noun_fr="réponses par publication",
        more_en="get more replies per post",
        less_en="get fewer replies per post",
        more_fr="reçoivent plus de réponses par publication",
        less_fr="reçoivent moins de réponses par publication",
    ),
    "owner_replies": dict(
        term_en="Replies from the page",
        term_fr="Réponses de la page",
        noun_en="replies from the page",
        noun_fr="réponses de la page",
        more_en="get more replies from the page",
        less_en="get fewer replies from the page",
        more_fr="reçoivent plus de réponses de la page",
        less_fr="reçoivent moins de réponses de la page",
    ),
    "unique_commenters": dict(
        term_en="Distinct commenters",
        term_fr="Personnes distinctes ayant commenté",
        noun_en="distinct commenters",
        noun_fr="personnes distinctes ayant commenté",
        more_en="draw more distinct commenters",
        less_en="draw fewer distinct commenters",
        more_fr="attirent plus de personnes distinctes",
        less_fr="attirent moins de personnes distinctes",
    ),
    "answered": dict(
        term_en="Answered comment",
        term_fr="Commentaire ayant reçu une réponse",
        noun_en="odds of being answered by the page",
        noun_fr="chances de recevoir une réponse de la page",
        more_en="are answered by the page more often",
        less_en="are answered by the page less often",
        more_fr="reçoivent plus souvent une réponse de la page",
        less_fr="reçoivent moins souvent une réponse de la page",
    ),
    "answered_in_window": dict(
        term_en="Answered within the reply window",
        term_fr="Réponse reçue dans la fenêtre de réponse",
        noun_en="odds of being answered by the page within the reply window",
        noun_fr="chances de recevoir une réponse de la page dans la fenêtre de réponse",
        more_en="are answered by the page within the reply window more often",
        less_en="are answered by the page within the reply window less often",
        more_fr="reçoivent plus souvent une réponse de la page dans la fenêtre de réponse",
        less_fr="reçoivent moins souvent une réponse de la page dans la fenêtre de réponse",
    ),
    "answered_share": dict(
        term_en="Share of comments answered",
        term_fr="Part des commentaires ayant reçu une réponse",
        noun_en="share of comments answered",
        noun_fr="part des commentaires ayant reçu une réponse",
        more_en="have a larger share of comments answered",
        less_en="have a smaller share of comments answered",
        more_fr="ont une plus grande part de commentaires ayant reçu une réponse",
        less_fr="ont une plus faible part de commentaires ayant reçu une réponse",
    ),
    "first_owner_reply_h": dict(
        term_en="Time to the page's first reply",
        term_fr="Délai de la première réponse de la page",
        noun_en="time to the page's first reply",
        noun_fr="délai de la première réponse de la page",
        more_en="wait longer for the page's first reply",
        less_en="wait less for the page's first reply",
        more_fr="attendent plus longtemps la première réponse de la page",
        less_fr="attendent moins longtemps la première réponse de la page",
    ),
    "time_to_owner_reply_h": dict(
        term_en="Time to answer a comment",
        term_fr="Délai de réponse à un commentaire",
        noun_en="rate at which comments get a first answer from the page",
        noun_fr="rythme auquel les commentaires reçoivent une première réponse de la page",
        # the hazard ratio: "less" = a lower answer rate = slower answers
        more_en="get answers faster",
        less_en="get answers more slowly",
        more_fr="obtiennent une réponse plus vite",
        less_fr="obtiennent une réponse plus lentement",
    ),
    "dialogue_turns": dict(
        term_en="Dialogue turns",
        term_fr="Tours de dialogue",
        noun_en="dialogue turns",
        noun_fr="tours de dialogue",
        more_en="hold more dialogue turns",
        less_en="hold fewer dialogue turns",
        more_fr="comptent plus de tours de dialogue",
        less_fr="comptent moins de tours de dialogue",
    ),
    "reported_comments": dict(
        term_en="Comments counted by the platform",
        term_fr="Commentaires comptés par la plateforme",
        noun_en="comments counted by the platform",
        noun_fr="commentaires comptés par la plateforme",
        more_en="get more comments",
        less_en="get fewer comments",
        more_fr="reçoivent plus de commentaires",
        less_fr="reçoivent moins de commentaires",
    ),
    "post_age_h": dict(
        term_en="Post age at collection",
        term_fr="Âge de la publication à la collecte",
        noun_en="post age at collection",
        noun_fr="âge de la publication à la collecte",
        more_en="are older at collection",
        less_en="are younger at collection",
        more_fr="sont plus anciennes à la collecte",
        less_fr="sont plus récentes à la collecte",
    ),
    "followers": dict(
        term_en="Audience size",
        term_fr="Taille de l'audience",
        noun_en="audience size (followers)",
        noun_fr="taille de l'audience (abonnés)",
        more_en="have a larger audience",
        less_en="have a smaller audience",
        more_fr="ont une audience plus large",
        less_fr="ont une audience plus restreinte",
    ),
    "is_question": dict(
        term_en="Question post",
        term_fr="Publication qui pose une question",
        noun_en="question posts",
        noun_fr="publications qui posent une question",
    ),
    "is_promotional": dict(
        term_en="Promotional post",
        term_fr="Publication promotionnelle",
        noun_en="promotional posts",
        noun_fr="publications promotionnelles",
    ),
    "negative": dict(
        term_en="Negative comment",
        term_fr="Commentaire négatif",
        noun_en="negative comments",
        noun_fr="commentaires négatifs",
    ),
    "account_type": dict(
        term_en="Page type", term_fr="Type de page", noun_en="page type", noun_fr="type de page"
    ),
}

#: Contrast column -> the focal and reference groups in words (plural, French with its article).
CONTRAST_LABELS: dict[str, dict[str, str]] = {
    "account_type": dict(
        focal_en="business pages",
        reference_en="personal pages",
        focal_fr="les pages d'entreprise",
        reference_fr="les pages personnelles",
    ),
    "is_question": dict(
        focal_en="question posts", focal_fr="les publications qui posent une question"
    ),
    "is_promotional": dict(
        focal_en="promotional posts", focal_fr="les publications promotionnelles"
    ),
    "negative": dict(focal_en="negative comments", focal_fr="les commentaires négatifs"),
}

for _labels in CONTRAST_LABELS.values():  # group labels, translated in a warning's words
    for _side in ("focal_en", "reference_en"):
        if _labels.get(_side):
            catalog.register(f"group.{_labels[_side]}", _labels[_side])

UNIT_PLURAL = {
    "en": {"post": "posts", "comment": "comments", "page": "pages"},
    "fr": {"post": "publications", "comment": "commentaires", "page": "pages"},
}

VOWELS = tuple("aeiouyàâéèêëîïôöùûüAEIOUYÉÈÊÀ")

#: The measure with its French article, for "le lien entre X et Y" (others are quoted: « terme »).
DEFINITE_FR = {
    "followers": "la taille de l'audience (abonnés)",
    "mean_replies": "le nombre moyen de réponses par publication",
    "replies": "le nombre de réponses",
    "owner_replies": "le nombre de réponses de la page",
    "dialogue_turns": "le nombre de tours de dialogue",
    "unique_commenters": "le nombre de personnes ayant commenté",
    "answered_share": "la part des commentaires ayant reçu une réponse",
}


for _column, _labels in MEASURE_LABELS.items():  # the catalogues translate the English
    for _field in ("term", "noun", "more", "less"):
        if _labels.get(f"{_field}_en"):
            catalog.register(f"measure.{_column}.{_field}", _labels[f"{_field}_en"])


def _label(column: str, field: str, language: str) -> str | None:
    english = MEASURE_LABELS.get(column, {}).get(f"{field}_en")
    if english is None:
        return None
    return catalog.gettext(f"measure.{column}.{field}", english, language)


def term(column: str, language: str) -> str:
    """The glossary name of ``column`` ('Replies' / 'Réponses du public'); the column when unknown."""
    return _label(column, "term", language) or column


def noun(column: str, language: str) -> str:
    """The measure as the noun a sentence uses ('replies'); the lower-cased term when not registered."""
    return _label(column, "noun", language) or term(column, language).lower()


def definite_fr(column: str) -> str:
    """The measure in French with its article ('le nombre de réponses'), else quoted (« Délai ... »)."""
    return DEFINITE_FR.get(column) or f"la mesure « {term(column, 'fr')} »"


def contract_fr(text: str) -> str:
    """French contractions: 'de les' -> 'des', 'de le' -> 'du', 'à les' -> 'aux', 'que a' -> "qu'a"."""
    for old, new in (
        (" de les ", " des "),
        (" de le ", " du "),
        (" à les ", " aux "),
        (" à le ", " au "),
    ):
        text = text.replace(old, new)
    for word in ("que", "de", "le", "la"):
        for v in VOWELS:
            text = text.replace(f" {word} {v}", f" {word[:-1]}'{v}")
            if text.startswith(f"{word.capitalize()} {v}"):
                text = f"{word.capitalize()[:-1]}'{text[len(word) + 1 :]}"
    return text


def _groups(unit: str, contrast: str, model: str) -> dict[str, str]:
    """Focal and reference group names for a two-group contrast."""
    col, _, value = contrast.partition("=")
    units_en, units_fr = UNIT_PLURAL["en"][unit], UNIT_PLURAL["fr"][unit]
    known = CONTRAST_LABELS.get(contrast, {})
    if value:
        focal_en = f"{units_en} where {term(col, 'en').lower()} is {value}"
        focal_fr = f"les {units_fr} dont {term(col, 'fr').lower()} vaut {value}"
    else:
        focal_en = known.get("focal_en", f"{units_en} marked “{term(col, 'en').lower()}”")
        focal_fr = known.get("focal_fr", f"les {units_fr} avec « {term(col, 'fr').lower()} »")
    same_page = model == "poisson"  # page fixed effects: posts are compared within their page
    ref_en = known.get(
        "reference_en", f"other {units_en}" + (" of the same page" if same_page else "")
    )
    ref_fr = known.get(
        "reference_fr", f"les autres {units_fr}" + (" de la même page" if same_page else "")
    )
    return {
        "focal_en": focal_en,
        "focal_fr": focal_fr,
        "reference_en": ref_en,
        "reference_fr": ref_fr,
    }


def generic_wording(
    outcome: str,
    unit: str,
    contrast: str,
    direction: str,
    model: str = "",
    kind: str = "superiority",
) -> dict[str, str]:
    """Question, claim, group and outcome names of a generic hypothesis, in English and French.

    Parameters
    ----------
    outcome, unit, contrast, direction, model, kind
        As given to :func:`analysis.stats.run_hypothesis` (``kind`` "equivalence" for a
        correlation with an equivalence test: the contrast is then a continuous column).

    Returns
    -------
    dict
        ``question_en/fr``, ``claim_en/fr``, ``focal_en/fr``, ``reference_en/fr``,
        ``outcome_en/fr`` (the fields of :class:`analysis.stats.hypotheses.Hypothesis`).
    """
    out_en, out_fr = noun(outcome, "en"), noun(outcome, "fr")
    if kind == "equivalence":
        x_en, x_fr = noun(contrast, "en"), definite_fr(contrast)
        y_fr = definite_fr(outcome)
        return {
            "focal_en": x_en,
            "focal_fr": x_fr,
            "reference_en": "",
            "reference_fr": "",
            "outcome_en": out_en,
            "outcome_fr": out_fr,
            "question_en": f"Is the link between {x_en} and {out_en} weak?",
            "question_fr": contract_fr(f"Le lien entre {x_fr} et {y_fr} est-il faible ?"),
            "claim_en": f"the link between {x_en} and {out_en} is weak",
            "claim_fr": contract_fr(f"le lien entre {x_fr} et {y_fr} est faible"),
        }
    g = _groups(unit, contrast, model)
    labels = MEASURE_LABELS.get(outcome, {})
    words = dict(g, outcome_en=out_en, outcome_fr=out_fr)
    if (
        direction in ("less", "greater")
        and f"{'less' if direction == 'less' else 'more'}_en" in labels
    ):
        key = "less" if direction == "less" else "more"
        claim_en = f"{g['focal_en']} {labels[key + '_en']} than {g['reference_en']}"
        claim_fr = contract_fr(f"{g['focal_fr']} {labels[key + '_fr']} que {g['reference_fr']}")
        verb = labels[key + "_en"]
        question_en = (
            f"Are {g['focal_en']} {verb[4:]} than {g['reference_en']}?"
            if verb.startswith("are ")
            else f"Do {claim_en}?"
        )
    else:
        claim_en = f"{g['focal_en']} differ from {g['reference_en']} in {out_en}"
        claim_fr = contract_fr(
            f"{g['focal_fr']} se distinguent de {g['reference_fr']} par {definite_fr(outcome)}"
        )
        question_en = f"Do {claim_en}?"
    question_fr = contract_fr(f"Est-ce que {claim_fr} ?")
    return dict(
        words,
        claim_en=claim_en,
        claim_fr=claim_fr,
        question_en=question_en,
        question_fr=question_fr,
    )


def _question_from_claim(claim: str, language: str) -> str:
    """A yes/no question that quotes the study's own claim."""
    claim = claim.strip().rstrip(".")
    if language == "fr":
        return contract_fr(f"Est-il vrai que {claim[:1].lower() + claim[1:]} ?")
    return f"Is it true that {claim[:1].lower() + claim[1:]}?"


def hypothesis_words(hypothesis: Any, params: dict[str, Any]) -> dict[str, str]:
    """The words a report uses for ``hypothesis`` under the notebook ``params``.

    Catalogue hypotheses keep the catalogue's words; a generic one gets :func:`generic_wording`.
    A study's own claim (``claim`` in English, ``claim_fr`` in French) replaces the claim in its
    language; for a generic hypothesis on measures without labels the question then asks about
    that claim. A claim given in
    one language only never leaks into the other: the other keeps the derived words.
    """
    fields = (
        "question_en",
        "question_fr",
        "claim_en",
        "claim_fr",
        "focal_en",
        "focal_fr",
        "reference_en",
        "reference_fr",
        "outcome_en",
        "outcome_fr",
    )
    if hypothesis.id == "generic":
        words = generic_wording(
            hypothesis.outcome,
            hypothesis.unit,
            hypothesis.contrast,
            hypothesis.direction,
            hypothesis.model,
            hypothesis.kind,
        )
    else:
        words = {f: getattr(hypothesis, f) for f in fields}
    # A derived question is only as good as the labels it is made of; without them, ask about
    # the study's own claim instead.
    labelled = (
        hypothesis.outcome in MEASURE_LABELS
        and hypothesis.contrast.partition("=")[0] in MEASURE_LABELS
    )
    for lang, name in (("en", "claim"), ("fr", "claim_fr")):
        own = str(params.get(name) or "").strip().rstrip(".")
        if own:
            words[f"claim_{lang}"] = own
            if hypothesis.id == "generic" and not labelled:
                words[f"question_{lang}"] = _question_from_claim(own, lang)
    return words


def relabel(result: Any, params: dict[str, Any]) -> Any:
    """``result`` with its hypothesis worded for people (:func:`hypothesis_words`); modified in place.

    The table's ``claim`` column becomes the English claim the report states, so ``results.json``
    and the study index read the same words as the page.
    """
    words = hypothesis_words(result.hypothesis, params)
    result.hypothesis = replace(result.hypothesis, **words)
    if "claim" in result.table:
        result.table["claim"] = words["claim_en"]
    return result
