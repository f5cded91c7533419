"""The study's index page: every report, its parameters and headline result, side by side.

``reports/<study>/index.html`` has one row per report of the study file: the hypothesis, the
value of each grid dimension in its own column (so a platform x period sweep reads across), the
effect with its CI, the one-sided p-value, the p-value adjusted across the whole study (Holm by
default, Benjamini-Hochberg with ``correction: bh``) with the verdict recomputed from it by
:func:`analysis.stats.result.decide`, and links to each audience and language. Failed reports are
flagged with a link to their failure page; their last good result (if any) still shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.runner import hashing
from analysis.runner.publish import FAILURE_PAGE, render_template

CORRECTION_TEXT = {"holm": "Holm method (family-wise error rate)",
                   "bh": "Benjamini-Hochberg method (false discovery rate)",
                   "none": "no correction"}


def output_name(audience: str, language: str, languages: list[str]) -> str:
    """File name of one rendering: ``academic.html`` for the first language, ``academic.fr.html`` else.

    The ``brief-pdf`` audience is the brief printed to PDF: ``brief.pdf``, ``brief.fr.pdf``.
    """
    stem, ext = ("brief", "pdf") if audience == "brief-pdf" else (audience, "html")
    return f"{stem}.{ext}" if language == languages[0] else f"{stem}.{language}.{ext}"


def _grid_text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("label") or ", ".join(f"{k}={v}" for k, v in value.items()))
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "all"
    return str(value)


def headline(record: dict[str, Any]) -> dict[str, Any]:
    """The numbers the index shows, from a ``results.json`` record (the result table row)."""
    result = record.get("result") if isinstance(record.get("result"), dict) else record
    row = result.get("table") if isinstance(result.get("table"), dict) else result
    return {k: row.get(k) for k in ("estimate_name", "estimate", "ci_low", "ci_high", "p_value", "n_obs",
                                    "alpha", "reliable", "kind", "equivalence_bound")} | {
        "verdict": row.get("verdict") or record.get("verdict"), "_row": row}


def adjust(rows: list[dict[str, Any]], method: str) -> None:
    """Fill ``p_adjusted`` (and the adjusted verdict) of each row, across the whole study."""
    import math

    for r in rows:
        r["p_adjusted"] = None
    family = [r for r in rows if isinstance(r.get("p_value"), (int, float)) and math.isfinite(r["p_value"])]
    if method == "none" or not family:
        return
    from statsmodels.stats.multitest import multipletests

    from analysis.stats.multiple import METHODS

    adjusted = multipletests([r["p_value"] for r in family], method=METHODS[method])[1]
    for r, p in zip(family, adjusted):
        r["p_adjusted"] = float(p)
        row = dict(r["_row"], p_adjusted=float(p))
        if {"alpha", "reliable"} <= set(row):
            from analysis.stats.result import decide

            r["verdict"] = decide(row)


def write_index(study, force: bool = False) -> Path:
    """(Re)write ``<output>/index.html`` for ``study``; skipped when nothing it shows has changed."""
    out = study.output
    rows, state = [], []
    for spec in study.reports:
        folder = out / spec.name
        record, key = {}, None
        if (folder / "results.json").is_file():
            record = json.loads((folder / "results.json").read_text())
            key = json.loads((folder / "provenance.json").read_text()).get("cache_key")
        failed = (folder / FAILURE_PAGE).is_file()
        links = [(f"{aud.replace('-pdf', ' PDF')} ({lang})" if len(study.languages) > 1 else aud.replace("-pdf", " PDF"),
                  f"{spec.name}/{output_name(aud, lang, study.languages)}")
                 for lang in study.languages for aud in study.audiences
                 if (folder / output_name(aud, lang, study.languages)).is_file()]
        rows.append({"name": spec.name, "hypothesis": spec.hypothesis, "claim": spec.claim,
                     "grid": {k: _grid_text(v) for k, v in spec.grid.items()},
                     "failed": failed, "links": links, "simulated": bool(record.get("simulated")),
                     **headline(record)})
        state.append([spec.name, key, failed])
    index = out / "index.html"
    template = (Path(__file__).parent / "templates" / "index.html.j2").read_text(encoding="utf-8")
    key = hashing.digest([state, study.correction, study.title, study.audiences, study.languages, template])
    if not force and index.is_file() and f'content="{key}"' in index.read_text(encoding="utf-8"):
        return index
    adjust(rows, study.correction)
    from analysis.runner.provenance import code_version, relative

    html = render_template(
        "index.html.j2", key=key, title=study.title, study_file=relative(study.path), rows=rows,
        grid_names=study.grid_names, correction_text=CORRECTION_TEXT[study.correction],
        simulated=any(r["simulated"] for r in rows), code=code_version()["git_commit"][:10])
    hashing.atomic_write(index, html.encode())
    return index
