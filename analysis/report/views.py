"""What each section of a report shows: HTML built from the result, escaped, in the report's language.

The notebook calls one ``show_*`` function per section; each displays one HTML block (and returns
its HTML, for tests). Every piece of text that comes from the data (page names, posts, comments)
goes through :func:`html.escape`, so a comment holding ``<script>`` is shown as text and never runs.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np
import pandas as pd

from analysis.report.i18n import fmt_date, fmt_int, fmt_number, fmt_p, t
from analysis.report.methods import estimate_name, methods_paragraph, references
from analysis.report.translate_fr import alternative_text, stats_text

esc = html.escape
MARKUP = re.compile(r"<\s*[a-zA-Z/!]")
N_EXAMPLES = 3
N_MARKUP_SHOWN = 5


def _display(markup: str) -> None:
    """Display ``markup`` as HTML. Returns None, so a notebook cell shows no echo of the string."""
    from IPython.display import HTML, display

    display(HTML(markup))


def _colon(language: str) -> str:
    """':' in English, ' :' (no-break space) in French typography."""
    return "\u00a0:" if language == "fr" else ":"


def _hyp_text(hypothesis: Any, field: str, language: str) -> str:
    return str(
        getattr(hypothesis, f"{field}_{language}", "") or getattr(hypothesis, f"{field}_en", "")
    )


def _row(result: Any) -> dict[str, Any]:
    return result.table.iloc[0].to_dict()


def _present(value: Any) -> bool:
    return value is not None and value == value and value is not pd.NA


def _is_equivalence(row: dict[str, Any]) -> bool:
    return row.get("kind") == "equivalence"


def correction_words(method: str, language: str) -> str:
    """'Holm method' / 'méthode de Holm' (the method's name when unregistered)."""
    key = f"corr.{str(method).lower()}"
    try:
        return t(key, language)
    except ValueError:
        return str(method)


def effect_numbers(row: dict[str, Any], language: str) -> dict[str, str]:
    """Estimate, CI, p of this hypothesis alone and the study-corrected p (``p_adjusted``, or '')."""
    level = fmt_number(100 * float(row.get("ci_level") or 0.95), language, 0)
    p_adj = row.get("p_adjusted")
    return {
        "name": str(row.get("estimate_name", "")),
        "estimate": fmt_number(row.get("estimate"), language),
        "ci_label": t("ci.short", language, level=level),
        "ci": f"{fmt_number(row.get('ci_low'), language)} – {fmt_number(row.get('ci_high'), language)}",
        "p": fmt_p(row.get("p_value"), language),
        "p_label": t("col.p_equivalence" if _is_equivalence(row) else "col.p", language),
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
    """The result in plain words; equivalence tests are worded here (a link 'this weak', a bound)."""
    row = _row(result)
    if not _is_equivalence(row) or not _present(row.get("estimate")):
        return result.sentence(style="plain", language=language)
    hyp = result.hypothesis
    verdict = t(
        f"verdict.sentence.{row['verdict']}", language, claim=_hyp_text(hyp, "claim", language)
    )
    from analysis.report.wording import DEFINITE_FR

    y = (
        DEFINITE_FR.get(hyp.outcome, _hyp_text(hyp, "outcome", language))
        if language == "fr"
        else hyp.outcome_en
    )
    detail = t(
        "plain.equivalence",
        language,
        x=_hyp_text(hyp, "focal", language),
        y=y,
        rho=fmt_number(row.get("estimate"), language),
        low=fmt_number(row.get("ci_low"), language),
        high=fmt_number(row.get("ci_high"), language),
        bound=fmt_number(row.get("equivalence_bound"), language),
    )
    return f"{verdict} {detail}"


def simulated_notice_html(language: str) -> str:
    """The 'simulated data' notice (a note landmark with an icon-free, high-contrast text)."""
    return (
        f'<div class="dlg-simulated" role="note"><strong>{esc(t("simulated.short", language))}.</strong> '
        f"{esc(t('simulated', language))}</div>"
    )


# --------------------------------------------------------------------------- sections


def header_html(data: Any, result: Any) -> str:
    lang = data.language
    hyp = result.hypothesis
    parts = []
    if data.simulated:
        parts.append(simulated_notice_html(lang))
    parts.append(
        f'<section class="dlg-question" aria-labelledby="dlg-question-h">'
        f'<h2 id="dlg-question-h">{esc(t("h.question", lang))}</h2>'
        f'<p class="dlg-question-text">{esc(_hyp_text(hyp, "question", lang))}</p></section>'
    )
    return "".join(parts)


def show_header(data: Any, result: Any) -> None:
    """Display the simulated-data notice (when it applies) and the question in plain words."""
    return _display(header_html(data, result))


def verdict_html(result: Any, language: str, correction: str = "holm") -> str:
    """The verdict box: verdict, claim, the effect in words and numbers with CI and p, and whether
    the verdict is for this hypothesis alone (``correction``: the study index's method)."""
    row = _row(result)
    verdict = str(row.get("verdict", result.verdict))
    nums = effect_numbers(row, language)
    slug = verdict.replace(" ", "-")
    sentence = plain_sentence(result, language)
    adjusted = (
        (
            f"<div><dt>{esc(t('col.p_adjusted', language, method=nums['method']))}</dt>"
            f"<dd>{esc(nums['p_adjusted'])}</dd></div>"
        )
        if nums["p_adjusted"]
        else ""
    )
    return (
        f'<section class="dlg-verdict dlg-verdict--{esc(slug)}" id="verdict" aria-labelledby="dlg-verdict-h">'
        f'<h2 id="dlg-verdict-h"><span class="dlg-verdict-kicker">{esc(t("h.verdict", language))}</span> '
        f'<span class="dlg-verdict-label">{esc(t("verdict." + verdict, language))}</span></h2>'
        f'<p class="dlg-verdict-explain">{esc(t("verdict.explain." + verdict, language))}</p>'
        f'<p class="dlg-claim"><span class="dlg-label">{esc(t("claim", language))}{_colon(language)}</span> '
        f"{esc(_hyp_text(result.hypothesis, 'claim', language))}</p>"
        f'<p class="dlg-effect">{esc(sentence)}</p>'
        f'<dl class="dlg-numbers">'
        f"<div><dt>{esc(estimate_name(nums['name'], language))}</dt><dd>{esc(nums['estimate'])}</dd></div>"
        f"<div><dt>{esc(nums['ci_label'])}</dt><dd>{esc(nums['ci'])}</dd></div>"
        f"<div><dt>{esc(nums['p_label'])}</dt><dd>{esc(nums['p'])}</dd></div>{adjusted}"
        f'</dl><p class="dlg-adjust">{esc(adjustment_note(row, language, correction))}</p></section>'
    )


def publish_result(result: Any, data: Any = None, params: dict[str, Any] | None = None) -> None:
    """Display the result: the verdict box for people, the JSON record for the runner.

    One display output carries two representations: ``text/html`` (the verdict box, shown in
    JupyterLab and in both reports) and ``application/vnd.dialogic.result+json`` (the record of
    :func:`analysis.report.result.build_record`, read back by :func:`extract_result`).

    Returns None (a returned value would be echoed in the notebook); the record is
    :func:`analysis.report.result.build_record` ``(result, data, params)``.
    """
    from IPython.display import display

    from analysis.report.result import RESULT_MIME, build_record

    record = build_record(result, data, params)
    params = params or getattr(data, "params", {}) or {}
    bundle = {
        RESULT_MIME: record,
        "text/html": _with_coverage(
            verdict_html(result, params.get("language", "en"), params.get("correction", "holm")),
            data,
        ),
        "text/plain": f"{record['hypothesis']}: {record['verdict']}",
    }
    display(bundle, raw=True)


def _with_coverage(box: str, data: Any) -> str:
    """The verdict box with the coverage paragraph as its last line (``data`` None: unchanged)."""
    note = coverage_note_html(data)
    end = box.rfind("</section>")
    return box if not note or end < 0 else box[:end] + note + box[end:]


def statistics_html(result: Any, language: str) -> str:
    """The APA sentence and the warnings (French: translated by :mod:`analysis.report.translate_fr`)."""
    warnings = list(getattr(result, "warnings", []) or [])
    items = (
        "".join(f"<li>{esc(stats_text(w, language))}</li>" for w in warnings)
        or f"<li>{esc(t('warn.none', language))}</li>"
    )
    return (
        f'<section class="dlg-statistics" aria-labelledby="dlg-stat-h"><h2 id="dlg-stat-h">'
        f'{esc(t("h.statistics", language))}</h2><p class="dlg-apa">{esc(result.sentence(style="apa", language=language))}</p>'
        f'<h3>{esc(t("h.warnings", language))}</h3><ul class="dlg-warnings">{items}</ul></section>'
    )


def show_statistics(result: Any, language: str) -> None:
    """Academic: the APA sentence and the warnings that matter for reading the result."""
    return _display(statistics_html(result, language))


def _table(
    headers: list[str], rows: list[list[str]], caption: str = "", cls: str = "dlg-table"
) -> str:
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{esc(r[0])}</th>'
        + "".join(f"<td>{esc(c)}</td>" for c in r[1:])
        + "</tr>"
        for r in rows
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


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


def results_html(result: Any, language: str, audience: str) -> str:
    """The results table with the robustness check, for ``audience`` academic or brief."""
    row = _row(result)
    nums = effect_numbers(row, language)
    rob = getattr(result, "robustness", pd.DataFrame())
    alpha = float(row.get("alpha") or 0.05)
    if audience == "brief":
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
        body = _table(
            [t("col.quantity", language), t("col.value", language)],
            rows,
            caption=t("brief.how_sure", language),
        )
        return (
            f'<section class="dlg-results" aria-labelledby="dlg-results-h"><h2 id="dlg-results-h">'
            f"{esc(t('h.results', language))}</h2>{body}</section>"
        )
    p_adj = row.get("p_adjusted")
    rows = [
        [t("row.model", language), stats_text(row.get("model", ""), language)],
        [t("row.estimate", language), f"{nums['name']} = {nums['estimate']}"],
        [t("row.ci", language), f"{nums['ci_label']} [{nums['ci']}]"],
        [t("row.statistic", language), fmt_number(row.get("statistic"), language, 3)],
        [
            t("row.p_equivalence" if _is_equivalence(row) else "row.p", language),
            fmt_p(row.get("p_value"), language),
        ],
        [
            t("row.p_no_link" if _is_equivalence(row) else "row.p_two", language),
            fmt_p(row.get("p_two_sided"), language),
        ],
    ]
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
    rob_html = (
        _table(
            [
                t("col.test", language),
                t("col.statistic", language),
                t("col.p_plain" if _is_equivalence(row) else "col.p", language),
                t("col.estimate", language),
                t("ci.short", language, level=95),
                t("col.note", language),
            ],
            rob_rows,
        )
        if rob_rows
        else ""
    )
    return (
        f'<section class="dlg-results" aria-labelledby="dlg-results-h"><h2 id="dlg-results-h">'
        f"{esc(t('h.results', language))}</h2>{main}<h3>{esc(t('h.robustness', language))}</h3>{rob_html}</section>"
    )


def show_results(result: Any, language: str, audience: str = "academic") -> None:
    """Display the results table and the robustness check (academic: every statistic)."""
    return _display(results_html(result, language, audience))


EXCLUSION_REASONS = {
    "platform": {"en": "platform not selected", "fr": "plateforme non retenue"},
    "account type": {"en": "page type not studied", "fr": "type de page non étudié"},
    "period start": {"en": "posted before {start}", "fr": "publié avant le {start}"},
    "period end": {"en": "posted after {end}", "fr": "publié après le {end}"},
    "minimum posts": {
        "en": "page has fewer than {min_posts} posts in the period",
        "fr": "page ayant moins de {min_posts} publications dans la période",
    },
}


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


#: A model's warning (from :mod:`analysis.stats`) -> the key of the reason it left pages out.
MODEL_EXCLUSION_REASONS = {"without within-page contrast": "data.model_fe"}


def model_exclusions(
    result: Any, n_pages: int, params: dict[str, Any], language: str, unknown_type_pages: int = 0
) -> list[list[str]]:
    """Rows ``[reason, pages, posts, comments]`` for pages the model itself left out.

    The filters' exclusions are in the data summary; a model can leave out more pages (a
    within-page comparison learns nothing from a page whose posts are all in one group; a page
    with fewer than ``min_posts`` posts). Their number is the data's pages minus the model's
    clusters (``n_clusters``); ``n_pages_excluded`` counts the too-small ones, and the reason of
    the rest is read from the result's warnings. A business-vs-personal contrast cannot use the
    ``unknown_type_pages`` (accounts nobody labelled yet): they get their own row and remedy.
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
        warnings = " ".join(getattr(result, "warnings", []) or [])
        key = next(
            (k for pattern, k in MODEL_EXCLUSION_REASONS.items() if pattern in warnings),
            "data.model_other",
        )
        rows.append([t(key, language, units=units), fmt_int(rest, language), "–", "–"])
    return rows


def data_html(data: Any, result: Any = None) -> str:
    """The data section: platforms, period, pages, posts, comments, exclusions and why (the filters'
    and, given ``result``, the model's), examples."""
    lang = data.language
    s = data.summary()
    by = s["pages_by_type"]
    rows = [
        [t("data.platforms", lang), ", ".join(s["platforms"]) or "–"],
        [
            t("data.period", lang),
            t(
                "data.period_value",
                lang,
                start=fmt_date(s["start"], lang),
                end=fmt_date(s["end"], lang),
            ),
        ],
        [
            t("data.pages", lang),
            f"{fmt_int(s['pages'], lang)} ("
            + t(
                "data.pages_by_type_unknown" if by.get("unknown") else "data.pages_by_type",
                lang,
                business=fmt_int(by.get("business", 0), lang),
                personal=fmt_int(by.get("personal", 0), lang),
                unknown=fmt_int(by.get("unknown", 0), lang),
            )
            + ")",
        ],
        [t("data.posts", lang), fmt_int(s["posts"], lang)],
        [t("data.comments", lang), fmt_int(s["comments"], lang)],
        [t("data.collected", lang), fmt_date(s["collected_at"], lang)],
        [t("data.coverage", lang), coverage_text(data)],
    ]
    overview = _table([t("col.quantity", lang), t("col.value", lang)], rows)
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
    if exc or by_model:
        exc_html = _table(
            [
                t("data.reason", lang),
                t("data.pages", lang),
                t("data.posts", lang),
                t("data.comments", lang),
            ],
            exc + by_model,
        )
        if by_model:
            exc_html += f"<p>{esc(t('data.model_used', lang, n_used=fmt_int(_row(result)['n_clusters'], lang), n_pages=fmt_int(s['pages'], lang)))}</p>"
    else:
        exc_html = f"<p>{esc(t('data.no_exclusions', lang))}</p>"
    sample, marked = _examples(data)

    def quotes(frame: pd.DataFrame) -> str:
        items = []
        for r in frame.head(N_MARKUP_SHOWN).to_dict("records"):
            kind = t(
                f"type.{r['account_type']}"
                if r.get("account_type") in ("business", "personal")
                else "type.unknown_page",
                lang,
            )
            meta = " · ".join(
                esc(str(v))
                for v in (r.get("platform"), kind, r.get("lang"))
                if v is not None and pd.notna(v) and str(v)
            )
            items.append(
                f'<li><blockquote class="dlg-quote"><p>{esc(str(r.get("text") or ""))}</p></blockquote>'
                f'<span class="dlg-quote-meta">{meta}</span></li>'
            )
        return f'<ul class="dlg-quotes">{"".join(items)}</ul>'

    ex_html = (
        (
            f'<h3>{esc(t("h.examples", lang))}</h3><p class="dlg-note">{esc(t("data.examples_note", lang))}</p>'
            + quotes(sample)
        )
        if len(sample)
        else ""
    )
    if len(marked):
        ex_html += (
            f'<h3>{esc(t("h.markup", lang))}</h3><p class="dlg-note">'
            f"{esc(t('data.markup_note', lang, n=fmt_int(len(marked), lang)))}</p>"
            + quotes(marked)
        )
    return (
        f'<section class="dlg-data" aria-labelledby="dlg-data-h"><h2 id="dlg-data-h">{esc(t("h.data", lang))}</h2>'
        f"{overview}<h3>{esc(t('h.exclusions', lang))}</h3>{exc_html}{ex_html}</section>"
    )


def show_data(data: Any, result: Any = None) -> None:
    """Display the data section (with ``result``: also the pages the model left out, and why)."""
    return _display(data_html(data, result))


def methods_html(result: Any, data: Any) -> str:
    lang = data.language
    row = _row(result)
    hyp = result.hypothesis
    text = methods_paragraph(row, hyp, data.params, lang)
    adjusted = row.get("p_adjusted") is not None and pd.notna(row.get("p_adjusted"))
    refs = references(hyp.model, tuple(getattr(hyp, "robustness", ())), adjusted)
    items = "".join(f"<li>{r}</li>" for r in refs)  # trusted: written in analysis.report.methods
    return (
        f'<section class="dlg-methods" aria-labelledby="dlg-methods-h"><h2 id="dlg-methods-h">'
        f"{esc(t('h.methods', lang))}</h2><p>{esc(text)}</p><h3>{esc(t('h.references', lang))}</h3>"
        f'<ul class="dlg-refs">{items}</ul></section>'
    )


def show_methods(result: Any, data: Any) -> None:
    """Display the methods paragraph (from the fitted model and the parameters) and references."""
    return _display(methods_html(result, data))


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


def glossary_html(result: Any, language: str, audience: str = "academic") -> str:
    """The glossary: each measure by its name in ``language``; the academic report adds the column
    name in small code type (the brief shows words only)."""
    from analysis.measures import GLOSSARY
    from analysis.report.wording import term

    def name(k: str) -> str:
        col = f' <code class="dlg-column">{esc(k)}</code>' if audience == "academic" else ""
        return f"{esc(term(k, language))}{col}"

    items = "".join(
        f"<dt>{name(k)}</dt><dd>{esc(GLOSSARY[k].get(language, GLOSSARY[k]['en']))}</dd>"
        for k in glossary_terms(result)
    )
    return (
        f'<section class="dlg-glossary" aria-labelledby="dlg-glossary-h"><h2 id="dlg-glossary-h">'
        f"{esc(t('h.glossary', language))}</h2><dl>{items}</dl></section>"
    )


def show_glossary(result: Any, language: str, audience: str = "academic") -> None:
    """Display the definitions of the measures used (from ``analysis.measures.GLOSSARY``)."""
    return _display(glossary_html(result, language, audience))


def figure_html(view: Any, language: str) -> str:
    """A figure as an inline image with its alt text and caption; a figure that cannot be drawn
    (no image, :attr:`analysis.plots.FigureView.reason`) shows its reason in words instead."""
    head = (
        f'<section class="dlg-figure" aria-labelledby="dlg-figure-h"><h2 id="dlg-figure-h">'
        f"{esc(t('h.figure', language))}</h2>"
    )
    if not view.png_base64:
        return (
            f'{head}<p class="dlg-figure-missing" role="note"><strong>{esc(view.title)}.</strong> '
            f"{esc(getattr(view, 'reason', '') or view.alt)}</p></section>"
        )
    return (
        f'{head}<figure><img src="data:image/png;base64,{view.png_base64}" alt="{esc(view.alt, quote=True)}" '
        f'width="{view.width_px}" height="{view.height_px}">'
        f"<figcaption>{esc(t('fig.caption', language, title=view.title))}. {esc(view.note)}</figcaption></figure></section>"
    )


def show_figure(data: Any, result: Any) -> None:
    """Display the key figure of the hypothesis (:func:`analysis.plots.key_figure`)."""
    from analysis.plots import key_figure

    return _display(
        figure_html(key_figure(result, data.posts, data.comments, data.language), data.language)
    )


# --------------------------------------------------------------------------- coverage of the conversation


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
    """'In the whole data set: 13 of ~467 reported replies (3 %).' when the filters changed the figure."""
    from analysis.coverage import figure

    whole, here = data.dataset.get("coverage") or {}, data.coverage
    if whole.get("ratio") is None or (whole.get("collected"), whole.get("reported")) == (
        here["collected"],
        here["reported"],
    ):
        return ""
    return t("coverage.dataset", data.language, figure=figure(whole, data.language))


def coverage_note_html(data: Any) -> str:
    """The coverage paragraph of the verdict box: the figure, and a warning below the threshold."""
    from analysis.coverage import figure, percent

    if data is None or not data.dataset.get("comments_available", True):
        return ""
    lang, cov = data.language, data.coverage
    low = cov["ratio"] is not None and cov["ratio"] < cov["threshold"]
    parts = [t("coverage.verdict", lang, figure=figure(cov, lang)), _dataset_coverage(data)]
    if low:
        threshold = (
            percent(cov["threshold"]).replace(" ", "\u00a0")
            if lang == "fr"
            else percent(cov["threshold"])
        )
        parts.append(t("coverage.low", lang, threshold=threshold))
    if cov.get("owner_identifiable") is False:
        parts.append(t("coverage.no_owner", lang))
    cls = "dlg-coverage dlg-coverage--low" if low else "dlg-coverage"
    return f'<p class="{cls}">{esc(" ".join(p for p in parts if p))}</p>'


def sensitivity_html(data: Any, result: Any) -> str:
    """The sensitivity rerun: the same test without the pages whose coverage is below the threshold."""
    from analysis.coverage import percent
    from analysis.report.data import run_test, without_low_coverage

    lang = data.language
    if not data.dataset.get("comments_available", True):
        return ""
    threshold = percent(data.params["coverage_threshold"])
    threshold = threshold.replace(" ", "\u00a0") if lang == "fr" else threshold
    head = f'<section class="dlg-sensitivity" aria-labelledby="dlg-sens-h"><h2 id="dlg-sens-h">{esc(t("h.sensitivity", lang))}</h2>'
    cov = data.coverage
    if cov["ratio"] is None:
        return head + f"<p>{esc(t('coverage.unknown', lang))}</p></section>"
    sub, n_low = without_low_coverage(data)
    pages = len(data.tables.accounts)
    if sub is None:
        key = "sens.all_low" if n_low else "sens.none_low"
        return head + f"<p>{esc(t(key, lang, threshold=threshold))}</p></section>"
    try:
        rerun = run_test(sub)
    except Exception as exc:  # the rerun must never hide the main result
        return (
            head
            + f"<p>{esc(t('sens.failed', lang, why=f'{type(exc).__name__}: {exc}'))}</p></section>"
        )
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
    level = effect_numbers(_row(result), lang)["ci_label"]
    table = _table(
        [
            t("sens.col.data", lang),
            t("sens.col.pages", lang),
            t("col.estimate", lang),
            level,
            t("col.p", lang),
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
    return head + f"<p>{esc(intro)}</p>{table}</section>"


def show_sensitivity(data: Any, result: Any) -> None:
    """Display the sensitivity rerun without low-coverage pages (academic report)."""
    return _display(sensitivity_html(data, result))
