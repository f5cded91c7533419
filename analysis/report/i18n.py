"""Words and number formats of the reports, in English and French.

Every word a report shows that is not data lives in :data:`STRINGS` (key -> {"en", "fr"}), so a
French brief is French from the title to the footnotes, and a test can check that no English
template text is left in it. Numbers and dates are formatted for the language with Babel (the
CLDR data): ``0.52`` in English is ``0,52`` in French, ``1,234`` is ``1 234``.

Examples
--------
>>> from analysis.report.i18n import t, fmt_number, fmt_p
>>> t("verdict.supported", "fr")
'Confirmée'
>>> fmt_number(1234.5, "fr", 1).replace("\u202f", " ")
'1 234,5'
>>> fmt_p(0.0004, "en"), fmt_p(0.0312, "fr")
('p < .001', 'p = 0,031')
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "fr")
LOCALES = {"en": "en_GB", "fr": "fr_FR"}

STRINGS: dict[str, dict[str, str]] = {
    # page chrome
    "title.academic": {
        "en": "Hypothesis {hid}: academic report",
        "fr": "Hypothèse {hid} : rapport académique",
    },
    "title.academic.generic": {
        "en": "A study's own hypothesis: academic report",
        "fr": "Hypothèse propre à l'étude : rapport académique",
    },
    "title.brief": {"en": "Evidence brief", "fr": "Note de synthèse"},
    "prepared_for": {"en": "Prepared for {client}", "fr": "Préparé pour {client}"},
    "logo_alt": {"en": "Logo of {client}", "fr": "Logo de {client}"},
    "logo_alt_plain": {"en": "Client logo", "fr": "Logo du client"},
    "generated": {
        "en": "Generated on {date} with Dialogic {version}",
        "fr": "Produit le {date} avec Dialogic {version}",
    },
    "simulated": {
        "en": "Simulated data: nothing in this report describes real pages or people. "
        "It was built on Dialogic's demo data set to show how the analysis works.",
        "fr": "Données simulées : rien dans ce rapport ne décrit des pages ou des personnes "
        "réelles. Il a été produit sur le jeu de démonstration de Dialogic pour "
        "montrer le fonctionnement de l'analyse.",
    },
    "simulated.short": {
        "en": "Simulated data — not real pages or people",
        "fr": "Données simulées — ni pages ni personnes réelles",
    },
    "show_code": {"en": "Show code", "fr": "Afficher le code"},
    "code.parameters": {
        "en": "Show the default parameters",
        "fr": "Afficher les paramètres par défaut",
    },
    "code.injected-parameters": {
        "en": "Show the parameters of this run",
        "fr": "Afficher les paramètres de cette exécution",
    },
    "code.setup": {
        "en": "Show the code that loads the data and runs the test",
        "fr": "Afficher le code qui charge les données et exécute le test",
    },
    "skip": {"en": "Skip to the verdict", "fr": "Aller au verdict"},
    "page": {"en": "Page", "fr": "Page"},
    # sections
    "h.question": {"en": "The question", "fr": "La question"},
    "h.verdict": {"en": "Verdict", "fr": "Verdict"},
    "h.figure": {"en": "Key figure", "fr": "Figure clé"},
    "h.results": {"en": "Results", "fr": "Résultats"},
    "h.robustness": {"en": "Robustness check", "fr": "Contrôle de robustesse"},
    "h.data": {"en": "The data", "fr": "Les données"},
    "h.exclusions": {"en": "Exclusions", "fr": "Exclusions"},
    "h.examples": {"en": "Example comments", "fr": "Exemples de commentaires"},
    "h.markup": {"en": "Texts containing markup", "fr": "Textes contenant du balisage"},
    "h.methods": {"en": "Methods", "fr": "Méthodes"},
    "h.references": {"en": "References", "fr": "Références"},
    "h.glossary": {"en": "Glossary", "fr": "Glossaire"},
    "h.provenance": {"en": "Provenance", "fr": "Provenance"},
    "h.warnings": {"en": "Points to keep in mind", "fr": "Points d'attention"},
    "h.statistics": {"en": "Statistical report", "fr": "Compte rendu statistique"},
    # verdict
    "verdict.supported": {"en": "Supported", "fr": "Confirmée"},
    "verdict.not supported": {"en": "Not supported", "fr": "Non confirmée"},
    "verdict.inconclusive": {"en": "Inconclusive", "fr": "Non concluant"},
    "verdict.explain.supported": {
        "en": "The data support the claim.",
        "fr": "Les données confirment l'affirmation.",
    },
    "verdict.explain.not supported": {
        "en": "The data do not support the claim.",
        "fr": "Les données ne confirment pas l'affirmation.",
    },
    "verdict.explain.inconclusive": {
        "en": "The data cannot settle the claim either way.",
        "fr": "Les données ne permettent pas de trancher.",
    },
    "claim": {"en": "Claim tested", "fr": "Affirmation testée"},
    "adjust.alone": {
        "en": "This verdict is for this hypothesis taken alone. The study index corrects for the number of hypotheses tested ({method}), so its verdict can differ.",
        "fr": "Ce verdict porte sur cette hypothèse prise isolément. L'index de l'étude corrige pour le nombre d'hypothèses testées ({method}) ; son verdict peut donc différer.",
    },
    "adjust.alone_none": {
        "en": "This verdict is for this hypothesis taken alone; the study index does not correct for the number of hypotheses tested.",
        "fr": "Ce verdict porte sur cette hypothèse prise isolément ; l'index de l'étude ne corrige pas pour le nombre d'hypothèses testées.",
    },
    "adjust.applied": {
        "en": "This verdict uses the p-value corrected for the number of hypotheses in the study ({method}): {p_adjusted}, against {p} for this hypothesis taken alone.",
        "fr": "Ce verdict repose sur la valeur p corrigée pour le nombre d'hypothèses de l'étude ({method}) : {p_adjusted}, contre {p} pour cette hypothèse prise isolément.",
    },
    "corr.holm": {"en": "Holm method", "fr": "méthode de Holm"},
    "corr.bh": {"en": "Benjamini–Hochberg method", "fr": "méthode de Benjamini-Hochberg"},
    "corr.none": {"en": "no correction", "fr": "aucune correction"},
    "plain.equivalence": {
        "en": "The rank correlation between {x} and {y} across pages is {rho} (plausibly between {low} and {high}); a link weaker than ±{bound} counts as weak.",
        "fr": "Entre les pages, la corrélation de rang entre {x} et {y} vaut {rho} (plausiblement entre {low} et {high}) ; un lien plus faible que ±{bound} compte comme faible.",
    },
    "verdict.sentence.supported": {
        "en": "The data support the claim that {claim}.",
        "fr": "Les données confirment que {claim}.",
    },
    "verdict.sentence.not supported": {
        "en": "The data do not support the claim that {claim}.",
        "fr": "Les données ne confirment pas que {claim}.",
    },
    "verdict.sentence.inconclusive": {
        "en": "The data cannot settle whether {claim}.",
        "fr": "Les données ne permettent pas de trancher si {claim}.",
    },
    "effect": {"en": "Effect", "fr": "Effet"},
    "ci": {"en": "{level} % confidence interval", "fr": "intervalle de confiance à {level} %"},
    "ci.short": {"en": "{level} % CI", "fr": "IC {level} %"},
    "p.one_sided": {"en": "one-sided", "fr": "unilatéral"},
    "p.adjusted": {
        "en": "adjusted for {n} hypotheses ({method})",
        "fr": "ajusté pour {n} hypothèses ({method})",
    },
    # results table
    "col.quantity": {"en": "Quantity", "fr": "Grandeur"},
    "col.value": {"en": "Value", "fr": "Valeur"},
    "col.test": {"en": "Test", "fr": "Test"},
    "col.statistic": {"en": "Statistic", "fr": "Statistique"},
    "col.p": {"en": "p (one-sided)", "fr": "p (unilatéral)"},
    "col.p_plain": {"en": "p", "fr": "p"},
    "col.p_equivalence": {"en": "p (equivalence test)", "fr": "p (test d'équivalence)"},
    "col.p_adjusted": {"en": "p corrected ({method})", "fr": "p corrigée ({method})"},
    "col.estimate": {"en": "Estimate", "fr": "Estimation"},
    "col.note": {"en": "Note", "fr": "Remarque"},
    "row.model": {"en": "Model", "fr": "Modèle"},
    "row.estimate": {"en": "Effect size", "fr": "Taille d'effet"},
    "row.ci": {"en": "Confidence interval", "fr": "Intervalle de confiance"},
    "row.statistic": {"en": "Test statistic", "fr": "Statistique de test"},
    "row.p": {"en": "p-value, one-sided", "fr": "Valeur p, unilatérale"},
    "row.p_two": {"en": "p-value, two-sided", "fr": "Valeur p, bilatérale"},
    "row.p_adjusted": {"en": "p-value, adjusted", "fr": "Valeur p ajustée"},
    "row.p_equivalence": {
        "en": "p-value, equivalence test (TOST)",
        "fr": "Valeur p, test d'équivalence (TOST)",
    },
    "row.p_no_link": {
        "en": "p-value, test of no link (two-sided)",
        "fr": "Valeur p, test d'absence de lien (bilatéral)",
    },
    "row.n_obs": {"en": "Observations", "fr": "Observations"},
    "row.n_clusters": {"en": "Pages (clusters)", "fr": "Pages (grappes)"},
    "row.mde": {
        "en": "Smallest detectable effect (80 % power)",
        "fr": "Plus petit effet détectable (puissance 80 %)",
    },
    "row.direction": {"en": "Alternative hypothesis", "fr": "Hypothèse alternative"},
    "row.alpha": {"en": "Significance level", "fr": "Seuil de signification"},
    "brief.main": {"en": "Main analysis", "fr": "Analyse principale"},
    "brief.check": {
        "en": "Cross-check on page averages",
        "fr": "Vérification sur les moyennes par page",
    },
    "brief.agree": {
        "en": "Agrees with the main analysis",
        "fr": "Concorde avec l'analyse principale",
    },
    "brief.disagree": {
        "en": "Does not agree with the main analysis",
        "fr": "Ne concorde pas avec l'analyse principale",
    },
    "brief.how_sure": {"en": "How sure can we be?", "fr": "Quel degré de certitude ?"},
    "brief.chance": {
        "en": "Chance of a result this strong if there were no real difference",
        "fr": "Probabilité d'un résultat aussi net s'il n'y avait aucune différence réelle",
    },
    "brief.chance_equivalence": {
        "en": "Chance of a link this weak if the true link were as strong as the bound (±{bound})",
        "fr": "Probabilité d'un lien aussi faible si le vrai lien était aussi fort que la borne (±{bound})",
    },
    "brief.chance_adjusted": {
        "en": "The same chance, corrected for the number of hypotheses in the study ({method})",
        "fr": "La même probabilité, corrigée pour le nombre d'hypothèses de l'étude ({method})",
    },
    "brief.range": {
        "en": "Plausible range of the effect",
        "fr": "Fourchette plausible de l'effet",
    },
    "brief.based_on": {"en": "Based on", "fr": "Sur la base de"},
    "brief.based_on_value": {
        "en": "{n_obs} {unit}s from {n_clusters} pages",
        "fr": "{n_obs} {unit}s de {n_clusters} pages",
    },
    "brief.based_on_pages": {"en": "{n_clusters} pages", "fr": "{n_clusters} pages"},
    # data section
    "data.platforms": {"en": "Platforms", "fr": "Plateformes"},
    "data.period": {"en": "Period", "fr": "Période"},
    "data.period_value": {"en": "{start} to {end}", "fr": "du {start} au {end}"},
    "data.pages": {"en": "Pages", "fr": "Pages"},
    "data.pages_by_type": {
        "en": "{business} business pages, {personal} personal pages",
        "fr": "{business} pages d'entreprise, {personal} pages personnelles",
    },
    "data.pages_by_type_unknown": {
        "en": "{business} business pages, {personal} personal pages, {unknown} of unknown type",
        "fr": "{business} pages d'entreprise, {personal} pages personnelles, {unknown} de type inconnu",
    },
    "data.posts": {"en": "Posts", "fr": "Publications"},
    "data.comments": {"en": "Comments", "fr": "Commentaires"},
    "data.source": {"en": "Source", "fr": "Source"},
    "data.collected": {"en": "Collected", "fr": "Collecte"},
    # coverage audit (analysis.coverage) and the sensitivity rerun without low-coverage pages
    "data.coverage": {"en": "Coverage of the conversation", "fr": "Couverture de la conversation"},
    "coverage.verdict": {
        "en": "Data behind this verdict: {figure}.",
        "fr": "Données derrière ce verdict : {figure}.",
    },
    "coverage.dataset": {
        "en": "In the whole data set: {figure}.",
        "fr": "Dans tout le jeu de données : {figure}.",
    },
    "coverage.low": {
        "en": "Warning: the data hold less than the study's threshold of {threshold} of the comments the "
        "platform reports; this verdict rests on part of the conversation only.",
        "fr": "Attention : les données contiennent moins que le seuil de l'étude ({threshold}) des "
        "commentaires annoncés par la plateforme ; ce verdict ne repose que sur une partie de la "
        "conversation.",
    },
    "coverage.unknown": {
        "en": "The platform reports no comment count for these posts, so the share of the "
        "conversation collected cannot be checked.",
        "fr": "La plateforme n'annonce aucun nombre de commentaires pour ces publications : la part "
        "de la conversation collectée ne peut pas être vérifiée.",
    },
    "coverage.no_owner": {
        "en": "The source cannot tell the page's own replies from the audience's: measures of "
        "answers are not available.",
        "fr": "La source ne distingue pas les réponses de la page de celles du public : les mesures "
        "de réponse ne sont pas disponibles.",
    },
    "coverage.no_threads": {
        "en": "This source holds no comment threads (post-level counts only).",
        "fr": "Cette source ne contient aucun fil de commentaires (seulement des totaux par "
        "publication).",
    },
    "h.sensitivity": {
        "en": "Sensitivity: without the pages of low coverage",
        "fr": "Sensibilité : sans les pages peu couvertes",
    },
    "sens.intro": {
        "en": "The test is run again on the pages whose data hold at least {threshold} of the comments "
        "their platform reports ({kept} of {pages} pages; pages whose platform reports no count are "
        "kept). A verdict that changes here depends on what the collection missed.",
        "fr": "Le test est refait sur les pages dont les données contiennent au moins {threshold} des "
        "commentaires annoncés par leur plateforme ({kept} pages sur {pages} ; les pages sans total "
        "annoncé sont gardées). Un verdict qui change ici dépend de ce que la collecte a manqué.",
    },
    "sens.all": {"en": "All pages", "fr": "Toutes les pages"},
    "sens.kept": {
        "en": "Pages with at least {threshold} coverage",
        "fr": "Pages couvertes à au moins {threshold}",
    },
    "sens.col.data": {"en": "Data", "fr": "Données"},
    "sens.col.pages": {"en": "Pages", "fr": "Pages"},
    "sens.col.verdict": {"en": "Verdict", "fr": "Verdict"},
    "sens.none_low": {
        "en": "Every page whose platform reports a comment count holds at least {threshold} of it: "
        "no sensitivity rerun is needed.",
        "fr": "Chaque page dont la plateforme annonce un nombre de commentaires en contient au moins "
        "{threshold} : aucune nouvelle analyse de sensibilité n'est nécessaire.",
    },
    "sens.all_low": {
        "en": "No page holds {threshold} of the comments its platform reports, so there is nothing to "
        "rerun the test on: read the verdict as resting on part of the conversation.",
        "fr": "Aucune page ne contient {threshold} des commentaires annoncés par sa plateforme : il n'y a "
        "rien sur quoi refaire le test ; le verdict ne repose que sur une partie de la conversation.",
    },
    "sens.failed": {
        "en": "The rerun could not be computed: {why}",
        "fr": "La nouvelle analyse n'a pas pu être calculée : {why}",
    },
    "data.all": {"en": "all", "fr": "toutes"},
    "data.reason": {"en": "Reason", "fr": "Motif"},
    "data.excluded": {"en": "Excluded", "fr": "Exclus"},
    "data.model_used": {
        "en": "The model used {n_used} of the {n_pages} pages.",
        "fr": "Le modèle a utilisé {n_used} des {n_pages} pages.",
    },
    "data.model_fe": {
        "en": "left out by the model: all of the page's {units} fall in one group, or the page got no reply, so a comparison within the page learns nothing from it",
        "fr": "exclusion par le modèle : l'ensemble des {units} de la page relève d'un seul groupe, ou la page n'a reçu aucune réponse ; une comparaison au sein de la page n'en apprend donc rien",
    },
    "data.model_min_posts": {
        "en": "left out by the model: fewer than {min_posts} posts",
        "fr": "exclusion par le modèle : moins de {min_posts} publications",
    },
    "data.model_unknown_type": {
        "en": "left out by the model: account type unknown (code them: `dialogic label export`, then `dialogic import --labels`)",
        "fr": "exclusion par le modèle : type de compte inconnu (à coder : `dialogic label export`, puis `dialogic import --labels`)",
    },
    "data.model_other": {
        "en": "left out by the model: no {units} it could use",
        "fr": "exclusion par le modèle : pas de {units} utilisables",
    },
    "data.no_exclusions": {"en": "Nothing was excluded.", "fr": "Rien n'a été exclu."},
    "data.examples_note": {
        "en": "Shown exactly as collected, as plain text (markup is not interpreted).",
        "fr": "Affichés tels que collectés, en texte brut (le balisage n'est pas interprété).",
    },
    "data.markup_note": {
        "en": "{n} text(s) contain HTML-like markup; they are shown as text, never run.",
        "fr": "{n} texte(s) contiennent du balisage de type HTML ; ils sont affichés comme texte, jamais exécutés.",
    },
    "data.kind": {"en": "Kind", "fr": "Type"},
    "data.text": {"en": "Text", "fr": "Texte"},
    "data.page_type": {"en": "Page type", "fr": "Type de page"},
    "data.language": {"en": "Language", "fr": "Langue"},
    # account types and groups
    "type.business": {"en": "business page", "fr": "page d'entreprise"},
    "type.personal": {"en": "personal page", "fr": "page personnelle"},
    "type.unknown": {"en": "unknown", "fr": "inconnu"},
    "type.unknown_page": {"en": "page of unknown type", "fr": "page de type inconnu"},
    "unit.post": {"en": "post", "fr": "publication"},
    "unit.comment": {"en": "comment", "fr": "commentaire"},
    "unit.page": {"en": "page", "fr": "page"},
    "units.post": {"en": "posts", "fr": "publications"},
    "units.comment": {"en": "comments", "fr": "commentaires"},
    "units.page": {"en": "pages", "fr": "pages"},
    # methods
    "methods.intro": {
        "en": "The unit of analysis is the {unit}; {n_obs} {unit}s from {n_clusters} pages entered the model.",
        "fr": "Unité d'analyse : {unit} ; {n_obs} unités issues de {n_clusters} pages sont entrées dans le modèle.",
    },
    "methods.intro_pages": {
        "en": "The unit of analysis is the page; {n_clusters} pages entered the analysis.",
        "fr": "Unité d'analyse : la page ; {n_clusters} pages sont entrées dans l'analyse.",
    },
    "methods.model_equivalence": {
        "en": "Primary analysis: {model}. The link is reported as {estimate_name} with its {ci_level} % confidence interval; the equivalence test (two one-sided tests, TOST) asks whether the true link lies within ±{bound}, at α = {alpha}: a small p means a link as strong as the bound is implausible.",
        "fr": "Analyse principale : {model}. Le lien est exprimé en {estimate_name} avec son intervalle de confiance à {ci_level} % ; le test d'équivalence (deux tests unilatéraux, TOST) examine si le vrai lien reste compris entre ±{bound}, au seuil α = {alpha} : une petite valeur p signifie qu'un lien aussi fort que la borne est peu plausible.",
    },
    "methods.filter": {
        "en": "Pages with fewer than {min_posts} posts in the window were excluded; comments not answered within {window} hours count as censored.",
        "fr": "Les pages ayant moins de {min_posts} publications dans la période ont été exclues ; les commentaires sans réponse au bout de {window} heures sont considérés comme censurés.",
    },
    "methods.model": {
        "en": "Primary model: {model}. The effect is reported as {estimate_name} with its {ci_level} % confidence interval; the test is one-sided ({alternative}) at α = {alpha}, with standard errors clustered by page because posts and comments of one page are not independent.",
        "fr": "Modèle principal : {model}. L'effet est exprimé en {estimate_name} avec son intervalle de confiance à {ci_level} % ; le test est unilatéral ({alternative}) au seuil α = {alpha}, avec des erreurs standard groupées par page, car les publications et commentaires d'une même page ne sont pas indépendants.",
    },
    "methods.robustness": {
        "en": "Robustness check: {test} ({p}, one-sided).",
        "fr": "Contrôle de robustesse : {test} ({p}, unilatéral).",
    },
    "methods.robustness_ci": {
        "en": "Robustness check: {test}.",
        "fr": "Contrôle de robustesse : {test}.",
    },
    "methods.software": {
        "en": "Computed with statsmodels {statsmodels}, SciPy {scipy} and pandas {pandas} in Python {python}.",
        "fr": "Calculé avec statsmodels {statsmodels}, SciPy {scipy} et pandas {pandas} sous Python {python}.",
    },
    # provenance
    "prov.parameters": {"en": "Parameters", "fr": "Paramètres"},
    "prov.inputs": {"en": "Input files (SHA-256)", "fr": "Fichiers d'entrée (SHA-256)"},
    "prov.versions": {"en": "Versions", "fr": "Versions"},
    "prov.command": {
        "en": "Command that reproduces this report",
        "fr": "Commande qui reproduit ce rapport",
    },
    "prov.date": {"en": "Produced on", "fr": "Produit le"},
    "prov.dataset": {"en": "Data set", "fr": "Jeu de données"},
    "prov.code": {"en": "Code version", "fr": "Version du code"},
    "prov.code_commit": {
        "en": "Dialogic {version}, commit {commit}",
        "fr": "Dialogic {version}, révision {commit}",
    },
    "prov.code_plain": {"en": "Dialogic {version}", "fr": "Dialogic {version}"},
    "prov.other": {"en": "Other", "fr": "Autres"},
    "prov.name": {"en": "Name", "fr": "Nom"},
    "prov.value": {"en": "Value", "fr": "Valeur"},
    # figures
    "fig.caption": {"en": "Figure 1. {title}", "fr": "Figure 1. {title}"},
    "fig.page_mean": {
        "en": "Each dot is one page; the bar shows the median page.",
        "fr": "Chaque point est une page ; le trait indique la page médiane.",
    },
    "fig.replies_per_post": {
        "en": "Mean replies per post (per page)",
        "fr": "Réponses moyennes par publication (par page)",
    },
    "fig.answered_share": {
        "en": "Share of comments answered (per page)",
        "fr": "Part des commentaires ayant reçu une réponse (par page)",
    },
    "fig.hours": {"en": "Hours since the comment", "fr": "Heures depuis le commentaire"},
    "fig.unanswered": {
        "en": "Share of comments still unanswered",
        "fr": "Part des commentaires encore sans réponse",
    },
    "fig.followers": {
        "en": "Audience size (followers, log scale)",
        "fr": "Taille de l'audience (abonnés, échelle log)",
    },
    "fig.page_type": {"en": "Page type", "fr": "Type de page"},
    "fig.group": {"en": "Group", "fr": "Groupe"},
    "fig.outcome_per_page": {
        "en": "{outcome} (mean per page)",
        "fr": "{outcome} (moyenne par page)",
    },
    "fig.alt.groups": {
        "en": "Dot plot of {outcome}, one dot per page and group: {n} pages, {k} groups. Medians: {medians}.",
        "fr": "Nuage de points de {outcome}, un point par page et par groupe : {n} pages, {k} groupes. Médianes : {medians}.",
    },
    "fig.alt.km": {
        "en": "Curves of the share of comments still unanswered over the first {window} hours, by page type. Share unanswered after 24 hours: {at24}.",
        "fr": "Courbes de la part des commentaires encore sans réponse pendant les {window} premières heures, par type de page. Part sans réponse après 24 heures : {at24}.",
    },
    "fig.alt.scatter": {
        "en": "Scatter plot of mean replies per post against audience size for {n} pages (log scales); Spearman rho = {rho}.",
        "fr": "Nuage de points des réponses moyennes par publication selon la taille de l'audience pour {n} pages (échelles log) ; rho de Spearman = {rho}.",
    },
    "fig.title.H1": {
        "en": "Replies per post, business and personal pages",
        "fr": "Réponses par publication, pages d'entreprise et pages personnelles",
    },
    "fig.title.H2": {
        "en": "Share of audience comments answered by the page",
        "fr": "Part des commentaires du public auxquels la page répond",
    },
    "fig.title.H3": {
        "en": "Replies per post, question posts and other posts",
        "fr": "Réponses par publication, questions et autres publications",
    },
    "fig.title.H4": {
        "en": "Time until the page answers a comment",
        "fr": "Délai avant que la page réponde à un commentaire",
    },
    "fig.title.H5": {
        "en": "Audience size and replies per post",
        "fr": "Taille de l'audience et réponses par publication",
    },
    "fig.title.H6": {
        "en": "Share answered, negative and other comments",
        "fr": "Part des réponses, commentaires négatifs et autres",
    },
    "fig.title.generic": {"en": "{outcome} by group", "fr": "{outcome} par groupe"},
    "fig.question": {"en": "question", "fr": "question"},
    "fig.other": {"en": "other", "fr": "autre"},
    "fig.negative": {"en": "negative comment", "fr": "commentaire négatif"},
    "fig.not_negative": {"en": "other comment", "fr": "autre commentaire"},
    # figures that cannot be drawn (the reason replaces the image) and notes on partial figures
    "fig.none.empty": {
        "en": "The figure cannot be drawn: no data are left to show once the filters are applied "
        "(pages with too few posts, or outside the groups compared, are left out).",
        "fr": "La figure ne peut pas être tracée : il ne reste aucune donnée à montrer une fois les "
        "filtres appliqués (les pages qui ont trop peu de publications ou qui n'appartiennent à "
        "aucun des groupes comparés sont écartées).",
    },
    "fig.none.no_values": {
        "en": "The figure cannot be drawn: the measure shown ({outcome}) has no value in these data.",
        "fr": "La figure ne peut pas être tracée : la mesure représentée ({outcome}) n'a aucune "
        "valeur dans ces données.",
    },
    "fig.none.within_page": {
        "en": "The figure cannot be drawn: no page has both question posts and other posts, "
        "so no page can be compared with itself.",
        "fr": "La figure ne peut pas être tracée : aucune page n'a à la fois des publications "
        "qui posent une question et d'autres publications, donc aucune page ne peut être "
        "comparée à elle-même.",
    },
    "fig.none.no_delays": {
        "en": "The figure cannot be drawn: no comment has a known delay (time until the page "
        "answers or until the end of observation).",
        "fr": "La figure ne peut pas être tracée : aucun commentaire n'a de délai connu (temps "
        "jusqu'à la réponse de la page ou jusqu'à la fin de l'observation).",
    },
    "fig.none.followers": {
        "en": "The figure cannot be drawn: no page has a known audience size (followers) above zero.",
        "fr": "La figure ne peut pas être tracée : aucune page n'a de taille d'audience connue "
        "(abonnés) supérieure à zéro.",
    },
    "fig.none.failed": {
        "en": "The figure could not be drawn from these data; the results do not depend on it.",
        "fr": "La figure n'a pas pu être tracée à partir de ces données ; les résultats n'en "
        "dépendent pas.",
    },
    "fig.one_group": {
        "en": "No data for {absent}: the figure shows {present} only, with no comparison.",
        "fr": "Aucune donnée pour {absent} : la figure ne montre que {present}, sans comparaison.",
    },
    "fig.none_answered": {
        "en": "No answer from the page was observed: every comment is still unanswered at the end "
        "of observation (censored).",
        "fr": "Aucune réponse de la page n'a été observée : chaque commentaire est encore sans "
        "réponse à la fin de l'observation (censuré).",
    },
    "fig.no_followers": {
        "en": "Pages without a known audience size, not shown: {n}.",
        "fr": "Pages sans taille d'audience connue, non représentées : {n}.",
    },
    # warnings
    "warn.none": {"en": "None.", "fr": "Aucun."},
}


def t(key: str, language: str, **values: Any) -> str:
    """The template text ``key`` in ``language``, with ``{name}`` fields filled from ``values``.

    Raises
    ------
    ValueError
        When the language is not one of :data:`LANGUAGES` or the key is unknown.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"language {language!r} is not supported; use one of {', '.join(LANGUAGES)}"
        )
    try:
        text = STRINGS[key][language]
    except KeyError:
        raise ValueError(
            f"no report text {key!r}; add it to analysis.report.i18n.STRINGS"
        ) from None
    return text.format(**values) if values else text


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def fmt_number(x: Any, language: str, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals and the language's separators; '–' for a missing value."""
    if _missing(x):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(x), format=pattern, locale=LOCALES[language])


