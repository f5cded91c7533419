"""The specification-curve figure of a multiverse, with alt text (Simonsohn et al. 2020).

Drawn from a :class:`analysis.runner.multiverse.SpecificationCurve` with matplotlib's
object-oriented API, in the conventions of :mod:`analysis.plots` (its theme, fonts, Okabe–Ito
palette, PNG rendering without a version stamp and :class:`~analysis.plots.FigureView`): no
backend chosen, pyplot's figure list left alone, the same curve gives the same PNG and SVG bytes.

- The top panel: every specification's estimate with its 95 % confidence interval, sorted by
  estimate (x = rank), against a dashed line at the null (1 for a ratio, drawn on a log scale;
  0 for rho). A specification significant in the claimed direction (after the study's
  correction) is a blue dot, one that is not an orange square, an inconclusive one a hollow grey
  diamond, one without an estimate (failed or not run) a grey cross on the null line: colour and
  marker shape both tell them apart.
- The bottom panel: the choices, one row per value of each grid dimension, a dot where the
  specification above uses that value (same colour and marker).
- The primary specification's column is shaded in both panels.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import matplotlib
import matplotlib.ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import catalog
from analysis.formatting import fmt_number, fmt_percent
from analysis.plots import PALETTE, FigureView, _render, _style

if TYPE_CHECKING:
    from analysis.runner.multiverse import SpecificationCurve

#: Every word of the specification-curve figure, in English, by key.
TEXTS: dict[str, str] = {
    "fig.multiverse.y": "{name} and 95% confidence interval",
    "fig.multiverse.x": "Specifications, sorted by estimate",
    "fig.multiverse.null": "No difference ({name} = {null})",
    "fig.multiverse.significant": "Significant in the claimed direction",
    "fig.multiverse.not_significant": "Not significant",
    "fig.multiverse.inconclusive": "Inconclusive",
    "fig.multiverse.no_estimate": "No estimate (failed or not run)",
    "fig.multiverse.primary": "Primary specification",
    "fig.multiverse.alt": "Specification curve of {hypothesis}: {n} specifications sorted by "
    "their estimate ({name}), each with its 95% confidence interval, against the null of {null}; "
    "beneath, a dot marks each specification's choice of {dimensions}. Estimates range from "
    "{low} to {high}. {direction} of {n} estimates ({direction_pct}) are in the direction of the "
    "claim and {significant} ({significant_pct}) are significant in that direction after the "
    "study's correction; {agreement}.",
    "fig.multiverse.alt.agree": "{agree} ({agree_pct}) reach the primary specification's verdict",
    "fig.multiverse.alt.no_primary": "the primary specification has no verdict",
    "fig.multiverse.alt.no_range": "No specification has an estimate yet.",
}
for _key, _text in TEXTS.items():
    catalog.register(_key, _text)

#: Colour, marker and filled (else hollow) of each status of a specification.
STYLE: dict[str, tuple[str, str, bool]] = {
    "significant": (PALETTE[0], "o", True),
    "not_significant": (PALETTE[1], "s", True),
    "inconclusive": ("#8C8C8C", "D", False),
    "failed": ("#8C8C8C", "X", True),
    "missing": ("#8C8C8C", "X", True),
}
#: The legend's word for each status (failed and missing share one).
_LEGEND = {
    "significant": "significant",
    "not_significant": "not_significant",
    "inconclusive": "inconclusive",
    "failed": "no_estimate",
    "missing": "no_estimate",
}
WIDTH_IN, TOP_IN, ROW_IN = 7.0, 3.1, 0.24
#: Fixed salt of the SVG element ids (as :data:`analysis.report.exports.SVG_HASHSALT`).
SVG_HASHSALT = "dialogic"


def t(key: str, language: str, **values: Any) -> str:
    """The figure text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return text.format(**values) if values else text


def choice_rows(
    curve: SpecificationCurve, labels: Mapping[tuple[str, str], str] | None = None
) -> list[tuple[str, str, str]]:
    """The rows of the choice matrix, top to bottom: ``(dimension, value, label)``; ``labels``
    words each ``(dimension, value)`` (default ``dimension: value``)."""
    labels = labels or {}
    return [
        (dim, value, labels.get((dim, value), f"{dim}: {value}"))
        for dim, values in curve.dimensions
        for value in values
    ]


def _marker(ax, x: float, y: float, status: str, size: float, label: str | None = None) -> None:
    colour, marker, filled = STYLE[status]
    ax.plot(
        [x],
        [y],
        marker=marker,
        linestyle="none",
        markersize=size,
        markeredgewidth=1.2,
        color=colour,
        markerfacecolor=colour if filled else "white",
        label=label,
        zorder=3,
    )


def _y_axis(ax, curve: SpecificationCurve, language: str) -> None:
    if curve.ratio:
        ax.set_yscale("log")
        fmt = matplotlib.ticker.FuncFormatter(lambda v, _: fmt_number(v, language, 2))
        ax.yaxis.set_major_formatter(fmt)
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.yaxis.set_major_locator(
            matplotlib.ticker.LogLocator(base=10, subs=(1, 1.5, 2, 3, 5, 7))
        )
    else:
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: fmt_number(v, language, 2))
        )


