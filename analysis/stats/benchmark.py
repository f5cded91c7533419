"""Benchmark one page (the client) against its peers: league table, funnel plot, single-case test.

Pure functions on the per-post and per-comment measure frames of :mod:`analysis.measures`
(:func:`~analysis.measures.post_measures`, :func:`~analysis.measures.comment_measures`); no
plotting and no report wording. Numbers are unrounded.

Usage
-----
>>> from analysis.stats import benchmark as bm
>>> league = bm.league_table(post_m, comment_m)                    # one row per page
>>> peers = league[league.account_id != "client"]
>>> target = bm.pooled_rate(peers.answered, peers.comments)        # peers' pooled rate
>>> phi = bm.funnel_overdispersion(peers.answered, peers.comments, target).phi
>>> limits = bm.funnel_limits(target, range(1, 500), phi=phi)      # the funnel's curves
>>> where = bm.funnel_positions(league.answered, league.comments, target, phi)
>>> versus = bm.client_vs_peers(league, "client")  # Crawford-Howell per metric, with a status
>>> vendors = bm.vendor_metrics(post_m, comment_m)                 # industry definitions
>>> months = bm.monthly_rates(post_m, comment_m)                   # page x calendar month

References
----------
Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. *Statistics in
Medicine* 24:1185-1202. Spiegelhalter DJ (2005). Handling over-dispersion of performance
indicators. *Quality and Safety in Health Care* 14:347-351. Crawford JR, Howell DC (1998).
Comparing an individual's test score against norms derived from small samples. *The Clinical
Neuropsychologist* 12:482-486. Crawford JR, Garthwaite PH (2002). Investigation of the single
case in neuropsychology: confidence limits on the abnormality of test scores and test score
differences. *Neuropsychologia* 40:1196-1208. Crawford JR, Garthwaite PH, Porter S (2010).
Point and interval estimates of effect sizes for the case-controls design in neuropsychology.
*Cognitive Neuropsychology* 27:245-260. Wilson EB (1927). Probable inference, the law of
succession, and statistical inference. *JASA* 22:209-212.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

PAGE_KEYS = ["account_id", "platform", "account_type"]
#: funnel positions, from worst to best (a higher proportion is "above")
POSITIONS = ("below_998", "below_95", "within", "above_95", "above_998")
#: Emplifi-style response-time buckets in hours: (name, lower bound excluded, upper included);
#: the first bucket includes 0
BUCKETS = (
    ("0_2h", 0.0, 2.0),
    ("2_8h", 2.0, 8.0),
    ("8_24h", 8.0, 24.0),
    ("over_24h", 24.0, np.inf),
)

Alternative = Literal["two-sided", "less", "greater"]


def _pages(post_m: pd.DataFrame, comment_m: pd.DataFrame) -> pd.DataFrame:
    """The pages of both frames (account_id, platform, account_type), one row each."""
    keys = [k for k in PAGE_KEYS if k in post_m.columns and k in comment_m.columns]
    both = pd.concat([post_m[keys], comment_m[keys]], ignore_index=True)
    for k in keys:
        both[k] = both[k].astype(object)
    return both.drop_duplicates("account_id").sort_values("account_id").reset_index(drop=True)


def _as_float(values) -> np.ndarray:
    """Values as a float array, missing (NA/None) as NaN."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_numeric_dtype(series.dtype):
        series = pd.to_numeric(series.astype(object), errors="coerce")
    return series.to_numpy(dtype=float, na_value=np.nan)


def _post_counts(post_m: pd.DataFrame) -> dict:
    """account_id -> its posts' ``replies`` as floats (NaN where the source has no threads)."""
    replies = pd.Series(_as_float(post_m["replies"]), index=post_m.index)
    return {acc: grp.to_numpy() for acc, grp in replies.groupby(post_m["account_id"].to_numpy())}


