"""Importers: raw files from collection tools -> the canonical tables, with a log and a quarantine.

Each format is one module that registers itself (``register(name, detect=..., read=...)``), so
adding a format is adding a module. :func:`import_paths` runs any of them:

>>> from analysis.importers import import_paths                       # doctest: +SKIP
>>> summary = import_paths("twarc2", [Path("tweets.jsonl")], Path("data/processed/tw"))
>>> print(summary)                                                     # doctest: +SKIP

See docs/importers.md for the formats, the thread model of each platform and the accounting rules.
"""

from __future__ import annotations

from analysis.importers.core import FORMATS, Format, Sink, get_format, register
from analysis.importers.pipeline import ImportSummary, detect_format, import_paths

# Formats register themselves on import; order = auto-detection priority (specific before general).
from analysis.importers import canonical  # noqa: E402,F401
from analysis.importers import mapping  # noqa: E402,F401  (never auto-detected: needs --mapping)
from analysis.importers import fourcat  # noqa: E402,F401  (before reddit: 4CAT NDJSON may hold Reddit objects)

__all__ = ["FORMATS", "Format", "ImportSummary", "Sink", "detect_format", "get_format", "import_paths", "register"]
from analysis.importers import twitter  # noqa: E402,F401
from analysis.importers import jsondocs  # noqa: E402,F401  (cassettes: before the JSON formats they hold)
from analysis.importers import reddit  # noqa: E402,F401
from analysis.importers import youtube  # noqa: E402,F401
from analysis.importers import mastodon  # noqa: E402,F401
from analysis.importers import bluesky  # noqa: E402,F401
from analysis.importers import facebook  # noqa: E402,F401
from analysis.importers import facepager  # noqa: E402,F401  (Facepager CSV; its .db is refused with the reason)
