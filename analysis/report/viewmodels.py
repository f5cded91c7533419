"""What each report section says, as typed view models: plain strings in the report's language.

One frozen dataclass per section, and one builder per section that reads the result (and the
data) and writes every word and number as a plain string (translated by
:func:`analysis.report.i18n.t`, formatted by its ``fmt_*`` helpers). No markup here: the
templates of ``templates/sections`` place these strings, and escape every one of them
(:mod:`analysis.report.views`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis import catalog
from analysis.messages import render as stats_text
from analysis.report.i18n import alternative_text, fmt_date, fmt_int, fmt_number, fmt_p, t
from analysis.report.methods import estimate_name, methods_paragraph, references
from analysis.vocabulary import strip_article

#: Text that holds markup (a tag, a comment or a doctype) — shown as text, listed as examples.
MARKUP = re.compile(r"<\s*[a-zA-Z/!]")
N_EXAMPLES = 3
N_MARKUP_SHOWN = 5


# --------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class Table:
    """A table: a header row, rows whose first cell heads the row, an optional caption."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    css_class: str = "dlg-table"


@dataclass(frozen=True)
class Notice:
    """The simulated-data notice: a bold short form, then the sentence."""

    short: str
    text: str


@dataclass(frozen=True)
class HeaderView:
    simulated: Notice | None
    heading: str
    question: str


@dataclass(frozen=True)
class Term:
    """One term and its value in a definition list."""

    term: str
    value: str


@dataclass(frozen=True)
class CoverageView:
    """The coverage paragraph of the verdict box (``low``: below the study's threshold)."""

    text: str
    low: bool


@dataclass(frozen=True)
class VerdictView:
    slug: str
    kicker: str
    label: str
    explain: str
    claim_label: str
    claim: str
    effect: str
    numbers: tuple[Term, ...]
    adjust: str
    coverage: CoverageView | None = None


@dataclass(frozen=True)
class StatisticsView:
    heading: str
    apa: str
    warnings_heading: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ResultsView:
    """The results table; the academic report adds the robustness heading and its table."""

    heading: str
    table: Table
    robustness_heading: str | None = None
    robustness: Table | None = None


@dataclass(frozen=True)
class Quote:
    text: str
    meta: tuple[str, ...]


@dataclass(frozen=True)
class Quotes:
    heading: str
    note: str
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class DataView:
    heading: str
    overview: Table
    exclusions_heading: str
    exclusions: Table | None
    model_used: str
    no_exclusions: str
    examples: Quotes | None
    markup: Quotes | None


@dataclass(frozen=True)
class Reference:
    """An APA reference: the text before the italic part (a book's or journal's title), the
    italic part, the text after it."""

    before: str
    italic: str
    after: str


@dataclass(frozen=True)
class MethodsView:
    heading: str
    text: str
    references_heading: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    name: str
    column: str | None
    definition: str


@dataclass(frozen=True)
class GlossaryView:
    heading: str
    entries: tuple[GlossaryEntry, ...]


@dataclass(frozen=True)
class FigureSection:
    """The key figure (``png_base64`` empty: the figure could not be drawn, ``missing`` says
    why)."""

    heading: str
    title: str
    missing: str
    png_base64: str
    alt: str
    width_px: int
    height_px: int
    caption: str


@dataclass(frozen=True)
class SensitivityView:
    heading: str
    paragraph: str
    table: Table | None = None


# --------------------------------------------------------------------------- helpers


COLON = catalog.register(
    "punct.colon",
    ":",
    comment="a colon as the language writes it (French: no-break space, then ':')",
)


def colon(language: str) -> str:
    """':' in English, ' :' (no-break space) in French typography: the catalogue's."""
    return catalog.gettext("punct.colon", COLON, language)


def _hyp_text(hypothesis: Any, field: str, language: str) -> str:
    return str(hypothesis.text(field, language))


def _row(result: Any) -> dict[str, Any]:
    return result.table.iloc[0].to_dict()


def _present(value: Any) -> bool:
    return value is not None and value == value and value is not pd.NA


def _is_equivalence(row: dict[str, Any]) -> bool:
    return row.get("kind") == "equivalence"


def _is_two_sided(row: dict[str, Any]) -> bool:
    """A test the study asked to be two-sided (``direction = "two-sided"``)."""
    return row.get("direction") == "two-sided"