def poisson_rate_ci(counts: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    """Quasi-Poisson rate per unit and its confidence interval.

    Parameters
    ----------
    counts : array of int
        One count per unit (audience comments per post).
    level : float
        Confidence level.

    Returns
    -------
    (rate, low, high, phi)
        ``rate = total/n``; dispersion ``phi = max(1, X2/(n-1))`` with Pearson
        ``X2 = sum((y-rate)^2/rate)``; CI ``exp(log(rate) +- z*sqrt(phi/total))``.

    Notes
    -----
    Defined edge cases: ``n == 1`` has no dispersion estimate, so ``phi = 1`` (plain Poisson);
    ``total == 0`` gives ``rate = 0``, ``phi = 1``, ``low = 0`` and the exact Poisson upper bound
    ``-log((1-level)/2)/n`` (the log-scale interval does not exist); ``n == 0`` gives NaN.
    """
    y = np.asarray(counts, dtype=float)
    n = y.size
    if n == 0:
        return (math.nan,) * 4
    total = y.sum()
    rate = total / n
    if total == 0:
        return 0.0, 0.0, -math.log((1 - level) / 2) / n, 1.0
    x2 = float(((y - rate) ** 2 / rate).sum())
    phi = max(1.0, x2 / (n - 1)) if n > 1 else 1.0
    z = stats.norm.ppf(1 - (1 - level) / 2)
    half = z * math.sqrt(phi / total)
    return rate, math.exp(math.log(rate) - half), math.exp(math.log(rate) + half), phi


def median_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float, float]:
    """Median with a distribution-free (binomial order-statistic) confidence interval.

    Returns
    -------
    (median, low, high, coverage)
        ``low = x_(l)``, ``high = x_(k+1-l)`` of the k sorted values, where ``l`` is the largest
        rank with ``P(B <= l-1) <= (1-level)/2`` for ``B ~ Binomial(k, 1/2)``; ``coverage =
        1 - 2 P(B <= l-1)`` (>= level). NaN bounds when k is too small for the level (k <= 5 at
        95 %); all NaN when there are no values.
    """
    x = np.sort(np.asarray(values, dtype=float))
    k = x.size
    if k == 0:
        return (math.nan,) * 4
    med = float(np.median(x))
    cdf = stats.binom.cdf(np.arange(k + 1), k, 0.5)
    l_rank = int((cdf <= (1 - level) / 2).sum())
    if l_rank == 0:
        return med, math.nan, math.nan, math.nan
    return med, float(x[l_rank - 1]), float(x[k - l_rank]), float(1 - 2 * cdf[l_rank - 1])


