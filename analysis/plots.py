"""The key figure of each hypothesis (seaborn), with alt text, in English or French.

One function per kind of figure, registered by hypothesis id in :data:`FIGURES`; hypotheses not
registered (``generic`` and a study's own) get the page-level comparison of :func:`page_means`.
Every figure uses the Okabe–Ito palette (distinguishable with any common colour-vision
deficiency) and also tells groups apart by marker shape, labels both axes, and comes with an alt
text that states what it shows and its key numbers, so a screen-reader user gets the same message.

Figures are drawn from ``result.analysed`` (the unit-level frame the model used, with ``group``
1 = focal / 0 = reference, ``group_label`` and ``cluster`` = page), so the figure shows exactly
the data that were tested. The time-to-answer curves (H4a and H4b, the two claims of H4) are drawn
from the comment measures of the pages tested, whatever the claim's own outcome.

Small real data never make a figure raise. A group absent from the data is named in the note and
the other group is drawn alone; when nothing meaningful can be drawn (no unit left after the
filters, no value of the measure, no page with both kinds of posts, no known audience size) the
function returns a :class:`FigureView` without an image whose ``reason`` says why in words, in the
report's language, and the report shows that sentence in place of the image.

Figures are built with matplotlib's object-oriented API (``Figure`` with an Agg canvas): importing
this module neither selects a backend nor touches pyplot's figure list, so a researcher's
JupyterLab backend is left as it was; the seaborn theme holds while a key figure is drawn only
(``rc_context``), so the researcher's own figures keep their style.
"""

from __future__ import annotations

import base64
import io
import textwrap
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import matplotlib
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis import catalog
from analysis.formatting import fmt_number, fmt_percent
from analysis.vocabulary import strip_article as _strip_article

#: Every word of the figures, in English, by key; the catalogues translate each under its key
#: (``msgctxt``), as they do the report's words. Owned here so that the figures import nothing
#: from :mod:`analysis.report` (which imports them). :data:`analysis.report.i18n.STRINGS` still
#: registers the same texts under the same keys for now; a context registered twice with other
#: words raises, so the two copies cannot drift apart.
TEXTS: dict[str, str] = {
    "fig.page_mean": "Each dot is one page; the bar shows the median page.",
    "fig.replies_per_post": "Mean replies per post (per page)",
    "fig.answered_share": "Share of comments answered (per page)",
    "fig.hours": "Hours since the comment",
    "fig.unanswered": "Share of comments still unanswered",
    "fig.followers": "Audience size (followers, log scale)",
    "fig.page_type": "Page type",
    "fig.group": "Group",
    "fig.outcome_per_page": "{outcome} (mean per page)",
    "fig.alt.groups": "Dot plot of {outcome}, one dot per page and group: {n} pages, {k} groups. "
    "Medians: {medians}.",
    "fig.alt.km": "Curves of the share of comments still unanswered over the first {window} "
    "hours, by page type. Share unanswered after 24 hours: {at24}.",
    "fig.alt.km.groups": "Curves of the share of comments still unanswered over the first "
    "{window} hours, by group. Share unanswered after 24 hours: {at24}.",
    "fig.alt.scatter": "Scatter plot of mean replies per post against audience size for {n} pages "
    "(log scales); Spearman rho = {rho}.",
    "fig.title.H1": "Replies per post, business and personal pages",
    "fig.title.H1.groups": "Replies per post, {focal} and {reference}",
    "fig.title.H2": "Share of audience comments answered by the page",
    "fig.title.H3": "Replies per post, question posts and other posts",
    "fig.title.H4": "Time until the page answers a comment",
    "fig.title.H5": "Audience size and replies per post",
    "fig.title.H6": "Share answered, negative and other comments",
    "fig.title.generic": "{outcome} by group",
    "fig.question": "question",
    "fig.other": "other",
    "fig.negative": "negative comment",
    "fig.not_negative": "other comment",
    "fig.none.empty": "The figure cannot be drawn: no data are left to show once the filters are "
    "applied (pages with too few posts, or outside the groups compared, are left out).",
    "fig.none.no_values": "The figure cannot be drawn: the measure shown ({outcome}) has no value "
    "in these data.",
    "fig.none.within_page": "The figure cannot be drawn: no page has both question posts and "
    "other posts, so no page can be compared with itself.",
    "fig.none.no_delays": "The figure cannot be drawn: no comment has a known delay (time until "
    "the page answers or until the end of observation).",
    "fig.none.followers": "The figure cannot be drawn: no page has a known audience size "
    "(followers) above zero.",
    "fig.none.failed": "The figure could not be drawn from these data; the results do not depend "
    "on it.",
    "fig.one_group": "No data for {absent}: the figure shows {present} only, with no comparison.",
    "fig.none_answered": "No answer from the page was observed: every comment is still unanswered "
    "at the end of observation (censored).",
    "fig.no_followers": "Pages without a known audience size, not shown: {n}.",
    "type.business": "business page",
    "type.personal": "personal page",
}
for _key, _text in TEXTS.items():
    catalog.register(_key, _text)


