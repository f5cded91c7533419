"""The key figure of each hypothesis (seaborn), with alt text, in English or French.

One function per kind of figure, registered by hypothesis id in :data:`FIGURES`; hypotheses not
registered (``generic`` and a study's own) get the page-level comparison of :func:`page_means`.
Every figure uses the Okabe–Ito palette (distinguishable with any common colour-vision
deficiency) and also tells groups apart by marker shape, labels both axes, and comes with an alt
text that states what it shows and its key numbers, so a screen-reader user gets the same message.

Figures are drawn from ``result.analysed`` (the unit-level frame the model used, with ``group``
1 = focal / 0 = reference, ``group_label`` and ``cluster`` = page), so the figure shows exactly
the data that were tested.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")  # figures are rendered to PNG; no display needed (also in kernels)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from analysis.report.i18n import STRINGS, fmt_number, fmt_percent, t  # noqa: E402

#: Okabe & Ito (2008) colour-blind-safe colours: focal group, reference group, extra.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
MARKERS = ("o", "s", "D", "^")
DPI = 150
SIZE_IN = (7.0, 3.9)


@dataclass
class FigureView:
    """A rendered figure: PNG (base64), alt text, title, a one-line note, display size in px."""

    png_base64: str
    alt: str
    title: str
    note: str
    width_px: int
    height_px: int


def _style() -> None:
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans",
                  rc={"axes.spines.top": False, "axes.spines.right": False, "axes.titleweight": "bold"})


def _wrap_labels(fig: plt.Figure, width: int = 34) -> None:
    """Wrap long axis labels (French ones run long) instead of letting them be cut off."""
    for ax in fig.axes:
        for get, set_ in ((ax.get_ylabel, ax.set_ylabel), (ax.get_xlabel, ax.set_xlabel)):
            label = get()
            if len(label) > width:
                set_(textwrap.fill(label, width))


def _render(fig: plt.Figure, alt: str, title: str, note: str) -> FigureView:
    _wrap_labels(fig)
    buf = io.BytesIO()
    fig.tight_layout()
    # metadata={"Software": None} keeps the PNG bytes free of the matplotlib version stamp.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    w, h = fig.get_size_inches()
    return FigureView(base64.b64encode(buf.getvalue()).decode("ascii"), alt, title, note,
                      int(round(w * 100)), int(round(h * 100)))


def _strip_article(text: str) -> str:
    for art in ("les ", "le ", "la ", "l'", "the "):
        if text.lower().startswith(art):
            return text[len(art):]
    return text


def group_labels(result: Any, language: str) -> dict[int, str]:
    """Group 1 (focal) and 0 (reference) in words, capitalised ('Business pages')."""
    hyp = result.hypothesis
    focal = getattr(hyp, f"focal_{language}", "") or hyp.focal_en
    ref = getattr(hyp, f"reference_{language}", "") or hyp.reference_en
    return {1: _strip_article(focal).capitalize(), 0: _strip_article(ref).capitalize()}


def _outcome_words(result: Any, language: str) -> str:
    hyp = result.hypothesis
    return getattr(hyp, f"outcome_{language}", "") or hyp.outcome


def _per_page(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    return frame.groupby(["cluster", *by], observed=True)[value].mean().reset_index()


def _log_y(ax) -> None:
    """A symmetric-log y axis from 0 (zero counts allowed) with plain numbers as tick labels."""
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", "\u202f")))


def _dot_plot(ax, pages: pd.DataFrame, value: str, order: list[str], ylabel: str, log: bool = False) -> None:
    """One dot per page, a bar at each group's median."""
    sns.stripplot(data=pages, x="label", y=value, hue="label", order=order, hue_order=order,
                  palette=list(PALETTE[:len(order)]), jitter=0.25, size=5, alpha=0.75, ax=ax, legend=False)
    for i, lab in enumerate(order):
        med = pages.loc[pages["label"] == lab, value].median()
        ax.hlines(med, i - 0.32, i + 0.32, color="#222222", lw=2.5, zorder=5)
    if log:
        _log_y(ax)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)


