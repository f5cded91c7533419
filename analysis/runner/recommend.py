"""Recommendations of the study brief, derived from the numbers by explicit rules.

A recommendation is never written by hand for a study. :data:`RULES` is a table: each rule names
what it applies to (a hypothesis id, or the outcome and contrast of a generic hypothesis, or a
metric of the client-vs-peers benchmark) and the verdict (after the study's multiple-testing
correction, as :func:`analysis.runner.index.adjust` gives it) or funnel position that makes it
fire. Its sentence is a catalogue message (``study_brief.rule.<key>``) filled with the numbers.
Rules that fire are ranked by the strength of their evidence: supported findings first, by
adjusted p (smallest first), then the rest by p; the brief shows the first three and says so
when fewer fire. An inconclusive result never fires a rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from analysis import catalog

#: How many recommendations a study brief shows at most.
TOP = 3

#: Funnel positions that count as "below the peers" (outside the 95 % or 99.8 % lower limit).
BELOW = ("below_95", "below_998")
#: The metric of the funnel plot (response rate against volume) when the funnel does not name one.
FUNNEL_METRIC = "answered_share"
#: Benchmark metrics on which a higher value is worse (a longer wait); on every other metric a
#: lower value is. A metric record may say so itself (``"worse": "greater"``).
HIGHER_IS_WORSE = ("median_time_to_answer",)


@dataclass(frozen=True)
class Rule:
    """One row of the rule table.

    Attributes
    ----------
    key : str
        Names the catalogue message ``study_brief.rule.<key>``.
    english : str
        The sentence, with ``{placeholders}`` for the numbers.
    verdict : str
        The verdict that fires it (``supported``, ``not supported``) or, for a benchmark rule,
        ``below`` (the focal page is below its peers: funnel position in :data:`BELOW`, or
        one-sided p < alpha with the whole CI of the standardised difference below 0).
    hypothesis : str, optional
        The hypothesis id it applies to (case-insensitive: ``H4a``).
    outcome, contrast : str, optional
        The measure and contrast of a generic hypothesis (``replies``, ``is_question``).
    metric : str, optional
        A benchmark metric name (``answered_share``); ``"*"`` any metric.
    """

    key: str
    english: str
    verdict: str
    hypothesis: str | None = None
    outcome: str | None = None
    contrast: str | None = None
    metric: str | None = None

    def matches_row(self, hypothesis: str, row: Mapping[str, Any], verdict: str) -> bool:
        if self.metric is not None or verdict != self.verdict:
            return False
        if self.hypothesis is not None:
            return hypothesis.lower() == self.hypothesis.lower()
        return (
            self.outcome is not None
            and row.get("outcome") == self.outcome
            and (self.contrast is None or row.get("contrast") == self.contrast)
        )


_EVIDENCE = " ({effect}; adjusted {p})"
RULES: tuple[Rule, ...] = (
    Rule(
        "question_posts",
        "Ask questions in your posts: the data support that {claim}" + _EVIDENCE + ".",
        "supported",
        outcome="replies",
        contrast="is_question",
    ),
    Rule(
        "invite_replies",
        "Invite replies: the data support that {claim}" + _EVIDENCE + ". Posts that ask the "
        "audience something are the first lever.",
        "supported",
        hypothesis="H1",
    ),
    Rule(
        "answer_more",
        "Answer more of the comments you receive: the data support that {claim}"
        + _EVIDENCE
        + ". Set a target for the share of comments answered and follow it each month.",
        "supported",
        hypothesis="H2",
    ),
    Rule(
        "answer_in_window",
        "Answer within the reply window: the data support that {claim}" + _EVIDENCE + ". Plan "
        "who answers, and when, so that comments do not wait past the window.",
        "supported",
        hypothesis="H4a",
    ),
    Rule(
        "answer_sooner",
        "Shorten the wait for a first answer: the data support that {claim}" + _EVIDENCE + ". "
        "Answering on the day a comment arrives closes this gap.",
        "supported",
        hypothesis="H4b",
    ),
    Rule(
        "answer_negative",
        "Answer negative comments too: the data support that {claim}" + _EVIDENCE + ". An "
        "unanswered complaint stays in view of every reader.",
        "supported",
        hypothesis="H6",
    ),
    Rule(
        "size_no_excuse",
        "Do not wait for a larger audience to hold a dialogue: the data support that {claim}"
        + _EVIDENCE
        + ". Small pages can answer as well as large ones.",
        "supported",
        hypothesis="H5",
    ),
    Rule(
        "promotion_costly",
        "Keep promotional posts in proportion: the data support that {claim}" + _EVIDENCE + ".",
        "supported",
        outcome="replies",
        contrast="is_promotional",
    ),
    Rule(
        "promotion_harmless",
        "Promotional posts need not be cut for the sake of dialogue: the data do not support "
        "that {claim}" + _EVIDENCE + ".",
        "not supported",
        outcome="replies",
        contrast="is_promotional",
    ),
    Rule(
        "close_gap",
        "Close the gap with your peers on {metric}: {focal_name} stands at {focal} against a "
        "peer average of {peers} (rank {rank} of {of}; {p}).",
        "below",
        metric="*",
    ),
)

MESSAGES = {r.key: catalog.register(f"study_brief.rule.{r.key}", r.english) for r in RULES}


def message(key: str, language: str, **values: Any) -> str:
    """The sentence of rule ``key`` in ``language``, filled with ``values``."""
    text = catalog.gettext(f"study_brief.rule.{key}", MESSAGES[key], language)
    return catalog.contract(text.format(**values), language)


@dataclass(frozen=True)
class Fired:
    """A rule that fired: its sentence, the report it rests on and its evidence rank."""

    text: str
    source: str
    supported: bool
    p: float


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def benchmark_below(metric: Mapping[str, Any], funnel: Mapping[str, Any], alpha: float) -> bool:
    """Whether the focal page is behind its peers on ``metric``: outside the funnel's lower limit
    (for the funnel metric), or one-sided p < alpha with the CI of ``z_cc`` (the focal value
    less the peers' mean, in their standard deviations) wholly on the worse side of 0: below 0,
    or above 0 for a metric on which higher is worse (:data:`HIGHER_IS_WORSE`)."""
    if funnel.get("position") in BELOW and funnel.get("metric", FUNNEL_METRIC) == metric.get(
        "name"
    ):
        return True
    p = metric.get("p")
    if not (_finite(p) and p < alpha):
        return False
    worse = metric.get("worse") or ("greater" if metric.get("name") in HIGHER_IS_WORSE else "less")
    if worse == "greater":
        low = metric.get("z_cc_low")
        return _finite(low) and low > 0
    high = metric.get("z_cc_high")
    return _finite(high) and high < 0


def fire(
    rows: list[Mapping[str, Any]],
    benchmark: Mapping[str, Any] | None,
    language: str,
    words: Callable[..., dict[str, str]],
    alpha: float = 0.05,
) -> list[Fired]:
    """Every recommendation whose rule fires, strongest evidence first.

    Parameters
    ----------
    rows : list of dict
        The index rows (:func:`analysis.runner.index.index_rows`, adjusted): ``hypothesis``,
        ``verdict``, ``p_value``, ``p_adjusted`` and ``_row`` (the result table row).
    benchmark : dict, optional
        The ``benchmark`` of a client-vs-peers report.
    language : str
    words : callable
        ``words(row=...)`` or ``words(metric=...)``: the values a sentence is filled with (claim,
        effect, p... already formatted in ``language``), supplied by the brief.
    alpha : float
        Level of the benchmark test.
    """
    fired: list[Fired] = []
    for row in rows:
        verdict = row.get("verdict") or ""
        table = row.get("_row") or {}
        for rule in RULES:
            if rule.matches_row(str(row.get("hypothesis") or ""), table, verdict):
                p = row.get("p_adjusted")
                p = p if _finite(p) else row.get("p_value")
                fired.append(
                    Fired(
                        message(rule.key, language, **words(row=row)),
                        str(row.get("hypothesis") or ""),
                        verdict == "supported",
                        float(p) if _finite(p) else 1.0,
                    )
                )
                break
    if benchmark:
        funnel = benchmark.get("funnel") or {}
        rule = next(r for r in RULES if r.metric == "*")
        for metric in benchmark.get("metrics") or []:
            if benchmark_below(metric, funnel, alpha):
                p = metric.get("p")
                values = words(metric=metric)
                fired.append(
                    Fired(
                        message(rule.key, language, **values),
                        # the measure in words (the brief says "from <source>")
                        values.get("metric") or str(metric.get("name") or ""),
                        True,
                        float(p) if _finite(p) else 1.0,
                    )
                )
    return sorted(fired, key=lambda f: (not f.supported, f.p))
