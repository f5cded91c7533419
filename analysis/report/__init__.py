"""What a report notebook shows, and how it becomes HTML and PDF for two audiences.

The data it shows come from :mod:`analysis.pipeline` (``pipeline.load`` then ``pipeline.test``);
:func:`relabel` words the result for people (question, claim, groups).

- :mod:`analysis.report.parameters`, :mod:`analysis.report.data` — deprecated re-exports of
  :mod:`analysis.pipeline` (``run_test`` = ``pipeline.test`` + :func:`relabel`).
- :mod:`analysis.report.viewmodels` — what each section says: a frozen dataclass of plain strings
  per section, built from the result and the data.
- :mod:`analysis.report.views` — one ``show_*`` function per report section (its view model
  rendered by ``templates/sections/<section>.html.j2``, autoescaped); :func:`publish_result`.
- :mod:`analysis.report.result` — the result record (MIME ``application/vnd.dialogic.result+json``)
  and :func:`extract_result`.
- :mod:`analysis.report.render` — :func:`render_report` (nbconvert, own template, self-contained
  HTML) and :func:`brief_to_pdf` (headless Chromium).
- :mod:`analysis.report.i18n` — every template word in English and French; number/date formats.
- :mod:`analysis.report.benchmark` — the benchmark report (the client against its peers): its
  view models, ``show_benchmark_*`` sections and :func:`publish_benchmark` (its result record).
- :mod:`analysis.report.prereg` — the academic report's pre-registration section
  (:func:`show_preregistration`: the frozen plan, Confirmatory/Exploratory, the deviations).
"""

from analysis.report.benchmark import (
    publish_benchmark,
    show_benchmark_funnel,
    show_benchmark_header,
    show_benchmark_league,
    show_benchmark_methods,
    show_benchmark_trend,
    show_benchmark_vendors,
    show_benchmark_versus,
)
from analysis.report.data import ReportData, load_report_data, run_test
from analysis.report.parameters import NOTEBOOK_PARAMETERS, from_namespace, validate_parameters
from analysis.report.prereg import show_preregistration, show_preregistration_line
from analysis.report.result import RESULT_MIME, build_record, extract_result
from analysis.report.views import (
    publish_result,
    show_data,
    show_figure,
    show_glossary,
    show_header,
    show_methods,
    show_results,
    show_sensitivity,
    show_statistics,
)
from analysis.report.wording import relabel


def __getattr__(name):  # rendering pulls in nbconvert: import it only when asked for
    if name in ("render_report", "brief_to_pdf", "AUDIENCES"):
        from analysis.report import render

        return getattr(render, name)
    raise AttributeError(f"module 'analysis.report' has no attribute {name!r}")


__all__ = [
    "AUDIENCES",
    "NOTEBOOK_PARAMETERS",
    "RESULT_MIME",
    "ReportData",
    "brief_to_pdf",
    "build_record",
    "extract_result",
    "from_namespace",
    "load_report_data",
    "publish_benchmark",
    "publish_result",
    "relabel",
    "render_report",
    "run_test",
    "show_benchmark_funnel",
    "show_benchmark_header",
    "show_benchmark_league",
    "show_benchmark_methods",
    "show_benchmark_trend",
    "show_benchmark_vendors",
    "show_benchmark_versus",
    "show_data",
    "show_figure",
    "show_glossary",
    "show_header",
    "show_methods",
    "show_preregistration",
    "show_preregistration_line",
    "show_results",
    "show_sensitivity",
    "show_statistics",
    "validate_parameters",
]
