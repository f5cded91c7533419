"""French forms of the English words :mod:`analysis.stats` writes into a result.

The statistics engine names its robustness tests, notes and warnings in English, and
``results.json`` keeps them so. A French report translates them when it shows them: each known
English template of ``analysis/stats`` (``robustness.py``, ``survival.py``, ``correlation.py``,
``models.py``, ``hypotheses.py``) is a regular expression in :data:`RULES`, its variable parts
named groups, with the French template beside it. The name of a group says how its text is
written in French:

``n…``     a count, with the French thousands separator (``4999`` -> ``4 999``)
``x…``     a decimal number as printed by Python (``4.3e-128`` -> ``4,3e-128``)
``g…``     a group label (``business`` -> ``pages d'entreprise``)
``m…``     a measure column, by its glossary name in French (``replies`` -> ``Réponses du public``)
``lang``   a language code (``en`` -> ``en anglais``)
``sub…``   English text translated in turn (a registry key, an alternative of a note)
``tail``   warnings a note ends with (``; `` joined), translated in turn; nothing when empty
others     kept as written (seeds, identifiers, exception messages from libraries)

Text no rule knows is shown as it is (never dropped); :func:`french` returns ``None`` for it so
that a test can list every English template of ``analysis/stats`` and require its French form.

Examples
--------
>>> to_french("page-level permutation test on page means")
'test de permutation sur les moyennes par page'
>>> to_french("probability of superiority as estimate; 80 vs 80 pages")
'probabilité de supériorité comme estimation ; 80 pages contre 80'
>>> to_french("a sentence nobody wrote a rule for")
'a sentence nobody wrote a rule for'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from analysis.report.i18n import fmt_int, t

#: Robustness key of ``analysis.stats.hypotheses.ROBUSTNESS`` -> the test's name in French (the
#: key is the test's name in the table when the test failed).
ROBUSTNESS_NAMES_FR: dict[str, str] = {
    "page_permutation": "test de permutation sur les moyennes par page",
    "page_rank": "test de Mann–Whitney sur les moyennes par page",
    "within_page_signed_rank": "test des rangs signés de Wilcoxon au sein des pages",
    "page_share_24h": "part par page des commentaires ayant reçu une réponse dans les 24 h (permutation)",
    "km_medians": "médianes de Kaplan–Meier du délai avant la première réponse",
    "ph_test": "test de l'hypothèse des risques proportionnels (Schoenfeld)",
    "page_geomean_permutation": "test de permutation sur les moyennes géométriques des délais par page",
    "answered_medians": "médianes du délai avant la première réponse, commentaires ayant reçu une réponse",
    "rho_bootstrap": "intervalle de confiance bootstrap du rho de Spearman",
    "elasticity": "élasticité des réponses au nombre d'abonnés",
    "per_language": "analyse par langue des commentaires",
}

_FAILED = r"(?P<etype>\w+): (?P<exc>.*)"

#: (English template as a regular expression, French template). Matched against the whole text,
#: in this order (a specific template before a more general one).
RULES: list[tuple[str, str]] = [
    # --- robustness test names (robustness.py, survival.py, correlation.py, hypotheses.py)
    (r"page-level permutation test on page means", ROBUSTNESS_NAMES_FR["page_permutation"]),
    (r"page-level Mann–Whitney on page means", ROBUSTNESS_NAMES_FR["page_rank"]),
    (r"within-page Wilcoxon signed-rank", ROBUSTNESS_NAMES_FR["within_page_signed_rank"]),
    (
        r"Kaplan–Meier median hours to first reply: (?P<g>.+)",
        "médiane de Kaplan–Meier du délai (en heures) avant la première réponse : {g}",
    ),
    (
        r"proportional hazards \(Schoenfeld, rank time\)",
        "risques proportionnels (test de Schoenfeld, temps en rangs)",
    ),
    (
        r"page-level share answered within (?P<x>[\d.e+-]+) h \(permutation\)",
        "part par page des commentaires ayant reçu une réponse dans les {x} h (permutation)",
    ),
    (
        r"page-level permutation test on page geometric mean delays",
        ROBUSTNESS_NAMES_FR["page_geomean_permutation"],
    ),
    (
        r"median hours to first reply among answered comments: (?P<g>.+)",
        "médiane du délai (en heures) avant la première réponse, commentaires ayant reçu une réponse : {g}",
    ),
    (r"Spearman rho, bootstrap CI", "rho de Spearman, intervalle de confiance bootstrap"),
    (
        r"elasticity of replies to followers \(NB2, clustered\)",
        "élasticité des réponses au nombre d'abonnés (NB2, erreurs types groupées par page)",
    ),
    (r"elasticity of replies to followers", ROBUSTNESS_NAMES_FR["elasticity"]),
    (r"(?P<hid>\S+) in language (?P<lang>\S+)", "{hid} : commentaires {lang}"),
    *[(re.escape(key), name) for key, name in ROBUSTNESS_NAMES_FR.items()],
    # --- notes of the robustness table
    (r"one group has no page", "l'un des groupes ne compte aucune page"),
    (
        r"difference of page means; ratio of group averages as estimate; (?P<sub>.+); (?P<n>\d+) pages",
        "différence des moyennes par page ; rapport des moyennes de groupe comme estimation ; {sub} ; {n} pages",
    ),
    (r"exact", "test exact (tous les réétiquetages énumérés)"),
    (
        r"(?P<n>\d+) random relabellings, seed (?P<seed>\d+)",
        "{n} réétiquetages aléatoires, graine {seed}",
    ),
    (
        r"probability of superiority as estimate; (?P<n1>\d+) vs (?P<n2>\d+) pages",
        "probabilité de supériorité comme estimation ; {n1} pages contre {n2}",
    ),
    (r"no page has both kinds of posts", "aucune page ne compte les deux types de publications"),
    (
        r"(?P<n>\d+) page\(s\) with both kinds of posts; not testable",
        "{n} page(s) comptant les deux types de publications ; test impossible",
    ),
    (
        r"(?P<n>\d+) pages with both kinds of posts; median within-page ratio",
        "{n} pages comptant les deux types de publications ; médiane des rapports calculés au sein de chaque page",
    ),
    (
        r"(?P<n1>\d+) comments, (?P<n2>\d+) answered; inf = fewer than half ever answered",
        "{n1} commentaires, dont {n2} avec réponse ; ∞ = moins de la moitié ont reçu une réponse",
    ),
    (
        r"small p: the HR varies over time \(Grambsch & Therneau 1994\)",
        "p faible : le HR varie au cours du suivi (Grambsch et Therneau, 1994)",
    ),
    (
        r"difference of page shares \(focal − reference\); (?P<n>\d+) pages; "
        r"comments censored before (?P<x>[\d.e+-]+) h left out",
        "différence des parts par page (groupe étudié − groupe de référence) ; {n} pages ; "
        "commentaires censurés avant {x} h exclus",
    ),
    (
        r"ratio of group averages of page geometric means as estimate; (?P<n>\d+) pages",
        "rapport des moyennes de groupe des moyennes géométriques par page comme estimation ; {n} pages",
    ),
    (
        r"(?P<n1>\d+) answered comments, (?P<n2>\d+) pages",
        "{n1} commentaires ayant reçu une réponse, {n2} pages",
    ),
    (r"fewer than 4 pages with followers", "moins de 4 pages dont le nombre d'abonnés est connu"),
    (r"fewer than 4 pages", "moins de 4 pages"),
    (
        r"percentile bootstrap, (?P<n>\d+) resamples, seed (?P<seed>\d+)",
        "bootstrap des percentiles, {n} rééchantillonnages, graine {seed}",
    ),
    (
        r"(?P<n1>\d+) posts, (?P<n2>\d+) pages; ?(?P<tail>.*)",
        "{n1} publications, {n2} pages{tail}",
    ),
    (
        r"(?P<n1>\d+) comments, (?P<n2>\d+) pages; ?(?P<tail>.*)",
        "{n1} commentaires, {n2} pages{tail}",
    ),
    (r"needs post measures", "nécessite les mesures par publication"),
    (r"(?P<n>\d+) pages: too few to fit", "{n} pages : trop peu pour estimer le modèle"),
    (r"failed: " + _FAILED, "échec : {etype} : {exc}"),
    # --- warnings of the result (hypotheses.py)
    (
        r"(?P<n1>\d+) page\(s\) with fewer than (?P<n2>\d+) posts left out",
        "{n1} page(s) de moins de {n2} publications exclue(s)",
    ),
    (
        r"each group needs at least two pages; pages with (?P<g1>.+): (?P<n1>\d+), with (?P<g2>.+): (?P<n2>\d+)",
        "chaque groupe doit compter au moins deux pages ; pages comptant des {g1} : {n1}, des {g2} : {n2}",
    ),
    (
        r"each group needs at least two pages; (?P<g1>.+): (?P<n1>\d+), (?P<g2>.+): (?P<n2>\d+)",
        "chaque groupe doit compter au moins deux pages ; {g1} : {n1}, {g2} : {n2}",
    ),
    (
        r"few clusters: (?P<n1>\d+) pages \(< (?P<n2>\d+)\); p and CI use t with G−1 = (?P<n3>-?\d+) df; "
        r"check the page-level robustness test",
        "peu de grappes : {n1} pages (< {n2}) ; p et IC reposent sur la loi t à G−1 = {n3} degrés de liberté ; "
        "voir le contrôle de robustesse au niveau des pages",
    ),
    (
        r"robustness test (?P<sub>\S+) failed \(" + _FAILED + r"\)",
        "échec du contrôle de robustesse « {sub} » ({etype} : {exc})",
    ),
    (
        r"proportional-hazards assumption questionable \(Schoenfeld test p = (?P<x>[^)]+)\); "
        r"the HR is an average over follow-up time; see the Kaplan–Meier medians",
        "hypothèse des risques proportionnels discutable (test de Schoenfeld p = {x}) ; "
        "le HR est une moyenne sur la durée de suivi ; voir les médianes de Kaplan–Meier",
    ),
    # --- warnings of the models (models.py, survival.py, correlation.py)
    (
        r"separation: a group has no observed reply; the hazard ratio is not estimable",
        "séparation : l'un des groupes n'a aucune réponse observée ; le rapport des risques n'est pas estimable",
    ),
    (
        r"separation: a group has no comment answered within the window; the delay ratio is not estimable",
        "séparation : l'un des groupes n'a aucun commentaire ayant reçu une réponse dans la fenêtre ; le rapport "
        "des délais n'est pas estimable",
    ),
    (r"Cox model did not converge: (?P<exc>.*)", "le modèle de Cox n'a pas convergé : {exc}"),
    (
        r"Cox model: convergence warning from lifelines; the estimate may not be trustworthy",
        "modèle de Cox : avertissement de convergence de lifelines ; l'estimation n'est peut-être pas fiable",
    ),
    (
        r"separation: every (?P<g>.+) observation has (?P<m>\S+) = (?P<value>\S+); the ratio is not estimable",
        "séparation : la mesure « {m} » vaut {value} pour toutes les observations du groupe « {g} » ; "
        "le rapport n'est pas estimable",
    ),
    (
        r"negative binomial \((?P<method>\w+)\) failed: (?P<exc>.*)",
        "échec de la régression binomiale négative ({method}) : {exc}",
    ),
    (r"negative binomial fit failed", "échec de l'estimation de la régression binomiale négative"),
    (
        r"negative binomial did not converge; the estimate is not trustworthy",
        "la régression binomiale négative n'a pas convergé ; l'estimation n'est pas fiable",
    ),
    (
        r"estimated dispersion alpha is ~0 \(no over-dispersion\): Poisson would do",
        "dispersion alpha estimée proche de 0 (pas de surdispersion) : une régression de Poisson suffirait",
    ),
    (
        r"(?P<n>\d+) page\(s\) without within-page contrast or without any (?P<m>\S+) carry no information "
        r"in the fixed-effects model and were left out",
        "{n} page(s) sans contraste au sein de la page, ou dont la mesure « {m} » est toujours nulle, "
        "n'apportent aucune information au modèle à effets fixes et ont été exclues",
    ),
    (
        r"fewer than two pages show the within-page contrast; nothing to estimate",
        "moins de deux pages présentent le contraste au sein de la page ; rien à estimer",
    ),
    (
        r"Poisson IRLS did not converge",
        "l'algorithme IRLS de la régression de Poisson n'a pas convergé",
    ),
    (
        r"separation: a group × (?P<m1>\S+) cell has no variation in (?P<m2>\S+) \((?P<n>\d+) cells observed\); "
        r"the interaction is not estimable",
        "séparation : une case groupe × « {m1} » ne présente aucune variation de « {m2} » "
        "({n} cases observées) ; l'interaction n'est pas estimable",
    ),
    (r"GEE failed: (?P<exc>.*)", "échec des GEE : {exc}"),
    (
        r"GEE did not converge; the estimate is not trustworthy",
        "les GEE n'ont pas convergé ; l'estimation n'est pas fiable",
    ),
    (
        r"only (?P<n>\d+) pages?: rho needs at least 4",
        "seulement {n} page(s) : le rho de Spearman en exige au moins 4",
    ),
    (
        r"few pages \((?P<n>\d+)\): the equivalence test has little power",
        "peu de pages ({n}) : le test d'équivalence manque de puissance",
    ),
    # --- the model in words (hypotheses._MODEL_WORDS: the 'model' column of the results table)
    (
        r"negative binomial regression \(NB2, dispersion estimated\) with page-clustered SE",
        "régression binomiale négative (NB2, dispersion estimée), erreurs types groupées par page",
    ),
    (
        r"Poisson regression with page fixed effects and page-clustered SE",
        "régression de Poisson à effets fixes par page, erreurs types groupées par page",
    ),
    (
        r"logistic GEE by page \(exchangeable, bias-reduced robust covariance\)",
        "GEE logistique par page (structure échangeable, covariance robuste à biais réduit)",
    ),
    (
        r"Cox proportional hazards model \(Efron ties\) with page-clustered SE",
        "modèle de Cox à risques proportionnels (ex aequo selon Efron), erreurs types groupées par page",
    ),
    (
        r"least-squares regression of log hours to the first answer \(answered comments only\) with "
        r"page-clustered SE \(max of CR1 and page jackknife\)",
        "régression par moindres carrés du logarithme du délai avant la première réponse (commentaires ayant reçu "
        "une réponse seulement), erreurs types groupées par page (maximum de CR1 et du jackknife par page)",
    ),
    (
        r"page-level Spearman correlation with TOST equivalence test",
        "corrélation de Spearman entre pages avec test d'équivalence TOST",
    ),
    (
        r"page-level Poisson \(quasi-likelihood\) regression of page values on the group, one page = one observation, "
        r"robust SE",
        "régression de Poisson (quasi-vraisemblance) des valeurs par page sur le groupe, une page = une observation, "
        "erreurs types robustes",
    ),
]

_COMPILED = [(re.compile(pattern), french) for pattern, french in RULES]


@lru_cache(maxsize=1)
def _group_names() -> dict[str, str]:
    """English group label -> French (no article): raw account types, catalogue and contrast labels."""
    from analysis.report.wording import CONTRAST_LABELS
    from analysis.stats.hypotheses import CATALOGUE

    names = {"business": "pages d'entreprise", "personal": "pages personnelles"}
    sources = [*(h.__dict__ for h in CATALOGUE.values()), *CONTRAST_LABELS.values()]
    for words in sources:
        for side in ("focal", "reference"):
            en, fr = words.get(f"{side}_en"), words.get(f"{side}_fr")
            if en and fr:
                names.setdefault(en, re.sub(r"^(les |la |le |l')", "", fr))
    return names


def group_fr(label: str) -> str:
    """A group label of :mod:`analysis.stats` in French ('business' -> "pages d'entreprise"); the
    label itself when unknown (a value from the data)."""
    if label in _group_names():
        return _group_names()[label]
    m = re.fullmatch(r"(post|comment|page)s with (.+)", label)
    if m:
        return f"{t(f'units.{m[1]}', 'fr')} avec {m[2]}"
    m = re.fullmatch(r"other (post|comment|page)s", label)
    return f"autres {t(f'units.{m[1]}', 'fr')}" if m else label


def language_fr(code: str) -> str:
    """'en' -> 'en anglais', 'und' -> 'de langue indéterminée', an unknown code quoted."""
    from babel import Locale

    name = Locale.parse("fr").languages.get(code)
    if code == "und" or not name:
        return "de langue indéterminée" if code == "und" else f"de langue « {code} »"
    return f"en {name}"


def decimal_fr(text: str) -> str:
    """A number as Python printed it, with the French decimal comma ('4.3e-128' -> '4,3e-128')."""
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text)


def _measure_fr(column: str) -> str:
    from analysis.report.wording import term

    return term(column, "fr")


def _format(name: str, value: str, known: list[bool]) -> str:
    """The French form of group ``name``'s ``value`` (see the module docstring)."""
    if name == "tail":
        rest = _sequence(value, known)
        return f" ; {rest}" if rest else ""
    formats: dict[str, Callable[[str], str]] = {
        "n": lambda v: fmt_int(int(v), "fr"),
        "x": decimal_fr,
        "g": group_fr,
        "m": _measure_fr,
        "lang": language_fr,
        "sub": lambda v: _sequence(v, known),
    }
    for prefix, fmt in formats.items():
        if re.fullmatch(rf"{prefix}\d*", name):
            return fmt(value)
    return value


