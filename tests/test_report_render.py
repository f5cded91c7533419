"""The report notebook executed by papermill on the demo data, rendered for both audiences.

Checks what the notebook recorded (parameters, result, data counts against pandas), that the
brief really lacks code and academic-only cells, that pages are self-contained and inert, and
that the French brief holds no English template text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest
import test_report_fixtures
from test_report_fixtures import CLIENT

from analysis.report.i18n import fmt_number, fmt_p
from analysis.report.i18n import text as template

# The report fixtures, shared (bound by assignment: test arguments of the same name use them)
demo_dir = test_report_fixtures.demo_dir
reports = test_report_fixtures.reports

pytestmark = pytest.mark.slow


class _Text(HTMLParser):
    """Visible text of a page (what a reader sees), without <style>/<script> contents."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")
        alt = dict(attrs).get("alt")
        if alt:
            self.parts.append(alt)

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_record_holds_parameters_result_and_data_counts(reports, demo_dir):
    rec = reports["en"]["record"]
    assert rec["hypothesis"] == "H1" and rec["parameters"]["language"] == "en"
    assert rec["parameters"]["data_dir"] == str(demo_dir) and rec["simulated"] is True
    row = rec["result"]["table"]
    assert row["estimate_name"] == "IRR" and row["ci_low"] <= row["estimate"] <= row["ci_high"]
    assert rec["verdict"] == row["verdict"] in ("supported", "not supported", "inconclusive")
    # Data counts, independently from the Parquet files (no filter excludes anything at defaults).
    posts = pd.read_parquet(demo_dir / "posts.parquet")
    comments = pd.read_parquet(demo_dir / "comments.parquet")
    accounts = pd.read_parquet(demo_dir / "accounts.parquet")
    data = rec["data"]
    assert (
        data["posts"] == len(posts)
        and data["comments"] == len(comments)
        and data["pages"] == len(accounts)
    )
    assert data["start"] == str(posts["created_at"].min().date()) and data["end"] == str(
        posts["created_at"].max().date()
    )
    assert data["platforms"] == sorted(accounts["platform"].unique())
    # The record equals the one the French run recorded, except for the language: one result, two
    # languages.
    fr = reports["fr"]["record"]
    assert (
        fr["result"]["table"] == row and fr["parameters"] | {"language": "en"} == rec["parameters"]
    )


def test_h1_recovers_the_planted_effect(reports):
    row = reports["en"]["record"]["result"]["table"]
    assert row["ci_low"] < 0.5 < row["ci_high"]  # planted IRR 0.5 (docs/demo-data.md)
    assert reports["en"]["record"]["verdict"] == "supported"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("audience", ["academic", "brief"])
