"""The benchmark report's figures: the funnel plot and the monthly trend, with alt text.

Drawn from a :class:`analysis.pipeline.benchmark.BenchmarkResult` with matplotlib's
object-oriented API, in the conventions of :mod:`analysis.plots` (its theme, size, fonts, PNG
rendering and :class:`~analysis.plots.FigureView`): no backend chosen, pyplot's figure list left
alone, PNG bytes without a version stamp (the same data give the same bytes). The client is
told apart from its peers by colour *and* by marker, size and a text label, and every alt text
states what the figure shows and its key numbers.

- :func:`funnel_figure` — share of comments answered against the number of comments, one dot a
  page; the peers' pooled share, the 95 % and 99.8 % control limits (Spiegelhalter 2005), widened
  for over-dispersion when the peers vary more than chance allows (the exact binomial limits are
  then drawn too, dotted); the client marked and labelled.
- :func:`trend_figure` — the share answered month by month: each peer a thin grey line, the
  peers' pooled share dashed, the client highlighted.
"""

from __future__ import annotations

from typing import Any

import matplotlib.ticker
import numpy as np
import pandas as pd

from analysis import catalog
from analysis.formatting import fmt_int, fmt_number, fmt_percent
from analysis.plots import PALETTE, FigureView, _figure, _render, _style, not_drawn

#: Every word of the benchmark figures, in English, by key (the catalogues translate each).
TEXTS: dict[str, str] = {
    "fig.bench.funnel.title": "Share of comments answered against the number of comments",
    "fig.bench.funnel.x": "Audience comments received (per page)",
    "fig.bench.funnel.y": "Share of comments answered",
    "fig.bench.funnel.target": "Peers' pooled share ({target})",
    "fig.bench.funnel.l95": "95% control limits",
    "fig.bench.funnel.l998": "99.8% control limits",
    "fig.bench.funnel.binomial": "Limits without over-dispersion",
    "fig.bench.funnel.peers": "Peer page",
    "fig.bench.funnel.note": "Each dot is one page. A page outside the 95% limits differs from "
    "its peers beyond what chance gives a page of its size; outside the 99.8% limits, far "
    "beyond.",
    "fig.bench.funnel.note.phi": "The peers vary more than chance allows (over-dispersion "
    "phi = {phi}), so the limits are widened by the square root of phi; the dotted lines are "
    "the limits without that widening.",
    "fig.bench.funnel.alt": "Funnel plot of the share of comments answered against the number "
    "of comments received, one dot per page, {n} pages. Peers' pooled share: {target}, with "
    "control limits at 95% and 99.8%{widened}. {focal_name}: {share} of {comments} comments "
    "answered, {position}.",
    "fig.bench.funnel.alt.widened": ", widened for over-dispersion (phi = {phi})",
    "fig.bench.pos.within": "within the peers' control limits",
    "fig.bench.pos.below_95": "below the 95% lower limit",
    "fig.bench.pos.below_998": "below the 99.8% lower limit",
    "fig.bench.pos.above_95": "above the 95% upper limit",
    "fig.bench.pos.above_998": "above the 99.8% upper limit",
    "fig.bench.trend.title": "Share of comments answered, month by month",
    "fig.bench.trend.x": "Month",
    "fig.bench.trend.y": "Share of comments answered",
    "fig.bench.trend.peers": "Each peer page",
    "fig.bench.trend.pooled": "Peers' pooled share",
    "fig.bench.trend.note": "Months in which a page received no comment are left out of its line.",
    "fig.bench.trend.note.sparse": "Months with less than a tenth of a typical month's "
    "comments are left out: {months}.",
    "fig.bench.trend.alt": "Line chart of the share of comments answered per calendar month, "
    "{months} months from {first} to {last}: {focal_name} highlighted against {n} peer pages "
    "drawn in grey. {focal_name}'s monthly share ranged from {low} to {high}; the peers' "
    "pooled share, from {peers_low} to {peers_high}.",
    "fig.bench.none.months": "The figure cannot be drawn: the client has no month with "
    "comments in the data kept.",
}
for _key, _text in TEXTS.items():
    catalog.register(_key, _text)

#: The client's colour (Okabe-Ito blue), the peers' grey and the pooled share's orange.
CLIENT, PEER, MEDIAN = PALETTE[0], "#8C8C8C", PALETTE[1]


def t(key: str, language: str, **values: Any) -> str:
    """The figure text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return text.format(**values) if values else text


def _percent_axis(ax, language: str) -> None:
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language))
    )


def position_words(position: str, language: str) -> str:
    """The client's place on the funnel in words ('below the 95% lower limit')."""
    return t(f"fig.bench.pos.{position}", language)


