"""The client brief printed to PDF by headless Chromium (Debian's, driven by Playwright).

A separate module from test_browser_reports.py: that module keeps one Playwright session open,
and brief_to_pdf starts its own (two sync sessions cannot share a thread).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import test_report_fixtures

from analysis.report.render import CHROMIUM

# The report fixtures, shared (bound by assignment: test arguments of the same name use them)
demo_dir = test_report_fixtures.demo_dir
reports = test_report_fixtures.reports

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (or unset "
        "DIALOGIC_CHROMIUM)",
    ),
]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_prints_to_pdf(reports, lang, tmp_path):
    from analysis.report import brief_to_pdf

    pdf = brief_to_pdf(reports[lang]["brief"], tmp_path / f"brief-{lang}.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert (
        data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 2
    )  # a real multi-page document
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, no leftovers
    if os.environ.get("DIALOGIC_SCREENSHOTS"):
        shutil.copy(pdf, Path(os.environ["DIALOGIC_SCREENSHOTS"]) / pdf.name)


def test_pdf_of_a_missing_page_says_what_to_do(tmp_path):
    from analysis.report import brief_to_pdf

    with pytest.raises(ValueError, match="render it first"):
        brief_to_pdf(tmp_path / "nope.html", tmp_path / "nope.pdf")
