"""One brief for the whole study: ``reports/<study>/study-brief.html`` and ``study-brief.pdf``.

Written by the runner after the index (:func:`write_study_brief`) when the study's audiences hold
``brief`` or ``brief-pdf``; one file per language, named as :func:`analysis.runner.index.
output_name` names a report's pages (``study-brief.html``, ``study-brief.fr.html``), and printed
to PDF (``study-brief.pdf``, ``study-brief.fr.pdf``) when ``brief-pdf`` is asked and chromium is
there. Content:

- the executive summary: one line per report of the index, the claim, the verdict after the
  study's multiple-testing correction (:func:`analysis.runner.index.adjust` on
  :func:`analysis.runner.index.index_rows`: the index's own numbers) and the effect in plain
  words with its CI;
- the client's position, when a report's ``results.json`` carries a ``benchmark`` (the client
  against its peers);
- up to three recommendations from the rules of :mod:`analysis.runner.recommend`.

Example comments are left out: ``results.json`` carries none (the per-report pages draw theirs
from the data). Every text is a catalogue message (``study_brief.*``); the page is the Jinja2
template ``study-brief.html.j2`` fed by :class:`StudyBriefView`. The page flows without forced
page breaks, so every printed page but the last is full.

A run in which a report failed leaves the study brief as it was (its numbers would mix the last
good result with the failure); the files are written atomically, the PDF printed from the new
page before either replaces the old ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import catalog
from analysis._io import atomic_path
from analysis.formatting import fmt_number, fmt_p, fmt_percent
from analysis.report.i18n import t
from analysis.report.viewmodels import Notice, simulated_notice
from analysis.runner import hashing, recommend
from analysis.runner.index import STUDY_BRIEF, _read_json, adjust, index_rows, output_name
from analysis.runner.publish import render_template

STEM = STUDY_BRIEF
TEMPLATE = "study-brief.html.j2"
AUDIENCES = ("brief", "brief-pdf")


def _r(key: str, english: str, plural: str | None = None) -> str:
    return catalog.register(f"study_brief.{key}", english, plural)


TEXTS = {
    key: _r(key, english)
    for key, english in {
        "title": "Study brief",
        "h.summary": "Executive summary",
        "col.claim": "Claim",
        "col.verdict": "Verdict",
        "col.effect": "Effect, in plain words",
        "verdict.none": "not run yet",
        "verdict.failed": "failed",
        "correction.holm": "Holm method",
        "correction.bh": "Benjamini-Hochberg method",
        "correction.none": "no correction",
        "effect.ratio": "about {pct}% {change} (plausible range: {range})",
        "effect.gmr": "about {estimate} times as long (plausible range: {low} to {high} times)",
        "effect.rho": "rank correlation {rho} (plausible range: {low} to {high})",
        "effect.other": "{name} {estimate} (plausible range: {low} to {high})",
        "effect.none": "no estimate",
        "effect.numbers": "{name} {estimate}, {level}% CI [{low}, {high}]",
        "h.position": "The client's position",
        "position.intro": "{focal_name} against its peers: {pages} pages in all.",
        "col.metric": "Measure",
        "col.focal": "Client",
        "col.peers": "Peers' mean",
        "col.rank": "Rank",
        "col.z": "Standardised gap (CI)",
        "rank": "{rank} of {of}",
        "funnel.below_998": "In the funnel plot, {focal_name} lies below the peers' 99.8% "
        "control limit: a gap this large is not chance.",
        "funnel.below_95": "In the funnel plot, {focal_name} lies below the peers' 95% control "
        "limit: lower than its peers, unlikely by chance.",
        "funnel.within": "In the funnel plot, {focal_name} lies within the peers' control limits: "
        "no different from them beyond chance.",
        "funnel.above_95": "In the funnel plot, {focal_name} lies above the peers' 95% control "
        "limit: better than its peers, unlikely by chance.",
        "funnel.above_998": "In the funnel plot, {focal_name} lies above the peers' 99.8% "
        "control limit: a lead this large is not chance.",
        "metric.answered_share": "share of comments answered",
        "metric.replies_per_post": "replies per post",
        "metric.median_time_to_answer": "median time to answer",
        "metric.response_rate": "response rate",
        "h.recommendations": "Recommendations",
        "recommendations.intro": "Each follows from a result above by a fixed rule; the "
        "strongest evidence comes first.",
        "recommendations.none": "No recommendation follows from the evidence: no result of "
        "this study is firm enough to act on.",
        "basis": "from {source}",
        "footer": "Study {study} · code {code} · each report, with its methods and data, is "
        "linked from the study's index.",
    }.items()
}
#: Counted texts: (singular, plural), registered under ``study_brief.<key>``.
COUNTED = {
    "summary.intro": (
        "{n} result of the study; the verdict uses the p-value adjusted across the study "
        "({correction}).",
        "{n} results of the study; each verdict uses the p-value adjusted across the study "
        "({correction}).",
    ),
    "recommendations.shortfall": (
        "Only {n} recommendation follows from the evidence; the other results give no ground "
        "for another.",
        "Only {n} recommendations follow from the evidence; the other results give no ground "
        "for a third.",
    ),
}
for _key, (_one, _many) in COUNTED.items():
    _r(_key, _one, _many)
#: The hypothesis ids whose claims the catalogue translates (``hypothesis.<id>.claim``).
_HYPOTHESES_MODULE = "analysis.stats.hypotheses"


def text(key: str, language: str, **values: Any) -> str:
    """The study brief's text ``key`` in ``language``, filled with ``values``."""
    out = catalog.gettext(f"study_brief.{key}", TEXTS[key], language)
    return catalog.contract(out.format(**values) if values else out, language)