def t(key: str, language: str, **values: Any) -> str:
    """The figure text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return text.format(**values) if values else text


#: Okabe & Ito (2008) colour-blind-safe colours: focal group, reference group, extra.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
MARKERS = ("o", "s", "D", "^")
DPI = 150
SIZE_IN = (7.0, 3.9)

#: Count measures: a frame of 0/1 counts is still counts, not a share.
_COUNTS = frozenset(
    {
        "replies",
        "owner_replies",
        "unique_commenters",
        "dialogue_turns",
        "reported_comments",
        "mean_replies",
        "posts",
    }
)
#: Delay column of the time-to-answer curves and its event flag (false = censored).
_DELAY, _EVENT = "time_to_owner_reply_h", "reply_observed"


@dataclass
class FigureView:
    """A rendered figure: PNG (base64), alt text, title, a one-line note, display size in px.

    When the figure cannot be drawn, ``png_base64`` is empty and ``reason`` says why in words
    (``alt`` holds the same sentence); :attr:`drawn` tells the two apart.
    """

    png_base64: str
    alt: str
    title: str
    note: str
    width_px: int
    height_px: int
    reason: str = ""

    @property
    def drawn(self) -> bool:
        return bool(self.png_base64)


@contextmanager
def _style() -> Iterator[None]:
    """The figures' seaborn theme, for what is drawn inside only: matplotlib's rcParams are put
    back on exit, so the researcher's own figures keep their style (and the backend is never
    touched: :func:`matplotlib.rc_context` leaves it out)."""
    with matplotlib.rc_context():
        sns.set_theme(
            style="whitegrid",
            context="notebook",
            font="DejaVu Sans",
            rc={"axes.spines.top": False, "axes.spines.right": False, "axes.titleweight": "bold"},
        )
        yield


def _figure() -> tuple[Figure, Any]:
    """A figure of the standard size with one axes, on its own Agg canvas (no pyplot state)."""
    fig = Figure(figsize=SIZE_IN)
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _wrap_labels(fig: Figure, width: int = 34) -> None:
    """Wrap long axis labels (French ones run long) instead of letting them be cut off."""
    for ax in fig.axes:
        for get, set_ in ((ax.get_ylabel, ax.set_ylabel), (ax.get_xlabel, ax.set_xlabel)):
            label = get()
            if len(label) > width:
                set_(textwrap.fill(label, width))


def _render(fig: Figure, alt: str, title: str, note: str) -> FigureView:
    _wrap_labels(fig)
    buf = io.BytesIO()
    with (
        warnings.catch_warnings()
    ):  # tight_layout may find nothing to tighten on a nearly empty figure
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()
    # metadata={"Software": None} keeps the PNG bytes free of the matplotlib version stamp.
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    w, h = fig.get_size_inches()
    return FigureView(
        base64.b64encode(buf.getvalue()).decode("ascii"),
        alt,
        title,
        note,
        int(round(w * 100)),
        int(round(h * 100)),
    )


def not_drawn(title: str, reason_key: str, language: str, **values: Any) -> FigureView:
    """A figure that cannot be drawn: no image, the reason ``t(reason_key)`` in words."""
    reason = t(reason_key, language, **values)
    w, h = SIZE_IN
    return FigureView(
        "", reason, title, "", int(round(w * 100)), int(round(h * 100)), reason=reason
    )


def _join_notes(*notes: str) -> str:
    return " ".join(n for n in notes if n)


def _legend_title(result: Any, language: str) -> str:
    """'Page type' for business vs personal pages, 'Group' for a study's own groups."""
    groups = getattr(result.hypothesis, "groups", None)
    return t("fig.page_type" if groups is None or groups.is_default else "fig.group", language)


