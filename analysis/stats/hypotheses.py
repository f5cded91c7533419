"""The hypothesis catalogue as data, the model registry, and :func:`run_hypothesis`.

A hypothesis is data (:class:`Hypothesis`): outcome measure, unit, contrast, direction, model,
robustness tests. :data:`CATALOGUE` ships H1–H6 (H4 as
two claims, H4a and H4b: :data:`SPLIT`) and ``generic``; a study can state its own
hypothesis without code through ``run_hypothesis("generic", outcome=..., unit=..., contrast=...,
direction=..., model=...)``. Models and robustness tests are looked up by name in
:data:`MODELS` and :data:`ROBUSTNESS` (registries, not if-chains): adding one is adding a function.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis import catalog
from analysis.groups import DEFAULT_GROUPS, GROUP_COLUMNS, AccountGroups
from analysis.messages import MESSAGES, Group, Language, Message, Number, joined
from analysis.stats import correlation, models, survival
from analysis.stats import robustness as rob
from analysis.stats.power import mde_from_se
from analysis.stats.result import ROBUSTNESS_COLUMNS, TABLE_COLUMNS, HypothesisResult, decide

DIRECTIONS = ("less", "greater", "two-sided")


@dataclass(frozen=True)
class Hypothesis:
    """One testable claim.

    Attributes
    ----------
    id : str
        "H1".."H6" or "generic".
    claim_en : str
        The claim as stated ("business pages get fewer replies per post").
    question_en : str
        The question it answers, for report headings.
    outcome : str
        Measure column (``replies``, ``answered``, ``time_to_owner_reply_h``, ``mean_replies``).
    unit : {"post", "comment", "page"}
    contrast : str
        Column defining the two groups: ``account_type`` (business = focal, personal =
        reference), a boolean column (True = focal) or ``"column=value"``. For correlations, the
        continuous column (``followers``).
    direction : {"less", "greater", "two-sided"}
        Direction of the effect of the focal group: "less" = ratio below 1.
    model : str
        Key of :data:`MODELS`.
    robustness : tuple of str
        Keys of :data:`ROBUSTNESS`; the first is reported in the main table.
    effect_name : str
        IRR, OR, HR or rho.
    focal_en, reference_en : str
        Group names in words ("business pages" / "personal pages").
    outcome_en : str
        The outcome in words ("replies per post").
    kind : {"superiority", "equivalence"}
    covariates : tuple of str
    interaction : str or None
        Column interacted with the group (H6: ``negative``); the interaction is the tested term.
    fixed_effects : bool or None
        Page fixed effects for count models (None = when the contrast varies within pages).
    subset : str or None
        A boolean column; only units where it is true are analysed (H4b: ``answered_in_window``,
        the delay among comments answered within the reply window).
    """

    id: str
    claim_en: str
    question_en: str
    outcome: str
    unit: str
    contrast: str
    direction: str
    model: str
    robustness: tuple[str, ...]
    effect_name: str
    focal_en: str = "the focal group"
    reference_en: str = "the others"
    outcome_en: str = ""
    kind: str = "superiority"
    covariates: tuple[str, ...] = ()
    interaction: str | None = None
    fixed_effects: bool | None = None
    subset: str | None = None
    #: The hypothesis's own words in other languages (language -> field -> text), e.g. a study's
    #: French claim or the generic wording; what is not here comes from the catalogues.
    translations: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)
    #: The two account groups of a group contrast (``contrast`` in :data:`GROUP_COLUMNS`):
    #: business vs personal pages unless the study names others (:func:`with_groups`).
    groups: AccountGroups = DEFAULT_GROUPS

    def group(self, which: str) -> Group:
        """The focal or reference group (``which``) as a message parameter: its English words,
        with the hypothesis's own words in other languages (a study's account groups)."""
        words = {lang: own[which] for lang, own in self.translations.items() if own.get(which)}
        return Group(getattr(self, f"{which}_en"), words=words)

    def text(self, field: str, language: str) -> str:
        """The words ``field`` (claim, question, focal, reference, outcome) in ``language``: the
        hypothesis's own (English, or French as the study or the catalogue states it), else the
        catalogue's translation of the English (context ``hypothesis.<id>.<field>``)."""
        english = getattr(self, f"{field}_en")
        if language == catalog.SOURCE_LANGUAGE:
            return english
        own = self.translations.get(language, {}).get(field)
        if own is not None or not english:
            return own if own is not None else english
        context = f"hypothesis.{self.id}.{field}"
        if catalog.by_context(context) != english:  # words changed since: no translation applies
            return english
        return catalog.gettext(context, english, language)


_BUSINESS = dict(
    focal_en="business pages",
    reference_en="personal pages",
)

