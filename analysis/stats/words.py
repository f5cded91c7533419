"""Results in words: an APA-style sentence for academics and a plain-language sentence for
clients, in every language of :mod:`analysis.catalog`, generated from the result table (numbers
never re-computed here).

Every sentence is a template of the catalogue (context ``words.*``, English here); numbers are
written by :mod:`analysis.formatting` (the same as the report's tables) and the model's name is the
results table's own (:mod:`analysis.messages`), so the sentence and the table cannot disagree.

APA conventions (7th ed.): statistics in italics are written plainly here (HTML formatting is the
report's job), p without a leading zero and "< .001" below .001, two decimals for effect sizes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from analysis import catalog, vocabulary
from analysis.formatting import fmt_int, fmt_number, fmt_p
from analysis.messages import MESSAGES, TOO_FEW_PAGES, Message, render

if TYPE_CHECKING:  # pragma: no cover
    from analysis.stats.result import HypothesisResult

STYLES = ("apa", "plain")


def _w(context: str, english: str) -> str:
    return catalog.register(f"words.{context}", english)


W = {
    key: _w(key, english)
    for key, english in {
        "verdict.supported": "The data support the claim that {claim}.",
        "verdict.not supported": "The data do not support the claim that {claim}.",
        "verdict.inconclusive": "The data cannot settle whether {claim}.",
        "ci": "CI {level} [{low}, {high}]",
        "estimate": "{name} = {estimate}, {ci}",
        "level": "{level}%",
        "sample": "N = {n} {units}, {pages} pages",
        "sample_pages": "N = {n} pages",
        "adjusted": ", {method}-adjusted {p}",
        "side.one": "one-sided",
        "side.two": "two-sided",
        "apa": "A {model} compared {focal} with {reference}: {estimate}, {stat} = {statistic}, "
        "{side} {p}{adjusted} ({sample}). {verdict}",
        "apa.equivalence": "Across pages, the Spearman correlation between {focal} and {outcome} "
        "was {estimate}; an equivalence test (TOST) against ±{bound} gave {p}{adjusted} "
        "({sample}). {verdict}",
        "apa.unfit": "No estimate could be given ({reason}; {sample}). {verdict}",
        "unfit.too_few_pages": "each group needs at least two pages, which the filtered data "
        "do not offer",
        "unfit.other": "the model could not be fitted reliably; the academic report gives the "
        "reason",
        "unfit.model": "the model could not be fitted",
        "plain.unfit": "{verdict} ({reason})",
        "plain.equivalence": "{verdict} The rank correlation between {x} and {y} across pages is "
        "{rho} (plausibly between {low} and {high}); a link weaker than ±{bound} counts as weak.",
        "plain.GMR": "{verdict} Among the comments answered within the reply window, {focal} take "
        "about {estimate} times as long as {reference} to give their first answer (typical "
        "delay, geometric mean; plausible range: {low} to {high} times).",
        "plain.IRR": "{verdict} {Focal} get about {pct}% {change} {outcome} than {reference} "
        "(plausible range: {range}).",
        "plain.OR": "{verdict} For {focal}, the {outcome} are about {pct}% {change} than for "
        "{reference} (plausible range: {range}).",
        "plain.HR.ph": "{verdict} For {focal}, the {outcome} is about {pct}% {change} than for "
        "{reference} on average over the follow-up; this ratio changes over time (the "
        "proportional-hazards check failed), so on its own it does not show that they answer "
        "more slowly (plausible range: {range}).",
        "plain.HR.slower": "{verdict} For {focal}, the {outcome} is about {pct}% {change} than "
        "for {reference} (they answer more slowly) (plausible range: {range}).",
        "plain.HR.faster": "{verdict} For {focal}, the {outcome} is about {pct}% {change} than "
        "for {reference} (they answer faster) (plausible range: {range}).",
        "range.same_side": "between {a}% and {b}% {change}",
        "range.across": "{low}% {low_change} to {high}% {high_change}",
        "change.IRR.lower": "fewer",
        "change.IRR.higher": "more",
        "change.OR.lower": "lower",
        "change.OR.higher": "higher",
        "change.HR.lower": "lower",
        "change.HR.higher": "higher",
    }.items()
}


def w(key: str, language: str, **values: Any) -> str:
    """The sentence template ``key`` in ``language``, filled with ``values``, then with the
    language's contractions applied (:func:`analysis.catalog.contract`)."""
    text = catalog.gettext(f"words.{key}", W[key], language)
    return catalog.contract(text.format(**values) if values else text, language)


