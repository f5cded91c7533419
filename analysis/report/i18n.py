"""Words and number formats of the reports, in every language of :mod:`analysis.catalog`.

Every word a report shows that is not data lives in :data:`STRINGS` (key -> English), each
translated in the language's catalogue under its key (``msgctxt``), so a French brief is French
from the title to the footnotes, and a test can check that no English template text is left in
it. Numbers and dates are formatted for the language with Babel (the CLDR data): ``0.52`` in
English is ``0,52`` in French, ``1,234`` is ``1 234``.

Examples
--------
>>> from analysis.report.i18n import t, fmt_number, fmt_p
>>> t("verdict.supported", "fr")
'Confirmée'
>>> fmt_number(1234.5, "fr", 1).replace("\u202f", " ")
'1 234,5'
>>> fmt_p(0.0004, "en"), fmt_p(0.0312, "fr")
('p < .001', 'p = 0,031')
"""

from __future__ import annotations

from typing import Any

from analysis import catalog
from analysis.formatting import fmt_date, fmt_int, fmt_number, fmt_p, fmt_percent
from analysis.messages import Number, write

__all__ = [
    "LANGUAGES",
    "STRINGS",
    "fmt_date",
    "fmt_int",
    "fmt_number",
    "fmt_p",
    "fmt_percent",
    "t",
    "text",
]

#: The languages a report can be written in: English and every language with a catalogue.
LANGUAGES = catalog.languages()