CATALOGUE: dict[str, Hypothesis] = {
    "H1": Hypothesis(
        "H1",
        "business pages get fewer replies per post",
        "Do business pages get fewer replies per post than personal pages?",
        outcome="replies",
        unit="post",
        contrast="account_type",
        direction="less",
        model="negbin",
        robustness=("page_permutation", "page_rank"),
        effect_name="IRR",
        outcome_en="replies per post",
        fixed_effects=False,
        **_BUSINESS,
    ),
    "H2": Hypothesis(
        "H2",
        "business pages answer a smaller share of comments",
        "Do business pages answer a smaller share of their comments than personal pages?",
        outcome="answered",
        unit="comment",
        contrast="account_type",
        direction="less",
        model="gee_logit",
        robustness=("page_permutation",),
        effect_name="OR",
        outcome_en="odds that a comment is answered by the page",
        **_BUSINESS,
    ),
    "H3": Hypothesis(
        "H3",
        "question posts get more replies",
        "Do posts that ask a question get more replies than other posts of the same page?",
        outcome="replies",
        unit="post",
        contrast="is_question",
        direction="greater",
        model="poisson",
        robustness=("within_page_signed_rank",),
        effect_name="IRR",
        focal_en="question posts",
        reference_en="other posts of the same page",
        outcome_en="replies per post",
        fixed_effects=True,
    ),
    # H4 "business pages take longer to answer" is two claims (analysis.stats.survival, "Why H4 is
    # two claims"): answering less (H4a) and, among what gets answered, answering later (H4b).
    # The id "H4" stands for both (SPLIT): a study's `- id: H4` makes one report for each.
    "H4a": Hypothesis(
        "H4a",
        "business pages answer fewer comments within the reply window",
        "Do business pages answer fewer of their comments within the reply window than personal "
        "pages?",
        outcome="answered_in_window",
        unit="comment",
        contrast="account_type",
        direction="less",
        model="gee_logit",
        robustness=("page_permutation",),
        effect_name="OR",
        outcome_en="odds that a comment is answered by the page within the reply window",
        **_BUSINESS,
    ),
    "H4b": Hypothesis(
        "H4b",
        "among the comments they answer, business pages take longer to answer",
        "Among the comments answered within the reply window, do business pages take longer than "
        "personal pages to answer?",
        outcome="time_to_owner_reply_h",
        unit="comment",
        contrast="account_type",
        direction="greater",
        model="log_time",
        robustness=("page_geomean_permutation", "answered_medians"),
        effect_name="GMR",
        outcome_en="time to the page's first answer",
        subset="answered_in_window",
        **_BUSINESS,
    ),
    "H5": Hypothesis(
        "H5",
        "audience size is only weakly tied to dialogue",
        "Is audience size only weakly tied to the replies a page gets?",
        outcome="mean_replies",
        unit="page",
        contrast="followers",
        direction="two-sided",
        model="spearman_tost",
        robustness=("rho_bootstrap", "elasticity"),
        effect_name="rho",
        kind="equivalence",
        focal_en="audience size (followers)",
        reference_en="",
        outcome_en="mean replies per post",
    ),
    "H6": Hypothesis(
        "H6",
        "business pages answer negative comments less",
        "Is the gap between business and personal pages larger for negative comments?",
        outcome="answered",
        unit="comment",
        contrast="account_type",
        direction="less",
        model="gee_logit",
        robustness=("per_language",),
        effect_name="OR",
        interaction="negative",
        outcome_en="odds that a negative comment (relative to other comments) is answered",
        **_BUSINESS,
    ),
    "generic": Hypothesis(
        "generic",
        "the focal group differs on the outcome",
        "Does the focal group differ on the outcome?",
        outcome="replies",
        unit="post",
        contrast="account_type",
        direction="less",
        model="negbin",
        robustness=("page_permutation",),
        effect_name="IRR",
    ),
}

TEXT_FIELDS = ("claim", "question", "focal", "reference", "outcome")
for _h in CATALOGUE.values():  # the catalogue's words, translated in the catalogues
    for _field in TEXT_FIELDS:
        if getattr(_h, f"{_field}_en"):
            catalog.register(f"hypothesis.{_h.id}.{_field}", getattr(_h, f"{_field}_en"))
    for _label in filter(None, (_h.focal_en, _h.reference_en)):  # in a warning's words
        catalog.register(f"group.{_label}", _label)

#: The claim and question of each group hypothesis with the groups as parameters, for a study
#: that compares other groups than business and personal pages (:func:`with_groups`).
GROUP_TEXTS: dict[str, dict[str, str]] = {
    hid: {
        name: catalog.register(
            f"hypothesis.{hid}.{name}.groups", text, params=("focal", "reference")
        )
        for name, text in texts.items()
    }
    for hid, texts in {
        "H1": {
            "claim": "{focal} get fewer replies per post",
            "question": "Do {focal} get fewer replies per post than {reference}?",
        },
        "H2": {
            "claim": "{focal} answer a smaller share of comments",
            "question": "Do {focal} answer a smaller share of their comments than {reference}?",
        },
        "H4a": {
            "claim": "{focal} answer fewer comments within the reply window",
            "question": "Do {focal} answer fewer of their comments within the reply window than "
            "{reference}?",
        },
        "H4b": {
            "claim": "among the comments they answer, {focal} take longer to answer",
            "question": "Among the comments answered within the reply window, do {focal} take "
            "longer than {reference} to answer?",
        },
        "H6": {
            "claim": "{focal} answer negative comments less",
            "question": "Is the gap between {focal} and {reference} larger for negative comments?",
        },
    }.items()
}


