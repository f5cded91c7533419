"""Study files: what to run, expanded into one :class:`ReportSpec` per report.

A study file (YAML, in ``studies/``) names the data, the notebook, the hypotheses with their
parameters, a grid to sweep, the audiences and languages, and the output folder::

    name: demo                               # folder under reports/ and prefix of nothing else
    title: Dialogic demo study
    notebook: notebooks/hypothesis.ipynb     # relative to the project root
    data: data/processed/demo                # passed to the notebook as `data_dir`
    output: reports/demo
    audiences: [academic, brief]
    languages: [en, fr]                      # the first one is the notebook's `language`
    correction: holm                         # multiple testing across the study: holm | bh | none
    coverage_threshold: 0.8                  # share of the reported comments the data must hold
    cache_code: true                         # a change to the analysis package reruns the reports
    parameters: {alpha: 0.05}                # every report
    groups: {file: data/raw/groups.csv, focal: newsroom, reference: journalist}  # docs/groups.md
    preregistration: preregistrations/demo-2026-12-04.json  # the frozen plan, docs/prereg.md
    grid:                                    # one report per combination, per hypothesis
      platforms: [[facebook], [twitter]]
      period:                                # a mapping value sets several parameters at once;
        - {label: 2024H1, start: "2024-01-01", end: "2024-06-30"}   # `label` names it
        - {label: 2024H2, start: "2024-07-01", end: "2024-12-31"}
    hypotheses:
      - id: H1                               # `hypothesis: H1` is implied for catalogue ids
      - id: promo-replies
        claim: promotional posts get fewer replies
        parameters: {hypothesis: generic, outcome: replies, unit: post,
                     contrast: is_promotional, direction: less}

Precedence of parameter values (later wins): notebook default < study ``parameters`` <
hypothesis ``parameters`` < grid value < ``-f params.yaml`` < ``-p name=value``. An override of
a grid dimension replaces the sweep by that one value.

A report's name shows what made it: the hypothesis id, then ``name=value`` for each grid
dimension (``h1__platforms=facebook__period=2024H1``), so figures and files never collide and
the folder says what is inside. A grid value that is a mapping sets each of its keys as a
parameter (``label`` only names it), so a period sweeps ``start`` and ``end`` together.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis import config
from analysis._io import from_root
from analysis.runner.errors import ParameterError, StudyError

#: Settings of a study, from :mod:`analysis.config` (one place for every setting).
AUDIENCES = config.AUDIENCES  # brief-pdf: the client brief printed to PDF by chromium
#: The browser that prints ``brief-pdf`` (read here from the config so that checking it does not
#: import the renderer, seconds); ``DIALOGIC_CHROMIUM`` names another browser.
CHROMIUM = config.CHROMIUM
CORRECTIONS = config.CORRECTIONS  # bh = Benjamini-Hochberg (false discovery rate)
_KEYS = {
    "name",
    "title",
    "notebook",
    "data",
    "data_parameter",
    "output",
    "audiences",
    "languages",
    "correction",
    "parameters",
    "grid",
    "hypotheses",
    "description",
    "cache_code",
    "coverage_threshold",
    "groups",
    "preregistration",
}
_HYPOTHESIS_KEYS = {"id", "claim", "claim_fr", "parameters", "notebook"}
_CATALOGUE_ID = re.compile(r"^H\d+[a-z]?$")
#: Catalogue ids that stand for several claims (a copy of ``analysis.stats.hypotheses.SPLIT``, kept
#: equal by a test, so that reading a study does not import statsmodels): ``- id: H4`` makes one
#: report per part, each with the part's own claim (a claim written on the whole is not reused).
SPLIT = {"H4": ("H4a", "H4b")}


def _split_entries(entries: list) -> list:
    """The study's hypothesis entries with each id of :data:`SPLIT` replaced by its parts."""
    out = []
    for entry in entries:
        hid = (
            entry
            if isinstance(entry, str)
            else entry.get("id")
            if isinstance(entry, dict)
            else None
        )
        if hid in SPLIT and not (
            isinstance(entry, dict) and (entry.get("parameters") or {}).get("hypothesis")
        ):
            base = (
                {k: v for k, v in entry.items() if k not in ("claim", "claim_fr")}
                if isinstance(entry, dict)
                else {}
            )
            out += [dict(base, id=part) for part in SPLIT[hid]]
        else:
            out.append(entry)
    return out


