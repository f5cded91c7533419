"""Numbers, p-values, percentages and dates written the way a language writes them (Babel, CLDR).

One implementation for every layer: the statistics' sentences (:mod:`analysis.stats.words`) and
the reports (:mod:`analysis.report`) format numbers alike.

Examples
--------
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
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

from analysis import catalog

FIRST_DAY = catalog.register(
    "grammar.first_day",
    catalog.NO_RULE,
    comment="how the language writes the first day of a month in a date (French: 1er); (none) "
    "when as a number",
)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def fmt_number(x: Any, language: str, digits: int = 2) -> str:
    """``x`` with ``digits`` decimals and the language's separators; '–' for a missing value."""
    if _missing(x):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(float(x), format=pattern, locale=catalog.babel_locale(language))


def fmt_int(x: Any, language: str) -> str:
    """A count with the language's thousands separator."""
    return (
        "–"
        if _missing(x)
        else format_decimal(int(x), format="#,##0", locale=catalog.babel_locale(language))
    )


def fmt_percent(x: Any, language: str, digits: int = 0) -> str:
    """A share (0.42) as a percentage ('42 %' in French, '42%' in English)."""
    if _missing(x):
        return "–"
    pattern = (
        catalog.babel_locale(language).percent_formats[None].pattern
    )  # '#,##0%' / '#,##0\u00a0%'
    if digits:
        pattern = (
            pattern.replace("0", "0." + "0" * digits, 1) if pattern.count("0") == 1 else pattern
        )
    return format_percent(float(x), format=pattern, locale=catalog.babel_locale(language))


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
    """A date written out ('1 January 2024', '1er janvier 2024', '2 janvier 2024').

    '–' when missing.
    """
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
    text = _babel_date(d, format="long", locale=catalog.babel_locale(language))
    first = catalog.gettext("grammar.first_day", FIRST_DAY, language)
    if d.day == 1 and first != catalog.NO_RULE:  # French: the first of the month is "1er"
        text = first + text[1:]
    return text
