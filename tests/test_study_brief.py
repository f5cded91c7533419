"""The study brief (analysis.runner.study_brief, analysis.runner.recommend): one page for the whole
study, written by the runner after the index.

- the rule table on hand-built index rows and a hand-built ``benchmark`` record: what fires, in
  which order, with which numbers, and what the brief says when fewer than three fire;
- a real run of a small study (3 hypotheses) on the demo data, in English and French: the brief's
  verdicts are the index's, its adjusted p-values Holm's (computed here by hand), a rerun with
  nothing changed leaves it alone; a run in which a report fails leaves the last brief untouched;
- in a browser (Debian's chromium): headings, language, no horizontal overflow;
- printed (``brief-pdf``): every page but the last at least half full, measured on the pages
  rendered to bitmaps by PDFium (pypdfium2): the lowest ink within the content area.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import test_report_fixtures
import yaml
from test_runner_checks import write_study

from analysis import config
from analysis.runner import recommend, study_brief
from analysis.runner import run as runner_run
from analysis.runner.errors import EXIT_NOTEBOOK_FAILED, EXIT_OK
from analysis.runner.publish import render_template

# The simulated demo data, shared (bound by assignment: test arguments of the same name use it)
demo_dir = test_report_fixtures.demo_dir

CHROMIUM = config.CHROMIUM
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (or unset "
    "DIALOGIC_CHROMIUM)",
)
#: The PDF's page and margins (analysis.report.render.brief_to_pdf: A4, 18 mm top, 16 mm bottom,
#: 14 mm left and right; the template has no @page rule of its own), in millimetres.
A4_MM = (210.0, 297.0)
MARGIN_MM = {"top": 18.0, "bottom": 16.0, "left": 14.0, "right": 14.0}


# --------------------------------------------------------------------------- hand-built inputs


def row(
    hypothesis: str,
    verdict: str,
    p: float | None,
    p_adjusted: float | None,
    *,
    claim: str = "",
    estimate: float = 0.49,
    ci: tuple[float, float] = (0.41, 0.58),
    name: str = "IRR",
    outcome: str | None = None,
    contrast: str | None = None,
) -> dict:
    """One adjusted index row (analysis.runner.index.index_rows + adjust) with its result table."""
    table = {
        "estimate_name": name,
        "estimate": estimate,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "ci_level": 0.95,
        "p_value": p,
        "verdict": verdict,
        "outcome": outcome,
        "contrast": contrast,
    }
    return {
        "name": hypothesis.lower(),
        "hypothesis": hypothesis,
        "claim": claim or f"claim of {hypothesis}",
        "verdict": verdict,
        "p_value": p,
        "p_adjusted": p_adjusted,
        "alpha": 0.05,
        "failed": False,
        "_row": table,
    }


def benchmark(position: str = "below_95") -> dict:
    return {
        "focal": "acme",
        "focal_name": "Acme Bank",
        "pages": 12,
        "metrics": [
            {
                "name": "answered_share",
                "focal": 0.21,
                "peers_mean": 0.47,
                "rank": 11,
                "of": 12,
                "p": 0.003,
                "z_cc": -2.9,
                "z_cc_low": -4.1,
                "z_cc_high": -1.7,
            },
            {
                "name": "replies_per_post",
                "focal": 3.2,
                "peers_mean": 3.0,
                "rank": 5,
                "of": 12,
                "p": 0.61,
                "z_cc": 0.3,
                "z_cc_low": -0.8,
                "z_cc_high": 1.4,
            },
        ],
        "funnel": {"position": position},
    }


def pct(x: float) -> str:
    """A ratio's percent change as the brief says it, computed here: 0.49 -> '51%'."""
    return f"{round(abs(x - 1) * 100)}%"


def apa_p(p: float) -> str:
    """APA p, computed here: 'p < .001', 'p = .004'."""
    return "p < .001" if p < 0.001 else "p = " + f"{p:.3f}".lstrip("0")