def _title(result: Any, key: str, language: str, **values: str) -> str:
    """The figure's title; a study's own groups get the title that names them."""
    groups = result.hypothesis.groups
    if not groups.is_default and f"{key}.groups" in TEXTS:
        hyp = result.hypothesis
        focal, reference = (
            _strip_article(hyp.text(which, language), language) for which in ("focal", "reference")
        )
        return t(f"{key}.groups", language, focal=focal, reference=reference, **values)
    return t(key, language, **values)


def group_labels(result: Any, language: str) -> dict[int, str]:
    """Group 1 (focal) and 0 (reference) in words, capitalised ('Business pages')."""
    hyp = result.hypothesis
    focal, ref = hyp.text("focal", language), hyp.text("reference", language)
    return {
        1: _strip_article(focal, language).capitalize(),
        0: _strip_article(ref, language).capitalize(),
    }


def _group_words(result: Any, language: str) -> dict[int, str]:
    """Group 1 and 0 as the catalogue words them, with their article ('les pages personnelles')."""
    hyp = result.hypothesis
    return {
        1: hyp.text("focal", language),
        0: hyp.text("reference", language),
    }


def _missing_group_note(result: Any, present: set[int], language: str) -> str:
    """'No data for personal pages: ...' when one of the two groups has nothing to show."""
    if len(present) != 1:
        return ""
    words = _group_words(result, language)
    (shown,) = present
    return t("fig.one_group", language, absent=words[1 - shown], present=words[shown])


def _outcome_words(result: Any, language: str) -> str:
    hyp = result.hypothesis
    return hyp.text("outcome", language) or hyp.outcome


def _analysed(result: Any) -> pd.DataFrame:
    df = getattr(result, "analysed", None)
    return df if isinstance(df, pd.DataFrame) else pd.DataFrame()


def _numeric(s: pd.Series) -> pd.Series:
    """``s`` as floats (booleans 0/1, nullable types NaN) whatever its dtype."""
    if s.dtype == bool or str(s.dtype) == "boolean":
        s = s.astype("Float64")
    return pd.to_numeric(s, errors="coerce").astype(float)


def _usable(
    df: pd.DataFrame, value: str, needed: tuple[str, ...] = ("cluster", "group")
) -> pd.DataFrame:
    """Rows of ``df`` with a finite ``value`` and every ``needed`` column known ('' frame if
    none)."""
    if len(df) == 0 or value not in df or any(c not in df for c in needed):
        return df.iloc[0:0]
    values = _numeric(df[value])
    keep = (np.isfinite(values) & df[list(needed)].notna().all(axis=1)).to_numpy()
    # the rows taken once; all of them kept: the columns shared (replaced below, never written
    # into)
    out = df.copy(deep=False) if keep.all() else df.take(np.flatnonzero(keep))
    out[value] = values.to_numpy()[keep] if not keep.all() else values
    if "group" in out:
        out["group"] = out["group"].astype(int)
    return out


def _no_data(
    result: Any, title: str, df: pd.DataFrame, value: str, language: str
) -> FigureView | None:
    """The reason there is nothing to draw ('no unit left' / 'no value'), or ``None``."""
    analysed = _analysed(result)
    if len(analysed) == 0:
        return not_drawn(title, "fig.none.empty", language)
    if len(df) == 0:
        return not_drawn(
            title, "fig.none.no_values", language, outcome=_outcome_words(result, language)
        )
    return None