def _finite(x: Any) -> bool:
    return isinstance(x, float | int) and math.isfinite(x)


def _pct(ratio: float) -> tuple[float, bool]:
    """Percent change of a ratio (absolute) and whether it is a decrease."""
    change = (ratio - 1) * 100
    return abs(change), change < 0


def _pct_text(value: float, language: str) -> str:
    return fmt_number(round(value), language, 0)


def _change(effect_name: str, lower: bool, language: str) -> str:
    return w(f"change.{effect_name}.{'lower' if lower else 'higher'}", language)


def _range_words(low: float, high: float, effect_name: str, language: str) -> str:
    """The CI of a ratio as a range of changes.

    "12% fewer to 9% more", "between 49% and 60% lower".
    """
    (lo, lo_lower), (hi, hi_lower) = _pct(low), _pct(high)
    if lo_lower == hi_lower:  # both bounds on one side of "no difference": one word, smaller first
        a, b = sorted((lo, hi), key=round)
        return w(
            "range.same_side",
            language,
            a=_pct_text(a, language),
            b=_pct_text(b, language),
            change=_change(effect_name, lo_lower, language),
        )
    return w(
        "range.across",
        language,
        low=_pct_text(lo, language),
        low_change=_change(effect_name, lo_lower, language),
        high=_pct_text(hi, language),
        high_change=_change(effect_name, hi_lower, language),
    )


def _codes(res: HypothesisResult) -> set[str]:
    return {getattr(m, "code", None) for m in res.warnings}


def _unfit_reason(res: HypothesisResult, language: str) -> str:
    """Why no estimate could be given, in the reader's language."""
    if language == catalog.SOURCE_LANGUAGE:  # the academic reader gets the warnings themselves
        warnings = res.row.get("warnings") or ""
        return str(warnings) or w("unfit.model", language)
    if _codes(res) & set(TOO_FEW_PAGES):  # it may follow another warning (pages left out)
        return w("unfit.too_few_pages", language)
    return w("unfit.other", language)


def _num(x: float, language: str, digits: int = 2) -> str:
    return fmt_number(x, language, digits) if _finite(x) else "NA"


def _sample(res: HypothesisResult, language: str) -> str:
    r, h = res.row, res.hypothesis
    n = fmt_int(int(r["n_obs"]), language)
    if h.unit == "page":
        return w("sample_pages", language, n=n)
    units = catalog.gettext(f"msg.units.{h.unit}", f"{h.unit}s", language)
    return w("sample", language, n=n, units=units, pages=int(r["n_clusters"]))


def _verdict(res: HypothesisResult, language: str) -> str:
    return w(
        f"verdict.{res.row['verdict']}", language, claim=res.hypothesis.text("claim", language)
    )