ROWS = [
    row("H1", "supported", 0.001, 0.004, claim="business pages get fewer replies per post"),
    row(
        "H2",
        "supported",
        0.00005,
        0.0002,
        claim="business pages answer a smaller share of comments",
        estimate=0.40,
        ci=(0.35, 0.47),
        name="OR",
    ),
    row("H3", "inconclusive", None, None),  # never fires a rule
    row(
        "promo-replies",
        "not supported",
        0.34,
        0.34,
        claim="promotional posts get fewer replies",
        estimate=0.98,
        ci=(0.88, 1.09),
        outcome="replies",
        contrast="is_promotional",
    ),
]


def view(rows, bench=None, language="en", **kw):
    return study_brief.build_view(
        rows,
        language=language,
        title="Hand study",
        study="hand",
        correction="holm",
        benchmark=bench,
        code="abc",
        **kw,
    )


# --------------------------------------------------------------------------- the rules


def test_benchmark_below_needs_the_funnel_or_a_significant_gap_with_its_whole_ci_below_0():
    share, rpp = benchmark()["metrics"]
    below, within = {"position": "below_95"}, {"position": "within"}
    assert recommend.benchmark_below(share, below, 0.05)  # the funnel's metric, below its limit
    assert recommend.benchmark_below(share, {"position": "below_998"}, 0.05)
    assert recommend.benchmark_below(share, within, 0.05)  # p .003 < .05, CI [-4.1, -1.7] < 0
    assert not recommend.benchmark_below(share, within, 0.001)  # p .003 is not < .001
    assert not recommend.benchmark_below(dict(share, z_cc_high=0.2), within, 0.05)  # CI spans 0
    assert not recommend.benchmark_below(dict(share, p=float("nan")), within, 0.05)
    # the funnel speaks of one metric only: another below the limit is judged on its own test
    assert not recommend.benchmark_below(rpp, below, 0.05)
    # a longer wait is worse: behind the peers when the whole CI lies above 0
    wait = {"name": "median_time_to_answer", "p": 0.01, "z_cc_low": 0.4, "z_cc_high": 2.5}
    assert recommend.benchmark_below(wait, within, 0.05)
    assert not recommend.benchmark_below(dict(wait, z_cc_low=-2.5, z_cc_high=-0.4), within, 0.05)
    assert recommend.benchmark_below(
        dict(share, worse="greater", z_cc_low=0.4, z_cc_high=2.5), within, 0.05
    )
    other = {"position": "below_95", "metric": "replies_per_post"}
    assert recommend.benchmark_below(rpp, other, 0.05)  # the funnel of that metric
    assert not recommend.benchmark_below(dict(share, p=0.2), other, 0.05)


def test_fire_ranks_supported_findings_by_adjusted_p_and_skips_inconclusive_ones():
    def words(row=None, metric=None):
        if metric is not None:
            return {
                "metric": metric["name"],
                "focal_name": "Acme",
                "focal": str(metric["focal"]),
                "peers": str(metric["peers_mean"]),
                "rank": str(metric["rank"]),
                "of": str(metric["of"]),
                "p": str(metric["p"]),
            }
        return {"claim": row["claim"], "effect": "EFFECT", "p": str(row["p_adjusted"])}

    fired = recommend.fire(ROWS, benchmark(), "en", words)
    # supported first, by adjusted p: H2 (.0002), the benchmark gap (.003), H1 (.004); then the
    # planted null (not supported: promotion harmless, .34); H3 (inconclusive) fires nothing
    assert [f.source for f in fired] == ["H2", "answered_share", "H1", "promo-replies"]
    assert [f.supported for f in fired] == [True, True, True, False]
    assert [f.p for f in fired] == [0.0002, 0.003, 0.004, 0.34]
    assert "0.0002" in fired[0].text and "smaller share of comments" in fired[0].text
    assert "Acme stands at 0.21 against a peer average of 0.47 (rank 11 of 12" in fired[1].text
    assert fired[3].text.startswith("Promotional posts need not be cut")
    # a rule keyed on a hypothesis does not fire for another verdict
    assert recommend.fire([row("H1", "not supported", 0.4, 0.4)], None, "en", words) == []
    assert recommend.fire([row("H1", "inconclusive", None, None)], None, "en", words) == []