def league_table(
    post_m: pd.DataFrame, comment_m: pd.DataFrame, level: float = 0.95
) -> pd.DataFrame:
    """One row per page: volumes, rates with confidence intervals, and the rank.

    Parameters
    ----------
    post_m, comment_m : pandas.DataFrame
        Per-post and per-audience-comment measures (:mod:`analysis.measures`).
    level : float
        Confidence level of every interval.

    Returns
    -------
    pandas.DataFrame
        ``account_id, platform, account_type, posts, replies, replies_per_post,
        replies_per_post_low, replies_per_post_high, replies_dispersion, comments, answered,
        answered_share, answered_share_low, answered_share_high, answered_observed,
        median_answer_h, median_answer_h_low, median_answer_h_high, median_answer_h_coverage,
        rank_answered_share``, sorted by account_id.

    Notes
    -----
    ``replies_per_post`` is quasi-Poisson (:func:`poisson_rate_ci`) over the posts with a count
    (``replies``, ``replies_per_post`` and its bounds are NaN for a page whose source has no
    comment threads: ``replies`` NA in the post frame); ``answered_share`` =
    answered / comments with a Wilson interval (NaN for a page with no comments);
    ``median_answer_h`` is over the comments answered within the window (``reply_observed``) with
    the order-statistic interval of :func:`median_ci`; ``rank_answered_share`` is 1 for the
    highest share (ties share the best rank; NA without comments).
    """
    pages = _pages(post_m, comment_m)
    rows = []
    posts_by = _post_counts(post_m)
    comments_by = dict(tuple(comment_m.groupby("account_id", observed=True)))
    for acc in pages["account_id"]:
        all_posts = posts_by.get(acc, np.array([]))
        replies = all_posts[np.isfinite(all_posts)]
        rate, r_lo, r_hi, phi = poisson_rate_ci(replies, level)
        com = comments_by.get(acc)
        n_com = 0 if com is None else len(com)
        answered = 0 if com is None else int(com["answered"].sum())
        if n_com:
            share = answered / n_com
            s_lo, s_hi = proportion_confint(answered, n_com, alpha=1 - level, method="wilson")
        else:
            share = s_lo = s_hi = math.nan
        if com is None:
            delays = np.array([])
        else:
            delays = com.loc[com["reply_observed"].astype(bool), "time_to_owner_reply_h"]
        med, m_lo, m_hi, cov = median_ci(np.asarray(delays, dtype=float), level)
        rows.append(
            {
                "account_id": acc,
                "posts": all_posts.size,
                "replies": replies.sum() if replies.size else math.nan,
                "replies_per_post": rate,
                "replies_per_post_low": r_lo,
                "replies_per_post_high": r_hi,
                "replies_dispersion": phi,
                "comments": n_com,
                "answered": answered,
                "answered_share": share,
                "answered_share_low": float(s_lo),
                "answered_share_high": float(s_hi),
                "answered_observed": len(delays),
                "median_answer_h": med,
                "median_answer_h_low": m_lo,
                "median_answer_h_high": m_hi,
                "median_answer_h_coverage": cov,
            }
        )
    out = pages.merge(pd.DataFrame(rows), on="account_id", how="left")
    out["rank_answered_share"] = (
        out["answered_share"].rank(ascending=False, method="min").astype("Int64")
    )
    return out


def pooled_rate(counts, volumes, exclude=None) -> float:
    """Pooled proportion ``sum(counts)/sum(volumes)``, optionally leaving units out.

    Parameters
    ----------
    counts, volumes : array-like
        Numerators (answered comments) and denominators (comments), one per unit.
    exclude : array-like of bool, optional
        True for the units to leave out (the focal page when the target is its peers' rate).
    """
    c = np.asarray(counts, dtype=float)
    v = np.asarray(volumes, dtype=float)
    if exclude is not None:
        keep = ~np.asarray(exclude, dtype=bool)
        c, v = c[keep], v[keep]
    if v.sum() <= 0:
        raise ValueError(
            "pooled_rate: the volumes sum to zero, so there is no rate to pool; "
            "pass units with at least one comment."
        )
    return float(c.sum() / v.sum())


def _check_target(target: float) -> None:
    if not 0 < target < 1:
        raise ValueError(
            f"funnel target must lie strictly between 0 and 1, got {target!r}: the limits of a "
            "proportion of 0 or 1 collapse; check the peers' pooled rate."
        )