def funnel_figure(result: Any, language: str) -> FigureView:
    """The funnel plot of ``result`` (a :class:`~analysis.pipeline.benchmark.BenchmarkResult`)."""
    fun = result.funnel
    pos = fun.positions
    is_focal = (pos["account_id"] == result.focal).to_numpy()
    focal = pos[is_focal].iloc[0]
    peers = pos[~is_focal & (pos["volume"].to_numpy() > 0)]
    title = t("fig.bench.funnel.title", language)
    widened = fun.phi > 1
    with _style():
        fig, ax = _figure()
        for level, style, key in ((0.95, "-", "l95"), (0.998, "--", "l998")):
            lim = fun.limits[fun.limits["level"] == level]
            ax.plot(lim["volume"], lim["upper"], style, color="#444444", lw=1.1,
                    label=t(f"fig.bench.funnel.{key}", language))  # fmt: skip
            ax.plot(lim["volume"], lim["lower"], style, color="#444444", lw=1.1)
            if widened:
                raw = fun.limits_binomial[fun.limits_binomial["level"] == level]
                label = t("fig.bench.funnel.binomial", language) if level == 0.95 else None
                ax.plot(raw["volume"], raw["upper"], ":", color="#9A9A9A", lw=0.9, label=label)
                ax.plot(raw["volume"], raw["lower"], ":", color="#9A9A9A", lw=0.9)
        ax.axhline(
            fun.target,
            color=MEDIAN,
            lw=1.3,
            label=t("fig.bench.funnel.target", language, target=fmt_percent(fun.target, language)),
        )
        ax.scatter(peers["volume"], peers["proportion"], s=22, color=PEER, alpha=0.85,
                   marker="o", label=t("fig.bench.funnel.peers", language), zorder=3)  # fmt: skip
        ax.scatter([focal["volume"]], [focal["proportion"]], s=90, color=CLIENT, marker="D",
                   edgecolor="black", linewidth=0.8, label=result.focal_name,
                   zorder=5)  # fmt: skip
        ax.annotate(
            result.focal_name,
            (focal["volume"], focal["proportion"]),
            xytext=(8, -14 if focal["proportion"] < fun.target else 8),
            textcoords="offset points",
            fontsize=9,
            fontweight="bold",
            color=CLIENT,
        )
        top = float(np.nanmax([pos["proportion"].max(), fun.target * 2, 0.1]))
        ax.set_ylim(0, min(1.0, top * 1.15))
        ax.set_xlim(0, float(fun.limits["volume"].max()))
        _percent_axis(ax, language)
        ax.set_xlabel(t("fig.bench.funnel.x", language))
        ax.set_ylabel(t("fig.bench.funnel.y", language))
        ax.legend(fontsize=7.5, loc="upper right", frameon=True, ncol=2)
        phi = fmt_number(fun.phi, language, 2)
        alt = t(
            "fig.bench.funnel.alt",
            language,
            n=len(pos),
            target=fmt_percent(fun.target, language),
            widened=t("fig.bench.funnel.alt.widened", language, phi=phi) if widened else "",
            focal_name=result.focal_name,
            share=fmt_percent(focal["proportion"], language),
            comments=fmt_int(focal["volume"], language),
            position=position_words(fun.position, language),
        )
        note = t("fig.bench.funnel.note", language)
        if widened:
            note += " " + t("fig.bench.funnel.note.phi", language, phi=phi)
        return _render(fig, alt, title, note)


def _month_label(period: pd.Period, language: str) -> str:
    from babel.dates import format_date

    return format_date(
        period.to_timestamp().date(), "MMM y", locale=catalog.babel_locale(language)
    )


def trend_figure(result: Any, language: str) -> FigureView:
    """The monthly share answered: peers thin grey, their pooled share dashed, the client
    highlighted; months with under a tenth of the median month's comments are left out (a
    month the collection only began or ended in), and the note names them."""
    title = t("fig.bench.trend.title", language)
    monthly = result.monthly[result.monthly["comments"] > 0]
    totals = monthly.groupby("month")["comments"].sum()
    sparse = sorted(totals.index[totals < 0.1 * totals.median()])
    monthly = monthly[~monthly["month"].isin(sparse)]
    mine = monthly[monthly["account_id"] == result.focal].sort_values("month")
    if mine.empty:
        return not_drawn(title, "fig.bench.none.months", language)
    others = monthly[monthly["account_id"] != result.focal]
    months = sorted(monthly["month"].unique())
    index = {m: i for i, m in enumerate(months)}
    sums = others.groupby("month")[["answered", "comments"]].sum().reindex(months)
    pooled = (sums["answered"] / sums["comments"]).to_numpy(dtype=float)
    with _style():
        fig, ax = _figure()
        first = True
        for _, page in others.groupby("account_id", sort=True):
            page = page.sort_values("month")
            ax.plot([index[m] for m in page["month"]], page["answered_share"], "-", color=PEER,
                    lw=0.7, alpha=0.55,
                    label=t("fig.bench.trend.peers", language) if first else None)  # fmt: skip
            first = False
        ax.plot(range(len(months)), pooled, "--", color=MEDIAN, lw=1.6,
                label=t("fig.bench.trend.pooled", language))  # fmt: skip
        ax.plot([index[m] for m in mine["month"]], mine["answered_share"], "-D", color=CLIENT,
                lw=2.6, markersize=5, label=result.focal_name, zorder=5)  # fmt: skip
        step = max(1, len(months) // 8)
        ticks = list(range(0, len(months), step))
        ax.set_xticks(ticks)
        ax.set_xticklabels([_month_label(months[i], language) for i in ticks], fontsize=8)
        ax.set_ylim(0, min(1.0, float(monthly["answered_share"].max()) * 1.1 or 1.0))
        _percent_axis(ax, language)
        ax.set_xlabel(t("fig.bench.trend.x", language))
        ax.set_ylabel(t("fig.bench.trend.y", language))
        ax.legend(fontsize=7.5, loc="upper right", frameon=True)
        alt = t(
            "fig.bench.trend.alt",
            language,
            months=len(months),
            first=_month_label(months[0], language),
            last=_month_label(months[-1], language),
            focal_name=result.focal_name,
            n=others["account_id"].nunique(),
            low=fmt_percent(mine["answered_share"].min(), language),
            high=fmt_percent(mine["answered_share"].max(), language),
            peers_low=fmt_percent(float(np.nanmin(pooled)), language),
            peers_high=fmt_percent(float(np.nanmax(pooled)), language),
        )
        note = t("fig.bench.trend.note", language)
        if sparse:
            left_out = ", ".join(_month_label(m, language) for m in sparse)
            note += " " + t("fig.bench.trend.note.sparse", language, months=left_out)
        return _render(fig, alt, title, note)
