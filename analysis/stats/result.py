"""The result of one hypothesis test: a tidy one-row table, robustness rows, warnings, a verdict.

The verdict rule lives here, in one function (:func:`decide`), so that a multiple-testing
correction (:func:`analysis.stats.multiple.adjust_pvalues`) can recompute it from the adjusted p.

Verdict rule
------------
Directional (superiority) hypotheses, e.g. "business pages get fewer replies" (IRR < 1):

- ``inconclusive`` when the fit cannot be trusted (``reliable`` is false: the model did not
  converge, the groups are separated, a group has fewer than two pages, or the fit failed);
- ``supported`` when the one-sided p in the stated direction (the adjusted p once a study's
  hypotheses are corrected together) is at most alpha;
- ``not supported`` otherwise.

A directional claim tested two-sided (``direction = "two-sided"``, from the study file) is
``supported`` when the two-sided p is at most alpha *and* the estimate lies on the claim's side
of no effect (``claim_direction``); a significant effect on the other side does not support it.

Equivalence hypotheses ("only weakly tied", H5): ``supported`` when the TOST p is at most alpha
(the association is shown to lie inside the bound); ``not supported`` when the two-sided CI lies
entirely outside the bound (shown not to be weak); ``inconclusive`` otherwise (cannot tell).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis import catalog
from analysis.messages import Message
from analysis.serialize import json_safe
from analysis.stats import words

if TYPE_CHECKING:  # pragma: no cover
    from analysis.stats.hypotheses import Hypothesis

VERDICTS = ("supported", "not supported", "inconclusive")

#: Columns of ``HypothesisResult.table`` in order (docs/ARCHITECTURE.md "Hypothesis results",
#: then the extra columns of this package).
TABLE_COLUMNS = [
    "hypothesis",
    "claim",
    "outcome",
    "unit",
    "contrast",
    "model",
    "direction",
    "claim_direction",
    "covariates",
    "alternative",
    "estimate_name",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "statistic",
    "p_value",
    "p_two_sided",
    "n_obs",
    "n_clusters",
    "n_groups",
    "robustness_test",
    "robustness_p",
    "verdict",
    "warnings",
    # extras
    "kind",
    "reference_distribution",
    "df",
    "alpha",
    "p_adjusted",
    "p_adjust_method",
    "mde",
    "reliable",
    "equivalence_bound",
    "n_clusters_by_group",
    "n_pages_excluded",
]

ROBUSTNESS_COLUMNS = ["test", "statistic", "p_value", "estimate", "ci_low", "ci_high", "note"]


def decide(row: dict[str, Any] | pd.Series, alpha: float | None = None) -> str:
    """Apply the verdict rule (module docstring) to one result row.

    Parameters
    ----------
    row : mapping
        A row of ``HypothesisResult.table``: needs ``p_value``, ``reliable``, ``kind`` and, when
        present and not NaN, ``p_adjusted`` (used instead of ``p_value``); equivalence rows also
        ``ci_low``, ``ci_high`` and ``equivalence_bound``.
    alpha : float, optional
        Significance level; defaults to the row's ``alpha``.

    Returns
    -------
    str
        ``"supported"``, ``"not supported"`` or ``"inconclusive"``.
    """
    alpha = float(row["alpha"] if alpha is None else alpha)
    p = row.get("p_adjusted", np.nan)
    if p is None or (isinstance(p, float) and math.isnan(p)):
        p = row["p_value"]
    if not bool(row["reliable"]) or p is None or not np.isfinite(p):
        return "inconclusive"
    if row.get("kind") == "equivalence":
        if p <= alpha:
            return "supported"
        bound = float(row["equivalence_bound"])
        if row["ci_low"] > bound or row["ci_high"] < -bound:
            return "not supported"
        return "inconclusive"
    if p > alpha:
        return "not supported"
    return "not supported" if _against_the_claim(row) else "supported"


#: Effects whose "no effect" value is 0 (a correlation); every other effect is a ratio (IRR,
#: OR, HR, GMR) whose "no effect" value is 1.
_ZERO_NULL_EFFECTS = ("rho",)


def _against_the_claim(row: dict[str, Any] | pd.Series) -> bool:
    """A two-sided test of a directional claim whose estimate lies on the other side of no
    effect (or on it): significance then says nothing in favour of the claim."""
    claim = row.get("claim_direction")
    if row.get("direction") != "two-sided" or claim not in ("less", "greater"):
        return False
    estimate = row.get("estimate")
    if estimate is None or not np.isfinite(estimate):
        return True
    null = 0.0 if row.get("estimate_name") in _ZERO_NULL_EFFECTS else 1.0
    return not (estimate < null if claim == "less" else estimate > null)


@dataclass
class HypothesisResult:
    """What :func:`analysis.stats.run_hypothesis` returns.

    Attributes
    ----------
    hypothesis : Hypothesis
        The catalogue entry (or generic specification) that was tested.
    table : pandas.DataFrame
        One row, columns :data:`TABLE_COLUMNS`, never rounded.
    robustness : pandas.DataFrame
        One row per robustness or secondary test, columns :data:`ROBUSTNESS_COLUMNS`.
    analysed : pandas.DataFrame
        The unit-level frame the model used (has ``group``, ``group_label``, ``cluster`` and the
        outcome column), for figures.
    warnings : list of str
        Problems that matter for reading the result (also ';'-joined in ``table.warnings``).
    """

    hypothesis: Hypothesis
    table: pd.DataFrame
    robustness: pd.DataFrame
    analysed: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``supported`` | ``not supported`` | ``inconclusive`` (see :func:`decide`)."""
        return str(self.table["verdict"].iloc[0])

    @property
    def row(self) -> dict[str, Any]:
        """The single table row as a plain dict."""
        return self.table.iloc[0].to_dict()

    def sentence(self, style: str = "apa", language: str = "en") -> str:
        """The result in words: ``style`` "apa" (academic) or "plain" (client); "en" or "fr"."""
        return words.sentence(self, style=style, language=language)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, deterministic dict (floats, ``None`` for NaN) for ``results.json``."""

        out = {
            "hypothesis": self.hypothesis.id,
            "verdict": self.verdict,
            "table": json_safe(self.row),
            "robustness": json_safe(self.robustness.to_dict(orient="records")),
            "warnings": [str(w) for w in self.warnings],
            "warning_codes": [
                w.to_dict() if isinstance(w, Message) else {"code": None, "text": str(w)}
                for w in self.warnings
            ],
            # the claim as the report words it, per language (the study's own, or the
            # catalogue's with the study's group names): the study brief and index read it
            "claims": {lang: self.hypothesis.text("claim", lang) for lang in catalog.languages()},
            "sentences": {
                f"{style}_{lang}": self.sentence(style, lang)
                for style in words.STYLES
                for lang in catalog.languages()
            },
        }
        json.dumps(out, allow_nan=False)  # raises if anything is not JSON-safe
        return out
