"""Multiverse: the reports of one hypothesis over a study's grid, read as a specification curve.

A study whose ``grid`` sweeps analysis choices (minimum posts, platforms, period, reply window,
model...) tests each hypothesis once per combination. The index then shows, for each hypothesis
with at least two specifications, a *specification curve* (Simonsohn, Simmons & Nelson 2020,
"Specification curve analysis", Nature Human Behaviour 4:1208-1214): the estimate and confidence
interval of every specification, sorted by estimate, with the choices of each marked beneath, and
how many of them agree.

The curve is built from the index's own rows (:func:`analysis.runner.index.index_rows`, after
:func:`analysis.runner.index.adjust`), so its p-values and verdicts are the index's: adjusted
across the whole study with the study's correction.

Definitions
-----------
*Specification*
    One report of the hypothesis: one grid point (its value of each grid dimension).
*Primary specification*
    The first grid point: the first value of every grid dimension, i.e. the first report of the
    hypothesis in this run's plan (a study lists its stated defaults first in each dimension).
    When no report of the hypothesis is in the plan (all from earlier runs), its first report.
*In the direction of the claim*
    A finite estimate on the claimed side of the null: below it for a claim of ``less``, above it
    for ``greater``, anywhere but on it for ``two-sided``, and within the equivalence bounds for
    an equivalence claim (H5). The null is 0 for a correlation (``rho``, an equivalence test) and
    1 for every ratio (IRR, OR, HR, GMR: the result table's ``alternative`` is ``IRR < 1``).
*Significant in that direction*
    The adjusted verdict is ``supported``: the one-sided p-value in the claimed direction,
    adjusted across the study, is at most alpha and the fit is reliable.
*Agreeing*
    The specification's adjusted verdict is the primary's, and the primary's verdict is
    ``supported`` or ``not supported``. An ``inconclusive`` or failed specification never agrees;
    when the primary itself is inconclusive or failed there is nothing to agree with, and the
    share is not given.

Each share's denominator is every specification of the curve, failed ones included. A failed
report's last good result is not drawn (the index still lists it): the curve shows what the
current run stands behind. Specifications without an estimate come last, in grid order.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from analysis import catalog

#: Every word of the index's specification curves, in English, by key (``multiverse.<key>``).
TEXTS: dict[str, str] = {
    "heading": "Specification curve: {hypothesis}",
    "about": "The same claim tested under every combination of the study's analysis choices "
    "(a multiverse; Simonsohn, Simmons & Nelson 2020). The primary specification is the first "
    "value of every choice.",
    "summary": "{n} specifications: {direction} of {n} estimates ({direction_pct}) are in the "
    "direction of the claim, {significant} ({significant_pct}) are significant in that "
    "direction after the study's correction, and {agree} ({agree_pct}) reach the primary "
    "specification's verdict ({verdict}).",
    "summary.no_primary": "{n} specifications: {direction} of {n} estimates ({direction_pct}) "
    "are in the direction of the claim and {significant} ({significant_pct}) are significant in "
    "that direction after the study's correction; the primary specification has no verdict "
    "({verdict}), so none can agree with it.",
    "table.caption": "The specifications of {hypothesis}, sorted by estimate as in the figure.",
    "col.rank": "Rank",
    "col.estimate": "Estimate",
    "col.ci": "95% confidence interval",
    "col.p": "p",
    "col.p_adjusted": "adjusted p",
    "col.verdict": "Verdict",
    "col.report": "Report",
    "primary": "primary",
    "failed": "failed",
    "missing": "not run yet",
    "svg": "Figure as SVG",
    "dim.min_posts": "Minimum posts per page",
    "dim.platforms": "Platforms",
    "dim.model": "Model",
    "dim.reply_window_h": "Reply window (hours)",
    "dim.period": "Period",
    "dim.start": "First day",
    "dim.end": "Last day",
    "dim.alpha": "Significance level",
    "value.all": "all",
}
for _key, _text in TEXTS.items():
    catalog.register(f"multiverse.{_key}", _text)


def text(key: str, language: str, **values: Any) -> str:
    """The text ``multiverse.<key>`` in ``language``, its ``{name}`` fields filled."""
    catalog.check_language(language)
    out = catalog.gettext(f"multiverse.{key}", TEXTS[key], language)
    return out.format(**values) if values else out


def dimension_label(name: str, language: str) -> str:
    """A grid dimension in words ('Minimum posts per page'); its own name when unknown."""
    return text(f"dim.{name}", language) if f"dim.{name}" in TEXTS else name


def value_label(dimension: str, value: str, language: str) -> str:
    """A grid value in words: the index's text of it, 'all' (every platform) translated."""
    return text("value.all", language) if value == "all" else value


