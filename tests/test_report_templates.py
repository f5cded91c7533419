"""Report sections are Jinja2 templates fed by view models: no HTML in Python, escaping, bytes."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "analysis" / "report").glob("*.py")) + [ROOT / "analysis" / "plots.py"]

#: An HTML tag as markup writes it: '<div', '<p>', '</td>', '<a href', '<img ...>'.
ELEMENTS = (
    "a|abbr|article|aside|b|blockquote|body|br|caption|code|dd|details|div|dl|dt|em|figcaption|"
    "figure|footer|h[1-6]|head|header|hr|html|i|img|li|main|meta|nav|ol|p|pre|section|small|span|"
    "strong|style|summary|sup|sub|table|tbody|td|th|thead|title|tr|ul"
)
REGEX_GROUP = re.compile(r"\(\?P<\w+>")
TAG = re.compile(rf"</?(?:{ELEMENTS})(?=[\s/>]|$)[^<>]*>?", re.I)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (prose about markup, like ``<script>``, is allowed there)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _html_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | {  # docstrings, and f-string parts (seen with their f-string)
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # an f-string: its literal parts joined
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in skip:
                continue
            text = node.value
        else:
            continue
        text = REGEX_GROUP.sub("", text)  # a regular expression's (?P<name>...)
        for m in TAG.finditer(text):
            found.append(f"{path.name}:{node.lineno}: {m.group(0)!r}")
    return found


def test_the_scan_sees_markup_in_strings_and_f_strings_not_in_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""A module about ``<script>`` and <p> tags."""\n'
        'A = f"<p class=\'x\'>{1}</p>"\nB = "<td>"\nC = "<a href=\'x\'>"\n'
        'D = "x < y > z"\nE = "<svg"\nF = r"(?P<sub>.+)"\nG = "<div"\nH = "p<0.05"\n',
        encoding="utf-8",
    )
    assert [hit.split(": ", 1)[1] for hit in _html_in(sample)] == [
        "\"<p class='x'>\"",
        "'</p>'",
        "'<td>'",
        "\"<a href='x'>\"",
        "'<div'",
    ]


def test_no_html_in_python():
    """Markup lives in analysis/report/templates; Python builds view models of plain strings."""
    found = [hit for path in SOURCES for hit in _html_in(path)]
    assert not found, "HTML written in Python (move it to a template):\n" + "\n".join(found)


def test_every_section_has_its_template():
    from analysis.report.views import ENV

    names = set(ENV.list_templates())
    for section in (
        "header",
        "verdict",
        "statistics",
        "results",
        "data",
        "methods",
        "glossary",
        "figure",
        "sensitivity",
        "provenance",
        "provenance_brief",
        "masthead",
        "banner",
        "footer",
        "pdf_header",
        "pdf_footer",
    ):
        assert f"{section}.html.j2" in names


def test_values_are_escaped_as_html_escape_does_and_templates_add_no_whitespace():
    from analysis.report.viewmodels import Quote, Quotes
    from analysis.report.views import ENV

    text = "<script>alert('x')</script> & \"quoted\"\nsecond line"
    quotes = Quotes("Examples", "note", (Quote(text, ("facebook", "business page", "en")),))
    page = ENV.from_string(
        '{% from "_macros.html.j2" import quotes %}\n  {{ quotes(q) }}\n'
    ).render(q=quotes)
    assert page == (
        '<h3>Examples</h3><p class="dlg-note">note</p><ul class="dlg-quotes"><li>'
        f'<blockquote class="dlg-quote"><p>{html.escape(text)}</p></blockquote>'
        '<span class="dlg-quote-meta">facebook · business page · en</span></li></ul>'
    )
    assert "<script>" not in page and "\nsecond line" in page  # a value's line break stays


def test_an_undefined_name_in_a_template_is_an_error():
    import jinja2

    from analysis.report.views import ENV

    with pytest.raises(jinja2.UndefinedError):
        ENV.from_string("{{ v.missing }}").render(v=SimpleNamespace())


def test_table_bytes():
    from analysis.report.viewmodels import Table
    from analysis.report.views import ENV

    table = Table(("Quantity", "Value"), (("a", "1"), ("b's", "<2>")), caption="How sure")
    got = ENV.from_string('{% from "_macros.html.j2" import table %}{{ table(t) }}').render(
        t=table
    )
    assert got == (
        '<table class="dlg-table"><caption>How sure</caption><thead><tr><th scope="col">Quantity'
        '</th><th scope="col">Value</th></tr></thead><tbody><tr><th scope="row">a</th><td>1</td>'
        '</tr><tr><th scope="row">b&#x27;s</th><td>&lt;2&gt;</td></tr></tbody></table>'
    )


def test_pdf_header_and_footer_bytes():
    from analysis.report.views import render

    style = "font-size:8px;width:100%;text-align:center;"
    assert render("pdf_header", "") == "<div></div>"
    assert render("pdf_header", "Simulated data") == (
        f'<div style="{style}color:#5c2d91;">Simulated data</div>'
    )
    assert render("pdf_footer", None) == (
        f'<div style="{style}color:#555;"><span class="pageNumber"></span> / '
        '<span class="totalPages"></span></div>'
    )


def test_masthead_with_client_and_logo(tmp_path):
    from analysis.report.render import AUDIENCES, _masthead

    png = tmp_path / "logo.png"
    png.write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    )
    record = {
        "hypothesis": "H1",
        "parameters": {"client_name": "O'Brien & Co", "logo": str(png), "study": "demo"},
    }
    page, title = _masthead(record, AUDIENCES["brief"], "brief", "en", pd.Timestamp("2026-01-02"))
    assert page.startswith('<div><p class="dlg-kicker">Dialogic · demo</p><h1>')
    assert "O&#x27;Brien &amp; Co" in page and "O'Brien" not in page
    assert re.search(
        r'</p></div><img class="dlg-logo" src="data:image/png;base64,[^"]+" alt="', page
    )


def test_references_are_escaped_text_with_the_title_in_italics():
    from analysis.report.methods import REFERENCES
    from analysis.report.viewmodels import MethodsView, Reference
    from analysis.report.views import render

    view = MethodsView("Methods", "text", "References", (Reference(*REFERENCES["efron"]),))
    page = render("methods", view)
    assert (
        "<li>Efron, B., &amp; Tibshirani, R. J. (1993). <i>An introduction to the bootstrap</i>."
        " Chapman &amp; Hall.</li>" in page
    )


def _fe_dropped(n: int):
    from analysis.messages import Measure, Message

    return Message("fixed_effects_dropped", n=n, measure=Measure("replies"))


@pytest.mark.parametrize(
    "warnings, key",
    [
        (lambda: [_fe_dropped(1)], "data.model_fe"),
        # a warning's text says nothing: only its code counts
        (lambda: [str(_fe_dropped(1)), "without within-page contrast"], "data.model_other"),
        (lambda: [], "data.model_other"),
    ],
)
def test_pages_left_out_by_the_model_come_from_the_result_fields_not_its_warning_text(
    warnings, key
):
    from analysis.report.i18n import t
    from analysis.report.viewmodels import model_exclusions

    table = pd.DataFrame([dict(n_clusters=7, n_pages_excluded=2, unit="post", contrast="x")])
    result = SimpleNamespace(table=table, warnings=warnings())
    rows = model_exclusions(result, 10, {"min_posts": 5}, "en")
    assert rows[0][1] == "2" and "5" in rows[0][0]  # n_pages_excluded: fewer than min_posts
    assert rows[1] == [t(key, "en", units=t("units.post", "en")), "1", "–", "–"]