def _per_page(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    return frame.groupby(["cluster", *by], observed=True)[value].mean().reset_index()


def _log_y(ax) -> None:
    """A symmetric-log y axis from 0 (zero counts allowed) with plain numbers as tick labels."""
    ax.set_yscale("symlog", linthresh=1)
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom=0, top=max(top, 1.0))  # all zeros: keep a visible range above the dots
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", "\u202f"))
    )


def _is_share(outcome: str, df: pd.DataFrame, pages: pd.DataFrame) -> bool:
    if outcome in _COUNTS:
        return False
    return bool(
        pages[outcome].between(0, 1).all() and df[outcome].dropna().isin([0, 1, True, False]).all()
    )


def _dot_plot(
    ax, pages: pd.DataFrame, value: str, order: list[str], ylabel: str, log: bool = False
) -> None:
    """One dot per page, a bar at each group's median."""
    sns.stripplot(
        data=pages,
        x="label",
        y=value,
        hue="label",
        order=order,
        hue_order=order,
        palette=list(PALETTE[: len(order)]),
        jitter=0.25,
        size=5,
        alpha=0.75,
        ax=ax,
        legend=False,
    )
    for i, lab in enumerate(order):
        med = pages.loc[pages["label"] == lab, value].median()
        ax.hlines(med, i - 0.32, i + 0.32, color="#222222", lw=2.5, zorder=5)
    if log:
        _log_y(ax)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)


def page_means(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str
) -> FigureView:
    """Dot plot of the outcome averaged per page, by group (H1, H2 and any two-group
    hypothesis)."""
    outcome = result.hypothesis.outcome
    hid = result.hypothesis.id
    key = f"fig.title.{hid}" if f"fig.title.{hid}" in TEXTS else "fig.title.generic"
    title = _title(result, key, language, outcome=_outcome_words(result, language).capitalize())
    df = _usable(_analysed(result), outcome)
    if len(df) and not df["group"].isin([0, 1]).all():
        df = df[df["group"].isin([0, 1])]
    if (none := _no_data(result, title, df, outcome, language)) is not None:
        return none
    labels = group_labels(result, language)
    pages = _per_page(df, outcome, ["group"])
    pages["label"] = pages["group"].astype(int).map(labels)
    present = set(pages["group"].astype(int))
    order = [labels[g] for g in (1, 0) if g in present]
    is_share = _is_share(outcome, df, pages)
    ylabel = {
        "H1": t("fig.replies_per_post", language),
        "H2": t("fig.answered_share", language),
    }.get(hid, t("fig.outcome_per_page", language, outcome=_outcome_words(result, language)))
    fig, ax = _figure()
    _dot_plot(ax, pages, outcome, order, ylabel, log=not is_share and pages[outcome].max() > 20)
    if is_share:
        ax.yaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language))
        )
    fmt = (
        (lambda v: fmt_percent(v, language))
        if is_share
        else (lambda v: fmt_number(v, language, 1))
    )
    medians = "; ".join(
        f"{lab} {fmt(pages.loc[pages['label'] == lab, outcome].median())}" for lab in order
    )
    # A page with posts in both groups has one dot in each: count pages, not dots.
    alt = t(
        "fig.alt.groups",
        language,
        outcome=ylabel.lower(),
        n=pages["cluster"].nunique(),
        k=len(order),
        medians=medians,
    )
    return _render(
        fig,
        alt,
        title,
        _join_notes(t("fig.page_mean", language), _missing_group_note(result, present, language)),
    )


