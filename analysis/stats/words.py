"""Results in words: an APA-style sentence for academics and a plain-language sentence for
clients, in English and French, generated from the result table (numbers never re-computed here).

APA conventions (7th ed.): statistics in italics are written plainly here (HTML formatting is the
report's job), p without a leading zero and "< .001" below .001, two decimals for effect sizes.
French uses the decimal comma, « p < 0,001 » and the same structure.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from analysis.stats.result import HypothesisResult

LANGUAGES = ("en", "fr")
STYLES = ("apa", "plain")

_UNITS = {
    "en": {"post": "posts", "comment": "comments", "page": "pages"},
    "fr": {"post": "publications", "comment": "commentaires", "page": "pages"},
}

_VERDICT = {
    "en": {
        "supported": "The data support the claim that {claim}.",
        "not supported": "The data do not support the claim that {claim}.",
        "inconclusive": "The data cannot settle whether {claim}.",
    },
    "fr": {
        "supported": "Les données confirment que {claim}.",
        "not supported": "Les données ne confirment pas que {claim}.",
        "inconclusive": "Les données ne permettent pas de trancher si {claim}.",
    },
}

_EFFECT_WORDS = {  # effect name -> (en noun, fr noun)
    "IRR": ("incidence rate ratio", "rapport des taux d'incidence"),
    "OR": ("odds ratio", "rapport des cotes"),
    "HR": ("hazard ratio", "rapport des risques instantanés"),
    "GMR": ("ratio of geometric mean times", "rapport des moyennes géométriques des délais"),
    "rho": ("Spearman's rho", "rho de Spearman"),
}


def _num(x: float, language: str, digits: int = 2, leading_zero: bool = True) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "NA" if language == "en" else "NA"
    s = f"{x:.{digits}f}"
    if not leading_zero:
        s = s.replace("0.", ".", 1) if abs(x) < 1 else s
    return s.replace(".", ",") if language == "fr" else s


def format_p(p: float, language: str = "en") -> str:
    """APA p: "p = .034", "p < .001"; French "p = 0,034", "p < 0,001"."""
    if p is None or not math.isfinite(p):
        return "p = NA"
    if p < 0.001:
        return "p < .001" if language == "en" else "p < 0,001"
    if language == "en":
        return "p = " + f"{p:.3f}".lstrip("0")
    return "p = " + f"{p:.3f}".replace(".", ",")


def _pct(ratio: float, language: str) -> tuple[str, bool]:
    """Percent change of a ratio in words and whether it is a decrease."""
    change = (ratio - 1) * 100
    return f"{abs(change):.0f}", change < 0


# effect name -> language -> is a decrease -> words of the change ("30% fewer", "30 % plus lent")
_CHANGE_WORDS = {
    "IRR": {"en": {True: "fewer", False: "more"}, "fr": {True: "en moins", False: "en plus"}},
    "OR": {
        "en": {True: "lower", False: "higher"},
        "fr": {True: "plus basses", False: "plus élevées"},
    },
    "HR": {
        "en": {True: "lower", False: "higher"},
        "fr": {True: "plus lent", False: "plus rapide"},
    },
}


def _range_words(low: float, high: float, effect_name: str, language: str) -> str:
    """The CI of a ratio as a range of changes: "12% fewer to 9% more", "between 49% and 60% lower"."""
    (lo, lo_lower), (hi, hi_lower) = _pct(low, language), _pct(high, language)
    words = _CHANGE_WORDS[effect_name][language]
    if (
        lo_lower == hi_lower
    ):  # both bounds on one side of "no difference": one word, smaller number first
        a, b = sorted((lo, hi), key=float)
        return (
            f"between {a}% and {b}% {words[lo_lower]}"
            if language == "en"
            else f"entre {a} % et {b} % {words[lo_lower]}"
        )
    return (
        f"{lo}% {words[lo_lower]} to {hi}% {words[hi_lower]}"
        if language == "en"
        else f"de {lo} % {words[lo_lower]} à {hi} % {words[hi_lower]}"
    )


def _unfit_reason(row: dict, language: str) -> str:
    """Why no estimate could be given, in the reader's language (the warnings themselves are English)."""
    from analysis.stats.hypotheses import TOO_FEW_PAGES

    warnings = row.get("warnings") or ""
    if language == "en":
        return warnings or "the model could not be fitted"
    if (
        TOO_FEW_PAGES in warnings
    ):  # it may follow another warning, e.g. pages left out by min_posts
        return "chaque groupe doit compter au moins deux pages, ce que les données filtrées n'offrent pas"
    return (
        "le modèle n'a pas pu être estimé de façon fiable ; le rapport académique donne la raison"
    )