def with_groups(hyp: Hypothesis, groups: AccountGroups) -> Hypothesis:
    """``hyp`` comparing the study's ``groups`` instead of business and personal pages.

    Only a group contrast changes (``contrast`` in :data:`GROUP_COLUMNS`); its group names, and
    the claim and question of :data:`GROUP_TEXTS`, are written with the study's words in every
    language (the labels themselves where it gives none). Other hypotheses (questions, audience
    size) come back as they are.
    """
    if hyp.contrast not in GROUP_COLUMNS:
        return hyp
    words = {lang: groups.words(lang) for lang in catalog.languages()}
    fields: dict[str, dict[str, str]] = {}
    for lang, (focal, reference) in words.items():
        own = {"focal": focal, "reference": reference}
        for name, text in GROUP_TEXTS.get(hyp.id, {}).items():
            template = catalog.gettext(f"hypothesis.{hyp.id}.{name}.groups", text, lang)
            own[name] = catalog.contract(template.format(**own), lang)
        fields[lang] = own
    english = fields.pop(catalog.SOURCE_LANGUAGE)
    return replace(
        hyp,
        contrast=groups.column,
        groups=groups,
        translations={**hyp.translations, **fields},
        **{f"{name}_en": text for name, text in english.items()},
    )


_MODEL_EFFECT = {
    "negbin": "IRR",
    "poisson": "IRR",
    "gee_logit": "OR",
    "cox": "HR",
    "spearman_tost": "rho",
    "page_poisson": "IRR",
    "log_time": "GMR",
}

#: A catalogue id that stands for several claims, each with its own test and verdict: a study's
#: ``- id: H4`` makes one report per part (:mod:`analysis.runner.study` keeps a copy, checked by a
#: test, so that reading a study file does not import statsmodels).
SPLIT: dict[str, tuple[str, ...]] = {"H4": ("H4a", "H4b")}
_MODEL_DEFAULT_ROBUSTNESS = {
    "negbin": ("page_permutation",),
    "poisson": ("within_page_signed_rank",),
    "gee_logit": ("page_permutation",),
    "cox": ("km_medians", "ph_test"),
    "log_time": ("page_geomean_permutation",),
    "spearman_tost": ("rho_bootstrap",),
    "page_poisson": ("page_permutation", "page_rank"),
}


# --------------------------------------------------------------------------- data preparation


def _group_indicator(
    frame: pd.DataFrame, contrast: str, hyp: Hypothesis
) -> tuple[pd.Series, pd.Series]:
    """0/1 focal indicator and its label from the contrast spec; NaN where not in either group."""
    if contrast in GROUP_COLUMNS:
        if contrast not in frame:
            raise ValueError(
                f"the groups column `{contrast}` is not in the {hyp.unit} measures; give the "
                "groups a group file (`group_file`) or compare account_type"
            )
        col = frame[contrast].astype("string")
        g = col.map({hyp.groups.focal: 1.0, hyp.groups.reference: 0.0}).astype(float)
        if hyp.groups.is_default:
            return g, col
        # the study's groups: labelled with their words (messages write them in each language)
        return g, g.map({1.0: hyp.group("focal"), 0.0: hyp.group("reference")}).astype(object)
    column, _, value = contrast.partition("=")
    if column not in frame:
        raise ValueError(
            f"contrast column `{column}` is not in the {hyp.unit} measures; "
            f"available: {', '.join(map(str, frame.columns))}"
        )
    col = frame[column]
    if value:
        g = (col.astype("string") == value).astype(float).where(col.notna())
    else:
        if not (col.dropna().isin([0, 1, True, False]).all()):
            raise ValueError(
                f"contrast column `{column}` is not boolean; write `{column}=<value>` to compare "
                "one value against the rest"
            )
        g = col.astype(float)
    labels = g.map({1.0: hyp.focal_en, 0.0: hyp.reference_en})
    return g, labels


def _page_frame(
    posts: pd.DataFrame | None, comments: pd.DataFrame | None, pages: pd.DataFrame | None
) -> pd.DataFrame:
    """One row per page: given ``pages`` or aggregated from post/comment measures."""
    if pages is not None:
        return pages.copy()
    if posts is None:
        raise ValueError(
            "page-level hypotheses need `posts` (post measures) or `pages` (page measures)"
        )
    # a study's own groups (a group file's labels) are a page attribute, as the account type
    own_groups = {"account_group": ("account_group", "first")} if "account_group" in posts else {}
    agg = posts.groupby("account_id").agg(
        **own_groups,
        platform=("platform", "first"),
        account_type=("account_type", "first"),
        followers=("followers", "first"),
        posts=("post_id", "size"),
        mean_replies=("replies", "mean"),
    )
    if comments is not None and "answered" in comments:
        agg["answered_share"] = comments.groupby("account_id")["answered"].mean()
    return agg.reset_index()


def _rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """A new frame of the rows ``keep`` selects; sharing the columns when it selects them all.

    Columns are then only added or replaced on the new frame (``frame[col] = ...`` replaces a
    column, it never writes into the shared array), so the caller's frame is never modified.
    """
    return frame.copy(deep=False) if keep.all() else frame.take(np.flatnonzero(keep))


