"""What the statistics engine says about a result: message codes with parameters, never prose.

A warning, a robustness note or a test name is a :class:`Message`: a code of :data:`MESSAGES`
and its parameters (``Message("few_clusters", n=15, min=20, df=14)``). It is a ``str`` whose text
is the English (what ``results.json`` keeps and what a test can read), and :func:`render` writes it
in any language of :mod:`analysis.catalog`, with that language's plural rule and number format.

A parameter's type says how it is written in a language other than English:

``int``            a count, with the language's digit grouping (``4999`` -> ``4 999``)
:class:`Number`    a number as the engine printed it, with the language's decimal sign
:class:`Group`     a group label (``business`` -> ``pages d'entreprise``); a label from the data is
                   kept as it is
:class:`Measure`   a measure column, by its glossary name (``replies`` -> ``Réponses du public``)
:class:`Language`  a language code (``en`` -> ``en anglais``)
:class:`Message`   a message in turn (:func:`joined` makes a list of them one message)
``str``            kept as written (seeds, identifiers, exception messages of libraries)

Examples
--------
>>> m = Message("few_pages_tost", n=3)
>>> str(m), m.code, m.params
('few pages (3): the equivalence test has little power', 'few_pages_tost', {'n': 3})
>>> render(m, "fr")
'peu de pages (3) : le test d’équivalence manque de puissance'
>>> render(Message("pages_left_out", n=1, min_posts=5), "en")
'1 page with fewer than 5 posts left out'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal, get_decimal_symbol

from analysis import catalog, vocabulary


@dataclass(frozen=True)
class Template:
    """The English of a message; ``plural`` and ``count`` (the parameter that picks the form)
    for a message about a count."""

    english: str
    plural: str | None = None
    count: str | None = None


def _define(**templates: str | tuple[str, str, str]) -> dict[str, Template]:
    out = {}
    for code, spec in templates.items():
        t = Template(spec) if isinstance(spec, str) else Template(*spec)
        catalog.register(f"msg.{code}", t.english, t.plural)
        out[code] = t
    return out


#: Every message of :mod:`analysis.stats`: code -> English (``(singular, plural, count)`` for a
#: message about a count). Translations live in the catalogues (:mod:`analysis.catalog`).
MESSAGES: dict[str, Template] = _define(
    # --- names of robustness tests (robustness.py, survival.py, correlation.py, hypotheses.py)
    test_page_permutation="page-level permutation test on page means",
    test_page_rank="page-level Mann–Whitney on page means",
    test_within_page_signed_rank="within-page Wilcoxon signed-rank",
    test_km_median="Kaplan–Meier median hours to first reply: {group}",
    test_ph="proportional hazards (Schoenfeld, rank time)",
    test_page_share_window="page-level share answered within {hours} h (permutation)",
    test_page_geomean_permutation="page-level permutation test on page geometric mean delays",
    test_answered_median="median hours to first reply among answered comments: {group}",
    test_rho_bootstrap="Spearman rho, bootstrap CI",
    test_elasticity_nb2="elasticity of replies to followers (NB2, clustered)",
    test_elasticity="elasticity of replies to followers",
    test_per_language="{hid} in language {language}",
    # a robustness test that failed is named by its key
    test_key_page_permutation="page_permutation",
    test_key_page_rank="page_rank",
    test_key_within_page_signed_rank="within_page_signed_rank",
    test_key_page_share_24h="page_share_24h",
    test_key_km_medians="km_medians",
    test_key_ph_test="ph_test",
    test_key_page_geomean_permutation="page_geomean_permutation",
    test_key_answered_medians="answered_medians",
    test_key_rho_bootstrap="rho_bootstrap",
    test_key_elasticity="elasticity",
    test_key_per_language="per_language",
    # --- notes of the robustness table
    one_group_no_page="one group has no page",
    permutation_note=(
        "difference of page means; ratio of group averages as estimate; {how}; {n} pages"
    ),
    exact="exact",
    random_relabellings="{n} random relabellings, seed {seed}",
    superiority_note="probability of superiority as estimate; {n_focal} vs {n_reference} pages",
    no_page_both_kinds="no page has both kinds of posts",
    few_pages_both_kinds=(
        "{n} page with both kinds of posts; not testable",
        "{n} pages with both kinds of posts; not testable",
        "n",
    ),
    within_page_note="{n} pages with both kinds of posts; median within-page ratio",
    km_note="{n} comments, {answered} answered; inf = fewer than half ever answered",
    ph_note="small p: the HR varies over time (Grambsch & Therneau 1994)",
    share_window_note=(
        "difference of page shares (focal − reference); {n} pages; "
        "comments censored before {hours} h left out"
    ),
    geomean_note="ratio of group averages of page geometric means as estimate; {n} pages",
    answered_note="{n} answered comments, {pages} pages",
    few_pages_followers="fewer than 4 pages with followers",
    few_pages_rho="fewer than 4 pages",
    bootstrap_note="percentile bootstrap, {n} resamples, seed {seed}",
    fit_posts="{n} posts, {pages} pages",
    fit_comments="{n} comments, {pages} pages",
    needs_post_measures="needs post measures",
    too_few_to_fit="{n} pages: too few to fit",
    failed="failed: {error}: {detail}",
    # --- warnings of the result (hypotheses.py)
    pages_left_out=(
        "{n} page with fewer than {min_posts} posts left out",
        "{n} pages with fewer than {min_posts} posts left out",
        "n",
    ),
    too_few_pages_with=(
        "each group needs at least two pages; pages with {focal}: {n_focal}, "
        "with {reference}: {n_reference}"
    ),
    too_few_pages=(
        "each group needs at least two pages; {focal}: {n_focal}, {reference}: {n_reference}"
    ),
    few_clusters=(
        "few clusters: {n} pages (< {min}); p and CI use t with G−1 = {df} df; "
        "check the page-level robustness test"
    ),
    robustness_failed="robustness test {test} failed ({error}: {detail})",
    ph_questionable=(
        "proportional-hazards assumption questionable (Schoenfeld test p = {p}); "
        "the HR is an average over follow-up time; see the Kaplan–Meier medians"
    ),
    # --- warnings of the models (models.py, survival.py, correlation.py)
    separation_no_reply=(
        "separation: a group has no observed reply; the hazard ratio is not estimable"
    ),
    separation_no_answer_in_window=(
        "separation: a group has no comment answered within the window; "
        "the delay ratio is not estimable"
    ),
    cox_failed="Cox model did not converge: {detail}",
    cox_convergence=(
        "Cox model: convergence warning from lifelines; the estimate may not be trustworthy"
    ),
    separation_constant=(
        "separation: every {group} observation has {measure} = {value}; the ratio is not estimable"
    ),
    negbin_method_failed="negative binomial ({method}) failed: {detail}",
    negbin_failed="negative binomial fit failed",
    negbin_no_convergence="negative binomial did not converge; the estimate is not trustworthy",
    negbin_alpha_zero="estimated dispersion alpha is ~0 (no over-dispersion): Poisson would do",
    fixed_effects_dropped=(
        "{n} page without within-page contrast or without any {measure} carries no information "
        "in the fixed-effects model and was left out",
        "{n} pages without within-page contrast or without any {measure} carry no information "
        "in the fixed-effects model and were left out",
        "n",
    ),
    fixed_effects_nothing=(
        "fewer than two pages show the within-page contrast; nothing to estimate"
    ),
    poisson_no_convergence="Poisson IRLS did not converge",
    separation_interaction=(
        "separation: a group × {interaction} cell has no variation in {measure} "
        "({n} cells observed); the interaction is not estimable"
    ),
    gee_failed="GEE failed: {detail}",
    gee_no_convergence="GEE did not converge; the estimate is not trustworthy",
    rho_few_pages=(
        "only {n} page: rho needs at least 4",
        "only {n} pages: rho needs at least 4",
        "n",
    ),
    few_pages_tost="few pages ({n}): the equivalence test has little power",
    # --- the models in words (the 'model' column of the results table)
    # --- the coverage audit (analysis.coverage)
    coverage_no_count=(
        "{n} comment; the platform reports no count to check it against",
        "{n} comments; the platform reports no count to check them against",
        "n",
    ),
    coverage_figure="{collected} of ~{reported} reported replies ({percent})",
    coverage_missing_parents=(
        "{n} reply whose post or parent comment is missing (quarantined)",
        "{n} replies whose post or parent comment is missing (quarantined)",
        "n",
    ),
    coverage_pages_below=(
        "{n} of {counted} pages below {threshold}",
        "{n} of {counted} pages below {threshold}",
        "n",
    ),
    coverage_owner="owner replies identifiable: {answer}",
    coverage_yes="yes",
    coverage_no="no",
    coverage_none_found="none found",
    model_negbin="negative binomial regression (NB2, dispersion estimated) with page-clustered SE",
    model_poisson="Poisson regression with page fixed effects and page-clustered SE",
    model_gee_logit="logistic GEE by page (exchangeable, bias-reduced robust covariance)",
    model_cox="Cox proportional hazards model (Efron ties) with page-clustered SE",
    model_log_time=(
        "least-squares regression of log hours to the first answer (answered comments only) "
        "with page-clustered SE (max of CR1 and page jackknife)"
    ),
    model_spearman_tost="page-level Spearman correlation with TOST equivalence test",
    model_page_poisson=(
        "page-level Poisson (quasi-likelihood) regression of page values on the group, "
        "one page = one observation, robust SE"
    ),
)

#: Codes of the warnings saying that a group has fewer than two pages (no comparison possible).
TOO_FEW_PAGES = ("too_few_pages", "too_few_pages_with")

# --- words the parameters are written with -----------------------------------------------------

SEPARATOR = catalog.register("msg.separator", "; ", comment="between two messages in a list")
GROUP_WITH = catalog.register("msg.group_with", "{units} with {value}")
GROUP_OTHER = catalog.register("msg.group_other", "other {units}")
UNITS = {u: catalog.register(f"msg.units.{u}", f"{u}s") for u in ("post", "comment", "page")}
LANGUAGE_NAMED = catalog.register("msg.language_named", "in {name}")
LANGUAGE_UNDETERMINED = catalog.register("msg.language_und", "of undetermined language")
LANGUAGE_UNKNOWN = catalog.register("msg.language_unknown", "of language “{code}”")


GROUPS = {g: catalog.register(f"group.{g}", g) for g in ("business", "personal")}


class Number(str):
    """A number as the engine printed it (``f"{x:.3g}"``): another language changes its decimal
    sign only."""


class Count(str):
    """A count written with digit grouping in every language, English too (``36,961``)."""

    def __new__(cls, n: int) -> Count:
        self = super().__new__(cls, f"{int(n):,}")
        self.n = int(n)
        return self

    def __int__(self) -> int:
        return self.n

    def __reduce__(self):
        return (Count, (self.n,))


class Percent(str):
    """A percentage as written (``90 %``): its number and sign kept on one line (no-break space)
    in another language."""


class Group(str):
    """A group label: translated when the catalogue knows it (context ``group``), or by the
    study's own words for it (``words``: language -> text, a study's account groups)."""

    words: dict[str, str]

    def __new__(cls, label: str, words: dict[str, str] | None = None) -> Group:
        self = super().__new__(cls, label)
        self.words = dict(words or {})
        return self


class Measure(str):
    """A measure column: written by its glossary name in another language."""


class Language(str):
    """A language code of the data (ISO 639-1, ``und`` when undetermined)."""


class Message(str):
    """A message code with its parameters; the ``str`` is the English text."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, **params: Any) -> Message:
        if code not in MESSAGES:
            raise KeyError(f"no message {code!r}; define it in analysis.messages.MESSAGES")
        text = _fill(code, params, catalog.SOURCE_LANGUAGE)
        self = super().__new__(cls, text)
        self.code, self.params = code, dict(params)
        return self

    def __reduce__(self):
        return (_rebuild, (self.code, self.params))

    def to_dict(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}`` with nested messages as dicts (for results.json)."""
        return {
            "code": self.code,
            "params": {
                k: v.to_dict() if isinstance(v, Message) else _plain(v)
                for k, v in self.params.items()
            },
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Joined):
        return [m.to_dict() if isinstance(m, Message) else str(m) for m in value.parts]
    if isinstance(value, str):
        return str(value)
    return value


def _rebuild(code: str, params: dict[str, Any]) -> Message:
    return Message(code, **params)


class Joined(str):
    """Several messages read as one (joined with the language's separator)."""

    parts: tuple[str, ...]

    def __new__(cls, parts: list[str] | tuple[str, ...]) -> Joined:
        parts = tuple(p for p in parts if p)
        self = super().__new__(cls, SEPARATOR.join(parts))
        self.parts = parts
        return self

    def __reduce__(self):
        return (Joined, (self.parts,))


def joined(*parts: str) -> Joined:
    """The messages ``parts`` (empty ones left out) as one."""
    return Joined(parts)


def _fill(code: str, params: dict[str, Any], language: str) -> str:
    t = MESSAGES[code]
    context = f"msg.{code}"
    if t.plural:
        text = catalog.ngettext(context, t.english, t.plural, int(params[t.count]), language)
    else:
        text = catalog.gettext(context, t.english, language)
    if language == catalog.SOURCE_LANGUAGE:
        return text.format(**{k: str(v) for k, v in params.items()})
    return text.format(**{k: write(v, language) for k, v in params.items()})


def write(value: Any, language: str) -> str:
    """A parameter (or any typed value: a :class:`Number`, a :class:`Percent`...) written in
    ``language`` the way a message writes it (see the module docstring)."""
    locale = catalog.babel_locale(language)
    if isinstance(value, Message | Joined):
        return render(value, language)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return format_decimal(value, format="#,##0", locale=locale)
    if isinstance(value, Count):
        return format_decimal(value.n, format="#,##0", locale=locale)
    if isinstance(value, Percent):
        return value.replace(" ", "\u00a0")
    if isinstance(value, Number):
        return re.sub(r"(\d)\.(\d)", rf"\g<1>{get_decimal_symbol(locale)}\g<2>", value)
    if isinstance(value, Group):
        return group_name(value, language)
    if isinstance(value, Measure):
        return measure_name(value, language)
    if isinstance(value, Language):
        return language_name(value, language)
    return str(value)


def render(text: Any, language: str) -> str:
    """``text`` as a report in ``language`` shows it: a :class:`Message` translated, a
    :class:`Joined` list part by part, any other text (data) as it is."""
    if text is None:
        return ""
    if isinstance(text, Joined):
        sep = catalog.gettext("msg.separator", SEPARATOR, language)
        return sep.join(render(p, language) for p in text.parts)
    if isinstance(text, Message):
        return _fill(text.code, text.params, language)
    return str(text)


def group_name(label: str, language: str) -> str:
    """A group label in ``language``: the catalogue's (context ``group``), else built from the
    generic labels of :mod:`analysis.stats` ("posts with x", "other posts"), else as it is."""
    if language == catalog.SOURCE_LANGUAGE:
        return str(label)
    own = getattr(label, "words", {}).get(language)
    if own:
        return own
    known = catalog.by_context(f"group.{label}")
    if known is not None:
        return catalog.gettext(f"group.{label}", known, language)
    m = re.fullmatch(r"(post|comment|page)s with (.+)", label)
    if m:
        units = catalog.gettext(f"msg.units.{m[1]}", UNITS[m[1]], language)
        return catalog.gettext("msg.group_with", GROUP_WITH, language).format(
            units=units, value=m[2]
        )
    m = re.fullmatch(r"other (post|comment|page)s", label)
    if m:
        units = catalog.gettext(f"msg.units.{m[1]}", UNITS[m[1]], language)
        return catalog.gettext("msg.group_other", GROUP_OTHER, language).format(units=units)
    return str(label)


def measure_name(column: str, language: str) -> str:
    """A measure column by its glossary name in ``language``; the column when unregistered."""
    if language == catalog.SOURCE_LANGUAGE:
        return str(column)
    return vocabulary.term(str(column), language)


def language_name(code: str, language: str) -> str:
    """A language of the data in words for ``language`` ('en' -> 'en anglais' in French)."""
    if language == catalog.SOURCE_LANGUAGE:
        return str(code)
    if code == "und":
        return catalog.gettext("msg.language_und", LANGUAGE_UNDETERMINED, language)
    name = catalog.babel_locale(language).languages.get(code)
    if not name:
        return catalog.gettext("msg.language_unknown", LANGUAGE_UNKNOWN, language).format(
            code=code
        )
    return catalog.gettext("msg.language_named", LANGUAGE_NAMED, language).format(name=name)
