"""Every report of the demo study in a real browser (Debian's chromium, headless, Playwright).

The demo study is run once per session (``demo_study`` in conftest.py, through the real
`dialogic run`); each of its reports' pages — academic and brief, English and French — opens with
no console error and no request other than its own file, shows the verdict box at the top, keeps
the data's injection probe inert (also with the Content-Security-Policy switched off, so the
escaping itself is tested) and gets a full-page screenshot (to the temporary folder, or to
$DIALOGIC_SCREENSHOTS). Every brief passes axe-core with no serious or critical violation.

One browser and one page per mode serve every report, so the 28 pages take seconds, not minutes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from analysis.report.render import CHROMIUM, CHROMIUM_ARGS
from analysis.runner.study import _split_entries

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (or unset "
        "DIALOGIC_CHROMIUM)",
    ),
]

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1200, "height": 900}
PROBE = "<script>alert('xss')</script>"
#: (report folder, language) for every report of studies/demo.yaml: all of them, not a sample.
DEMO = yaml.safe_load((ROOT / "studies" / "demo.yaml").read_text())
REPORTS = [
    str(h["id"]).lower() for h in _split_entries(DEMO["hypotheses"])
]  # `- id: H4` is h4a and h4b
CASES = [(r, lang) for r in REPORTS for lang in DEMO["languages"]]


def page_file(reports: Path, report: str, audience: str, lang: str) -> Path:
    """The runner's file name: ``brief.html`` for the first language, ``brief.fr.html`` for
    others."""
    suffix = "" if lang == DEMO["languages"][0] else f".{lang}"
    return reports / report / f"{audience}{suffix}.html"


class Tab:
    """One browser page reused for many files; records requests, console errors and dialogs."""

    def __init__(self, browser, bypass_csp: bool):
        self.context = browser.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp)
        self.page = self.context.new_page()
        self.url = ""
        self.log: dict[str, list] = {}
        self.page.on("request", lambda r: self.log["requests"].append(r.url))
        self.page.on(
            "console",
            lambda m: self.log["console_errors"].append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.log["page_errors"].append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == self.url else route.abort(),
        )

    def _dialog(self, dialog):
        self.log["dialogs"].append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path):
        self.url = path.resolve().as_uri()
        self.log = {"requests": [], "console_errors": [], "page_errors": [], "dialogs": []}
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_timeout(150)  # time for any (unwanted) script or error handler to fire
        return self.page


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def tab(browser):
    t = Tab(browser, bypass_csp=False)
    yield t
    t.context.close()


@pytest.fixture(scope="module")
def open_tab(browser):
    """CSP switched off: only the escaping keeps the probe inert (and axe can be injected)."""
    t = Tab(browser, bypass_csp=True)
    yield t
    t.context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = Path(os.environ.get("DIALOGIC_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_the_study_has_every_report_in_every_language(demo_study):
    reports, _, _ = demo_study
    for report, lang in CASES:
        for audience in ("academic", "brief"):
            assert page_file(reports, report, audience, lang).is_file(), (report, audience, lang)


@pytest.mark.parametrize("report, lang", CASES)
def test_pages_open_offline_verdict_first_probe_shown_as_text(
    demo_study, tab, shots, report, lang
):
    reports, _, _ = demo_study
    for audience in ("academic", "brief"):
        page = tab.open(page_file(reports, report, audience, lang))
        where = (report, audience, lang)
        assert tab.log["requests"] == [tab.url], where
        assert tab.log["console_errors"] == [] and tab.log["page_errors"] == [], (where, tab.log)
        assert page.evaluate("document.documentElement.lang") == lang, where
        verdict = page.locator("#verdict")
        assert verdict.count() == 1 and verdict.is_visible(), where
        assert verdict.bounding_box()["y"] < VIEWPORT["height"] - 120, (
            f"verdict box below the first screen: {where}"
        )
        quote = page.locator(".dlg-quote", has_text=PROBE)
        assert quote.count() >= 1 and PROBE in quote.first.inner_text(), where
        shot = shots / f"{report}-{lang}-{audience}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000, where


@pytest.mark.parametrize("report, lang", CASES)
def test_probe_inert_without_csp_and_brief_accessible(demo_study, open_tab, report, lang):
    from axe_playwright_python.sync_playwright import Axe

    reports, _, _ = demo_study
    for audience in ("academic", "brief"):
        page = open_tab.open(page_file(reports, report, audience, lang))
        where = (report, audience, lang)
        assert open_tab.log["dialogs"] == [], where
        assert page.evaluate("document.querySelectorAll('script').length") == 0, where
        assert (
            page.evaluate("document.querySelectorAll('[onerror], [onload], [onclick]').length")
            == 0
        ), where
        assert open_tab.log["requests"] == [open_tab.url], (
            where
        )  # the probe's <img src=x> never became an element
        if audience == "brief":
            violations = Axe().run(page).response["violations"]
            bad = [
                (v["id"], v["impact"], v["help"])
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], (where, bad)
