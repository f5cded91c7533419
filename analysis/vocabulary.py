"""The words of the measures and contrasts: a measure's glossary name, the noun a sentence uses,
the verbs of a comparison, its form with an article; a contrast's two groups.

Domain vocabulary shared by the statistics' messages (:mod:`analysis.messages`), their sentences
(:mod:`analysis.stats.words`) and the reports (:mod:`analysis.report.wording`). English lives
here; the catalogues (:mod:`analysis.catalog`) translate every text under its context
(``measure.<column>.<field>``, ``contrast.<column>.<side>``, ``group.<label>``).
"""

from __future__ import annotations

from analysis import catalog

#: Measure column -> its name in the glossary (``term_*``, capitalised) and the phrase sentences
#: use (``noun_*``: "{focal} get about 20 % fewer {noun}"), and how a comparison on it reads
#: (``more_*`` / ``less_*``: verb phrases for the focal group being higher / lower).
MEASURE_LABELS: dict[str, dict[str, str]] = {
    "replies": dict(
        term_en="Replies",
        noun_en="replies",
        more_en="get more replies",
        less_en="get fewer replies",
    ),
    "mean_replies": dict(
        term_en="Mean replies per post",
        noun_en="replies per post",
        more_en="get more replies per post",
        less_en="get fewer replies per post",
    ),
    "owner_replies": dict(
        term_en="Replies from the page",
        noun_en="replies from the page",
        more_en="get more replies from the page",
        less_en="get fewer replies from the page",
    ),
    "unique_commenters": dict(
        term_en="Distinct commenters",
        noun_en="distinct commenters",
        more_en="draw more distinct commenters",
        less_en="draw fewer distinct commenters",
    ),
    "answered": dict(
        term_en="Answered comment",
        noun_en="odds of being answered by the page",
        more_en="are answered by the page more often",
        less_en="are answered by the page less often",
    ),
    "answered_in_window": dict(
        term_en="Answered within the reply window",
        noun_en="odds of being answered by the page within the reply window",
        more_en="are answered by the page within the reply window more often",
        less_en="are answered by the page within the reply window less often",
    ),
    "answered_share": dict(
        term_en="Share of comments answered",
        noun_en="share of comments answered",
        more_en="have a larger share of comments answered",
        less_en="have a smaller share of comments answered",
    ),
    "first_owner_reply_h": dict(
        term_en="Time to the page's first reply",
        noun_en="time to the page's first reply",
        more_en="wait longer for the page's first reply",
        less_en="wait less for the page's first reply",
    ),
    "time_to_owner_reply_h": dict(
        term_en="Time to answer a comment",
        noun_en="rate at which comments get a first answer from the page",
        # the hazard ratio: "less" = a lower answer rate = slower answers
        more_en="get answers faster",
        less_en="get answers more slowly",
    ),
    "dialogue_turns": dict(
        term_en="Dialogue turns",
        noun_en="dialogue turns",
        more_en="hold more dialogue turns",
        less_en="hold fewer dialogue turns",
    ),
    "org_to_user_replies": dict(
        term_en="Page replies to users",
        noun_en="page replies to users",
        more_en="get more page replies to users",
        less_en="get fewer page replies to users",
    ),
    "user_to_user_replies": dict(
        term_en="Replies between users",
        noun_en="replies between users",
        more_en="get more replies between users",
        less_en="get fewer replies between users",
    ),
    "org_to_user_rate": dict(
        term_en="Page replies per user comment",
        noun_en="page replies per user comment",
        more_en="get more page replies per user comment",
        less_en="get fewer page replies per user comment",
    ),
    "org_replied_share": dict(
        term_en="Share of comments replied to by the page",
        noun_en="share of comments replied to directly by the page",
        more_en="have a larger share of comments replied to by the page",
        less_en="have a smaller share of comments replied to by the page",
    ),
    "declarative_threads": dict(
        term_en="Declarative threads",
        noun_en="declarative threads (nobody responds)",
        more_en="hold more declarative threads",
        less_en="hold fewer declarative threads",
    ),
    "reactive_threads": dict(
        term_en="Reactive threads",
        noun_en="reactive threads (a response, no return)",
        more_en="hold more reactive threads",
        less_en="hold fewer reactive threads",
    ),
    "interactive_threads": dict(
        term_en="Interactive threads",
        noun_en="interactive threads (a response answered in turn)",
        more_en="hold more interactive threads",
        less_en="hold fewer interactive threads",
    ),
    "max_thread_depth": dict(
        term_en="Longest reply chain",
        noun_en="longest reply chain",
        more_en="have longer reply chains",
        less_en="have shorter reply chains",
    ),
    "org_opened_questions": dict(
        term_en="Questions asked by the page",
        noun_en="questions asked by the page",
        more_en="hold more questions asked by the page",
        less_en="hold fewer questions asked by the page",
    ),
    "user_opened_questions": dict(
        term_en="Questions asked by users",
        noun_en="questions asked by users",
        more_en="hold more questions asked by users",
        less_en="hold fewer questions asked by users",
    ),
    "reply_direction": dict(
        term_en="Reply direction",
        noun_en="reply direction",
    ),
    "org_replied": dict(
        term_en="Comment replied to by the page",
        noun_en="odds of a direct reply from the page",
        more_en="get a direct reply from the page more often",
        less_en="get a direct reply from the page less often",
    ),
    "thread_contingency": dict(
        term_en="Thread contingency",
        noun_en="thread contingency (declarative, reactive, interactive)",
    ),
    "thread_depth": dict(
        term_en="Thread depth",
        noun_en="thread depth",
        more_en="sit in deeper threads",
        less_en="sit in shallower threads",
    ),
    "reported_comments": dict(
        term_en="Comments counted by the platform",
        noun_en="comments counted by the platform",
        more_en="get more comments",
        less_en="get fewer comments",
    ),
    "post_age_h": dict(
        term_en="Post age at collection",
        noun_en="post age at collection",
        more_en="are older at collection",
        less_en="are younger at collection",
    ),
    "followers": dict(
        term_en="Audience size",
        noun_en="audience size (followers)",
        more_en="have a larger audience",
        less_en="have a smaller audience",
    ),
    "is_question": dict(
        term_en="Question post",
        noun_en="question posts",
    ),
    "is_promotional": dict(
        term_en="Promotional post",
        noun_en="promotional posts",
    ),
    "negative": dict(
        term_en="Negative comment",
        noun_en="negative comments",
    ),
    "account_type": dict(
        term_en="Page type",
        noun_en="page type",
    ),
}

