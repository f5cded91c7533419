"""Pipeline step: one page (the client) against its peers, from the loaded measures.

:func:`benchmark` is the benchmark notebook's counterpart of :func:`analysis.pipeline.test`: a
pure, typed step from :class:`~analysis.pipeline.loaded.Loaded` to a :class:`BenchmarkResult`
(the statistics of :mod:`analysis.stats.benchmark`, unrounded). :meth:`BenchmarkResult.to_record`
is what the report's ``results.json`` carries under ``benchmark`` and the study brief reads
(:func:`analysis.runner.study_brief.position_view`, :func:`analysis.runner.recommend.
benchmark_below`).

Choices, each stated on the report:

- **Peers** are the other pages kept by the filters: those of the client's account type
  (``peers="same_type"``, a business page against business pages) or every page (``"all"``).
- **Three metrics**, each per page: replies per post (quasi-Poisson CI), share of audience
  comments answered (Wilson CI), median time to answer among the comments answered within the
  reply window (order-statistic CI). The Sprout-style response rate has the same numerator and
  denominator as the share answered on these data, so it is shown with the vendor metrics only.
- **Client vs peers**: Crawford & Howell's (1998) modified t-test, one-sided in the direction
  "the client is worse": lower for the two rates, *slower* (higher) for the time to answer;
  ``z_cc`` with its interval (Crawford & Garthwaite 2002). Ranks count 1 for the best page.
- **Funnel**: share answered against the number of comments; target the peers' pooled share
  (the client left out); limits at 95 % and 99.8 % (Spiegelhalter 2005), widened by the
  multiplicative over-dispersion ``phi`` of the peers when ``phi > 1``. The client's position
  is read on the limits drawn (widened when they are).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import DataError, ParameterError
from analysis.pipeline.benchmark_parameters import PEERS
from analysis.pipeline.loaded import Loaded
from analysis.serialize import json_safe
from analysis.stats import benchmark as bm

#: Metric name (as the record names it) -> league-table column.
METRICS: dict[str, str] = {
    "replies_per_post": "replies_per_post",
    "answered_share": "answered_share",
    "median_time_to_answer": "median_answer_h",
}
#: The direction in which a metric is worse: the one-sided alternative of the single-case test.
WORSE: dict[str, str] = {
    "replies_per_post": "less",
    "answered_share": "less",
    "median_time_to_answer": "greater",
}
#: The funnel's metric: share of comments answered (answered / comments).
FUNNEL_METRIC = "answered_share"
#: The funnel's two pairs of limits (two-sided coverage).
FUNNEL_LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Funnel:
    """The funnel plot's numbers.

    Attributes
    ----------
    target : float
        The peers' pooled share answered (client left out).
    overdispersion : analysis.stats.benchmark.Overdispersion
        The peers' over-dispersion (its ``phi``: :attr:`phi`).
    limits : pandas.DataFrame
        :func:`analysis.stats.benchmark.funnel_limits` on a grid of volumes (those drawn).
    limits_binomial : pandas.DataFrame
        The exact binomial limits on the same grid (drawn too, dashed, when ``phi > 1``).
    positions : pandas.DataFrame
        :func:`analysis.stats.benchmark.funnel_positions` of every page (``account_id`` added).
    position : str
        The client's position (:data:`analysis.stats.benchmark.POSITIONS`).
    """

    target: float
    overdispersion: bm.Overdispersion
    limits: pd.DataFrame
    limits_binomial: pd.DataFrame
    positions: pd.DataFrame
    position: str

    @property
    def phi(self) -> float:
        """Multiplicative over-dispersion of the peers (>= 1); the limits are widened when > 1."""
        return self.overdispersion.phi


@dataclass(frozen=True)
class BenchmarkResult:
    """The client against its peers (every number unrounded).

    Attributes
    ----------
    focal, focal_name : str
        The client's account_id and its name (display name, else handle).
    names : dict
        account_id -> name, for every page of the league table.
    pages : int
        Pages compared (the client and its peers).
    peers : str
        How the peers were chosen (``same_type`` or ``all``).
    account_type : str
        The client's account type.
    league : pandas.DataFrame
        :func:`analysis.stats.benchmark.league_table` of the pages compared, with ``name`` and
        one ``rank_<metric>`` column per metric (1 = best).
    versus : pandas.DataFrame
        One row per metric: ``metric, alternative, focal, peers_mean, peers_sd, n_peers, t, df,
        p_value, z_cc, z_cc_low, z_cc_high, rank, of, note``.
    funnel : Funnel
    vendors : pandas.DataFrame
        :func:`analysis.stats.benchmark.vendor_metrics` of the pages compared.
    monthly : pandas.DataFrame
        :func:`analysis.stats.benchmark.monthly_rates` of the pages compared.
    level : float
        Confidence level of every interval.
    alpha : float
        Level of the single-case test.
    """

    focal: str
    focal_name: str
    names: dict[str, str]
    pages: int
    peers: str
    account_type: str
    league: pd.DataFrame
    versus: pd.DataFrame
    funnel: Funnel
    vendors: pd.DataFrame
    monthly: pd.DataFrame
    level: float = 0.95
    alpha: float = 0.05

    def metric_row(self, metric: str) -> dict[str, Any]:
        """The client-vs-peers row of ``metric`` as a dict."""
        return self.versus.set_index("metric").loc[metric].to_dict() | {"metric": metric}

    def to_record(self) -> dict[str, Any]:
        """The JSON-safe ``benchmark`` record (NaN as None) the study brief reads::

        {"focal", "focal_name", "pages",
         "metrics": [{"name", "focal", "peers_mean", "rank", "of", "p", "z_cc",
                      "z_cc_low", "z_cc_high"}],
         "funnel": {"position"}}
        """
        metrics = [
            {
                "name": str(row["metric"]),
                "focal": row["focal"],
                "peers_mean": row["peers_mean"],
                "rank": row["rank"],
                "of": row["of"],
                "p": row["p_value"],
                "z_cc": row["z_cc"],
                "z_cc_low": row["z_cc_low"],
                "z_cc_high": row["z_cc_high"],
            }
            for row in self.versus.to_dict("records")
        ]
        record = {
            "focal": self.focal,
            "focal_name": self.focal_name,
            "pages": int(self.pages),
            "metrics": metrics,
            "funnel": {"position": self.funnel.position},
        }
        return json_safe(record)


def page_names(accounts: pd.DataFrame) -> dict[str, str]:
    """account_id -> the page's name: its display name, else its handle, else the id."""
    out = {}
    for row in accounts.to_dict("records"):
        name = row.get("display_name")
        if not isinstance(name, str) or not name.strip():
            name = row.get("handle") if isinstance(row.get("handle"), str) else None
        out[str(row["account_id"])] = str(name or row["account_id"])
    return out


