"""Multiverse: the specification curve of a study grid (analysis.runner.multiverse and
analysis.plots_multiverse), on hand-made index rows and on a real run of the demo data.

The shares are checked against counts made by hand (and a hand-written Holm step-down), never
against the code under test; the real run's curve is checked against the reports' own
results.json files.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_ROOT, dialogic

from analysis.report.render import CHROMIUM, CHROMIUM_ARGS
from analysis.runner import index, multiverse
from analysis.runner.multiverse import curve, curves


def _row(
    name,
    estimate,
    p,
    *,
    hypothesis="H1",
    grid=None,
    low=None,
    high=None,
    failed=False,
    reliable=True,
    in_plan=True,
    direction="less",
    estimate_name="IRR",
    kind="superiority",
):
    """One index row as :func:`analysis.runner.index.index_rows` makes it (not yet adjusted)."""
    table = {
        "estimate_name": estimate_name,
        "estimate": estimate,
        "ci_low": low if low is not None else (None if estimate is None else estimate * 0.8),
        "ci_high": high if high is not None else (None if estimate is None else estimate * 1.25),
        "p_value": p,
        "alpha": 0.05,
        "reliable": reliable,
        "kind": kind,
        "direction": direction,
        "equivalence_bound": 0.3 if kind == "equivalence" else None,
        "verdict": None,
    }
    from analysis.stats.result import decide

    if p is not None:
        table["verdict"] = decide(table)
    return {
        "name": name,
        "hypothesis": hypothesis,
        "claim": "business pages get fewer replies per post",
        "grid": grid or {},
        "in_plan": in_plan,
        "failed": failed,
        "link_groups": [("", [("academic", f"{name}/academic.html")])],
        "why": None,
        **{k: table[k] for k in ("estimate_name", "estimate", "ci_low", "ci_high", "p_value")},
        "n_obs": 100,
        "n_clusters": 20,
        "unit": "post",
        "alpha": 0.05,
        "reliable": reliable,
        "kind": kind,
        "equivalence_bound": table["equivalence_bound"],
        "verdict": table["verdict"],
        "_row": table,
    }


def _holm(ps: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values, written out (Holm 1979)."""
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i])
    out, running = [0.0] * m, 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * ps[i]))
        out[i] = running
    return out


def _four() -> list[dict]:
    grid = [
        {"min_posts": "5", "platforms": "all"},
        {"min_posts": "5", "platforms": "facebook"},
        {"min_posts": "10", "platforms": "all"},
        {"min_posts": "10", "platforms": "facebook"},
    ]
    # index order = grid order; the first is the primary
    specs = [(0.7, 0.02), (0.5, 0.001), (1.2, 0.3), (0.8, 0.04)]
    return [
        _row(f"h1__{i}", est, p, grid=g)
        for i, ((est, p), g) in enumerate(zip(specs, grid, strict=True))
    ]


def test_a_curve_sorts_by_estimate_and_counts_its_shares_after_the_studys_correction():
    rows = _four()
    index.adjust(rows, "holm")
    holm = _holm([0.02, 0.001, 0.3, 0.04])  # 0.06, 0.004, 0.3, 0.08
    assert [r["p_adjusted"] for r in rows] == pytest.approx(holm)
    (c,) = curves(rows)
    assert [s.estimate for s in c.specs] == [0.5, 0.7, 0.8, 1.2]
    assert [s.name for s in c.specs] == ["h1__1", "h1__0", "h1__3", "h1__2"]
    assert c.primary.name == "h1__0" and c.primary.primary
    assert [s.primary for s in c.specs] == [False, True, False, False]
    # by hand: 3 of 4 estimates below 1 (claim: less); only p = .001 stays under .05 after Holm
    # (without the correction three would); the primary (p .02 -> .06) is not supported, and so
    # are the two others at .08 and .3: 3 of 4 agree, the supported one does not
    assert (c.n, c.n_direction, c.n_significant, c.n_agree) == (4, 3, 1, 3)
    assert [s.agrees for s in c.specs] == [False, True, True, True]
    assert c.null == 1.0 and c.ratio
    assert c.dimensions == (("min_posts", ("5", "10")), ("platforms", ("all", "facebook")))
    assert [s.choices for s in c.specs][0] == (("min_posts", "5"), ("platforms", "facebook"))
    sentence = multiverse.summary(c, "en")
    assert "4 specifications: 3 of 4 estimates (75%)" in sentence
    assert "1 (25%) are significant" in sentence and "3 (75%) reach" in sentence
    assert "(not supported)" in sentence


