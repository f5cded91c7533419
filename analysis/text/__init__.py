"""Text signals for English and French posts and comments, offline.

``detect_language``, ``is_question``, ``is_promotional``, ``sentiment_score`` and ``is_negative``
each take a ``pd.Series`` of texts (NA, URLs, mentions, hashtags, emoji and HTML allowed) and,
except ``detect_language``, an optional ``lang`` Series (ISO 639-1, NA -> detected); each
returns a Series aligned on the input index. Accuracy against human-labelled real texts is in
``docs/text-signals.md`` (recomputed by ``benchmarks/text_signals.py``).
"""

from analysis.text.language import detect_language
from analysis.text.promotion import is_promotional
from analysis.text.questions import is_question
from analysis.text.sentiment import is_negative, sentiment_score

__all__ = ["detect_language", "is_negative", "is_promotional", "is_question", "sentiment_score"]
