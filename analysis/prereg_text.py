"""The AsPredicted-style text of a frozen plan (:mod:`analysis.prereg`): Markdown, one section
per AsPredicted question, every word a catalogue message (``prereg.text.*``).

AsPredicted (https://aspredicted.org) asks nine questions; the text answers them from the plan:
data collection, hypotheses (with the direction of each one-sided test), dependent variables,
conditions (here: the groups compared, the data being observational), analyses (model, test,
alpha, the study's correction), outliers and exclusions, sample, then the smallest effect of
interest and anything else. It can be pasted into AsPredicted or OSF as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis import catalog
from analysis.formatting import fmt_number, fmt_percent

#: Every word of the text, in English, by key (the catalogues translate each).
TEXTS: dict[str, str] = {
    "prereg.text.title": "Pre-registration: {title}",
    "prereg.text.frozen": (
        "Frozen on {created} with Dialogic {version} from the study file {study_file}. "
        "Plan file: {file}; SHA-256 of the plan: {sha256}."
    ),
    "prereg.text.q.data": "Data collection",
    "prereg.text.ask.data": "Have any data been collected for this study already?",
    "prereg.text.data.no": "No, no data have been collected for this study yet.",
    "prereg.text.data.yes": (
        "Yes: when this plan was frozen, the data folder {dirs} already held data."
    ),
    "prereg.text.q.hypotheses": "Hypotheses",
    "prereg.text.ask.hypotheses": (
        "What's the main question being asked or hypothesis being tested in this study?"
    ),
    "prereg.text.hypothesis": "{report}: {claim} (hypothesis {hypothesis}; {test}).",
    "prereg.text.hypothesis_catalogue": (
        "{report}: the catalogue's hypothesis {hypothesis}, as docs/statistics.md states it "
        "({test})."
    ),
    "prereg.text.test.one_sided": "one-sided test, alternative hypothesis {alternative}",
    "prereg.text.test.two-sided": "two-sided test, alternative hypothesis {alternative}",
    "prereg.text.test.equivalence": "equivalence test, alternative hypothesis {alternative}",
    "prereg.text.test.equivalence_catalogue": (
        "equivalence test: the link expected weaker than the catalogue's bound"
    ),
    "prereg.text.q.outcome": "Dependent variable",
    "prereg.text.ask.outcome": (
        "Describe the key dependent variable(s) specifying how they will be measured."
    ),
    "prereg.text.outcome": (
        "{report}: `{outcome}`, measured per {unit} by Dialogic from the collected posts and "
        "comments (definitions in docs/data-model.md)."
    ),
    "prereg.text.q.conditions": "Conditions",
    "prereg.text.ask.conditions": (
        "How many and which conditions will participants be assigned to?"
    ),
    "prereg.text.conditions": (
        "None are assigned: the data are observational. Each hypothesis compares the values "
        "of its contrast."
    ),
    "prereg.text.contrast.groups": (
        "{report}: `{contrast}`, the group {focal} against the group {reference} of the "
        "column `{column}`."
    ),
    "prereg.text.contrast.groups_file": (
        "{report}: `{contrast}`, the group {focal} against the group {reference} of the "
        "column `{column}`, labelled in {file}."
    ),
    "prereg.text.contrast.other": "{report}: `{contrast}`.",
    "prereg.text.q.analyses": "Analyses",
    "prereg.text.ask.analyses": (
        "Specify exactly which analyses you will conduct to examine the main question/hypothesis."
    ),
    "prereg.text.analysis": "{report}: model `{model}`, {test}, at α = {alpha}.",
    "prereg.text.correction": (
        "The p-values of the study's {n} hypotheses are corrected for multiple testing: "
        "{correction}."
    ),
    "prereg.text.correction.holm": "Holm method",
    "prereg.text.correction.bh": "Benjamini–Hochberg method (false discovery rate)",
    "prereg.text.correction.none": "no correction",
    "prereg.text.q.exclusions": "Outliers and exclusions",
    "prereg.text.ask.exclusions": (
        "Describe exactly how outliers will be defined and handled, and your precise rule(s) "
        "for excluding observations."
    ),
    "prereg.text.exclusions": (
        "{reports}: pages with fewer than {min_posts} posts in the period are excluded; a "
        "comment not answered within {window} hours counts as unanswered (censored); a "
        "sensitivity rerun leaves out the pages whose data hold less than {threshold} of the "
        "comments their platform reports. No other observation is excluded."
    ),
    "prereg.text.q.sample": "Sample size",
    "prereg.text.ask.sample": (
        "How many observations will be collected or what will determine sample size?"
    ),
    "prereg.text.sample": (
        "{reports}: every page, post and comment of the data set from {start} to {end} on "
        "{platforms}, after the exclusions above; no stopping rule depends on the results."
    ),
    "prereg.text.start.none": "the first post",
    "prereg.text.end.none": "the last post",
    "prereg.text.platforms.all": "every platform of the data set",
    "prereg.text.q.smallest": "Smallest effect of interest",
    "prereg.text.ask.smallest": "What is the smallest effect that would matter?",
    "prereg.text.smallest": "{report}: {effect} = {value}, in the effect's own scale.",
    "prereg.text.smallest.none": "{report}: not stated.",
    "prereg.text.q.other": "Other",
    "prereg.text.ask.other": "Anything else you would like to pre-register?",
    "prereg.text.other": (
        "A later run that keeps every value of this plan is labelled confirmatory; a run that "
        "changes one (a parameter, the period, the model) is labelled exploratory, and its "
        "academic report lists each change against this plan."
    ),
    "prereg.text.not_frozen": "Not part of this plan (they test no hypothesis): {reports}.",
}

for _key, _text in TEXTS.items():
    catalog.register(_key, _text)


def t(key: str, language: str, **values: Any) -> str:
    """The text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return catalog.contract(text.format(**values) if values else text, language)