def prepare(hyp: Hypothesis, posts, comments, pages, min_posts: int) -> tuple[pd.DataFrame, int]:
    """The analysed frame: units of pages with at least ``min_posts`` posts, with ``cluster``,
    ``group`` (0/1), ``group_label`` and the outcome; rows with a missing outcome or group
    dropped. Returns the frame and the number of pages excluded by ``min_posts``."""
    if hyp.unit == "page":
        frame = _page_frame(posts, comments, pages)
    else:
        frame = {"post": posts, "comment": comments}.get(hyp.unit)
        if frame is None:
            raise ValueError(
                f"hypothesis {hyp.id} is about {hyp.unit}s: pass `{hyp.unit}s=` "
                f"({hyp.unit} measures from analysis.measures)"
            )
    for col in (hyp.outcome, "account_id", *([hyp.subset] if hyp.subset else [])):
        if col not in frame:
            raise ValueError(
                f"column `{col}` is missing in the {hyp.unit} measures needed by {hyp.id}; "
                f"compute it with analysis.measures or pick another outcome"
            )
    unknown = [c for c in hyp.covariates if c not in frame]
    if unknown:
        raise ValueError(
            f"covariate(s) {', '.join(unknown)} of {hyp.id} are not columns of the {hyp.unit} "
            f"measures; pick covariates among them (analysis.measures), e.g. is_question"
        )
    # rows are selected by masks and taken once (millions of comments: each copy of the frame
    # is a gigabyte); the caller's frame is never modified
    keep = np.ones(len(frame), dtype=bool)
    if hyp.subset:
        keep &= frame[hyp.subset].fillna(False).astype(bool).to_numpy()
    # pages with too few posts
    if posts is not None:
        n_posts = posts.groupby("account_id").size()
    elif "posts" in frame:
        n_posts = frame.set_index("account_id")["posts"]
    else:
        n_posts = frame[keep].groupby("account_id")["post_id"].nunique()
    keep_pages = set(n_posts.index[n_posts >= min_posts])
    all_pages = set(frame["account_id"][keep].unique())
    excluded = len(all_pages - keep_pages)
    keep &= frame["account_id"].isin(keep_pages).to_numpy()
    frame = _rows(frame, keep)
    frame["cluster"] = frame["account_id"].astype(str)
    if hyp.kind == "equivalence":
        frame["group"] = 1.0
        frame["group_label"] = hyp.focal_en
    else:
        g, lab = _group_indicator(frame, hyp.contrast, hyp)
        frame["group"], frame["group_label"] = g, lab
    complete = (frame["group"].notna() & frame[hyp.outcome].notna()).to_numpy()
    for covariate in hyp.covariates:  # a unit without a covariate's value cannot be adjusted
        complete &= frame[covariate].notna().to_numpy()
    frame = _rows(frame, complete)
    frame["group"] = frame["group"].astype(int)
    if frame[hyp.outcome].dtype == bool or str(frame[hyp.outcome].dtype) == "boolean":
        frame[hyp.outcome] = frame[hyp.outcome].astype(int)
    frame.index = pd.RangeIndex(
        len(frame)
    )  # our own frame (taken above): renumbered in place, not copied
    return frame, excluded


# --------------------------------------------------------------------------- model registry


@dataclass
class Primary:
    """Numbers of the primary test, ready for the result table."""

    test: dict
    fit: models.ModelFit | None = None
    warnings: list[str] = field(default_factory=list)


def _fe(hyp: Hypothesis, df: pd.DataFrame) -> bool:
    if hyp.fixed_effects is not None:
        return hyp.fixed_effects
    return bool((df.groupby("cluster")["group"].nunique() > 1).any())


def _wald(fit: models.ModelFit, direction: str, params: dict) -> Primary:
    return Primary(
        models.wald_test(fit, direction, params.get("ci_level", 0.95)), fit, list(fit.warnings)
    )


def _run_negbin(hyp, df, direction, params):
    fit = models.fit_negbin(
        df,
        hyp.outcome,
        list(hyp.covariates),
        fixed_effects=_fe(hyp, df),
        maxiter=params.get("maxiter", 100),
    )
    return _wald(fit, direction, params)


def _run_poisson(hyp, df, direction, params):
    fe = True if hyp.fixed_effects is None else hyp.fixed_effects
    return _wald(
        models.fit_poisson(df, hyp.outcome, list(hyp.covariates), fixed_effects=fe),
        direction,
        params,
    )


def _run_gee(hyp, df, direction, params):
    fit = models.fit_gee_logit(
        df,
        hyp.outcome,
        list(hyp.covariates),
        interaction=hyp.interaction,
        cov_struct=params.get("cov_struct", "exchangeable"),
    )
    return _wald(fit, direction, params)


def _run_cox(hyp, df, direction, params):
    fit = survival.fit_cox(
        df, hyp.outcome, params.get("event", "reply_observed"), list(hyp.covariates)
    )
    return _wald(fit, direction, params)


def _run_page_poisson(hyp, df, direction, params):
    """Two groups of pages compared on a page measure: one page = one observation; Poisson
    quasi-likelihood (any non-negative outcome, e.g. mean replies per post), so exp(coef) is the
    ratio of the groups' averages of page values; robust SE, reference t(G−1)."""
    return _wald(
        models.fit_poisson(df, hyp.outcome, list(hyp.covariates), fixed_effects=False),
        direction,
        params,
    )


