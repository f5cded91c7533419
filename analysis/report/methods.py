"""Words for models and tests: names, the methods paragraph, and the references it cites.

Registries keyed by the model and robustness names of :mod:`analysis.stats.hypotheses`, so a new
model brings its own description and references by adding entries here.
"""

from __future__ import annotations

import platform as _platform
from importlib import metadata
from typing import Any

from analysis import catalog
from analysis.messages import render as stats_text
from analysis.report.i18n import fmt_int, fmt_number, fmt_p, t
from analysis.vocabulary import noun

#: Effect-size names in words.
ESTIMATE_NAMES: dict[str, catalog.LanguageTexts] = catalog.texts(
    "estimate",
    {
        "IRR": {
            "en": "incidence rate ratio (IRR)",
        },
        "OR": {
            "en": "odds ratio (OR)",
        },
        "HR": {
            "en": "hazard ratio (HR)",
        },
        "GMR": {
            "en": "ratio of geometric mean delays (GMR)",
        },
        "rho": {
            "en": "Spearman's rank correlation (ρ)",
        },
    },
)

#: Model key -> description in words and the references it rests on.
MODELS: dict[str, catalog.LanguageTexts] = catalog.texts(
    "model",
    {
        "negbin": {
            "en": (
                "negative binomial regression (NB2) with the dispersion estimated by maximum "
                "likelihood"
            ),
            "refs": ("cameron_trivedi", "cameron_miller", "statsmodels"),
        },
        "poisson": {
            "en": "Poisson regression with page fixed effects (comparison within pages)",
            "refs": ("wooldridge", "cameron_miller", "statsmodels"),
        },
        "gee_logit": {
            "en": (
                "logistic generalised estimating equations (GEE) with comments clustered by page"
            ),
            "refs": ("liang_zeger", "statsmodels"),
        },
        "cox": {
            "en": (
                "Cox proportional-hazards model of the time to the page's first answer, "
                "unanswered "
                "comments censored"
            ),
            "refs": ("cox", "lin_wei", "lifelines"),
        },
        "page_poisson": {
            "en": (
                "Poisson (quasi-likelihood) regression of the pages' values on their group, one "
                "page "
                "one observation, "
                "with robust standard errors"
            ),
            "refs": ("cameron_trivedi", "statsmodels"),
        },
        "log_time": {
            "en": (
                "least-squares regression of the log time to the page's first answer, among "
                "comments "
                "answered within "
                "the reply window, with page-clustered standard errors (the larger of CR1 and the "
                "leave-one-page-out "
                "jackknife)"
            ),
            "refs": ("cameron_miller", "mackinnon_nielsen_webb", "farewell", "statsmodels"),
        },
        "spearman_tost": {
            "en": (
                "Spearman rank correlation with a two one-sided tests (TOST) equivalence procedure"
            ),
            "refs": ("spearman", "lakens"),
        },
    },
)

#: Robustness key -> references.
ROBUSTNESS_REFS: dict[str, tuple[str, ...]] = {
    "page_permutation": ("good",),
    "page_rank": ("mann_whitney",),
    "within_page_signed_rank": ("wilcoxon",),
    "km_medians": ("kaplan_meier",),
    "page_share_24h": (),
    "ph_test": ("grambsch_therneau",),
    "page_geomean_permutation": ("good",),
    "answered_medians": (),
    "rho_bootstrap": ("efron",),
    "elasticity": ("cameron_trivedi",),
    "per_language": (),
}

