"""Is a post promotional? Offers, discounts, self-promotion and links with a call to action.

Rules (regexes per language in :data:`PROMOTION_RULES`, ``"*"`` for every language) look for
commercial offers (discounts, promo codes, giveaways, free shipping; French promo, soldes,
réduction, jeu concours, à gagner), self-promotion ("check out my channel", "subscribe",
"abonnez-vous", "ma chaîne", "link in bio") and a link together with a call to action
("shop now <url>", "découvrez ... <url>"). URLs are kept so the rules can see links (and affiliate
parameters in them).
"""

from __future__ import annotations

import pandas as pd

from analysis.text.clean import normalize
from analysis.text.language import resolve_language
from analysis.text.patterns import match_rules

_URL = r"(?:https?://|www\.)\S+"
_EN_CTA = (
    r"check|visit|click|buy|shop|order|book|download|sign up|register|join|subscribe|"
    r"get yours|grab|learn more|read more|see more|watch|listen|tap"
)
_FR_CTA = (
    r"d[ée]couvrez|d[ée]couvre|achetez|commandez|r[ée]servez|profitez|inscrivez|abonnez|"
    r"t[ée]l[ée]chargez|"
    r"cliquez|rejoignez|essayez|testez|participez|rendez[- ]vous sur|retrouvez|en savoir plus|"
    r"[àa] d[ée]couvrir"
)