def _p_column(row: dict[str, Any], language: str) -> str:
    """The heading of a column of p-values: one- or two-sided, as the test was."""
    return t("col.p_two" if _is_two_sided(row) else "col.p", language)


def correction_words(method: str, language: str) -> str:
    """'Holm method' / 'méthode de Holm' (the method's name when unregistered)."""
    key = f"corr.{str(method).lower()}"
    try:
        return t(key, language)
    except ValueError:
        return str(method)


def effect_numbers(row: dict[str, Any], language: str) -> dict[str, str]:
    """Estimate, CI, p of this hypothesis alone and the study-corrected p (``p_adjusted``, or
    '')."""
    level = fmt_number(100 * float(row.get("ci_level") or 0.95), language, 0)
    p_adj = row.get("p_adjusted")
    low, high = fmt_number(row.get("ci_low"), language), fmt_number(row.get("ci_high"), language)
    return {
        "name": str(row.get("estimate_name", "")),
        "estimate": fmt_number(row.get("estimate"), language),
        "ci_label": t("ci.short", language, level=level),
        "ci": f"{low} – {high}",
        "p": fmt_p(row.get("p_value"), language),
        "p_label": t("col.p_equivalence", language)
        if _is_equivalence(row)
        else _p_column(row, language),
        "p_adjusted": fmt_p(p_adj, language) if _present(p_adj) else "",
        "method": correction_words(row.get("p_adjust_method") or "holm", language),
    }


def adjustment_note(row: dict[str, Any], language: str, correction: str = "holm") -> str:
    """Whether the verdict is for this hypothesis alone, and how the study index corrects.

    With a ``p_adjusted`` in the row (the study's correction applied), the verdict uses it and
    the note gives both p-values; otherwise the note says the index corrects with ``correction``.
    """
    nums = effect_numbers(row, language)
    if nums["p_adjusted"]:
        return t(
            "adjust.applied",
            language,
            method=nums["method"],
            p_adjusted=nums["p_adjusted"],
            p=nums["p"],
        )
    if correction == "none":
        return t("adjust.alone_none", language)
    return t("adjust.alone", language, method=correction_words(correction, language))


def plain_sentence(result: Any, language: str) -> str:
    """The result in plain words (:func:`analysis.stats.words.sentence`, style "plain")."""
    return result.sentence(style="plain", language=language)


def _nbsp_percent(value: float, language: str) -> str:
    """A threshold as a percentage, its number and sign kept together in another language."""
    from analysis.coverage import percent
    from analysis.messages import Percent, write

    text = percent(value)
    return text if language == catalog.SOURCE_LANGUAGE else write(Percent(text), language)


# --------------------------------------------------------------------------- sections


def simulated_notice(language: str) -> Notice:
    return Notice(t("simulated.short", language), t("simulated", language))


def header_view(data: Any, result: Any) -> HeaderView:
    lang = data.language
    return HeaderView(
        simulated=simulated_notice(lang) if data.simulated else None,
        heading=t("h.question", lang),
        question=_hyp_text(result.hypothesis, "question", lang),
    )


def verdict_view(
    result: Any, language: str, correction: str = "holm", data: Any = None
) -> VerdictView:
    """The verdict box; with ``data``, the coverage paragraph as its last line."""
    row = _row(result)
    verdict = str(row.get("verdict", result.verdict))
    nums = effect_numbers(row, language)
    numbers = [
        Term(estimate_name(nums["name"], language), nums["estimate"]),
        Term(nums["ci_label"], nums["ci"]),
        Term(nums["p_label"], nums["p"]),
    ]
    if nums["p_adjusted"]:
        numbers.append(
            Term(t("col.p_adjusted", language, method=nums["method"]), nums["p_adjusted"])
        )
    return VerdictView(
        slug=verdict.replace(" ", "-"),
        kicker=t("h.verdict", language),
        label=t("verdict." + verdict, language),
        explain=t("verdict.explain." + verdict, language),
        claim_label=t("claim", language) + colon(language),
        claim=_hyp_text(result.hypothesis, "claim", language),
        effect=plain_sentence(result, language),
        numbers=tuple(numbers),
        adjust=adjustment_note(row, language, correction),
        coverage=coverage_view(data),
    )


