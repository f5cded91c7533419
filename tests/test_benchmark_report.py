"""The benchmark report: the client against its peers.

- the pipeline step on the demo data, its numbers checked against computations written here from
  the measure frames (pandas and scipy, not :mod:`analysis.stats.benchmark`);
- the record the study brief reads, its exact shape;
- an unknown focal page, named with the pages there are;
- the notebook's parameters cell, papermill's help, the jupytext pair, the runner's checks;
- a real papermill run of ``notebooks/benchmark.ipynb`` in English and French, each rendered
  for both audiences;
- the brief in a real browser (Debian's chromium): league table, funnel figure with alt text,
  client-vs-peers section, vendor metrics, no horizontal overflow.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import numpy as np
import pytest
import test_report_fixtures
from scipy import stats

from analysis import pipeline
from analysis.errors import DataError, ParameterError
from analysis.pipeline.benchmark import BenchmarkResult, benchmark
from analysis.pipeline.benchmark_parameters import (
    NOTEBOOK_PARAMETERS,
    load_parameters,
    parameters_cell_source,
    validate_parameters,
)

demo_dir = test_report_fixtures.demo_dir  # shared fixture (bound by assignment)

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "benchmark.ipynb"
PY = ROOT / "notebooks" / "benchmark.py"
FOCAL = "facebook:shop022_en"
METRIC_KEYS = {"name", "focal", "peers_mean", "rank", "of", "p", "z_cc", "z_cc_low", "z_cc_high"}


@pytest.fixture(scope="module")
def loaded(demo_dir):
    params = validate_parameters({"data_dir": str(demo_dir), "platforms": ["facebook"]})
    return pipeline.load(load_parameters(params))


@pytest.fixture(scope="module")
def result(loaded) -> BenchmarkResult:
    return benchmark(loaded, FOCAL)


def _peer_pages(loaded) -> set[str]:
    acc = loaded.tables.accounts
    kind = acc.loc[acc["account_id"] == FOCAL, "account_type"].iloc[0]
    return set(acc.loc[acc["account_type"] == kind, "account_id"]) - {FOCAL}


# ------------------------------------------------------------------------------ pipeline step


def test_the_league_table_holds_the_client_and_every_peer(loaded, result):
    peers = _peer_pages(loaded)
    assert len(peers) >= 10
    assert set(result.league["account_id"]) == peers | {FOCAL}
    assert result.pages == len(peers) + 1
    assert result.focal == FOCAL and result.focal_name == "Shop 022"
    assert (result.league["account_id"] == FOCAL).sum() == 1


def test_share_answered_ranks_and_funnel_target_by_hand(loaded, result):
    com = loaded.comments[loaded.comments["account_id"].isin(_peer_pages(loaded) | {FOCAL})]
    share = com.groupby("account_id")["answered"].mean()
    league = result.league.set_index("account_id")
    assert np.allclose(league.loc[share.index, "answered_share"], share)
    # rank 1 = the highest share; the client's rank counts the pages above it
    assert league.loc[FOCAL, "rank_answered_share"] == (share > share[FOCAL]).sum() + 1
    peers = com[com["account_id"] != FOCAL]
    assert result.funnel.target == pytest.approx(peers["answered"].sum() / len(peers))


def test_time_to_answer_ranks_the_fastest_first(loaded, result):
    com = loaded.comments[loaded.comments["account_id"].isin(_peer_pages(loaded) | {FOCAL})]
    observed = com[com["reply_observed"].astype(bool)]
    median = observed.groupby("account_id")["time_to_owner_reply_h"].median()
    league = result.league.set_index("account_id")
    assert np.allclose(league.loc[median.index, "median_answer_h"], median)
    fastest = median.idxmin()
    assert league.loc[fastest, "rank_median_time_to_answer"] == 1
    assert result.metric_row("median_time_to_answer")["rank"] == (median < median[FOCAL]).sum() + 1


def test_crawford_howell_one_sided_towards_client_worse_by_hand(result):
    league = result.league.set_index("account_id")
    for metric, column, side in (
        ("answered_share", "answered_share", "less"),
        ("replies_per_post", "replies_per_post", "less"),
        ("median_time_to_answer", "median_answer_h", "greater"),
    ):
        x = league.loc[FOCAL, column]
        y = league.drop(index=FOCAL)[column].dropna().to_numpy(dtype=float)
        n = y.size
        tstat = (x - y.mean()) / (y.std(ddof=1) * math.sqrt((n + 1) / n))
        p = stats.t.cdf(tstat, n - 1) if side == "less" else stats.t.sf(tstat, n - 1)
        row = result.metric_row(metric)
        assert row["alternative"] == side
        assert row["p_value"] == pytest.approx(p, rel=1e-9), metric
        assert row["z_cc"] == pytest.approx((x - y.mean()) / y.std(ddof=1), rel=1e-9)
        assert row["z_cc_low"] < row["z_cc"] < row["z_cc_high"]
        assert row["peers_mean"] == pytest.approx(y.mean())


def test_funnel_position_from_the_overdispersed_limits_by_hand(result):
    fun = result.funnel
    pos = fun.positions.set_index("account_id")
    peers = pos.drop(index=FOCAL)
    target = fun.target
    z = (peers["count"] / peers["volume"] - target) / np.sqrt(
        target * (1 - target) / peers["volume"]
    )
    zs = np.sort(z.to_numpy())
    k = int(0.1 * zs.size)
    zs[:k], zs[zs.size - k :] = zs[k], zs[zs.size - k - 1]
    phi = max(1.0, float(np.mean(zs**2)))
    assert fun.phi == pytest.approx(phi)
    n = pos.loc[FOCAL, "volume"]
    share = pos.loc[FOCAL, "count"] / n
    half = stats.norm.ppf(0.975) * math.sqrt(phi * target * (1 - target) / n)
    half_outer = stats.norm.ppf(0.999) * math.sqrt(phi * target * (1 - target) / n)
    expected = (
        "below_998"
        if share < target - half_outer
        else "below_95"
        if share < target - half
        else "above_998"
        if share > target + half_outer
        else "above_95"
        if share > target + half
        else "within"
    )
    assert fun.position == expected


def test_the_record_has_exactly_the_shape_the_study_brief_reads(result):
    import json

    from analysis.runner import recommend, study_brief

    record = result.to_record()
    json.dumps(record, allow_nan=False)  # JSON-safe
    assert set(record) == {"focal", "focal_name", "pages", "metrics", "funnel"}
    assert record["focal"] == FOCAL and record["pages"] == result.pages
    assert [m["name"] for m in record["metrics"]] == [
        "replies_per_post",
        "answered_share",
        "median_time_to_answer",
    ]
    for m in record["metrics"]:
        assert set(m) == METRIC_KEYS
        assert 1 <= m["rank"] <= m["of"] == result.pages
    assert set(record["funnel"]) == {"position"}
    assert record["funnel"]["position"] in (
        "within",
        "above_95",
        "below_95",
        "above_998",
        "below_998",
    )
    view = study_brief.position_view(record, "en")  # what the study brief makes of it
    assert len(view.metrics) == 3 and "Shop 022" in view.intro
    assert study_brief.find_benchmark([{"benchmark": record}]) == record
    share = next(m for m in record["metrics"] if m["name"] == "answered_share")
    assert recommend.benchmark_below(share, record["funnel"], 0.05) == (
        record["funnel"]["position"] in ("below_95", "below_998")
        or (share["p"] < 0.05 and share["z_cc_high"] < 0)
    )


def test_the_client_is_named_by_its_handle_too(loaded):
    assert benchmark(loaded, "shop022_en").focal == FOCAL
    assert benchmark(loaded, "@SHOP022_EN").focal == FOCAL


def test_an_unknown_client_page_is_refused_naming_the_pages_there_are(loaded):
    with pytest.raises(ParameterError) as info:
        benchmark(loaded, "facebook:nobody")
    message = str(info.value)
    assert "`focal` = 'facebook:nobody'" in message
    assert FOCAL in message and "facebook:shop003_fr" in message
    assert info.value.key == "focal"


def test_too_few_peers_is_a_data_error(demo_dir):
    params = validate_parameters(
        {"data_dir": str(demo_dir), "platforms": ["facebook"], "min_posts": 39}
    )
    few = pipeline.load(load_parameters(params))
    kept = few.tables.accounts
    page = kept.loc[kept["account_type"] == "business", "account_id"]
    if len(page) >= 3:
        pytest.skip("the demo data keep more pages than this test needs")
    if len(page) == 0:
        pytest.skip("no business page kept")
    with pytest.raises(DataError, match="peer"):
        benchmark(few, page.iloc[0])


# ------------------------------------------------------------------------------ parameters


def _parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    return cells[0]


def test_the_parameters_cell_is_written_from_the_list_and_papermill_teaches_it():
    from papermill.inspection import inspect_notebook

    nb = nbformat.read(NB, as_version=4)
    assert nb.cells.index(_parameters_cell(nb)) == 0
    assert _parameters_cell(nb).source.strip() == parameters_cell_source().strip()
    inferred = inspect_notebook(str(NB))
    assert list(inferred) == list(NOTEBOOK_PARAMETERS)
    assert inferred["focal"]["help"] == NOTEBOOK_PARAMETERS["focal"].meaning
    shown = subprocess.run(
        [str(Path(sys.executable).with_name("papermill")), "--help-notebook", str(NB)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "focal: str (default " in shown and "peers: str (default " in shown


def test_jupytext_pair_is_in_sync_and_the_notebook_is_thin():
    nb = jupytext.read(NB)
    assert jupytext.writes(nb, fmt="py:percent") == PY.read_text()
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert ["academic"] in tags and ["brief"] in tags and ["setup"] in tags
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for forbidden in ("def ", "class ", "open(", "read_parquet", "to_csv", "Path("):
        assert forbidden not in code
    imports = [line for line in code.splitlines() if line.startswith(("import ", "from "))]
    assert imports and all(line.startswith("from analysis") for line in imports)


def test_the_runner_checks_the_benchmark_parameters_before_any_kernel():
    from analysis.runner.parameters import check_parameters

    assert check_parameters(NB, {"focal": FOCAL, "alpha": 0.05}, "benchmark") == {
        "focal": FOCAL,
        "alpha": 0.05,
    }
    with pytest.raises(ParameterError, match="same_type, all"):
        check_parameters(NB, {"peers": "neighbours"}, "benchmark")
    with pytest.raises(ParameterError, match="`focal`"):
        check_parameters(NB, {"focal": ""}, "benchmark")
    with pytest.raises(ParameterError, match="not a parameter"):
        check_parameters(NB, {"hypothesis": "H1"}, "benchmark")


def test_the_demo_study_has_a_benchmark_report():
    from analysis.runner.study import load_study

    study = load_study(ROOT / "studies" / "demo.yaml")
    spec = next(r for r in study.reports if r.name == "benchmark")
    assert spec.notebook == NB and spec.parameters["focal"].startswith("instagram:")
    assert spec.parameters["platforms"] == ["instagram"]  # peers on the client's platform


# ------------------------------------------------------------------------------ notebook


@pytest.fixture(scope="module")
def pages(demo_dir, tmp_path_factory) -> dict:
    """The benchmark notebook run by papermill in English and French, each rendered for both
    audiences."""
    import papermill as pm

    from analysis.report import extract_result, render_report

    out = tmp_path_factory.mktemp("benchmark")
    made = {}
    for lang in ("en", "fr"):
        nb = out / f"benchmark-{lang}.ipynb"
        pm.execute_notebook(
            str(NB),
            str(nb),
            parameters={
                "data_dir": str(demo_dir),
                "platforms": ["facebook"],
                "focal": FOCAL,
                "language": lang,
                "client_name": "Acme",
            },
            progress_bar=False,
            cwd=str(out),
        )
        made[lang] = {"record": extract_result(nb)}
        for audience in ("academic", "brief"):
            made[lang][audience] = render_report(nb, audience, out / f"{lang}-{audience}.html")
    return made


def _text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.slow
def test_the_notebook_publishes_the_record_the_runner_writes(pages, result):
    record = pages["en"]["record"]
    assert record["kind"] == "benchmark" and record["verdict"] is None
    assert record["simulated"] is True
    assert record["benchmark"] == result.to_record()
    assert record["result"] == {"kind": "benchmark", "claim": record["result"]["claim"]}
    assert "p_value" not in record["result"]  # no p in the study's correction
    from analysis.runner.index import adjust, headline

    row = headline(record)
    assert row["p_value"] is None and row["verdict"] is None
    rows = [dict(row, name="benchmark"), {"p_value": 0.01, "_row": {}, "name": "h1"}]
    adjust(rows, "holm")
    assert rows[0]["p_adjusted"] is None and rows[1]["p_adjusted"] == pytest.approx(0.01)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_both_audiences_show_every_section_and_the_simulated_notice(pages, lang):
    brief, academic = _text(pages[lang]["brief"]), _text(pages[lang]["academic"])
    html = pages[lang]["brief"].read_text(encoding="utf-8")
    for part in ("dlg-league", "dlg-bench-funnel", "dlg-bench-versus", "dlg-vendors"):
        assert part in html, part
    assert html.count('class="dlg-focal"') == 1
    assert "dlg-simulated" in html
    assert "Shop 022" in brief and "Spiegelhalter" not in brief  # methods: academic only
    assert "Spiegelhalter" in academic and "Crawford" in academic
    assert "Acme" in brief
    if lang == "fr":
        assert 'lang="fr"' in html
        for english in ("League table", "The client against its peers", "Funnel plot"):
            assert english not in brief, english
    else:
        assert "Benchmark brief" in brief and "League table" in brief


@pytest.mark.slow
def test_the_brief_words_the_single_case_test_and_the_academic_report_numbers_it(pages, result):
    brief, academic = _text(pages["en"]["brief"]), _text(pages["en"]["academic"])
    share = result.metric_row("answered_share")
    assert "t (df)" in academic and "z_cc" in academic
    assert f"{share['z_cc']:.2f}".replace("-", "-") in academic.replace("−", "-")
    assert "t (df)" not in brief
    assert "Share of comments answered: 9% for Shop 022, against a peer average of 20%" in brief


# ------------------------------------------------------------------------------ browser

from analysis.config import CHROMIUM  # noqa: E402
from analysis.report.render import CHROMIUM_ARGS  # noqa: E402


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"chromium not found at {CHROMIUM}: apt-get install chromium (or unset "
    "DIALOGIC_CHROMIUM)",
)
@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", [1200, 390])
def test_the_brief_in_a_browser(pages, lang, width):
    from playwright.sync_api import sync_playwright

    path = pages[lang]["brief"]
    url = path.resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page.goto(url, wait_until="load")
            league = page.locator("table.dlg-league")
            assert league.count() == 1
            assert league.locator("tbody tr").count() >= 10
            focal = league.locator("tr.dlg-focal")
            assert focal.count() == 1 and "Shop 022" in focal.inner_text()
            img = page.locator(".dlg-bench-funnel figure img")
            assert img.count() == 1
            alt = img.get_attribute("alt") or ""
            assert "Shop 022" in alt and len(alt) > 80
            assert page.evaluate(
                "() => { const i = document.querySelector('.dlg-bench-funnel img');"
                " return i.complete && i.naturalWidth > 0; }"
            )
            versus = page.locator("section.dlg-bench-versus")
            assert versus.count() == 1 and versus.locator("li").count() == 3
            vendors = page.locator("table.dlg-vendors")
            assert vendors.count() == 1 and vendors.locator("tbody tr").count() == 7
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert scroll <= client, f"horizontal overflow: {scroll} > {client}"
            if width >= 1200:  # wide enough: no table needs its own scroll bar either
                boxes = page.evaluate(
                    "Array.from(document.querySelectorAll('.dlg-table-scroll'))"
                    ".map(e => e.scrollWidth - e.clientWidth)"
                )
                assert boxes and max(boxes) <= 1, boxes
            assert not errors, errors
        finally:
            browser.close()
