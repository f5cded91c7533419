"""What the benchmark report shows: the client against its peers, section by section.

The benchmark notebook (``notebooks/benchmark.ipynb``) reads::

    params = benchmark_parameters.from_namespace(globals())
    loaded = pipeline.load(benchmark_parameters.load_parameters(params))
    result = benchmark(loaded, params["focal"], params["peers"], alpha=params["alpha"])
    report.benchmark.show_benchmark_header(loaded, result)   # ... then one show_* per section

Each ``show_benchmark_*`` function builds its section's view model (a frozen dataclass of plain
strings in the report's language, below) and renders ``templates/sections/benchmark_*.html.j2``
with :func:`analysis.report.views.render` (autoescaped: a page name holding markup is shown as
text); the methods section is the hypothesis reports' (:class:`~analysis.report.viewmodels.
MethodsView`, ``methods.html.j2``) and the two plain tables are
:class:`~analysis.report.viewmodels.Table` (the ``table`` macro). The ``*_html`` functions return
the HTML, for tests. :func:`publish_benchmark` displays the summary box and, beside it, the result
record the runner writes to ``results.json`` (MIME :data:`analysis.report.result.RESULT_MIME`),
whose ``benchmark`` key is :meth:`~analysis.pipeline.benchmark.BenchmarkResult.to_record`.

Every word is a catalogue message registered here (``bench.*``); numbers are formatted for the
language (:mod:`analysis.formatting`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from analysis import catalog
from analysis.formatting import fmt_int, fmt_number, fmt_p, fmt_percent
from analysis.report.viewmodels import MethodsView, Notice, Reference, Table, simulated_notice

#: Every word of the benchmark report, in English, by key (the catalogues translate each).
TEXTS: dict[str, str] = {
    # header
    "bench.h.question": "The question",
    "bench.question": "How does {focal_name} compare with its peers in answering its audience?",
    "bench.intro": "{focal_name} ({focal}) against {n} peer pages: {peers}, on {platforms}.",
    "bench.peers.same_type.business": "the other business pages kept",
    "bench.peers.same_type.personal": "the other personal pages kept",
    "bench.peers.same_type.other": "the other pages of the same type kept",
    "bench.peers.all": "every other page kept",
    # summary box
    "bench.h.summary": "In short",
    "bench.summary.funnel.within": "On the share of comments answered, {focal_name} lies "
    "within its peers' control limits: no different from them beyond chance.",
    "bench.summary.funnel.below_95": "On the share of comments answered, {focal_name} lies "
    "below its peers' 95% control limit: lower than its peers, unlikely by chance.",
    "bench.summary.funnel.below_998": "On the share of comments answered, {focal_name} lies "
    "below its peers' 99.8% control limit: a gap this large is not chance.",
    "bench.summary.funnel.above_95": "On the share of comments answered, {focal_name} lies "
    "above its peers' 95% control limit: better than its peers, unlikely by chance.",
    "bench.summary.funnel.above_998": "On the share of comments answered, {focal_name} lies "
    "above its peers' 99.8% control limit: a lead this large is not chance.",
    "bench.summary.rank": "It ranks {rank} of {of} on the share of comments answered, "
    "{rank_rpp} of {of_rpp} on replies per post and {rank_time} of {of_time} on the median "
    "time to answer (1 = best).",
    "bench.summary.none": "No verdict: this report places one page among its peers; it tests "
    "no hypothesis of the study.",
    # metrics
    "bench.metric.replies_per_post": "Replies per post",
    "bench.metric.answered_share": "Share of comments answered",
    "bench.metric.median_time_to_answer": "Median time to answer",
    "bench.hours": "{value} h",
    "bench.ci": "{low} to {high}",
    "bench.client_marker": "client",
    # league table
    "bench.h.league": "League table",
    "bench.league.caption": "Every page compared, best share of comments answered first; "
    "{level}% confidence intervals below each value. The client's row is marked.",
    "bench.col.page": "Page",
    "bench.col.posts": "Posts",
    "bench.col.comments": "Comments",
    "bench.col.rank": "Rank",
    "bench.league.note": "Replies per post: audience comments per post, quasi-Poisson interval. "
    "Share answered: comments the page answered, Wilson interval. Median time to answer: "
    "among the comments answered within the reply window, distribution-free interval (none "
    "for a page with too few answers). Rank: by share answered, 1 = best.",
    # funnel and trend
    "bench.h.funnel": "Funnel plot",
    "bench.h.trend": "Month by month",
    "bench.figure.caption": "Figure: {title}",
    # client vs peers
    "bench.h.versus": "The client against its peers",
    "bench.versus.intro": "Each measure of {focal_name} against the average of its {n} peers "
    "(the client left out). The test (Crawford and Howell) is built for one page compared with "
    "a small group: it asks whether the client is worse than its peers, beyond chance.",
    "bench.col.measure": "Measure",
    "bench.col.client": "Client",
    "bench.col.peers_mean": "Peers' mean (SD)",
    "bench.col.t": "t (df)",
    "bench.col.p": "p (one-sided: client worse)",
    "bench.col.z": "z_cc ({level}% CI)",
    "bench.versus.note": "z_cc: the client's gap from the peers' mean in peer standard "
    "deviations, with its confidence interval (Crawford, Garthwaite and Porter 2010). "
    "Worse means lower for the two rates and slower for the time to answer; ranks count 1 "
    "for the best page.",
    "bench.versus.line": "{metric}: {focal} for {focal_name}, against a peer average of "
    "{peers} (rank {rank} of {of}). {judgement}",
    "bench.judge.worse.less": "Lower than its peers beyond chance ({p}).",
    "bench.judge.worse.greater": "Slower than its peers beyond chance ({p}).",
    "bench.judge.chance.less": "Lower than its peers, but within what chance gives ({p}).",
    "bench.judge.chance.greater": "Slower than its peers, but within what chance gives ({p}).",
    "bench.judge.better.less": "At or above its peers' level.",
    "bench.judge.better.greater": "As fast as its peers or faster.",
    "bench.judge.none": "Not testable on these data: {why}",
    # vendor metrics
    "bench.h.vendors": "The industry's own definitions",
    "bench.vendors.intro": "Social-media tools each define responsiveness their own way. "
    "Computed here from the same data, each with what it divides by.",
    "bench.col.metric": "Metric",
    "bench.col.definition": "Definition",
    "bench.col.denominator": "Denominator (client)",
    "bench.col.peers_median": "Peers' median",
    "bench.vendor.response_rate": "Response rate (Sprout Social style)",
    "bench.vendor.response_rate.def": "Comments the page answered, divided by the comments "
    "it received.",
    "bench.vendor.response_rate.den": "{n} audience comments received",
    "bench.vendor.fastest90": "Response time, fastest 90% (Facebook style)",
    "bench.vendor.fastest90.def": "Mean delay of the page's answers once the slowest 10% are "
    "set aside (Facebook's page badge did this for private messages; here, for comments).",
    "bench.vendor.fastest90.den": "the fastest {n} of {k} answers observed",
    "bench.vendor.bucket.0_2h": "Answered within 2 h (Emplifi style)",
    "bench.vendor.bucket.2_8h": "Answered in 2 to 8 h (Emplifi style)",
    "bench.vendor.bucket.8_24h": "Answered in 8 to 24 h (Emplifi style)",
    "bench.vendor.bucket.over_24h": "Answered after more than 24 h (Emplifi style)",
    "bench.vendor.bucket.def": "Share of the page's answers that came within this delay.",
    "bench.vendor.bucket.over_24h.def": "Share of the page's answers that came after 24 hours, "
    "up to the end of the reply window.",
    "bench.vendor.bucket.den": "{n} answers observed within the reply window",
    "bench.vendor.conversation_rate": "Conversation rate (Kaushik)",
    "bench.vendor.conversation_rate.def": "Audience comments per post.",
    "bench.vendor.conversation_rate.den": "{n} posts",
    "bench.vendors.note": "The response rate has the numerator and denominator of the share "
    "of comments answered above. {n} answers of the client came after the reply window: they "
    "count as answered but have no delay, so they are outside the response times and buckets.",
    # methods
    "bench.h.methods": "Methods",
    "bench.methods": "League table: per page, replies per post with a quasi-Poisson interval "
    "(rate times exp(±z·sqrt(phi/total))), the share of audience comments answered with a "
    "Wilson interval, and the median time to answer with a distribution-free order-statistic "
    "interval. Funnel plot (Spiegelhalter 2005): the target is the peers' pooled share answered "
    "(the client left out), {target}; the exact binomial limits at 95% and 99.8% are widened "
    "by the square root of the peers' multiplicative over-dispersion phi = {phi} (10% "
    "winsorised z-scores, chi-squared {chi2} on {df} df, {p_phi}) when phi exceeds 1. Client "
    "against peers: Crawford and Howell's (1998) modified t-test, t = (x − mean)/(s·√((n+1)/n)) "
    "on n − 1 df, one-sided towards the client being worse, with the standardised gap "
    "z_cc = (x − mean)/s and its interval from the non-central t distribution (Crawford and "
    "Garthwaite 2002; Crawford, Garthwaite and Porter 2010). Peers: {peers}. Level of the "
    "test: {alpha}.",
    "bench.h.references": "References",
}
for _key, _text in TEXTS.items():
    catalog.register(_key, _text)

#: The references of the methods, each (before, title in italics, after).
REFERENCES = (
    Reference(
        "Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. ",
        "Statistics in Medicine",
        " 24:1185–1202.",
    ),
    Reference(
        "Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. ",
        "Quality and Safety in Health Care",
        " 14:347–351.",
    ),
    Reference(
        "Crawford JR, Howell DC (1998). Comparing an individual's test score against norms "
        "derived from small samples. ",
        "The Clinical Neuropsychologist",
        " 12:482–486.",
    ),
    Reference(
        "Crawford JR, Garthwaite PH (2002). Investigation of the single case in "
        "neuropsychology: confidence limits on the abnormality of test scores and test score "
        "differences. ",
        "Neuropsychologia",
        " 40:1196–1208.",
    ),
    Reference(
        "Crawford JR, Garthwaite PH, Porter S (2010). Point and interval estimates of effect "
        "sizes for the case-controls design in neuropsychology. ",
        "Cognitive Neuropsychology",
        " 27:245–260.",
    ),
)


def t(key: str, language: str, **values: Any) -> str:
    """The benchmark text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return catalog.contract(text.format(**values) if values else text, language)