@dataclass
class ReportSpec:
    """One report to produce: a notebook, its full parameters and where it goes.

    Attributes
    ----------
    name : str
        Folder name under the study's output, e.g. ``h1__platforms=facebook``.
    hypothesis : str
        Hypothesis id from the study file.
    claim : str
        The hypothesis in words (shown in the index; passed to the notebook as ``claim`` when
        its parameters cell declares it).
    grid : dict
        This report's value of each grid dimension (shown side by side in the index).
    parameters : dict
        Every parameter passed to papermill (study, hypothesis, grid and overrides merged).
    notebook : Path
        Absolute path of the notebook.
    claim_fr : str
        The claim in French (``claim_fr`` in the study file; the notebook's ``claim_fr``).
    """

    name: str
    hypothesis: str
    claim: str
    grid: dict[str, Any]
    parameters: dict[str, Any]
    notebook: Path
    claim_fr: str = ""


@dataclass
class Study:
    """A parsed study file with the command-line overrides applied (see module docstring)."""

    path: Path
    name: str
    title: str
    notebook: Path
    data_parameter: str
    output: Path
    audiences: list[str]
    languages: list[str]
    correction: str
    overrides: dict[str, Any]
    cache_code: bool = True
    #: share of the platform-reported comments the data must hold (analysis.coverage); below it
    #: the run stops before any kernel unless ``allow_low_coverage``
    #: (``dialogic run --allow-low-coverage``)
    coverage_threshold: float = config.DEFAULT_COVERAGE_THRESHOLD
    allow_low_coverage: bool = False
    reports: list[ReportSpec] = field(default_factory=list)
    #: audience -> why it is skipped on this machine (e.g. brief-pdf without chromium)
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def grid_names(self) -> list[str]:
        return list(dict.fromkeys(k for r in self.reports for k in r.grid))


def _resolve(path: str | Path) -> Path:
    return from_root(path)


def parse_value(text: str, name: str = "") -> Any:
    """A command-line value as YAML reads it: ``3`` -> 3, ``0.5`` -> 0.5, ``true`` -> True,
    ``[a, b]`` -> ['a', 'b'], ``2024-01-01`` -> a date (given back as ISO text to a ``str``
    parameter, see :func:`analysis.runner.parameters.check_parameters`), anything else a string.

    Raises
    ------
    ParameterError
        Naming the parameter when the text is not valid YAML (``[a``) or looks like a date or a
        time that does not exist (``2024-13-01``: YAML's date reader raises ValueError).
    """
    try:
        return yaml.safe_load(text) if text.strip() else ""
    except (yaml.YAMLError, ValueError) as exc:
        problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ParameterError(
            f"-p {name}={text}: the value of parameter `{name}` cannot be read ({problem}). "
            "A date must "
            f"exist (YYYY-MM-DD, e.g. 2024-03-31); to pass the text as it is, quote it: "
            f"-p '{name}=\"{text}\"'"
        ) from None