def statistics_view(result: Any, language: str) -> StatisticsView:
    """The APA sentence and the warnings (message codes, written in the report's language by
    :func:`analysis.messages.render`)."""
    warnings = tuple(stats_text(w, language) for w in getattr(result, "warnings", []) or [])
    return StatisticsView(
        heading=t("h.statistics", language),
        apa=result.sentence(style="apa", language=language),
        warnings_heading=t("h.warnings", language),
        warnings=warnings or (t("warn.none", language),),
    )


def _table(
    headers: list[str], rows: list[list[str]], caption: str = "", css_class: str = "dlg-table"
) -> Table:
    return Table(tuple(headers), tuple(tuple(r) for r in rows), caption, css_class)


def _based_on(row: dict[str, Any], language: str) -> str:
    """'2,935 posts from 120 pages' (or '120 pages' when the unit is the page)."""
    n_pages = fmt_int(row.get("n_clusters"), language)
    if row.get("unit") == "page":
        return t("brief.based_on_pages", language, n_clusters=n_pages)
    return t(
        "brief.based_on_value",
        language,
        n_obs=fmt_int(row.get("n_obs"), language),
        unit=t(f"unit.{row.get('unit', 'post')}", language),
        n_clusters=n_pages,
    )


def _brief_results(result: Any, row: dict[str, Any], language: str) -> ResultsView:
    nums = effect_numbers(row, language)
    alpha = float(row.get("alpha") or 0.05)
    chance = (
        t(
            "brief.chance_equivalence",
            language,
            bound=fmt_number(row.get("equivalence_bound"), language),
        )
        if _is_equivalence(row)
        else t("brief.chance", language)
    )
    rows = [
        [t("brief.range", language), f"{nums['estimate']} ({nums['ci_label']} {nums['ci']})"],
        [chance, nums["p"].removeprefix("p ").removeprefix("= ")],
    ]
    if nums["p_adjusted"]:
        rows.append(
            [
                t("brief.chance_adjusted", language, method=nums["method"]),
                nums["p_adjusted"].removeprefix("p ").removeprefix("= "),
            ]
        )
    rows.append([t("brief.based_on", language), _based_on(row, language)])
    if pd.notna(row.get("robustness_p")):
        main_sig = result.verdict == "supported"
        agrees = (float(row["robustness_p"]) <= alpha) == main_sig
        rows.append(
            [
                t("brief.check", language),
                f"{t('brief.agree' if agrees else 'brief.disagree', language)} "
                f"({fmt_p(row['robustness_p'], language)})",
            ]
        )
    table = _table(
        [t("col.quantity", language), t("col.value", language)],
        rows,
        caption=t("brief.how_sure", language),
    )
    return ResultsView(t("h.results", language), table)


def results_view(result: Any, language: str, audience: str) -> ResultsView:
    """The results table with the robustness check, for ``audience`` academic or brief."""
    row = _row(result)
    if audience == "brief":
        return _brief_results(result, row, language)
    nums = effect_numbers(row, language)
    rob = getattr(result, "robustness", pd.DataFrame())
    p_adj = row.get("p_adjusted")
    equivalence = _is_equivalence(row)
    rows = [
        [t("row.model", language), stats_text(row.get("model", ""), language)],
        [t("row.estimate", language), f"{nums['name']} = {nums['estimate']}"],
        [t("row.ci", language), f"{nums['ci_label']} [{nums['ci']}]"],
        [t("row.statistic", language), fmt_number(row.get("statistic"), language, 3)],
        [
            t(
                "row.p_equivalence"
                if equivalence
                else "row.p_two"
                if _is_two_sided(row)
                else "row.p",
                language,
            ),
            fmt_p(row.get("p_value"), language),
        ],
    ]
    if not _is_two_sided(row):  # a two-sided test's p is the row above
        rows.append(
            [
                t("row.p_no_link" if equivalence else "row.p_two", language),
                fmt_p(row.get("p_two_sided"), language),
            ]
        )
    if _present(p_adj):
        rows.append(
            [t("row.p_adjusted", language), f"{fmt_p(p_adj, language)} ({nums['method']})"]
        )
    rows += [
        [
            t("row.direction", language),
            alternative_text(row.get("alternative", row.get("direction", "")), language),
        ],
        [t("row.alpha", language), fmt_number(row.get("alpha"), language, 3)],
        [t("row.n_obs", language), fmt_int(row.get("n_obs"), language)],
        [t("row.n_clusters", language), fmt_int(row.get("n_clusters"), language)],
    ]
    if pd.notna(row.get("mde", float("nan"))):
        rows.append([t("row.mde", language), fmt_number(row.get("mde"), language)])
    main = _table([t("col.quantity", language), t("col.value", language)], rows)
    rob_rows = [
        [
            stats_text(r.get("test", ""), language),
            fmt_number(r.get("statistic"), language, 3),
            fmt_p(r.get("p_value"), language),
            fmt_number(r.get("estimate"), language),
            f"[{fmt_number(r.get('ci_low'), language)}, {fmt_number(r.get('ci_high'), language)}]",
            stats_text(r.get("note") or "", language),
        ]
        for r in rob.to_dict("records")
    ]
    robustness = (
        _table(
            [
                t("col.test", language),
                t("col.statistic", language),
                t("col.p_plain", language) if equivalence else _p_column(row, language),
                t("col.estimate", language),
                t("ci.short", language, level=95),
                t("col.note", language),
            ],
            rob_rows,
        )
        if rob_rows
        else None
    )
    return ResultsView(t("h.results", language), main, t("h.robustness", language), robustness)