def _claim(res: HypothesisResult, language: str) -> str:
    return getattr(res.hypothesis, f"claim_{language}")


def _apa(res: HypothesisResult, language: str) -> str:
    r, h = res.row, res.hypothesis
    en = language == "en"
    level = f"{r['ci_level'] * 100:g}%" if en else f"{r['ci_level'] * 100:g} %"
    units = _UNITS[language][h.unit]
    n = f"N = {int(r['n_obs']):,}".replace(",", " " if not en else ",")
    sample = f"{n} {units}, {int(r['n_clusters'])} pages" if h.unit != "page" else f"{n} pages"
    if not (isinstance(r["estimate"], float) and math.isfinite(r["estimate"])):
        verdict = _VERDICT[language][r["verdict"]].format(claim=_claim(res, language))
        return (
            f"No estimate could be given ({_unfit_reason(r, language)}; {sample}). {verdict}"
            if en
            else f"Aucune estimation n'a pu être donnée ({_unfit_reason(r, language)} ; {sample}). {verdict}"
        )
    ref = r["reference_distribution"] or ""
    stat_name = f"t({_num(r['df'], language, 0)})" if ref.startswith("t(") else "z"
    est = (
        f"{'rho' if h.effect_name == 'rho' else h.effect_name} = {_num(r['estimate'], language)}, "
        f"{'IC' if not en else 'CI'} {level} [{_num(r['ci_low'], language)}{'; ' if not en else ', '}"
        f"{_num(r['ci_high'], language)}]"
    )
    p_used = (
        r["p_adjusted"]
        if isinstance(r["p_adjusted"], float) and math.isfinite(r["p_adjusted"])
        else None
    )
    adj = ""
    if p_used is not None:
        adj = (
            f", {r['p_adjust_method'].capitalize()}-adjusted {format_p(p_used, language)}"
            if en
            else f", {format_p(p_used, language)} après correction de {r['p_adjust_method'].capitalize()}"
        )
    if h.kind == "equivalence":
        b = _num(r["equivalence_bound"], language)
        if en:
            return (
                f"Across pages, the Spearman correlation between {h.focal_en} and {h.outcome_en} was {est}; "
                f"an equivalence test (TOST) against ±{b} gave {format_p(r['p_value'], language)}{adj} "
                f"({sample}). {_VERDICT['en'][r['verdict']].format(claim=_claim(res, 'en'))}"
            )
        return (
            f"Entre pages, la corrélation de Spearman entre {h.focal_fr} et le {h.outcome_fr} vaut {est} ; "
            f"le test d'équivalence (TOST) contre ±{b} donne {format_p(r['p_value'], language)}{adj} "
            f"({sample}). {_VERDICT['fr'][r['verdict']].format(claim=_claim(res, 'fr'))}"
        )
    side = {"less": "one-sided", "greater": "one-sided", "two-sided": "two-sided"}[r["direction"]]
    side_fr = {"less": "unilatéral", "greater": "unilatéral", "two-sided": "bilatéral"}[
        r["direction"]
    ]
    model = r["model"]
    if en:
        return (
            f"A {model} compared {h.focal_en} with {h.reference_en}: {est}, {stat_name} = "
            f"{_num(r['statistic'], language)}, {side} {format_p(r['p_value'], language)}{adj} ({sample}). "
            f"{_VERDICT['en'][r['verdict']].format(claim=_claim(res, 'en'))}"
        )
    return (
        f"Le modèle ({_MODEL_FR.get(h.model, model)}) compare {h.focal_fr} et {h.reference_fr} : {est}, "
        f"{stat_name} = {_num(r['statistic'], language)}, {format_p(r['p_value'], language)} ({side_fr}){adj} "
        f"({sample}). {_VERDICT['fr'][r['verdict']].format(claim=_claim(res, 'fr'))}"
    )


_MODEL_FR = {
    "negbin": "régression binomiale négative, dispersion estimée, erreurs types groupées par page",
    "poisson": "régression de Poisson à effets fixes par page, erreurs types groupées par page",
    "gee_logit": "GEE logistique par page, covariance robuste à biais réduit",
    "cox": "modèle de Cox, erreurs types groupées par page",
    "log_time": (
        "régression par moindres carrés du logarithme du délai avant la première réponse, "
        "commentaires ayant reçu une réponse seulement, erreurs types groupées par page"
    ),
}


#: Said after a hazard ratio whose proportional-hazards check failed: the HR then averages a ratio
#: that changes over follow-up (e.g. curves that plateau: answering less, not later), so the brief
#: must not read it as "slower" any more than the academic report does.
_PH_CAVEAT = {
    "en": " on average over the follow-up; this ratio changes over time (the proportional-hazards check "
    "failed), so on its own it does not show that they answer more slowly",
    "fr": " en moyenne sur la durée de suivi ; ce rapport varie au cours du temps (le contrôle des risques "
    "proportionnels échoue) : à lui seul, il ne montre donc pas qu'elles répondent plus lentement",
}