# ------------------------------------------------------------------------------ view models


@dataclass(frozen=True)
class BenchHeaderView:
    simulated: Notice | None
    heading: str
    question: str
    intro: str


@dataclass(frozen=True)
class SummaryView:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class LeagueRow:
    """One page: its cells (value, interval) and whether it is the client."""

    page: str
    focal: bool
    marker: str
    cells: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LeagueView:
    heading: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[LeagueRow, ...]
    note: str


@dataclass(frozen=True)
class BenchFigureView:
    section: str
    heading: str
    title: str
    missing: str
    png_base64: str
    alt: str
    width_px: int
    height_px: int
    caption: str


@dataclass(frozen=True)
class VersusView:
    """The client against its peers: the tests' table (academic only, else None) and the lines
    in plain words."""

    heading: str
    intro: str
    table: Table | None
    lines: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class VendorsView:
    heading: str
    intro: str
    table: Table
    note: str


# ------------------------------------------------------------------------------ helpers


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def metric_value(metric: str, value: Any, language: str) -> str:
    """A metric's value in words: a percentage, hours or a number."""
    if not _finite(value):
        return "–"
    if metric == "answered_share":
        return fmt_percent(value, language)
    if metric == "median_time_to_answer":
        return t("bench.hours", language, value=fmt_number(value, language, 1))
    return fmt_number(value, language, 2)