def test_both_pages_show_verdict_effect_ci_p_and_simulated_notice(reports, lang, audience):
    page = read(reports[lang][audience])
    row = reports[lang]["record"]["result"]["table"]
    text = visible_text(page)
    assert text.index(template(f"verdict.{row['verdict']}", lang)) < text.index(
        template("h.figure", lang)
    )
    for number in (
        fmt_number(row["estimate"], lang),
        fmt_number(row["ci_low"], lang),
        fmt_number(row["ci_high"], lang),
        fmt_p(row["p_value"], lang),
    ):
        assert number in text
    assert page.count('class="dlg-banner"') == 1 and template("simulated", lang) in text
    # Figure inline with alt text; provenance appendix present.
    img = re.search(r"<img [^>]*>", page[page.index("dlg-figure") :]).group(0)
    assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', img) and re.search(
        r'alt="[^"]{40,}"', img
    )
    assert template("prov.command", lang) in text and "dialogic run studies/demo.yaml" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_brief_has_no_code_no_prompts_and_no_cells_tagged_for_removal(reports, lang):
    body = lambda page: page.split("<body", 1)[1]  # noqa: E731  (the <style> names these classes too)
    brief, academic = body(read(reports[lang]["brief"])), body(read(reports[lang]["academic"]))
    nb = nbformat.read(reports[lang]["notebook"], as_version=4)
    removed = [
        c
        for c in nb.cells
        if {"academic", "parameters", "injected-parameters", "setup"}
        & set(c.metadata.get("tags", []))
    ]
    assert len(removed) >= 5
    for marker in (
        "jp-InputArea",
        "dlg-code",
        "In&nbsp;[",
        "Out[",
        "celltag_academic",
        "celltag_parameters",
        "celltag_injected-parameters",
        "report.show",
        "import ",
    ):
        assert marker not in brief, marker
    # What the academic-only cells show is absent from the brief (really removed, not hidden) ...
    for cls in ("dlg-statistics", "dlg-methods", "dlg-apa"):
        assert cls in academic and cls not in brief
    # ... and the academic report has the code behind a toggle, and no brief-only cell.
    assert academic.count('<details class="dlg-code">') == sum(
        c.cell_type == "code" for c in nb.cells
    ) - sum("brief" in c.metadata.get("tags", []) for c in nb.cells)
    assert "celltag_brief" not in academic
    assert (
        html.escape(CLIENT) in brief and "data:image/svg+xml;base64," in brief
    )  # client name (escaped) and logo


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("audience", ["academic", "brief"])
def test_pages_are_self_contained_and_inert(reports, lang, audience):
    page = read(reports[lang][audience])
    assert "<script" not in page.lower()
    assert not re.search(r'(?:src|href)\s*=\s*["\']?(?:https?:)?//', page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", page, re.I) and "@import" not in page
    assert "Content-Security-Policy" in page and "script-src 'none'" in page
    # The injection probe of the demo data is there, as text only.
    assert "&lt;script&gt;alert('xss')&lt;/script&gt; &lt;img src=x onerror=" in page
    assert not re.search(r"<img[^>]*onerror", page, re.I)
    assert "<b>" not in page.split("<main", 1)[0]  # the client's markup is escaped in the masthead


def english_leaks(text: str, record: dict, extra: tuple[str, ...] = ()) -> list[str]:
    """English template text (any fragment of >= 8 characters of an English-only string) in
    ``text``."""
    from analysis import catalog, catalog_tools
    from analysis.stats import CATALOGUE

    english = []
    for entry in catalog_tools.registered():  # every text of the catalogue, English against French
        en = entry.msgid
        fr = catalog.gettext(entry.context, en, "fr")
        if en != fr:
            english += [
                frag.strip()
                for frag in re.split(r"{\w+}", en)
                if len(frag.strip()) >= 8 and frag.strip() not in fr
            ]  # not names ("Dialogic")
    hyp = CATALOGUE[record["hypothesis"]]
    english += [hyp.claim_en, hyp.question_en, record["result"]["sentences"]["plain_en"], *extra]
    return sorted({e for e in english if e in text})


def test_french_brief_contains_no_english_template_text(reports):
    text = visible_text(read(reports["fr"]["brief"]))
    leaked = english_leaks(text, reports["fr"]["record"])
    assert not leaked, f"English text in the French brief: {leaked}"
    assert "Note de synthèse" in text and "Confirmée" in text


def runner_provenance(record: dict) -> dict:
    """A provenance record shaped like the runner's (analysis/runner/provenance.py ``build``): one
    record for every language of a report, so ``parameters.language`` is 'en' and ``claim``
    English."""
    h = "ab" * 32
    return {
        "audiences": ["academic", "brief", "brief-pdf"],
        "cache_key": h,
        "claim": "business pages get fewer replies per post",
        "code": {
            "analysis_sha256": h,
            "analysis_version": "0.1.0",
            "dirty": True,
            "git_commit": "b0bdfe3" + "c" * 33,
        },
        "command": "dialogic run studies/demo.yaml --only h1 --force",
        "data": {
            "files": {"posts.parquet": h, "comments.parquet": h},
            "parameter": "data_dir",
            "path": "data/processed/demo",
            "sha256": h,
        },
        "engine": "local",
        "environment": {
            "lock_file": "requirements.lock",
            "lock_sha256": h,
            "packages": {"pandas": "2.3.3"},
            "platform": "linux",
            "python": "3.11.7",
        },
        "grid": {},
        "hypothesis": "H1",
        "languages": ["en", "fr"],
        "notebook": {"path": "notebooks/hypothesis.ipynb", "sha256": h},
        "parameters": {
            "alpha": 0.05,
            "data_dir": "data/processed/demo",
            "hypothesis": "H1",
            "language": "en",
            "claim": "business pages get fewer replies per post",
            "min_posts": 5,
            "study": "demo",
        },
        "report": "h1",
        "reproduce": "dialogic reproduce reports/demo/h1",
        "study": "demo",
        "time": "2024-07-08T10:00:00+00:00",
    }


def test_french_brief_with_the_runners_provenance_has_no_english_and_no_raw_record(
    reports, tmp_path
):
    from analysis.report import render_report

    record = reports["fr"]["record"]
    prov = runner_provenance(record)
    brief = read(
        render_report(
            reports["fr"]["notebook"], "brief", tmp_path / "brief.fr.html", provenance=prov
        )
    )
    text = visible_text(brief)
    leaked = english_leaks(text, record, extra=(prov["claim"], "language en"))
    assert not leaked, f"English text in the French brief: {leaked}"
    appendix = brief[brief.index('class="dlg-appendix') :]
    # A short plain block: date, data set, command, code version -- in French, no JSON, no hashes.
    for words in (
        "Produit le",
        "8 juillet 2024",
        "Jeu de données",
        "data/processed/demo",
        "Commande qui reproduit ce rapport",
        prov["command"],
        "Version du code",
        "révision b0bdfe3ccccc",
    ):
        assert words in appendix, words
    for raw in ("ab" * 32, "cache_key", "dirty", "sha256", "{", "lock_file"):
        assert raw not in appendix, raw


def test_academic_appendix_keeps_the_full_provenance_in_the_language_rendered(reports, tmp_path):
    from analysis.report import render_report

    prov = runner_provenance(reports["fr"]["record"])
    page = read(
        render_report(
            reports["fr"]["notebook"], "academic", tmp_path / "academic.fr.html", provenance=prov
        )
    )
    appendix = page[page.index('class="dlg-appendix') :]
    for raw in ("ab" * 32, "cache_key", "dirty", "lock_file", prov["command"]):
        assert raw in appendix, raw
    assert re.search(
        r"<code>language</code></th><td>fr</td>", appendix
    )  # not the 'en' the runner recorded
    # No French claim given: the English one is dropped from the record's summary; it stays only in
    # the parameters table, which lists exactly what the notebook was given.
    assert appendix.count(prov["claim"]) == 1
    en = read(
        render_report(
            reports["en"]["notebook"], "academic", tmp_path / "academic.html", provenance=prov
        )
    )
    assert prov["claim"] in en and re.search(r"<code>language</code></th><td>en</td>", en)


def test_render_refuses_unknown_audience_and_language_mismatch(reports, tmp_path):
    from analysis.report import render_report

    with pytest.raises(ValueError, match="audience 'client' is unknown"):
        render_report(reports["en"]["notebook"], "client", tmp_path / "x.html")
    with pytest.raises(ValueError, match="execute it again with language='fr'"):
        render_report(reports["en"]["notebook"], "brief", tmp_path / "x.html", language="fr")
    assert not list(tmp_path.iterdir())  # nothing half-written
