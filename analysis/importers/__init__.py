"""Importers: raw files from collection tools -> the canonical tables, with a log and a quarantine.

Each format is one module that registers itself (``register(name, detect=..., read=...)``), so
adding a format is adding a module. :func:`import_paths` runs any of them:

>>> from analysis.importers import import_paths                       # doctest: +SKIP
>>> summary = import_paths("twarc2", [Path("tweets.jsonl")], Path("data/processed/tw"))
>>> print(summary)                                                     # doctest: +SKIP

See docs/importers.md for the formats, the thread model of each platform and the accounting rules.
"""

from __future__ import annotations

# Formats register themselves on import; order = auto-detection priority (specific before general).
from analysis.importers import (
    canonical,  # noqa: E402,F401
    fourcat,  # noqa: E402,F401  (before reddit: 4CAT NDJSON may hold Reddit objects)
    mapping,  # noqa: E402,F401  (never auto-detected: needs --mapping)
)
from analysis.importers.core import FORMATS, Format, Sink, get_format, register
from analysis.importers.pipeline import ImportSummary, detect_format, import_paths

__all__ = [
    "FORMATS",
    "Format",
    "ImportSummary",
    "Sink",
    "detect_format",
    "get_format",
    "import_paths",
    "register",
]
from analysis.importers import (
    bluesky,  # noqa: E402,F401
    facebook,  # noqa: E402,F401
    facepager,  # noqa: E402,F401  (Facepager CSV; its .db is refused with the reason)
    jsondocs,  # noqa: E402,F401  (cassettes: before the JSON formats they hold)
    mastodon,  # noqa: E402,F401
    reddit,  # noqa: E402,F401
    twitter,  # noqa: E402,F401
    youtube,  # noqa: E402,F401
)
