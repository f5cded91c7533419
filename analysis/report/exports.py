"""Exports for papers: a report's tables as CSV, LaTeX (booktabs) and Markdown, its figure as SVG
and PDF.

Written beside the HTML of each report (``reports/<study>/<report>/``) by the runner, with the
report's other files in one atomic swap (:func:`analysis.runner.engine.execute_job`), and beside
the study's ``index.html`` (:func:`analysis.runner.index.write_index`):

- ``results.{csv,tex,md}``: the main quantities of the one-row ``HypothesisResult.table``;
- ``robustness.{csv,tex,md}``: one row per robustness or secondary test;
- ``descriptives.{csv,tex,md}``: pages, units and mean outcome by group, when the result's
  ``analysed`` frame is at hand (a :class:`~analysis.stats.result.HypothesisResult`, not a
  ``results.json`` record);
- ``figure.{svg,pdf}``: the key figure, the drawing of its PNG (:func:`figure_files`).

The last two need the kernel's objects: :func:`display_figure` (what ``report.show_figure``
calls) hands them to the runner in a second MIME type of the figure's output, :data:`EXPORTS_MIME`
beside its ``text/html`` (so the pages are unchanged), and the runner reads them back with
:func:`extract_files`. Also:

- ``index.{csv,tex,md}`` in the study folder: one row per report (:func:`index_files`).

CSV keeps the numbers unrounded (machine-readable, ``NaN`` as an empty cell). LaTeX and Markdown
are for reading and follow APA style: "95% CI", true minus signs (U+2212 in Markdown, ``$-$`` in
LaTeX), p-values with three decimals and no leading zero, ``< .001`` below that. The LaTeX tables
need only the ``booktabs`` package. Every function here is deterministic: the same result gives
the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

MINUS = "\u2212"
DASH = "\u2014"  # an empty cell (APA)

#: The main quantities of the result table, in order (CSV column names).
RESULT_COLUMNS = [
    "hypothesis",
    "direction",
    "estimate_name",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "statistic",
    "df",
    "p_value",
    "p_two_sided",
    "p_adjusted",
    "n_obs",
    "n_clusters",
    "verdict",
]
#: Robustness tests: ``p`` is each test's own (one- or two-sided as its note says).
ROBUSTNESS_COLUMNS = ["test", "estimate", "ci_low", "ci_high", "statistic", "p", "note"]
INDEX_COLUMNS = [
    "report",
    "hypothesis",
    "claim",
    "estimate_name",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_level",
    "p_value",
    "p_adjusted",
    "verdict",
]
DESCRIPTIVE_COLUMNS = ["group", "pages", "units", "unit", "mean", "sd", "mean_of_page_means"]

_P = {"p_value", "p_two_sided", "p_adjusted", "p", "robustness_p"}
_INT = {"n_obs", "n_clusters", "pages", "units"}
_HEADERS = {
    "hypothesis": "Hypothesis",
    "report": "Report",
    "claim": "Claim",
    "estimate_name": "Estimate",
    "estimate": "Value",
    "statistic": "Statistic",
    "df": "df",
    "direction": "Test (less, greater, two-sided)",
    "p_value": "p (as tested)",
    "p_two_sided": "p (two-sided)",
    "p_adjusted": "p (adjusted)",
    "p": "p",
    "n_obs": "N",
    "n_clusters": "Clusters",
    "verdict": "Verdict",
    "test": "Test",
    "note": "Note",
    "group": "Group",
    "pages": "Pages",
    "units": "Units",
    "unit": "Unit",
    "mean": "M",
    "sd": "SD",
    "mean_of_page_means": "M of page means",
}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _number(value: Any, column: str) -> str | None:
    """APA text of a number with an ASCII '-' (the caller sets the minus sign), None if not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    x = float(value)
    if not math.isfinite(x):
        return None if math.isnan(x) else ("-inf" if x < 0 else "inf")
    if column in _P:
        if x < 0.001:
            return "< .001"
        return f"{x:.3f}".removeprefix("0") if x < 1 else "1.000"
    if column in _INT or (column == "df" and x.is_integer()):
        return f"{x:.0f}"
    if column == "df":
        return f"{x:.1f}"
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text


def _latex_escape(text: str) -> str:
    out = []
    for ch in str(text):
        out.append(
            {
                "\\": r"\textbackslash{}",
                "&": r"\&",
                "%": r"\%",
                "$": r"\$",
                "#": r"\#",
                "_": r"\_",
                "{": r"\{",
                "}": r"\}",
                "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}",
                "<": r"\textless{}",
                ">": r"\textgreater{}",
                MINUS: "$-$",
                "\u2013": "--",
                "\u2014": "---",
            }.get(ch, ch)
        )
    return "".join(out)


