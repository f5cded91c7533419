"""Pre-registration: a study's plan frozen into a hashed, dated file; a later run labelled
confirmatory or exploratory with every deviation listed (analysis.prereg, dialogic prereg, the
academic report's section and results.json)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_ROOT, dialogic

from analysis.errors import StudyError
from analysis.pipeline.parameters import validate_parameters
from analysis.prereg import (
    CATALOGUE_DIRECTIONS,
    MODEL_EFFECTS,
    Deviation,
    deviations,
    entry_for,
    read_plan,
    status,
)
from analysis.runner.prereg import freeze, write_plan
from analysis.runner.study import load_study

NOTEBOOK = str(PROJECT_ROOT / "notebooks" / "hypothesis.ipynb")
NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _study(tmp_path: Path, **extra) -> Path:
    spec = {
        "name": "plan-test",
        "title": "A study to freeze",
        "notebook": NOTEBOOK,
        "data": str(tmp_path / "data"),
        "output": str(tmp_path / "reports"),
        "audiences": ["academic"],
        "languages": ["en"],
        "correction": "bh",
        "coverage_threshold": 0.7,
        "parameters": {"min_posts": 5, "alpha": 0.01},
        "grid": {"platforms": [["facebook"], ["twitter"]]},
        "hypotheses": [
            {
                "id": "H1",
                "claim": "business pages get fewer replies per post",
                "parameters": {"smallest_effect": 0.8},
            },
            {"id": "H4"},
            {
                "id": "promo-replies",
                "claim": "promotional posts get fewer replies",
                "parameters": {
                    "hypothesis": "generic",
                    "outcome": "replies",
                    "unit": "post",
                    "contrast": "is_promotional",
                    "direction": "less",
                    "model": "poisson",
                },
            },
            {
                "id": "benchmark",
                "notebook": str(PROJECT_ROOT / "notebooks" / "benchmark.ipynb"),
                "parameters": {"focal": "facebook:shop022_en"},
            },
        ],
        **extra,
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


# -- freeze, write, read ----------------------------------------------------------------------


def test_freeze_holds_the_effective_test_of_every_hypothesis_report(tmp_path):
    plan = freeze(load_study(_study(tmp_path)))
    reports = plan["reports"]
    assert sorted(reports) == sorted(
        f"{h}__platforms={p}"
        for h in ("h1", "h4a", "h4b", "promo-replies")
        for p in ("facebook", "twitter")
    )
    assert plan["not_frozen"] == ["benchmark__platforms=facebook", "benchmark__platforms=twitter"]
    h1 = reports["h1__platforms=twitter"]
    assert h1["id"] == h1["hypothesis"] == "H1"
    assert h1["claim"] == "business pages get fewer replies per post"
    # the catalogue's H1 (docs/statistics.md): replies per post, negative binomial, IRR < 1
    assert {k: h1["parameters"][k] for k in ("unit", "outcome", "contrast", "model")} == {
        "unit": "post",
        "outcome": "replies",
        "contrast": "account_type",
        "model": "negbin",
    }
    assert h1["parameters"]["direction"] == "less"
    assert h1["parameters"]["platforms"] == ["twitter"]
    assert h1["parameters"]["alpha"] == 0.01 and h1["parameters"]["min_posts"] == 5
    assert h1["parameters"]["correction"] == "bh"
    assert h1["parameters"]["coverage_threshold"] == 0.7
    assert h1["parameters"]["smallest_effect"] == 0.8
    assert reports["h4b__platforms=facebook"]["parameters"]["direction"] == "greater"
    assert reports["h4b__platforms=facebook"]["parameters"]["model"] == "log_time"
    promo = reports["promo-replies__platforms=facebook"]["parameters"]
    assert (promo["model"], promo["direction"], promo["contrast"]) == (
        "poisson",
        "less",
        "is_promotional",
    )
    for presentation in ("language", "logo", "client_name", "focal_name", "study"):
        assert presentation not in h1["parameters"]
    assert plan["data"] == [{"dir": str(tmp_path / "data"), "collected": False}]


def test_written_plan_is_dated_hashed_never_overwritten_and_read_back(tmp_path):
    plan = freeze(load_study(_study(tmp_path)))
    first, text = write_plan(plan, tmp_path / "plans", study="plan-test", now=NOW)
    assert first == tmp_path / "plans" / "plan-test-2026-12-04.json"
    assert text == first.with_suffix(".md")
    before = first.read_bytes()
    second, _ = write_plan(plan, tmp_path / "plans", study="plan-test", now=NOW)
    third, _ = write_plan(plan, tmp_path / "plans", study="plan-test", now=NOW)
    assert (second.name, third.name) == (
        "plan-test-2026-12-04-2.json",
        "plan-test-2026-12-04-3.json",
    )
    assert first.read_bytes() == before  # the first plan is untouched

    document = json.loads(first.read_text())
    assert document["created"] == "2026-12-04T09:30:00Z"
    assert document["study"] == "plan-test" and document["plan"] == plan
    assert document["dialogic_version"]
    # the hash, computed independently: SHA-256 of the sorted compact JSON without sha256
    body = {k: v for k, v in document.items() if k != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert document["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert read_plan(first)["sha256"] == document["sha256"]

    markdown = text.read_text()
    for question in (
        "Data collection",
        "Hypotheses",
        "Dependent variable",
        "Conditions",
        "Analyses",
        "Outliers and exclusions",
        "Sample size",
        "Smallest effect of interest",
        "Other",
    ):
        assert f". {question}\n" in markdown
    assert "No, no data have been collected for this study yet." in markdown
    assert "h1__platforms=facebook: business pages get fewer replies per post" in markdown
    assert "alternative hypothesis IRR < 1" in markdown
    assert "h4b__platforms=facebook: model `log_time`" in markdown
    assert "GMR > 1" in markdown
    assert "at α = 0.01" in markdown and "Benjamini–Hochberg" in markdown
    assert "fewer than 5 posts" in markdown and "72 hours" in markdown and "70%" in markdown
    assert "on facebook" in markdown and "on twitter" in markdown
    assert "h1__platforms=facebook: IRR = 0.8" in markdown
    assert "promo-replies__platforms=facebook: not stated." in markdown
    assert document["sha256"] in markdown


def test_a_plan_edited_after_freezing_is_refused_naming_the_file(tmp_path):
    path, _ = write_plan(freeze(load_study(_study(tmp_path))), tmp_path, study="x", now=NOW)
    document = json.loads(path.read_text())
    document["plan"]["reports"]["h1__platforms=facebook"]["parameters"]["min_posts"] = 2
    path.write_text(json.dumps(document, indent=2))
    with pytest.raises(StudyError, match="changed after it was frozen") as err:
        read_plan(path)
    assert str(path) in str(err.value)
    with pytest.raises(StudyError, match="does not exist") as err:
        read_plan(tmp_path / "missing.json")
    assert "missing.json" in str(err.value)
    (tmp_path / "not-a-plan.json").write_text("[1, 2]")
    with pytest.raises(StudyError, match="not a plan") as err:
        read_plan(tmp_path / "not-a-plan.json")
    # a tampered plan stops the run before any kernel: the parameter check reads it
    with pytest.raises(ValueError, match="changed after it was frozen"):
        validate_parameters({"preregistration": str(path)})


# -- deviations and status --------------------------------------------------------------------


def test_deviations_on_hand_made_parameters():
    entry = {
        "parameters": {
            "alpha": 0.05,
            "min_posts": 5,
            "reply_window_h": 72.0,
            "platforms": ["facebook"],
            "start": "",
            "model": "negbin",
        }
    }
    same = {
        "alpha": 0.05,
        "min_posts": 5.0,  # 5 and 5.0 are the same threshold
        "reply_window_h": 72,
        "platforms": ("facebook",),
        "start": "",
        "model": "negbin",
    }
    assert deviations(entry, same) == []
    changed = {**same, "min_posts": 10, "platforms": [], "model": "poisson"}
    assert deviations(entry, changed) == [
        Deviation("min_posts", 5, 10),
        Deviation("platforms", ["facebook"], []),
        Deviation("model", "negbin", "poisson"),
    ]
    assert deviations(entry, {k: v for k, v in same.items() if k != "start"}) == [
        Deviation("start", "", None)
    ]
    assert deviations(entry, {**same, "min_posts": True}) == [Deviation("min_posts", 5, True)]


def test_status_finds_the_report_of_the_same_grid_point_and_labels_it(tmp_path):
    plan = freeze(load_study(_study(tmp_path)))
    base = {
        "hypothesis": "H1",
        "platforms": ["twitter"],
        "min_posts": 5,
        "alpha": 0.01,
        "correction": "bh",
        "coverage_threshold": 0.7,
        "smallest_effect": 0.8,
        "claim": "business pages get fewer replies per post",
        "data_dir": str(tmp_path / "data"),
    }
    params = validate_parameters(base)
    assert entry_for(plan, params) == ("h1__platforms=twitter", [])
    assert status(plan, None, params) == "confirmatory"
    assert status(plan, "h1__platforms=twitter", params) == "confirmatory"
    assert status(plan, "h1__platforms=facebook", params) == "exploratory"  # platforms differ
    assert status(plan, "h9", params) == "exploratory"  # not in the plan

    lower = validate_parameters({**base, "min_posts": 10})
    assert entry_for(plan, lower) == ("h1__platforms=twitter", [Deviation("min_posts", 5, 10)])
    assert status(plan, None, lower) == "exploratory"
    # the catalogue's direction stated explicitly is the same test
    assert status(plan, None, validate_parameters({**base, "direction": "less"})) == (
        "confirmatory"
    )
    assert entry_for(plan, validate_parameters({**base, "direction": "greater"}))[1] == [
        Deviation("direction", "less", "greater")
    ]
    # a platform between the two grid points matches neither: not in the plan
    other = validate_parameters({**base, "platforms": ["youtube"]})
    assert entry_for(plan, other) == (None, [])
    assert status(plan, None, other) == "exploratory"
    assert status(plan, None, validate_parameters({**base, "hypothesis": "H3"})) == "exploratory"


def test_the_copies_of_the_catalogue_equal_the_catalogue():
    from analysis.stats import CATALOGUE
    from analysis.stats.hypotheses import _MODEL_EFFECT

    assert {
        hid: ("two-sided" if hid == "generic" else h.direction) for hid, h in CATALOGUE.items()
    } == CATALOGUE_DIRECTIONS
    assert MODEL_EFFECTS == _MODEL_EFFECT


def test_the_study_key_reaches_every_hypothesis_report_but_not_the_benchmark(tmp_path):
    study = load_study(_study(tmp_path, preregistration="preregistrations/x.json"))
    for spec in study.reports:
        expected = None if spec.hypothesis == "benchmark" else "preregistrations/x.json"
        assert spec.parameters.get("preregistration") == expected, spec.name
    # without the key, no report gets the parameter
    assert all("preregistration" not in s.parameters for s in load_study(_study(tmp_path)).reports)


def test_no_plan_no_section_and_an_unchanged_record():
    from analysis.report.prereg import brief_line, preregistration_html
    from analysis.report.result import build_record

    class Result:
        def to_dict(self):
            return {"hypothesis": "H1", "verdict": "supported"}

    params = validate_parameters({})
    assert preregistration_html(params) == ""
    assert brief_line(params) == ""
    record = build_record(Result(), None, params)
    assert "preregistration" not in record
    assert set(record) == {
        "version",
        "hypothesis",
        "verdict",
        "parameters",
        "data",
        "simulated",
        "result",
    }


# -- the command ------------------------------------------------------------------------------


def test_dialogic_prereg_writes_the_plan_and_prints_paths_and_hash(tmp_path):
    study = _study(tmp_path)
    out = tmp_path / "plans"
    done = dialogic("prereg", str(study), "-o", str(out), "-p", "min_posts=8")
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(":", 1) for line in done.stdout.strip().splitlines())
    plan, text = Path(lines["plan"].strip()), Path(lines["text"].strip())
    assert plan.parent == out and plan.name.startswith("plan-test-") and plan.is_file()
    assert text == plan.with_suffix(".md") and text.is_file()
    document = read_plan(plan)
    assert lines["sha256"].strip() == document["sha256"]
    assert re.fullmatch(r"plan-test-\d{4}-\d\d-\d\d\.json", plan.name)
    for entry in document["plan"]["reports"].values():
        assert entry["parameters"]["min_posts"] == 8  # the -p override is frozen
    again = dialogic("prereg", str(study), "-o", str(out))
    assert again.returncode == 0 and "-2.json" in again.stdout

    helped = dialogic("prereg", "--help")
    assert helped.returncode == 0
    assert "dialogic prereg studies/demo.yaml" in helped.stdout
    assert "-p min_posts=10" in helped.stdout

    bad = dialogic("prereg", str(tmp_path / "nope.yaml"))
    assert bad.returncode == 2 and "nope.yaml" in bad.stderr
    wrong = dialogic("prereg", str(study), "-p", "alpha=2")
    assert wrong.returncode == 3 and "alpha" in wrong.stderr
    typo = dialogic("prereg", str(study), "-p", "min_post=8")
    assert typo.returncode == 3 and "min_post" in typo.stderr


# -- a real run: confirmatory, then a changed threshold ----------------------------------------


def _prose(page: str) -> str:
    page = re.sub(r'<details class="dlg-code".*?</details>', " ", page, flags=re.S)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'data:image/[^"]+', "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _section(page: str) -> str:
    found = re.search(r'<section [^>]*class="dlg-prereg.*?</section>', page, flags=re.S)
    assert found, "no pre-registration section"
    return found.group(0)


@pytest.fixture(scope="module")
def preregistered(tmp_path_factory):
    """A study of H1 on the demo data, its plan frozen, run once as planned."""
    base = tmp_path_factory.mktemp("prereg")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "processed"))
    assert made.returncode == 0, made.stderr
    spec = {
        "name": "planned",
        "title": "A pre-registered study",
        "notebook": NOTEBOOK,
        "data": str(base / "processed"),
        "output": str(base / "reports"),
        "audiences": ["academic", "brief"],
        "languages": ["en"],
        "parameters": {"min_posts": 5},
        "hypotheses": [{"id": "H1", "claim": "business pages get fewer replies per post"}],
    }
    path = base / "study.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    frozen = dialogic("prereg", str(path), "-o", str(base / "plans"))
    assert frozen.returncode == 0, frozen.stderr
    plan = Path(frozen.stdout.split("plan:", 1)[1].split()[0])
    spec["preregistration"] = str(plan)
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    run = dialogic("run", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    page = (base / "reports" / "h1" / "academic.html").read_text(encoding="utf-8")
    record = json.loads((base / "reports" / "h1" / "results.json").read_text())
    return base, path, plan, page, record


def test_a_run_as_planned_is_confirmatory_with_no_deviation(preregistered):
    base, _, plan, page, record = preregistered
    section = _section(page)
    text = _prose(section)
    assert "Pre-registration" in text
    assert "Status of this result: Confirmatory." in text
    assert "keeps every value the plan froze" in text
    assert str(plan) in text and read_plan(plan)["sha256"] in text
    day = datetime.fromisoformat(read_plan(plan)["created"].replace("Z", "+00:00"))
    assert f"frozen on {day.day} {day:%B %Y}" in text
    assert "<table" not in section and "Exploratory" not in text
    brief = _prose((base / "reports" / "h1" / "brief.html").read_text(encoding="utf-8"))
    assert "Pre-registered analysis: Confirmatory." in brief
    assert "Pre-registration" not in brief and "SHA-256" not in brief  # one line only
    # after the results, before the methods
    assert (
        page.index('id="dlg-results-h"')
        < page.index('id="dlg-sens-h"')
        < page.index('id="dlg-prereg-h"')
        < page.index('id="dlg-methods-h"')
    )
    assert record["preregistration"] == {
        "file": str(plan),
        "sha256": read_plan(plan)["sha256"],
        "created": read_plan(plan)["created"],
        "entry": "h1",
        "status": "confirmatory",
        "deviations": [],
    }


def test_a_changed_threshold_is_listed_and_makes_the_result_exploratory(preregistered):
    base, path, plan, _, _ = preregistered
    run = dialogic("run", str(path), "-p", "min_posts=10")
    assert run.returncode == 0, run.stdout + run.stderr
    page = (base / "reports" / "h1" / "academic.html").read_text(encoding="utf-8")
    section = _section(page)
    text = _prose(section)
    assert "Status of this result: Exploratory." in text
    assert "departs from the plan in 1 value" in text
    rows = re.findall(
        r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>", section
    )
    assert rows == [("min_posts", "5", "10")]
    assert "Parameter" in text and "Planned" in text and "This run" in text
    brief = _prose((base / "reports" / "h1" / "brief.html").read_text(encoding="utf-8"))
    assert "Pre-registered analysis: Exploratory." in brief
    record = json.loads((base / "reports" / "h1" / "results.json").read_text())
    assert record["preregistration"]["status"] == "exploratory"
    assert record["preregistration"]["deviations"] == [
        {"name": "min_posts", "planned": 5, "actual": 10}
    ]
    assert record["parameters"]["min_posts"] == 10