EXCLUSION_REASONS: dict[str, catalog.LanguageTexts] = catalog.texts(
    "exclusion",
    {
        "platform": {
            "en": "platform not selected",
        },
        "account type": {
            "en": "page type not studied",
        },
        "period start": {
            "en": "posted before {start}",
        },
        "period end": {
            "en": "posted after {end}",
        },
        "minimum posts": {
            "en": "page has fewer than {min_posts} posts in the period",
        },
    },
)


def _exclusion_reason(step: str, fallback: str, params: dict[str, Any], language: str) -> str:
    words = EXCLUSION_REASONS.get(step, {}).get(language)
    if words is None:
        return fallback
    return words.format(
        start=fmt_date(params.get("start"), language),
        end=fmt_date(params.get("end"), language),
        min_posts=params.get("min_posts"),
    )


def _examples(data: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A deterministic sample of audience comments, and the texts that contain markup."""
    com = data.comments
    if not len(com) or "text" not in com:
        return com.iloc[:0], com.iloc[:0]
    # the rows of com.sort_values("comment_id").sample(n, random_state=0), without sorting the
    # frame: sort the ids only, and test the markup once per distinct text (millions of rows)
    order = com["comment_id"].array.argsort(kind="stable")
    picked = pd.Series(order).sample(n=min(N_EXAMPLES, len(order)), random_state=0).to_numpy()
    codes, texts = pd.factorize(com["text"])
    has_markup = np.append(
        pd.Series(texts, dtype=object)
        .fillna("")
        .astype(str)
        .str.contains(MARKUP)
        .to_numpy(dtype=bool),
        False,
    )  # code -1 (no text) last
    marked = order[has_markup[codes][order]]
    return com.iloc[picked], com.iloc[marked]


#: The result's message code that says the model itself left pages out, and the reason's key.
MODEL_EXCLUSION_CODES = {"fixed_effects_dropped": "data.model_fe"}


def _model_exclusion_reason(result: Any) -> str:
    """Why the model left pages out, from the codes of the result's messages
    (:class:`analysis.messages.Message`; a warning without a code, plain text, says nothing)."""
    codes = [getattr(w, "code", None) for w in getattr(result, "warnings", []) or []]
    return next((MODEL_EXCLUSION_CODES[c] for c in codes if c in MODEL_EXCLUSION_CODES), "")


def model_exclusions(
    result: Any, n_pages: int, params: dict[str, Any], language: str, unknown_type_pages: int = 0
) -> list[list[str]]:
    """Rows ``[reason, pages, posts, comments]`` for pages the model itself left out.

    The filters' exclusions are in the data summary; a model can leave out more pages (a
    within-page comparison learns nothing from a page whose posts are all in one group; a page
    with fewer than ``min_posts`` posts). All from the result's fields: their number is the data's
    pages minus the model's clusters (``n_clusters``); ``n_pages_excluded`` counts the too-small
    ones; the reason of the rest is the code of the model's message (``fixed_effects_dropped``:
    no within-page contrast), else "another reason of the model". A business-vs-personal contrast
    cannot use the ``unknown_type_pages`` (accounts nobody labelled yet): they get their own row
    and remedy.
    """
    if result is None:
        return []
    row = _row(result)
    used = row.get("n_clusters")
    if not _present(used):
        return []
    small = int(row.get("n_pages_excluded") or 0)
    rest = n_pages - int(used) - small
    units = t(f"units.{row.get('unit', 'post')}", language)
    rows = []
    if small > 0:
        rows.append(
            [
                t("data.model_min_posts", language, min_posts=params.get("min_posts")),
                fmt_int(small, language),
                "–",
                "–",
            ]
        )
    unknown = (
        min(unknown_type_pages, rest)
        if str(row.get("contrast", "")).startswith("account_type")
        else 0
    )
    if unknown > 0:
        rows.append([t("data.model_unknown_type", language), fmt_int(unknown, language), "–", "–"])
        rest -= unknown
    if rest > 0:
        key = _model_exclusion_reason(result) or "data.model_other"
        rows.append([t(key, language, units=units), fmt_int(rest, language), "–", "–"])
    return rows


def _quotes(frame: pd.DataFrame, language: str, groups: Any = None) -> tuple[Quote, ...]:
    """Example comments with where they come from: platform, the page's type (or its group,
    in the study's words, when the study names its own groups) and language."""
    items = []
    for r in frame.head(N_MARKUP_SHOWN).to_dict("records"):
        if groups is not None and not groups.is_default:
            words = groups.label_words(str(r.get(groups.column)), language)
            kind = strip_article(words, language) if words else ""
        else:
            kind = t(
                f"type.{r['account_type']}"
                if r.get("account_type") in ("business", "personal")
                else "type.unknown_page",
                language,
            )
        meta = tuple(
            str(v)
            for v in (r.get("platform"), kind, r.get("lang"))
            if v is not None and pd.notna(v) and str(v)
        )
        items.append(Quote(str(r.get("text") or ""), meta))
    return tuple(items)