def _markdown_escape(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _cell(value: Any, column: str, target: str) -> str:
    """One cell's text for ``target`` "latex" or "markdown"."""
    if _missing(value) or value == "":
        return "---" if target == "latex" else DASH
    number = _number(value, column)
    if number is not None:
        if target == "latex":
            return number.replace("-", "$-$").replace("< ", "$<$ ").replace("inf", r"$\infty$")
        return number.replace("-", MINUS).replace("inf", "\u221e")
    text = str(value)
    return _latex_escape(text) if target == "latex" else _markdown_escape(text)


def _ci_header(df: pd.DataFrame) -> str:
    levels = df["ci_level"].dropna().unique() if "ci_level" in df else []
    level = float(levels[0]) if len(levels) == 1 else 0.95
    return f"{level * 100:g}% CI"


def _display_frame(df: pd.DataFrame, target: str) -> tuple[list[str], list[list[str]], list[bool]]:
    """Headers, text rows and right-alignment flags; ci_low/ci_high become one "95% CI" cell."""
    columns = [c for c in df.columns if c not in ("ci_level", "ci_high")]
    headers, rows, numeric = [], [[] for _ in range(len(df))], []
    for column in columns:
        if column == "ci_low":
            headers.append(_ci_header(df))
            numeric.append(True)
            for i, (low, high) in enumerate(zip(df["ci_low"], df["ci_high"], strict=True)):
                if _missing(low) and _missing(high):
                    rows[i].append(_cell(None, "ci", target))
                else:
                    rows[i].append(f"[{_cell(low, 'ci', target)}, {_cell(high, 'ci', target)}]")
            continue
        headers.append(_HEADERS.get(column, column))
        numeric.append(
            pd.api.types.is_numeric_dtype(df[column])
            or all(_missing(v) or _number(v, column) is not None for v in df[column])
        )
        for i, value in enumerate(df[column]):
            rows[i].append(_cell(value, column, target))
    if target == "latex":
        headers = ["$p$" + h[1:] if _is_p(h) else _latex_escape(h) for h in headers]
    else:
        headers = ["*p*" + h[1:] if _is_p(h) else h for h in headers]
    return headers, rows, numeric


def _is_p(header: str) -> bool:
    return header == "p" or header.startswith("p (")


#: Text columns set as paragraphs in LaTeX (they run long).
_WRAPPED = {"note": r"p{0.32\linewidth}", "claim": r"p{0.3\linewidth}"}


def table_csv(df: pd.DataFrame) -> str:
    """The table as CSV: the columns as they are, numbers unrounded, missing values empty."""
    return df.to_csv(index=False, lineterminator="\n")


def table_latex(df: pd.DataFrame, caption: str, label: str) -> str:
    """A ``table`` environment with a booktabs ``tabular`` (needs ``\\usepackage{booktabs}``)."""
    headers, rows, numeric = _display_frame(df, "latex")
    names = [c for c in df.columns if c not in ("ci_level", "ci_high")]
    spec = "".join(_WRAPPED.get(c, "r" if n else "l") for c, n in zip(names, numeric, strict=True))
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_latex_escape(caption)}}}",
        rf"\label{{{label}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(headers) + r" \\",
        r"\midrule",
        *(" & ".join(row) + r" \\" for row in rows),
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"


def table_markdown(df: pd.DataFrame) -> str:
    """A pipe table (GitHub / pandoc) with a header separator row."""
    headers, rows, numeric = _display_frame(df, "markdown")
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---:" if n else "---" for n in numeric) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


# -- the frames ----------------------------------------------------------------------------------


def _result_dict(result: Any) -> dict[str, Any]:
    """``HypothesisResult.to_dict()`` from a result, a ``results.json`` record or that dict."""
    if hasattr(result, "to_dict") and not isinstance(result, dict):
        return result.to_dict()
    if isinstance(result.get("result"), dict):
        return result["result"]
    return result


