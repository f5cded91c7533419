"""What each section of a report shows: a view model rendered by its Jinja2 template.

The notebook calls one ``show_*`` function per section; each builds the section's view model
(:mod:`analysis.report.viewmodels`: every word and number as a plain string in the report's
language), renders ``templates/sections/<section>.html.j2`` and displays the HTML (the
``*_html`` functions return it, for tests). Templates are rendered with autoescape: every string
placed in them, page names, posts and comments included, is escaped, so a comment holding
``<script>`` is shown as text and never runs. No markup is written in Python.
"""

from __future__ import annotations

import html
import re
from typing import Any

import jinja2
from jinja2.ext import Extension
from markupsafe import Markup

from analysis.report.viewmodels import (  # noqa: F401  (re-exported: the helpers of the sections)
    MARKUP,
    N_EXAMPLES,
    N_MARKUP_SHOWN,
    adjustment_note,
    correction_words,
    coverage_text,
    coverage_view,
    data_view,
    effect_numbers,
    figure_section,
    glossary_terms,
    glossary_view,
    header_view,
    methods_view,
    model_exclusions,
    plain_sentence,
    results_view,
    sensitivity_view,
    simulated_notice,
    statistics_view,
    verdict_view,
)


class JoinLines(Extension):
    """Templates are written one element a line, indented; the page has no line breaks between
    elements (as the reports always had). A line break and the indentation after it are removed
    from the template's source before it is compiled: from the markup, never from the values
    placed in it (a comment's line breaks stay). A space between two elements is written on one
    line."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return re.sub(r"\n[ \t]*", "", source)


def _escape(value: Any) -> Markup:
    """Every ``{{ value }}``, escaped as :func:`html.escape` does (quotes as ``&quot;`` and
    ``&#x27;``, the bytes the reports always had); markup from a macro or a filter is kept."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape(str(value), quote=True))


def _textnode(value: Any) -> Markup:
    """Escape for text between tags: ``&``, ``<`` and ``>`` (quotes left as written)."""
    return Markup(html.escape(str(value), quote=False))


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("analysis.report", "templates/sections"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    finalize=_escape,
    extensions=[JoinLines],
)
ENV.filters["textnode"] = _textnode


def render(section: str, view: Any) -> str:
    """``templates/sections/<section>.html.j2`` rendered with ``view`` (as ``v``)."""
    return ENV.get_template(f"{section}.html.j2").render(v=view)


def _display(markup: str) -> None:
    """Display ``markup`` as HTML. Returns None, so a notebook cell shows no echo of the string."""
    from IPython.display import HTML, display

    display(HTML(markup))


def simulated_notice_html(language: str) -> str:
    """The 'simulated data' notice (a note landmark with an icon-free, high-contrast text)."""
    return render("notice", simulated_notice(language))


# --------------------------------------------------------------------------- sections


def header_html(data: Any, result: Any) -> str:
    return render("header", header_view(data, result))


def show_header(data: Any, result: Any) -> None:
    """Display the simulated-data notice (when it applies) and the question in plain words."""
    return _display(header_html(data, result))


def verdict_html(result: Any, language: str, correction: str = "holm", data: Any = None) -> str:
    """The verdict box: verdict, claim, the effect in words and numbers with CI and p, and whether
    the verdict is for this hypothesis alone (``correction``: the study index's method); with
    ``data``, the coverage paragraph as its last line."""
    return render("verdict", verdict_view(result, language, correction, data))


def publish_result(result: Any, data: Any = None, params: dict[str, Any] | None = None) -> None:
    """Display the result: the verdict box for people, the JSON record for the runner.

    One display output carries two representations: ``text/html`` (the verdict box, shown in
    JupyterLab and in both reports) and ``application/vnd.dialogic.result+json`` (the record of
    :func:`analysis.report.result.build_record`, read back by :func:`extract_result`).

    Returns None (a returned value would be echoed in the notebook); the record is
    :func:`analysis.report.result.build_record` ``(result, data, params)``.
    """
    from IPython.display import display

    from analysis.report.result import RESULT_MIME, build_record

    record = build_record(result, data, params)
    params = params or getattr(data, "params", {}) or {}
    language = params.get("language", "en")
    bundle = {
        RESULT_MIME: record,
        "text/html": verdict_html(result, language, params.get("correction", "holm"), data),
        "text/plain": f"{record['hypothesis']}: {record['verdict']}",
    }
    display(bundle, raw=True)


def coverage_note_html(data: Any) -> str:
    """The coverage paragraph of the verdict box: the figure, and a warning below the threshold."""
    view = coverage_view(data)
    return "" if view is None else render("coverage", view)


def statistics_html(result: Any, language: str) -> str:
    """The APA sentence and the warnings (in the report's language)."""
    return render("statistics", statistics_view(result, language))


def show_statistics(result: Any, language: str) -> None:
    """Academic: the APA sentence and the warnings that matter for reading the result."""
    return _display(statistics_html(result, language))


def results_html(result: Any, language: str, audience: str) -> str:
    """The results table with the robustness check, for ``audience`` academic or brief."""
    return render("results", results_view(result, language, audience))


def show_results(result: Any, language: str, audience: str = "academic") -> None:
    """Display the results table and the robustness check (academic: every statistic)."""
    return _display(results_html(result, language, audience))


def data_html(data: Any, result: Any = None) -> str:
    """The data section: platforms, period, pages, posts, comments, exclusions and why (the
    filters' and, given ``result``, the model's), examples."""
    return render("data", data_view(data, result))


def show_data(data: Any, result: Any = None) -> None:
    """Display the data section (with ``result``: also the pages the model left out, and why)."""
    return _display(data_html(data, result))


def methods_html(result: Any, data: Any) -> str:
    return render("methods", methods_view(result, data))


def show_methods(result: Any, data: Any) -> None:
    """Display the methods paragraph (from the fitted model and the parameters) and references."""
    return _display(methods_html(result, data))


def glossary_html(result: Any, language: str, audience: str = "academic") -> str:
    """The glossary: each measure by its name in ``language``; the academic report adds the column
    name in small code type (the brief shows words only)."""
    return render("glossary", glossary_view(result, language, audience))


def show_glossary(result: Any, language: str, audience: str = "academic") -> None:
    """Display the definitions of the measures used (from ``analysis.measures.GLOSSARY``)."""
    return _display(glossary_html(result, language, audience))


def figure_html(view: Any, language: str) -> str:
    """A figure as an inline image with its alt text and caption; a figure that cannot be drawn
    (no image, :attr:`analysis.plots.FigureView.reason`) shows its reason in words instead."""
    return render("figure", figure_section(view, language))


def show_figure(data: Any, result: Any) -> None:
    """Display the key figure of the hypothesis (:func:`analysis.plots.key_figure`); its SVG and
    PDF go to the runner with it (:func:`analysis.report.exports.display_figure`)."""
    from analysis.report.exports import display_figure

    return display_figure(data, result, figure_html)


def sensitivity_html(data: Any, result: Any) -> str:
    """The sensitivity rerun: the same test without the pages whose coverage is below the threshold
    ('' without comment threads)."""
    view = sensitivity_view(data, result)
    return "" if view is None else render("sensitivity", view)


def show_sensitivity(data: Any, result: Any) -> None:
    """Display the sensitivity rerun without low-coverage pages (academic report)."""
    return _display(sensitivity_html(data, result))
