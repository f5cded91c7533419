"""A study on real imported data, end to end: `dialogic import` of the TWCS samples, then `dialogic
run`.

The demo data are simulated and tidy; real exports are not. The random TWCS sample has broken
threads and brands only (no personal page), and no page reply survives the import: the reports
must still be produced, with H3 estimated within pages and H2 declared inconclusive with its reason
in both languages, instead of a notebook crash (which this test caught: measures of a data set
where no page ever answers).
"""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml
from conftest import PROJECT_ROOT, dialogic

pytestmark = pytest.mark.slow


def _text(path):
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def twcs_study(real_data, tmp_path_factory):
    base = tmp_path_factory.mktemp("twcs-study")
    src = real_data / "twcs-customer-support-twitter"
    imported = dialogic(
        "import",
        "twcs",
        str(src / "sample.csv"),
        str(src / "twcs_small.csv"),
        "--out",
        str(base / "twcs"),
        "--no-progress",
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    study = {
        "name": "twcs",
        "title": "Customer care on Twitter",
        "notebook": "notebooks/hypothesis.ipynb",
        "data": str(base / "twcs"),
        "output": str(base / "reports"),
        "audiences": ["academic", "brief"],
        "languages": ["en", "fr"],
        "parameters": {"min_posts": 3},
        "hypotheses": [{"id": "H2"}, {"id": "H3"}],
    }
    (base / "twcs.yaml").write_text(yaml.safe_dump(study))
    run = dialogic("run", str(base / "twcs.yaml"), cwd=PROJECT_ROOT)
    return base, imported, run


def test_reports_are_produced_on_real_brand_only_data(twcs_study):
    base, _, run = twcs_study
    # exit 7: every report ran or was found untestable by the pre-flight (H2: no personal page)
    assert run.returncode == 7, run.stdout + run.stderr
    for page in ("academic.html", "brief.html", "academic.fr.html", "brief.fr.html"):
        assert (base / "reports" / "h3" / page).is_file(), page
    for report in ("h2", "h3"):
        assert not (base / "reports" / report / "failed.html").exists()


def test_within_page_hypothesis_is_estimated_on_real_data(twcs_study):
    base, _, _ = twcs_study
    table = json.loads((base / "reports" / "h3" / "results.json").read_text())["result"]["table"]
    assert table["verdict"] in ("supported", "not supported"), table
    assert table["ci_low"] < table["estimate"] < table["ci_high"] and table["n_clusters"] >= 40


def test_brand_only_data_make_h2_inconclusive_before_any_kernel_with_the_reason(twcs_study):
    base, _, run = twcs_study
    record = json.loads((base / "reports" / "h2" / "results.json").read_text())
    assert record["verdict"] == "inconclusive" and record["preflight"] is True
    assert "0 personal pages" in record["inconclusive_reason"]
    assert "inconclusive h2 (no kernel started): each group needs at least two pages" in run.stderr
    assert not list((base / "reports" / "h2").glob("*.html"))
    index = _text(base / "reports" / "index.html")
    assert "inconclusive: each group needs at least two pages with at least 3 posts" in index


def test_brand_only_data_in_a_notebook_give_the_reason_in_each_language(twcs_study):
    # the same data run through the notebook's own calls (papermill users skip the runner's
    # pre-flight)
    from analysis import report
    from analysis.report.views import statistics_html

    base, _, _ = twcs_study
    data = report.load_report_data(
        report.from_namespace(dict(data_dir=str(base / "twcs"), hypothesis="H2", min_posts=3))
    )
    result = report.run_test(data)
    assert result.verdict == "inconclusive"
    en, fr = statistics_html(result, "en"), statistics_html(result, "fr")
    assert "each group needs at least two pages" in en and "personal pages: 0" in en
    assert "chaque groupe doit compter au moins deux pages" in fr and "needs" not in fr


def test_aggregate_source_without_threads_refuses_thread_measures_and_tests_reported_counts(
    real_data, tmp_path, monkeypatch
):
    # UCI Facebook metrics: posts with the platform's comment count, no comment thread
    from analysis import config, pipeline, report
    from analysis.importers import import_paths
    from analysis.pipeline import ThreadsUnavailable

    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key")
    out = tmp_path / "uci"
    import_paths(None, [real_data / "uci-facebook-metrics"], out, progress=False)
    data = report.load_report_data(
        report.from_namespace(dict(data_dir=str(out), hypothesis="H1", min_posts=1))
    )
    assert data.posts["replies"].isna().all()  # unknown, not zero
    assert data.posts["reported_comments"].notna().all()
    for hid in ("H1", "H2", "H4a", "H4b", "H5", "H6"):
        with pytest.raises(
            ThreadsUnavailable, match="comments_available false.*outcome=reported_comments"
        ):
            pipeline.test(data, {**data.params, "hypothesis": hid})
    generic = report.load_report_data(
        report.from_namespace(
            dict(
                data_dir=str(out),
                hypothesis="generic",
                outcome="reported_comments",
                unit="post",
                contrast="is_question",
                model="poisson",
                min_posts=1,
            )
        )
    )
    res = report.run_test(generic)
    assert res.row["n_obs"] == len(generic.posts) and res.row["outcome"] == "reported_comments"


def test_runner_stops_before_any_kernel_when_the_data_have_no_threads(real_data, tmp_path):
    imported = dialogic(
        "import",
        str(real_data / "uci-facebook-metrics"),
        "--out",
        str(tmp_path / "uci"),
        "--no-progress",
    )
    assert imported.returncode == 0, imported.stderr
    study = {
        "name": "uci",
        "notebook": "notebooks/hypothesis.ipynb",
        "data": str(tmp_path / "uci"),
        "output": str(tmp_path / "reports"),
        "audiences": ["brief"],
        "languages": ["en"],
        "hypotheses": [{"id": "H1"}],
    }
    (tmp_path / "uci.yaml").write_text(yaml.safe_dump(study))
    run = dialogic("run", str(tmp_path / "uci.yaml"))
    assert run.returncode == 4, run.stdout + run.stderr  # bad data, not a failed notebook
    assert (
        "report h1: hypothesis H1 (outcome `replies`, unit `post`) needs comment threads"
        in run.stderr
    )
    assert "outcome=reported_comments" in run.stderr
    assert not (tmp_path / "reports" / "h1").exists()  # no kernel ran, nothing written