def test_without_correction_the_shares_use_the_raw_p_values():
    rows = _four()
    index.adjust(rows, "none")
    (c,) = curves(rows)
    # p .001, .02, .04 under .05: three significant; the primary (.02) is supported, as are
    # two others
    assert (c.n_significant, c.n_agree) == (3, 3)


def test_a_hypothesis_with_one_specification_gets_no_curve():
    rows = _four() + [_row("h2", 0.6, 0.01, hypothesis="H2")]
    index.adjust(rows, "holm")
    assert [c.hypothesis for c in curves(rows)] == ["H1"]
    assert curve([rows[-1]]) is None
    benchmark = [
        {**_row(f"benchmark__{i}", None, None), "estimate_name": None, "hypothesis": "benchmark"}
        for i in range(2)
    ]
    assert curves(benchmark) == []  # no test, no curve


def test_a_failed_or_inconclusive_specification_is_shown_as_such_and_never_agrees():
    rows = _four()
    # a failed report keeps its last good (supported-looking) result on the index: not drawn
    rows.append(_row("h1__failed", 0.4, 0.3, failed=True, grid={"min_posts": "20"}))
    # an unreliable fit with an estimate in the claimed direction: inconclusive
    rows.append(_row("h1__unreliable", 0.6, 0.3, reliable=False, grid={"min_posts": "30"}))
    rows.append(_row("h1__missing", None, None, grid={"min_posts": "40"}))
    index.adjust(rows, "none")
    (c,) = curves(rows)
    by_name = {s.name: s for s in c.specs}
    failed, shaky, missing = (by_name[f"h1__{k}"] for k in ("failed", "unreliable", "missing"))
    assert failed.status == "failed" and failed.estimate is None and not failed.drawn
    assert shaky.status == "inconclusive" and shaky.estimate == 0.6 and shaky.drawn
    assert missing.status == "missing"
    assert not any(s.agrees or s.significant for s in (failed, shaky, missing))
    assert shaky.in_direction and not failed.in_direction
    # estimates first (sorted), then those without one, in index order
    assert [s.name for s in c.specs][-2:] == ["h1__failed", "h1__missing"]
    assert [s.estimate for s in c.specs][:5] == [0.5, 0.6, 0.7, 0.8, 1.2]
    # by hand, raw p: primary (.02) supported; supported: .02, .001, .04 -> 3 of 7 agree
    assert (c.n, c.n_direction, c.n_significant, c.n_agree) == (7, 4, 3, 3)
    views = {r.name: r for r in multiverse.view(c, rows, "en")[0].rows}
    assert views["h1__failed"].verdict == "failed" and views["h1__failed"].estimate == ""
    assert views["h1__unreliable"].verdict == "Inconclusive"


def test_an_inconclusive_primary_leaves_nothing_to_agree_with():
    rows = _four()
    rows[0] = _row("h1__0", 0.7, 0.02, reliable=False, grid=rows[0]["grid"])
    index.adjust(rows, "none")
    (c,) = curves(rows)
    assert c.primary.status == "inconclusive" and c.n_agree is None and c.share(None) is None
    assert not any(s.agrees for s in c.specs)
    assert "has no verdict (inconclusive)" in multiverse.summary(c, "en")


def test_the_primary_is_the_first_report_of_this_runs_plan():
    rows = [_row("old", 0.3, 0.01, in_plan=False), *_four()]
    index.adjust(rows, "none")
    (c,) = curves(rows)
    assert c.primary.name == "h1__0"


