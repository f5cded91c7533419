"""Logistic GEE on sufficient statistics: exact, and linear in the number of page × pattern cells.

Why
---
``statsmodels`` fits a GEE one cluster at a time on the full rows. Its Mancl–DeRouen bias-reduced
covariance solves an ``n_i × n_i`` system per page, O(n_i³): 1,000 pages of 1,000 comments take
minutes, 10,000 pages never finish. In the comment models the design columns (const, group, a
few 0/1 covariates, their interaction) take few distinct values, so the rows of one page fall into
a handful of *covariate patterns*. For a binary outcome every quantity the GEE computes depends on
the data only through, per (page i × pattern p) cell, the count ``n_ip`` and the number of
successes ``S_ip``. This module computes them from those sufficient statistics, exactly (up to
floating-point summation order), replicating statsmodels' algorithm step for step
(``statsmodels.genmod.generalized_estimating_equations.GEE.fit`` with
``family=Binomial()``, ``cov_struct=Exchangeable()`` or ``Independence()``,
``cov_type="bias_reduced"``; statsmodels 0.14/0.15).

Model and notation
------------------
Page i has ``m_i`` rows; row j has design row ``x_j`` (K columns), ``μ_j = expit(x_j'β)``,
``a_j = μ_j(1 − μ_j)`` (variance = derivative of the inverse logit), ``D_i = A_i X_i`` and the
working covariance (Liang & Zeger 1986, *Biometrika* 73(1), 13–22)

    V_i = φ A_i^{1/2} R_i A_i^{1/2},   R_i = (1 − ρ) I + ρ 11'.

For the binomial family statsmodels fixes φ = 1 in V_i and in every covariance
(``GEE.estimate_scale`` returns 1.0); φ is estimated only inside the moment estimator of ρ.

Sherman–Morrison gives ``R_i^{-1} = I/(1 − ρ) − c_i 11'`` with
``c_i = ρ / ((1 − ρ)(1 + ρ(m_i − 1)))``. With ``u_i = Σ_j √a_j x_j`` and
``t_i = Σ_j (y_j − μ_j)/√a_j``:

    M_i = D_i'V_i^{-1}D_i = Σ_j a_j x_j x_j' / (1 − ρ) − c_i u_i u_i'
    s_i = D_i'V_i^{-1}(y_i − μ_i) = Σ_j x_j (y_j − μ_j) / (1 − ρ) − c_i t_i u_i

and within a cell every sum is ``n_ip`` times the pattern's value, except
``Σ_j (y_j − μ) = S − nμ``.

Iteration (``GEE.fit``): start from the logistic GLM (IRLS, fitted here on two rows per cell,
y = 1 with frequency weight S and y = 0 with weight n − S, which is the same IRLS path as the full
rows); then, for itr = 0, 1, …, maxiter − 1: Gauss–Newton step ``β += M^{-1} s`` with
``M = Σ M_i``, ``s = Σ s_i`` evaluated at the current β and ρ; stop if ``‖s‖₂ < ctol`` (the score
*before* the step) and ρ has been updated at least once; otherwise update the dependence at the
new β (``Exchangeable.update``):

    r_j = (y_j − μ_j)/√a_j,   φ̂ = Σ r_j² / (N − K),
    ρ̂ = [Σ_i Σ_{j<k} r_j r_k / φ̂] / (N_pairs − K),   N_pairs = Σ_i m_i(m_i − 1)/2,

with ``Σ_{j<k} r_j r_k = ((Σ_j r_j)² − Σ_j r_j²)/2`` per page, and per cell
``Σ r = (S − nμ)/√a``, ``Σ r² = (S(1 − μ)² + (n − S)μ²)/a`` (y² = y). K is statsmodels'
``ddof_scale`` default (number of columns). Independence: ρ ≡ 0 and the update is a no-op, but
it still counts as an update (so at least two iterations are run), as in statsmodels.

Bias-reduced covariance (Mancl & DeRouen 2001, *Biometrics* 57(1), 126–134), as
``GEE._bc_covmat``: with ``H_ii = D_i M^{-1} D_i' V_i^{-1}``,

    cov_bc = M^{-1} [Σ_i g_i g_i'] M^{-1},   g_i = D_i'V_i^{-1}(I − H_ii)^{-1}(y_i − μ_i).

The push-through identity ``P(I − D M^{-1} P)^{-1} = (I − P D M^{-1})^{-1} P`` with
``P = D_i'V_i^{-1}`` (so ``P D_i = M_i``) gives ``g_i = (I_K − M_i M^{-1})^{-1} s_i``: only K × K
systems per page. The plain sandwich is ``M^{-1}[Σ s_i s_i']M^{-1}`` and the naive covariance
``M^{-1}`` (scale 1, ``scaling_factor`` 1).

References
----------
Liang, K.-Y. & Zeger, S. L. (1986). Longitudinal data analysis using generalized linear models.
*Biometrika* 73(1), 13–22.
Mancl, L. A. & DeRouen, T. A. (2001). A covariance estimator for GEE with improved small-sample
properties. *Biometrics* 57(1), 126–134.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.special import expit


@dataclass
class GroupedCells:
    """Sufficient statistics of a binary outcome per (page × covariate pattern) cell.

    Attributes
    ----------
    page : ndarray of int, shape (C,)
        Page code 0..G−1 of each cell.
    X : ndarray, shape (C, K)
        Design row (covariate pattern) of each cell.
    n, S : ndarray, shape (C,)
        Number of rows and number of successes (y = 1) in the cell.
    n_pages : int
    """

    page: np.ndarray
    X: np.ndarray
    n: np.ndarray
    S: np.ndarray
    n_pages: int


@dataclass
class GroupedGEEFit:
    """Result of :func:`fit_gee_grouped`.

    Attributes
    ----------
    params : ndarray (K,)
    cov_bc : ndarray (K, K)
        Mancl–DeRouen bias-reduced covariance (statsmodels ``cov_robust_bc``).
    cov_robust, cov_naive : ndarray (K, K)
        Liang–Zeger sandwich and model-based ``M^{-1}`` (statsmodels ``cov_robust``,
        ``cov_naive``).
    rho : float
        Exchangeable working correlation (0 for independence); statsmodels
        ``cov_struct.dep_params``.
    phi : float
        Moment estimate ``Σ r²/(N − K)`` of the scale used inside the ρ estimator, at the β of the
        last dependence update (NaN before any). The covariances use scale 1, like statsmodels.
    converged : bool
        ``score_norm < ctol`` (statsmodels ``converged``) and no singular update.
    n_iter : int
        Gauss–Newton steps taken.
    score_norm : float
        L2 norm of the score before the last step (statsmodels ``score_norm``).
    nobs, n_pages, n_cells : int
    warnings : list of str
    """

    params: np.ndarray
    cov_bc: np.ndarray
    cov_robust: np.ndarray
    cov_naive: np.ndarray
    rho: float
    phi: float
    converged: bool
    n_iter: int
    score_norm: float
    nobs: int
    n_pages: int
    n_cells: int
    warnings: list = field(default_factory=list)


def aggregate_cells(groups: np.ndarray, X: np.ndarray, y: np.ndarray) -> GroupedCells:
    """Collapse rows into (page × covariate pattern) cells with counts and success counts.

    Parameters
    ----------
    groups : array, shape (N,)
        Page labels (recoded 0..G−1 in order of appearance).
    X : array, shape (N, K)
        Design matrix.
    y : array, shape (N,)
        Binary (0/1) outcome.

    Returns
    -------
    GroupedCells
        Cells in order of first appearance. Hash-based, O(N).
    """
    groups = np.asarray(groups)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    N = len(y)
    if N == 0:
        return GroupedCells(np.zeros(0, int), X[:0], np.zeros(0), np.zeros(0), 0)
    gcodes = pd.factorize(groups)[0]
    codes = [gcodes] + [pd.factorize(X[:, k])[0] for k in range(X.shape[1])]
    key = np.zeros(N, dtype=np.int64)
    mult = 1
    overflow = False
    for c in codes:
        card = int(c.max()) + 1
        if mult * card >= 2**62:
            overflow = True
            break
        key += c.astype(np.int64) * mult
        mult *= card
    if overflow:  # mixed-radix key would overflow: hash the code tuples instead
        cell = (
            pd.DataFrame(np.column_stack(codes))
            .groupby(list(range(len(codes))), sort=False)
            .ngroup()
            .to_numpy()
        )
    else:
        cell = pd.factorize(key)[0]
    # codes are numbered by first appearance: a cell's first row is where the running max grows
    prev_max = np.maximum.accumulate(np.concatenate([[-1], cell[:-1]]))
    first = np.flatnonzero(cell > prev_max)
    n = np.bincount(cell).astype(float)
    S = np.bincount(cell, weights=y)
    return GroupedCells(gcodes[first], X[first], n, S, int(gcodes.max()) + 1)


def _page_sum(page: np.ndarray, values: np.ndarray, G: int) -> np.ndarray:
    """Sum ``values`` (C, …) over cells of each page → (G, …)."""
    flat = values.reshape(len(values), -1)
    out = np.empty((G, flat.shape[1]))
    for k in range(flat.shape[1]):
        out[:, k] = np.bincount(page, weights=flat[:, k], minlength=G)
    return out.reshape((G,) + values.shape[1:])


def _start_params(cells: GroupedCells) -> np.ndarray:
    """Logistic GLM (statsmodels IRLS) on two rows per cell with frequency weights S and n − S."""
    X2 = np.vstack([cells.X, cells.X])
    y2 = np.concatenate([np.ones(len(cells.n)), np.zeros(len(cells.n))])
    w2 = np.concatenate([cells.S, cells.n - cells.S])
    keep = w2 > 0
    return (
        sm.GLM(y2[keep], X2[keep], family=sm.families.Binomial(), freq_weights=w2[keep])
        .fit()
        .params
    )


class _Pieces:
    """Per-cell and per-page quantities at (β, ρ)."""

    def __init__(self, cells: GroupedCells, m: np.ndarray, beta: np.ndarray, rho: float):
        X, n, S = cells.X, cells.n, cells.S
        mu = expit(X @ beta)
        a = mu * (1.0 - mu)
        sa = np.sqrt(a)
        G = cells.n_pages
        c = rho / (1.0 - rho) / (1.0 + rho * (m - 1.0))  # per page
        rsum = S - n * mu  # Σ (y − μ) in the cell
        u = _page_sum(cells.page, (n * sa)[:, None] * X, G)  # Σ √a x
        t = np.bincount(cells.page, weights=rsum / sa, minlength=G)  # Σ (y − μ)/√a
        Mi = _page_sum(cells.page, (n * a)[:, None, None] * X[:, :, None] * X[:, None, :], G) / (
            1.0 - rho
        )
        Mi -= c[:, None, None] * u[:, :, None] * u[:, None, :]
        si = _page_sum(cells.page, rsum[:, None] * X, G) / (1.0 - rho) - (c * t)[:, None] * u
        self.mu, self.a, self.Mi, self.si = mu, a, Mi, si
        self.M, self.s = Mi.sum(axis=0), si.sum(axis=0)


def _dependence(
    cells: GroupedCells, m: np.ndarray, beta: np.ndarray, K: int
) -> tuple[float, float]:
    """statsmodels ``Exchangeable.update``: (ρ̂, φ̂) from pair sums of Pearson residuals."""
    X, n, S = cells.X, cells.n, cells.S
    mu = expit(X @ beta)
    a = mu * (1.0 - mu)
    r1 = (S - n * mu) / np.sqrt(a)  # Σ r in the cell
    r2 = (S * (1.0 - mu) ** 2 + (n - S) * mu**2) / a  # Σ r² in the cell
    G = cells.n_pages
    R1 = np.bincount(cells.page, weights=r1, minlength=G)
    R2 = np.bincount(cells.page, weights=r2, minlength=G)
    N = float(n.sum())
    n_pairs = float(np.sum(0.5 * m * (m - 1.0)))
    phi = R2.sum() / (N * (N - K) / N)
    pairs = np.sum((R1**2 - R2) / 2.0) / phi
    rho = pairs / (n_pairs * (n_pairs - K) / n_pairs)
    return float(rho), float(phi)


def _solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        return np.linalg.pinv(A) @ b


def fit_gee_grouped(
    cells: GroupedCells,
    cov_struct: str = "exchangeable",
    maxiter: int = 60,
    ctol: float = 1e-6,
    start_params: np.ndarray | None = None,
) -> GroupedGEEFit:
    """Logistic GEE with the Mancl–DeRouen covariance from per-cell counts (see module notes).

    Parameters
    ----------
    cells : GroupedCells
        From :func:`aggregate_cells`.
    cov_struct : {"exchangeable", "independence"}
    maxiter, ctol : as ``statsmodels`` ``GEE.fit`` (defaults 60 and 1e-6).
    start_params : array, optional
        Default: the logistic GLM fit, like statsmodels.

    Returns
    -------
    GroupedGEEFit
        Equal to ``sm.GEE(y, X, groups, family=Binomial(), cov_struct=...)``
        ``.fit(cov_type="bias_reduced")`` on the full rows up to floating-point summation order.

    Notes
    -----
    Cost per iteration O(C·K² + G·K³) for C cells and G pages, independent of the page sizes.
    """
    if cov_struct not in ("exchangeable", "independence"):
        raise ValueError(
            f"cov_struct must be 'exchangeable' or 'independence', not {cov_struct!r}"
        )
    G, K = cells.n_pages, cells.X.shape[1]
    m = np.bincount(cells.page, weights=cells.n, minlength=G)  # page sizes
    beta = np.array(_start_params(cells) if start_params is None else start_params, dtype=float)
    rho, phi = 0.0, np.nan
    notes: list[str] = []  # statsmodels-style diagnostics; the report words them in fit_gee_logit
    del_params, n_iter, singular = -1.0, 0, False
    for itr in range(maxiter):
        p = _Pieces(cells, m, beta, rho)
        if not np.all(np.isfinite(p.M)):
            notes.append("Singular matrix encountered in GEE update")
            singular = True
            break
        beta = beta + _solve(p.M, p.s)
        n_iter = itr + 1
        del_params = float(np.sqrt(np.sum(p.s**2)))
        # itr > 0: an earlier pass got to its dependence step (statsmodels: num_assoc_updates > 0)
        if del_params < ctol and itr > 0:
            break
        if cov_struct == "exchangeable":
            rho, phi = _dependence(cells, m, beta, K)
    converged = (not singular) and 0 <= del_params < ctol
    if not converged and not singular:
        notes.append("Iteration limit reached prior to convergence")
    p = _Pieces(cells, m, beta, rho)
    try:
        Minv = np.linalg.inv(p.M)
    except np.linalg.LinAlgError:
        Minv = np.linalg.pinv(p.M)
    cov_robust = Minv @ (p.si.T @ p.si) @ Minv
    # g_i = (I − M_i M^{-1})^{-1} s_i, batched over pages
    Ai = np.eye(K)[None] - p.Mi @ Minv
    g = np.linalg.solve(Ai, p.si[:, :, None])[:, :, 0]
    cov_bc = Minv @ (g.T @ g) @ Minv
    return GroupedGEEFit(
        beta,
        cov_bc,
        cov_robust,
        Minv,
        float(rho),
        float(phi),
        bool(converged),
        n_iter,
        del_params,
        int(cells.n.sum()),
        G,
        len(cells.n),
        notes,
    )


def results_view(fit: GroupedGEEFit, names: list[str]) -> SimpleNamespace:
    """A small stand-in for the statsmodels ``GEEResults`` attributes the project reads.

    Attributes: ``params``, ``bse`` (pandas Series indexed by ``names``; ``bse`` from the
    bias-reduced covariance, like ``fit(cov_type="bias_reduced")``), ``cov_robust_bc``,
    ``cov_robust``, ``cov_naive`` (DataFrames), ``cov_params()``, ``nobs``, ``converged``,
    ``score_norm``, ``scale`` (1.0), ``cov_struct.dep_params`` (ρ), ``n_iter``, ``phi``,
    ``engine`` = "grouped". Nothing else of the statsmodels API is provided.
    """
    cov = pd.DataFrame(fit.cov_bc, index=names, columns=names)
    return SimpleNamespace(
        params=pd.Series(fit.params, index=names),
        bse=pd.Series(np.sqrt(np.diag(fit.cov_bc)), index=names),
        cov_robust_bc=cov,
        cov_robust=pd.DataFrame(fit.cov_robust, index=names, columns=names),
        cov_naive=pd.DataFrame(fit.cov_naive, index=names, columns=names),
        cov_params=lambda: cov,
        nobs=fit.nobs,
        converged=fit.converged,
        score_norm=fit.score_norm,
        scale=1.0,
        cov_struct=SimpleNamespace(dep_params=fit.rho),
        n_iter=fit.n_iter,
        phi=fit.phi,
        engine="grouped",
    )
