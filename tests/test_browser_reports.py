"""The rendered reports in a real browser: Debian's chromium, headless, driven by Playwright.

Each page opens with no console error and no request other than its own file, shows the verdict
box in the first screen, keeps the data's injection probe inert (no dialog, no script, even with
the page's Content-Security-Policy switched off, so the escaping itself is tested), passes axe-core
with no serious or critical violation, and prints to PDF. Screenshots are written for inspection
(to the test's temporary folder, or to $DIALOGIC_SCREENSHOTS when set).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import test_report_fixtures

from analysis.report.render import CHROMIUM, CHROMIUM_ARGS

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

PAGES = [(lang, audience) for lang in ("en", "fr") for audience in ("brief", "academic")]
PROBE = "<script>alert('xss')</script>"
VIEWPORT = {"width": 1200, "height": 900}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, path: Path, bypass_csp: bool = False):
    """Open ``path``; return (page, context, log) where log records requests, errors and
    dialogs."""
    context = browser.new_context(
        viewport=VIEWPORT, bypass_csp=bypass_csp, java_script_enabled=True
    )
    page = context.new_page()
    url = path.resolve().as_uri()
    log = {"requests": [], "console_errors": [], "page_errors": [], "dialogs": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on(
        "console", lambda m: log["console_errors"].append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda e: log["page_errors"].append(str(e)))

    def on_dialog(d):
        log["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url == url else route.abort()
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(200)  # give any (unwanted) script or image error handler time to fire
    return page, context, log, url


@pytest.mark.parametrize("lang, audience", PAGES)
def test_page_opens_offline_with_verdict_first_and_probe_inert(
    browser, reports, lang, audience, tmp_path
):
    path = reports[lang][audience]
    page, context, log, url = _open(browser, path)
    try:
        assert log["requests"] == [url], "only the file itself may be requested"
        assert log["console_errors"] == [] and log["page_errors"] == []
        verdict = page.locator("#verdict")
        assert verdict.is_visible()
        box = verdict.bounding_box()
        assert box["y"] + 120 < VIEWPORT["height"], "the verdict box starts in the first screen"
        assert page.locator(".dlg-banner").is_visible()  # simulated-data notice, sticky at the top
        page.mouse.wheel(0, 4000)
        page.wait_for_timeout(100)
        assert (
            page.locator(".dlg-banner").bounding_box()["y"] == 0
        )  # ... and still there further down
        quote = page.locator(".dlg-quote", has_text=PROBE)
        assert quote.count() >= 1 and PROBE in quote.first.inner_text()  # shown as text
        out = Path(os.environ.get("DIALOGIC_SCREENSHOTS", tmp_path))
        out.mkdir(parents=True, exist_ok=True)
        shot = out / f"h1-{lang}-{audience}.png"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
    finally:
        context.close()


@pytest.mark.parametrize("lang, audience", PAGES)
def test_probe_stays_inert_even_without_the_content_security_policy(
    browser, reports, lang, audience
):
    # With CSP bypassed, only the escaping stands between the data and the browser.
    page, context, log, url = _open(browser, reports[lang][audience], bypass_csp=True)
    try:
        assert log["dialogs"] == []
        assert page.evaluate("document.querySelectorAll('script').length") == 0
        assert (
            page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length")
            == 0
        )
        assert log["requests"] == [url]  # the probe's <img src=x> never became an element
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_has_no_serious_or_critical_accessibility_violation(browser, reports, lang):
    from axe_playwright_python.sync_playwright import Axe

    page, context, log, url = _open(
        browser, reports[lang]["brief"], bypass_csp=True
    )  # axe is injected as a script
    try:
        results = Axe().run(page)
        bad = [
            (v["id"], v["impact"], v["help"])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert bad == [], bad
    finally:
        context.close()


def test_academic_report_has_no_serious_or_critical_accessibility_violation(browser, reports):
    from axe_playwright_python.sync_playwright import Axe

    page, context, log, url = _open(browser, reports["en"]["academic"], bypass_csp=True)
    try:
        results = Axe().run(page)
        assert [
            v["id"]
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ] == []
    finally:
        context.close()