def _interval(metric: str, low: Any, high: Any, language: str) -> str:
    if not (_finite(low) and _finite(high)):
        return ""
    if metric == "median_time_to_answer":
        low_s, high_s = fmt_number(low, language, 1), fmt_number(high, language, 1)
    else:
        low_s, high_s = metric_value(metric, low, language), metric_value(metric, high, language)
    return t("bench.ci", language, low=low_s, high=high_s)


def _level(result: Any) -> str:
    return fmt_number(100 * result.level, "en", 0).replace(",", "")


def _peer_words(result: Any, language: str) -> str:
    if result.peers == "all":
        return t("bench.peers.all", language)
    key = f"bench.peers.same_type.{result.account_type}"
    return t(key if key in TEXTS else "bench.peers.same_type.other", language)


# ------------------------------------------------------------------------------ sections


def header_view(loaded: Any, result: Any) -> BenchHeaderView:
    lang = loaded.language
    platforms = sorted(str(p) for p in loaded.tables.accounts["platform"].unique())
    return BenchHeaderView(
        simulated=simulated_notice(lang) if loaded.simulated else None,
        heading=t("bench.h.question", lang),
        question=t("bench.question", lang, focal_name=result.focal_name),
        intro=t(
            "bench.intro",
            lang,
            focal_name=result.focal_name,
            focal=result.focal,
            n=fmt_int(result.pages - 1, lang),
            peers=_peer_words(result, lang),
            platforms=", ".join(platforms),
        ),
    )


