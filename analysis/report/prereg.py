"""The academic report's "Pre-registration" section: the frozen plan, the label, the deviations.

A report whose ``preregistration`` parameter names a plan (``dialogic prereg``,
:mod:`analysis.prereg`) shows the plan file, the day it was frozen and its hash, the label
*Confirmatory* (the run keeps every frozen value) or *Exploratory* (it changes one, or it is not
in the plan), and a table of every deviation: the parameter, its planned value, this run's. A
report without a plan shows nothing (no empty section). The report finds its plan entry by its
hypothesis and the frozen values (:func:`analysis.prereg.entry_for`): a notebook does not know
its report's folder name.

Every word is a catalogue message registered here (``prereg.*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analysis import catalog
from analysis.formatting import fmt_date
from analysis.report.viewmodels import Table

#: Every word of the section, in English, by key (the catalogues translate each).
TEXTS: dict[str, str] = {
    "prereg.h": "Pre-registration",
    "prereg.label.confirmatory": "Confirmatory",
    "prereg.label.exploratory": "Exploratory",
    "prereg.label_line": "Status of this result: {label}.",
    "prereg.plan": "Plan {file}, frozen on {date} with Dialogic {version}; SHA-256 {sha256}.",
    "prereg.entry": "This report is the plan's report {entry}.",
    "prereg.confirmatory": (
        "This run keeps every value the plan froze (hypothesis, direction, model, "
        "thresholds, period, platforms, groups): its result is confirmatory."
    ),
    "prereg.not_in_plan": (
        "This report is not in the plan (its hypothesis was not frozen, or a grid value was "
        "changed so that it matches no planned report): its result is exploratory."
    ),
    "prereg.smallest": "Smallest effect of interest stated in the plan: {value}.",
    "prereg.col.parameter": "Parameter",
    "prereg.col.planned": "Planned",
    "prereg.col.actual": "This run",
    "prereg.caption": "Deviations from the frozen plan",
    "prereg.none": "(none)",
    "prereg.all": "(all)",
    "prereg.brief": "Pre-registered analysis: {label}.",
}
for _key, _text in TEXTS.items():
    catalog.register(_key, _text)

#: The one counted text: how many values the run changes.
DEVIATES = (
    "This run departs from the plan in {n} value, listed below: its result is exploratory.",
    "This run departs from the plan in {n} values, listed below: its result is exploratory.",
)
catalog.register("prereg.deviates", *DEVIATES)


def t(key: str, language: str, **values: Any) -> str:
    """The text ``key`` in ``language``, its ``{name}`` fields filled from ``values``."""
    catalog.check_language(language)
    text = catalog.gettext(key, TEXTS[key], language)
    return catalog.contract(text.format(**values) if values else text, language)


@dataclass(frozen=True)
class PreregView:
    """The section: heading, the label (and its CSS modifier), the plan's line, what the label
    means, the deviations (None when there is none)."""

    heading: str
    label: str
    status: str
    label_line: str
    plan: str
    explain: str
    smallest: str = ""
    deviations: Table | None = None


def value_text(value: Any, language: str) -> str:
    """A planned or actual value as the table shows it: numbers in the language's format,
    lists joined, ``(none)`` for an empty text, ``(all)`` for an empty platform list."""
    from analysis.prereg_text import short_number

    if isinstance(value, bool) or value is None:
        return t("prereg.none", language) if value is None else str(value).lower()
    if isinstance(value, (int, float)):
        return short_number(value, language)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) if value else t("prereg.all", language)
    return str(value) if value != "" else t("prereg.none", language)


def preregistration_view(params: Mapping[str, Any]) -> PreregView | None:
    """The section's view model for a report's parameters; None without a plan."""
    if not params.get("preregistration"):
        return None
    from analysis.prereg import plan_record, read_plan

    document = read_plan(params["preregistration"])  # read and verified once
    found = plan_record(document, params)
    lang = str(params.get("language", "en"))
    status = found["status"]
    label = t(f"prereg.label.{status}", lang)
    plan = t(
        "prereg.plan",
        lang,
        file=found["file"],
        date=fmt_date(str(document["created"])[:10], lang),
        version=document.get("dialogic_version", ""),
        sha256=found["sha256"],
    )
    devs = found["deviations"]
    if found["entry"] is None:
        explain = t("prereg.not_in_plan", lang)
    elif devs:
        explain = catalog.contract(
            catalog.ngettext("prereg.deviates", *DEVIATES, len(devs), lang).format(n=len(devs)),
            lang,
        )
    else:
        explain = t("prereg.confirmatory", lang)
    if found["entry"] is not None:
        plan = f"{plan} {t('prereg.entry', lang, entry=found['entry'])}"
    smallest = ""
    entry = document["plan"]["reports"].get(found["entry"] or "", {})
    if entry.get("parameters", {}).get("smallest_effect"):
        smallest = t(
            "prereg.smallest",
            lang,
            value=value_text(entry["parameters"]["smallest_effect"], lang),
        )
    table = None
    if devs:
        table = Table(
            (
                t("prereg.col.parameter", lang),
                t("prereg.col.planned", lang),
                t("prereg.col.actual", lang),
            ),
            tuple(
                (d["name"], value_text(d["planned"], lang), value_text(d["actual"], lang))
                for d in devs
            ),
            t("prereg.caption", lang),
        )
    return PreregView(
        t("prereg.h", lang),
        label,
        status,
        t("prereg.label_line", lang, label=label),
        plan,
        explain,
        smallest,
        table,
    )


def preregistration_html(params: Mapping[str, Any]) -> str:
    """The section's HTML; ``""`` for a report without a plan."""
    from analysis.report.views import render

    view = preregistration_view(params)
    return "" if view is None else render("preregistration", view)


def brief_line(params: Mapping[str, Any]) -> str:
    """The brief's one line ('Pre-registered analysis: Confirmatory.'); ``""`` without a plan."""
    from analysis.prereg import record

    found = record(params)
    if found is None:
        return ""
    lang = str(params.get("language", "en"))
    return t("prereg.brief", lang, label=t(f"prereg.label.{found['status']}", lang))


def show_preregistration(loaded: Any, result: Any = None) -> None:
    """Academic: the plan, the label Confirmatory/Exploratory and every deviation from the plan;
    nothing at all without a ``preregistration`` parameter."""
    markup = preregistration_html(loaded.params)
    if markup:
        from analysis.report.views import _display

        _display(markup)


def show_preregistration_line(loaded: Any, result: Any = None) -> None:
    """Brief: one line, 'Pre-registered analysis: Confirmatory.', only when a plan exists."""
    line = brief_line(loaded.params)
    if line:
        from analysis.report.views import _display, render

        _display(render("preregistration_line", line))