def parse_overrides(pairs=(), files=()) -> dict[str, Any]:
    """Merge ``-f params.yaml`` files then ``-p name=value`` pairs into one dict (later wins)."""
    out: dict[str, Any] = {}
    for f in files:
        try:
            data = yaml.safe_load(Path(f).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise StudyError(f"cannot read parameters file {f}: {exc}") from None
        except ValueError as exc:  # YAML's date reader: `start: 2024-13-01`
            raise ParameterError(
                f"parameters file {f}: a value cannot be read ({exc}); a date must exist "
                f"(YYYY-MM-DD, e.g. 2024-03-31), or quote the value to pass it as text"
            ) from None
        if not isinstance(data, dict):
            raise StudyError(
                f"parameters file {f} must be a mapping `name: value`, got {type(data).__name__}"
            )
        out.update(data)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise StudyError(f"-p {pair!r}: write -p name=value, e.g. -p alpha=0.01")
        out[name.strip()] = parse_value(value, name.strip())
    return out


def _slug(value: Any) -> str:
    if isinstance(value, dict):
        text = str(value.get("label") or "_".join(_slug(v) for k, v in value.items()))
    elif isinstance(value, (list, tuple)):
        text = "+".join(str(v) for v in value) or "all"
    elif value in ("", None):
        text = "none"
    else:
        text = str(value)
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", text).strip("-") or "x"


def report_name(hypothesis: str, grid: dict[str, Any]) -> str:
    """Folder name of a report: ``<hypothesis>__<name>=<value>...`` (safe on every file system)."""
    parts = [_slug(hypothesis).lower()] + [f"{_slug(k)}={_slug(v)}" for k, v in grid.items()]
    return "__".join(parts)


#: longest folder name a report may get (file systems allow 255 bytes; ``@pid`` is added in
#: staging)
MAX_NAME_BYTES = 200


def _folder_problem(text: str) -> str | None:
    """Why ``text`` cannot be one folder name under the output, or None when it can."""
    if not text.strip():
        return "is empty"
    if "/" in text or "\\" in text or "\0" in text:
        return "contains a path separator"
    if ".." in text:
        return "contains `..`"
    if text.startswith("."):
        return "starts with `.` (hidden folders such as .staging are the runner's own)"
    if len(text.encode()) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    return None


def check_name(study_path: Path, key: str, value: str, fix: str) -> str:
    """``value`` as a folder name, or a StudyError naming the file, the key and the fix."""
    problem = _folder_problem(value)
    if problem:
        raise StudyError(
            f"{study_path}: `{key}` {value!r} {problem}; it names a folder under the output, "
            "so it "
            f"must be one plain name. {fix}"
        )
    return value


def resolve_output(study_path: Path, value: Any) -> Path:
    """The study's output folder: under the project's reports folder, or an explicit absolute
    folder.

    A relative ``output:`` is read from the project root and must stay inside
    :data:`analysis.config.REPORTS_DIR`; an absolute one is taken as given. Neither may contain
    ``..``.
    """
    text = str(value)
    p = Path(text).expanduser()
    fix = (
        f"write `output: reports/<folder>` (inside {config.REPORTS_DIR}) or an absolute folder "
        "such as "
        f"`output: /srv/dialogic/reports`"
    )
    if ".." in p.parts or "\0" in text or not text.strip():
        raise StudyError(
            f"{study_path}: `output` {text!r} "
            f"{'contains `..`' if '..' in p.parts else 'is not a folder'}; "
            f"{fix}"
        )
    if p.is_absolute():
        return p
    out = (config.PROJECT_ROOT / p).resolve()
    reports = Path(config.REPORTS_DIR).resolve()
    if out == reports or reports not in out.parents:
        raise StudyError(
            f"{study_path}: `output` {text!r} is not a folder inside {config.REPORTS_DIR}; {fix}"
        )
    return config.PROJECT_ROOT / p


def _as_list(study_path: Path, key: str, value: Any, allowed=None) -> list:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise StudyError(f"{study_path}: `{key}` is empty; list at least one value")
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise StudyError(f"{study_path}: `{key}` has {bad}; use any of {list(allowed)}")
    return values


def _drop_unavailable_audiences(study: Study) -> None:
    """Skip ``brief-pdf`` when chromium is missing: the HTML reports are still worth making.

    Decided here, before any plan, so the cache key names only what is made (the reports rerun
    and gain their PDFs once chromium is installed); ``study.unavailable`` says why, for the
    run's warning and the index.
    """
    if "brief-pdf" in study.audiences and not Path(CHROMIUM).exists():
        study.audiences = [a for a in study.audiences if a != "brief-pdf"]
        study.unavailable["brief-pdf"] = (
            f"the brief as PDF is not available: {CHROMIUM} is not installed "
            "(apt-get install chromium); "
            f"the HTML reports are made"
        )
        if not study.audiences:
            raise StudyError(
                f"{study.path}: `audiences` asks only for brief-pdf, which needs {CHROMIUM}; "
                f"install it (apt-get install chromium) or add brief"
            )


@dataclass
class StudyFile:
    """A study file read and checked, before its grid is expanded into reports.

    Attributes
    ----------
    study : Study
        Every setting of the study, its ``reports`` still empty.
    notebook : Path
        The study's notebook (a hypothesis may name its own).
    shared : dict
        The parameters of every report (``parameters``, and ``data`` as the data parameter).
    grid : dict
        Grid dimension -> its values (an override of a dimension replaces the sweep by it).
    hypotheses : list
        The ``hypotheses`` entries as written (ids of :data:`SPLIT` not yet split).
    preregistration : str
        The ``preregistration`` plan file (``dialogic prereg``), ``""`` without one: the
        notebook parameter ``preregistration`` of every report whose notebook declares it.
    groups : dict
        The notebook parameters of the ``groups`` key (:func:`group_parameters`), given to
        every report whose notebook declares them (a benchmark report compares no groups).
    """

    study: Study
    notebook: Path
    shared: dict[str, Any]
    grid: dict[str, list]
    hypotheses: list
    preregistration: str = ""
    groups: dict[str, Any] = field(default_factory=dict)


def load_study(path: str | Path, overrides: dict[str, Any] | None = None) -> Study:
    """Read a study file and expand it into its reports (no kernel, no data read).

    Parameters
    ----------
    path : str or Path
        The study YAML.
    overrides : dict, optional
        Command-line values (``-f`` then ``-p``), applied last to every report.

    Raises
    ------
    StudyError
        Naming the file, the key and the fix, for a missing file, an unknown key, an empty
        hypothesis list, a grid dimension that is not a list.
    """
    parsed = parse_study(Path(path), dict(overrides or {}))
    parsed.study.reports = expand_reports(parsed)
    return parsed.study


def read_study_file(path: Path) -> dict[str, Any]:
    """The study file's YAML mapping, with only known keys (:class:`StudyError` otherwise)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyError(
            f"study file {path} does not exist; see studies/demo.yaml for an example"
        ) from None
    except (
        yaml.YAMLError,
        ValueError,
    ) as exc:  # ValueError: a date that does not exist (2024-13-01)
        raise StudyError(f"study file {path} is not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise StudyError(
            f"study file {path} must be a mapping with keys like name, notebook, hypotheses"
        )
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise StudyError(f"{path}: unknown key(s) {unknown}; a study file takes {sorted(_KEYS)}")
    return raw


def parse_study(path: Path, overrides: dict[str, Any]) -> StudyFile:
    """Read and check the study file at ``path`` (every setting; the reports come from
    :func:`expand_reports`)."""
    raw = read_study_file(path)
    name = check_name(
        path,
        "name",
        str(raw.get("name") or path.stem),
        "Use letters, digits, `-` or `_`, e.g. `name: demo` (it becomes reports/demo/).",
    )
    notebook = _resolve(raw.get("notebook", config.NOTEBOOKS_DIR / "hypothesis.ipynb"))
    if not notebook.is_file():
        raise StudyError(f"{path}: notebook {notebook} does not exist; fix `notebook:`")
    data_parameter = str(raw.get("data_parameter", "data_dir"))
    shared = dict(raw.get("parameters") or {})
    if "data" in raw:
        shared[data_parameter] = str(raw["data"])
    groups = group_parameters(path, raw.get("groups"))
    preregistration = str(raw.get("preregistration") or "")
    grid = _parse_grid(path, raw, overrides)
    hypotheses = raw.get("hypotheses") or []
    if not hypotheses:
        raise StudyError(f"{path}: `hypotheses` is empty; add at least `- id: H1`")
    languages = [str(v) for v in _as_list(path, "languages", raw.get("languages", ["en"]))]
    study = Study(
        path=path,
        name=name,
        title=str(raw.get("title", name)),
        notebook=notebook,
        data_parameter=data_parameter,
        output=resolve_output(path, raw["output"])
        if "output" in raw
        else config.REPORTS_DIR / name,
        audiences=[
            str(v)
            for v in _as_list(
                path, "audiences", raw.get("audiences", ["academic", "brief"]), AUDIENCES
            )
        ],
        languages=languages,
        correction=str(raw.get("correction", "holm")),
        overrides=overrides,
        cache_code=bool(raw.get("cache_code", True)),
    )
    study.coverage_threshold = _coverage_threshold(path, raw)
    _drop_unavailable_audiences(study)
    if study.correction not in CORRECTIONS:
        raise StudyError(
            f"{path}: correction {study.correction!r}; use one of {list(CORRECTIONS)}"
        )
    return StudyFile(study, notebook, shared, grid, hypotheses, preregistration, groups)


def _parse_grid(path: Path, raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, list]:
    """The ``grid`` mapping checked; an override of a dimension replaces its sweep."""
    grid = raw.get("grid") or {}
    if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
        raise StudyError(
            f"{path}: `grid` must map each parameter to a non-empty list of values, "
            f"e.g. grid: {{start: ['2024-01-01', '2024-04-01']}}"
        )
    return {k: ([overrides[k]] if k in overrides else list(v)) for k, v in grid.items()}


#: ``groups:`` keys of a study file -> the notebook parameter each sets (``names`` apart).
_GROUP_KEYS = {
    "column": "group_column",
    "file": "group_file",
    "focal": "focal_group",
    "reference": "reference_group",
}


def group_parameters(path: Path, groups: Any) -> dict[str, Any]:
    """The notebook parameters a study's ``groups:`` mapping sets (empty without one).

    ``file`` (a CSV ``account_id,group``, relative to the project root) implies
    ``column: account_group``; ``names`` maps each language to the two groups' words
    (``en: [newsrooms, journalists]``, ``fr: [les rédactions, les journalistes]``)::

        groups:
          file: data/raw/groups.csv
          focal: newsroom
          reference: journalist
          names: {en: [newsrooms, journalists], fr: [les rédactions, les journalistes]}
    """
    if groups is None:
        return {}
    example = (
        "e.g. groups: {file: data/raw/groups.csv, focal: newsroom, reference: journalist, "
        "names: {en: [newsrooms, journalists]}}"
    )
    if not isinstance(groups, dict):
        raise StudyError(f"{path}: `groups` must be a mapping, {example}")
    unknown = sorted(set(groups) - set(_GROUP_KEYS) - {"names"})
    if unknown:
        raise StudyError(
            f"{path}: groups: unknown key(s) {unknown}; use {sorted([*_GROUP_KEYS, 'names'])}"
        )
    missing = [k for k in ("focal", "reference") if not groups.get(k)]
    if missing:
        raise StudyError(f"{path}: groups: give {' and '.join(missing)}, {example}")
    out = {param: str(groups[key]) for key, param in _GROUP_KEYS.items() if key in groups}
    if "file" in groups:
        out.setdefault("group_column", "account_group")
    names = groups.get("names") or {}
    if not isinstance(names, dict):
        raise StudyError(f"{path}: groups: `names` must map a language to two words, {example}")
    for language, words in names.items():
        if not (isinstance(words, list) and len(words) == 2 and all(words)):
            raise StudyError(
                f"{path}: groups: names.{language} must be two words, the focal then the "
                f"reference group, e.g. {language}: [newsrooms, journalists]"
            )
        suffix = "" if language == "en" else f"_{language}"
        out[f"focal_name{suffix}"], out[f"reference_name{suffix}"] = map(str, words)
    return out


def _coverage_threshold(path: Path, raw: dict[str, Any]) -> float:
    """The study's ``coverage_threshold``: a share between 0 and 1."""
    threshold = raw.get("coverage_threshold", config.DEFAULT_COVERAGE_THRESHOLD)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 <= threshold <= 1
    ):
        raise StudyError(
            f"{path}: coverage_threshold {threshold!r}; give a share between 0 and 1, e.g. 0.8 "
            f"(0 turns the coverage check off)"
        )
    return float(threshold)