def _run_log_time(hyp, df, direction, params):
    return _wald(survival.fit_log_time(df, hyp.outcome, list(hyp.covariates)), direction, params)


def _run_spearman(hyp, df, direction, params):
    if not pd.api.types.is_numeric_dtype(df[hyp.contrast]):
        raise ValueError(
            f"model spearman_tost correlates the outcome with a numeric page column; "
            f"`{hyp.contrast}` is not numeric. "
            "Fix: model='page_poisson' compares two groups of pages"
        )
    test = correlation.spearman_tost(
        df[hyp.contrast],
        df[hyp.outcome],
        bound=params.get("bound", 0.3),
        ci_level=params.get("ci_level", 0.95),
    )
    fit = models.ModelFit(
        test.pop("coef"),
        test.pop("se"),
        None,
        "tanh",
        test["n"],
        test["n"],
        test["n"] >= 4,
        test.pop("warnings"),
    )
    return Primary(test, fit, list(fit.warnings))


#: model name -> runner(hypothesis, analysed frame, direction, params) -> Primary
MODELS: dict[str, Callable[..., Primary]] = {
    "negbin": _run_negbin,
    "poisson": _run_poisson,
    "gee_logit": _run_gee,
    "cox": _run_cox,
    "log_time": _run_log_time,
    "spearman_tost": _run_spearman,
    "page_poisson": _run_page_poisson,
}


def _rob_permutation(hyp, df, direction, params, *, posts=None):
    return [
        rob.page_permutation(
            df,
            hyp.outcome,
            direction,
            n_perm=params.get("n_perm", 4999),
            seed=params.get("seed", 0),
        )
    ]


def _rob_rank(hyp, df, direction, params, *, posts=None):
    return [rob.page_rank_test(df, hyp.outcome, direction)]


def _rob_signed_rank(hyp, df, direction, params, *, posts=None):
    return [rob.within_page_signed_rank(df, hyp.outcome, direction)]


def _rob_share24(hyp, df, direction, params, *, posts=None):
    return [
        survival.page_share_within(
            df,
            hyp.outcome,
            params.get("event", "reply_observed"),
            hours=params.get("within_h", 24.0),
            direction=direction,
            n_perm=params.get("n_perm", 4999),
            seed=params.get("seed", 0),
        )
    ]


def _rob_km(hyp, df, direction, params, *, posts=None):
    return survival.km_medians(df, hyp.outcome, params.get("event", "reply_observed"))


def _rob_geomean(hyp, df, direction, params, *, posts=None):
    return [
        survival.page_geomean_permutation(
            df,
            hyp.outcome,
            direction,
            n_perm=params.get("n_perm", 4999),
            seed=params.get("seed", 0),
        )
    ]


def _rob_answered_medians(hyp, df, direction, params, *, posts=None):
    return survival.answered_medians(df, hyp.outcome)


def _rob_ph(hyp, df, direction, params, *, posts=None):
    return [survival.ph_test(df, hyp.outcome, params.get("event", "reply_observed"))]


def _rob_per_language(hyp, df, direction, params, *, posts=None):
    rows = []
    for lang, sub in sorted(
        df.groupby(df["lang"].astype("string").fillna("und")), key=lambda kv: str(kv[0])
    ):
        if sub["cluster"].nunique() < 4 or sub["group"].nunique() < 2:
            rows.append(
                rob.robustness_row(
                    Message("test_per_language", hid=hyp.id, language=Language(str(lang))),
                    note=Message("too_few_to_fit", n=int(sub["cluster"].nunique())),
                )
            )
            continue
        pr = _run_gee(hyp, sub, direction, params)
        t = pr.test
        rows.append(
            rob.robustness_row(
                Message("test_per_language", hid=hyp.id, language=Language(str(lang))),
                t["statistic"],
                t["p_value"],
                t["estimate"],
                t["ci_low"],
                t["ci_high"],
                note=joined(
                    Message("fit_comments", n=pr.fit.n_obs, pages=pr.fit.n_clusters), *pr.warnings
                ),
            )
        )
    return rows


def _rob_rho_bootstrap(hyp, df, direction, params, *, posts=None):
    return [
        correlation.bootstrap_rho(
            df[hyp.contrast],
            df[hyp.outcome],
            n_boot=params.get("n_boot", 2000),
            seed=params.get("seed", 0),
        )
    ]


def _rob_elasticity(hyp, df, direction, params, *, posts=None):
    if posts is None:
        return [
            rob.robustness_row(Message("test_elasticity"), note=Message("needs_post_measures"))
        ]
    return [correlation.elasticity(posts[posts["account_id"].isin(df["account_id"])])]