def _rank(value: Any) -> str:
    """A rank as text ('–' for a page without the metric)."""
    return str(int(value)) if _finite(value) else "–"


def summary_view(result: Any, language: str) -> SummaryView:
    share, rpp, time = (
        result.metric_row(m)
        for m in ("answered_share", "replies_per_post", "median_time_to_answer")
    )
    lines = [
        t(
            f"bench.summary.funnel.{result.funnel.position}",
            language,
            focal_name=result.focal_name,
        ),
        t(
            "bench.summary.rank",
            language,
            rank=_rank(share["rank"]),
            of=share["of"],
            rank_rpp=_rank(rpp["rank"]),
            of_rpp=rpp["of"],
            rank_time=_rank(time["rank"]),
            of_time=time["of"],
        ),
        t("bench.summary.none", language),
    ]
    return SummaryView(t("bench.h.summary", language), tuple(lines))


def league_view(result: Any, language: str) -> LeagueView:
    """Every page compared, best share answered first, the client's row marked."""
    league = result.league.sort_values(
        ["rank_answered_share", "name"], na_position="last", kind="mergesort"
    )
    rows = []
    for r in league.to_dict("records"):
        cells = (
            (fmt_int(r["posts"], language), ""),
            (
                metric_value("replies_per_post", r["replies_per_post"], language),
                _interval(
                    "replies_per_post",
                    r["replies_per_post_low"],
                    r["replies_per_post_high"],
                    language,
                ),
            ),
            (fmt_int(r["comments"], language), ""),
            (
                metric_value("answered_share", r["answered_share"], language),
                _interval(
                    "answered_share", r["answered_share_low"], r["answered_share_high"], language
                ),
            ),
            (
                metric_value("median_time_to_answer", r["median_answer_h"], language),
                _interval(
                    "median_time_to_answer",
                    r["median_answer_h_low"],
                    r["median_answer_h_high"],
                    language,
                ),
            ),
            (_rank(r["rank_answered_share"]), ""),
        )
        focal = r["account_id"] == result.focal
        rows.append(
            LeagueRow(
                page=str(r["name"]),
                focal=focal,
                marker=t("bench.client_marker", language) if focal else "",
                cells=cells,
            )
        )
    headers = (
        t("bench.col.page", language),
        t("bench.col.posts", language),
        t("bench.metric.replies_per_post", language),
        t("bench.col.comments", language),
        t("bench.metric.answered_share", language),
        t("bench.metric.median_time_to_answer", language),
        t("bench.col.rank", language),
    )
    return LeagueView(
        heading=t("bench.h.league", language),
        caption=t("bench.league.caption", language, level=_level(result)),
        headers=headers,
        rows=tuple(rows),
        note=t("bench.league.note", language),
    )