#: Reference key -> an APA reference as (text before the title in italics, that title, text after).
REFERENCES: dict[str, tuple[str, str, str]] = {
    "cameron_trivedi": (
        "Cameron, A. C., & Trivedi, P. K. (2013). ",
        "Regression analysis of count data",
        " (2nd ed.). Cambridge University Press.",
    ),
    "cameron_miller": (
        (
            "Cameron, A. C., & Miller, D. L. (2015). A practitioner's guide to cluster-robust "
            "inference. "
        ),
        "Journal of Human Resources, 50",
        "(2), 317–372.",
    ),
    "wooldridge": (
        (
            "Wooldridge, J. M. (1999). Distribution-free estimation of some nonlinear panel data "
            "models. "
        ),
        "Journal of Econometrics, 90",
        "(1), 77–97.",
    ),
    "liang_zeger": (
        (
            "Liang, K.-Y., & Zeger, S. L. (1986). Longitudinal data analysis using generalized "
            "linear models. "
        ),
        "Biometrika, 73",
        "(1), 13–22.",
    ),
    "cox": (
        "Cox, D. R. (1972). Regression models and life-tables. ",
        "Journal of the Royal Statistical Society: Series B, 34",
        "(2), 187–220.",
    ),
    "lin_wei": (
        (
            "Lin, D. Y., & Wei, L. J. (1989). The robust inference for the Cox proportional "
            "hazards model. "
        ),
        "Journal of the American Statistical Association, 84",
        "(408), 1074–1078.",
    ),
    "mackinnon_nielsen_webb": (
        (
            "MacKinnon, J. G., Nielsen, M. Ø., & Webb, M. D. (2023). Cluster-robust inference: A "
            "guide to empirical practice. "
        ),
        "Journal of Econometrics, 232",
        "(2), 272–299.",
    ),
    "farewell": (
        (
            "Farewell, V. T. (1982). The use of mixture models for the analysis of survival data "
            "with long-term survivors. "
        ),
        "Biometrics, 38",
        "(4), 1041–1046.",
    ),
    "kaplan_meier": (
        (
            "Kaplan, E. L., & Meier, P. (1958). Nonparametric estimation from incomplete "
            "observations. "
        ),
        "Journal of the American Statistical Association, 53",
        "(282), 457–481.",
    ),
    "grambsch_therneau": (
        (
            "Grambsch, P. M., & Therneau, T. M. (1994). Proportional hazards tests and "
            "diagnostics based on weighted residuals. "
        ),
        "Biometrika, 81",
        "(3), 515–526.",
    ),
    "spearman": (
        "Spearman, C. (1904). The proof and measurement of association between two things. ",
        "The American Journal of Psychology, 15",
        "(1), 72–101.",
    ),
    "lakens": (
        (
            "Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations, "
            "and meta-analyses. "
        ),
        "Social Psychological and Personality Science, 8",
        "(4), 355–362.",
    ),
    "good": (
        "Good, P. (2005). ",
        "Permutation, parametric, and bootstrap tests of hypotheses",
        " (3rd ed.). Springer.",
    ),
    "mann_whitney": (
        (
            "Mann, H. B., & Whitney, D. R. (1947). On a test of whether one of two random "
            "variables is stochastically larger than the other. "
        ),
        "The Annals of Mathematical Statistics, 18",
        "(1), 50–60.",
    ),
    "wilcoxon": (
        "Wilcoxon, F. (1945). Individual comparisons by ranking methods. ",
        "Biometrics Bulletin, 1",
        "(6), 80–83.",
    ),
    "efron": (
        "Efron, B., & Tibshirani, R. J. (1993). ",
        "An introduction to the bootstrap",
        ". Chapman & Hall.",
    ),
    "holm": (
        "Holm, S. (1979). A simple sequentially rejective multiple test procedure. ",
        "Scandinavian Journal of Statistics, 6",
        "(2), 65–70.",
    ),
    "statsmodels": (
        (
            "Seabold, S., & Perktold, J. (2010). statsmodels: Econometric and statistical "
            "modeling with Python. "
        ),
        "Proceedings of the 9th Python in Science Conference",
        ", 92–96.",
    ),
    "lifelines": (
        "Davidson-Pilon, C. (2019). lifelines: Survival analysis in Python. ",
        "Journal of Open Source Software, 4",
        "(40), 1317.",
    ),
}

