"""Compare two folders of rendered reports, byte for byte, apart from what changes on every run.

Usage::

    .venv/bin/python scripts/compare_reports.py BASE NEW [--ignore REGEX ...] [--context N]

Every ``.html`` file (the reports and the study index) is compared as bytes after masking what a
rerun changes by itself: the recorded times and durations, the dates of "Generated on", hashes
(SHA-256, git commits, the index key), the ``dirty`` flag of the code, the commands that ran or
reproduce the report and the study file's path. ``results.json`` and ``provenance.json`` are
compared as JSON without their times, hashes of code and inputs, and paths. In each executed
notebook (``.ipynb``) the HTML its cells display (``text/html`` outputs, as the notebook's
``show_*`` functions wrote them, before nbconvert re-serialises them into the pages) is compared,
masked as the pages; its code, timings and other outputs are not. PDFs are not compared (fonts'
subsets and creation dates).

Prints every differing (or missing) file with a short unified diff of its first differences, and
exits 1 when there is any; 0 when the folders agree.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

#: (pattern, replacement) applied to every HTML file before comparing.
HTML_MASKS: list[tuple[str, str]] = [
    # ISO date-times (provenance "time", papermill's start and end)
    (r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", "<TIME>"),
    # the date of "Generated on 4 December 2026" / "Généré le 4 décembre 2026", and the date line
    # of the brief's provenance (the dates of the data are compared)
    (r"(Generated on|Généré le) \d{1,2}(er)? \w+ \d{4}", r"\1 <DATE>"),
    (r"(<dt>[^<]*</dt><dd>)\d{1,2}(er)? \w+ \d{4}(</dd>)", r"\1<DATE>\3"),
    # durations, where a page records them ("12.3 s")
    (r"(data-duration=\"|<time class=\"duration\">)[^\"<]*", r"\1<DURATION>"),
    # SHA-256, git commits and their short forms (10 or 12 hex digits)
    (r"\b[0-9a-f]{10,64}\b", "<HASH>"),
    (r"(&quot;|\")dirty(&quot;|\"): (true|false)", r"\1dirty\2: <DIRTY>"),
    # the command that ran the study and the one that reproduces a report
    (r"dialogic (run|reproduce) [^<\"]*", r"dialogic \1 <ARGS>"),
    # the study file's path in the index
    (r"<code>[^<]*\.ya?ml</code>", "<code><STUDY></code>"),
]

#: Keys dropped (at any depth) from results.json and provenance.json before comparing.
JSON_DROP = {
    "time",
    "start_time",
    "end_time",
    "duration",
    "duration_s",
    "elapsed",
    "elapsed_s",
    "seconds",
    "cache_key",
    "analysis_sha256",
    "git_commit",
    "dirty",
    "sha256",
    "lock_sha256",
    "command",
    "reproduce",
    "path",
    "output",
    "study_file",
}


def mask_html(text: str, extra: list[str]) -> str:
    for pattern, repl in HTML_MASKS:
        text = re.sub(pattern, repl, text)
    for pattern in extra:
        text = re.sub(pattern, "<IGNORED>", text)
    return text


def clean_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items() if k not in JSON_DROP}
    if isinstance(value, list):
        return [clean_json(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", value):
        return "<HASH>"
    return value


def notebook_html(path: Path) -> str:
    """The ``text/html`` outputs of a notebook's code cells, one a line, named by cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []) or []:
            markup = (output.get("data") or {}).get("text/html")
            if markup is not None:
                text = "".join(markup) if isinstance(markup, list) else str(markup)
                out.append(f"[cell {i}] {text}")
    return "\n".join(out)


def _lines(path: Path, extra: list[str]) -> list[str]:
    if path.suffix == ".ipynb":
        text = mask_html(notebook_html(path), extra)
        return re.sub(r">(?=<)", ">\n", text).splitlines(True)
    if path.suffix == ".json":
        data = clean_json(json.loads(path.read_text(encoding="utf-8")))
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False).splitlines(True)
    text = mask_html(path.read_text(encoding="utf-8"), extra)
    # one tag per line, so that a diff of a one-line page shows where it differs
    return re.sub(r">(?=<)", ">\n", text).splitlines(True)


def compared(folder: Path) -> set[str]:
    names = {"results.json", "provenance.json"}
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and (p.suffix in (".html", ".ipynb") or p.name in names)
    }


def compare(base: Path, new: Path, extra: list[str], context: int = 2, limit: int = 40) -> int:
    """Print the differences between ``base`` and ``new``; return how many files differ."""
    a, b = compared(base), compared(new)
    n = 0
    for name in sorted(a | b):
        if name not in b or name not in a:
            print(f"only in {'BASE' if name in a else 'NEW'}: {name}")
            n += 1
            continue
        old, cur = _lines(base / name, extra), _lines(new / name, extra)
        if old == cur:
            continue
        n += 1
        diff = list(
            difflib.unified_diff(old, cur, f"BASE/{name}", f"NEW/{name}", n=context, lineterm="")
        )
        print(f"DIFFERS: {name}")
        for line in diff[:limit]:
            print("    " + line.rstrip("\n")[:400])
        if len(diff) > limit:
            print(f"    ... ({len(diff) - limit} more diff lines)")
    total = len(a | b)
    print(f"{n} of {total} files differ" if n else f"all {total} files identical")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument(
        "--ignore", action="append", default=[], help="also mask this regex in HTML (repeatable)"
    )
    parser.add_argument("--context", type=int, default=2, help="lines of context in the diffs")
    args = parser.parse_args(argv)
    for folder in (args.base, args.new):
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder")
    return 1 if compare(args.base, args.new, args.ignore, args.context) else 0


if __name__ == "__main__":
    sys.exit(main())