def _draw(
    curve: SpecificationCurve, language: str, labels: Mapping[tuple[str, str], str] | None
) -> Figure:
    rows = choice_rows(curve, labels)
    fig = Figure(figsize=(WIDTH_IN, TOP_IN + ROW_IN * len(rows) + 0.7))
    FigureCanvasAgg(fig)
    top, bottom = fig.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": [TOP_IN, ROW_IN * len(rows) + 0.2]}
    )
    xs = range(1, curve.n + 1)
    null_text = fmt_number(curve.null, language, 0)
    top.axhline(
        curve.null,
        color="#222222",
        lw=1.0,
        ls="--",
        zorder=1,
        label=t("fig.multiverse.null", language, name=curve.estimate_name, null=null_text),
    )
    seen: set[str] = set()
    for x, spec in zip(xs, curve.specs, strict=True):
        key = _LEGEND[spec.status]
        label = None if key in seen else t(f"fig.multiverse.{key}", language)
        seen.add(key)
        if spec.primary:
            for ax in (top, bottom):
                ax.axvspan(x - 0.5, x + 0.5, color="#E8E8E8", zorder=0, lw=0)
        if spec.estimate is None:
            _marker(top, x, curve.null, spec.status, 7, label)
            continue
        if spec.ci_low is not None and spec.ci_high is not None:
            top.vlines(x, spec.ci_low, spec.ci_high, color=STYLE[spec.status][0], lw=1.4, zorder=2)
        _marker(top, x, spec.estimate, spec.status, 6, label)
    top.plot([], [], marker="s", ls="none", color="#E8E8E8", markersize=10,
             label=t("fig.multiverse.primary", language))  # fmt: skip
    _y_axis(top, curve, language)
    top.set_ylabel(t("fig.multiverse.y", language, name=curve.estimate_name))
    top.grid(axis="x", visible=False)
    top.margins(y=0.08)
    top.legend(
        fontsize=7.5,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncol=2,
        borderaxespad=0.3,
    )
    # the choice matrix: row 0 at the top
    index = {(dim, value): i for i, (dim, value, _) in enumerate(rows)}
    for x, spec in zip(xs, curve.specs, strict=True):
        for dim, value in spec.choices:
            if (dim, value) in index:
                _marker(bottom, x, index[(dim, value)], spec.status, 5)
    bottom.set_yticks(range(len(rows)), [label for _, _, label in rows], fontsize=8)
    bottom.set_ylim(len(rows) - 0.5, -0.5)
    bottom.grid(axis="x", visible=False)
    bottom.grid(axis="y", color="#EEEEEE")
    edge = 0
    for _, values in curve.dimensions[:-1]:  # a thin line between dimensions
        edge += len(values)
        bottom.axhline(edge - 0.5, color="#888888", lw=0.8)
    bottom.set_xlim(0.5, curve.n + 0.5)
    step = 1 if curve.n <= 30 else 5
    bottom.set_xticks([x for x in xs if x == 1 or x % step == 0])
    bottom.set_xlabel(t("fig.multiverse.x", language))
    return fig


def alt_text(
    curve: SpecificationCurve,
    language: str,
    labels: Mapping[tuple[str, str], str] | None = None,
    dimension_labels: Mapping[str, str] | None = None,
) -> str:
    """What the figure shows in words: n specifications, the range, the shares that agree."""
    dims = dimension_labels or {}
    estimates = [s.estimate for s in curve.specs if s.estimate is not None]
    pct = {
        k: fmt_percent(curve.share(v), language)
        for k, v in (
            ("direction", curve.n_direction),
            ("significant", curve.n_significant),
            ("agree", curve.n_agree),
        )
    }
    agreement = (
        t("fig.multiverse.alt.no_primary", language)
        if curve.n_agree is None
        else t("fig.multiverse.alt.agree", language, agree=curve.n_agree, agree_pct=pct["agree"])
    )
    text = t(
        "fig.multiverse.alt",
        language,
        hypothesis=curve.hypothesis,
        n=curve.n,
        name=curve.estimate_name,
        null=fmt_number(curve.null, language, 0),
        dimensions=", ".join(dims.get(d, d) for d, _ in curve.dimensions),
        low=fmt_number(min(estimates), language) if estimates else "–",
        high=fmt_number(max(estimates), language) if estimates else "–",
        direction=curve.n_direction,
        direction_pct=pct["direction"],
        significant=curve.n_significant,
        significant_pct=pct["significant"],
        agreement=agreement,
    )
    if not estimates:
        text += " " + t("fig.multiverse.alt.no_range", language)
    return text


def specification_curve(
    curve: SpecificationCurve,
    language: str,
    labels: Mapping[tuple[str, str], str] | None = None,
    dimension_labels: Mapping[str, str] | None = None,
    title: str = "",
) -> tuple[FigureView, bytes]:
    """The specification-curve figure of ``curve``: its PNG view (with alt text) and its SVG.

    Parameters
    ----------
    curve : SpecificationCurve
        The specifications, sorted, with their choices and shares.
    language : str
        The language of every word of the figure.
    labels : mapping, optional
        The words of each ``(dimension, value)`` row of the choice matrix.
    dimension_labels : mapping, optional
        The words of each grid dimension (in the alt text).
    title : str
        The figure's title (shown by the page, not drawn).

    Returns
    -------
    (FigureView, bytes)
        The PNG (base64) with its alt text and size, and the same drawing as SVG bytes (no date,
        fixed element ids: deterministic).
    """
    alt = alt_text(curve, language, labels, dimension_labels)
    with _style():
        fig = _draw(curve, language, labels)
        view = _render(fig, alt, title, "")
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
            fig.savefig(buf, format="svg", metadata={"Date": None})
    return view, buf.getvalue()