@dataclass(frozen=True)
class Specification:
    """One specification (report) of a curve.

    ``status`` is ``significant`` (adjusted verdict supported), ``not_significant`` (not
    supported), ``inconclusive``, ``failed`` (the report's last run failed: its old result is not
    used) or ``missing`` (no result yet). ``choices`` is the value of each grid dimension, in the
    grid's order.
    """

    name: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    p_adjusted: float | None
    verdict: str
    status: str
    choices: tuple[tuple[str, str], ...]
    primary: bool
    in_direction: bool
    agrees: bool

    @property
    def significant(self) -> bool:
        return self.status == "significant"

    @property
    def drawn(self) -> bool:
        """Whether the curve draws a point for it (a finite estimate, not failed)."""
        return self.estimate is not None


@dataclass(frozen=True)
class SpecificationCurve:
    """Every specification of one hypothesis, sorted by estimate, and the shares that agree.

    ``dimensions`` is each grid dimension with its values in grid order (the rows of the
    figure's choice matrix). ``null`` is the estimate of no effect (1 for a ratio, 0 for rho),
    ``ratio`` whether the estimate is a ratio (drawn on a log scale).
    """

    hypothesis: str
    claim: str
    estimate_name: str
    direction: str
    kind: str
    null: float
    ratio: bool
    specs: tuple[Specification, ...]
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    primary: Specification

    @property
    def n(self) -> int:
        return len(self.specs)

    @property
    def n_direction(self) -> int:
        return sum(s.in_direction for s in self.specs)

    @property
    def n_significant(self) -> int:
        return sum(s.significant for s in self.specs)

    @property
    def n_agree(self) -> int | None:
        """Specifications reaching the primary's verdict; ``None`` when it has none."""
        if self.primary.status not in ("significant", "not_significant"):
            return None
        return sum(s.agrees for s in self.specs)

    def share(self, count: int | None) -> float | None:
        return None if count is None else count / self.n

    @property
    def slug(self) -> str:
        """The hypothesis id as a file name part: ``H1`` -> ``h1``."""
        return re.sub(r"[^A-Za-z0-9.+-]+", "-", self.hypothesis).strip("-").lower() or "x"

    @property
    def svg_name(self) -> str:
        """The figure's SVG file beside ``index.html``: ``multiverse-h1.svg``."""
        return f"multiverse-{self.slug}.svg"


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _number(x: Any) -> float | None:
    return float(x) if _finite(x) else None


def _status(row: dict[str, Any]) -> str:
    if row.get("failed"):
        return "failed"
    verdict = row.get("verdict")
    if verdict == "supported":
        return "significant"
    if verdict == "not supported":
        return "not_significant"
    if verdict == "inconclusive":
        return "inconclusive"
    return "missing"


def null_value(row: dict[str, Any]) -> float:
    """The estimate of no effect for a result row: 0 for rho (equivalence), 1 for a ratio."""
    table = row.get("_row") or {}
    if (row.get("kind") or table.get("kind")) == "equivalence" or row.get(
        "estimate_name"
    ) == "rho":
        return 0.0
    return 1.0


def in_direction(estimate: float | None, row: dict[str, Any], null: float) -> bool:
    """Whether ``estimate`` lies on the claimed side of ``null`` (module docstring)."""
    if estimate is None:
        return False
    table = row.get("_row") or {}
    if (row.get("kind") or table.get("kind")) == "equivalence":
        bound = _number(row.get("equivalence_bound") or table.get("equivalence_bound"))
        return bound is not None and abs(estimate - null) < bound
    # the claim's side: a two-sided test of a directional claim keeps it (claim_direction)
    direction = table.get("claim_direction") or table.get("direction") or ""
    if direction == "less":
        return estimate < null
    if direction == "greater":
        return estimate > null
    return estimate != null


def _spec(row: dict[str, Any], dims: list[str], null: float, primary: bool) -> Specification:
    status = _status(row)
    usable = status != "failed"
    estimate = _number(row.get("estimate")) if usable else None
    low, high = (_number(row.get(k)) if usable else None for k in ("ci_low", "ci_high"))
    return Specification(
        name=str(row["name"]),
        estimate=estimate,
        ci_low=low if estimate is not None else None,
        ci_high=high if estimate is not None else None,
        p_value=_number(row.get("p_value")) if usable else None,
        p_adjusted=_number(row.get("p_adjusted")) if usable else None,
        verdict=str(row.get("verdict") or "") if usable else "",
        status=status,
        choices=tuple((d, str(row.get("grid", {}).get(d, ""))) for d in dims),
        primary=primary,
        in_direction=usable and in_direction(estimate, row, null),
        agrees=False,
    )