def resolve_focal(accounts: pd.DataFrame, focal: str) -> str:
    """The account_id of the page ``focal`` names (its account_id or its handle).

    Raises
    ------
    ParameterError
        ``focal`` names no page of ``accounts`` (the pages kept by the filters), or a handle
        that several platforms share; the message lists the pages there are.
    """
    ids = accounts["account_id"].astype(str)
    if focal in set(ids):
        return focal
    handles = accounts["handle"].astype(str) if "handle" in accounts else pd.Series(dtype=str)
    wanted = focal.lstrip("@").casefold()
    hits = sorted(ids[handles.str.lstrip("@").str.casefold() == wanted])
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise ParameterError(
            f"parameter `focal` = {focal!r} is the handle of {len(hits)} pages "
            f"({', '.join(hits)}); name one by its account_id",
            key="focal",
        )
    listed = sorted(ids)
    shown = ", ".join(listed[:40]) + (f", … ({len(listed) - 40} more)" if len(listed) > 40 else "")
    raise ParameterError(
        f"parameter `focal` = {focal!r} names no page of the data kept by the filters "
        f"(platforms, period, min_posts); the {len(listed)} pages there are: {shown or 'none'}",
        key="focal",
        fix="name the client's page by one of these account_ids or its handle",
    )


def _ranks(league: pd.DataFrame) -> pd.DataFrame:
    """``rank_<metric>`` columns: 1 for the best page (highest rate, shortest time); ties share
    the best rank; NA for a page without the metric."""
    out = league.copy()
    for metric, column in METRICS.items():
        ascending = WORSE[metric] == "greater"  # a time: the smallest is the best
        out[f"rank_{metric}"] = (
            out[column].astype(float).rank(ascending=ascending, method="min").astype("Int64")
        )
    return out