ALTERNATIVES: dict[str, catalog.LanguageTexts] = catalog.texts(
    "alternative",
    {
        "less": {
            "en": "the focal group lower",
        },
        "greater": {
            "en": "the focal group higher",
        },
        "two-sided": {
            "en": "two-sided",
        },
    },
)


def estimate_name(name: str, language: str) -> str:
    """The effect size in words ('incidence rate ratio (IRR)'); the bare name when unregistered."""
    return ESTIMATE_NAMES.get(name, {}).get(language, name)


def model_words(model: str, language: str) -> str:
    """The model in words; the bare key when unregistered."""
    return MODELS.get(model, {}).get(language, model)


def references(
    model: str, robustness: tuple[str, ...] | list[str], adjusted: bool = False
) -> list[tuple[str, str, str]]:
    """The references (APA style, as :data:`REFERENCES` parts: before, in italics, after) for a
    model, its robustness tests and a Holm correction, in alphabetical order."""
    keys = list(MODELS.get(model, {}).get("refs", ()))
    for r in robustness:
        keys += ROBUSTNESS_REFS.get(r, ())
    if adjusted:
        keys.append("holm")
    seen = list(dict.fromkeys(keys))
    return sorted((REFERENCES[k] for k in seen), key="".join)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def methods_paragraph(
    row: dict[str, Any], hypothesis: Any, params: dict[str, Any], language: str
) -> str:
    """The methods paragraph (plain text) written from the fitted model's row and the
    parameters."""
    unit = t(f"unit.{row.get('unit', hypothesis.unit)}", language)
    alt = row.get("alternative") or row.get("direction") or hypothesis.direction
    two_sided = row.get("direction") == "two-sided"  # as the study asked
    unit_key = row.get("unit", hypothesis.unit)
    intro = (
        t("methods.intro_pages", language, n_clusters=fmt_int(row.get("n_clusters"), language))
        if unit_key == "page"
        else t(
            "methods.intro",
            language,
            unit=unit,
            n_obs=fmt_int(row.get("n_obs"), language),
            n_clusters=fmt_int(row.get("n_clusters"), language),
        )
    )
    common = dict(
        model=model_words(hypothesis.model, language),
        estimate_name=estimate_name(row.get("estimate_name", hypothesis.effect_name), language),
        ci_level=fmt_number(100 * float(row.get("ci_level") or 0.95), language, 0),
        alpha=fmt_number(params["alpha"], language, 3).rstrip("0").rstrip(",."),
    )
    if row.get("kind") == "equivalence" or getattr(hypothesis, "kind", "") == "equivalence":
        model = t(
            "methods.model_equivalence",
            language,
            bound=fmt_number(row.get("equivalence_bound"), language),
            **common,
        )
    else:
        model = t(
            "methods.model_two_sided" if two_sided else "methods.model",
            language,
            alternative=ALTERNATIVES.get(alt, {}).get(language, alt),
            **common,
        )
    if row.get("covariates"):
        model += " " + t(
            "methods.covariates",
            language,
            covariates=", ".join(
                noun(c.strip(), language) for c in str(row["covariates"]).split(",")
            ),
        )
    parts = [
        intro,
        t(
            "methods.filter",
            language,
            min_posts=params["min_posts"],
            window=fmt_number(params["reply_window_h"], language, 0),
        ),
        model,
    ]
    if row.get("robustness_test"):
        p_rob = row.get("robustness_p")
        test = stats_text(row["robustness_test"], language)
        parts.append(
            t(
                "methods.robustness_two_sided" if two_sided else "methods.robustness",
                language,
                test=test,
                p=fmt_p(p_rob, language),
            )
            if p_rob is not None and p_rob == p_rob
            else t("methods.robustness_ci", language, test=test)
        )
    parts.append(
        t(
            "methods.software",
            language,
            statsmodels=_version("statsmodels"),
            scipy=_version("scipy"),
            pandas=_version("pandas"),
            python=_platform.python_version(),
        )
    )
    return " ".join(parts)