def results_frame(result: Any) -> pd.DataFrame:
    """The one-row table of the main quantities (:data:`RESULT_COLUMNS`)."""
    row = _result_dict(result).get("table") or {}
    return pd.DataFrame([{c: row.get(c) for c in RESULT_COLUMNS}], columns=RESULT_COLUMNS)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def robustness_frame(result: Any) -> pd.DataFrame:
    """One row per robustness or secondary test (:data:`ROBUSTNESS_COLUMNS`)."""
    rows = _result_dict(result).get("robustness") or []
    return pd.DataFrame(
        [
            {
                "test": _text(r.get("test")),
                "estimate": r.get("estimate"),
                "ci_low": r.get("ci_low"),
                "ci_high": r.get("ci_high"),
                "statistic": r.get("statistic"),
                "p": r.get("p_value"),
                "note": _text(r.get("note")),
            }
            for r in rows
        ],
        columns=ROBUSTNESS_COLUMNS,
    )


def descriptives_frame(result: Any) -> pd.DataFrame | None:
    """Pages, units, mean and SD of the outcome, and the mean of page means, by group.

    None when ``result`` has no ``analysed`` frame with ``group_label``, ``cluster`` and a
    numeric outcome column (a ``results.json`` record, a page-level test without groups).
    """
    frame = getattr(result, "analysed", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return None
    row = result.row
    outcome = row.get("outcome")
    if (
        not {"group_label", "cluster"} <= set(frame.columns)
        or outcome not in frame.columns
        or not pd.api.types.is_numeric_dtype(frame[outcome])
    ):
        return None
    records = []
    for label, part in frame.groupby("group_label", sort=True):
        values = part[outcome].astype(float)
        records.append(
            {
                "group": str(label),
                "pages": int(part["cluster"].nunique()),
                "units": len(part),
                "unit": str(row.get("unit") or ""),
                "mean": float(values.mean()),
                "sd": float(values.std(ddof=1)) if len(values) > 1 else float("nan"),
                "mean_of_page_means": float(values.groupby(part["cluster"]).mean().mean()),
            }
        )
    return pd.DataFrame(records, columns=DESCRIPTIVE_COLUMNS)


def index_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per report of the study index (the rows :func:`analysis.runner.index.write_index`
    shows, after the study-wide adjustment)."""
    records = []
    for r in rows:
        full = r.get("_row") or {}
        records.append(
            {
                "report": r.get("name"),
                "hypothesis": r.get("hypothesis"),
                "claim": r.get("claim"),
                "estimate_name": r.get("estimate_name"),
                "estimate": r.get("estimate"),
                "ci_low": r.get("ci_low"),
                "ci_high": r.get("ci_high"),
                "ci_level": full.get("ci_level"),
                "p_value": r.get("p_value"),
                "p_adjusted": r.get("p_adjusted"),
                "verdict": r.get("verdict"),
            }
        )
    return pd.DataFrame(records, columns=INDEX_COLUMNS)


# -- the files -----------------------------------------------------------------------------------


def _label(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(text)).strip("-").lower()


def _three(stem: str, df: pd.DataFrame, caption: str, label: str) -> dict[str, bytes]:
    return {
        f"{stem}.csv": table_csv(df).encode(),
        f"{stem}.tex": table_latex(df, caption, label).encode(),
        f"{stem}.md": table_markdown(df).encode(),
    }


def table_files(result: Any) -> dict[str, bytes]:
    """File name -> bytes of a report's tables (results, robustness, descriptives when known).

    ``result`` is a :class:`~analysis.stats.result.HypothesisResult` or a ``results.json`` record;
    a record without a result table (a report the data cannot test) gives no files.
    """
    res = _result_dict(result)
    if not isinstance(res.get("table"), dict):
        return {}
    hyp = str(res.get("hypothesis") or res["table"].get("hypothesis") or "")
    files = _three("results", results_frame(res), f"{hyp}: result", f"tab:{_label(hyp)}-result")
    files |= _three(
        "robustness",
        robustness_frame(res),
        f"{hyp}: robustness and secondary tests",
        f"tab:{_label(hyp)}-robustness",
    )
    descriptives = descriptives_frame(result)
    if descriptives is not None:
        files |= _three(
            "descriptives",
            descriptives,
            f"{hyp}: descriptive statistics by group",
            f"tab:{_label(hyp)}-descriptives",
        )
    return files


def index_files(rows: list[dict[str, Any]], title: str = "") -> dict[str, bytes]:
    """``index.{csv,tex,md}``: the study index table (:func:`index_frame`)."""
    caption = f"{title}: results by report" if title else "Results by report"
    return _three("index", index_frame(rows), caption, "tab:study-index")


def _write(files: dict[str, bytes], out_dir: Path) -> list[Path]:
    from analysis._io import atomic_write

    out_dir.mkdir(parents=True, exist_ok=True)
    return [atomic_write(out_dir / name, data) for name, data in sorted(files.items())]


def write_exports(result: Any, out_dir: str | Path) -> list[Path]:
    """Write :func:`table_files` of ``result`` into ``out_dir``, each file atomically.

    The runner does not call this (it publishes the bytes with the report's other files, so a
    failed run never leaves a half-written report); it is for a notebook or a script.
    """
    return _write(table_files(result), Path(out_dir))


# -- the figure ----------------------------------------------------------------------------------

#: Fixed salt of the SVG element ids: the same figure gives the same bytes.
SVG_HASHSALT = "dialogic"


def figure_bytes(fig: Any) -> dict[str, bytes]:
    """``figure.svg`` and ``figure.pdf`` of a matplotlib figure, without dates (deterministic)."""
    import matplotlib

    out = {}
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        for ext, metadata in (("svg", {"Date": None}), ("pdf", {"CreationDate": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, metadata=metadata)
            out[f"figure.{ext}"] = buf.getvalue()
    return out


@contextlib.contextmanager
def _capture_figures(sink: list[dict[str, bytes]]) -> Iterator[None]:
    """Add :func:`figure_bytes` of each figure :mod:`analysis.plots` renders to ``sink``, saved
    right after its PNG (same layout, same style context); the PNG is made as before."""
    from analysis import plots

    original = plots._render

    def render(fig, *args, **kwargs):
        view = original(fig, *args, **kwargs)  # layout first, as the PNG has it
        sink.append(figure_bytes(fig))
        return view

    plots._render = render
    try:
        yield
    finally:
        plots._render = original


def figure_files(
    result: Any, posts: pd.DataFrame, comments: pd.DataFrame, language: str = "en"
) -> dict[str, bytes]:
    """The key figure (:func:`analysis.plots.key_figure`) as ``figure.svg`` and ``figure.pdf``;
    empty when the figure cannot be drawn."""
    import numpy as np

    from analysis import plots

    figures: list[dict[str, bytes]] = []
    state = np.random.get_state()
    np.random.seed(0)  # the strip plot's jitter draws from numpy's global generator
    try:
        with _capture_figures(figures):
            view = plots.key_figure(result, posts, comments, language)
    finally:
        np.random.set_state(state)
    return figures[-1] if view.drawn and figures else {}


def write_figure(
    result: Any,
    posts: pd.DataFrame,
    comments: pd.DataFrame,
    out_dir: str | Path,
    language: str = "en",
) -> list[Path]:
    """Write :func:`figure_files` into ``out_dir``, each file atomically."""
    return _write(figure_files(result, posts, comments, language), Path(out_dir))


# -- from the notebook to the runner ---------------------------------------------------------

#: MIME type of the export files a report notebook hands to the runner (base64 of each file),
#: carried in the key figure's display output beside its ``text/html``: the pages show the HTML
#: only, so they are unchanged, and the runner publishes the files with the report.
EXPORTS_MIME = "application/vnd.dialogic.exports+json"


def display_figure(data: Any, result: Any, to_html: Any) -> None:
    """Display the key figure as :func:`analysis.report.views.show_figure` does (``to_html(view,
    language)``), and hand ``figure.svg``, ``figure.pdf`` (the same drawing as the PNG) and the
    descriptive tables to the runner in :data:`EXPORTS_MIME`."""
    import base64

    from IPython.display import display

    from analysis import plots

    figures: list[dict[str, bytes]] = []
    with _capture_figures(figures):
        view = plots.key_figure(result, data.posts, data.comments, data.language)
    files = dict(figures[-1]) if view.drawn and figures else {}
    files |= {k: v for k, v in table_files(result).items() if k.startswith("descriptives.")}
    bundle = {
        "text/html": to_html(view, data.language),
        "text/plain": "<IPython.core.display.HTML object>",  # what display(HTML(...)) writes
        EXPORTS_MIME: {k: base64.b64encode(v).decode("ascii") for k, v in sorted(files.items())},
    }
    display(bundle, raw=True)


def extract_files(nb: Any) -> dict[str, bytes]:
    """File name -> bytes of the :data:`EXPORTS_MIME` outputs of an executed notebook."""
    import base64

    files: dict[str, bytes] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            value = out.get("data", {}).get(EXPORTS_MIME)
            if isinstance(value, dict):
                files |= {str(k): base64.b64decode(v) for k, v in value.items()}
    return files