def _one(text: str, known: list[bool]) -> str | None:
    """The French form of ``text`` if one rule matches all of it, else None."""
    for pattern, french in _COMPILED:
        m = pattern.fullmatch(text)
        if m:
            return french.format(**{k: _format(k, v, known) for k, v in m.groupdict().items()})
    return None


def _sequence(text: str, known: list[bool]) -> str:
    """``text`` in French: as one template, or as several joined with '; ' (the longest known run
    first); a part no rule knows is kept in English and ``known[0]`` set to False."""
    text = text.strip()
    whole = _one(text, known)
    if whole is not None or not text:
        return whole or ""
    parts, out, i = text.split("; "), [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            french = _one("; ".join(parts[i:j]), known)
            if french is not None:
                out.append(french)
                i = j
                break
        else:
            if parts[i].strip():
                out.append(parts[i])
                known[0] = False
            i += 1
    return " ; ".join(out)


def french(text: str) -> str | None:
    """The French form of an English test name, note or warning of :mod:`analysis.stats`, or None
    when some part of it matches no rule of :data:`RULES`."""
    known = [True]
    out = _sequence(str(text), known)
    return out if known[0] else None


def to_french(text: str) -> str:
    """``text`` in French as far as :data:`RULES` know it; unknown parts are kept as written."""
    return _sequence(str(text), [True]) if text else ""


def stats_text(text: str, language: str) -> str:
    """A string written by :mod:`analysis.stats`, as the report in ``language`` shows it."""
    return to_french(text) if language == "fr" else str(text)


def alternative_text(alternative: str, language: str) -> str:
    """The alternative hypothesis ('IRR < 1', '-0.3 < rho < 0.3'); French decimals and '≠' in French."""
    if language != "fr":
        return str(alternative)
    return decimal_fr(str(alternative)).replace("!=", "≠")
