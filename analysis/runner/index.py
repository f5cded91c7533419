"""The study's index page: every report, its parameters and headline result, side by side.

``reports/<study>/index.html`` has one row per report of the study file: the hypothesis, the
value of each grid dimension in its own column (so a platform x period sweep reads across), the
effect with its CI, the one-sided p-value, the p-value adjusted across the whole study (Holm by
default, Benjamini-Hochberg with ``correction: bh``) with the verdict recomputed from it by
:func:`analysis.stats.result.decide`, and links to each audience and language. Failed reports are
flagged with a link to their failure page; their last good result (if any) still shows.

*The reports of the study* are the reports of the current plan **plus** every report folder in
the output folder whose ``provenance.json`` names this study (made by an earlier run with other
overrides, e.g. before ``-p "platforms=[x]"`` narrowed a grid dimension); those are marked "not in
this run's plan". The multiple-testing family is every listed report with a p-value, so narrowing
one run to a few reports changes neither the rows nor the adjusted p-values of the others.
Deleting a report folder removes it from the index and from the family.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.runner import hashing, multiverse
from analysis.runner.publish import FAILURE_PAGE, render_template

CORRECTION_TEXT = {
    "holm": "Holm method (family-wise error rate)",
    "bh": "Benjamini-Hochberg method (false discovery rate)",
    "none": "no correction",
}


def output_name(audience: str, language: str, languages: list[str]) -> str:
    """File name of one rendering: ``academic.html`` for the first language, ``academic.fr.html``
    else.

    The ``brief-pdf`` audience is the brief printed to PDF: ``brief.pdf``, ``brief.fr.pdf``.
    """
    stem, ext = ("brief", "pdf") if audience == "brief-pdf" else (audience, "html")
    return f"{stem}.{ext}" if language == languages[0] else f"{stem}.{language}.{ext}"


#: The study brief's file stem (:mod:`analysis.runner.study_brief`): ``study-brief.html``.
STUDY_BRIEF = "study-brief"


#: How the index (English, as its other words: :data:`CORRECTION_TEXT`) names the study brief.
STUDY_BRIEF_LABEL = "Study brief"
STUDY_BRIEF_ABOUT = "every verdict in plain words, the client's position and the recommendations"


def study_brief_links(study) -> list[tuple[str, list[tuple[str, str]]]]:
    """The study brief's files the index links, per language: ``[("EN", [("HTML",
    "study-brief.html"), ("PDF", "study-brief.pdf")]), ...]`` (the language label empty for a
    one-language study). Only files that exist: a brief never written is not linked."""
    languages = study.languages
    groups = []
    for lang in languages:
        page = output_name(STUDY_BRIEF, lang, languages)
        files = [("HTML", page), ("PDF", page[: -len(".html")] + ".pdf")]
        groups.append(
            (
                lang.upper() if len(languages) > 1 else "",
                [(kind, name) for kind, name in files if (study.output / name).is_file()],
            )
        )
    return [g for g in groups if g[1]]


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
    return {
        k: row.get(k)
        for k in (
            "estimate_name",
            "estimate",
            "ci_low",
            "ci_high",
            "p_value",
            "n_obs",
            "n_clusters",
            "unit",
            "alpha",
            "reliable",
            "kind",
            "equivalence_bound",
        )
    } | {"verdict": row.get("verdict") or record.get("verdict"), "_row": row}


def adjust(rows: list[dict[str, Any]], method: str) -> None:
    """Fill ``p_adjusted`` (and the adjusted verdict) of each row, across the whole study."""
    import math

    for r in rows:
        r["p_adjusted"] = None
    family = [
        r
        for r in rows
        if isinstance(r.get("p_value"), (int, float)) and math.isfinite(r["p_value"])
    ]
    if method == "none" or not family:
        return
    from statsmodels.stats.multitest import multipletests

    from analysis.stats.multiple import METHODS

    adjusted = multipletests([r["p_value"] for r in family], method=METHODS[method])[1]
    for r, p in zip(family, adjusted, strict=True):
        r["p_adjusted"] = float(p)
        row = dict(r["_row"], p_adjusted=float(p))
        if {"alpha", "reliable"} <= set(row):
            from analysis.stats.result import decide

            r["verdict"] = decide(row)


def _coverage_figure(record: dict[str, Any]) -> str:
    """``13 of ~467 reported replies (3 %)`` from a results.json record, '' when it has no
    audit."""
    cov = (
        (record.get("data") or {}).get("coverage")
        if isinstance(record.get("data"), dict)
        else None
    )
    if not isinstance(cov, dict) or cov.get("ratio") is None:
        return ""
    from analysis.coverage import figure

    return figure(cov)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def study_entries(study) -> list[dict[str, Any]]:
    """The reports the index lists: the current plan, then earlier reports of the study on disk.

    Each entry has ``name``, ``hypothesis``, ``claim``, ``grid``, ``in_plan`` and the
    ``audiences``/``languages`` its pages were made for. A folder counts as the study's when its
    ``provenance.json`` says ``"study": <name>``.
    """
    entries = [
        {
            "name": s.name,
            "hypothesis": s.hypothesis,
            "claim": s.claim,
            "grid": s.grid,
            "in_plan": True,
            "audiences": study.audiences,
            "languages": study.languages,
        }
        for s in study.reports
    ]
    planned = {e["name"] for e in entries}
    folders = (
        sorted(p for p in study.output.iterdir() if p.is_dir()) if study.output.is_dir() else []
    )
    for folder in folders:
        if folder.name in planned or folder.name.startswith("."):
            continue
        prov = _read_json(folder / "provenance.json")
        if prov.get("study") != study.name:
            continue
        entries.append(
            {
                "name": folder.name,
                "hypothesis": str(prov.get("hypothesis", "")),
                "claim": str(prov.get("claim", "")),
                "grid": prov.get("grid") or {},
                "in_plan": False,
                "audiences": prov.get("audiences") or study.audiences,
                "languages": prov.get("languages") or study.languages,
            }
        )
    return entries


def index_rows(study) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """The rows of the index (one per report of :func:`study_entries`, p-values not yet adjusted:
    :func:`adjust`) and the state that says when they change (name, cache key, failed, in plan).

    The study brief (:mod:`analysis.runner.study_brief`) reads the same rows, so its verdicts are
    the index's.
    """
    out = study.output
    rows, state = [], []
    entries = study_entries(study)
    for entry in entries:
        name, languages = entry["name"], entry["languages"]
        folder = out / name
        record = _read_json(folder / "results.json")
        key = _read_json(folder / "provenance.json").get("cache_key") if record else None
        failed = (folder / FAILURE_PAGE).is_file()
        # one line per language: "EN academic · brief · brief PDF"
        link_groups = [
            (
                lang.upper() if len(languages) > 1 else "",
                [
                    (aud.replace("-pdf", " PDF"), f"{name}/{output_name(aud, lang, languages)}")
                    for aud in entry["audiences"]
                    if (folder / output_name(aud, lang, languages)).is_file()
                ],
            )
            for lang in languages
        ]
        link_groups = [g for g in link_groups if g[1]]
        rows.append(
            {
                "name": name,
                "hypothesis": entry["hypothesis"],
                # a part of a split hypothesis (H4a) has no claim in the study file: its own from
                # the result
                "claim": entry["claim"] or str(headline(record)["_row"].get("claim") or ""),
                "grid": {k: _grid_text(v) for k, v in entry["grid"].items()},
                "in_plan": entry["in_plan"],
                "failed": failed,
                "link_groups": link_groups,
                "simulated": bool(record.get("simulated")),
                "why": record.get("inconclusive_reason"),
                "coverage": _coverage_figure(record),
                # the claim as the report words it in each language (results.json)
                "claims": (record.get("result") or {}).get("claims") or {},
                **headline(record),
            }
        )
        state.append([name, key, failed, entry["in_plan"]])
    return rows, state


def write_index(study, force: bool = False) -> Path:
    """(Re)write ``<output>/index.html`` for ``study``; skipped when nothing it shows has
    changed."""
    out = study.output
    entries = study_entries(study)
    rows, state = index_rows(study)
    brief_links = study_brief_links(study)
    grid_names = list(dict.fromkeys(k for e in entries for k in e["grid"]))
    index = out / "index.html"
    template = "".join(
        p.read_text(encoding="utf-8")  # the page and what it includes (style)
        for p in sorted((Path(__file__).parent / "templates").glob("*.j2"))
    )
    key = hashing.digest(
        [
            state,
            study.correction,
            study.title,
            study.audiences,
            study.languages,
            template,
            study.unavailable,
            brief_links,
            multiverse.cache_part(rows),  # what the specification curves show
        ]
    )
    if (
        not force
        and index.is_file()
        and (out / "index.csv").is_file()
        and multiverse.files_present(rows, out)
        and f'content="{key}"' in index.read_text(encoding="utf-8")
    ):
        return index
    adjust(rows, study.correction)
    curves = multiverse.index_section(rows, out)  # specification curves (+ their SVG files)
    from analysis.report.exports import index_files

    for filename, data in index_files(rows, study.title).items():  # for papers: .csv .tex .md
        hashing.atomic_write(out / filename, data)
    from analysis.runner.provenance import code_version, relative

    html = render_template(
        "index.html.j2",
        key=key,
        title=study.title,
        study_file=relative(study.path),
        rows=rows,
        grid_names=grid_names,
        correction_text=CORRECTION_TEXT[study.correction],
        unavailable=list(study.unavailable.values()),
        earlier=sum(not r["in_plan"] for r in rows),
        simulated=any(r["simulated"] for r in rows),
        code=code_version()["git_commit"][:10],
        brief_links=brief_links,
        two_sided=any((r.get("_row") or {}).get("direction") == "two-sided" for r in rows),
        brief_label=STUDY_BRIEF_LABEL,
        brief_about=STUDY_BRIEF_ABOUT,
        curves=curves,
    )
    hashing.atomic_write(index, html.encode())
    return index