#: language -> regexes (case-insensitive) that mark a promotional post.
PROMOTION_RULES: dict[str, list[str]] = {
    "*": [
        r"\bsub(?:scribe|cribe|scribed|s)\b|\bsuscri\w*|\bsub (?:me|to me|4 ?sub)\b|\bsub4sub\b",
        r"\b\d+ subscribers\b|\bsubscribers (?:please|plz|pls)\b|\b(?:get|reach|more|some|"
        r"few) (?:\d+ )?(?:subs|subscribers)\b",
        r"\bcheck(?:ed|ing)? (?:out|it out|this out|em out|'em out|(?:out )?(?:my|our))\b",
        r"\blink in (?:my |our |the )?bio\b",
        r"\b(?:promo|discount|coupon) ?code\b",
        r"\bgiveaway\b",
        r"^\W*(?:" + _URL + r"\W*)+$",  # nothing but links
        # affiliate/referral links
        r"[?&](?:ref|ref_id|aff|affiliate|affiliateid|referral|promo)=",
        r"\b(?:gofundme|indiegogo|kickstarter|patreon|leetchi|ulule|kisskissbankbank|tipeee)\b",
    ],
    "en": [
        r"\b\d{1,2} ?% off\b|\b(?:on )?sale\b|\bdiscounts?\b|\bcoupons?\b|\bvouchers?\b|"
        r"\bpromos?\b|\bpromotions? on\b",
        r"\bfree (?:shipping|delivery|gift|trial|download|iphone|ipad|money|ebook|samples?|leads|"
        r"traffic|followers|\w+ cards?)\b",
        r"\blimited (?:time|offer|edition|stock)\b|\bspecial offer\b|\b(?:best|hot|great|"
        r"bonus) deals?\b|\bdeal of the day\b",
        r"\b(?:buy|shop|order|book|download|apply|register|join) (?:now|today|online|here)\b|"
        r"\bget yours\b|\bpre-?order\b",
        r"\b(?:my|our) (?:new |latest |first |own |gaming |music |youtube )?(?:channel|videos?|"
        r"vids?|page|site|website|store|shop|music|songs?|album|mixtape|blog|playlist|app|covers?|"
        r"tracks?|rap|beats?|remix(?:es)?)\b",
        r"\bchannel\b|\b(?:visit|check|this|our|my) (?:\w+ ){0,2}(?:website|site)\b",
        r"\bvisit (?:my|our|us)\b|\bfollow (?:me|us|my|our|this)\b|\bclick (?:here|the link|"
        r"on the link|below|this)\b",
        r"\b(?:please|pls|plz)\b.*\b(?:like|share|subscribe|check|visit|follow|watch|listen|"
        r"support|vote|donate|help)\b",
        r"\b(?:share|like) (?:this|my|our) (?:video|pic|picture|photo|page|poster|post|comment)\b|"
        r"\blike (?:&|and) share\b",
        r"\bhelp me (?:get|reach|go|win|raise)\b|\bdonat(?:e|ion)",
        r"\bgive (?:me|my|it|us) a (?:chance|try|listen|shot)\b|\bwatch (?:my|our)\b",
        r"\b(?:earn|make|making) (?:\w+ ){0,2}(?:money|income|cash|\$)"
        r"|\bonline (?:work|job|income)\b|\bwork from home\b|\bneed money\b",
        r"\bwin (?:a|an|free)\b",
        r"\b(?:available|out) now\b|\bin stores\b"
        r"|\bnew (?:collection|arrivals?|product|release)\b",
        r"\b(?:" + _EN_CTA + r")\b.*" + _URL,
        _URL + r".*\b(?:" + _EN_CTA + r")\b",
    ],
    "fr": [
        r"\bpromos?\b|\ben promotion\b|\bpromotions? (?:sur|exceptionnelles?|sp[ée]ciales?)\b|"
        r"\bsoldes\b|\bbons? plans?\b",
        r"\b(?:r[ée]duction|remise)s? (?:de \d+|imm[ée]diates?|exceptionnelles?|sur)\b|\d+ ?(?:%|"
        r"€) de (?:r[ée]duction|remise)\b|-\s?\d{1,2}\s?%",
        r"\boffres? (?:sp[ée]ciale|exceptionnelle|limit[ée]e|de lancement|promotionnelle)s?\b|"
        r"\boffert(?:e|s|es)?\b",
        r"\blivraison (?:gratuite|offerte)\b|\bgratuit(?:e|s|es)?\b|\ben exclusivit[ée]\b",
        r"\b(?:achetez|commandez|r[ée]servez|profitez|t[ée]l[ée]chargez|cliquez|essayez|"
        r"participez|likez|visitez)\b",
        r"\b(?:inscrivez|abonnez)[- ]vous\b|\babonne[- ]toi\b|\brejoignez[- ]nous\b|"
        r"\bsuivez[- ](?:moi|nous)\b",
        r"\bjeu[- ]concours\b|\bconcours\b|\b[àa] gagner\b|\btentez de gagner\b|\bpour gagner\b",
        r"\b(?:ma|notre) (?:nouvelle )?(?:cha[iî]ne|boutique|collection|vid[ée]o|page|appli)\b|"
        r"\b(?:mon|notre) (?:site|blog|shop|e-shop)\b",
        r"\ben vente\b|\bdisponibles? (?:d[èe]s|maintenant|en ligne|en magasin|sur|chez)\b|"
        r"\bnouvelle collection\b",
        r"\bpartagez (?:cette|ce|ma|mon|notre|nos)\b|\baidez[- ]moi [àa] (?:atteindre|gagner|"
        r"financer)\b|\bcagnotte\b",
        r"\bgagner de l['’]argent\b|\bcode (?:de r[ée]duction|avantage)\b",
        r"\b(?:" + _FR_CTA + r")\b.*" + _URL,
        _URL + r".*\b(?:" + _FR_CTA + r")\b",
    ],
}


def is_promotional(texts: pd.Series, lang: pd.Series | None = None) -> pd.Series:
    """Whether each text promotes something: an offer, the author's channel/product, or a link to
    act on.

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
    >>> texts = pd.Series(["20% off this weekend only!", "Abonnez-vous à ma chaîne", "Lovely day"])
    >>> is_promotional(texts).tolist()
    [True, True, False]
    """
    cleaned = normalize(texts, urls="keep", mentions="drop", hashtags="words")
    return match_rules(cleaned, resolve_language(texts, lang), PROMOTION_RULES)