def funnel_limits(
    target: float,
    volumes,
    levels: tuple[float, ...] = (0.95, 0.998),
    phi: float = 1.0,
) -> pd.DataFrame:
    """Funnel-plot control limits for a proportion (Spiegelhalter 2005, Stat Med 24:1185).

    Parameters
    ----------
    target : float
        The proportion the units are compared with (the peers' pooled rate).
    volumes : array-like of int
        Denominators (comments) at which to compute the limits.
    levels : tuple of float
        Two-sided coverage of each pair of limits.
    phi : float
        Multiplicative over-dispersion (>= 1). ``phi == 1``: exact binomial limits with the paper's
        interpolation; ``phi > 1``: ``target +- z*sqrt(phi*target*(1-target)/n)``.

    Returns
    -------
    pandas.DataFrame
        ``volume, level, lower, upper, method`` (one row per volume and level), limits clipped to
        [0, 1].

    Notes
    -----
    Exact limit at tail probability p: ``r_p`` = the binomial p-quantile (smallest r with
    ``F(r) >= p``), ``alpha = (F(r_p) - p)/(F(r_p) - F(r_p - 1))``, limit ``(r_p - alpha)/n``.
    """
    _check_target(target)
    if phi < 1:
        raise ValueError(
            f"funnel_limits: phi must be >= 1, got {phi!r}; under-dispersion is not adjusted for, "
            "pass max(1, phi)."
        )
    n = np.asarray(volumes, dtype=float)
    frames = []
    for level in levels:
        tail = (1 - level) / 2
        if phi > 1:
            z = stats.norm.ppf(1 - tail)
            with np.errstate(divide="ignore", invalid="ignore"):
                half = z * np.sqrt(phi * target * (1 - target) / n)
            lower, upper, method = target - half, target + half, "overdispersed_normal"
        else:
            lower = _exact_limit(target, n, tail)
            upper = _exact_limit(target, n, 1 - tail)
            method = "binomial"
        bad = n <= 0
        frames.append(
            pd.DataFrame(
                {
                    "volume": n,
                    "level": level,
                    "lower": np.where(bad, np.nan, np.clip(lower, 0, 1)),
                    "upper": np.where(bad, np.nan, np.clip(upper, 0, 1)),
                    "method": method,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _exact_limit(target: float, n: np.ndarray, p: float) -> np.ndarray:
    safe = np.where(n > 0, n, 1)
    r = stats.binom.ppf(p, safe, target)
    f_r = stats.binom.cdf(r, safe, target)
    f_below = stats.binom.cdf(r - 1, safe, target)
    alpha = (f_r - p) / (f_r - f_below)
    return (r - alpha) / safe


@dataclass(frozen=True)
class Overdispersion:
    """Over-dispersion of units around a target (Spiegelhalter 2005, QSHC 14:347).

    ``phi_raw = mean(z_w^2)`` of the 10 % winsorised z-scores (multiplicative form);
    ``phi = max(1, phi_raw)`` is what :func:`funnel_limits` takes. ``chi2 = I*phi_raw`` is
    compared with a chi-squared on ``I - 1`` degrees of freedom (``p_value``; small p: the units
    vary more than chance allows).
    """

    phi: float
    phi_raw: float
    n_units: int
    n_winsorised: int
    chi2: float
    df: int
    p_value: float


def funnel_z(counts, volumes, target: float) -> np.ndarray:
    """Binomial z-scores ``(y/n - target)/sqrt(target*(1-target)/n)``."""
    _check_target(target)
    c = np.asarray(counts, dtype=float)
    n = np.asarray(volumes, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (c / n - target) / np.sqrt(target * (1 - target) / n)


def funnel_overdispersion(counts, volumes, target: float) -> Overdispersion:
    """Multiplicative over-dispersion factor from 10 % winsorised z-scores.

    Parameters
    ----------
    counts, volumes : array-like
        Numerators and denominators of the units (units with volume 0 are dropped).
    target : float
        The proportion the units are compared with.

    Notes
    -----
    Winsorising: with ``k = floor(0.1*I)`` the k lowest z-scores are set to the (k+1)-th lowest
    and the k highest to the (k+1)-th highest; ``phi_raw = sum(z_w^2)/I``. The additive
    (random-effects) form of the paper is not used.
    """
    z = funnel_z(counts, volumes, target)
    z = z[np.isfinite(z)]
    units = z.size
    if units < 2:
        raise ValueError(
            f"funnel_overdispersion needs at least 2 units with comments, got {units}; "
            "the spread of one unit cannot be estimated."
        )
    k = int(math.floor(0.1 * units))
    zs = np.sort(z)
    if k:
        zs[:k] = zs[k]
        zs[units - k :] = zs[units - k - 1]
    phi_raw = float(np.mean(zs**2))
    chi2 = units * phi_raw
    return Overdispersion(
        phi=max(1.0, phi_raw),
        phi_raw=phi_raw,
        n_units=units,
        n_winsorised=2 * k,
        chi2=chi2,
        df=units - 1,
        p_value=float(stats.chi2.sf(chi2, units - 1)),
    )


def funnel_positions(
    counts, volumes, target: float, phi: float = 1.0, levels: tuple[float, float] = (0.95, 0.998)
) -> pd.DataFrame:
    """Where each unit falls on the funnel.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``counts`` (a Series keeps its index): ``count, volume, proportion, z,
        lower_inner, upper_inner, lower_outer, upper_outer, position`` where position is one of
        :data:`POSITIONS` (``below_998`` below the outer lower limit, ... ; a point exactly on a
        limit is within it); NA for a unit without volume.
    """
    index = counts.index if isinstance(counts, pd.Series) else None
    c = np.asarray(counts, dtype=float)
    n = np.asarray(volumes, dtype=float)
    inner, outer = levels
    lim = funnel_limits(target, n, (inner, outer), phi)
    lin = lim[lim["level"] == inner]
    lout = lim[lim["level"] == outer]
    with np.errstate(divide="ignore", invalid="ignore"):
        prop = np.where(n > 0, c / n, np.nan)
    out = pd.DataFrame(
        {
            "count": c,
            "volume": n,
            "proportion": prop,
            "z": funnel_z(c, n, target),
            "lower_inner": lin["lower"].to_numpy(),
            "upper_inner": lin["upper"].to_numpy(),
            "lower_outer": lout["lower"].to_numpy(),
            "upper_outer": lout["upper"].to_numpy(),
        },
        index=index,
    )
    pos = np.select(
        [
            prop < out["lower_outer"],
            prop < out["lower_inner"],
            prop > out["upper_outer"],
            prop > out["upper_inner"],
            np.isfinite(prop),
        ],
        list(POSITIONS[:2]) + list(POSITIONS[3:][::-1]) + ["within"],
        default=None,
    )
    out["position"] = pos
    return out


@dataclass(frozen=True)
class SingleCaseResult:
    """Crawford-Howell test of one case against a small control sample.

    ``share_below`` is the estimated share of the peer population below the focal value
    (Crawford & Garthwaite 2002), with its interval ``share_below_low/high`` = Phi of the z_cc
    bounds.
    """

    focal: float
    peers_mean: float
    peers_sd: float
    n_peers: int
    difference: float
    t: float
    df: int
    p_value: float
    alternative: str
    z_cc: float
    z_cc_low: float
    z_cc_high: float
    share_below: float
    share_below_low: float
    share_below_high: float
    level: float


def _ncp_for(t_obs: float, df: int, prob: float) -> float:
    """The non-centrality delta with ``nct.cdf(t_obs, df, delta) == prob``.

    ``nct.cdf(t_obs, df, delta)`` decreases in delta, so the bracket is widened until it holds a
    sign change, then Brent's method finds the root. scipy's ``nct.cdf`` returns NaN far in a
    tail (e.g. ``nct.cdf(-5, 158, 5)``); there the true value is 0 (delta above ``t_obs``) or 1
    (below), which keeps the function monotone for the solver.
    """

    def f(d):
        cdf = float(stats.nct.cdf(t_obs, df, d))
        if math.isnan(cdf):
            cdf = 0.0 if d > t_obs else 1.0
        return cdf - prob

    lo, hi = t_obs - 10.0, t_obs + 10.0
    while f(lo) < 0:
        lo -= 10.0 + abs(lo)
    while f(hi) > 0:
        hi += 10.0 + abs(hi)
    return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-12))


def single_case_test(
    focal: float, peers, alternative: Alternative = "two-sided", level: float = 0.95
) -> SingleCaseResult:
    """Crawford & Howell (1998) modified t-test of one focal value against a few peers.

    Parameters
    ----------
    focal : float
        The focal page's value.
    peers : array-like of float
        The peers' values (the focal page excluded), at least 2, not all equal.
    alternative : {"two-sided", "less", "greater"}
        "less": the focal page is below the peer population.
    level : float
        Confidence level of the z_cc interval.

    Notes
    -----
    ``t = (x - mean)/(s*sqrt((n+1)/n))`` on ``n - 1`` df. ``z_cc = (x - mean)/s``; its interval
    solves ``nct.cdf(z_cc*sqrt(n), n-1, delta) = 1 - a/2`` (lower) and ``a/2`` (upper) for delta
    and divides by ``sqrt(n)`` (Crawford & Garthwaite 2002). ``share_below = t_{n-1}.cdf(t)``.
    """
    y = np.asarray(peers, dtype=float)
    if y.size < 2:
        raise ValueError(
            f"single_case_test needs at least 2 peers, got {y.size}: their standard deviation "
            "cannot be estimated from fewer; add peer pages (or compare descriptively)."
        )
    if not (np.isfinite(y).all() and math.isfinite(focal)):
        raise ValueError(
            "single_case_test: the focal value and peer values must be finite numbers; drop the "
            "pages without the metric (e.g. no comments) before calling."
        )
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be two-sided, less or greater, got {alternative!r}")
    n = y.size
    mean, sd = float(y.mean()), float(y.std(ddof=1))
    if sd == 0:
        raise ValueError(
            "single_case_test: all peers have the same value, so their spread is zero and the "
            "test is undefined; report the comparison descriptively."
        )
    df = n - 1
    t = (focal - mean) / (sd * math.sqrt((n + 1) / n))
    if alternative == "less":
        p = float(stats.t.cdf(t, df))
    elif alternative == "greater":
        p = float(stats.t.sf(t, df))
    else:
        p = float(2 * stats.t.sf(abs(t), df))
    z_cc = (focal - mean) / sd
    a = 1 - level
    t_obs = z_cc * math.sqrt(n)
    z_lo = _ncp_for(t_obs, df, 1 - a / 2) / math.sqrt(n)
    z_hi = _ncp_for(t_obs, df, a / 2) / math.sqrt(n)
    return SingleCaseResult(
        focal=float(focal),
        peers_mean=mean,
        peers_sd=sd,
        n_peers=n,
        difference=float(focal - mean),
        t=float(t),
        df=df,
        p_value=p,
        alternative=alternative,
        z_cc=float(z_cc),
        z_cc_low=z_lo,
        z_cc_high=z_hi,
        share_below=float(stats.t.cdf(t, df)),
        share_below_low=float(stats.norm.cdf(z_lo)),
        share_below_high=float(stats.norm.cdf(z_hi)),
        level=level,
    )


#: ``status`` of a :func:`client_vs_peers` row: the test ran, or why it could not
CASE_STATUS = ("tested", "no_focal_value", "too_few_peers", "no_peer_spread")


def client_vs_peers(
    league: pd.DataFrame,
    focal_id: str,
    metrics: tuple[str, ...] = ("answered_share", "replies_per_post"),
    alternative: Alternative = "two-sided",
    level: float = 0.95,
) -> pd.DataFrame:
    """The client page against every other page of the league table, metric by metric.

    Parameters
    ----------
    league : pandas.DataFrame
        Output of :func:`league_table` (or any frame with ``account_id`` and the metrics).
    focal_id : str
        The client's account_id; it is never one of its own peers.
    metrics : tuple of str
        Columns to compare; a peer without the metric (NaN) is left out of that metric.
    alternative, level
        As in :func:`single_case_test`.

    Returns
    -------
    pandas.DataFrame
        One row per metric: ``metric, focal_id`` and the fields of :class:`SingleCaseResult`
        (``focal, peers_mean, peers_sd, n_peers, difference, t, df, p_value, alternative, z_cc,
        z_cc_low, z_cc_high, share_below, share_below_low, share_below_high, level``), then
        ``rank`` (1 = highest value among the pages with the metric, the client included; NA
        when the client has no value), ``n_ranked`` and ``status`` (:data:`CASE_STATUS`).

    Notes
    -----
    A metric that cannot be tested does not raise: its row has ``status`` "no_focal_value" (the
    client has no value, e.g. no comments), "too_few_peers" (fewer than 2 peers with a value) or
    "no_peer_spread" (all peers equal), the descriptive fields that exist (``focal``,
    ``peers_mean``, ``peers_sd``, ``n_peers``, ``difference``, ``rank``) and NaN test fields.
    """
    is_focal = (league["account_id"] == focal_id).to_numpy(dtype=bool)
    if is_focal.sum() != 1:
        raise ValueError(
            f"client_vs_peers: focal page {focal_id!r} appears {int(is_focal.sum())} times in the "
            "league table (expected once); check the account_id."
        )
    rows = []
    for metric in metrics:
        values = pd.Series(_as_float(league[metric]))
        focal = float(values[is_focal].iloc[0])
        peers = values[~is_focal].dropna().to_numpy()
        ranked = values.dropna()
        has_focal = math.isfinite(focal)
        if not has_focal:
            status = "no_focal_value"
        elif peers.size < 2:
            status = "too_few_peers"
        elif np.ptp(peers) == 0:
            status = "no_peer_spread"
        else:
            status = "tested"
        if status == "tested":
            fields = asdict(single_case_test(focal, peers, alternative=alternative, level=level))
        else:
            fields = {f: math.nan for f in SingleCaseResult.__dataclass_fields__}
            mean = float(peers.mean()) if peers.size else math.nan
            fields |= {
                "focal": focal,
                "peers_mean": mean,
                "peers_sd": float(peers.std(ddof=1)) if peers.size > 1 else math.nan,
                "n_peers": int(peers.size),
                "difference": focal - mean,
                "df": int(peers.size) - 1 if peers.size else math.nan,
                "alternative": alternative,
                "level": level,
            }
        rank = int((ranked > focal).sum()) + 1 if has_focal else pd.NA
        rows.append(
            {"metric": metric, "focal_id": focal_id}
            | fields
            | {"rank": rank, "n_ranked": int(ranked.size), "status": status}
        )
    out = pd.DataFrame(rows)
    out["rank"] = out["rank"].astype("Int64")
    return out


def vendor_metrics(post_m: pd.DataFrame, comment_m: pd.DataFrame) -> pd.DataFrame:
    """Industry definitions of responsiveness, per page, each with numerator and denominator.

    Returns
    -------
    pandas.DataFrame
        ``account_id, platform, account_type`` then:

        - Sprout-style response rate (Sprout Social, "Response rate": messages answered /
          messages received): ``response_rate_num`` (audience comments answered before
          collection), ``response_rate_den`` (audience comments), ``response_rate``.
        - Facebook-style response time (Facebook Pages' response-time badge: the average of the
          fastest 90 % of responses, the slowest 10 % ignored; Facebook computed it on private
          messages, here on comments): sort the k observed delays (``reply_observed``), keep the
          first ``ceil(0.9*k)``; ``fastest90_num`` (their summed hours), ``fastest90_den``
          (``ceil(0.9*k)``), ``response_time_fastest90_h`` (their mean).
        - Emplifi-style response-time buckets (Emplifi, ex-Socialbakers, "response time"
          distribution): among the comments answered within the window, the share answered in
          ``[0, 2]`` h, ``(2, 8]`` h, ``(8, 24]`` h and ``> 24`` h (upper bounds inclusive, the
          last bucket ends at the reply window); ``bucket_<name>_num``, ``buckets_den`` (= k)
          and ``bucket_<name>_share``. Comments answered after the window have no observed delay
          and are outside the buckets (``answered_unobserved`` counts them).
        - Kaushik conversation rate (Avinash Kaushik, "Best Social Media Metrics: Conversation,
          Amplification, Applause, Economic Value", Occam's Razor, 2011: audience comments per
          post): ``conversation_rate_num`` (audience comments, from the post frame's
          ``replies``), ``conversation_rate_den`` (posts), ``conversation_rate``.

        Rates with a zero denominator are NaN.
    """
    pages = _pages(post_m, comment_m)
    posts_by = _post_counts(post_m)
    comments_by = dict(tuple(comment_m.groupby("account_id", observed=True)))
    rows = []
    for acc in pages["account_id"]:
        com = comments_by.get(acc, comment_m.iloc[:0])
        answered = com["answered"].astype(bool)
        observed = com["reply_observed"].astype(bool)
        delays = np.sort(com.loc[observed, "time_to_owner_reply_h"].to_numpy(dtype=float))
        k = delays.size
        keep = -(-9 * k // 10)  # ceil(0.9 k) in integers (0.9 is not exact in binary)
        replies = posts_by.get(acc, np.array([]))
        replies = replies[np.isfinite(replies)]
        row = {
            "account_id": acc,
            "response_rate_num": int(answered.sum()),
            "response_rate_den": len(com),
            "response_rate": answered.sum() / len(com) if len(com) else math.nan,
            "answered_unobserved": int((answered & ~observed).sum()),
            "fastest90_num": float(delays[:keep].sum()),
            "fastest90_den": keep,
            "response_time_fastest90_h": float(delays[:keep].mean()) if keep else math.nan,
            "buckets_den": k,
        }
        for name, lo, hi in BUCKETS:
            inside = (delays <= hi) & ((delays > lo) if lo > 0 else (delays >= lo))
            row[f"bucket_{name}_num"] = int(inside.sum())
            row[f"bucket_{name}_share"] = inside.sum() / k if k else math.nan
        total = float(replies.sum()) if replies.size else math.nan
        row |= {
            "conversation_rate_num": total,
            "conversation_rate_den": len(replies),
            "conversation_rate": total / len(replies) if len(replies) else math.nan,
        }
        rows.append(row)
    return pages.merge(pd.DataFrame(rows), on="account_id", how="left")


def _month(ts: pd.Series) -> pd.Series:
    ts = pd.to_datetime(ts)
    if ts.dt.tz is None:
        ts = ts.dt.tz_localize("UTC")
    return ts.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")


def monthly_rates(post_m: pd.DataFrame, comment_m: pd.DataFrame) -> pd.DataFrame:
    """Per page and calendar month (UTC): posts, comments, answered, shares and rates.

    Returns
    -------
    pandas.DataFrame
        ``account_id, month (Period[M]), posts, replies, replies_per_post, comments, answered,
        answered_share``, sorted by page and month.

    Notes
    -----
    Posts and their ``replies`` are counted in the month the post was published; audience
    comments and ``answered`` in the month the comment was written (naive times are taken as
    UTC). A month with posts but no comments has ``answered_share`` NaN; one with comments but no
    posts, or whose posts have no ``replies`` count (no comment threads), has ``replies_per_post``
    NaN.
    """
    p = pd.DataFrame(
        {
            "account_id": post_m["account_id"].astype(object).to_numpy(),
            "month": _month(post_m["created_at"]).to_numpy(),
            "replies": _as_float(post_m["replies"]),
        }
    )
    c = pd.DataFrame(
        {
            "account_id": comment_m["account_id"].astype(object).to_numpy(),
            "month": _month(comment_m["created_at"]).to_numpy(),
            "answered": comment_m["answered"].astype(bool).to_numpy(),
        }
    )
    pg = p.groupby(["account_id", "month"]).agg(
        posts=("replies", "size"), replies=("replies", lambda r: r.sum(min_count=1))
    )
    cg = c.groupby(["account_id", "month"]).agg(
        comments=("answered", "size"), answered=("answered", "sum")
    )
    out = pg.join(cg, how="outer").reset_index()
    out[["posts", "comments", "answered"]] = (
        out[["posts", "comments", "answered"]].fillna(0).astype(int)
    )
    out.loc[out["posts"] == 0, "replies"] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["replies_per_post"] = np.where(out["posts"] > 0, out["replies"] / out["posts"], np.nan)
        out["answered_share"] = np.where(
            out["comments"] > 0, out["answered"] / out["comments"], np.nan
        )
    cols = ["account_id", "month", "posts", "replies", "replies_per_post"]
    cols += ["comments", "answered", "answered_share"]
    return out[cols].sort_values(["account_id", "month"]).reset_index(drop=True)