def _pages_by_group(counts: dict[str, int], groups: Any, lang: str) -> str:
    """'12 newsrooms, 30 journalists, 3 in neither group' (the study's words, no article)."""
    focal, reference = (strip_article(w, lang) for w in groups.words(lang))
    return t(
        "data.pages_by_group_neither" if counts.get("neither") else "data.pages_by_group",
        lang,
        n_focal=fmt_int(counts["focal"], lang),
        focal=focal,
        n_reference=fmt_int(counts["reference"], lang),
        reference=reference,
        n_neither=fmt_int(counts.get("neither", 0), lang),
    )


def data_view(data: Any, result: Any = None) -> DataView:
    """The data section: platforms, period, pages, posts, comments, exclusions and why (the
    filters' and, given ``result``, the model's), examples."""
    from analysis.pipeline.groups import groups_from_params

    lang = data.language
    s = data.summary()
    groups = groups_from_params(data.params)  # the study's own groups, or business/personal
    by = s["pages_by_type"]
    pages_by_type = t(
        "data.pages_by_type_unknown" if by.get("unknown") else "data.pages_by_type",
        lang,
        business=fmt_int(by.get("business", 0), lang),
        personal=fmt_int(by.get("personal", 0), lang),
        unknown=fmt_int(by.get("unknown", 0), lang),
    )
    if "pages_by_group" in s:  # the study's own groups, in its words
        pages_by_type = _pages_by_group(s["pages_by_group"], groups, lang)
    period = t(
        "data.period_value", lang, start=fmt_date(s["start"], lang), end=fmt_date(s["end"], lang)
    )
    rows = [
        [t("data.platforms", lang), ", ".join(s["platforms"]) or "–"],
        [t("data.period", lang), period],
        [t("data.pages", lang), f"{fmt_int(s['pages'], lang)} ({pages_by_type})"],
        [t("data.posts", lang), fmt_int(s["posts"], lang)],
        [t("data.comments", lang), fmt_int(s["comments"], lang)],
        [t("data.collected", lang), fmt_date(s["collected_at"], lang)],
        [t("data.coverage", lang), coverage_text(data)],
    ]
    exc = [
        [
            _exclusion_reason(r["step"], r["reason"], data.params, lang),
            fmt_int(r["accounts"], lang),
            fmt_int(r["posts"], lang),
            fmt_int(r["comments"], lang),
        ]
        for r in s["exclusions"]
        if r["accounts"] or r["posts"] or r["comments"]
    ]
    by_model = model_exclusions(
        result, s["pages"], data.params, lang, unknown_type_pages=by.get("unknown", 0)
    )
    exclusions = (
        _table(
            [
                t("data.reason", lang),
                t("data.pages", lang),
                t("data.posts", lang),
                t("data.comments", lang),
            ],
            exc + by_model,
        )
        if exc or by_model
        else None
    )
    model_used = (
        t(
            "data.model_used",
            lang,
            n_used=fmt_int(_row(result)["n_clusters"], lang),
            n_pages=fmt_int(s["pages"], lang),
        )
        if by_model
        else ""
    )
    sample, marked = _examples(data)
    examples = (
        Quotes(t("h.examples", lang), t("data.examples_note", lang), _quotes(sample, lang, groups))
        if len(sample)
        else None
    )
    markup = (
        Quotes(
            t("h.markup", lang),
            t("data.markup_note", lang, n=fmt_int(len(marked), lang)),
            _quotes(marked, lang, groups),
        )
        if len(marked)
        else None
    )
    return DataView(
        heading=t("h.data", lang),
        overview=_table([t("col.quantity", lang), t("col.value", lang)], rows),
        exclusions_heading=t("h.exclusions", lang),
        exclusions=exclusions,
        model_used=model_used,
        no_exclusions=t("data.no_exclusions", lang) if exclusions is None else "",
        examples=examples,
        markup=markup,
    )


