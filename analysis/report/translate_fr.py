"""Deprecated: the French of the statistics' texts now comes from the catalogues.

The regular expressions that parsed English back into French are gone: a text of
:mod:`analysis.stats` is a :class:`analysis.messages.Message` (a code with parameters) and
:func:`analysis.messages.render` writes it in any language. These names stay for one release.
"""

from __future__ import annotations

from analysis.messages import render as stats_text  # noqa: F401
from analysis.report.i18n import alternative_text  # noqa: F401
