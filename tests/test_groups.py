"""Any account groups (issue 12): a study compares the groups it names, in its own words.

Unit tests of the group file, the study file's ``groups:`` key and the hypotheses' wording; then
a real run of the runner on the demo data relabelled "newsroom" / "journalist": every page says
newsrooms and journalists (EN) and les rédactions and les journalistes (FR), never business or
personal pages, and the estimate is the one the same pages give under their business/personal
labels (the relabelling changes words, not numbers).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import PROJECT_ROOT, dialogic

from analysis.errors import DataError
from analysis.groups import DEFAULT_GROUPS, AccountGroups
from analysis.pipeline.groups import account_labels, apply_groups, group_counts, read_group_file
from analysis.runner.errors import EXIT_INCONCLUSIVE, StudyError
from analysis.runner.study import group_parameters
from analysis.stats.hypotheses import CATALOGUE, with_groups

NEWSROOMS = AccountGroups(
    "account_group",
    "newsroom",
    "journalist",
    {"en": ("newsrooms", "journalists"), "fr": ("les rédactions", "les journalistes")},
)
#: Words of the default groups that must not appear on a page of the newsroom study.
DEFAULT_WORDS = re.compile(
    r"\b(business|personal|entreprises?|personnelles?|professionnelles?)\b", re.I
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the group file ---------------------------------------------------------------------------


def test_group_file_by_account_id_and_by_handle(tmp_path):
    accounts = pd.DataFrame(
        {
            "account_id": ["facebook:1", "facebook:2", "twitter:3"],
            "platform": ["facebook", "facebook", "twitter"],
            "handle": ["le_monde", "ana", "bob"],
        }
    )
    by_id = read_group_file(_write(tmp_path / "g.csv", "account_id,group\nfacebook:1,newsroom\n"))
    assert account_labels(accounts, by_id, "g").tolist() == ["newsroom", pd.NA, pd.NA]
    by_handle = read_group_file(
        _write(tmp_path / "h.csv", "platform,handle,group\nfacebook,ana, journalist \n")
    )
    assert account_labels(accounts, by_handle, "g").tolist() == [pd.NA, "journalist", pd.NA]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("account_id,label\nfb:1,newsroom\n", ["has no column group"]),
        ("group\nnewsroom\n", ["has no column platform, handle"]),
        ("account_id,group\nfb:1,newsroom\nfb:2,\n", ["line 3", "empty"]),
        ("account_id,group\nfb:1,newsroom\nfb:1,journalist\n", ["fb:1", "journalist, newsroom"]),
    ],
)
def test_a_bad_group_file_names_the_file_the_line_and_the_fix(tmp_path, text, names):
    path = _write(tmp_path / "groups.csv", text)
    with pytest.raises(DataError) as caught:
        read_group_file(path)
    message = str(caught.value)
    assert str(path) in message
    for name in names:
        assert name in message
    assert any(w in message for w in ("write a header", "fill it", "keep one line"))


def test_apply_groups_labels_every_table_and_counts_the_accounts_in_neither(tmp_path):
    accounts = pd.DataFrame({"account_id": ["a", "b", "c"], "platform": "x", "handle": "h"})
    posts = pd.DataFrame({"account_id": ["a", "a", "b", "c"], "replies": [1, 2, 3, 4]})
    path = _write(tmp_path / "g.csv", "account_id,group\na,newsroom\nb,journalist\n")
    accounts, frames = apply_groups(accounts, {"post": posts}, NEWSROOMS, path)
    assert frames["post"]["account_group"].tolist() == [
        "newsroom",
        "newsroom",
        "journalist",
        pd.NA,
    ]
    assert group_counts(accounts, NEWSROOMS) == {"focal": 1, "reference": 1, "neither": 1}
    with pytest.raises(DataError, match="group_file"):
        apply_groups(accounts, {"post": posts}, NEWSROOMS, None)
    # the default groups read account_type: nothing is added
    same, untouched = apply_groups(accounts, {"post": posts}, DEFAULT_GROUPS, None)
    assert "account_group" not in untouched["post"]


def test_groups_must_be_two_different_labels_of_a_group_column():
    with pytest.raises(ValueError, match="focal_group"):
        AccountGroups("account_group", "newsroom", "newsroom")
    with pytest.raises(ValueError, match="account_type, account_group"):
        AccountGroups("platform", "a", "b")


# --- the study file ---------------------------------------------------------------------------


def test_the_study_files_groups_key_sets_the_notebook_parameters(tmp_path):
    params = group_parameters(
        tmp_path / "s.yaml",
        {
            "file": "data/raw/groups.csv",
            "focal": "newsroom",
            "reference": "journalist",
            "names": {
                "en": ["newsrooms", "journalists"],
                "fr": ["les rédactions", "les journalistes"],
            },
        },
    )
    assert params == {
        "group_file": "data/raw/groups.csv",
        "group_column": "account_group",
        "focal_group": "newsroom",
        "reference_group": "journalist",
        "focal_name": "newsrooms",
        "reference_name": "journalists",
        "focal_name_fr": "les rédactions",
        "reference_name_fr": "les journalistes",
    }
    assert group_parameters(tmp_path / "s.yaml", None) == {}


@pytest.mark.parametrize(
    ("groups", "says"),
    [
        ({"focal": "newsroom"}, "give reference"),
        ({"focal": "a", "reference": "b", "colour": "red"}, "unknown key(s) ['colour']"),
        ({"focal": "a", "reference": "b", "names": {"en": ["only one"]}}, "names.en must be two"),
        (["newsroom", "journalist"], "must be a mapping"),
    ],
)
def test_a_bad_groups_key_is_a_study_error_with_an_example(tmp_path, groups, says):
    with pytest.raises(StudyError) as caught:
        group_parameters(tmp_path / "s.yaml", groups)
    assert says in str(caught.value) and "s.yaml" in str(caught.value)


# --- the words of the hypotheses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("hid", "english", "french"),
    [
        ("H1", "newsrooms get fewer replies per post", "les rédactions"),
        ("H2", "newsrooms answer a smaller share of comments", "les rédactions"),
        ("H4b", "newsrooms take longer to answer", "les rédactions mettent plus de temps"),
        ("H6", "newsrooms answer negative comments less", "les rédactions"),
    ],
)
def test_hypotheses_word_their_claim_with_the_studys_groups(hid, english, french):
    hyp = with_groups(CATALOGUE[hid], NEWSROOMS)
    assert hyp.contrast == "account_group" and hyp.groups == NEWSROOMS
    assert english in hyp.text("claim", "en")
    assert "journalists" in hyp.text("question", "en")
    for field in ("claim", "question"):
        french_text = hyp.text(field, "fr")
        assert "rédactions" in french_text and not DEFAULT_WORDS.search(french_text)
    assert french in hyp.text("claim", "fr")


def test_hypotheses_without_a_group_contrast_keep_their_words():
    h3 = CATALOGUE["H3"]
    assert with_groups(h3, NEWSROOMS) is h3


# --- a real study -----------------------------------------------------------------------------


def _prose(page: str) -> str:
    """The words a reader sees: without code cells, styles, scripts and embedded images."""
    page = re.sub(r'<details class="dlg-code".*?</details>', " ", page, flags=re.S)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'data:image/[^"]+', "", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def newsroom_study(tmp_path_factory):
    """The demo data, its business pages labelled newsroom and its personal pages journalist in
    a group file, run as a study of H1 and H2 in English and French."""
    base = tmp_path_factory.mktemp("groups")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "processed"))
    assert made.returncode == 0, made.stderr
    accounts = pd.read_parquet(base / "processed" / "accounts.parquet")
    labels = (
        accounts["account_type"]
        .astype(str)
        .map({"business": "newsroom", "personal": "journalist"})
    )
    pd.DataFrame({"account_id": accounts["account_id"], "group": labels}).to_csv(
        base / "groups.csv", index=False
    )
    study = {
        "name": "newsrooms",
        "title": "Newsrooms and journalists",
        "notebook": str(PROJECT_ROOT / "notebooks" / "hypothesis.ipynb"),
        "data": str(base / "processed"),
        "output": str(base / "reports"),
        "audiences": ["academic", "brief"],
        "languages": ["en", "fr"],
        "parameters": {"min_posts": 5},
        "groups": {
            "file": str(base / "groups.csv"),
            "focal": "newsroom",
            "reference": "journalist",
            "names": {
                "en": ["newsrooms", "journalists"],
                "fr": ["les rédactions", "les journalistes"],
            },
        },
        "hypotheses": [{"id": "H1"}, {"id": "H2"}],
    }
    path = base / "study.yaml"
    path.write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = dialogic("run", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    return base, path, run


@pytest.mark.parametrize("hid", ["h1", "h2"])
@pytest.mark.parametrize(
    ("page", "focal", "reference"),
    [
        ("academic.html", "newsrooms", "journalists"),
        ("brief.html", "newsrooms", "journalists"),
        ("academic.fr.html", "les rédactions", "les journalistes"),
        ("brief.fr.html", "les rédactions", "les journalistes"),
    ],
)
def test_every_page_names_the_studys_groups_and_never_business_or_personal(
    newsroom_study, hid, page, focal, reference
):
    base, _, _ = newsroom_study
    text = _prose((base / "reports" / hid / page).read_text(encoding="utf-8"))
    assert focal in text.lower() and reference in text.lower()
    found = DEFAULT_WORDS.findall(text)
    assert not found, f"{hid}/{page} still says {sorted(set(found))}"


def test_the_index_and_the_results_carry_the_groups_claim_in_each_language(newsroom_study):
    base, _, _ = newsroom_study
    record = json.loads((base / "reports" / "h1" / "results.json").read_text())
    claims = record["result"]["claims"]
    assert claims["en"] == "newsrooms get fewer replies per post"
    assert "les rédactions" in claims["fr"] and not DEFAULT_WORDS.search(claims["fr"])
    index = _prose((base / "reports" / "index.html").read_text(encoding="utf-8"))
    assert "newsrooms get fewer replies per post" in index and not DEFAULT_WORDS.search(index)


def test_relabelled_groups_give_the_same_estimate_as_their_business_personal_labels(
    newsroom_study,
):
    """The same pages under other names: the study's H1 estimate is the default groups' one,
    computed in-process by the pipeline (an independent path: no runner, no group file)."""
    from analysis import pipeline

    base, _, _ = newsroom_study
    record = json.loads((base / "reports" / "h1" / "results.json").read_text())
    params = pipeline.from_namespace(
        {"data_dir": str(base / "processed"), "hypothesis": "H1", "min_posts": 5}
    )
    result = pipeline.test(pipeline.load(params))
    assert record["result"]["table"]["estimate"] == pytest.approx(result.row["estimate"])
    assert record["data"]["pages_by_group"] == {"focal": 80, "reference": 80, "neither": 0}


def test_too_few_pages_in_a_group_is_inconclusive_before_any_kernel(newsroom_study, tmp_path):
    base, path, _ = newsroom_study
    accounts = pd.read_parquet(base / "processed" / "accounts.parquet")
    one = accounts["account_type"].astype(str).eq("personal").cumsum().eq(1)
    labels = accounts["account_type"].astype(str).map({"business": "newsroom"})
    labels[one & accounts["account_type"].astype(str).eq("personal")] = "journalist"
    pd.DataFrame({"account_id": accounts["account_id"], "group": labels}).dropna().to_csv(
        tmp_path / "one.csv", index=False
    )
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    study["groups"]["file"] = str(tmp_path / "one.csv")
    study["output"] = str(tmp_path / "reports")
    study["hypotheses"] = [{"id": "H1"}]
    small = tmp_path / "one.yaml"
    small.write_text(yaml.safe_dump(study, allow_unicode=True), encoding="utf-8")
    run = dialogic("run", str(small))
    assert run.returncode == EXIT_INCONCLUSIVE, run.stdout + run.stderr
    record = json.loads((tmp_path / "reports" / "h1" / "results.json").read_text())
    reason = record["inconclusive_reason"]
    assert "80 newsroom and 1 journalist page" in reason and "one.csv" in reason


def test_the_study_brief_words_each_claim_with_the_groups_in_its_language(newsroom_study):
    base, _, _ = newsroom_study
    english = _prose((base / "reports" / "study-brief.html").read_text(encoding="utf-8"))
    french = _prose((base / "reports" / "study-brief.fr.html").read_text(encoding="utf-8"))
    assert "newsrooms get fewer replies per post" in english
    assert "les rédactions reçoivent moins de réponses par publication" in french
    for page in (english, french):
        found = DEFAULT_WORDS.findall(page)
        assert not found, f"the study brief still says {sorted(set(found))}"


def test_the_groups_go_only_to_the_notebooks_that_compare_groups(tmp_path):
    """A benchmark report (its notebook declares no group parameter) runs in a study with
    groups: the groups' parameters go to the hypothesis reports only."""
    from analysis.runner.study import load_study

    (tmp_path / "groups.csv").write_text("account_id,group\nfb:1,newsroom\n")
    study = {
        "name": "mixed",
        "data": str(tmp_path),
        "output": str(tmp_path / "reports"),
        "groups": {"file": str(tmp_path / "groups.csv"), "focal": "newsroom", "reference": "x"},
        "hypotheses": [
            {"id": "H1"},
            {
                "id": "benchmark",
                "notebook": "notebooks/benchmark.ipynb",
                "parameters": {"focal": "a"},
            },
        ],
    }
    path = tmp_path / "mixed.yaml"
    path.write_text(yaml.safe_dump(study))
    h1, bench = load_study(path).reports
    assert h1.parameters["group_file"] == str(tmp_path / "groups.csv")
    assert h1.parameters["focal_group"] == "newsroom"
    assert not any(k.startswith(("group_", "focal_group", "reference_")) for k in bench.parameters)