def test_the_brief_states_the_position_and_three_recommendations_with_their_numbers():
    v = view(ROWS, benchmark())
    pos = v.position
    assert pos is not None and pos.intro.startswith("Acme Bank against its peers: 12 pages")
    share = pos.metrics[0]
    assert (share.name, share.focal, share.peers, share.rank) == (
        "share of comments answered",
        "21%",
        "47%",
        "11 of 12",
    )
    assert share.p == "p = .003" and share.z == "-2.90 [-4.10, -1.70]"
    assert "below the peers' 95% control limit" in pos.funnel and "Acme Bank" in pos.funnel

    recs = v.recommendations
    assert len(recs) == recommend.TOP == 3 and v.shortfall == ""
    h2, gap, h1 = (r.text for r in recs)  # ranked by adjusted p: .0002, .003, .004
    assert h2.startswith("Answer more of the comments you receive")
    assert f"about {pct(0.40)} lower" in h2 and f"between {pct(0.47)} and {pct(0.35)}" in h2
    assert f"adjusted {apa_p(0.0002)}" in h2
    assert gap.startswith("Close the gap with your peers on share of comments answered")
    assert "Acme Bank stands at 21% against a peer average of 47% (rank 11 of 12; p = .003)" in gap
    assert h1.startswith("Invite replies")
    assert f"about {pct(0.49)} fewer" in h1 and f"adjusted {apa_p(0.004)}" in h1
    assert [r.basis for r in recs] == ["from H2", "from share of comments answered", "from H1"]

    # the summary: every row, its verdict and the effect in words
    assert [(x.hypothesis, x.verdict) for x in v.lines] == [
        ("H1", "supported"),
        ("H2", "supported"),
        ("H3", "inconclusive"),
        ("promo-replies", "not-supported"),
    ]
    assert v.lines[0].numbers == "IRR 0.49, 95% CI [0.41, 0.58]"
    assert v.summary_intro.startswith("4 results of the study")


def test_the_benchmark_report_is_the_clients_position_not_a_line_of_the_summary():
    bench_row = {
        "name": "benchmark",
        "hypothesis": "",
        "claim": "benchmark: Acme Bank against 11 peer pages; no verdict",
        "verdict": None,
        "kind": "benchmark",
        "failed": False,
        "_row": {"kind": "benchmark"},
    }
    record = benchmark()
    record["metrics"].append(
        {"name": "median_time_to_answer", "focal": 6.53, "peers_mean": 4.59, "rank": 9, "of": 12}
    )
    brief = view([*ROWS, bench_row], record)
    assert [line.hypothesis for line in brief.lines] == ["H1", "H2", "H3", "promo-replies"]
    assert "4 results" in brief.summary_intro
    times = [m for m in brief.position.metrics if m.name == "median time to answer"][0]
    assert (times.focal, times.peers) == ("6.5 h", "4.6 h")


def test_fewer_than_three_recommendations_say_so():
    one = view([ROWS[0], ROWS[2]])
    assert len(one.recommendations) == 1 and one.position is None
    assert one.shortfall.startswith("Only 1 recommendation follows from the evidence")
    two = view([ROWS[0], ROWS[1]])
    assert len(two.recommendations) == 2
    assert two.shortfall.startswith("Only 2 recommendations follow from the evidence")
    none = view([ROWS[2]], benchmark("within") | {"metrics": benchmark()["metrics"][1:]})
    assert none.recommendations == () and none.recommendations_intro == ""
    assert none.shortfall.startswith("No recommendation follows from the evidence")
    assert "lies within the peers' control limits" in none.position.funnel