#: robustness name -> function(hypothesis, analysed frame, direction, params, *, posts) -> list of
#: rows (``posts``: the post measures frame given to :func:`run_hypothesis`, or None)
ROBUSTNESS: dict[str, Callable[..., list[dict]]] = {
    "page_permutation": _rob_permutation,
    "page_rank": _rob_rank,
    "within_page_signed_rank": _rob_signed_rank,
    "page_share_24h": _rob_share24,
    "km_medians": _rob_km,
    "ph_test": _rob_ph,
    "page_geomean_permutation": _rob_geomean,
    "answered_medians": _rob_answered_medians,
    "per_language": _rob_per_language,
    "rho_bootstrap": _rob_rho_bootstrap,
    "elasticity": _rob_elasticity,
}


# --------------------------------------------------------------------------- the entry point


def generic_hypothesis(
    outcome: str, unit: str, contrast: str, direction: str, model: str | None = None, **labels: Any
) -> Hypothesis:
    """A study's own hypothesis as data (no code): see :func:`run_hypothesis`."""
    if unit not in ("post", "comment", "page"):
        raise ValueError(f"unit={unit!r}: use 'post', 'comment' or 'page'")
    if model is None:
        group_contrast = (
            contrast == "account_type" or "=" in contrast
        )  # two groups of pages, not a correlation
        model = {
            "post": "negbin",
            "comment": "gee_logit",
            "page": "page_poisson" if group_contrast else "spearman_tost",
        }[unit]
    if model not in MODELS:
        raise ValueError(f"model={model!r} is unknown; use one of {', '.join(MODELS)}")
    base = CATALOGUE["H1"] if contrast == "account_type" else CATALOGUE["generic"]
    focal = {k: base.__dict__[k] for k in ("focal_en", "reference_en")}
    translations = {}
    if contrast == "account_type":
        translations = {
            lang: {f: base.text(f, lang) for f in ("focal", "reference")}
            for lang in catalog.languages()[1:]
        }
    else:
        col, _, val = contrast.partition("=")
        focal = {
            "focal_en": f"{unit}s with {col}{'=' + val if val else ''}",
            "reference_en": f"other {unit}s",
        }
    for (
        key,
        value,
    ) in labels.items():  # the caller's own words: English fields, or `<field>_<lang>`
        name, _, lang = key.rpartition("_")
        if name in TEXT_FIELDS and lang == "en":
            focal[key] = value
        elif name in TEXT_FIELDS and lang:
            translations.setdefault(lang, {})[name] = value
    fields = dict(
        id="generic",
        outcome=outcome,
        unit=unit,
        contrast=contrast,
        direction=direction,
        model=model,
        robustness=_MODEL_DEFAULT_ROBUSTNESS[model],
        effect_name=_MODEL_EFFECT[model],
        kind="equivalence" if model == "spearman_tost" else "superiority",
        claim_en=f"{focal['focal_en']} differ on {outcome} ({direction})",
        question_en=f"Do {focal['focal_en']} differ from {focal['reference_en']} on {outcome}?",
        outcome_en=outcome,
        fixed_effects=None,
        translations=translations,
    )
    fields.update(focal)
    for key in ("covariates",):
        if key in labels:
            fields[key] = tuple(labels[key])
    return Hypothesis(**fields)


def run_hypothesis(
    hid: str,
    posts: pd.DataFrame | None = None,
    comments: pd.DataFrame | None = None,
    alpha: float = 0.05,
    direction: str | None = None,
    min_posts: int = 5,
    pages: pd.DataFrame | None = None,
    robustness: bool = True,
    **extra: Any,
) -> HypothesisResult:
    """Test one hypothesis of :data:`CATALOGUE` (or a generic one) on measures frames.

    Parameters
    ----------
    hid : str
        "H1".."H6", or "generic" (then pass ``outcome``, ``unit``, ``contrast``, ``direction`` and
        optionally ``model`` and ``covariates`` in ``extra``).
    posts, comments : DataFrame, optional
        ``analysis.measures.post_measures`` / ``comment_measures`` output.
    alpha : float
        Significance level of the one-sided test (and of the TOST for equivalence).
    direction : {"less", "greater", "two-sided"}, optional
        None = the catalogue's stated direction.
    min_posts : int
        Pages with fewer posts are left out (counted in ``n_pages_excluded``).
    pages : DataFrame, optional
        Page measures for page-level hypotheses (else aggregated from ``posts``).
    robustness : bool
        Run the robustness tests (False: primary only, e.g. in simulations).
    **extra
        ``ci_level`` (0.95), ``bound`` (H5 equivalence bound on rho, 0.3), ``n_perm`` (4999),
        ``seed`` (0), ``within_h`` (H4, 24), ``event`` (H4 event column), ``cov_struct``
        (GEE: "exchangeable" or "independence"), ``maxiter``, ``covariates`` (tuple of columns).

    Returns
    -------
    HypothesisResult

    Examples
    --------
    >>> res = run_hypothesis("H1", posts=post_m)                        # doctest: +SKIP
    >>> res.table[["estimate", "ci_low", "ci_high", "p_value", "verdict"]]  # doctest: +SKIP
    """
    _check_request(hid, alpha)
    params = dict(extra)
    hyp = _resolve_hypothesis(hid, direction, params)
    direction = _resolve_direction(hyp, direction)

    df, excluded = prepare(hyp, posts, comments, pages, min_posts)
    warnings: list[str] = []
    if excluded:
        warnings.append(Message("pages_left_out", n=int(excluded), min_posts=int(min_posts)))
    pages_by_group = df.groupby("group")["cluster"].nunique().to_dict()
    one_group = hyp.kind != "equivalence" and (
        len(pages_by_group) < 2 or min(pages_by_group.values()) < 2
    )
    if one_group:  # nothing to compare: no model, and no robustness test either
        primary, reliable = _no_comparison(hyp, pages_by_group, warnings)
    else:
        primary = MODELS[hyp.model](hyp, df, direction, params)
        reliable = primary.fit.reliable if primary.fit is not None else True
    warnings += primary.warnings
    n_clusters = _n_clusters(primary.fit, df, warnings)

    rob_rows: list[dict] = []
    if robustness and not one_group:
        rob_rows = _robustness_rows(hyp, df, direction, params, posts, warnings)
    _ph_warnings(rob_rows, warnings)

    unit_counts = df.groupby("group_label" if hyp.kind != "equivalence" else "group").size()
    if primary.fit is not None and primary.fit.extra.get("analysed") is not None:
        df = primary.fit.extra["analysed"]
    row = _result_row(
        hyp,
        primary,
        direction,
        alpha,
        params,
        n_obs=int(primary.fit.n_obs if primary.fit is not None else len(df)),
        n_clusters=n_clusters,
        unit_counts=unit_counts,
        pages_by_group=pages_by_group,
        rob_rows=rob_rows,
        warnings=warnings,
        reliable=reliable,
        excluded=excluded,
    )
    row["verdict"] = decide(row)
    table = pd.DataFrame([row], columns=TABLE_COLUMNS)
    rob_df = pd.DataFrame(rob_rows, columns=ROBUSTNESS_COLUMNS)
    return HypothesisResult(hyp, table, rob_df, df, warnings)


