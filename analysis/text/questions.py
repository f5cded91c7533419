"""Is a post a question (or a request that invites an answer)? English and French rules.

A post counts as a question when it has an interrogative mark, an interrogative construction
(wh-word + auxiliary, subject-auxiliary inversion; French ``est-ce que``, verb-pronoun
inversion ``avez-vous``, ``y a-t-il``), or a request for a reply ("let us know", "any tips",
"please ...", "dites-nous", "votre avis", "svp"). URLs are removed first, so ``watch?v=`` is not
a question mark. Rules are data: :data:`QUESTION_RULES` maps a language to regexes, with ``"*"``
for rules of every language.
"""

from __future__ import annotations

import pandas as pd

from analysis.text.clean import normalize
from analysis.text.language import resolve_language
from analysis.text.patterns import match_rules

_START = r"(?:^|[.!;:…\n]\s*)"
_EN_AUX = (
    r"is|are|am|was|were|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|"
    r"isn'?t|aren'?t|wasn'?t|don'?t|doesn'?t|didn'?t|can'?t|couldn'?t|won'?t|wouldn'?t|"
    r"shouldn'?t|haven'?t|hasn'?t"
)
_EN_SUBJECT = (
    r"i|you|u|ya|we|they|he|she|it|there|anyone|anybody|someone|somebody|this|that|"
    r"these|those|the|your|my|our"
)
_FR_VERBS = (
    r"avez|avons|êtes|etes|pouvez|pourriez|savez|connaissez|pensez|voulez|voudriez|aimez|croyez|"
    r"trouvez|préférez|faites|allez|souhaitez|comptez|auriez|seriez|voyez|vivez|utilisez|"
    r"as|es|peux|pourrais|sais|connais|penses|veux|voudrais|aimes|crois|trouves|préfères|fais|"
    r"vas|vois|ont|sont|faut|peut|doit|va|était|est|sommes|serait|aurait|fallait|pourrait"
)

#: language -> regexes (case-insensitive) that mark a question or a request for an answer.
QUESTION_RULES: dict[str, list[str]] = {
    "*": [r"[?¿？](?![^\W\d_])"],  # "?" not glued to a letter ("Life?s" is a lost apostrophe)
    "en": [
        _START + r"(?:what|why|how|where|who|which|when|whose)\s+(?:" + _EN_AUX + r"|'s|'re)\b",
        _START + r"why\b",
        _START + r"(?:" + _EN_AUX + r")\s+(?:" + _EN_SUBJECT + r")\b(?!\s+(?:is|are|was)\b)",
        r"\b(?:please|pls|plz|kindly)\b",
        r"\blet (?:me|us) know\b",
        r"\b(?:tell|show|dm|message|email) (?:me|us)\b",
        r"\bany (?:ideas?|suggestions?|tips|advice|recommendations?|thoughts|news|updates?"
        r"|word)\b",
        r"\b(?:anyone|anybody|someone|somebody) "
        r"(?:know|knows|else|have|has|got|tried|recommend)\b",
        r"\bi (?:wonder|was wondering)\b|\bwondering (?:if|whether|why|how|what|when)\b",
        r"\bwhat do (?:you|u|y'all) think\b",
        r"\bneed (?:your )?(?:help|advice)\b|\bhelp (?:me|us)\b",
        r"\b(?:share|drop|leave) (?:your|a comment|them)\b|\bcomment below\b",
    ],
    "fr": [
        r"\best[- ]ce qu",
        r"\bqu['’]est[- ]ce\b",
        r"-t-(?:il|elle|on)\b",
        r"\b(?:" + _FR_VERBS + r")-(?:vous|tu|ils|elles|il|elle|on|nous)\b",
        _START + r"(?:pourquoi|combien)\b",
        _START + r"comment\s+(?:faire|on|vous|tu|est|ça|ca|peut|se|les|la|le)\b",
        r"\b(?:svp|stp|s['’]il vous pla[iî]t|s['’]il te pla[iî]t)\b",
        r"\b(?:dites|dis|racontez|raconte|donnez|donne|montrez)[- ](?:nous|moi)\b",
        r"\bn['’]h[ée]sitez pas\b|\bn['’]h[ée]site pas\b",
        r"\b(?:votre|ton|vos|tes) avis\b|\bqu['’]en pensez\b|\bqu['’]en penses\b",
        r"\baidez[- ](?:moi|nous)\b|\baide[- ]moi\b",
        r"\bje me demande\b",
        r"\bquelqu['’]un (?:sait|a|conna[iî]t|peut|aurait|pourrait)\b",
        r"\bdes (?:id[ée]es|conseils|suggestions|recommandations)\b",
        r"\b(?:commentez|partagez vos|partagez votre)\b",
    ],
}


def is_question(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Whether each text asks a question or requests an answer.

    Parameters
    ----------
    texts : pd.Series
        Raw posts; ``None``/NA, URLs, mentions, hashtags, emoji and HTML allowed.
    lang : pd.Series, optional
        ISO 639-1 language per text, aligned on ``texts``; NA (or no Series) -> detected.
        Languages other than English and French use the English rules plus ``"*"``.

    Returns
    -------
    pd.Series
        ``bool`` aligned on ``texts.index`` (empty texts are not questions).

    Examples
    --------
    >>> is_question(
    ...     pd.Series(["What do you think?", "Avez-vous testé notre menu", "Great day"])
    ... ).tolist()
    [True, True, False]
    """
    cleaned = normalize(texts, urls="drop", mentions="drop", hashtags="words")
    return match_rules(cleaned, resolve_language(texts, lang), QUESTION_RULES)