def test_a_brief_that_cannot_be_written_is_a_warning_of_the_run(monkeypatch):
    def boom(study, progress):
        raise RuntimeError("chromium crashed")

    monkeypatch.setattr(study_brief, "write_study_brief", boom)
    lines: list[str] = []
    assert runner_run._write_study_brief(SimpleNamespace(name="s"), lines.append) == []
    assert lines == [
        "WARNING: the study brief was not written (RuntimeError: chromium crashed); the last one "
        "stays as it was"
    ]


# --------------------------------------------------------------------------- a real run

HYPOTHESES = [
    {"id": "H1", "claim": "business pages get fewer replies per post"},
    {"id": "H2", "claim": "business pages answer a smaller share of comments"},
    {
        "id": "promo-replies",
        "claim": "promotional posts get fewer replies",
        "claim_fr": "les publications promotionnelles reçoivent moins de réponses",
        "parameters": {
            "hypothesis": "generic",
            "outcome": "replies",
            "unit": "post",
            "contrast": "is_promotional",
            "direction": "less",
            "model": "poisson",
        },
    },
]


@pytest.fixture(scope="module")
def small_study(demo_dir, tmp_path_factory):
    """Three hypotheses of the demo study on the demo data, in English and French, with the
    brief printed (``brief-pdf``, dropped by the study loader when chromium is missing)."""
    base = tmp_path_factory.mktemp("study-brief")
    spec = {
        "name": "small",
        "title": "Small study",
        "notebook": "notebooks/hypothesis.ipynb",
        "data": str(demo_dir),
        "output": str(base / "reports"),
        "audiences": ["brief", "brief-pdf"],
        "languages": ["en", "fr"],
        "correction": "holm",
        "parameters": {"alpha": 0.05, "min_posts": 5},
        "hypotheses": HYPOTHESES,
    }
    path = base / "small.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    with pytest.MonkeyPatch.context() as mp:
        # other work edits analysis/ meanwhile: "nothing changed" must mean nothing changed
        mp.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")
        lines: list[str] = []
        summary = runner_run.run_study(path, workers=2, progress=lines.append)
        yield SimpleNamespace(path=path, out=base / "reports", summary=summary, lines=lines)