def _versus(league: pd.DataFrame, focal: str, level: float) -> pd.DataFrame:
    """One Crawford-Howell test per metric, one-sided towards 'the client is worse'."""
    is_focal = (league["account_id"] == focal).to_numpy()
    rows = []
    for metric, column in METRICS.items():
        values = league[column].astype(float).to_numpy()
        x = float(values[is_focal][0])
        peers = values[~is_focal]
        peers = peers[np.isfinite(peers)]
        ranked = league[f"rank_{metric}"]
        rank = ranked[is_focal].iloc[0]
        row: dict[str, Any] = {
            "metric": metric,
            "alternative": WORSE[metric],
            "focal": x,
            "peers_mean": float(peers.mean()) if peers.size else math.nan,
            "peers_sd": float(peers.std(ddof=1)) if peers.size > 1 else math.nan,
            "n_peers": int(peers.size),
            "rank": None if pd.isna(rank) else int(rank),
            "of": int(ranked.notna().sum()),
            "note": "",
        }
        try:
            res = bm.single_case_test(x, peers, alternative=WORSE[metric], level=level)
        except ValueError as exc:  # too few peers, no spread, or no value for the client
            row |= dict.fromkeys(("t", "df", "p_value", "z_cc", "z_cc_low", "z_cc_high"), math.nan)
            row["note"] = str(exc)
        else:
            row |= {
                "t": res.t,
                "df": res.df,
                "p_value": res.p_value,
                "z_cc": res.z_cc,
                "z_cc_low": res.z_cc_low,
                "z_cc_high": res.z_cc_high,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def funnel_grid(volumes: np.ndarray, n: int = 200) -> np.ndarray:
    """Volumes at which the funnel's limits are drawn: 1 to 1.1 x the largest, log-spaced,
    whole numbers, each once."""
    top = max(2.0, float(np.nanmax(volumes)) * 1.1) if len(volumes) else 2.0
    return np.unique(np.round(np.geomspace(1, top, n)).astype(int))


def _funnel(league: pd.DataFrame, focal: str) -> Funnel:
    is_focal = (league["account_id"] == focal).to_numpy()
    with_comments = league["comments"].to_numpy() > 0
    peers = league[~is_focal & with_comments]
    if len(peers) < 2:
        raise DataError(
            f"the funnel plot needs at least 2 peer pages with comments; {len(peers)} of the "
            f"peers of {focal} have any",
            key="peers",
            fix="widen the peers (peers='all'), the platforms or the period, or lower min_posts",
        )
    target = bm.pooled_rate(peers["answered"], peers["comments"])
    over = bm.funnel_overdispersion(peers["answered"], peers["comments"], target)
    grid = funnel_grid(league["comments"].to_numpy(dtype=float))
    limits = bm.funnel_limits(target, grid, FUNNEL_LEVELS, phi=over.phi)
    binomial = bm.funnel_limits(target, grid, FUNNEL_LEVELS, phi=1.0)
    positions = bm.funnel_positions(
        league["answered"].astype(float),
        league["comments"].astype(float),
        target,
        over.phi,
        FUNNEL_LEVELS,
    )
    positions.insert(0, "account_id", league["account_id"].to_numpy())
    position = positions.loc[is_focal, "position"].iloc[0]
    if position is None:
        raise DataError(
            f"the client page {focal} has no audience comment in the data kept, so it has no "
            "place on the funnel plot (share of comments answered)",
            key="focal",
            fix="choose a page with comments, or widen the period",
        )
    return Funnel(target, over, limits, binomial, positions, str(position))


def benchmark(
    loaded: Loaded, focal: str, peers: str = "same_type", level: float = 0.95, alpha: float = 0.05
) -> BenchmarkResult:
    """The client page ``focal`` against its peers, on the measures of ``loaded``.

    Parameters
    ----------
    loaded : Loaded
        :func:`analysis.pipeline.load` (filters applied: platforms, period, min_posts).
    focal : str
        The client's account_id (``facebook:shop022_en``) or handle (``shop022_en``).
    peers : {"same_type", "all"}
        The pages of the client's account type, or every page kept.
    level : float
        Confidence level of every interval.
    alpha : float
        Level of the one-sided single-case test (kept on the result for the report's words).

    Returns
    -------
    BenchmarkResult

    Raises
    ------
    ParameterError
        ``focal`` names no page kept by the filters (the message lists them), or ``peers`` is
        unknown.
    DataError
        Fewer than two peer pages, or too few with comments for the funnel.
    """
    if peers not in PEERS:
        raise ParameterError(
            f"parameter `peers` = {peers!r} is not allowed; use one of: {', '.join(PEERS)}",
            key="peers",
        )
    accounts = loaded.tables.accounts
    focal_id = resolve_focal(accounts, focal)
    account_type = str(accounts.loc[accounts["account_id"] == focal_id, "account_type"].iloc[0])
    if peers == "same_type":
        keep = set(accounts.loc[accounts["account_type"] == account_type, "account_id"])
    else:
        keep = set(accounts["account_id"])
    post_m = loaded.posts[loaded.posts["account_id"].isin(keep)]
    comment_m = loaded.comments[loaded.comments["account_id"].isin(keep)]
    league = bm.league_table(post_m, comment_m, level)
    if len(league) < 3:
        raise DataError(
            f"the client page {focal_id} has {len(league) - 1} peer page(s) "
            f"({'same account type: ' + account_type if peers == 'same_type' else 'all pages'}) "
            "in the data kept; a comparison with peers needs at least 2",
            key="peers",
            fix="widen the peers (peers='all'), the platforms or the period, or lower min_posts",
        )
    names = page_names(accounts[accounts["account_id"].isin(keep)])
    league = _ranks(league)
    league.insert(1, "name", league["account_id"].map(names))
    return BenchmarkResult(
        focal=focal_id,
        focal_name=names[focal_id],
        names=names,
        pages=len(league),
        peers=peers,
        account_type=account_type,
        league=league,
        versus=_versus(league, focal_id, level),
        funnel=_funnel(league, focal_id),
        vendors=bm.vendor_metrics(post_m, comment_m),
        monthly=bm.monthly_rates(post_m, comment_m),
        level=level,
        alpha=alpha,
    )