def within_page(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str
) -> FigureView:
    """H3: per page, mean replies of question posts and of other posts, joined by a line."""
    outcome = result.hypothesis.outcome
    title = t("fig.title.H3", language)
    df = _usable(_analysed(result), outcome)
    if (none := _no_data(result, title, df, outcome, language)) is not None:
        return none
    pages = _per_page(df, outcome, ["group"]).pivot(
        index="cluster", columns="group", values=outcome
    )
    if 0 not in pages or 1 not in pages or len(pages := pages[[0, 1]].dropna()) == 0:
        return not_drawn(title, "fig.none.within_page", language)
    fig, ax = _figure()
    labels = {
        1: t("fig.question", language).capitalize(),
        0: t("fig.other", language).capitalize(),
    }
    for _, r in pages.iterrows():
        ax.plot([0, 1], [r[0], r[1]], color="#999999", lw=0.7, alpha=0.6, zorder=1)
    for pos, g in ((0, 0), (1, 1)):
        ax.scatter(
            np.full(len(pages), pos),
            pages[g],
            color=PALETTE[1 - pos],
            marker=MARKERS[1 - pos],
            s=22,
            zorder=2,
        )
        ax.hlines(pages[g].median(), pos - 0.15, pos + 0.15, color="#222222", lw=2.5, zorder=3)
    ax.set_xticks([0, 1], [labels[0], labels[1]])
    ax.set_xlim(-0.4, 1.4)
    _log_y(ax)
    ylabel = t("fig.replies_per_post", language)
    ax.set_ylabel(ylabel)
    medians = (
        f"{labels[1]} {fmt_number(pages[1].median(), language, 1)}; {labels[0]} "
        f"{fmt_number(pages[0].median(), language, 1)}"
    )
    alt = t("fig.alt.groups", language, outcome=ylabel.lower(), n=len(pages), k=2, medians=medians)
    return _render(fig, alt, title, t("fig.page_mean", language))


def _survival_frame(result: Any, comments: pd.DataFrame | None) -> pd.DataFrame:
    """Comments with a delay, an event flag and a group, for the time-to-answer curves.

    Drawn from the comment measures of the pages the test analysed (so a claim tested on a subset,
    such as H4b's answered comments, still shows every comment of its pages: the plateau is
    answering less, the slope answering later), each page in the group the test gave it; from the
    analysed frame itself when no comment measures with a delay are given.
    """
    analysed = _analysed(result)
    src = (
        comments
        if isinstance(comments, pd.DataFrame) and _DELAY in comments and "account_id" in comments
        else None
    )
    if src is None or len(analysed) == 0 or "account_id" not in analysed:
        src = analysed
    else:
        if "group" in analysed:
            known = analysed["group"].notna().to_numpy()
            page_group = (
                analysed.loc[known, ["account_id", "group"]].groupby("account_id")["group"].first()
            )
        else:
            page_group = pd.Series(dtype=float)
        cols = [c for c in ("account_id", _DELAY, _EVENT, "answered", "account_type") if c in src]
        src = src.loc[
            src["account_id"].isin(set(analysed["account_id"])).to_numpy(), cols
        ]  # what the curves read
        src["group"] = src["account_id"].map(page_group)
        if "account_type" in src:  # pages the analysed frame gave no group: by their type
            src["group"] = src["group"].fillna(
                src["account_type"].map({"business": 1, "personal": 0})
            )
    if len(src) == 0 or _DELAY not in src or "group" not in src:
        return pd.DataFrame(
            {
                _DELAY: pd.Series(dtype=float),
                _EVENT: pd.Series(dtype=bool),
                "group": pd.Series(dtype=int),
            }
        )
    out = pd.DataFrame(
        {_DELAY: _numeric(src[_DELAY]), "group": pd.to_numeric(src["group"], errors="coerce")}
    )
    event = (
        src[_EVENT] if _EVENT in src else src.get("answered", pd.Series(False, index=src.index))
    )
    out[_EVENT] = event.astype("boolean").fillna(False).astype(bool).to_numpy()
    out = out[np.isfinite(out[_DELAY]) & (out[_DELAY] >= 0) & out["group"].isin([0, 1])]
    out["group"] = out["group"].astype(int)
    return out


