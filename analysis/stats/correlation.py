"""Page-level association (H5): Spearman rho with CI and a TOST equivalence test.

"Only weakly tied" cannot be shown by a non-significant correlation: a small study fails to reject
rho = 0 whatever the truth. The two one-sided tests (TOST; Schuirmann 1987, Lakens 2017) show
instead that rho lies inside (−bound, bound), by rejecting rho ≤ −bound and rho ≥ bound.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.messages import Message, joined
from analysis.stats.robustness import robustness_row


def spearman_tost(x: pd.Series, y: pd.Series, bound: float = 0.3, ci_level: float = 0.95) -> dict:
    """Spearman rho, its Fisher-z CI and the TOST equivalence p against ``bound``.

    Notes
    -----
    z = atanh(rho), se = sqrt(1.06/(n − 3)) (Fieller, Hartley & Pearson 1957, for Spearman);
    CI = tanh(z ± q·se). TOST: p_lower = P(Z ≥ (z + atanh(b))/se),
    p_upper = P(Z ≤ (z − atanh(b))/se), p = max(p_lower, p_upper). ``statistic`` is the smaller
    of the two z statistics in absolute value.
    """
    if not 0 < bound < 1:
        raise ValueError(
            f"bound={bound}: the equivalence bound on rho must lie in (0, 1), e.g. 0.3"
        )
    ok = x.notna() & y.notna()
    x, y = x[ok].astype(float), y[ok].astype(float)
    n = int(len(x))
    warn: list[str] = []
    if n < 4:
        return {
            "coef": np.nan,
            "se": np.nan,
            "n": n,
            "warnings": [Message("rho_few_pages", n=n)],
            **{
                k: np.nan
                for k in (
                    "statistic",
                    "p_value",
                    "p_two_sided",
                    "estimate",
                    "ci_low",
                    "ci_high",
                    "df",
                )
            },
            "reference_distribution": "normal (Fisher z)",
        }
    rho = float(stats.spearmanr(x, y).statistic)
    rho_c = float(np.clip(rho, -0.999999, 0.999999))
    z, se = np.arctanh(rho_c), np.sqrt(1.06 / (n - 3))
    q = stats.norm.ppf(0.5 + ci_level / 2)
    zb = np.arctanh(bound)
    z_low, z_up = (z + zb) / se, (z - zb) / se
    p_low, p_up = stats.norm.sf(z_low), stats.norm.cdf(z_up)
    if n < 40:
        warn.append(Message("few_pages_tost", n=n))
    return {
        "coef": z,
        "se": se,
        "n": n,
        "warnings": warn,
        "statistic": float(z_low if p_low >= p_up else z_up),
        "p_value": float(max(p_low, p_up)),
        "p_two_sided": float(2 * stats.norm.sf(abs(z / se))),
        "estimate": rho,
        "ci_low": float(np.tanh(z - q * se)),
        "ci_high": float(np.tanh(z + q * se)),
        "df": np.nan,
        "reference_distribution": "normal (Fisher z)",
    }


def bootstrap_rho(
    x: pd.Series, y: pd.Series, n_boot: int = 2000, seed: int = 0, ci_level: float = 0.95
) -> dict:
    """Percentile bootstrap CI of Spearman rho over pages (scipy.stats.bootstrap, seeded)."""
    ok = x.notna() & y.notna()
    x, y = x[ok].to_numpy(float), y[ok].to_numpy(float)
    if len(x) < 4:
        return robustness_row(Message("test_rho_bootstrap"), note=Message("few_pages_rho"))
    res = stats.bootstrap(
        (x, y),
        lambda a, b: stats.spearmanr(a, b).statistic,
        paired=True,
        vectorized=False,
        n_resamples=n_boot,
        confidence_level=ci_level,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    rho = stats.spearmanr(x, y).statistic
    return robustness_row(
        Message("test_rho_bootstrap"),
        rho,
        np.nan,
        rho,
        res.confidence_interval.low,
        res.confidence_interval.high,
        note=Message("bootstrap_note", n=n_boot, seed=str(seed)),
    )


def elasticity(posts: pd.DataFrame, outcome: str = "replies") -> dict:
    """Elasticity of replies to followers: NB2 of replies on log(followers), page-clustered.

    The coefficient is the % change in expected replies per 1 % more followers.
    """
    from analysis.stats.models import fit_negbin, wald_test

    data = posts[
        posts["followers"].notna() & (posts["followers"] > 0) & posts[outcome].notna()
    ].copy()
    if data["account_id"].nunique() < 4:
        return robustness_row(Message("test_elasticity"), note=Message("few_pages_followers"))
    data["cluster"] = data["account_id"].astype(str)
    data["group"] = np.log(data["followers"].astype(float))
    data["group_label"] = "log followers"
    fit = fit_negbin(data, outcome)
    fit.transform = "identity"
    t = wald_test(fit, "two-sided")
    return robustness_row(
        Message("test_elasticity_nb2"),
        t["statistic"],
        t["p_two_sided"],
        t["estimate"],
        t["ci_low"],
        t["ci_high"],
        note=joined(Message("fit_posts", n=fit.n_obs, pages=fit.n_clusters), *fit.warnings),
    )