def figure_view(section: str, heading_key: str, view: Any, language: str) -> BenchFigureView:
    """A figure of :mod:`analysis.plots_benchmark` as its section."""
    return BenchFigureView(
        section=section,
        heading=t(heading_key, language),
        title=str(view.title),
        missing=str(view.reason or view.alt),
        png_base64=view.png_base64 or "",
        alt=str(view.alt),
        width_px=view.width_px,
        height_px=view.height_px,
        caption=f"{t('bench.figure.caption', language, title=view.title)}. {view.note}",
    )


def _judgement(row: dict[str, Any], alpha: float, language: str) -> str:
    p, z_low, z_high = row["p_value"], row["z_cc_low"], row["z_cc_high"]
    alt = row["alternative"]
    if not _finite(p):
        return t("bench.judge.none", language, why=row.get("note") or "–")
    worse_side = row["z_cc"] < 0 if alt == "less" else row["z_cc"] > 0
    sure = p < alpha and (z_high < 0 if alt == "less" else z_low > 0)
    p_text = fmt_p(p, language)
    if sure:
        return t(f"bench.judge.worse.{alt}", language, p=p_text)
    if worse_side:
        return t(f"bench.judge.chance.{alt}", language, p=p_text)
    return t(f"bench.judge.better.{alt}", language)


def versus_view(result: Any, language: str, audience: str = "academic") -> VersusView:
    """Per metric: client, peers' mean, the single-case test; the brief in plain words."""
    rows, lines = [], []
    for row in result.versus.to_dict("records"):
        metric = str(row["metric"])
        name = t(f"bench.metric.{metric}", language)
        peers = metric_value(metric, row["peers_mean"], language)
        sd = metric_value(metric, row["peers_sd"], language)
        z = fmt_number(row["z_cc"], language, 2) if _finite(row["z_cc"]) else "–"
        z_ci = t(
            "bench.ci",
            language,
            low=fmt_number(row["z_cc_low"], language, 2),
            high=fmt_number(row["z_cc_high"], language, 2),
        )
        rank = _rank(row["rank"])
        rows.append(
            (
                name,
                metric_value(metric, row["focal"], language),
                f"{peers} ({sd})",
                (
                    f"{fmt_number(row['t'], language, 2)} ({int(row['df'])})"
                    if _finite(row["t"])
                    else "–"
                ),
                fmt_p(row["p_value"], language) if _finite(row["p_value"]) else "–",
                f"{z} ({z_ci})" if _finite(row["z_cc"]) else "–",
                f"{rank} / {int(row['of'])}",
            )
        )
        lines.append(
            t(
                "bench.versus.line",
                language,
                metric=name,
                focal=metric_value(metric, row["focal"], language),
                focal_name=result.focal_name,
                peers=peers,
                rank=rank,
                of=int(row["of"]),
                judgement=_judgement(row, result.alpha, language),
            )
        )
    headers = (
        t("bench.col.measure", language),
        t("bench.col.client", language),
        t("bench.col.peers_mean", language),
        t("bench.col.t", language),
        t("bench.col.p", language),
        t("bench.col.z", language, level=_level(result)),
        t("bench.col.rank", language),
    )
    academic = audience == "academic"
    return VersusView(
        heading=t("bench.h.versus", language),
        intro=t(
            "bench.versus.intro",
            language,
            focal_name=result.focal_name,
            n=fmt_int(result.pages - 1, language),
        ),
        table=Table(headers, tuple(rows), css_class="dlg-table dlg-versus") if academic else None,
        lines=tuple(lines),
        note=t("bench.versus.note", language) if academic else "",
    )


def _median(values: Any) -> float:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(np.median(arr)) if arr.size else math.nan