def _counted(key: str, n: int, language: str, **values: Any) -> str:
    out = catalog.ngettext(f"study_brief.{key}", *COUNTED[key], n, language)
    return catalog.contract(out.format(n=n, **values), language)


# --- the view model -----------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictLine:
    """One report in the executive summary."""

    hypothesis: str
    claim: str
    verdict: str  # supported / not-supported / inconclusive / none (the CSS class)
    verdict_text: str
    p_adjusted: str
    effect: str
    numbers: str


@dataclass(frozen=True)
class MetricLine:
    """One measure of the client against its peers."""

    name: str
    focal: str
    peers: str
    rank: str
    p: str
    z: str


@dataclass(frozen=True)
class PositionView:
    """The client's position (a ``benchmark`` of a client-vs-peers report)."""

    heading: str
    intro: str
    columns: tuple[str, ...]
    metrics: tuple[MetricLine, ...]
    funnel: str


@dataclass(frozen=True)
class Recommendation:
    text: str
    basis: str


@dataclass(frozen=True)
class StudyBriefView:
    """Everything the study brief page shows, in one language."""

    language: str
    key: str
    title: str
    heading: str
    simulated: Notice | None
    summary_heading: str
    summary_intro: str
    columns: tuple[str, ...]
    lines: tuple[VerdictLine, ...]
    position: PositionView | None
    recommendations_heading: str
    recommendations_intro: str
    recommendations: tuple[Recommendation, ...]
    shortfall: str
    footer: str


# --- words from numbers ---------------------------------------------------------------------


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


#: Effects that are ratios (1 = no difference) read as a percent change.
RATIO_EFFECTS = ("IRR", "OR", "HR")


def effect_words(row: dict[str, Any], language: str) -> str:
    """The effect of a result table row in plain words with its CI as a plausible range."""
    est, low, high = row.get("estimate"), row.get("ci_low"), row.get("ci_high")
    name = str(row.get("estimate_name") or "")
    if not (_finite(est) and _finite(low) and _finite(high)):
        return text("effect.none", language)
    if row.get("kind") == "equivalence" or name == "rho":
        return text(
            "effect.rho",
            language,
            rho=fmt_number(est, language),
            low=fmt_number(low, language),
            high=fmt_number(high, language),
        )
    if name == "GMR":
        return text(
            "effect.gmr",
            language,
            estimate=fmt_number(est, language, 1),
            low=fmt_number(low, language, 1),
            high=fmt_number(high, language, 1),
        )
    if name in RATIO_EFFECTS and est > 0 and low > 0 and high > 0:
        from analysis.stats import words  # the words of the report's plain sentence

        pct, lower = words._pct(est)
        return text(
            "effect.ratio",
            language,
            pct=words._pct_text(pct, language),
            change=words._change(name, lower, language),
            range=words._range_words(low, high, name, language),
        )
    return text(
        "effect.other",
        language,
        name=name,
        estimate=fmt_number(est, language),
        low=fmt_number(low, language),
        high=fmt_number(high, language),
    )


