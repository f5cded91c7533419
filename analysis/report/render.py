"""Render an executed report notebook to one self-contained HTML file per audience, and to PDF.

Audiences are registered in :data:`AUDIENCES` (a new audience is a new entry, not a new branch):
which cell tags are removed (nbconvert's ``TagRemovePreprocessor``, so removed cells are really
absent from the file, not hidden), whether code and prompts are shown, what the page is called.

The page template (``templates/dialogic``) extends JupyterLab's cell markup but writes its own
``<head>``: nbconvert's default HTML loads require.js and MathJax from CDNs; ours inlines every
style, has no script at all, and carries a Content-Security-Policy that blocks any network
request, so a report opens offline and nothing in the data can run.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as _dt
import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from analysis import __version__, catalog, config
from analysis._io import atomic_path
from analysis.report.i18n import fmt_date, t
from analysis.report.result import extract_result
from analysis.report.viewmodels import (
    FooterView,
    MastheadView,
    NameValue,
    ProvenanceBlock,
    ProvenanceBriefView,
    ProvenanceView,
    simulated_notice,
)
from analysis.report.views import render

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "dialogic"
esc = html.escape


@dataclass(frozen=True)
class Audience:
    """How one audience sees an executed notebook.

    Attributes
    ----------
    remove_tags : frozenset of str
        Cells carrying any of these tags are removed from the file.
    show_code : bool
        Code cells are kept behind a "Show code" toggle (academic) or left out entirely (brief).
    drop_streams : bool
        Drop stdout/stderr outputs (warnings printed by libraries are not for clients).
    title_key : str
        Key of the page title in :data:`analysis.report.i18n.STRINGS`.
    """

    remove_tags: frozenset[str]
    show_code: bool
    drop_streams: bool
    title_key: str


AUDIENCES: dict[str, Audience] = {
    "academic": Audience(
        frozenset({"brief", "remove"}),
        show_code=True,
        drop_streams=False,
        title_key="title.academic",
    ),
    "brief": Audience(
        frozenset({"academic", "parameters", "injected-parameters", "setup", "remove"}),
        show_code=False,
        drop_streams=True,
        title_key="title.brief",
    ),
}

#: Cell tags whose code toggle gets its own label ("Default parameters" rather than "Show code").
CODE_LABEL_TAGS = ("parameters", "injected-parameters", "setup")


def _css() -> str:
    return (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")


def logo_data_uri(logo: str | Path) -> str:
    """The logo file as a ``data:`` URI (so the page needs no other file).

    The file must be a real image, checked by its content
    (:func:`analysis.report.parameters.logo_file`), whatever its name says.

    Raises
    ------
    ValueError
        When the file is missing or not a PNG, JPEG, GIF, WebP or script-free SVG image.
    """
    from analysis.report.parameters import logo_file

    path, mime = logo_file(logo)
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _run_date(nb: Any) -> _dt.date:
    """When the notebook ran (papermill's end time), so re-rendering gives the same page."""
    end = nb.metadata.get("papermill", {}).get("end_time")
    try:
        return _dt.datetime.fromisoformat(str(end)).date()
    except (TypeError, ValueError):
        return _dt.date.today()


def _name_value(name: Any, value: Any) -> NameValue:
    if isinstance(value, (dict, list)):
        import json

        return NameValue(str(name), json.dumps(value, ensure_ascii=False, sort_keys=True), True)
    return NameValue(str(name), "" if value is None else str(value))


def provenance_for_page(
    provenance: dict[str, Any], language: str, record: dict[str, Any]
) -> dict[str, Any]:
    """``provenance`` as it applies to this page: the language actually rendered, the claim in it.

    The runner gives one provenance record to every language of a report; in it ``parameters``
    says ``language: en`` and ``claim`` is the study's English wording. A French page shows
    ``language: fr`` and the French claim (the notebook's ``claim_fr``), or no claim at all.
    """
    prov = dict(provenance)
    if isinstance(prov.get("parameters"), dict):
        prov["parameters"] = dict(prov["parameters"], language=language)
    if "claim" in prov and language != "en":
        claim = (record.get("parameters") or {}).get(f"claim_{language}", "")
        if claim:
            prov["claim"] = claim
        else:
            prov.pop("claim")
    return prov


def provenance_html(
    provenance: dict[str, Any] | None,
    language: str,
    audience: str = "academic",
    record: dict[str, Any] | None = None,
) -> str:
    """The provenance of a page: the full appendix (academic) or a short plain block (brief).

    Academic: parameters, input hashes, versions, command and anything else given, as tables.
    Brief: four lines in the page's language (date, data set, command, code version); no JSON,
    no hashes.
    """
    if not provenance:
        return ""
    provenance = provenance_for_page(provenance, language, record or {})
    if audience == "brief":
        return provenance_brief_html(provenance, language)
    return render("provenance", provenance_view(provenance, language))


def provenance_view(provenance: dict[str, Any], language: str) -> ProvenanceView:
    """The academic appendix: parameters, input hashes, versions, command, then the other keys."""
    known = {
        "parameters": "prov.parameters",
        "inputs": "prov.inputs",
        "input_hashes": "prov.inputs",
        "versions": "prov.versions",
        "command": "prov.command",
    }
    blocks = []
    other = {}
    for key, value in provenance.items():
        if key not in known:
            other[key] = value
        elif isinstance(value, dict):
            rows = tuple(_name_value(k, v) for k, v in value.items())
            blocks.append(ProvenanceBlock(t(known[key], language), rows))
        else:
            blocks.append(ProvenanceBlock(t(known[key], language), None, str(value)))
    if other:
        rows = tuple(_name_value(k, v) for k, v in other.items())
        blocks.append(ProvenanceBlock(t("prov.other", language), rows))
    return ProvenanceView(
        t("h.provenance", language),
        t("prov.name", language),
        t("prov.value", language),
        tuple(blocks),
    )


def provenance_brief_html(provenance: dict[str, Any], language: str) -> str:
    """The brief's provenance: when, on which data, the command that reproduces it, the code
    version."""
    return render("provenance_brief", provenance_brief_view(provenance, language))


def provenance_brief_view(provenance: dict[str, Any], language: str) -> ProvenanceBriefView:
    """Four lines at most (a line without a value is left out)."""
    params = provenance.get("parameters") if isinstance(provenance.get("parameters"), dict) else {}
    data = provenance.get("data") if isinstance(provenance.get("data"), dict) else {}
    code = provenance.get("code") if isinstance(provenance.get("code"), dict) else {}
    versions = provenance.get("versions") if isinstance(provenance.get("versions"), dict) else {}
    when = provenance.get("time")
    dataset = data.get("path") or params.get("data_dir") or ""
    version = code.get("analysis_version") or versions.get("dialogic") or __version__
    commit = str(code.get("git_commit") or "")
    code_words = (
        t("prov.code_commit", language, version=version, commit=commit[:12])
        if commit and commit != "unknown"
        else t("prov.code_plain", language, version=version)
    )
    rows = [
        NameValue(t("prov.date", language), fmt_date(str(when)[:10], language) if when else ""),
        NameValue(t("prov.dataset", language), str(dataset) if dataset else "", True),
        NameValue(t("prov.command", language), str(provenance.get("command") or ""), True),
        NameValue(t("prov.code", language), code_words),
    ]
    return ProvenanceBriefView(t("h.provenance", language), tuple(r for r in rows if r.value))


def _masthead(
    record: dict[str, Any], audience: Audience, audience_name: str, language: str, run_date
) -> tuple[str, str]:
    params = record.get("parameters", {})
    hid = record.get("hypothesis", "")
    key = audience.title_key
    title = t(key, language, hid=hid)
    if hid == "generic":  # "Hypothesis generic" would read as a name
        with contextlib.suppress(ValueError):  # ValueError: no generic title for this audience
            title = t(f"{key}.generic", language, hid=hid)
    if record.get("kind") == "benchmark":  # the client against its peers: no hypothesis
        title = t(f"{key}.benchmark", language)
    client = params.get("client_name", "")
    meta = []
    if client and audience_name == "brief":
        meta.append(t("prepared_for", language, client=client))
    meta.append(t("generated", language, date=fmt_date(run_date, language), version=__version__))
    logo_src = logo_alt = ""
    if params.get("logo") and audience_name == "brief":
        logo_alt = (
            t("logo_alt", language, client=client) if client else t("logo_alt_plain", language)
        )
        logo_src = logo_data_uri(params["logo"])
    study = params.get("study", "")
    kicker = "Dialogic" + (f" · {study}" if study and study != "adhoc" else "")
    view = MastheadView(kicker, title, tuple(meta), logo_src, logo_alt)
    return render("masthead", view), title


def _prepare(nb: Any, audience: Audience) -> Any:
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if audience.drop_streams and cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
    return nb


def export_html(
    nb: Any,
    audience_name: str,
    language: str | None = None,
    provenance: dict[str, Any] | None = None,
) -> str:
    """The HTML page of ``nb`` for ``audience_name`` as a string (see :func:`render_report`)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    if audience_name not in AUDIENCES:
        raise ValueError(
            f"audience {audience_name!r} is unknown; use one of: {', '.join(AUDIENCES)}"
        )
    audience = AUDIENCES[audience_name]
    record = extract_result(nb)
    nb_language = record.get("parameters", {}).get("language", "en")
    language = language or nb_language
    if language not in catalog.languages():
        raise ValueError(
            f"language {language!r} is not supported; use one of {', '.join(catalog.languages())}"
        )
    if language != nb_language:
        raise ValueError(
            f"the notebook was executed with language={nb_language!r} but the report is asked in "
            f"{language!r}; execute it again with language={language!r} (its texts are written "
            "by the kernel)"
        )
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(audience.remove_tags)
    c.HTMLExporter.exclude_input = not audience.show_code
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    exporter = HTMLExporter(
        config=c, template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)]
    )
    run_date = _run_date(nb)
    masthead, title = _masthead(record, audience, audience_name, language, run_date)
    simulated = bool(record.get("simulated"))
    notice = simulated_notice(language) if simulated else None
    banner = render("banner", notice) if notice else ""
    generated = t("generated", language, date=fmt_date(run_date, language), version=__version__)
    footer = render("footer", FooterView(notice, generated))
    resources = {
        "dialogic": {
            "lang": language,
            "audience": audience_name,
            "title": esc(title),
            "css": _css(),
            "banner": banner,
            "masthead": masthead,
            "appendix": provenance_html(provenance, language, audience_name, record),
            "footer": footer,
            "show_code": esc(t("show_code", language)),
            "code_labels": {tag: esc(t(f"code.{tag}", language)) for tag in CODE_LABEL_TAGS},
            "skip": esc(t("skip", language)),
            "version": __version__,
        }
    }
    body, _ = exporter.from_notebook_node(_prepare(nb, audience), resources=resources)
    return body


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (:func:`analysis._io.atomic_write`)."""
    from analysis._io import atomic_write

    return atomic_write(path, text)


def render_report(
    executed_nb: Any,
    audience: str,
    out_html: Path,
    language: str | None = None,
    provenance: dict[str, Any] | None = None,
) -> Path:
    """Render an executed report notebook to a self-contained HTML file for one audience.

    Parameters
    ----------
    executed_nb : str, Path or NotebookNode
        The notebook executed by papermill (it must carry the result record).
    audience : {"academic", "brief"}
        ``academic``: every statistic, APA wording, methods, code behind a "Show code" toggle.
        ``brief``: no code and no prompts, plain language, client name and logo; cells tagged
        ``academic``, ``parameters``, ``injected-parameters`` or ``setup`` are removed.
    out_html : Path
        Where to write the page (atomically: temporary file, then ``os.replace``).
    language : {"en", "fr"}, optional
        Defaults to the notebook's ``language`` parameter; must agree with it.
    provenance : dict, optional
        Rendered as an appendix: ``parameters`` (dict), ``inputs`` (path -> SHA-256), ``versions``
        (package -> version), ``command`` (str) and any other key.

    Returns
    -------
    Path
        ``out_html``.
    """
    nb = executed_nb
    if isinstance(nb, (str, Path)):
        nb = nbformat.read(str(nb), as_version=4)
    return write_atomic(Path(out_html), export_html(nb, audience, language, provenance))


#: Debian's chromium; ``DIALOGIC_CHROMIUM`` names another one (or hides it:
#: ``DIALOGIC_CHROMIUM=/nonexistent`` runs everything as on a machine without a browser: HTML
#: pages made, PDFs and browser tests skipped): :data:`analysis.config.CHROMIUM`
CHROMIUM = config.CHROMIUM
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def brief_to_pdf(
    html_path: Path, pdf_path: Path, language: str = "en", simulated: bool | None = None
) -> Path:
    """Print a rendered page to PDF (A4) with headless Chromium (Debian's, driven by Playwright).

    The simulated-data notice is repeated in the header of every PDF page when the page carries
    it (detected from the page when ``simulated`` is None). Network requests are refused: the page
    is self-contained. Written atomically.
    """
    from playwright.sync_api import sync_playwright

    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not html_path.is_file():
        raise ValueError(f"{html_path} does not exist; render it first with render_report(...)")
    if not Path(CHROMIUM).exists():
        raise ValueError(
            f"{CHROMIUM} not found; install Debian's chromium (apt-get install chromium)"
        )
    url = html_path.as_uri()
    with atomic_path(pdf_path) as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route(
                "**/*",
                lambda route: route.continue_() if route.request.url == url else route.abort(),
            )
            page.goto(url, wait_until="load")
            lang = page.evaluate("document.documentElement.lang") or language
            if simulated is None:
                simulated = page.locator(".dlg-banner").count() > 0
            notice = t(
                "simulated.short",
                lang if lang in catalog.languages() else catalog.SOURCE_LANGUAGE,
            )
            header = render("pdf_header", notice if simulated else "")
            footer = render("pdf_footer", None)
            page.pdf(
                path=str(tmp),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=header,
                footer_template=footer,
                margin={"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
            )
        finally:
            browser.close()

    return pdf_path