def unanswered_curves(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str
) -> FigureView:
    """H4: Kaplan–Meier curves of the share of comments still unanswered, by group."""
    from lifelines import KaplanMeierFitter

    title = t("fig.title.H4", language)
    df = _survival_frame(result, comments)
    if len(_analysed(result)) == 0:
        return not_drawn(title, "fig.none.empty", language)
    if len(df) == 0:
        return not_drawn(title, "fig.none.no_delays", language)
    labels = group_labels(result, language)
    window = float(df[_DELAY].max())
    fig, ax = _figure()
    at24 = []
    present = set(df["group"])
    for i, g in enumerate((1, 0)):
        sub = df[df["group"] == g]
        if len(sub) == 0:
            continue
        km = KaplanMeierFitter().fit(sub[_DELAY], sub[_EVENT], label=labels[g])
        sf = km.survival_function_
        ax.step(
            sf.index,
            sf.iloc[:, 0],
            where="post",
            color=PALETTE[i],
            lw=2.2,
            ls="-" if i == 0 else "--",
            label=labels[g],
        )
        at24.append(f"{labels[g]} {fmt_percent(float(km.predict(24.0)), language)}")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language))
    )
    ax.set_xlabel(t("fig.hours", language))
    ax.set_ylabel(t("fig.unanswered", language))
    ax.legend(title=_legend_title(result, language), frameon=False)
    alt = t(
        "fig.alt.km" if result.hypothesis.groups.is_default else "fig.alt.km.groups",
        language,
        window=fmt_number(window, language, 0),
        at24="; ".join(at24),
    )
    note = _join_notes(
        t("fig.none_answered", language) if not df[_EVENT].any() else "",
        _missing_group_note(result, present, language),
    )
    return _render(fig, alt, title, note)


def audience_scatter(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str
) -> FigureView:
    """H5: mean replies per post against audience size, one dot per page, log scales."""
    from scipy.stats import spearmanr

    hyp = result.hypothesis
    x, y = hyp.contrast, hyp.outcome
    title = t("fig.title.H5", language)
    df = _usable(_analysed(result), y, needed=())
    if (none := _no_data(result, title, df, y, language)) is not None:
        return none
    df[x] = _numeric(df[x]) if x in df else np.nan
    known = df[
        np.isfinite(df[x]) & (df[x] > 0)
    ].copy()  # a log scale shows positive audiences only
    if len(known) == 0:
        return not_drawn(title, "fig.none.followers", language)
    if "account_type" in known:
        known["label"] = known["account_type"].map(
            lambda v: t(f"type.{v}", language).capitalize() if v in ("business", "personal") else v
        )
    else:
        known["label"] = ""
    fig, ax = _figure()
    hue_order = [
        h
        for h in (
            t("type.business", language).capitalize(),
            t("type.personal", language).capitalize(),
        )
        if h in set(known["label"])
    ]
    sns.scatterplot(
        data=known,
        x=x,
        y=y,
        hue="label" if hue_order else None,
        style="label" if hue_order else None,
        hue_order=hue_order or None,
        style_order=hue_order or None,
        palette=list(PALETTE[: len(hue_order)]) or None,
        markers=list(MARKERS[: len(hue_order)]) or True,
        s=30,
        alpha=0.8,
        ax=ax,
    )
    ax.set_xscale("log")  # audience sizes are positive and span four orders of magnitude
    ax.xaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: fmt_number(v, language, 0))
    )
    _log_y(ax)
    ax.set_xlabel(t("fig.followers", language))
    ax.set_ylabel(t("fig.replies_per_post", language))
    if hue_order:
        ax.legend(title=_legend_title(result, language), frameon=False)
    rho = np.nan
    if len(known) >= 2 and known[x].nunique() > 1 and known[y].nunique() > 1:
        rho = spearmanr(known[x], known[y]).statistic
    alt = t("fig.alt.scatter", language, n=len(known), rho=fmt_number(rho, language))
    dropped = len(df) - len(known)
    return _render(fig, alt, title, t("fig.no_followers", language, n=dropped) if dropped else "")