def page_means(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str) -> FigureView:
    """Dot plot of the outcome averaged per page, by group (H1, H2 and any two-group hypothesis)."""
    df = result.analysed
    outcome = result.hypothesis.outcome
    labels = group_labels(result, language)
    pages = _per_page(df, outcome, ["group"])
    pages["label"] = pages["group"].astype(int).map(labels)
    order = [labels[1], labels[0]]
    hid = result.hypothesis.id
    is_share = pages[outcome].between(0, 1).all() and df[outcome].dropna().isin([0, 1, True, False]).all()
    ylabel = {"H1": t("fig.replies_per_post", language), "H2": t("fig.answered_share", language)}.get(
        hid, t("fig.outcome_per_page", language, outcome=_outcome_words(result, language)))
    fig, ax = plt.subplots(figsize=SIZE_IN)
    _dot_plot(ax, pages, outcome, order, ylabel, log=not is_share and pages[outcome].max() > 20)
    if is_share:
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language)))
    fmt = (lambda v: fmt_percent(v, language)) if is_share else (lambda v: fmt_number(v, language, 1))
    medians = "; ".join(f"{lab} {fmt(pages.loc[pages['label'] == lab, outcome].median())}" for lab in order)
    key = f"fig.title.{hid}" if f"fig.title.{hid}" in STRINGS else "fig.title.generic"
    title = t(key, language, outcome=_outcome_words(result, language).capitalize())
    # A page with posts in both groups has one dot in each: count pages, not dots.
    alt = t("fig.alt.groups", language, outcome=ylabel.lower(), n=pages["cluster"].nunique(), k=len(order), medians=medians)
    return _render(fig, alt, title, t("fig.page_mean", language))


def within_page(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str) -> FigureView:
    """H3: per page, mean replies of question posts and of other posts, joined by a line."""
    df = result.analysed
    outcome = result.hypothesis.outcome
    pages = _per_page(df, outcome, ["group"]).pivot(index="cluster", columns="group", values=outcome).dropna()
    fig, ax = plt.subplots(figsize=SIZE_IN)
    labels = {1: t("fig.question", language).capitalize(), 0: t("fig.other", language).capitalize()}
    for _, r in pages.iterrows():
        ax.plot([0, 1], [r[0.0], r[1.0]], color="#999999", lw=0.7, alpha=0.6, zorder=1)
    for pos, g in ((0, 0.0), (1, 1.0)):
        ax.scatter(np.full(len(pages), pos), pages[g], color=PALETTE[1 - pos], marker=MARKERS[1 - pos], s=22, zorder=2)
        ax.hlines(pages[g].median(), pos - 0.15, pos + 0.15, color="#222222", lw=2.5, zorder=3)
    ax.set_xticks([0, 1], [labels[0], labels[1]])
    ax.set_xlim(-0.4, 1.4)
    _log_y(ax)
    ylabel = t("fig.replies_per_post", language)
    ax.set_ylabel(ylabel)
    medians = f"{labels[1]} {fmt_number(pages[1.0].median(), language, 1)}; {labels[0]} {fmt_number(pages[0.0].median(), language, 1)}"
    alt = t("fig.alt.groups", language, outcome=ylabel.lower(), n=len(pages), k=2, medians=medians)
    return _render(fig, alt, t("fig.title.H3", language), t("fig.page_mean", language))


def unanswered_curves(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str) -> FigureView:
    """H4: Kaplan–Meier curves of the share of comments still unanswered, by group."""
    from lifelines import KaplanMeierFitter

    df = result.analysed
    outcome = result.hypothesis.outcome
    event = "reply_observed" if "reply_observed" in df else "answered"
    labels = group_labels(result, language)
    window = float(np.nanmax(df[outcome])) if len(df) else 72.0
    fig, ax = plt.subplots(figsize=SIZE_IN)
    at24 = []
    for i, g in enumerate((1, 0)):
        sub = df[df["group"] == g]
        km = KaplanMeierFitter().fit(sub[outcome].astype(float), sub[event].astype(bool), label=labels[g])
        sf = km.survival_function_
        ax.step(sf.index, sf.iloc[:, 0], where="post", color=PALETTE[i], lw=2.2,
                ls="-" if i == 0 else "--", label=labels[g])
        at24.append(f"{labels[g]} {fmt_percent(float(km.predict(24.0)), language)}")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language)))
    ax.set_xlabel(t("fig.hours", language))
    ax.set_ylabel(t("fig.unanswered", language))
    ax.legend(title=t("fig.page_type", language), frameon=False)
    alt = t("fig.alt.km", language, window=fmt_number(window, language, 0), at24="; ".join(at24))
    return _render(fig, alt, t("fig.title.H4", language), "")