def _check_request(hid: str, alpha: float) -> None:
    """Refuse a split hypothesis (H4), an unknown id or an alpha outside (0, 1)."""
    if hid in SPLIT:
        raise ValueError(
            f"hypothesis {hid} is {len(SPLIT[hid])} claims, each with its own test and verdict: "
            "run "
            f"{' and '.join(SPLIT[hid])} (a study's `- id: {hid}` makes one report for each)"
        )
    if hid not in CATALOGUE:
        raise ValueError(f"hypothesis {hid!r} is not in the catalogue ({', '.join(CATALOGUE)})")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha={alpha}: must lie strictly between 0 and 1, e.g. 0.05")


def _resolve_hypothesis(hid: str, direction: str | None, extra: dict[str, Any]) -> Hypothesis:
    """The catalogue's hypothesis, or the generic one built from ``extra``; the keys that define
    the hypothesis (``outcome``, ``unit``, ``contrast``, ``model``, labels, ``covariates``,
    ``groups``) are popped from ``extra``, which keeps the test options."""
    groups = extra.pop("groups", None)
    hyp = _resolve_words(hid, direction, extra)
    return with_groups(hyp, groups) if groups is not None else hyp


def _resolve_words(hid: str, direction: str | None, extra: dict[str, Any]) -> Hypothesis:
    if hid != "generic":
        if "covariates" in extra:
            return replace(CATALOGUE[hid], covariates=tuple(extra.pop("covariates")))
        return CATALOGUE[hid]
    missing = [k for k in ("outcome", "unit", "contrast") if k not in extra]
    if missing:
        raise ValueError(
            f"the generic hypothesis needs {', '.join(missing)}: e.g. run_hypothesis('generic', "
            "posts=..., outcome='replies', unit='post', contrast='is_promotional', "
            "direction='less')"
        )
    return generic_hypothesis(
        extra.pop("outcome"),
        extra.pop("unit"),
        extra.pop("contrast"),
        direction or "two-sided",
        extra.pop("model", None),
        **{
            k: extra.pop(k)
            for k in list(extra)
            if k.startswith(("focal_", "reference_", "outcome_", "covariates"))
        },
    )


def _resolve_direction(hyp: Hypothesis, direction: str | None) -> str:
    """The asked direction, else the hypothesis's; refused if not one of :data:`DIRECTIONS`."""
    direction = direction or hyp.direction
    if direction not in DIRECTIONS:
        raise ValueError(
            f"direction={direction!r}: use one of {', '.join(DIRECTIONS)} (None = catalogue's)"
        )
    return direction


_NO_TEST_KEYS = ("statistic", "p_value", "p_two_sided", "estimate", "ci_low", "ci_high", "df")


def _no_comparison(
    hyp: Hypothesis, pages_by_group: dict, warnings: list[str]
) -> tuple[Primary, bool]:
    """An empty (unreliable) primary when a group has fewer than two pages, with the warning
    that says how many pages each group has."""
    primary = Primary({k: np.nan for k in _NO_TEST_KEYS} | {"reference_distribution": ""})
    n_focal, n_ref = pages_by_group.get(1, 0), pages_by_group.get(0, 0)
    code = "too_few_pages" if hyp.focal_en.endswith("pages") else "too_few_pages_with"
    warnings.append(
        Message(
            code,
            focal=hyp.group("focal"),
            n_focal=int(n_focal),
            reference=hyp.group("reference"),
            n_reference=int(n_ref),
        )
    )
    return primary, False