def short_number(x: Any, language: str) -> str:
    """``x`` with up to three decimals, trailing zeros dropped (0.05, 0,9, 10)."""
    text = fmt_number(x, language, 3)
    return text.rstrip("0").rstrip(".,") if text[-4:-3] in ".," else text


def words_of_test(parameters: Mapping[str, Any], language: str) -> str:
    """'one-sided test, alternative hypothesis IRR < 1', or the two-sided or equivalence test's
    words, from a report's frozen values."""
    from analysis.prereg import MODEL_EFFECTS

    effect = MODEL_EFFECTS.get(parameters.get("model", ""), "effect")
    null = "0" if effect == "rho" else "1"
    if parameters.get("kind") == "equivalence":
        bound = parameters.get("equivalence_bound") or 0
        if not bound:
            return t("prereg.text.test.equivalence_catalogue", language)
        b = short_number(bound, language)
        return t("prereg.text.test.equivalence", language, alternative=f"-{b} < {effect} < {b}")
    direction = parameters.get("direction", "two-sided")
    sign = {"less": "<", "greater": ">"}.get(direction, "≠")
    key = "prereg.text.test.two-sided" if sign == "≠" else "prereg.text.test.one_sided"
    return t(key, language, alternative=f"{effect} {sign} {null}")


def _grouped(reports: Mapping[str, Any], keys: tuple[str, ...]) -> list[tuple[str, dict]]:
    """Reports sharing the same values of ``keys``, as ``(names joined, their parameters)``."""
    groups: dict[tuple, list[str]] = {}
    for name, entry in reports.items():
        value = tuple(str(entry["parameters"].get(k)) for k in keys)
        groups.setdefault(value, []).append(name)
    return [(", ".join(names), reports[names[0]]["parameters"]) for names in groups.values()]


def _section(number: int, key: str, answers: list[str], language: str, bullets: bool) -> str:
    lines = [f"## {number}. {t(f'prereg.text.q.{key}', language)}", ""]
    lines += [f"*{t(f'prereg.text.ask.{key}', language)}*", ""]
    lines += [f"- {a}" if bullets else a for a in answers]
    return "\n".join(lines)