def test_an_equivalence_curve_has_its_null_at_zero_and_its_direction_within_the_bounds():
    rows = [
        _row(
            f"h5__{i}",
            rho,
            p,
            hypothesis="H5",
            estimate_name="rho",
            kind="equivalence",
            direction="two-sided",
            low=rho - 0.1,
            high=rho + 0.1,
        )  # fmt: skip
        for i, (rho, p) in enumerate([(0.1, 0.01), (-0.2, 0.02), (0.35, 0.6)])
    ]
    index.adjust(rows, "none")
    (c,) = curves(rows)
    assert c.null == 0.0 and not c.ratio
    assert c.n_direction == 2  # |0.1| and |-0.2| within 0.3; 0.35 not


def _curve_for_figure():
    rows = _four()
    rows.append(_row("h1__failed", 0.4, 0.3, failed=True, grid={"min_posts": "20"}))
    rows.append(_row("h1__unreliable", 0.6, 0.3, reliable=False, grid={"min_posts": "30"}))
    index.adjust(rows, "holm")
    return rows, curves(rows)[0]


def test_the_figure_is_deterministic_and_says_what_it_shows():
    from analysis.plots_multiverse import specification_curve

    rows, c = _curve_for_figure()
    first, svg = specification_curve(c, "en")
    second, svg2 = specification_curve(c, "en")
    png = base64.b64decode(first.png_base64)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert first.png_base64 == second.png_base64 and svg == svg2
    assert svg.lstrip().startswith(b"<?xml") and b"<dc:date>" not in svg
    alt = first.alt
    assert alt.startswith("Specification curve of H1: 6 specifications")
    # by hand: estimates .5 .6 .7 .8 (below 1) and 1.2, the failed one not drawn; Holm over
    # .02 .001 .3 .04 .3 .3 (the failed row's old p stays in the index's family): only
    # .001 * 6 = .006 <= .05 (next: .02 * 5 = .1)
    assert "4 of 6 estimates (67%) are in the direction of the claim" in alt
    assert "1 (17%) are significant" in alt
    assert "range from 0.50 to 1.20" in alt
    # the view's figure: the choice rows worded, the dimensions named in the alt text
    v, _ = multiverse.view(c, rows, "en")
    assert "Minimum posts per page, Platforms" in v.figure.alt
    assert v.figure.width_px == 700


def test_every_text_is_a_registered_catalogue_message():
    from analysis import catalog
    from analysis.plots_multiverse import TEXTS as FIGURE_TEXTS

    for key in FIGURE_TEXTS:
        assert catalog.by_context(key) == FIGURE_TEXTS[key]
    for key in multiverse.TEXTS:
        assert catalog.by_context(f"multiverse.{key}") == multiverse.TEXTS[key]
    from analysis.catalog_tools import REGISTERING_MODULES

    assert {"analysis.runner.multiverse", "analysis.plots_multiverse"} <= set(REGISTERING_MODULES)


