"""Coverage audit and the runner's pre-flight: what is refused, warned about or declared
inconclusive before any kernel starts, checked with the real `dialogic` command.

The coverage figures are checked against an independent count of the raw Bluesky searchPosts file
(posts without ``record.reply`` are the posts; their ``replyCount`` is what the platform reports;
a reply is collected when its root post and its parent are in the file).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from conftest import PROJECT_ROOT, dialogic

from analysis.coverage import describe, figure, page_coverage, percent, summarise

# --------------------------------------------------------------------------- the audit itself


def test_page_coverage_against_a_hand_count():
    posts = pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3", "p4", "p5"],
            "account_id": ["a", "a", "b", "c", "c"],
            "platform": ["x"] * 5,
            "reported_comments": pd.array([4, None, 2, 0, 0], "Int64"),
        }
    )
    comments = pd.DataFrame({"post_id": ["p1", "p2", "p2", "p3", "p3", "p3"]})
    pages = page_coverage(posts, comments).set_index("account_id")
    # a: one counted post, 4 reported, 1 collected under it (p2's comments have no count to compare
    # with)
    assert pages.loc["a", ["posts", "posts_counted", "reported", "collected"]].tolist() == [
        2,
        1,
        4,
        1,
    ]
    assert pages.loc["a", "coverage"] == pytest.approx(0.25)
    assert (
        pages.loc["b", "coverage"] == 1.0
    )  # 3 collected of 2 reported: capped, never above 100 %
    assert pages.loc["c", "coverage"] == 1.0  # nothing reported, nothing to miss
    cov = summarise(
        page_coverage(posts, comments), missing_parents=2, owner_identifiable=False, threshold=0.8
    )
    assert (cov["collected"], cov["reported"], cov["pages_below"]) == (4, 6, 1)
    assert cov["ratio"] == pytest.approx(4 / 6)
    assert "2 replies whose post or parent comment is missing" in describe(cov)
    assert "owner replies identifiable: no" in describe(cov)
    unknown = page_coverage(
        posts.assign(reported_comments=pd.array([None] * 5, "Int64")), comments
    )
    assert unknown["coverage"].isna().all() and summarise(unknown)["ratio"] is None


def test_percent_never_rounds_a_small_share_to_zero():
    assert percent(0.0278) == "3 %" and percent(0.004) == "< 1 %" and percent(0.996) == "> 99 %"
    assert percent(0.0) == "0 %" and percent(1.0) == "100 %"
    fr = figure({"collected": 1300, "reported": 46700, "ratio": 1300 / 46700}, "fr")
    assert fr.startswith("1\u202f300 sur ~46\u202f700 réponses annoncées") and "3\u00a0%" in fr


def _bluesky_by_hand(path):
    posts = json.loads(path.read_text())["posts"]
    uris = {p["uri"] for p in posts}
    roots = {p["uri"] for p in posts if "reply" not in p["record"]}
    reported = sum(p.get("replyCount", 0) for p in posts if p["uri"] in roots)
    replies = [p for p in posts if "reply" in p["record"]]
    collected = sum(
        1
        for p in replies
        if p["record"]["reply"]["root"]["uri"] in roots
        and p["record"]["reply"]["parent"]["uri"] in uris
    )
    return collected, reported, len(replies) - collected


@pytest.fixture(scope="module")
def bluesky(real_data, tmp_path_factory):
    src = real_data / "bluesky-searchposts-ishaan" / "searchPosts_response.json"
    base = tmp_path_factory.mktemp("bluesky-coverage")
    imported = dialogic("import", str(src), "--out", str(base / "data"), "--no-progress")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    collected, reported, missing = _bluesky_by_hand(src)
    expected = f"{collected} of ~{reported} reported replies ({percent(collected / reported)})"
    return base, imported, expected, missing


def _study(base, name, hypotheses, **extra):
    spec = {
        "name": name,
        "notebook": "notebooks/hypothesis.ipynb",
        "data": str(base / "data"),
        "output": str(base / f"reports-{name}"),
        "audiences": ["academic", "brief"],
        "languages": ["en", "fr"],
        "parameters": {"min_posts": 2},
        "hypotheses": hypotheses,
        **extra,
    }
    path = base / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def test_import_stores_and_prints_the_coverage_audit(bluesky):
    base, imported, expected, missing = bluesky
    assert f"coverage: {expected}" in imported.stdout
    cov = json.loads((base / "data" / "dataset.json").read_text())["coverage"]
    assert figure(cov) == expected and cov["missing_parents"] == missing
    assert (
        cov["owner_identifiable"] is True
        and cov["window"]["first_post"] <= cov["window"]["last_post"]
    )
    assert len(cov["pages_detail"]) == cov["pages"]


def test_low_coverage_stops_the_run_before_any_kernel_with_the_figure_and_the_override(bluesky):
    base, _, expected, _ = bluesky
    study = _study(base, "low", [{"id": "H3"}])
    for args in (["--list"], []):
        run = dialogic("run", str(study), *args)
        assert run.returncode == 4, run.stdout + run.stderr
        assert expected in run.stderr and "below the study's threshold of 80 %" in run.stderr
        assert "--allow-low-coverage" in run.stderr
    assert not (base / "reports-low").exists()  # nothing written, no kernel started
    lowered = _study(base, "lowered", [{"id": "H3"}], coverage_threshold=0.01)
    assert dialogic("run", str(lowered), "--list").returncode == 0


@pytest.mark.slow
def test_with_the_override_every_report_shows_the_data_set_coverage(bluesky):
    base, _, expected, _ = bluesky
    run = dialogic("run", str(_study(base, "allowed", [{"id": "H3"}])), "--allow-low-coverage")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "low coverage allowed" in run.stderr and expected in run.stderr
    folder = base / "reports-allowed" / "h3"
    fr_expected = figure(
        json.loads((base / "data" / "dataset.json").read_text())["coverage"], "fr"
    )
    for page, text in (
        ("academic.html", expected),
        ("brief.html", expected),
        ("academic.fr.html", fr_expected),
        ("brief.fr.html", fr_expected),
    ):
        html = (folder / page).read_text()
        assert text in html, page
        assert 'class="dlg-coverage dlg-coverage--low"' in html, (
            page
        )  # in the verdict box, flagged low
    academic = (folder / "academic.html").read_text()
    assert "Sensitivity: without the pages of low coverage" in academic
    record = json.loads((folder / "results.json").read_text())
    assert record["data"]["coverage"]["ratio"] < 0.8
    assert "coverage: " in (base / "reports-allowed" / "index.html").read_text()


# --------------------------------------------------------------------------- pre-flight of the hyp


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    base = tmp_path_factory.mktemp("preflight-demo")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "data"))
    assert made.returncode == 0, made.stderr
    return base


@pytest.mark.parametrize(
    "hypothesis, expected",
    [
        ({"id": "H7"}, "`hypothesis` = 'H7': not in the catalogue"),
        (
            {
                "id": "nb",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "replies",
                    "unit": "post",
                    "contrast": "is_question",
                    "model": "nb",
                },
            },
            "`model` = 'nb' is not a registered model",
        ),
        (
            {
                "id": "plat",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "replies",
                    "unit": "post",
                    "contrast": "platform",
                },
            },
            "write `platform=<value>`",
        ),
        (
            {
                "id": "media",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "replies",
                    "unit": "post",
                    "contrast": "media_type=photo",
                },
            },
            "`media_type` is not a measure of the post",
        ),
        (
            {
                "id": "text",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "text",
                    "unit": "post",
                    "contrast": "is_question",
                },
            },
            "`outcome` = 'text' is a text column",
        ),
        (
            {"id": "half", "parameters": {"hypothesis": "generic", "outcome": "replies"}},
            "needs `unit`, `contrast`",
        ),
        (
            {
                "id": "neg",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "replies",
                    "unit": "post",
                    "contrast": "negative",
                },
            },
            "`negative` is not a measure of the post",
        ),
    ],
)
def test_mistakes_in_a_hypothesis_stop_list_and_run_with_the_fix(demo_data, hypothesis, expected):
    study = _study(demo_data, "bad", [hypothesis])
    for args in (["--list"], []):
        run = dialogic("run", str(study), *args)
        assert run.returncode == 3, run.stdout + run.stderr
        assert expected in run.stderr, run.stderr
        assert "Fix the study file" in run.stderr
    assert not (demo_data / "reports-bad").exists()


def test_a_group_without_two_pages_is_inconclusive_before_any_kernel(demo_data):
    # no page of the demo has 500 posts: nothing to compare, and no kernel needed to learn it
    study = _study(demo_data, "few", [{"id": "H1", "parameters": {"min_posts": 500}}])
    listed = dialogic("run", str(study), "--list")
    assert listed.returncode == 7, listed.stdout + listed.stderr
    assert (
        "inconclusive h1" in listed.stdout
        and "each group needs at least two pages" in listed.stdout
    )
    run = dialogic("run", str(study))
    assert run.returncode == 7, run.stdout + run.stderr
    assert "no kernel started" in run.stderr and "0 business and 0 personal pages" in run.stderr
    folder = demo_data / "reports-few" / "h1"
    record = json.loads((folder / "results.json").read_text())
    assert record["verdict"] == "inconclusive" and record["preflight"] is True
    assert not list(folder.glob("*.html"))  # no page was rendered
    index = (demo_data / "reports-few" / "index.html").read_text()
    assert "inconclusive: each group needs at least two pages with at least 500 posts" in index
    again = dialogic("run", str(study))  # cached: nothing to redo
    assert again.returncode == 7 and "0 ran, 1 cached" in again.stderr


def test_measure_kinds_agree_with_the_measures(demo_data):
    from analysis.measures import MEASURE_KINDS, comment_measures, post_measures
    from analysis.schema import read_canonical
    from analysis.stats.hypotheses import _page_frame

    tables = read_canonical(demo_data / "data")
    small = type(tables)(
        tables.accounts,
        tables.posts.head(200),
        tables.comments[tables.comments["post_id"].isin(tables.posts.head(200)["post_id"])],
    )
    posts, comments = post_measures(small), comment_measures(small)
    pages = _page_frame(posts, comments, None)
    for unit, frame in (("post", posts), ("comment", comments), ("page", pages)):
        assert set(MEASURE_KINDS[unit]) == set(frame.columns), unit
        for column, kind in MEASURE_KINDS[unit].items():
            if kind == "bool":
                assert frame[column].dropna().isin([True, False, 0, 1]).all(), (unit, column)
            if kind in ("count", "number"):
                assert (
                    pd.api.types.is_numeric_dtype(frame[column]) or frame[column].isna().all()
                ), (unit, column)


def test_answers_on_a_source_without_identifiable_owners_are_refused(real_data, tmp_path):
    src = real_data / "facebook-page-scraper-nytimes"
    imported = dialogic("import", str(src), "--out", str(tmp_path / "data"), "--no-progress")
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (
        json.loads((tmp_path / "data" / "dataset.json").read_text())["owner_identifiable"] is False
    )
    run = dialogic(
        "run", str(_study(tmp_path, "owners", [{"id": "H2"}])), "--list", "--allow-low-coverage"
    )
    assert run.returncode == 4, run.stdout + run.stderr
    assert "owner_identifiable false" in run.stderr and "H1 replies per post" in run.stderr


def test_coverage_threshold_in_the_study_file_is_checked(demo_data):
    bad = _study(demo_data, "thr", [{"id": "H1"}], coverage_threshold=80)
    run = dialogic("run", str(bad), "--list")
    assert (
        run.returncode == 2
        and "coverage_threshold 80" in run.stderr
        and "between 0 and 1" in run.stderr
    )


def test_demo_coverage_passes_the_default_threshold(demo_data):
    run = dialogic("run", str(_study(demo_data, "ok", [{"id": "H2"}])), "--list")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "to run" in run.stdout and "WARNING" not in run.stderr
    cov = json.loads((demo_data / "data" / "dataset.json").read_text())["coverage"]
    assert 0.8 <= cov["ratio"] < 1 and cov["owner_identifiable"] is True
    assert PROJECT_ROOT.is_dir()