def _soup(path: Path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


VERDICT_CLASSES = {"supported", "not-supported", "inconclusive"}


def _verdicts(path: Path, table: str) -> dict[str, str]:
    """Hypothesis -> verdict class of each row of a page's table (index or brief)."""
    found = {}
    for tr in _soup(path).select(f"{table} tbody tr"):
        cells = tr.find_all("td")
        spans = [s for td in cells for s in td.find_all("span")]
        span = next(s for s in spans if set(s.get("class", [])) & VERDICT_CLASSES)
        found[cells[0].strong.get_text()] = (set(span["class"]) & VERDICT_CLASSES).pop()
    return found


def _holm(ps: list[float]) -> list[float]:
    """Holm's adjusted p-values, by hand: step down, running maximum, capped at 1."""
    order = sorted(range(len(ps)), key=ps.__getitem__)
    out, running = [0.0] * len(ps), 0.0
    for i, k in enumerate(order):
        running = max(running, (len(ps) - i) * ps[k])
        out[k] = min(1.0, running)
    return out


@pytest.mark.slow
def test_the_run_writes_the_brief_in_both_languages_with_the_verdicts_of_the_index(small_study):
    out, summary = small_study.out, small_study.summary
    assert summary.exit_code == EXIT_OK and len(summary.ran) == 3
    en, fr = out / "study-brief.html", out / "study-brief.fr.html"
    assert en.is_file() and fr.is_file()
    assert any(line.startswith("small: study brief -> ") for line in small_study.lines)

    index = out / "index.html"
    from_index = _verdicts(index, "table")
    assert set(from_index) == {"H1", "H2", "promo-replies"}
    # the planted effects of the demo, and its planted null
    assert from_index == {"H1": "supported", "H2": "supported", "promo-replies": "not-supported"}
    assert _verdicts(en, "table.verdicts") == from_index
    assert _verdicts(fr, "table.verdicts") == from_index

    # the adjusted p of each line is Holm's over the three raw p-values, computed here
    names = {"H1": "h1", "H2": "h2", "promo-replies": "promo-replies"}
    raw = {
        h: json.loads((out / n / "results.json").read_text())["result"]["table"]["p_value"]
        for h, n in names.items()
    }
    holm = dict(zip(raw, _holm(list(raw.values())), strict=True))
    for tr in _soup(en).select("table.verdicts tbody tr"):
        cells = tr.find_all("td")
        h = cells[0].strong.get_text()
        assert apa_p(holm[h]) in cells[1].get_text(), (h, holm[h], cells[1].get_text())

    # the index links the brief, per language
    links = {a["href"] for a in _soup(index).select("p.study-brief a")}
    assert {"study-brief.html", "study-brief.fr.html"} <= links
    assert all((out / href).is_file() for href in links)

    page_en, page_fr = _soup(en), _soup(fr)
    assert page_en.html["lang"] == "en" and page_fr.html["lang"] == "fr"
    assert page_en.h1.get_text() == page_fr.h1.get_text() == "Small study"
    # the French page is French: its headings and the study's own French claim
    h2_fr = [h.get_text() for h in page_fr.find_all("h2")]
    assert h2_fr[0] == study_brief.text("h.summary", "fr") != "Executive summary"
    assert "les publications promotionnelles reçoivent moins de réponses" in page_fr.get_text()
    assert "promotional posts get fewer replies" in page_en.get_text()
    # recommendations: at most three, each from a supported or a planted-null finding
    assert 1 <= len(page_en.select("ol.recs li")) <= 3
    assert len(page_en.select("ol.recs li")) == len(page_fr.select("ol.recs li"))
    # simulated data say so
    assert page_en.select_one(".dlg-banner") is not None

    # nothing changed: no report runs and the brief is not rewritten
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("study-brief*")}
    again = runner_run.run_study(small_study.path, workers=2)
    assert again.ran == [] and len(again.cached) == 3
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("study-brief*")} == before


@pytest.mark.slow
def test_a_failed_report_leaves_the_previous_brief_untouched(tmp_path, monkeypatch):
    monkeypatch.setattr("analysis.runner.hashing.code_hash", lambda: "frozen")
    path = write_study(tmp_path, grid={"group": ["a", "b"]})
    out = tmp_path / "out"
    first = runner_run.run_study(path, workers=2)
    assert first.exit_code == EXIT_OK
    brief = out / "study-brief.html"
    good = brief.read_bytes()
    assert b"F1" in good and not (out / "study-brief.pdf").exists()  # no brief-pdf: no PDF

    lines: list[str] = []
    failed = runner_run.run_study(
        path, {"fail": True}, workers=1, only="f1__group=a*", progress=lines.append
    )
    assert failed.exit_code == EXIT_NOTEBOOK_FAILED
    assert brief.read_bytes() == good
    assert any("a report failed, the study brief is left as it was" in line for line in lines)
    assert 'href="study-brief.html"' in (out / "index.html").read_text()