def test_the_index_section_writes_each_curves_svg_and_removes_a_stale_one(tmp_path):
    rows, _ = _curve_for_figure()
    (tmp_path / "multiverse-h9.svg").write_text("<svg/>")  # a hypothesis that has no curve now
    (view,) = multiverse.index_section(rows, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["multiverse-h1.svg"]
    assert (tmp_path / view.svg_name).read_bytes().lstrip().startswith(b"<?xml")
    assert multiverse.files_present(rows, tmp_path)
    assert [r.rank for r in view.rows] == [1, 2, 3, 4, 5, 6]
    assert [r.primary for r in view.rows].count(True) == 1
    assert view.rows[-1].verdict == "failed" and view.rows[-1].verdict_class == "failed"
    (tmp_path / "multiverse-h1.svg").unlink()
    assert not multiverse.files_present(rows, tmp_path)


# --- a real multiverse study on the demo data -------------------------------------------------


@pytest.fixture(scope="module")
def multiverse_study(tmp_path_factory):
    """H1 over min_posts [5, 25] x platforms [all, facebook] on the demo data, en, academic.

    (Every demo page has at least 10 posts, so min_posts 3 and 10 would keep the same pages.)
    """
    base = tmp_path_factory.mktemp("multiverse")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "processed"))
    assert made.returncode == 0, made.stderr
    study = {
        "name": "multiverse-test",
        "title": "Multiverse test",
        "notebook": str(PROJECT_ROOT / "notebooks" / "hypothesis.ipynb"),
        "data": str(base / "processed"),
        "output": str(base / "reports"),
        "audiences": ["academic"],
        "languages": ["en"],
        "correction": "holm",
        "cache_code": False,  # others editing analysis/ meanwhile would rerun the reports
        "grid": {
            "min_posts": [5, 25],
            "platforms": [
                {"label": "all", "platforms": []},
                {"label": "facebook", "platforms": ["facebook"]},
            ],
        },
        "hypotheses": [{"id": "H1"}],
    }
    path = base / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    run = dialogic("run", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    return base / "reports", path


@pytest.mark.slow
def test_a_multiverse_study_renders_its_specification_curve(multiverse_study):
    out, path = multiverse_study
    page = (out / "index.html").read_text(encoding="utf-8")
    svg = out / "multiverse-h1.svg"
    assert svg.is_file() and svg.read_bytes().lstrip().startswith(b"<?xml")
    assert 'id="multiverse-h1"' in page and "Specification curve: H1" in page
    # the curve from the reports' own results, by hand
    records = {}
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and p.name.startswith("h1__")):
        table = json.loads((folder / "results.json").read_text())["result"]["table"]
        records[folder.name] = table
    assert len(records) == 4
    names = list(records)
    holm = dict(zip(names, _holm([records[n]["p_value"] for n in names]), strict=True))
    significant = sum(holm[n] <= 0.05 and records[n]["reliable"] for n in names)
    below = sum(records[n]["estimate"] < 1 for n in names)
    alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page).group(1)
    assert alt.startswith("Specification curve of H1: 4 specifications")
    assert f"{below} of 4 estimates" in alt and f"{significant} (" in alt
    # the table lists the specifications sorted by estimate, the primary (min_posts 5, all) marked
    table = page[page.index('<table class="spec-table">') :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<tr class="spec [^"]*">(.*?)</tr>', table, re.S)
    assert len(cells) == 4
    estimates = [
        float(re.search(r'<td class="num estimate">([^<]*)</td>', c).group(1)) for c in cells
    ]
    by_hand = sorted(round(records[n]["estimate"], 2) for n in names)
    assert estimates == by_hand
    primary = re.findall(r'<tr class="spec [^"]*primary">(.*?)</tr>', table, re.S)
    assert (
        len(primary) == 1 and 'href="h1__min-posts=5__platforms=all/academic.html"' in primary[0]
    )
    assert "h1__min-posts=5__platforms=all/academic.html" in table
    # nothing changed: the index is kept; its SVG deleted: the index is written again
    stamp = (out / "index.html").stat().st_mtime_ns
    again = dialogic("run", str(path))
    assert again.returncode == 0 and (out / "index.html").stat().st_mtime_ns == stamp
    svg.unlink()
    assert dialogic("run", str(path)).returncode == 0 and svg.is_file()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (or unset "
    "DIALOGIC_CHROMIUM)",
)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_curve_in_a_browser_has_its_alt_text_its_table_and_no_overflow(
    multiverse_study, width
):
    from playwright.sync_api import sync_playwright

    out, _ = multiverse_study
    url = (out / "index.html").resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(url, wait_until="load")
            figure = page.locator("#multiverse-h1 figure img")
            assert figure.count() == 1
            alt = figure.get_attribute("alt")
            assert alt.startswith("Specification curve of H1: 4 specifications")
            assert (
                page.evaluate("document.querySelector('#multiverse-h1 figure img').naturalWidth")
                > 500
            )  # the PNG decoded
            box = figure.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            rows = page.locator("#multiverse-h1 table.spec-table tbody tr")
            assert rows.count() == 4
            assert page.locator("#multiverse-h1 caption").is_visible()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
        finally:
            browser.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"chromium not found at {CHROMIUM}")
def test_the_index_with_its_curve_has_no_serious_or_critical_accessibility_violation(
    multiverse_study,
):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    out, _ = multiverse_study
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page.goto((out / "index.html").resolve().as_uri(), wait_until="load")
            results = Axe().run(page)
            bad = [
                (v["id"], v["impact"], v["help"])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            assert bad == [], bad
        finally:
            browser.close()