def vendors_view(result: Any, language: str) -> VendorsView:
    """Each vendor metric: its definition, its denominator for the client, the client's value and
    the peers' median."""
    v = result.vendors
    mine = v[v["account_id"] == result.focal].iloc[0]
    others = v[v["account_id"] != result.focal]

    def pct(x: Any) -> str:
        return fmt_percent(x, language)

    def hours(x: Any) -> str:
        return metric_value("median_time_to_answer", x, language)

    def num(x: Any) -> str:
        return fmt_number(x, language, 2)

    rows = [
        (
            t("bench.vendor.response_rate", language),
            t("bench.vendor.response_rate.def", language),
            t(
                "bench.vendor.response_rate.den",
                language,
                n=fmt_int(mine.response_rate_den, language),
            ),
            pct(mine.response_rate),
            pct(_median(others.response_rate)),
        ),
        (
            t("bench.vendor.fastest90", language),
            t("bench.vendor.fastest90.def", language),
            t(
                "bench.vendor.fastest90.den",
                language,
                n=fmt_int(mine.fastest90_den, language),
                k=fmt_int(mine.buckets_den, language),
            ),
            hours(float(mine.response_time_fastest90_h)),
            hours(_median(others.response_time_fastest90_h)),
        ),
    ]
    for name in ("0_2h", "2_8h", "8_24h", "over_24h"):
        definition = "bench.vendor.bucket.over_24h.def" if name == "over_24h" else None
        rows.append(
            (
                t(f"bench.vendor.bucket.{name}", language),
                t(definition or "bench.vendor.bucket.def", language),
                t("bench.vendor.bucket.den", language, n=fmt_int(mine.buckets_den, language)),
                pct(mine[f"bucket_{name}_share"]),
                pct(_median(others[f"bucket_{name}_share"])),
            )
        )
    rows.append(
        (
            t("bench.vendor.conversation_rate", language),
            t("bench.vendor.conversation_rate.def", language),
            t(
                "bench.vendor.conversation_rate.den",
                language,
                n=fmt_int(mine.conversation_rate_den, language),
            ),
            num(mine.conversation_rate),
            num(_median(others.conversation_rate)),
        )
    )
    headers = (
        t("bench.col.metric", language),
        t("bench.col.definition", language),
        t("bench.col.denominator", language),
        t("bench.col.client", language),
        t("bench.col.peers_median", language),
    )
    return VendorsView(
        heading=t("bench.h.vendors", language),
        intro=t("bench.vendors.intro", language),
        table=Table(headers, tuple(rows), css_class="dlg-table dlg-vendors"),
        note=t("bench.vendors.note", language, n=fmt_int(mine.answered_unobserved, language)),
    )


def methods_view(result: Any, language: str) -> MethodsView:
    """The methods paragraph and the references, as the hypothesis reports' methods section."""
    over = result.funnel.overdispersion
    return MethodsView(
        heading=t("bench.h.methods", language),
        text=t(
            "bench.methods",
            language,
            target=fmt_percent(result.funnel.target, language, 1),
            phi=fmt_number(over.phi_raw, language, 2),
            chi2=fmt_number(over.chi2, language, 1),
            df=over.df,
            p_phi=fmt_p(over.p_value, language),
            peers=_peer_words(result, language),
            alpha=fmt_number(result.alpha, language, 2),
        ),
        references_heading=t("bench.h.references", language),
        references=REFERENCES,
    )


# ------------------------------------------------------------------------------ the record


def index_claim(result: Any) -> str:
    """What the study index says the report is (English, as the index is)."""
    return (
        f"benchmark: {result.focal_name} ({result.focal}) against {result.pages - 1} peer "
        "pages; no verdict"
    )