# --------------------------------------------------------------------------- browser and PDF


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [1200, 380])
def test_the_brief_in_a_browser(small_study, lang, width):
    from playwright.sync_api import sync_playwright

    from analysis.report.render import CHROMIUM_ARGS

    page_file = small_study.out / study_brief.file_name(lang, ["en", "fr"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.resolve().as_uri(), wait_until="load")
            assert page.evaluate("document.documentElement.lang") == lang
            assert page.locator("h1").inner_text() == "Small study"
            assert page.locator("h2").all_inner_texts() == [
                study_brief.text("h.summary", lang),
                study_brief.text("h.recommendations", lang),
            ]
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{overflow}px of horizontal overflow at {width}px"
            assert page.locator("table.verdicts tbody tr").count() == 3
            assert errors == []
        finally:
            browser.close()


def page_fills(pdf: Path) -> list[float]:
    """How far down the content area of each page the ink goes (0 = empty, 1 = full).

    Each page is rendered to a grey bitmap by PDFium; the content area is the page less the
    margins (the header and footer in the margins do not count); a row holds ink when a pixel is
    darker than near-white.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        fills = []
        for i in range(len(doc)):
            page = doc[i]
            width_pt, height_pt = page.get_size()
            assert abs(width_pt - A4_MM[0] / 25.4 * 72) < 2  # A4
            assert abs(height_pt - A4_MM[1] / 25.4 * 72) < 2
            grey = np.asarray(page.render(scale=2, grayscale=True).to_pil().convert("L"))
            px_mm = grey.shape[0] / A4_MM[1]
            top = round(MARGIN_MM["top"] * px_mm)
            bottom = grey.shape[0] - round(MARGIN_MM["bottom"] * px_mm)
            left = round(MARGIN_MM["left"] * px_mm)
            right = grey.shape[1] - round(MARGIN_MM["right"] * px_mm)
            ink = np.nonzero((grey[top:bottom, left:right] < 235).any(axis=1))[0]
            fills.append(float((ink[-1] + 1) / (bottom - top)) if len(ink) else 0.0)
    finally:
        doc.close()
    return fills


def assert_compact(fills: list[float]) -> None:
    assert fills and all(f >= 0.5 for f in fills[:-1]), f"page fills {fills}"
    assert fills[-1] > 0, "the last page is blank"


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
def test_the_run_prints_a_compact_brief_per_language(small_study):
    for lang in ("en", "fr"):
        pdf = small_study.out / study_brief.file_name(lang, ["en", "fr"], pdf=True)
        assert pdf.read_bytes().startswith(b"%PDF-")
        assert_compact(page_fills(pdf))
    assert not list(small_study.out.glob(".*.tmp"))  # written atomically, no leftovers


def _long_rows(n: int) -> list[dict]:
    verdicts = ["supported", "not supported", "inconclusive"]
    return [
        row(
            f"H{i}",
            verdicts[i % 3],
            0.001 * (i + 1),
            min(1.0, 0.001 * (i + 1) * n),
            claim=f"claim number {i}: pages of kind {i} get fewer replies per post than the "
            "others over the whole period of the study",
            estimate=0.5 + 0.01 * i,
            ci=(0.4 + 0.01 * i, 0.6 + 0.01 * i),
        )
        for i in range(n)
    ]


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_long_brief_prints_with_no_half_empty_page_but_the_last(lang, tmp_path):
    from analysis.report.render import brief_to_pdf

    v = view(_long_rows(40), benchmark(), language=lang, simulated=True)
    html = tmp_path / "brief.html"
    html.write_text(render_template(study_brief.TEMPLATE, v=v), encoding="utf-8")
    fills = page_fills(brief_to_pdf(html, tmp_path / "brief.pdf", language=lang))
    assert len(fills) >= 2, "the hand-made brief must run over more than one page"
    assert_compact(fills)

    # the measure can fail: a forced page break after a short summary leaves page 1 half empty
    short = view(_long_rows(3), benchmark(), language=lang)
    page = render_template(study_brief.TEMPLATE, v=short).replace(
        '<section id="position"', '<div style="break-before: page"></div><section id="position"'
    )
    html.write_text(page, encoding="utf-8")
    broken = page_fills(brief_to_pdf(html, tmp_path / "broken.pdf", language=lang))
    assert len(broken) == 2 and broken[0] < 0.5
