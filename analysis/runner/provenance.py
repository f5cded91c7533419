"""Provenance: what made a report, recorded in ``provenance.json`` and shown in the HTML.

Each report says which parameters, which input files (by content hash), which package versions
(the exact lock), which code version (git commit, and whether the tree had uncommitted changes)
it was made from, when, and the one command that reproduces it.
"""

from __future__ import annotations

import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis import __version__, config
from analysis._io import relative_to_root
from analysis.runner import hashing

#: Packages whose versions every report names (the full set is fixed by the lock file's hash).
PACKAGES = (
    "dialogic",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "lifelines",
    "dask",
    "distributed",
)


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Installed version of each package of :data:`PACKAGES` (``"absent"`` when not installed)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def code_version() -> dict[str, Any]:
    """Git commit of the project and whether the working tree differs from it."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "HEAD")
    dirty = bool(
        git("status", "--porcelain", "--untracked-files=no", "--", "analysis", "notebooks")
    )
    return {
        "git_commit": commit or "unknown",
        "dirty": dirty,
        "analysis_version": __version__,
        "analysis_sha256": hashing.code_hash(),
    }


def now_utc() -> str:
    """The current UTC time, ISO 8601 to the second (the only field that differs between
    reruns)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def relative(path: Path) -> str:
    """``path`` relative to the project root when inside it (provenance stays valid on another
    clone)."""
    return relative_to_root(path)


def reproduce_command(study_path: Path, report: str, overrides: dict[str, Any]) -> str:
    """The one command that rebuilds this report from the study file (with the same overrides)."""
    args = ["dialogic", "run", relative(study_path), "--only", report, "--force"]
    for name, value in overrides.items():
        args += [
            "-p",
            f"{name}={hashing.canonical_json(value) if not isinstance(value, str) else value}",
        ]
    return shlex.join(args)


def build(
    *,
    study,
    spec,
    inputs: dict[str, str],
    notebook_sha: str,
    cache_key: str,
    engine: str,
    code: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The provenance record of one report (everything but ``time`` is the same on a rerun);
    ``code`` is :func:`code_version`, computed once per run by the caller."""
    return deep_sorted(
        {
            "study": study.name,
            "report": spec.name,
            "hypothesis": spec.hypothesis,
            "claim": spec.claim,
            "grid": _json_safe(spec.grid),  # a YAML date in a grid value is recorded as ISO text
            "parameters": _json_safe(spec.parameters),
            "notebook": {"path": relative(spec.notebook), "sha256": notebook_sha},
            "data": {
                "parameter": study.data_parameter,
                "path": str(spec.parameters.get(study.data_parameter, "")),
                "sha256": hashing.digest(inputs),
                "files": inputs,
            },
            "environment": {
                "lock_file": relative(config.LOCK_FILE),
                "lock_sha256": hashing.lock_hash(),
                "python": platform.python_version(),
                "platform": sys.platform,
                "packages": package_versions(),
            },
            "code": code or code_version(),
            "audiences": study.audiences,
            "languages": study.languages,
            "engine": engine,
            "time": now_utc(),
            "command": reproduce_command(study.path, spec.name, study.overrides),
            "reproduce": f"dialogic reproduce {relative(study.output / spec.name)}",
            "cache_key": cache_key,
        }
    )


def _json_safe(value: Any) -> Any:
    """``value`` as JSON gives it back (dates as ISO text), so ``provenance.json`` can be
    written."""
    import json

    return json.loads(hashing.canonical_json(value))


def deep_sorted(value: Any) -> Any:
    """Dicts with sorted keys at every level: the record renders in the same order whether it comes
    from a run or back from ``provenance.json`` (written with sorted keys)."""
    if isinstance(value, dict):
        return {k: deep_sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [deep_sorted(v) for v in value]
    return value
