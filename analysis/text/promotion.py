"""Is a post promotional? Offers, discounts, self-promotion and links with a call to action.

Rules (regexes per language in :data:`PROMOTION_RULES`, ``"*"`` for every language) look for
commercial offers (discounts, promo codes, giveaways, free shipping; French promo, soldes,
réduction, jeu concours, à gagner), self-promotion ("check out my channel", "subscribe",
"abonnez-vous", "ma chaîne", "link in bio") and a link together with a call to action
("shop now <url>", "découvrez ... <url>"). URLs are replaced by a marker word so the rules can
see where a link was.
"""

from __future__ import annotations

import pandas as pd

from analysis.text.clean import URL_TOKEN, normalize
from analysis.text.language import resolve_language
from analysis.text.patterns import match_rules

_URL = URL_TOKEN
_EN_CTA = r"check|visit|click|buy|shop|order|book|download|sign up|register|join|subscribe|get yours|grab|learn more|read more|see more|watch|listen|tap"
_FR_CTA = (
    r"d[ée]couvrez|d[ée]couvre|achetez|commandez|r[ée]servez|profitez|inscrivez|abonnez|t[ée]l[ée]chargez|"
    r"cliquez|rejoignez|essayez|testez|participez|rendez[- ]vous sur|retrouvez|en savoir plus|[àa] d[ée]couvrir"
)

#: language -> regexes (case-insensitive) that mark a promotional post.
PROMOTION_RULES: dict[str, list[str]] = {
    "*": [
        r"\bsubscribe\b|\bsubs?crib\w*\b|\bsub4sub\b",
        r"\bcheck (?:out )?(?:my|our)\b|\bcheck (?:it|this|them) out\b",
        r"\blink in (?:my |our |the )?bio\b",
        r"\b(?:promo|discount|coupon) ?code\b",
        r"\bgiveaway\b",
    ],
    "en": [
        r"\b\d{1,2} ?% off\b|\b(?:on )?sale\b|\bdiscounts?\b|\bcoupons?\b|\bvouchers?\b|\bpromo(?:tion)?s?\b",
        r"\bfree (?:shipping|delivery|gift|trial|download|iphone|ipad|money|ebook|samples?|\w+ cards?)\b",
        r"\blimited (?:time|offer|edition|stock)\b|\bspecial offer\b|\b(?:best|hot|great) deals?\b|\bdeal of the day\b",
        r"\b(?:buy|shop|order|book|download|apply|register|join) (?:now|today|online|here)\b|\bget yours\b|\bpre-?order\b",
        r"\b(?:my|our) (?:new |latest |first |own )?(?:channel|videos?|vids?|page|site|website|store|shop|music|songs?|album|mixtape|blog|playlist|app|cover|track|rap|beats?)\b",
        r"\bvisit (?:my|our|us)\b|\bfollow (?:me|us)\b|\bclick (?:here|the link|on the link|below|this)\b",
        r"\bplease (?:like|share|subscribe|check|visit|follow|watch|listen|support|help me reach)\b",
        r"\b(?:like|thumbs up) (?:this|my) comment\b|\bgive (?:me|my|it|us) a (?:chance|try|listen|shot)\b",
        r"\bmake (?:money|\$)|\bearn (?:money|\$|cash)|\bwork from home\b|\bwin (?:a|an|free)\b",
        r"\b(?:available|out) now\b|\bin stores\b|\bnew (?:collection|arrivals?|product|release)\b",
        r"\b(?:" + _EN_CTA + r")\b.*\b" + _URL + r"\b",
        r"\b" + _URL + r"\b.*\b(?:" + _EN_CTA + r")\b",
    ],
    "fr": [
        r"\bpromo(?:tion)?s?\b|\br[ée]ductions?\b|\bremises?\b|\bsoldes\b|-\s?\d{1,2}\s?%|\bbons? plans?\b",
        r"\boffres? (?:sp[ée]ciale|exceptionnelle|limit[ée]e|de lancement|promotionnelle)s?\b|\boffert(?:e|s|es)?\b",
        r"\blivraison (?:gratuite|offerte)\b|\bgratuit(?:e|s|es)?\b|\ben exclusivit[ée]\b",
        r"\b(?:achetez|commandez|r[ée]servez|profitez|t[ée]l[ée]chargez|cliquez|essayez|participez)\b",
        r"\b(?:inscrivez|abonnez)[- ]vous\b|\babonne[- ]toi\b|\brejoignez[- ]nous\b",
        r"\bjeu[- ]concours\b|\bconcours\b|\b[àa] gagner\b|\btentez de gagner\b|\bpour gagner\b",
        r"\b(?:ma|notre) (?:nouvelle )?(?:cha[iî]ne|boutique|collection|vid[ée]o|page|site|appli)\b",
        r"\ben vente\b|\bdisponibles? (?:d[èe]s|maintenant|en ligne|en magasin|sur|chez)\b|\bnouvelle collection\b",
        r"\b(?:" + _FR_CTA + r")\b.*\b" + _URL + r"\b",
        r"\b" + _URL + r"\b.*\b(?:" + _FR_CTA + r")\b",
    ],
}


def is_promotional(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Whether each text promotes something: an offer, the author's channel/product, or a link to act on.

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
        ``bool`` aligned on ``texts.index`` (empty texts are not promotional).

    Examples
    --------
    >>> is_promotional(pd.Series(["20% off this weekend only!", "Abonnez-vous à ma chaîne", "Lovely day"])).tolist()
    [True, True, False]
    """
    cleaned = normalize(texts, urls="token", mentions="drop", hashtags="words")
    return match_rules(cleaned, resolve_language(texts, lang), PROMOTION_RULES)