def aspredicted(document: Mapping[str, Any], file: str, language: str = "en") -> str:
    """The AsPredicted-style Markdown of a plan document (what :func:`analysis.prereg.write_plan`
    writes: ``study``, ``created``, ``dialogic_version``, ``plan``, ``sha256``)."""
    from analysis.prereg import MODEL_EFFECTS

    plan = document["plan"]
    reports = plan["reports"]
    lang = language

    def each(fn) -> list[str]:
        return [fn(name, entry["parameters"], entry) for name, entry in reports.items()]

    collected = [d["dir"] for d in plan.get("data", []) if d.get("collected")]
    data = (
        t("prereg.text.data.yes", lang, dirs=", ".join(collected))
        if collected
        else t("prereg.text.data.no", lang)
    )
    hypotheses = each(
        lambda name, p, e: t(
            "prereg.text.hypothesis" if e.get("claim") else "prereg.text.hypothesis_catalogue",
            lang,
            report=name,
            claim=e.get("claim", ""),
            hypothesis=e.get("hypothesis"),
            test=words_of_test(p, lang),
        )
    )
    outcomes = each(
        lambda name, p, e: t(
            "prereg.text.outcome", lang, report=name, outcome=p["outcome"], unit=p["unit"]
        )
    )
    contrasts = [t("prereg.text.conditions", lang)] + [
        f"- {line}" for line in each(lambda name, p, e: _contrast(name, p, lang))
    ]
    analyses = each(
        lambda name, p, e: t(
            "prereg.text.analysis",
            lang,
            report=name,
            model=p["model"],
            test=words_of_test(p, lang),
            alpha=short_number(p["alpha"], lang),
        )
    )
    analyses.append(
        t(
            "prereg.text.correction",
            lang,
            n=len(reports),
            correction=t(f"prereg.text.correction.{plan.get('correction', 'holm')}", lang),
        )
    )
    exclusions = [
        t(
            "prereg.text.exclusions",
            lang,
            reports=names,
            min_posts=p["min_posts"],
            window=fmt_number(p["reply_window_h"], lang, 0),
            threshold=fmt_percent(p["coverage_threshold"], lang),
        )
        for names, p in _grouped(reports, ("min_posts", "reply_window_h", "coverage_threshold"))
    ]
    samples = [
        t(
            "prereg.text.sample",
            lang,
            reports=names,
            start=p["start"] or t("prereg.text.start.none", lang),
            end=p["end"] or t("prereg.text.end.none", lang),
            platforms=", ".join(p["platforms"]) or t("prereg.text.platforms.all", lang),
        )
        for names, p in _grouped(reports, ("start", "end", "platforms"))
    ]
    smallest = each(
        lambda name, p, e: (
            t(
                "prereg.text.smallest",
                lang,
                report=name,
                value=short_number(p["smallest_effect"], lang),
                effect=MODEL_EFFECTS.get(p["model"], "effect"),
            )
            if p.get("smallest_effect")
            else t("prereg.text.smallest.none", lang, report=name)
        )
    )
    other = [t("prereg.text.other", lang)]
    if plan.get("not_frozen"):
        other.append(t("prereg.text.not_frozen", lang, reports=", ".join(plan["not_frozen"])))
    head = [
        f"# {t('prereg.text.title', lang, title=plan.get('title') or document['study'])}",
        "",
        t(
            "prereg.text.frozen",
            lang,
            created=document["created"],
            version=document["dialogic_version"],
            study_file=plan.get("study_file", ""),
            file=file,
            sha256=document["sha256"],
        ),
    ]
    sections = [
        _section(1, "data", [data], lang, False),
        _section(2, "hypotheses", hypotheses, lang, True),
        _section(3, "outcome", outcomes, lang, True),
        _section(4, "conditions", contrasts, lang, False),
        _section(5, "analyses", analyses, lang, True),
        _section(6, "exclusions", exclusions, lang, True),
        _section(7, "sample", samples, lang, True),
        _section(8, "smallest", smallest, lang, True),
        _section(9, "other", other, lang, False),
    ]
    return "\n\n".join(["\n".join(head), *sections]) + "\n"


def _contrast(name: str, p: Mapping[str, Any], language: str) -> str:
    """The contrast of one report, with its two groups when it compares groups of accounts."""
    if p["contrast"] in ("account_type", "account_group"):
        key = (
            "prereg.text.contrast.groups_file"
            if p.get("group_file")
            else ("prereg.text.contrast.groups")
        )
        return t(
            key,
            language,
            report=name,
            contrast=p["contrast"],
            focal=p["focal_group"],
            reference=p["reference_group"],
            column=p["group_column"],
            file=p.get("group_file", ""),
        )
    return t("prereg.text.contrast.other", language, report=name, contrast=p["contrast"])