#: Contrast column -> the focal and reference groups in words (plural, French with its article).
CONTRAST_LABELS: dict[str, dict[str, str]] = {
    "account_type": dict(
        focal_en="business pages",
        reference_en="personal pages",
    ),
    "is_question": dict(
        focal_en="question posts",
    ),
    "is_promotional": dict(
        focal_en="promotional posts",
    ),
    "negative": dict(
        focal_en="negative comments",
    ),
}

for _labels in CONTRAST_LABELS.values():  # group labels, translated in a warning's words
    for _side in ("focal_en", "reference_en"):
        if _labels.get(_side):
            catalog.register(f"group.{_labels[_side]}", _labels[_side])

MEASURE_UNREGISTERED = catalog.register("generic.measure_unregistered", "{name}")

for _column, _labels in MEASURE_LABELS.items():  # the catalogues translate the English
    for _field in ("term", "noun", "more", "less"):
        if _labels.get(f"{_field}_en"):
            catalog.register(f"measure.{_column}.{_field}", _labels[f"{_field}_en"])
    if _labels.get("noun_en"):  # with its article where the language needs one ("le nombre de")
        catalog.register(f"measure.{_column}.definite", _labels["noun_en"])
for _column, _labels in CONTRAST_LABELS.items():
    for _side in ("focal", "reference"):
        if _labels.get(f"{_side}_en"):
            catalog.register(f"contrast.{_column}.{_side}", _labels[f"{_side}_en"])


def _label(column: str, field: str, language: str) -> str | None:
    english = MEASURE_LABELS.get(column, {}).get(f"{field}_en")
    if english is None:
        return None
    return catalog.gettext(f"measure.{column}.{field}", english, language)


def term(column: str, language: str) -> str:
    """The glossary name of ``column`` ('Replies' / 'Réponses du public') or the column."""
    return _label(column, "term", language) or column


def noun(column: str, language: str) -> str:
    """The measure as the noun a sentence uses ('replies'), or the lower-cased term if unknown."""
    return _label(column, "noun", language) or term(column, language).lower()


def definite(column: str, language: str) -> str:
    """The measure as "the link between X and Y" names it: with its article where the language
    needs one ('le nombre de réponses'), else quoted (« Délai ... »)."""
    if column in MEASURE_LABELS and MEASURE_LABELS[column].get("noun_en"):
        return catalog.gettext(
            f"measure.{column}.definite", MEASURE_LABELS[column]["noun_en"], language
        )
    template = catalog.gettext("generic.measure_unregistered", MEASURE_UNREGISTERED, language)
    return template.format(name=column.lower())


def contrast_words(column: str, side: str, language: str) -> str | None:
    english = CONTRAST_LABELS.get(column, {}).get(f"{side}_en")
    if english is None:
        return None
    return catalog.gettext(f"contrast.{column}.{side}", english, language)


ARTICLES = catalog.register(
    "grammar.articles",
    "the",
    comment="the articles a group's name may start with, separated by spaces (French: les le la "
    "l'); an axis label drops them",
)


def strip_article(text: str, language: str = catalog.SOURCE_LANGUAGE) -> str:
    """``text`` without the leading article the language's catalogue lists ('the', 'les')."""
    articles = catalog.gettext("grammar.articles", ARTICLES, language).split()
    for art in sorted(articles, key=len, reverse=True):
        prefix = art if art.endswith("'") else art + " "
        if text.lower().startswith(prefix):
            return text[len(prefix) :]
    return text