def effect_numbers(row: dict[str, Any], language: str) -> str:
    """``IRR 0.49, 95% CI [0.41, 0.58]``: the numbers behind :func:`effect_words`."""
    est, low, high = row.get("estimate"), row.get("ci_low"), row.get("ci_high")
    if not (_finite(est) and _finite(low) and _finite(high)):
        return ""
    level = row.get("ci_level") if _finite(row.get("ci_level")) else 0.95
    return text(
        "effect.numbers",
        language,
        name=str(row.get("estimate_name") or ""),
        estimate=fmt_number(est, language),
        level=fmt_number(level * 100, language, 0),
        low=fmt_number(low, language),
        high=fmt_number(high, language),
    )


def claim_text(
    claim: str, hypothesis: str, language: str, own: str = "", reported: str = ""
) -> str:
    """The claim in ``language``: the study's own translation (``claim_fr``), else the claim as
    the report words it (``reported``: ``results.json``, e.g. with the study's group names),
    else the catalogue's translation of the hypothesis's claim when the study's English is the
    catalogue's, else the English."""
    if language == catalog.SOURCE_LANGUAGE:
        return claim
    if own or reported:
        return own or reported
    import importlib

    importlib.import_module(_HYPOTHESES_MODULE)  # registers the claims of the catalogue
    context = f"hypothesis.{hypothesis}.claim"
    if claim and catalog.by_context(context) == claim:
        return catalog.gettext(context, claim, language)
    return claim


def _verdict_text(row: dict[str, Any], language: str) -> tuple[str, str]:
    verdict = row.get("verdict")
    if row.get("failed") and not verdict:
        return "failed", text("verdict.failed", language)
    if verdict in ("supported", "not supported", "inconclusive"):
        return verdict.replace(" ", "-"), t(f"verdict.{verdict}", language)
    return "none", text("verdict.none", language)


def _metric_name(name: str, language: str) -> str:
    key = f"metric.{name}"
    return text(key, language) if key in TEXTS else name


def _metric_value(name: str, value: Any, language: str) -> str:
    if not _finite(value):
        return "–"
    if name.endswith(("share", "rate")):
        return fmt_percent(value, language)
    if name.startswith(("median_time", "time_")):  # hours, as the benchmark report writes them
        return f"{fmt_number(value, language, 1)} h"
    return fmt_number(value, language)


def position_view(benchmark: dict[str, Any], language: str) -> PositionView:
    """The client's position from a ``benchmark`` record."""
    focal_name = str(benchmark.get("focal_name") or benchmark.get("focal") or "")
    metrics = tuple(
        MetricLine(
            name=_metric_name(str(m.get("name", "")), language),
            focal=_metric_value(str(m.get("name", "")), m.get("focal"), language),
            peers=_metric_value(str(m.get("name", "")), m.get("peers_mean"), language),
            rank=text("rank", language, rank=m.get("rank", "–"), of=m.get("of", "–")),
            p=fmt_p(m.get("p"), language),
            z=(
                f"{fmt_number(m.get('z_cc'), language)} "
                f"[{fmt_number(m.get('z_cc_low'), language)}, "
                f"{fmt_number(m.get('z_cc_high'), language)}]"
            ),
        )
        for m in benchmark.get("metrics") or []
    )
    position = (benchmark.get("funnel") or {}).get("position")
    funnel_key = f"funnel.{position}"
    return PositionView(
        heading=text("h.position", language),
        intro=text(
            "position.intro",
            language,
            focal_name=focal_name,
            pages=benchmark.get("pages", "–"),
        ),
        columns=tuple(
            text(k, language) for k in ("col.metric", "col.focal", "col.peers", "col.rank")
        )
        + ("p", text("col.z", language)),
        metrics=metrics,
        funnel=text(funnel_key, language, focal_name=focal_name) if funnel_key in TEXTS else "",
    )