def _apa(res: HypothesisResult, language: str) -> str:
    r, h = res.row, res.hypothesis
    sample, verdict = _sample(res, language), _verdict(res, language)
    if not _finite(r["estimate"]):
        return w(
            "apa.unfit",
            language,
            reason=_unfit_reason(res, language),
            sample=sample,
            verdict=verdict,
        )
    ref = r["reference_distribution"] or ""
    stat = f"t({_num(r['df'], language, 0)})" if ref.startswith("t(") else "z"
    level = w("level", language, level=f"{r['ci_level'] * 100:g}")
    ci = w(
        "ci",
        language,
        level=level,
        low=_num(r["ci_low"], language),
        high=_num(r["ci_high"], language),
    )
    est = w(
        "estimate", language, name=h.effect_name, estimate=_num(r["estimate"], language), ci=ci
    )
    adjusted = ""
    if _finite(r["p_adjusted"]):
        adjusted = w(
            "adjusted",
            language,
            method=str(r["p_adjust_method"]).capitalize(),
            p=fmt_p(r["p_adjusted"], language),
        )
    if h.kind == "equivalence":
        return w(
            "apa.equivalence",
            language,
            focal=h.text("focal", language),
            outcome=h.text("outcome", language),
            estimate=est,
            bound=_num(r["equivalence_bound"], language),
            p=fmt_p(r["p_value"], language),
            adjusted=adjusted,
            sample=sample,
            verdict=verdict,
        )
    side = w("side.two" if r["direction"] == "two-sided" else "side.one", language)
    model = r["model"]
    if not isinstance(model, Message) and f"model_{h.model}" in MESSAGES:
        model = Message(f"model_{h.model}")
    return w(
        "apa",
        language,
        model=render(model, language),
        focal=h.text("focal", language),
        reference=h.text("reference", language),
        estimate=est,
        stat=stat,
        statistic=_num(r["statistic"], language),
        side=side,
        p=fmt_p(r["p_value"], language),
        adjusted=adjusted,
        sample=sample,
        verdict=verdict,
    )


def _definite(h: Any, language: str) -> str:
    """The outcome as "the link between X and Y" names it: the measure's form with its article in
    a language that needs one (:func:`analysis.vocabulary.definite`), else the outcome's words."""
    if h.outcome not in vocabulary.MEASURE_LABELS or language == catalog.SOURCE_LANGUAGE:
        return h.text("outcome", language)
    return vocabulary.definite(h.outcome, language)


def _ph_rejected(res: HypothesisResult) -> bool:
    return "ph_questionable" in _codes(res)


def _plain(res: HypothesisResult, language: str) -> str:
    r, h = res.row, res.hypothesis
    verdict = _verdict(res, language)
    if not _finite(r["estimate"]):
        return w("plain.unfit", language, verdict=verdict, reason=_unfit_reason(res, language))
    focal, ref = h.text("focal", language), h.text("reference", language)
    outcome = h.text("outcome", language)
    if h.kind == "equivalence":
        return w(
            "plain.equivalence",
            language,
            verdict=verdict,
            x=focal,
            y=_definite(h, language),
            rho=fmt_number(r["estimate"], language),
            low=fmt_number(r["ci_low"], language),
            high=fmt_number(r["ci_high"], language),
            bound=fmt_number(r["equivalence_bound"], language),
        )
    if h.effect_name == "GMR":
        low, high = (_num(r[k], language, 1) for k in ("ci_low", "ci_high"))
        return w(
            "plain.GMR",
            language,
            verdict=verdict,
            focal=focal,
            reference=ref,
            estimate=_num(r["estimate"], language, 1),
            low=low,
            high=high,
        )
    pct, lower = _pct(r["estimate"])
    key = f"plain.{h.effect_name}"
    if h.effect_name == "HR":
        key += ".ph" if _ph_rejected(res) else ".slower" if lower else ".faster"
    return w(
        key,
        language,
        verdict=verdict,
        Focal=focal[:1].upper() + focal[1:],
        focal=focal,
        reference=ref,
        outcome=outcome,
        pct=_pct_text(pct, language),
        change=_change(h.effect_name, lower, language),
        range=_range_words(r["ci_low"], r["ci_high"], h.effect_name, language),
    )


def sentence(res: HypothesisResult, style: str = "apa", language: str = "en") -> str:
    """The result in words.

    Parameters
    ----------
    res : HypothesisResult
    style : {"apa", "plain"}
        "apa": model, effect with CI, test statistic, p, sample, verdict. "plain": verdict first,
        then the effect as a percentage with its plausible range, no jargon.
    language : str
        One of :func:`analysis.catalog.languages`.
    """
    if style not in STYLES:
        raise ValueError(f"style={style!r}: use 'apa' (academic) or 'plain' (client brief)")
    catalog.check_language(language)
    return (_apa if style == "apa" else _plain)(res, language)