def _primary_index(rows: list[dict[str, Any]]) -> int:
    return next((i for i, r in enumerate(rows) if r.get("in_plan")), 0)


def curve(rows: list[dict[str, Any]]) -> SpecificationCurve | None:
    """The specification curve of one hypothesis's index rows (adjusted), in index order.

    ``None`` for fewer than two specifications, or when none of them is a test (no row with an
    estimate name or a p-value: e.g. a benchmark report).
    """
    if len(rows) < 2 or not any(r.get("estimate_name") or _finite(r.get("p_value")) for r in rows):
        return None
    dims = list(dict.fromkeys(d for r in rows for d in (r.get("grid") or {})))
    dimensions = tuple(
        (d, tuple(dict.fromkeys(v for r in rows if (v := str((r.get("grid") or {}).get(d, ""))))))
        for d in dims
    )
    first = _primary_index(rows)
    typed = next((r for r in rows if r.get("estimate_name")), rows[first])
    null = null_value(typed)
    specs = [_spec(r, dims, null, i == first) for i, r in enumerate(rows)]
    verdict = specs[first].status
    definite = verdict in ("significant", "not_significant")
    specs = [replace(s, agrees=definite and s.status == verdict) for s in specs]
    order = sorted(
        range(len(specs)), key=lambda i: (specs[i].estimate is None, specs[i].estimate or 0.0, i)
    )
    table = typed.get("_row") or {}
    return SpecificationCurve(
        hypothesis=str(rows[first].get("hypothesis") or ""),
        claim=str(rows[first].get("claim") or ""),
        estimate_name=str(typed.get("estimate_name") or ""),
        direction=str(table.get("direction") or ""),
        kind=str(typed.get("kind") or table.get("kind") or ""),
        null=null,
        ratio=null == 1.0,
        specs=tuple(specs[i] for i in order),
        dimensions=dimensions,
        primary=specs[first],
    )


def curves(rows: list[dict[str, Any]]) -> list[SpecificationCurve]:
    """One :class:`SpecificationCurve` per hypothesis of the index rows that has one, in the
    order the hypotheses first appear."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(str(r.get("hypothesis") or ""), []).append(r)
    return [c for hid, group in groups.items() if hid and (c := curve(group)) is not None]


# --- the index's section ------------------------------------------------------------------


@dataclass(frozen=True)
class SpecRow:
    """One row of a curve's table (the figure's fallback): every cell as text."""

    rank: int
    choices: tuple[str, ...]
    estimate: str
    ci: str
    p: str
    p_adjusted: str
    verdict: str
    status: str
    primary: bool
    href: str
    link: str
    name: str

    @property
    def verdict_class(self) -> str:
        """The index's CSS class of the verdict (``supported``, ``not-supported``...)."""
        return VERDICT_CLASS[self.status]


#: The index's CSS class of each status (the classes of its own verdict column).
VERDICT_CLASS = {
    "significant": "supported",
    "not_significant": "not-supported",
    "inconclusive": "inconclusive",
    "failed": "failed",
    "missing": "missing",
}


@dataclass(frozen=True)
class CurveView:
    """What the index shows of one curve: heading, figure (PNG view, SVG file), sentence, table."""

    anchor: str
    heading: str
    claim: str
    about: str
    summary: str
    figure: Any  # analysis.plots.FigureView
    svg_name: str
    svg_label: str
    columns: dict[str, str]
    dimensions: tuple[str, ...]
    caption: str
    rows: tuple[SpecRow, ...]


def _p_text(p: float | None, language: str) -> str:
    from analysis.formatting import fmt_p

    return "" if p is None else fmt_p(p, language).removeprefix("p = ").removeprefix("p ")


def _verdict_text(spec: Specification, language: str) -> str:
    if spec.status in ("failed", "missing"):
        return text(spec.status, language)
    from analysis.report.i18n import t

    return t(f"verdict.{spec.verdict}", language)


