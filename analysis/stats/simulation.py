"""Clustered synthetic measures with known effects, for tests and ``benchmarks/validity.py``.

The frames have the columns of ``analysis.measures`` (docs/ARCHITECTURE.md) that the tests use,
so a test or a simulation study can run :func:`analysis.stats.run_hypothesis` on data whose truth
is known. Everything is vectorised numpy and deterministic from the generator.

Data-generating process (per page c, post i, comment j):

- page effect ``u_c ~ N(0, page_sd²)``; account type fixed by design (``n_business``,
  ``n_personal`` pages); posts per page uniform on ``posts_range``;
- replies ``~ NB2(mean = mean·irr^business·question_irr^question·exp(u_c), alpha = dispersion)``
  (NB2 drawn as Poisson–gamma);
- each reply is an audience comment; ``negative`` with probability ``negative_share``; answered
  with ``logit p = logit(answer_p) + log(or_business)·business
  + log(or_interaction)·business·negative + v_c``, ``v_c ~ N(0, page_sd²)``;
- answered comments' delay ~ Weibull(shape 0.8, scale ``scale_h·exp(w_c)/hr^(1/0.8)`` for
  business), ``w_c ~ N(0, page_sd²)``; censored at ``window_h`` (then ``answered`` stays true
  only if the reply came within the window, like ``comment_measures(window_h)``);
  ``answered_in_window`` is the same flag (no comment is collected before its window ends).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit


def simulate_measures(
    rng: np.random.Generator | int = 0,
    n_business: int = 20,
    n_personal: int = 20,
    posts_range: tuple[int, int] = (10, 30),
    mean: float = 6.0,
    irr: float = 1.0,
    dispersion: float = 1.2,
    page_sd: float = 0.5,
    question_share: float = 0.25,
    question_irr: float = 1.0,
    promo_share: tuple[float, float] = (0.4, 0.1),
    answer_p: float = 0.45,
    or_business: float = 1.0,
    or_interaction: float = 1.0,
    negative_share: float = 0.3,
    hr: float = 1.0,
    scale_h: float = 6.0,
    window_h: float = 72.0,
    french_share: float = 0.4,
    with_comments: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Simulate post and comment measures of ``n_business + n_personal`` pages.

    Returns
    -------
    (posts, comments)
        ``posts``: post_id, account_id, platform, account_type, followers, lang, replies,
        is_question, is_promotional. ``comments`` (None unless ``with_comments``): comment_id,
        post_id, account_id, platform, account_type, followers, lang, answered,
        time_to_owner_reply_h, reply_observed, answered_in_window (every comment is followed for
        the whole window), negative.
    """
    rng = np.random.default_rng(rng)
    n_pages = n_business + n_personal
    business = np.r_[np.ones(n_business, int), np.zeros(n_personal, int)]
    u = rng.normal(0, page_sd, n_pages)
    followers = np.round(np.exp(rng.normal(np.log(5000), 1.5, n_pages))).astype(int)
    page_lang = np.where(rng.random(n_pages) < french_share, "fr", "en")
    n_posts = rng.integers(posts_range[0], posts_range[1] + 1, n_pages)
    page_of_post = np.repeat(np.arange(n_pages), n_posts)
    b_post = business[page_of_post]
    question = rng.random(len(page_of_post)) < question_share
    promo = rng.random(len(page_of_post)) < np.where(b_post == 1, promo_share[0], promo_share[1])
    mu = mean * irr**b_post * question_irr**question * np.exp(u[page_of_post])
    lam = rng.gamma(
        1 / dispersion, dispersion * mu
    )  # NB2: Poisson–gamma mixture, Var = mu + a·mu²
    replies = rng.poisson(lam)
    account_id = np.array([f"sim:{c}" for c in range(n_pages)])
    posts = pd.DataFrame(
        {
            "post_id": [f"sim:p{i}" for i in range(len(page_of_post))],
            "account_id": account_id[page_of_post],
            "platform": "sim",
            "account_type": np.where(b_post == 1, "business", "personal"),
            "followers": followers[page_of_post],
            "lang": page_lang[page_of_post],
            "replies": replies,
            "is_question": question,
            "is_promotional": promo,
        }
    )
    if not with_comments:
        return posts, None
    post_of_comment = np.repeat(np.arange(len(page_of_post)), replies)
    page_c = page_of_post[post_of_comment]
    b_c = business[page_c]
    negative = rng.random(len(page_c)) < negative_share
    v = rng.normal(0, page_sd, n_pages)
    w = rng.normal(0, page_sd, n_pages)
    p = expit(
        logit(answer_p)
        + np.log(or_business) * b_c
        + np.log(or_interaction) * b_c * negative
        + v[page_c]
    )
    answers = rng.random(len(page_c)) < p
    shape = 0.8
    scale = scale_h * np.exp(w[page_c]) / np.where(b_c == 1, hr, 1.0) ** (1 / shape)
    delay = scale * rng.weibull(shape, len(page_c))
    observed = answers & (delay <= window_h)
    time = np.where(observed, delay, window_h)
    comments = pd.DataFrame(
        {
            "comment_id": [f"sim:c{j}" for j in range(len(page_c))],
            "post_id": posts["post_id"].to_numpy()[post_of_comment],
            "account_id": account_id[page_c],
            "platform": "sim",
            "account_type": np.where(b_c == 1, "business", "personal"),
            "followers": followers[page_c],
            "lang": page_lang[page_c],
            "answered": observed,
            "time_to_owner_reply_h": time,
            "reply_observed": observed,
            "answered_in_window": observed,
            "negative": negative,
        }
    )
    return posts, comments


def simulate_pages_rho(
    rng: np.random.Generator | int, n_pages: int = 40, rho_s: float = 0.3
) -> pd.DataFrame:
    """Pages whose followers and mean replies have population Spearman correlation ``rho_s``.

    Bivariate normal with Pearson r = 2·sin(π·rho_s/6) (Pearson 1907: for a normal pair,
    rho_s = (6/π)·arcsin(r/2)); followers = exp of the first margin.
    """
    rng = np.random.default_rng(rng)
    r = 2 * np.sin(np.pi * rho_s / 6)
    z = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], n_pages)
    return pd.DataFrame(
        {
            "account_id": [f"sim:{i}" for i in range(n_pages)],
            "platform": "sim",
            "account_type": "business",
            "followers": np.exp(8.5 + 1.5 * z[:, 0]),
            "posts": 20,
            "mean_replies": np.exp(1.5 + 0.5 * z[:, 1]),
        }
    )