def audience_scatter(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str) -> FigureView:
    """H5: mean replies per post against audience size, one dot per page, log scales."""
    from scipy.stats import spearmanr

    df = result.analysed.copy()
    hyp = result.hypothesis
    x, y = hyp.contrast, hyp.outcome
    if "account_type" in df:
        df["label"] = df["account_type"].map(
            lambda v: t(f"type.{v}", language).capitalize() if v in ("business", "personal") else v)
    else:
        df["label"] = ""
    fig, ax = plt.subplots(figsize=SIZE_IN)
    hue_order = [h for h in (t("type.business", language).capitalize(), t("type.personal", language).capitalize())
                 if h in set(df["label"])]
    sns.scatterplot(data=df, x=x, y=y, hue="label" if hue_order else None, style="label" if hue_order else None,
                    hue_order=hue_order or None, style_order=hue_order or None, palette=list(PALETTE[:len(hue_order)]) or None,
                    markers=list(MARKERS[:len(hue_order)]) or True, s=30, alpha=0.8, ax=ax)
    ax.set_xscale("log")  # audience sizes are positive and span four orders of magnitude
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt_number(v, language, 0)))
    _log_y(ax)
    ax.set_xlabel(t("fig.followers", language))
    ax.set_ylabel(t("fig.replies_per_post", language))
    if hue_order:
        ax.legend(title=t("fig.page_type", language), frameon=False)
    rho = spearmanr(df[x], df[y], nan_policy="omit").statistic
    alt = t("fig.alt.scatter", language, n=len(df), rho=fmt_number(rho, language))
    return _render(fig, alt, t("fig.title.H5", language), "")


def negative_split(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str) -> FigureView:
    """H6: share answered per page, negative and other comments, by group (mean and 95 % CI over pages)."""
    df = result.analysed
    hyp = result.hypothesis
    labels = group_labels(result, language)
    inter = hyp.interaction or "negative"
    pages = _per_page(df, hyp.outcome, ["group", inter])
    pages["label"] = pages["group"].astype(int).map(labels)
    pages["kind"] = pages[inter].astype(bool).map({True: t("fig.negative", language), False: t("fig.not_negative", language)})
    order = [t("fig.not_negative", language), t("fig.negative", language)]
    hue_order = [labels[1], labels[0]]
    fig, ax = plt.subplots(figsize=SIZE_IN)
    sns.pointplot(data=pages, x="kind", y=hyp.outcome, hue="label", order=order, hue_order=hue_order,
                  palette=list(PALETTE[:2]), markers=list(MARKERS[:2]), linestyles=["-", "--"],
                  errorbar=("ci", 95), dodge=0.25, ax=ax, seed=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language)))
    ax.set_xlabel("")
    ylabel = t("fig.answered_share", language)
    ax.set_ylabel(ylabel)
    ax.legend(title=t("fig.page_type", language), frameon=False)
    med = pages.groupby(["label", "kind"])[hyp.outcome].mean()
    medians = "; ".join(f"{a} / {b} {fmt_percent(v, language)}" for (a, b), v in med.items())
    alt = t("fig.alt.groups", language, outcome=ylabel.lower(), n=pages["cluster"].nunique(), k=4, medians=medians)
    return _render(fig, alt, t("fig.title.H6", language), "")


#: Hypothesis id -> figure function; anything else gets :func:`page_means`.
FIGURES: dict[str, Callable[..., FigureView]] = {
    "H1": page_means, "H2": page_means, "H3": within_page, "H4": unanswered_curves,
    "H5": audience_scatter, "H6": negative_split,
}


def key_figure(result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str = "en") -> FigureView:
    """The key figure of ``result`` (see :data:`FIGURES`), rendered to PNG with alt text."""
    _style()
    hyp = result.hypothesis
    func = FIGURES.get(hyp.id)
    if func is None:
        func = audience_scatter if getattr(hyp, "kind", "") == "equivalence" else page_means
    return func(result, posts, comments, language)