def _hypothesis_entry(path: Path, entry: Any) -> dict[str, Any]:
    """One ``hypotheses`` entry as a mapping with an ``id`` and known keys (a bare id allowed)."""
    if isinstance(entry, str):
        entry = {"id": entry}
    if not isinstance(entry, dict) or "id" not in entry:
        raise StudyError(f"{path}: each hypothesis needs an `id`, got {entry!r}")
    bad = sorted(set(entry) - _HYPOTHESIS_KEYS)
    if bad:
        raise StudyError(
            f"{path}: hypothesis {entry['id']}: unknown key(s) {bad}; "
            f"use {sorted(_HYPOTHESIS_KEYS)}"
        )
    return entry


def grid_points(grid: dict[str, list]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each combination of the grid: ``(point, parameters)``, where ``point`` is the value of
    each dimension and ``parameters`` what they set (a mapping value sets each of its keys but
    ``label``)."""
    for combo in itertools.product(*grid.values()):
        point = dict(zip(grid, combo, strict=True))
        expanded: dict[str, Any] = {}
        for dim, value in point.items():
            if isinstance(value, dict):
                expanded.update({k: v for k, v in value.items() if k != "label"})
            else:
                expanded[dim] = value
        yield point, expanded


def expand_reports(parsed: StudyFile) -> list[ReportSpec]:
    """One :class:`ReportSpec` per hypothesis (each id of :data:`SPLIT` as its parts) and grid
    combination, parameters merged in precedence order (see the module docstring)."""
    path, overrides = parsed.study.path, parsed.study.overrides
    reports: list[ReportSpec] = []
    seen: set[str] = set()
    for entry in _split_entries(parsed.hypotheses):
        entry = _hypothesis_entry(path, entry)
        hid = str(entry["id"])
        own = dict(entry.get("parameters") or {})
        if _CATALOGUE_ID.match(hid):
            own.setdefault("hypothesis", hid)
        nb = _resolve(entry["notebook"]) if "notebook" in entry else parsed.notebook
        # the study's groups and plan, for the notebooks that take them (not a benchmark's)
        plan = _declared_only(nb, {**parsed.groups, "preregistration": parsed.preregistration})
        for point, expanded in grid_points(parsed.grid):
            rname = _unique_report_name(path, hid, point, seen)
            params = {**parsed.shared, **plan, **own, **expanded, **overrides}
            reports.append(
                ReportSpec(
                    rname,
                    hid,
                    str(entry.get("claim", "")),
                    point,
                    params,
                    nb,
                    str(entry.get("claim_fr", "")),
                )
            )
    return reports


def _declared_only(notebook: Path, values: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that are given (not empty) and that ``notebook`` declares."""
    values = {k: v for k, v in values.items() if v not in (None, "")}
    if not values:
        return {}
    from analysis.runner.parameters import declared_parameters

    declared = declared_parameters(notebook)
    return {k: v for k, v in values.items() if k in declared}


def _unique_report_name(path: Path, hid: str, point: dict[str, Any], seen: set[str]) -> str:
    """The report's folder name (:func:`report_name`), checked and not yet in ``seen`` (added)."""
    rname = report_name(hid, point)
    if _folder_problem(rname):
        check_name(
            path,
            f"hypotheses: id {hid!r}" + (" with its grid values" if point else ""),
            rname,
            "Give the hypothesis a plain id (`id: H1`, `id: promo-replies`) and long grid "
            "values a short `label`.",
        )
    if rname in seen:
        raise StudyError(
            f"{path}: two reports would both be called {rname}; give hypotheses distinct ids"
        )
    seen.add(rname)
    return rname