def _p_text(row: dict[str, Any], language: str) -> str:
    p = row.get("p_adjusted")
    return fmt_p(p, language) if _finite(p) else ""


def rule_words(row: dict[str, Any] | None, metric: dict[str, Any] | None, language: str,
               focal_name: str = "") -> dict[str, str]:  # fmt: skip
    """The values a recommendation is filled with, formatted in ``language``."""
    if metric is not None:
        name = str(metric.get("name", ""))
        return {
            "metric": _metric_name(name, language),
            "focal_name": focal_name,
            "focal": _metric_value(name, metric.get("focal"), language),
            "peers": _metric_value(name, metric.get("peers_mean"), language),
            "rank": str(metric.get("rank", "–")),
            "of": str(metric.get("of", "–")),
            "p": fmt_p(metric.get("p"), language),
        }
    assert row is not None
    table = row.get("_row") or {}
    p = row.get("p_adjusted") if _finite(row.get("p_adjusted")) else row.get("p_value")
    return {
        "claim": row["claim_text"],
        "effect": effect_words(table, language),
        "p": fmt_p(p, language),
    }


def build_view(
    rows: list[dict[str, Any]],
    *,
    language: str,
    title: str,
    study: str,
    correction: str,
    benchmark: dict[str, Any] | None = None,
    simulated: bool = False,
    code: str = "",
    key: str = "",
    claims: dict[str, str] | None = None,
) -> StudyBriefView:
    """The study brief in ``language`` from the index rows (adjusted with
    :func:`analysis.runner.index.adjust`).

    Parameters
    ----------
    rows : list of dict
        :func:`analysis.runner.index.index_rows`, adjusted.
    claims : dict, optional
        Report name -> the claim in ``language`` as the study file writes it (``claim_fr``).
    """
    claims = claims or {}
    rows = [
        dict(
            r,
            claim_text=claim_text(
                str(r.get("claim") or ""),
                str(r.get("hypothesis") or ""),
                language,
                claims.get(str(r.get("name")), ""),
                str((r.get("claims") or {}).get(language) or ""),
            ),
        )
        for r in rows
    ]
    lines = []
    for r in rows:
        if r.get("kind") == "benchmark":  # no claim, no verdict: the client's position shows it
            continue
        css, verdict = _verdict_text(r, language)
        table = r.get("_row") or {}
        lines.append(
            VerdictLine(
                hypothesis=str(r.get("hypothesis") or ""),
                claim=r["claim_text"],
                verdict=css,
                verdict_text=verdict,
                p_adjusted=_p_text(r, language),
                effect=effect_words(table, language) if table else "",
                numbers=effect_numbers(table, language) if table else "",
            )
        )
    focal_name = str((benchmark or {}).get("focal_name") or (benchmark or {}).get("focal") or "")
    alpha = next((r["alpha"] for r in rows if _finite(r.get("alpha"))), 0.05)

    def words(row=None, metric=None) -> dict[str, str]:
        return rule_words(row, metric, language, focal_name)

    fired = recommend.fire(rows, benchmark, language, words, alpha)[: recommend.TOP]
    n = len(fired)
    if n == 0:
        shortfall = text("recommendations.none", language)
    elif n < recommend.TOP:
        shortfall = _counted("recommendations.shortfall", n, language)
    else:
        shortfall = ""
    correction_words = text(f"correction.{correction}", language)
    return StudyBriefView(
        language=language,
        key=key,
        title=f"{title}: {text('title', language)}",
        heading=title,
        simulated=simulated_notice(language) if simulated else None,
        summary_heading=text("h.summary", language),
        summary_intro=_counted("summary.intro", len(lines), language, correction=correction_words),
        columns=tuple(text(k, language) for k in ("col.claim", "col.verdict", "col.effect")),
        lines=tuple(lines),
        position=position_view(benchmark, language) if benchmark else None,
        recommendations_heading=text("h.recommendations", language),
        recommendations_intro=text("recommendations.intro", language) if fired else "",
        recommendations=tuple(
            Recommendation(f.text, text("basis", language, source=f.source)) for f in fired
        ),
        shortfall=shortfall,
        footer=text("footer", language, study=study, code=code),
    )