def build_benchmark_record(
    result: Any, loaded: Any = None, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON-safe record of a benchmark report (what ``results.json`` holds).

    Its keys: ``version, kind ("benchmark"), hypothesis (None), verdict (None), parameters,
    data, simulated, benchmark`` (:meth:`~analysis.pipeline.benchmark.BenchmarkResult.to_record`)
    and ``result`` (``kind`` and ``claim``: what the study index shows in the report's row; it
    holds no p-value, so the study's multiple-testing correction leaves the report out).
    """
    from analysis.report.result import RECORD_VERSION
    from analysis.serialize import json_safe

    params = params if params is not None else getattr(loaded, "params", {})
    record = {
        "version": RECORD_VERSION,
        "kind": "benchmark",
        "hypothesis": None,
        "verdict": None,
        "parameters": dict(params),
        "data": loaded.summary() if loaded is not None else None,
        "simulated": bool(getattr(loaded, "simulated", False)),
        "benchmark": result.to_record(),
        "result": {"kind": "benchmark", "claim": index_claim(result)},
    }
    return json.loads(json.dumps(json_safe(record), sort_keys=True, allow_nan=False))


# ------------------------------------------------------------------------------ show_*


def _render(section: str, view: Any) -> str:
    from analysis.report.views import render

    return render(section, view)


def _display(markup: str) -> None:
    from analysis.report.views import _display as display

    display(markup)


def header_html(loaded: Any, result: Any) -> str:
    return _render("benchmark_header", header_view(loaded, result))


def show_benchmark_header(loaded: Any, result: Any) -> None:
    """The simulated-data notice (when it applies), the question and who the peers are."""
    return _display(header_html(loaded, result))


def summary_html(result: Any, language: str) -> str:
    return _render("benchmark_summary", summary_view(result, language))


def publish_benchmark(result: Any, loaded: Any, params: dict[str, Any] | None = None) -> None:
    """Display the summary box for people and the result record for the runner (one output,
    two representations, as :func:`analysis.report.views.publish_result` does)."""
    from IPython.display import display

    from analysis.report.result import RESULT_MIME

    params = params if params is not None else dict(loaded.params)
    record = build_benchmark_record(result, loaded, params)
    language = params.get("language", "en")
    display(
        {
            RESULT_MIME: record,
            "text/html": summary_html(result, language),
            "text/plain": f"benchmark: {result.focal} ({result.funnel.position})",
        },
        raw=True,
    )


def league_html(result: Any, language: str) -> str:
    return _render("benchmark_league", league_view(result, language))


def show_benchmark_league(result: Any, language: str) -> None:
    """The league table: every page, the client marked, each metric with its interval."""
    return _display(league_html(result, language))


def funnel_html(result: Any, language: str) -> str:
    from analysis.plots_benchmark import funnel_figure

    view = funnel_figure(result, language)
    return _render("benchmark_figure", figure_view("funnel", "bench.h.funnel", view, language))


def show_benchmark_funnel(result: Any, language: str) -> None:
    """The funnel plot with its alt text and caption."""
    return _display(funnel_html(result, language))


def trend_html(result: Any, language: str) -> str:
    from analysis.plots_benchmark import trend_figure

    view = trend_figure(result, language)
    return _render("benchmark_figure", figure_view("trend", "bench.h.trend", view, language))


def show_benchmark_trend(result: Any, language: str) -> None:
    """The monthly share answered, the client highlighted."""
    return _display(trend_html(result, language))


def versus_html(result: Any, language: str, audience: str = "academic") -> str:
    return _render("benchmark_versus", versus_view(result, language, audience))


def show_benchmark_versus(result: Any, language: str, audience: str = "academic") -> None:
    """The client against its peers: academic, every statistic; brief, in plain words."""
    return _display(versus_html(result, language, audience))


def vendors_html(result: Any, language: str) -> str:
    return _render("benchmark_vendors", vendors_view(result, language))


def show_benchmark_vendors(result: Any, language: str) -> None:
    """The vendors' definitions, each with its denominator, for the client and its peers."""
    return _display(vendors_html(result, language))


def methods_html(result: Any, language: str) -> str:
    return _render("methods", methods_view(result, language))


def show_benchmark_methods(result: Any, language: str) -> None:
    """The methods paragraph with its formulas and the references (academic report)."""
    return _display(methods_html(result, language))