#: Key -> English text of every word a report shows (the catalogues translate it under its key).
STRINGS: dict[str, str] = {
    # page chrome
    "title.academic": "Hypothesis {hid}: academic report",
    "title.academic.generic": "A study's own hypothesis: academic report",
    "title.brief": "Evidence brief",
    "title.academic.benchmark": "The client against its peers: academic report",
    "title.brief.benchmark": "Benchmark brief: the client against its peers",
    "prepared_for": "Prepared for {client}",
    "logo_alt": "Logo of {client}",
    "logo_alt_plain": "Client logo",
    "generated": "Generated on {date} with Dialogic {version}",
    "simulated": (
        "Simulated data: nothing in this report describes real pages or people. "
        "It was built on Dialogic's demo data set to show how the analysis works."
    ),
    "simulated.short": "Simulated data — not real pages or people",
    "show_code": "Show code",
    "code.parameters": "Show the default parameters",
    "code.injected-parameters": "Show the parameters of this run",
    "code.setup": "Show the code that loads the data and runs the test",
    "skip": "Skip to the verdict",
    "page": "Page",
    # sections
    "h.question": "The question",
    "h.verdict": "Verdict",
    "h.figure": "Key figure",
    "h.results": "Results",
    "h.robustness": "Robustness check",
    "h.data": "The data",
    "h.exclusions": "Exclusions",
    "h.examples": "Example comments",
    "h.markup": "Texts containing markup",
    "h.methods": "Methods",
    "h.references": "References",
    "h.glossary": "Glossary",
    "h.provenance": "Provenance",
    "h.warnings": "Points to keep in mind",
    "h.statistics": "Statistical report",
    # verdict
    "verdict.supported": "Supported",
    "verdict.not supported": "Not supported",
    "verdict.inconclusive": "Inconclusive",
    "verdict.explain.supported": "The data support the claim.",
    "verdict.explain.not supported": "The data do not support the claim.",
    "verdict.explain.inconclusive": "The data cannot settle the claim either way.",
    "claim": "Claim tested",
    "adjust.alone": (
        "This verdict is for this hypothesis taken alone. The study index corrects for the "
        "number of hypotheses tested ({method}), so its verdict can differ."
    ),
    "adjust.alone_none": (
        "This verdict is for this hypothesis taken alone; the study index does not correct for "
        "the number of hypotheses tested."
    ),
    "adjust.applied": (
        "This verdict uses the p-value corrected for the number of hypotheses in the study "
        "({method}): {p_adjusted}, against {p} for this hypothesis taken alone."
    ),
    "corr.holm": "Holm method",
    "corr.bh": "Benjamini–Hochberg method",
    "corr.none": "no correction",
    "effect": "Effect",
    "ci": "{level} % confidence interval",
    "ci.short": "{level} % CI",
    "p.one_sided": "one-sided",
    "p.adjusted": "adjusted for {n} hypotheses ({method})",
    # results table
    "col.quantity": "Quantity",
    "col.value": "Value",
    "col.test": "Test",
    "col.statistic": "Statistic",
    "col.p": "p (one-sided)",
    "col.p_two": "p (two-sided)",
    "col.p_plain": "p",
    "col.p_equivalence": "p (equivalence test)",
    "col.p_adjusted": "p corrected ({method})",
    "col.estimate": "Estimate",
    "col.note": "Note",
    "row.model": "Model",
    "row.estimate": "Effect size",
    "row.ci": "Confidence interval",
    "row.statistic": "Test statistic",
    "row.p": "p-value, one-sided",
    "row.p_two": "p-value, two-sided",
    "row.p_adjusted": "p-value, adjusted",
    "row.p_equivalence": "p-value, equivalence test (TOST)",
    "row.p_no_link": "p-value, test of no link (two-sided)",
    "row.n_obs": "Observations",
    "row.n_clusters": "Pages (clusters)",
    "row.mde": "Smallest detectable effect (80 % power)",
    "row.direction": "Alternative hypothesis",
    "row.alpha": "Significance level",
    "brief.main": "Main analysis",
    "brief.check": "Cross-check on page averages",
    "brief.agree": "Agrees with the main analysis",
    "brief.disagree": "Does not agree with the main analysis",
    "brief.how_sure": "How sure can we be?",
    "brief.chance": "Chance of a result this strong if there were no real difference",
    "brief.chance_equivalence": (
        "Chance of a link this weak if the true link were as strong as the bound (±{bound})"
    ),
    "brief.chance_adjusted": (
        "The same chance, corrected for the number of hypotheses in the study ({method})"
    ),
    "brief.range": "Plausible range of the effect",
    "brief.based_on": "Based on",
    "brief.based_on_value": "{n_obs} {unit}s from {n_clusters} pages",
    "brief.based_on_pages": "{n_clusters} pages",
    # data section
    "data.platforms": "Platforms",
    "data.period": "Period",
    "data.period_value": "{start} to {end}",
    "data.pages": "Pages",
    "data.pages_by_type": "{business} business pages, {personal} personal pages",
    "data.pages_by_type_unknown": (
        "{business} business pages, {personal} personal pages, {unknown} of unknown type"
    ),
    "data.pages_by_group": "{n_focal} {focal}, {n_reference} {reference}",
    "data.pages_by_group_neither": (
        "{n_focal} {focal}, {n_reference} {reference}, {n_neither} in neither group"
    ),
    "data.posts": "Posts",
    "data.comments": "Comments",
    "data.source": "Source",
    "data.collected": "Collected",
    # coverage audit (analysis.coverage) and the sensitivity rerun without low-coverage pages
    "data.coverage": "Coverage of the conversation",
    "coverage.verdict": "Data behind this verdict: {figure}.",
    "coverage.dataset": "In the whole data set: {figure}.",
    "coverage.low": (
        "Warning: the data hold less than the study's threshold of {threshold} of the comments "
        "the platform reports; this verdict rests on part of the conversation only."
    ),
    "coverage.unknown": (
        "The platform reports no comment count for these posts, so the share of the "
        "conversation collected cannot be checked."
    ),
    "coverage.no_owner": (
        "The source cannot tell the page's own replies from the audience's: measures of "
        "answers are not available."
    ),
    "coverage.no_threads": "This source holds no comment threads (post-level counts only).",
    "h.sensitivity": "Sensitivity: without the pages of low coverage",
    "sens.intro": (
        "The test is run again on the pages whose data hold at least {threshold} of the comments "
        "their platform reports ({kept} of {pages} pages; pages whose platform reports no count "
        "are kept). A verdict that changes here depends on what the collection missed."
    ),
    "sens.all": "All pages",
    "sens.kept": "Pages with at least {threshold} coverage",
    "sens.col.data": "Data",
    "sens.col.pages": "Pages",
    "sens.col.verdict": "Verdict",
    "sens.none_low": (
        "Every page whose platform reports a comment count holds at least {threshold} of it: "
        "no sensitivity rerun is needed."
    ),
    "sens.all_low": (
        "No page holds {threshold} of the comments its platform reports, so there is nothing to "
        "rerun the test on: read the verdict as resting on part of the conversation."
    ),
    "sens.failed": "The rerun could not be computed: {why}",
    "data.all": "all",
    "data.reason": "Reason",
    "data.excluded": "Excluded",
    "data.model_used": "The model used {n_used} of the {n_pages} pages.",
    "data.model_fe": (
        "left out by the model: all of the page's {units} fall in one group, or the page got no "
        "reply, so a comparison within the page learns nothing from it"
    ),
    "data.model_min_posts": "left out by the model: fewer than {min_posts} posts",
    "data.model_unknown_type": (
        "left out by the model: account type unknown (code them: `dialogic label export`, then "
        "`dialogic import --labels`)"
    ),
    "data.model_other": "left out by the model: no {units} it could use",
    "data.no_exclusions": "Nothing was excluded.",
    "data.examples_note": "Shown exactly as collected, as plain text (markup is not interpreted).",
    "data.markup_note": "{n} text(s) contain HTML-like markup; they are shown as text, never run.",
    "data.kind": "Kind",
    "data.text": "Text",
    "data.page_type": "Page type",
    "data.language": "Language",
    # account types and groups
    "type.business": "business page",
    "type.personal": "personal page",
    "type.unknown": "unknown",
    "type.unknown_page": "page of unknown type",
    "unit.post": "post",
    "unit.comment": "comment",
    "unit.page": "page",
    "units.post": "posts",
    "units.comment": "comments",
    "units.page": "pages",
    # methods
    "methods.intro": (
        "The unit of analysis is the {unit}; {n_obs} {unit}s from {n_clusters} pages entered the "
        "model."
    ),
    "methods.intro_pages": (
        "The unit of analysis is the page; {n_clusters} pages entered the analysis."
    ),
    "methods.model_equivalence": (
        "Primary analysis: {model}. The link is reported as {estimate_name} with its {ci_level} "
        "% confidence interval; the equivalence test (two one-sided tests, TOST) asks whether "
        "the true link lies within ±{bound}, at α = {alpha}: a small p means a link as strong as "
        "the bound is implausible."
    ),
    "methods.filter": (
        "Pages with fewer than {min_posts} posts in the window were excluded; comments not "
        "answered within {window} hours count as censored."
    ),
    "methods.model": (
        "Primary model: {model}. The effect is reported as {estimate_name} with its {ci_level} % "
        "confidence interval; the test is one-sided ({alternative}) at α = {alpha}, with "
        "standard errors clustered by page because posts and comments of one page are not "
        "independent."
    ),
    "methods.robustness": "Robustness check: {test} ({p}, one-sided).",
    "methods.robustness_two_sided": "Robustness check: {test} ({p}, two-sided).",
    "methods.model_two_sided": (
        "Primary model: {model}. The effect is reported as {estimate_name} with its {ci_level} % "
        "confidence interval; the test is two-sided ({alternative}) at α = {alpha}, as the study "
        "asks, and the claim counts as supported only when the effect also lies on its side; "
        "standard errors are clustered by page because posts and comments of one page are not "
        "independent."
    ),
    "methods.covariates": "The model adjusts for {covariates}.",
    "methods.robustness_ci": "Robustness check: {test}.",
    "methods.software": (
        "Computed with statsmodels {statsmodels}, SciPy {scipy} and pandas {pandas} in Python "
        "{python}."
    ),
    # provenance
    "prov.parameters": "Parameters",
    "prov.inputs": "Input files (SHA-256)",
    "prov.versions": "Versions",
    "prov.command": "Command that reproduces this report",
    "prov.date": "Produced on",
    "prov.dataset": "Data set",
    "prov.code": "Code version",
    "prov.code_commit": "Dialogic {version}, commit {commit}",
    "prov.code_plain": "Dialogic {version}",
    "prov.other": "Other",
    "prov.name": "Name",
    "prov.value": "Value",
    # figures
    "fig.caption": "Figure 1. {title}",
    "fig.group": "Group",
    "warn.none": "None.",
}


def t(key: str, language: str, **values: Any) -> str:
    """The template text ``key`` in ``language``, with ``{name}`` fields filled from ``values``.

    Raises
    ------
    ValueError
        When the language is not one of :data:`LANGUAGES` or the key is unknown.
    """
    catalog.check_language(language)
    try:
        text = catalog.gettext(key, STRINGS[key], language)
    except KeyError:
        raise ValueError(
            f"no report text {key!r}; add it to analysis.report.i18n.STRINGS"
        ) from None
    return text.format(**values) if values else text


for _key, _text in STRINGS.items():
    catalog.register(_key, _text)


def text(key: str, language: str) -> str:
    """The template text ``key`` in ``language``, unfilled (its ``{name}`` fields kept)."""
    return catalog.gettext(key, STRINGS[key], language)


def alternative_text(alternative: str, language: str) -> str:
    """The alternative hypothesis ('IRR < 1', '-0.3 < rho < 0.3') with the language's decimal
    sign, and '≠' for '!='."""
    if language == catalog.SOURCE_LANGUAGE:
        return str(alternative)
    return write(Number(str(alternative)), language).replace("!=", "≠")