def _ph_rejected(row: dict) -> bool:
    return "proportional-hazards assumption questionable" in str(row.get("warnings") or "")


def _times_words(row: dict, h, language: str) -> str:
    """A ratio of geometric mean delays in words (H4b): "about 2.7 times as long (1.9 to 3.7 times)"."""
    est, lo, hi = (_num(row[k], language, 1) for k in ("estimate", "ci_low", "ci_high"))
    if language == "en":
        return (
            f"Among the comments answered within the reply window, {h.focal_en} take about {est} times as "
            f"long as {h.reference_en} to give their first answer (typical delay, geometric mean; plausible "
            f"range: {lo} to {hi} times)."
        )
    return (
        f"Parmi les commentaires ayant reçu une réponse dans la fenêtre de réponse, {h.focal_fr} mettent "
        f"environ {est} fois le temps {h.reference_fr.replace('les ', 'des ', 1)} pour donner leur première "
        f"réponse (délai typique, moyenne géométrique ; fourchette plausible : de {lo} à {hi} fois)."
    )


def _plain(res: HypothesisResult, language: str) -> str:
    r, h = res.row, res.hypothesis
    en = language == "en"
    verdict = _VERDICT[language][r["verdict"]].format(claim=_claim(res, language))
    if not (isinstance(r["estimate"], float) and math.isfinite(r["estimate"])):
        return f"{verdict} ({_unfit_reason(r, language)})"
    if h.kind == "equivalence":
        lo, hi = _num(r["ci_low"], language), _num(r["ci_high"], language)
        if en:
            return (
                f"{verdict} Pages with a larger audience get about as many {h.outcome_en} as smaller ones: "
                f"the rank correlation is {_num(r['estimate'], language)} (plausibly between {lo} and {hi}; "
                f"±{_num(r['equivalence_bound'], language)} counts as weak)."
            )
        return (
            f"{verdict} Les pages à large audience obtiennent à peu près autant de {h.outcome_fr} que les "
            f"petites : la corrélation de rang vaut {_num(r['estimate'], language)} (plausiblement entre {lo} "
            f"et {hi} ; ±{_num(r['equivalence_bound'], language)} compte comme faible)."
        )
    if h.effect_name == "GMR":
        return f"{verdict} {_times_words(r, h, language)}"
    pct, lower = _pct(r["estimate"], language)
    rng = _range_words(r["ci_low"], r["ci_high"], h.effect_name, language)
    focal = h.focal_en if en else h.focal_fr
    ref = h.reference_en if en else h.reference_fr
    out = h.outcome_en if en else h.outcome_fr
    if en:
        w = _CHANGE_WORDS[h.effect_name]["en"][lower]
        what = {
            "IRR": f"{focal.capitalize()} get about {pct}% {w} {out} than {ref}",
            "OR": f"For {focal}, the {out} are about {pct}% {w} than for {ref}",
            "HR": f"For {focal}, the {out} is about {pct}% {w} than for {ref}"
            + (
                _PH_CAVEAT["en"]
                if _ph_rejected(r)
                else " (they answer more slowly)"
                if lower
                else " (they answer faster)"
            ),
        }[h.effect_name]
        return f"{verdict} {what} (plausible range: {rng})."
    w = _CHANGE_WORDS[h.effect_name]["fr"][lower]
    what = {
        "IRR": f"{focal[0].upper() + focal[1:]} obtiennent environ {pct} % de {out} {w} que {ref}",
        "OR": f"Pour {focal}, les {out} sont environ {pct} % {w} que pour {ref}",
        "HR": f"Pour {focal}, le {out} est environ {pct} % {w} que pour {ref}"
        + (_PH_CAVEAT["fr"] if _ph_rejected(r) else ""),
    }[h.effect_name]
    return f"{verdict} {what} (fourchette plausible : {rng})."


def sentence(res: HypothesisResult, style: str = "apa", language: str = "en") -> str:
    """The result in words.

    Parameters
    ----------
    res : HypothesisResult
    style : {"apa", "plain"}
        "apa": model, effect with CI, test statistic, p, sample, verdict. "plain": verdict first,
        then the effect as a percentage with its plausible range, no jargon.
    language : {"en", "fr"}
    """
    if style not in STYLES:
        raise ValueError(f"style={style!r}: use 'apa' (academic) or 'plain' (client brief)")
    if language not in LANGUAGES:
        raise ValueError(f"language={language!r}: use 'en' or 'fr'")
    return (_apa if style == "apa" else _plain)(res, language)