def methods_view(result: Any, data: Any) -> MethodsView:
    lang = data.language
    row = _row(result)
    hyp = result.hypothesis
    adjusted = row.get("p_adjusted") is not None and pd.notna(row.get("p_adjusted"))
    refs = references(hyp.model, tuple(getattr(hyp, "robustness", ())), adjusted)
    return MethodsView(
        heading=t("h.methods", lang),
        text=methods_paragraph(row, hyp, data.params, lang),
        references_heading=t("h.references", lang),
        references=tuple(Reference(*r) for r in refs),
    )


def glossary_terms(result: Any) -> list[str]:
    """The measures a result rests on, in glossary order."""
    from analysis.measures import GLOSSARY

    hyp = result.hypothesis
    row = _row(result)
    used = {
        row.get("outcome", hyp.outcome),
        hyp.contrast.partition("=")[0],
        hyp.interaction or "",
        *getattr(hyp, "covariates", ()),
    }
    if hyp.outcome == "mean_replies":
        used.add("replies")
    if hyp.outcome == "time_to_owner_reply_h":
        used.add("answered")
    if getattr(hyp, "subset", None):
        used.add(hyp.subset)
    return [k for k in GLOSSARY if k in used]


def glossary_view(result: Any, language: str, audience: str = "academic") -> GlossaryView:
    """Each measure by its name in ``language``; the academic report adds the column name."""
    from analysis.measures import GLOSSARY
    from analysis.report.wording import term

    return GlossaryView(
        heading=t("h.glossary", language),
        entries=tuple(
            GlossaryEntry(
                term(k, language),
                k if audience == "academic" else None,
                GLOSSARY[k].get(language, GLOSSARY[k]["en"]),
            )
            for k in glossary_terms(result)
        ),
    )


def figure_section(view: Any, language: str) -> FigureSection:
    """A figure (:class:`analysis.plots.FigureView`) with its alt text and caption; one that
    cannot be drawn (no image) has its reason in words instead."""
    return FigureSection(
        heading=t("h.figure", language),
        title=str(view.title),
        missing=str(getattr(view, "reason", "") or view.alt),
        png_base64=view.png_base64 or "",
        alt=str(view.alt),
        width_px=view.width_px,
        height_px=view.height_px,
        caption=f"{t('fig.caption', language, title=view.title)}. {view.note}",
    )


# ------------------------------------------------------------------ coverage of the conversation


def coverage_text(data: Any) -> str:
    """The coverage audit in words for the data section and the verdict box (analysis.coverage)."""
    from analysis.coverage import describe

    lang = data.language
    if not data.dataset.get("comments_available", True):
        return t("coverage.no_threads", lang)
    cov = data.coverage
    text = describe(cov, lang) + "."
    if cov["ratio"] is None:
        text = f"{text} {t('coverage.unknown', lang)}"
    return f"{text} {_dataset_coverage(data)}".strip()