def summary(c: SpecificationCurve, language: str) -> str:
    """The shares in one sentence (the figure's alt text says the same)."""
    from analysis.formatting import fmt_percent  # pandas: not at `dialogic run`'s start-up

    shares = {
        "n": c.n,
        "direction": c.n_direction,
        "direction_pct": fmt_percent(c.share(c.n_direction), language),
        "significant": c.n_significant,
        "significant_pct": fmt_percent(c.share(c.n_significant), language),
        "verdict": _verdict_text(c.primary, language).lower(),
    }
    if c.n_agree is None:
        return text("summary.no_primary", language, **shares)
    return text(
        "summary",
        language,
        agree=c.n_agree,
        agree_pct=fmt_percent(c.share(c.n_agree), language),
        **shares,
    )


def _spec_row(rank: int, spec: Specification, row: dict[str, Any], language: str) -> SpecRow:
    from analysis.formatting import fmt_number

    links = [link for _, group in row.get("link_groups") or [] for link in group]
    ci = (
        f"{fmt_number(spec.ci_low, language)} – {fmt_number(spec.ci_high, language)}"
        if spec.ci_low is not None and spec.ci_high is not None
        else ""
    )
    return SpecRow(
        rank=rank,
        choices=tuple(value_label(d, v, language) for d, v in spec.choices),
        estimate="" if spec.estimate is None else fmt_number(spec.estimate, language),
        ci=ci,
        p=_p_text(spec.p_value, language),
        p_adjusted=_p_text(spec.p_adjusted, language),
        verdict=_verdict_text(spec, language),
        status=spec.status,
        primary=spec.primary,
        href=links[0][1] if links else "",
        link=links[0][0] if links else "",
        name=spec.name,
    )


def view(
    c: SpecificationCurve, rows: list[dict[str, Any]], language: str
) -> tuple[CurveView, bytes]:
    """The index's section of curve ``c`` (``rows``: the index rows, for the report links) and
    the figure's SVG bytes."""
    from analysis.plots_multiverse import specification_curve

    by_name = {str(r["name"]): r for r in rows}
    labels = {
        (d, v): f"{dimension_label(d, language)}: {value_label(d, v, language)}"
        for d, values in c.dimensions
        for v in values
    }
    dims = {d: dimension_label(d, language) for d, _ in c.dimensions}
    heading = text("heading", language, hypothesis=c.hypothesis)
    figure, svg = specification_curve(c, language, labels, dims, title=heading)
    columns = {
        k: text(f"col.{k}", language)
        for k in ("rank", "estimate", "ci", "p", "p_adjusted", "verdict", "report")
    }
    return (
        CurveView(
            anchor=f"multiverse-{c.slug}",
            heading=heading,
            claim=c.claim,
            about=text("about", language),
            summary=summary(c, language),
            figure=figure,
            svg_name=c.svg_name,
            svg_label=text("svg", language),
            columns=columns | {"primary": text("primary", language)},
            dimensions=tuple(dims.values()),
            caption=text("table.caption", language, hypothesis=c.hypothesis),
            rows=tuple(
                _spec_row(i, s, by_name.get(s.name, {}), language)
                for i, s in enumerate(c.specs, start=1)
            ),
        ),
        svg,
    )


def cache_part(rows: list[dict[str, Any]]) -> list[Any]:
    """What the curves show beyond the index's own state, for its cache key: each report's
    hypothesis and choices, and the code that draws them (this module and the figure's)."""
    code = hashlib.sha256()
    for module in ("multiverse.py", "../plots_multiverse.py"):
        code.update((Path(__file__).parent / module).read_bytes())
    return [code.hexdigest(), [[r.get("hypothesis"), r.get("grid")] for r in rows]]


def index_section(
    rows: list[dict[str, Any]], out: Path, language: str = catalog.SOURCE_LANGUAGE
) -> list[CurveView]:
    """The index's specification curves of ``rows`` (the index rows, adjusted), each figure's
    SVG written as ``<out>/multiverse-<hypothesis>.svg``; the SVG of a hypothesis that no longer
    has a curve is removed."""
    from analysis.runner import hashing

    views = []
    for c in curves(rows):
        v, svg = view(c, rows, language)
        hashing.atomic_write(out / v.svg_name, svg)
        views.append(v)
    kept = {v.svg_name for v in views}
    for old in out.glob("multiverse-*.svg") if out.is_dir() else []:
        if old.name not in kept:
            old.unlink()
    return views


def files_present(rows: list[dict[str, Any]], out: Path) -> bool:
    """Whether every curve's SVG of ``rows`` is on disk (else the index is rewritten)."""
    return all((out / c.svg_name).is_file() for c in curves(rows))