def negative_split(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str
) -> FigureView:
    """H6: share answered per page, negative and other comments, by group (mean and 95 % CI over
    pages)."""
    hyp = result.hypothesis
    title = t("fig.title.H6", language)
    inter = hyp.interaction or "negative"
    df = _usable(_analysed(result), hyp.outcome, needed=("cluster", "group", inter))
    df = df[df["group"].isin([0, 1])] if len(df) else df
    if (none := _no_data(result, title, df, hyp.outcome, language)) is not None:
        return none
    labels = group_labels(result, language)
    pages = _per_page(df, hyp.outcome, ["group", inter])
    pages["label"] = pages["group"].astype(int).map(labels)
    pages["kind"] = (
        pages[inter]
        .astype(bool)
        .map({True: t("fig.negative", language), False: t("fig.not_negative", language)})
    )
    order = [t("fig.not_negative", language), t("fig.negative", language)]
    present = set(pages["group"].astype(int))
    hue_order = [labels[g] for g in (1, 0) if g in present]
    fig, ax = _figure()
    sns.pointplot(
        data=pages,
        x="kind",
        y=hyp.outcome,
        hue="label",
        order=order,
        hue_order=hue_order,
        palette=list(PALETTE[: len(hue_order)]),
        markers=list(MARKERS[: len(hue_order)]),
        linestyles=["-", "--"][: len(hue_order)],
        errorbar=("ci", 95),
        dodge=0.25 if len(hue_order) > 1 else False,
        ax=ax,
        seed=0,
    )  # one group: nothing to dodge
    ax.yaxis.set_major_formatter(
        matplotlib.ticker.FuncFormatter(lambda v, _: fmt_percent(v, language))
    )
    ax.set_xlabel("")
    ylabel = t("fig.answered_share", language)
    ax.set_ylabel(ylabel)
    ax.legend(title=_legend_title(result, language), frameon=False)
    med = pages.groupby(["label", "kind"])[hyp.outcome].mean()
    medians = "; ".join(f"{a} / {b} {fmt_percent(v, language)}" for (a, b), v in med.items())
    alt = t(
        "fig.alt.groups",
        language,
        outcome=ylabel.lower(),
        n=pages["cluster"].nunique(),
        k=len(med),
        medians=medians,
    )
    return _render(fig, alt, title, _missing_group_note(result, present, language))


#: Hypothesis id -> figure function; anything else gets :func:`page_means`.
FIGURES: dict[str, Callable[..., FigureView]] = {
    "H1": page_means,
    "H2": page_means,
    "H3": within_page,
    "H4": unanswered_curves,
    "H4a": unanswered_curves,
    "H4b": unanswered_curves,
    "H5": audience_scatter,
    "H6": negative_split,
}


def figure_function(result: Any) -> Callable[..., FigureView]:
    """The figure function of ``result``'s hypothesis (see :data:`FIGURES`)."""
    hyp = result.hypothesis
    func = FIGURES.get(hyp.id)
    if func is None:
        func = audience_scatter if getattr(hyp, "kind", "") == "equivalence" else page_means
    return func


def key_figure(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str = "en"
) -> FigureView:
    """The key figure of ``result`` (see :data:`FIGURES`), rendered to PNG with alt text.

    Never raises on the data: a figure that cannot be drawn comes back without an image and with
    its reason in words (:attr:`FigureView.reason`). A failure no rule foresaw is reported the same
    way (and as a warning naming the error), so the report is still produced.
    """
    func = figure_function(result)
    try:
        with _style():
            return func(result, posts, comments, language)
    except Exception as exc:  # noqa: BLE001 - a figure must never stop the report
        warnings.warn(
            f"the key figure of {result.hypothesis.id} could not be drawn: {type(exc).__name__}: "
            f"{exc}",
            RuntimeWarning,
            stacklevel=2,
        )
        key = {
            unanswered_curves: "fig.title.H4",
            within_page: "fig.title.H3",
            audience_scatter: "fig.title.H5",
            negative_split: "fig.title.H6",
        }.get(func, f"fig.title.{result.hypothesis.id}")
        title = t(
            key if key in TEXTS else "fig.title.generic",
            language,
            outcome=_outcome_words(result, language).capitalize(),
        )
        return not_drawn(title, "fig.none.failed", language)