def _dataset_coverage(data: Any) -> str:
    """'In the whole data set: 13 of ~467 reported replies (3 %).' when the filters changed the
    figure."""
    from analysis.coverage import figure

    whole, here = data.dataset.get("coverage") or {}, data.coverage
    if whole.get("ratio") is None or (whole.get("collected"), whole.get("reported")) == (
        here["collected"],
        here["reported"],
    ):
        return ""
    return t("coverage.dataset", data.language, figure=figure(whole, data.language))


def coverage_view(data: Any) -> CoverageView | None:
    """The coverage paragraph of the verdict box: the figure, and a warning below the threshold."""
    from analysis.coverage import figure

    if data is None or not data.dataset.get("comments_available", True):
        return None
    lang, cov = data.language, data.coverage
    low = cov["ratio"] is not None and cov["ratio"] < cov["threshold"]
    parts = [t("coverage.verdict", lang, figure=figure(cov, lang)), _dataset_coverage(data)]
    if low:
        parts.append(t("coverage.low", lang, threshold=_nbsp_percent(cov["threshold"], lang)))
    if cov.get("owner_identifiable") is False:
        parts.append(t("coverage.no_owner", lang))
    return CoverageView(" ".join(p for p in parts if p), low)


def sensitivity_view(data: Any, result: Any) -> SensitivityView | None:
    """The sensitivity rerun: the same test without the pages whose coverage is below the
    threshold (None without comment threads: no section)."""
    from analysis.pipeline import test
    from analysis.pipeline.loaded import without_low_coverage
    from analysis.report.wording import relabel

    lang = data.language
    if not data.dataset.get("comments_available", True):
        return None
    threshold = _nbsp_percent(data.params["coverage_threshold"], lang)
    heading = t("h.sensitivity", lang)
    if data.coverage["ratio"] is None:
        return SensitivityView(heading, t("coverage.unknown", lang))
    sub, n_low = without_low_coverage(data)
    pages = len(data.tables.accounts)
    if sub is None:
        key = "sens.all_low" if n_low else "sens.none_low"
        return SensitivityView(heading, t(key, lang, threshold=threshold))
    try:
        rerun = relabel(test(sub, sub.params), sub.params)
    except Exception as exc:  # the rerun must never hide the main result
        return SensitivityView(heading, t("sens.failed", lang, why=f"{type(exc).__name__}: {exc}"))
    rows = []
    for label, res, n in (
        (t("sens.all", lang), result, pages),
        (t("sens.kept", lang, threshold=threshold), rerun, pages - n_low),
    ):
        row = _row(res)
        nums = effect_numbers(row, lang)
        rows.append(
            [
                label,
                fmt_int(n, lang),
                f"{estimate_name(nums['name'], lang)} {nums['estimate']}",
                nums["ci"],
                nums["p"],
                t("verdict." + str(row.get("verdict")), lang),
            ]
        )
    table = _table(
        [
            t("sens.col.data", lang),
            t("sens.col.pages", lang),
            t("col.estimate", lang),
            effect_numbers(_row(result), lang)["ci_label"],
            _p_column(_row(result), lang),
            t("sens.col.verdict", lang),
        ],
        rows,
    )
    intro = t(
        "sens.intro",
        lang,
        threshold=threshold,
        kept=fmt_int(pages - n_low, lang),
        pages=fmt_int(pages, lang),
    )
    return SensitivityView(heading, intro, table)


# -------------------------------------------------------------------- the page around the cells


@dataclass(frozen=True)
class NameValue:
    """A name and its value (``code``: the value is shown in code type: JSON, a path, a
    command)."""

    name: str
    value: str
    code: bool = False


@dataclass(frozen=True)
class ProvenanceBlock:
    """One part of the appendix: a name/value table (``rows``) or a text (``rows`` None)."""

    heading: str
    rows: tuple[NameValue, ...] | None = None
    text: str = ""


@dataclass(frozen=True)
class ProvenanceView:
    heading: str
    name_label: str
    value_label: str
    blocks: tuple[ProvenanceBlock, ...]


@dataclass(frozen=True)
class ProvenanceBriefView:
    heading: str
    rows: tuple[NameValue, ...]


@dataclass(frozen=True)
class MastheadView:
    kicker: str
    title: str
    meta: tuple[str, ...]
    logo_src: str = ""
    logo_alt: str = ""


@dataclass(frozen=True)
class FooterView:
    simulated: Notice | None
    generated: str