def fmt_int(x: Any, language: str) -> str:
    """A count with the language's thousands separator."""
    return "–" if _missing(x) else format_decimal(int(x), format="#,##0", locale=LOCALES[language])


def fmt_percent(x: Any, language: str, digits: int = 0) -> str:
    """A share (0.42) as a percentage ('42 %' in French, '42%' in English)."""
    if _missing(x):
        return "–"
    pattern = (
        Locale.parse(LOCALES[language]).percent_formats[None].pattern
    )  # '#,##0%' / '#,##0\u00a0%'
    if digits:
        pattern = (
            pattern.replace("0", "0." + "0" * digits, 1) if pattern.count("0") == 1 else pattern
        )
    return format_percent(float(x), format=pattern, locale=LOCALES[language])


def fmt_p(p: Any, language: str) -> str:
    """A p-value the APA way: 'p = .031', 'p < .001' (French: 'p = 0,031', 'p < 0,001')."""
    if _missing(p):
        return "p = –"
    p = float(p)
    if p < 0.001:
        body = "< " + fmt_number(0.001, language, 3)
    else:
        body = "= " + fmt_number(p, language, 3)
    if language == "en":  # APA: no leading zero for quantities that cannot exceed 1
        body = body.replace("0.", ".", 1)
    return "p " + body


def fmt_date(d: Any, language: str) -> str:
    """A date written out ('1 January 2024', '1er janvier 2024', '2 janvier 2024'); '–' when missing."""
    if _missing(d) or d == "":
        return "–"
    if isinstance(d, str):
        d = pd.Timestamp(d)
    if isinstance(d, (pd.Timestamp, datetime)):
        d = d.date()
    if not isinstance(d, date):
        raise ValueError(
            f"cannot format {d!r} as a date; pass a date, a timestamp or an ISO string"
        )
    text = _babel_date(d, format="long", locale=LOCALES[language])
    if (
        language == "fr" and d.day == 1
    ):  # French writes the first of the month as an ordinal: 1er janvier
        text = "1er" + text[1:]
    return text
