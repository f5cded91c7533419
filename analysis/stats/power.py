"""Power and minimum detectable effect (MDE) given the number of pages.

Two uses:

- :func:`mde_from_se` — after a fit: the smallest effect the study could have detected with 80 %
  power, from the contrast's (cluster-robust) standard error. Reported as ``mde`` in every result,
  so "not supported" can be read as "no effect larger than the MDE" rather than "no effect".
- :func:`se_log_ratio_pages`, :func:`mde_pages`, :func:`power_pages` — before collecting: how many
  pages a study needs, from a page-level variance model of a count outcome.

Notes
-----
For a one-sided test at level alpha with reference distribution d (t with G−1 df or normal),
power at a true link-scale effect ``delta`` is approximately
``1 − d.cdf(q_{1−alpha} − |delta|/se)`` and the MDE is ``(q_{1−alpha} + q_{power})·se``
(Bloom 1995, *Evaluation Review* 19(5)). For two-sided tests alpha/2 replaces alpha.

Page-level variance model for a count outcome with mean ``mu`` per post, NB2 dispersion ``a``,
``m`` posts per page and page random effect with SD ``sigma`` on the log scale: the log of a
page's mean has variance about ``sigma² + (1/mu + a)/m`` (delta method), so
``se(log IRR) ≈ sqrt((sigma² + (1/mu + a)/m)·(1/G1 + 1/G0))``.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from analysis.stats.models import back_transform


def _dist(df):
    return stats.norm() if df is None or not np.isfinite(df) else stats.t(df)


def _q_alpha(alpha: float, direction: str) -> float:
    return alpha / 2 if direction == "two-sided" else alpha


def mde_from_se(
    se: float,
    df: float | None,
    alpha: float = 0.05,
    power: float = 0.8,
    direction: str = "less",
    transform: str = "exp",
) -> float:
    """Minimum detectable effect on the estimate's scale (e.g. an IRR) in ``direction``.

    Parameters
    ----------
    se : float
        Standard error of the link-scale contrast.
    df : float or None
        t degrees of freedom (None = normal).
    alpha, power : float
    direction : {"less", "greater", "two-sided"}
        "less" returns a ratio below 1; "greater" and "two-sided" one above 1.
    transform : str
        "exp" for ratios.

    Examples
    --------
    >>> round(mde_from_se(0.1, None), 3)   # exp(-(1.645 + 0.842)·0.1)
    0.78
    """
    d = _dist(df)
    delta = (d.ppf(1 - _q_alpha(alpha, direction)) + d.ppf(power)) * se
    return float(back_transform(-delta if direction == "less" else delta, transform))


def power_from_se(
    effect: float, se: float, df: float | None, alpha: float = 0.05, direction: str = "less"
) -> float:
    """Power to detect a link-scale ``effect`` (e.g. log IRR) with standard error ``se``."""
    d = _dist(df)
    return float(d.sf(d.ppf(1 - _q_alpha(alpha, direction)) - abs(effect) / se))


def se_log_ratio_pages(
    pages_focal: int,
    pages_reference: int,
    posts_per_page: float,
    mean: float,
    dispersion: float,
    page_sd: float,
) -> float:
    """Approximate SE of a log IRR between two groups of pages (module Notes)."""
    if min(pages_focal, pages_reference) < 2 or posts_per_page <= 0 or mean <= 0:
        raise ValueError("need at least two pages per group, posts_per_page > 0 and mean > 0")
    per_page = page_sd**2 + (1 / mean + dispersion) / posts_per_page
    return float(np.sqrt(per_page * (1 / pages_focal + 1 / pages_reference)))


def mde_pages(
    pages_focal: int,
    pages_reference: int,
    posts_per_page: float = 20,
    mean: float = 6.0,
    dispersion: float = 1.2,
    page_sd: float = 0.5,
    alpha: float = 0.05,
    power: float = 0.8,
    direction: str = "less",
) -> float:
    """Minimum detectable IRR for a page-clustered count comparison (t with G−1 df).

    Defaults follow the demo data (mean 6 replies, NB2 alpha 1.2, page SD 0.5).
    """
    se = se_log_ratio_pages(
        pages_focal, pages_reference, posts_per_page, mean, dispersion, page_sd
    )
    return mde_from_se(se, pages_focal + pages_reference - 1, alpha, power, direction, "exp")


def power_pages(
    irr: float,
    pages_focal: int,
    pages_reference: int,
    posts_per_page: float = 20,
    mean: float = 6.0,
    dispersion: float = 1.2,
    page_sd: float = 0.5,
    alpha: float = 0.05,
    direction: str = "less",
) -> float:
    """Power to detect ``irr`` with the given pages (same variance model as :func:`mde_pages`)."""
    se = se_log_ratio_pages(
        pages_focal, pages_reference, posts_per_page, mean, dispersion, page_sd
    )
    return power_from_se(np.log(irr), se, pages_focal + pages_reference - 1, alpha, direction)
