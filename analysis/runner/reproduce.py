"""``dialogic reproduce <report>``: rerun a report from its provenance and compare.

The report folder is left untouched. The notebook is executed again with the recorded
parameters (a fresh kernel from a warm factory, as in a run), rendered for the recorded audiences
and languages, and compared with what the folder holds:

- ``results.json`` must be byte-identical;
- each HTML page must be identical once the recorded time (and the run date the page prints)
  is masked, the only thing that differs between two runs of the same report.

It also says which recorded inputs differ now (notebook, data files, lock file, package code), so a
difference can be traced to its cause.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import config
from analysis._io import from_root
from analysis.runner import hashing, provenance
from analysis.runner import study as study_module
from analysis.runner.errors import EXIT_NOT_IDENTICAL, EXIT_OK, FAILURE_EXIT_CODES, StudyError
from analysis.runner.index import output_name

# ISO timestamps and the dates a page prints (e.g. "22 November 2025", "22 novembre 2025",
# 2025-11-22).
_TIME_PATTERNS = [
    re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?"),
    re.compile(rb"\b\d{1,2}(?:er)? [A-Za-z\xc3\xa9\xc3\xbb]+\.? \d{4}\b"),
    re.compile(rb"\b\d{4}-\d{2}-\d{2}\b"),
]


@dataclass
class Verdict:
    """Outcome of a reproduction: files compared, differences, changed inputs, exit code."""

    report: str
    identical: list[str] = field(default_factory=list)
    different: dict[str, str] = field(default_factory=dict)  # file -> first differing line
    changed_inputs: list[str] = field(default_factory=list)
    failure: str = ""
    failure_kind: str = ""

    @property
    def exit_code(self) -> int:
        if self.failure:
            return FAILURE_EXIT_CODES.get(self.failure_kind, EXIT_NOT_IDENTICAL)
        return EXIT_NOT_IDENTICAL if self.different else EXIT_OK

    def lines(self) -> list[str]:
        out = []
        if self.changed_inputs:
            out.append(
                "inputs changed since the report was made: " + ", ".join(self.changed_inputs)
            )
        if self.failure:
            out.append(f"NOT REPRODUCED: the rerun failed: {self.failure}")
            return out
        for name in self.identical:
            out.append(f"identical  {name}")
        for name, diff in self.different.items():
            out.append(f"DIFFERENT  {name}: {diff}")
        out.append(
            f"{self.report}: "
            + (
                "results identical (HTML identical apart from the recorded time)"
                if not self.different
                else "NOT identical"
            )
        )
        return out


def mask_times(data: bytes) -> bytes:
    """``data`` with timestamps and printed dates replaced by ``<time>``."""
    for pattern in _TIME_PATTERNS:
        data = pattern.sub(b"<time>", data)
    return data


def _first_difference(old: bytes, new: bytes) -> str:
    a = old.decode("utf-8", "replace").splitlines()
    b = new.decode("utf-8", "replace").splitlines()
    for line in difflib.unified_diff(a, b, lineterm="", n=0):
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
            return line[:200]
    return "lengths differ"


def _changed_inputs(prov: dict[str, Any], notebook: Path, data_dir: Path | None) -> list[str]:
    changed = []
    if hashing.file_sha256(notebook) != prov["notebook"]["sha256"]:
        changed.append(f"notebook {prov['notebook']['path']}")
    if data_dir is not None and data_dir.exists():
        now = hashing.tree_hashes(data_dir)
        diff = sorted(
            k
            for k in set(now) | set(prov["data"]["files"])
            if now.get(k) != prov["data"]["files"].get(k)
        )
        changed += [f"data file {k}" for k in diff]
    if hashing.lock_hash() != prov["environment"]["lock_sha256"]:
        changed.append("requirements.lock")
    if hashing.code_hash() != prov["code"]["analysis_sha256"]:
        changed.append("analysis package code")
    return changed


def reproduce_report(
    report_dir: str | Path, progress: Callable[[str], None] = lambda line: None
) -> Verdict:
    """Rerun the report in ``report_dir`` and compare it with the recorded files (see module
    docstring)."""
    from analysis.runner.backends import run_local
    from analysis.runner.kernels import notebook_imports
    from analysis.runner.parameters import declared_parameters

    folder = Path(report_dir)
    try:
        prov = json.loads((folder / "provenance.json").read_text())
    except (OSError, ValueError) as exc:
        raise StudyError(
            f"{folder} has no readable provenance.json ({exc}); give a report folder "
            f"such as reports/demo/h1"
        ) from None
    notebook = config.PROJECT_ROOT / prov["notebook"]["path"]
    if not notebook.is_file():
        raise StudyError(
            f"the notebook {notebook} recorded in {folder}/provenance.json no longer exists"
        )
    data_path = prov["data"].get("path")
    data_dir = None
    if data_path:
        data_dir = from_root(data_path)
    verdict = Verdict(prov["report"], changed_inputs=_changed_inputs(prov, notebook, data_dir))
    languages, audiences = prov["languages"], prov["audiences"]
    if (
        "brief-pdf" in audiences and not Path(study_module.CHROMIUM).exists()
    ):  # PDFs are not compared anyway
        audiences = [a for a in audiences if a != "brief-pdf"]
        progress(
            f"WARNING: {study_module.CHROMIUM} is not installed (apt-get install chromium): "
            "the PDF is not reprinted"
        )
    params = dict(sorted(prov["parameters"].items()))
    variants = (
        {lang: {**params, "language": lang} for lang in languages}
        if "language" in declared_parameters(notebook) and params.get("language") == languages[0]
        else {None: params}
    )
    new_prov = dict(prov, time=provenance.now_utc())
    text = notebook.read_text(encoding="utf-8")
    jobs = [
        {
            "report": prov["report"],
            "language": lang,
            "notebook": str(notebook),
            "notebook_json": text,
            "parameters": p,
            "primary": i == 0,
            "provenance": new_prov,
            "preload": notebook_imports([notebook]),
            "outputs": [
                [a, lg, output_name(a, lg, languages)]
                for lg in ([lang] if lang else languages)
                for a in audiences
            ],
        }
        for i, (lang, p) in enumerate(variants.items())
    ]
    progress(f"reproducing {folder} ({len(jobs)} execution{'s' if len(jobs) > 1 else ''})")
    files: dict[str, bytes] = {}
    for outcome in run_local(jobs, workers=1):
        if not outcome["ok"]:
            err = outcome["error"]
            verdict.failure = f"{err.get('ename')}: {err.get('evalue')}"
            verdict.failure_kind = outcome["kind"]
            return verdict
        files.update(outcome["files"])
    for name, new in sorted(files.items()):
        if name == "notebook.ipynb" or name.endswith(".pdf"):
            # timestamps by design (execution, PDF creation); compared through the HTML pages
            continue
        old_path = folder / name
        if not old_path.is_file():
            verdict.different[name] = "missing in the recorded report"
            continue
        old = old_path.read_bytes()
        if name.endswith(".html"):
            old = mask_times(old.replace(prov["time"].encode(), b"<time>"))
            new = mask_times(new.replace(new_prov["time"].encode(), b"<time>"))
        if old == new:
            verdict.identical.append(name)
        else:
            verdict.different[name] = _first_difference(old, new)
    return verdict
