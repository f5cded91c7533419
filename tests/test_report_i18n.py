"""Report words exist in both languages; numbers and dates follow each language's conventions."""

from __future__ import annotations

import re
from datetime import date

import pytest

from analysis.report.i18n import LANGUAGES, STRINGS, fmt_date, fmt_int, fmt_number, fmt_p, fmt_percent, t

NNBSP = "\u202f"  # CLDR's French group separator (narrow no-break space)


def test_every_string_has_both_languages_with_the_same_fields():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        fields = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES}
        assert fields["en"] == fields["fr"], key


@pytest.mark.parametrize("value, lang, digits, expected", [
    (0.4839, "en", 2, "0.48"), (0.4839, "fr", 2, "0,48"),
    (1234.5, "en", 1, "1,234.5"), (1234.5, "fr", 1, f"1{NNBSP}234,5"),
    (-5.807, "fr", 3, "-5,807"), (float("nan"), "en", 2, "–"), (None, "fr", 2, "–"),
])
def test_numbers(value, lang, digits, expected):
    assert fmt_number(value, lang, digits) == expected


def test_counts_percent_and_dates():
    assert fmt_int(30203, "en") == "30,203" and fmt_int(30203, "fr") == f"30{NNBSP}203"
    assert fmt_percent(0.42, "en") == "42%" and fmt_percent(0.42, "fr") == "42\u00a0%"
    assert fmt_percent(0.4216, "en", 1) == "42.2%"
    assert fmt_date(date(2024, 1, 1), "en") == "1 January 2024"
    assert fmt_date("2024-06-30", "fr") == "30 juin 2024"


@pytest.mark.parametrize("p, lang, expected", [
    (0.0312, "en", "p = .031"), (0.0312, "fr", "p = 0,031"), (2.7e-8, "en", "p < .001"),
    (2.7e-8, "fr", "p < 0,001"), (0.5, "en", "p = .500"), (None, "en", "p = –"),
])
def test_p_values_apa_style(p, lang, expected):
    assert fmt_p(p, lang) == expected


def test_unknown_language_or_key_says_what_to_do():
    with pytest.raises(ValueError, match="use one of en, fr"):
        t("h.verdict", "de")
    with pytest.raises(ValueError, match="add it to analysis.report.i18n.STRINGS"):
        t("no.such.key", "en")