# --- writing --------------------------------------------------------------------------------


def file_name(language: str, languages: list[str], pdf: bool = False) -> str:
    """``study-brief.html`` for the first language, ``study-brief.fr.html`` else (``.pdf``)."""
    name = output_name(STEM, language, languages)
    return name[: -len(".html")] + ".pdf" if pdf else name


def find_benchmark(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``benchmark`` of the first record that has one (top level or in its result)."""
    for record in records:
        for holder in (record, record.get("result") if isinstance(record, dict) else None):
            if isinstance(holder, dict) and isinstance(holder.get("benchmark"), dict):
                return holder["benchmark"]
    return None


def _brief_to_pdf() -> Callable[..., Path]:
    from analysis.report.render import brief_to_pdf

    return brief_to_pdf


def write_study_brief(
    study,
    progress: Callable[[str], None] = lambda line: None,
    to_pdf: Callable[..., Path] | None = None,
) -> list[Path]:
    """Write the study brief of ``study`` in each of its languages; the files written.

    Nothing is written when the study's audiences hold neither ``brief`` nor ``brief-pdf``,
    when a report of the study failed (the last good study brief stays), or when nothing the
    brief shows has changed since it was written. The PDF is made only for ``brief-pdf`` (which
    the study loader drops when chromium is missing). ``to_pdf`` defaults to
    :func:`analysis.report.render.brief_to_pdf`.
    """
    if not set(AUDIENCES) & set(study.audiences):
        return []
    rows, state = index_rows(study)
    if any(r["failed"] for r in rows):
        progress(
            f"{study.name}: a report failed, the study brief is left as it was "
            f"({', '.join(r['name'] for r in rows if r['failed'])})"
        )
        return []
    adjust(rows, study.correction)
    out, languages = study.output, study.languages
    records = [_read_json(out / r["name"] / "results.json") for r in rows]
    benchmark = find_benchmark(records)
    simulated = any(r["simulated"] for r in rows)
    pdf = "brief-pdf" in study.audiences
    template_dir = Path(__file__).parent / "templates"
    key = hashing.digest(
        [
            state,
            study.correction,
            study.title,
            languages,
            pdf,
            (template_dir / TEMPLATE).read_text(encoding="utf-8"),
            Path(__file__).read_text(encoding="utf-8"),
            Path(recommend.__file__).read_text(encoding="utf-8"),
            [catalog.po_path(lang).stat().st_mtime_ns for lang in languages[1:]
             if catalog.po_path(lang).exists()],
        ]
    )  # fmt: skip
    claims_by_lang = {
        lang: {s.name: s.claim_fr for s in study.reports if lang == "fr" and s.claim_fr}
        for lang in languages
    }
    from analysis.runner.provenance import code_version

    code = code_version()["git_commit"][:10]
    written: list[Path] = []
    for lang in languages:
        html_path = out / file_name(lang, languages)
        pdf_path = out / file_name(lang, languages, pdf=True)
        if (
            html_path.is_file()
            and f'content="{key}"' in html_path.read_text(encoding="utf-8")
            and (not pdf or pdf_path.is_file())
        ):
            continue
        view = build_view(
            rows,
            language=lang,
            title=study.title,
            study=study.name,
            correction=study.correction,
            benchmark=benchmark,
            simulated=simulated,
            code=code,
            key=key,
            claims=claims_by_lang[lang],
        )
        page = render_template(TEMPLATE, v=view)
        # the new page is printed before either file replaces the old ones: a failure leaves both
        with atomic_path(html_path, suffix=".html") as tmp:
            tmp.write_text(page, encoding="utf-8")
            if pdf:
                (to_pdf or _brief_to_pdf())(tmp, pdf_path, language=lang, simulated=simulated)
        written += [html_path, pdf_path] if pdf else [html_path]
    return written
