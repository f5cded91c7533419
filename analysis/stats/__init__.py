"""Statistical tests and the hypothesis catalogue.

>>> from analysis.stats import CATALOGUE, run_hypothesis, adjust_pvalues, HypothesisResult

- :mod:`analysis.stats.hypotheses` — the catalogue as data (H1–H6, generic), model and robustness
  registries, :func:`run_hypothesis`.
- :mod:`analysis.stats.models` — negative binomial, Poisson with page fixed effects, logistic GEE,
  directional Wald tests with t(G−1).
- :mod:`analysis.stats.survival` — Cox, Kaplan–Meier, proportional-hazards check.
- :mod:`analysis.stats.correlation` — Spearman with TOST equivalence.
- :mod:`analysis.stats.robustness` — page-level and within-page tests.
- :mod:`analysis.stats.multiple` — Holm / Benjamini–Hochberg across a study.
- :mod:`analysis.stats.power` — power and minimum detectable effect given the pages.
- :mod:`analysis.stats.words` — APA and plain sentences, English and French.
- :mod:`analysis.stats.simulation` — clustered synthetic measures for tests and the validity
  benchmark.

The verdict rule is in :mod:`analysis.stats.result` and ``docs/statistics.md``.
"""

from analysis.stats.hypotheses import CATALOGUE, MODELS, ROBUSTNESS, Hypothesis, run_hypothesis
from analysis.stats.multiple import adjust_pvalues
from analysis.stats.result import HypothesisResult, decide

__all__ = [
    "CATALOGUE",
    "MODELS",
    "ROBUSTNESS",
    "Hypothesis",
    "HypothesisResult",
    "adjust_pvalues",
    "decide",
    "run_hypothesis",
]
