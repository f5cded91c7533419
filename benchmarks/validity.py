"""Statistical validity of the hypothesis engine on simulated clustered studies.

Usage::

    .venv/bin/python benchmarks/validity.py --studies 1000          # full size (the documented
    table)
    .venv/bin/python benchmarks/validity.py --studies 40            # quick smoke run
    .venv/bin/python benchmarks/validity.py --studies 1000 --only H4a,H4b   # some primary tests
    only

What it measures (all at alpha = 0.05, one-sided in each hypothesis' stated direction):

- **False-positive rate** of each primary test on null studies: 20 business vs 20 personal pages,
  10–30 posts per page, page-level heterogeneity (random effects SD 0.5 on the log/logit scale),
  NB2 over-dispersion (alpha 1.2), no effect of the contrast. Target 3–6.5 %. Beside them the naive
  post-level Mann–Whitney (posts treated as independent) and a naive comment-level two-proportion
  z test, which ignore the clustering.
- H5 is an equivalence test: its "null" is the equivalence bound itself (population Spearman
  rho = 0.3, 40 pages), where declaring "weak" is the false positive.
- **Few clusters**: H1 on null studies with 8 vs 8 pages, where the t(G−1) reference and the
  exact page-level permutation test (all 12,870 relabellings) are the arbiters.
- **Power** of H1 at a planted IRR of 0.6 with 40 pages per group (target ≥ 80 %), beside the
  analytic prediction of :func:`analysis.stats.power.power_pages`.
- **Coverage** of the 95 % CIs of the true value (IRR/OR/HR = 1 on null studies, IRR = 0.6 on the
  power studies). Target ≥ 93 %.

Every rate is shown with its Monte Carlo standard error and Wilson 95 % interval: with 1,000
studies a test whose true rate is 5 % reads 5 % ± 0.7 points, so a single run can land at 6.5 %
by chance (about one run in 60).

Writes ``benchmarks/out/validity.md`` and prints it. Uses 2 worker processes; each study is
seeded from (seed, study index), so the table is reproducible.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread per worker: 2 workers on 2 cores

import argparse  # noqa: E402
import math  # noqa: E402
import multiprocessing as mp  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.stats import run_hypothesis  # noqa: E402
from analysis.stats.power import power_pages  # noqa: E402
from analysis.stats.simulation import simulate_measures, simulate_pages_rho  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "validity.md"
ALPHA = 0.05
PRIMARY = ("H1", "H2", "H3", "H4a", "H4b", "H6")


def _covers(row, truth):
    return bool(np.isfinite(row["ci_low"]) and row["ci_low"] <= truth <= row["ci_high"])


def null_study(i: int, seed: int) -> dict:
    """One null study: every primary test, the naive tests, coverage of the null value."""
    from scipy import stats
    from statsmodels.stats.proportion import proportions_ztest

    rng = np.random.default_rng([seed, i])
    posts, comments = simulate_measures(
        rng,
        n_business=20,
        n_personal=20,
        posts_range=(10, 30),
        irr=1.0,
        question_irr=1.0,
        or_business=1.0,
        or_interaction=1.0,
        hr=1.0,
    )
    out: dict = {}
    results = {}
    for hid in PRIMARY:  # H1 with its page-level robustness tests, the others primary only
        results[hid] = res = run_hypothesis(
            hid,
            posts=posts,
            comments=comments,
            robustness=hid == "H1",
            min_posts=1,
            maxiter=50,
            n_perm=999,
            seed=i,
        )
        row = res.row
        out[f"{hid}_reject"] = bool(row["p_value"] <= ALPHA)
        out[f"{hid}_cover"] = _covers(row, 1.0)
        out[f"{hid}_failed"] = not bool(row["reliable"])
    perm = results["H1"].robustness.set_index("test")["p_value"]
    out["H1_perm_reject"] = bool(perm.iloc[0] <= ALPHA)
    out["H1_rank_reject"] = bool(perm.iloc[1] <= ALPHA)
    b = posts.account_type == "business"
    out["naive_mw_reject"] = bool(
        stats.mannwhitneyu(posts.replies[b], posts.replies[~b], alternative="less").pvalue <= ALPHA
    )
    cb = comments.account_type == "business"
    counts = [comments.answered[cb].sum(), comments.answered[~cb].sum()]
    nobs = [cb.sum(), (~cb).sum()]
    out["naive_z_reject"] = bool(
        proportions_ztest(counts, nobs, alternative="smaller")[1] <= ALPHA
    )
    pages = simulate_pages_rho(rng, n_pages=40, rho_s=0.3)
    h5 = run_hypothesis("H5", pages=pages, robustness=False, min_posts=1)
    out["H5_reject"] = bool(h5.row["p_value"] <= ALPHA)
    out["H5_cover"] = _covers(h5.row, 0.3)
    return out


def primary_only_study(args) -> dict:
    """One null study (the data of :func:`null_study` for the same (seed, i)) with only
    ``hids``."""
    i, seed, hids = args
    rng = np.random.default_rng([seed, i])
    posts, comments = simulate_measures(
        rng,
        n_business=20,
        n_personal=20,
        posts_range=(10, 30),
        irr=1.0,
        question_irr=1.0,
        or_business=1.0,
        or_interaction=1.0,
        hr=1.0,
    )
    out: dict = {}
    for hid in hids:
        row = run_hypothesis(
            hid, posts=posts, comments=comments, robustness=False, min_posts=1, maxiter=50
        ).row
        out[f"{hid}_reject"] = bool(row["p_value"] <= ALPHA)
        out[f"{hid}_cover"] = _covers(row, 1.0)
        out[f"{hid}_failed"] = not bool(row["reliable"])
    return out


def power_study(i: int, seed: int) -> dict:
    """One H1 study with a planted IRR of 0.6, 40 pages per group."""
    rng = np.random.default_rng([seed, 10**6 + i])
    posts, _ = simulate_measures(
        rng, n_business=40, n_personal=40, posts_range=(10, 30), irr=0.6, with_comments=False
    )
    row = run_hypothesis("H1", posts=posts, robustness=False, min_posts=1, maxiter=50).row
    return {"H1_power_reject": bool(row["p_value"] <= ALPHA), "H1_power_cover": _covers(row, 0.6)}


#: few-cluster null studies: 8 vs 8 pages, where the t(G−1) reference and the exact page-level
#: permutation test are the arbiters (C(16, 8) = 12,870 relabellings, all enumerated).
FEW = 8


def few_cluster_study(i: int, seed: int) -> dict:
    """One H1 null study with 8 business vs 8 personal pages (few clusters)."""
    rng = np.random.default_rng([seed, 2 * 10**6 + i])
    posts, _ = simulate_measures(
        rng, n_business=FEW, n_personal=FEW, posts_range=(10, 30), irr=1.0, with_comments=False
    )
    res = run_hypothesis(
        "H1", posts=posts, min_posts=1, maxiter=50, n_perm=math.comb(2 * FEW, FEW)
    )
    perm = res.robustness.set_index("test")["p_value"]
    return {
        "few_H1_reject": bool(res.row["p_value"] <= ALPHA),
        "few_H1_cover": _covers(res.row, 1.0),
        "few_H1_failed": not bool(res.row["reliable"]),
        "few_perm_reject": bool(perm.iloc[0] <= ALPHA),
        "few_rank_reject": bool(perm.iloc[1] <= ALPHA),
    }


def _both(args):
    i, seed = args
    return null_study(i, seed) | power_study(i, seed) | few_cluster_study(i, seed)


def _cr2_se(
    y: np.ndarray, X: np.ndarray, mu: np.ndarray, w: np.ndarray, groups: np.ndarray, j: int
) -> float:
    """CR2 (Bell–McCaffrey) SE of coefficient ``j`` of a log-link GLM with working weights ``w``.

    Each page's standardized working residuals are multiplied by ``(I − H_gg)^(−1/2)``, H the
    weighted hat matrix (Pustejovsky & Tipton 2018). For NB2, ``w = mu/(1 + alpha·mu)``.
    """
    sw = np.sqrt(w)
    Xs = X * sw[:, None]
    bread = np.linalg.inv(Xs.T @ Xs)
    e = sw * (y - mu) / mu
    meat = np.zeros_like(bread)
    for g in np.unique(groups):
        m = groups == g
        ev, Q = np.linalg.eigh(np.eye(m.sum()) - Xs[m] @ bread @ Xs[m].T)
        s = Xs[m].T @ (Q @ (np.clip(ev, 1e-12, None) ** -0.5 * (Q.T @ e[m])))
        meat += np.outer(s, s)
    return float(np.sqrt((bread @ meat @ bread)[j, j]))


def calibration_study(args) -> dict:
    """One H1 null study (``pages`` vs ``pages``): t statistics under each SE, permutation p
    values.

    The data are those of :func:`null_study` for the same (seed, i) when ``pages`` = 20 (posts
    are drawn before comments from the same generator).
    """
    from analysis.stats import models
    from analysis.stats.hypotheses import CATALOGUE, prepare
    from analysis.stats.robustness import permutation_test_groups

    i, seed, pages = args
    rng = np.random.default_rng([seed, i])
    posts, _ = simulate_measures(
        rng, n_business=pages, n_personal=pages, posts_range=(10, 30), irr=1.0, with_comments=False
    )
    df = prepare(CATALOGUE["H1"], posts, None, None, 1)[0]
    fit = models.fit_negbin(df, "replies", maxiter=50)
    res = fit.extra["result"]
    y, X = df["replies"].to_numpy(float), res.model.exog
    groups = pd.factorize(df["cluster"])[0]
    params = res.params.to_numpy()
    mu = np.exp(X @ params[:-1])
    se = {
        "CR1": fit.extra["se_cr1"],
        "CV3 one-step": models._negbin_cv3_one_step(y, X, groups, params, 1),
        "CV3 refits": fit.extra["se_cv3"],
        "CR2": _cr2_se(y, X, mu, mu / (1 + params[-1] * mu), groups, 1),
    }
    se["max(CR1, CV3 one-step) (before)"] = max(se["CR1"], se["CV3 one-step"])
    se["max(CR1, CV3 refits) (now)"] = fit.se
    out = {f"t {k}": fit.coef / v for k, v in se.items()}
    page = df.groupby("cluster").agg(v=("replies", "mean"), g=("group", "first"))
    for d in ("less", "greater"):
        out[f"perm {d}"] = permutation_test_groups(
            page["v"].to_numpy(), page["g"].to_numpy(), d, n_perm=1999, seed=seed + i
        )[1]
    return out


def calibrate_h1(n: int, seed: int, pages: int, processes: int) -> str:
    """Table of H1 null rejection rates per SE variant, each tail and both tails averaged.

    Under the null the design is symmetric in the two groups (same page and post distributions),
    so the rejection rate in the stated tail equals that in the other tail; their average halves
    the Monte Carlo variance.
    """
    from scipy import stats

    with mp.get_context("fork").Pool(processes) as pool:
        rows = pool.map(
            calibration_study, [(i, seed, pages) for i in range(n)], chunksize=max(1, n // 40)
        )
    d = pd.DataFrame(rows)
    G = 2 * pages
    q, q2 = stats.t(G - 1).ppf(0.95), stats.t(G - 1).ppf(0.975)
    lines = [
        f"H1 null studies: {n}, {pages} vs {pages} pages, seed {seed}, reference t({G - 1}). "
        f"Command: `.venv/bin/python benchmarks/validity.py --calibrate-h1 {pages} --studies {n} "
        f"--seed {seed}`.",
        "",
        "| SE / test | rejects, stated tail (less) | other tail | both tails averaged ± MC s.e. "
        "| 95 % CI coverage | sd of t |",
        "|---|---|---|---|---|---|",
    ]
    both_se = np.sqrt(0.05 * 0.95 / (2 * n))
    for col in [c for c in d if c.startswith("t ")]:
        t = d[col]
        lo, hi = _rate(t <= -q), _rate(t >= q)
        lines.append(
            f"| {col[2:]} | {_fmt(lo)} | {_fmt(hi)} | {100 * (lo[0] + hi[0]) / 2:.2f} % ± "
            f"{100 * both_se:.2f} "
            f"| {_fmt(_rate(t.abs() < q2))} | {t.std():.3f} |"
        )
    lo, hi = _rate(d["perm less"] <= ALPHA), _rate(d["perm greater"] <= ALPHA)
    lines.append(
        f"| permutation on page means (1,999) | {_fmt(lo)} | {_fmt(hi)} | "
        f"{100 * (lo[0] + hi[0]) / 2:.2f} % "
        f"± {100 * both_se:.2f} | | |"
    )
    return "\n".join(lines) + "\n"


def _rate(values) -> tuple[float, float, float, int]:
    """Share with a Wilson 95 % interval (statsmodels proportion_confint)."""
    from statsmodels.stats.proportion import proportion_confint

    k, n = int(np.sum(values)), len(values)
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return k / n, lo, hi, n


def _fmt(v) -> str:
    """Rate, Monte Carlo standard error sqrt(p(1−p)/n) and Wilson 95 % interval, in percent."""
    r, lo, hi, n = v
    return (
        f"{100 * r:.1f} % ± {100 * np.sqrt(r * (1 - r) / n):.1f} [{100 * lo:.1f}, {100 * hi:.1f}]"
    )


#: Row labels of the table: the test and its model.
NAMES = {
    "H1": "H1 replies per post (business < personal)",
    "H2": "H2 comments answered (business < personal)",
    "H3": "H3 question posts get more replies (within page)",
    "H4a": "H4a comments answered within the window (business < personal)",
    "H4b": "H4b delay among answered comments (business slower)",
    "H6": "H6 negative × business interaction",
}
MODEL_WORDS = {
    "H1": "NB2, SE = max(CR1, page jackknife CV3), t(G−1)",
    "H2": "logistic GEE, bias-reduced, t(G−1)",
    "H3": "Poisson page FE, clustered, t(G−1)",
    "H4a": "logistic GEE, bias-reduced, t(G−1)",
    "H4b": "OLS on log hours, SE = max(CR1, page jackknife CV3), t(G−1)",
    "H6": "logistic GEE interaction, t(G−1)",
}


def _primary_line(col: dict, h: str) -> str:
    fpr = _rate(col[f"{h}_reject"])
    ok = "✓" if 0.03 <= fpr[0] <= 0.065 else "✗"
    return (
        f"| {NAMES[h]} | {MODEL_WORDS[h]} | {_fmt(fpr)} | 3–6.5 % {ok} | "
        f"{_fmt(_rate(col[f'{h}_cover']))} "
        f"| {sum(col[f'{h}_failed'])} |"
    )


def make_only_table(
    rows: list[dict], n: int, seconds: float, seed: int, hids: list[str], processes: int = 2
) -> str:
    """The primary-test rows of :func:`make_table` for ``hids`` only (``--only``)."""
    col = {k: [r[k] for r in rows] for k in rows[0]}
    lines = [
        f"Simulated null studies: {n} (20 vs 20 pages), primary tests {', '.join(hids)} only; "
        f"seed {seed}; "
        f"{seconds:.0f} s on {processes} processes. Command: "
        f"`.venv/bin/python benchmarks/validity.py --studies {n} --only {','.join(hids)}`.",
        "",
        "| test | model | false-positive rate at α = 0.05 ± MC s.e. [95 % CI] | target | CI "
        "coverage | failed fits |",
        "|---|---|---|---|---|---|",
    ]
    return "\n".join(lines + [_primary_line(col, h) for h in hids]) + "\n"


def make_table(rows: list[dict], n: int, seconds: float, seed: int, processes: int = 2) -> str:
    col = {k: [r[k] for r in rows] for k in rows[0]}
    lines = [
        f"Simulated studies: {n} null (20 vs 20 pages) + {n} null with few clusters ({FEW} vs "
        f"{FEW}) + {n} power; "
        f"seed {seed}; {seconds:.0f} s on {processes} processes. "
        f"Command: `.venv/bin/python benchmarks/validity.py --studies {n}`.",
        "",
        "Rates are shown as rate ± Monte Carlo standard error √(p(1−p)/n) [Wilson 95 % interval]; "
        "with "
        f"{n} studies a test whose true rate is 5 % shows 5 % ± "
        f"{100 * np.sqrt(0.05 * 0.95 / n):.1f} points.",
        "",
        "| test | model | false-positive rate at α = 0.05 ± MC s.e. [95 % CI] | target | CI "
        "coverage | failed fits |",
        "|---|---|---|---|---|---|",
    ]
    model = MODEL_WORDS
    for h in PRIMARY:
        lines.append(_primary_line(col, h))
    fpr5 = _rate(col["H5_reject"])
    lines.append(
        f"| H5 weak association (TOST ±0.3 at true rho = 0.3) | Spearman, Fisher z | {_fmt(fpr5)} "
        f"| ≤ 6.5 % {'✓' if fpr5[0] <= 0.065 else '✗'} | {_fmt(_rate(col['H5_cover']))} | 0 |"
    )
    for key, label in (
        ("H1_perm_reject", "H1 robustness: permutation on page means (999)"),
        ("H1_rank_reject", "H1 robustness: Mann–Whitney on page means"),
    ):
        lines.append(f"| {label} | page level | {_fmt(_rate(col[key]))} | 3–6.5 % | | |")
    for key, label in (
        ("naive_mw_reject", "naive post-level Mann–Whitney on replies"),
        ("naive_z_reject", "naive comment-level two-proportion z (answered)"),
    ):
        lines.append(
            f"| {label} | ignores pages | {_fmt(_rate(col[key]))} | (far above 5 %) | | |"
        )
    few = _rate(col["few_H1_reject"])
    lines.append(
        f"| few clusters: H1, {FEW} vs {FEW} pages | {model['H1']} (t({2 * FEW - 1})) | "
        f"{_fmt(few)} "
        f"| 3–6.5 % {'✓' if 0.03 <= few[0] <= 0.065 else '✗'} | "
        f"{_fmt(_rate(col['few_H1_cover']))} "
        f"| {sum(col['few_H1_failed'])} |"
    )
    for key, label in (
        ("few_perm_reject", f"few clusters: exact permutation on page means, {FEW} vs {FEW}"),
        ("few_rank_reject", f"few clusters: Mann–Whitney on page means, {FEW} vs {FEW}"),
    ):
        lines.append(f"| {label} | page level | {_fmt(_rate(col[key]))} | 3–6.5 % | | |")
    pw = _rate(col["H1_power_reject"])
    pred = power_pages(0.6, 40, 40, posts_per_page=20, mean=6.0, dispersion=1.2, page_sd=0.5)
    lines += [
        "",
        "| power study | power ± MC s.e. [95 % CI] | target | analytic prediction | CI coverage "
        "of IRR 0.6 |",
        "|---|---|---|---|---|",
        f"| H1, IRR 0.6, 40 vs 40 pages, 10–30 posts | {_fmt(pw)} | ≥ 80 % "
        f"{'✓' if pw[0] >= 0.8 else '✗'} "
        f"| {100 * pred:.1f} % (power_pages) | {_fmt(_rate(col['H1_power_cover']))} |",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--studies", type=int, default=1000, help="null studies (and as many power studies)"
    )
    ap.add_argument(
        "--processes", type=int, default=2, help="worker processes (the machine has 2 cores)"
    )
    ap.add_argument("--seed", type=int, default=20240101)
    ap.add_argument("--out", type=Path, default=OUT, help="Markdown table written here")
    ap.add_argument(
        "--calibrate-h1",
        type=int,
        metavar="PAGES",
        help="instead of the table: H1-only null studies with PAGES vs PAGES pages comparing SE "
        "variants (CR1, CR2, one-step and refitted jackknife) and the page permutation test",
    )
    ap.add_argument(
        "--only",
        metavar="IDS",
        help="instead of the table: null studies running only these primary tests, "
        "comma-separated "
        f"(of {','.join(PRIMARY)}), e.g. --only H4a,H4b; writes out/validity_<ids>.md",
    )
    args = ap.parse_args(argv)
    if args.studies < 10:
        ap.error("--studies must be at least 10")
    if args.calibrate_h1:
        text = calibrate_h1(args.studies, args.seed, args.calibrate_h1, args.processes)
        out = (
            OUT.parent
            / f"h1_calibration_{args.calibrate_h1}pages_seed{args.seed}_{args.studies}.md"
        )
        out.write_text(text, encoding="utf-8")
        print(text)
        return 0
    if args.only:
        hids = [h.strip() for h in args.only.split(",") if h.strip()]
        bad = [h for h in hids if h not in PRIMARY]
        if bad:
            ap.error(
                f"--only {args.only}: {', '.join(bad)} not among the primary tests "
                f"{', '.join(PRIMARY)}"
            )
        start = time.time()
        with mp.get_context("fork").Pool(args.processes) as pool:
            rows = pool.map(
                primary_only_study,
                [(i, args.seed, hids) for i in range(args.studies)],
                chunksize=5,
            )
        text = make_only_table(
            rows, args.studies, time.time() - start, args.seed, hids, args.processes
        )
        out = OUT.parent / f"validity_{'_'.join(hids)}_{args.studies}.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(text)
        return 0
    start = time.time()
    jobs = [(i, args.seed) for i in range(args.studies)]
    rows = []
    with mp.get_context("fork").Pool(args.processes) as pool:
        for k, row in enumerate(
            pool.imap(_both, jobs, chunksize=5), 1
        ):  # ordered, so reproducible
            rows.append(row)
            if k % 50 == 0:
                print(
                    f"{k}/{args.studies} studies, {time.time() - start:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    table = make_table(rows, args.studies, time.time() - start, args.seed, args.processes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