def _n_clusters(fit: Any, df: pd.DataFrame, warnings: list[str]) -> int:
    """The number of pages of the fit (else of the analysed frame); warns when a small-sample t
    reference is used with few clusters."""
    n_clusters = fit.n_clusters if fit is not None else df["cluster"].nunique()
    if fit is not None and fit.df is not None and n_clusters < models.FEW_CLUSTERS:
        warnings.append(
            Message(
                "few_clusters", n=int(n_clusters), min=models.FEW_CLUSTERS, df=int(n_clusters - 1)
            )
        )
    return n_clusters


def _robustness_rows(
    hyp: Hypothesis,
    df: pd.DataFrame,
    direction: str,
    params: dict,
    posts: pd.DataFrame | None,
    warnings: list[str],
) -> list[dict]:
    """The hypothesis's robustness tests in order; one that fails becomes a row saying so (and a
    warning) rather than hiding the primary result."""
    rows: list[dict] = []
    for name in hyp.robustness:
        try:
            rows += ROBUSTNESS[name](hyp, df, direction, params, posts=posts)
        except Exception as exc:  # a robustness failure must not hide the primary result
            test = Message(f"test_key_{name}") if f"test_key_{name}" in MESSAGES else name
            error, detail = type(exc).__name__, str(exc)
            rows.append(
                rob.robustness_row(test, note=Message("failed", error=error, detail=detail))
            )
            warnings.append(Message("robustness_failed", test=test, error=error, detail=detail))
    return rows


def _ph_warnings(rob_rows: list[dict], warnings: list[str]) -> None:
    """Warn when a Schoenfeld test rejects proportional hazards."""
    for row in rob_rows:
        if getattr(row["test"], "code", None) == "test_ph" and row["p_value"] < 0.05:
            warnings.append(Message("ph_questionable", p=Number(f"{row['p_value']:.3g}")))


def _mde(hyp: Hypothesis, fit: Any, alpha: float, direction: str) -> float:
    """Minimum detectable effect at 80 % power (NaN for equivalence or without a finite SE)."""
    if fit is not None and hyp.kind != "equivalence" and np.isfinite(fit.se):
        return mde_from_se(
            fit.se, fit.df, alpha=alpha, power=0.8, direction=direction, transform=fit.transform
        )
    return np.nan


def _result_row(
    hyp: Hypothesis,
    primary: Primary,
    direction: str,
    alpha: float,
    params: dict,
    *,
    n_obs: int,
    n_clusters: int,
    unit_counts: pd.Series,
    pages_by_group: dict,
    rob_rows: list[dict],
    warnings: list[str],
    reliable: bool,
    excluded: int,
) -> dict:
    """The one row of the result table (``verdict`` left empty for :func:`decide`)."""
    t = primary.test
    return {
        "hypothesis": hyp.id,
        "claim": hyp.claim_en,
        "outcome": hyp.outcome,
        "unit": hyp.unit,
        "contrast": hyp.contrast
        if hyp.interaction is None
        else f"{hyp.contrast} × {hyp.interaction}",
        "model": Message(f"model_{hyp.model}"),
        "direction": direction,
        "claim_direction": hyp.direction,
        "covariates": ", ".join(hyp.covariates),
        "alternative": _alternative(hyp, direction, params),
        "estimate_name": hyp.effect_name,
        "estimate": t.get("estimate"),
        "ci_low": t.get("ci_low"),
        "ci_high": t.get("ci_high"),
        "ci_level": params.get("ci_level", 0.95),
        "statistic": t.get("statistic"),
        "p_value": t.get("p_value"),
        "p_two_sided": t.get("p_two_sided"),
        "n_obs": n_obs,
        "n_clusters": int(n_clusters),
        "n_groups": json.dumps({str(k): int(v) for k, v in unit_counts.items()}, sort_keys=True),
        "robustness_test": rob_rows[0]["test"] if rob_rows else "",
        "robustness_p": rob_rows[0]["p_value"] if rob_rows else np.nan,
        "verdict": "",
        "warnings": joined(*warnings),
        "kind": hyp.kind,
        "reference_distribution": t.get("reference_distribution", ""),
        "df": t.get("df", np.nan),
        "alpha": alpha,
        "p_adjusted": np.nan,
        "p_adjust_method": "",
        "mde": _mde(hyp, primary.fit, alpha, direction),
        "reliable": bool(reliable),
        "equivalence_bound": params.get("bound", 0.3) if hyp.kind == "equivalence" else np.nan,
        "n_clusters_by_group": json.dumps(
            {
                ("focal" if k == 1 else "reference"): int(v)
                for k, v in sorted(pages_by_group.items())
            },
            sort_keys=True,
        ),
        "n_pages_excluded": int(excluded),
    }


def _alternative(hyp: Hypothesis, direction: str, params: dict) -> str:
    if hyp.kind == "equivalence":
        b = params.get("bound", 0.3)
        return f"-{b:g} < {hyp.effect_name} < {b:g}"
    return {
        "less": f"{hyp.effect_name} < 1",
        "greater": f"{hyp.effect_name} > 1",
        "two-sided": f"{hyp.effect_name} != 1",
    }[direction]
