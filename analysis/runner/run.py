"""``run_study``: check, plan, execute, publish, index, scan. The whole life of a study run.

1. **Read** the study file and the overrides (:mod:`analysis.runner.study`).
2. **Check** every report's parameters against the notebook's declared types and its spec
   (:mod:`analysis.runner.parameters`) and that each data folder exists, before any kernel
   starts; the first problem stops the run (exit 3 or 4).
3. **Plan**: compute each report's cache key (:mod:`analysis.runner.hashing`); a report whose
   key is the one in its ``provenance.json`` is *cached* and skipped unless ``force``.
4. **Execute** the rest on a backend (:mod:`analysis.runner.backends`), one job per language,
   kernels forked from a warm factory (:mod:`analysis.runner.kernels`).
5. **Publish** each finished report atomically, or its failure page
   (:mod:`analysis.runner.publish`), after scanning its files for secrets.
6. **Index** the study (:mod:`analysis.runner.index`), write its study brief
   (:mod:`analysis.runner.study_brief`) and scan the whole output folder for secrets once more.

The returned :class:`RunSummary` carries the exit code (:mod:`analysis.runner.errors`).
"""

from __future__ import annotations

import fnmatch
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import config
from analysis._io import from_root
from analysis.runner import hashing, preflight, provenance, publish, secrets
from analysis.runner.datacheck import check_filters, check_threads
from analysis.runner.errors import (
    EXIT_INCONCLUSIVE,
    EXIT_OK,
    DataError,
    StudyError,
    failure_exit_code,
)
from analysis.runner.index import output_name, write_index
from analysis.runner.parameters import check_parameters, declared_parameters
from analysis.runner.study import ReportSpec, Study, load_study


@dataclass
class Planned:
    """One report with its checked parameters per language, its cache key and whether it must
    run."""

    spec: ReportSpec
    variants: dict[
        str | None, dict[str, Any]
    ]  # language (None = not a notebook parameter) -> parameters
    notebook_sha: str
    inputs: dict[str, str]
    cache_key: str
    cached: bool
    #: why the report cannot be tested on this data, found before any kernel
    #: (analysis.runner.preflight)
    inconclusive: str | None = None
    #: warnings of the pre-flight (low coverage allowed, coverage unknown), shown before the run
    notes: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    """What a run did: report names by state, failures with their kind, seconds, exit code."""

    study: str
    output: Path
    ran: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # name -> kind
    inconclusive: dict[str, str] = field(
        default_factory=dict
    )  # name -> why (pre-flight, no kernel)
    errors: dict[str, str] = field(default_factory=dict)  # failed name -> its exception, one line
    failure_pages: dict[str, Path] = field(default_factory=dict)  # failed name -> its failed.html
    leaks: list[tuple[str, str]] = field(default_factory=list)  # (file, variable)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        code = failure_exit_code(set(self.failed.values()) | ({"secret"} if self.leaks else set()))
        if code is not None:
            return code
        return EXIT_INCONCLUSIVE if self.inconclusive else EXIT_OK


def _group_file_hash(params: dict[str, Any]) -> str:
    """The content hash of the report's group file (a relabelled account reruns it); ``""``."""
    path = params.get("group_file")
    return hashing.file_sha256(from_root(path)) if path and from_root(path).is_file() else ""


def _data_dir(study: Study, params: dict[str, Any]) -> Path | None:
    value = params.get(study.data_parameter)
    if value in (None, ""):
        return None
    return from_root(str(value))


def plan_study(study: Study, force: bool = False) -> list[Planned]:
    """Check every report (parameters, data) and decide which must run. Starts no kernel.

    Raises
    ------
    ParameterError, DataError
        The first bad parameter or missing data folder, naming report, notebook and the fix.
    """
    planned = []
    for spec in study.reports:
        declared = declared_parameters(spec.notebook)
        base = dict(spec.parameters)
        if "study" in declared:
            base.setdefault("study", study.name)
        # the study's own wording of the hypothesis, for notebooks that declare it
        # and the study-wide multiple-testing correction, which the pages name
        for pname, text in (
            ("claim", spec.claim),
            ("claim_fr", spec.claim_fr),
            ("correction", study.correction),
            ("coverage_threshold", study.coverage_threshold),
        ):
            if text is not None and text != "" and pname in declared:
                base.setdefault(pname, text)
        if "language" in declared and "language" not in study.overrides:
            variants = {
                lang: check_parameters(spec.notebook, {**base, "language": lang}, spec.name)
                for lang in study.languages
            }
        else:
            variants = {None: check_parameters(spec.notebook, base, spec.name)}
        first = next(iter(variants.values()))
        spec.parameters = first
        data = _data_dir(study, first)
        inputs: dict[str, str] = {}
        notes: list[str] = []
        inconclusive = None
        where = f"report {spec.name}"
        found = (
            preflight.describe_hypothesis(first, f"notebook {spec.notebook.name}, {where}")
            if "hypothesis" in declared
            else None
        )
        if data is not None:
            if not data.exists():
                raise DataError(
                    f"report {spec.name}: data folder {data} does not exist; build it "
                    f"(`dialogic demo` for the demo data, `dialogic import ...` for yours) or "
                    f"fix `data:` in {study.path}",
                    path=data,
                    key="data",
                )
            inputs = hashing.tree_hashes(data)
            if not inputs:
                raise DataError(
                    f"report {spec.name}: data folder {data} is empty; import data into it first",
                    path=data,
                )
            if data.is_dir():
                check_filters(
                    first, data, inputs, f"notebook {spec.notebook.name}, report {spec.name}"
                )
                if found is not None:  # notebooks of the hypothesis catalogue
                    check_threads(first, data, where)
                    notes += preflight.check_coverage(
                        found,
                        first,
                        data,
                        inputs,
                        threshold=study.coverage_threshold,
                        allow_low=study.allow_low_coverage,
                        where=where,
                        study_path=provenance.relative(study.path),
                    )
                    inconclusive = preflight.inconclusive_reason(found, first, data, inputs)
        notebook_sha = hashing.file_sha256(spec.notebook)
        key = hashing.digest(
            {
                "notebook": notebook_sha,
                "parameters": variants,
                "inputs": inputs,
                "lock": hashing.lock_hash(),
                "code": hashing.code_hash() if study.cache_code else "",
                "audiences": study.audiences,
                "languages": study.languages,
                "format": hashing.FORMAT_VERSION,
                "group_file": _group_file_hash(first),
            }
        )
        cached = not force and _is_current(
            study, spec.name, key, preflight_only=inconclusive is not None
        )
        planned.append(
            Planned(spec, variants, notebook_sha, inputs, key, cached, inconclusive, notes)
        )
    return planned


def _expected_files(study: Study) -> list[str]:
    return ["provenance.json", "results.json"] + [
        output_name(a, lang, study.languages) for lang in study.languages for a in study.audiences
    ]


def _is_current(study: Study, name: str, key: str, preflight_only: bool = False) -> bool:
    folder = study.output / name
    try:
        recorded = json.loads((folder / "provenance.json").read_text()).get("cache_key")
    except (OSError, ValueError):
        return False
    expected = ["provenance.json", "results.json"] if preflight_only else _expected_files(study)
    return (
        recorded == key
        and not (folder / publish.FAILURE_PAGE).exists()
        and all((folder / f).is_file() for f in expected)
    )


def _publish_inconclusive(study: Study, item: Planned, summary: RunSummary) -> None:
    """A report the data cannot test: ``results.json`` says why (the index shows it), no kernel
    ran.

    Any earlier pages of the report are removed with the swap: they were made from other data or
    parameters, and the index must not link a verdict the current data cannot give.
    """
    spec = item.spec
    prov = provenance.build(
        study=study,
        spec=spec,
        inputs=item.inputs,
        notebook_sha=item.notebook_sha,
        cache_key=item.cache_key,
        engine="pre-flight (no kernel)",
        code=provenance.code_version(),
    )
    record = {
        "hypothesis": spec.parameters.get("hypothesis", spec.hypothesis),
        "report": spec.name,
        "verdict": "inconclusive",
        "inconclusive_reason": item.inconclusive,
        "preflight": True,
        "parameters": spec.parameters,
    }
    files = {
        "results.json": (
            json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode(),
        "provenance.json": (
            json.dumps(prov, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode(),
    }
    publish.publish_report(study.output, spec.name, files)
    summary.inconclusive[spec.name] = item.inconclusive


def _jobs(
    study: Study, item: Planned, prov: dict[str, Any], notebook_json: str, preload: list[str]
) -> list[dict]:
    jobs = []
    for i, (language, params) in enumerate(item.variants.items()):
        langs = study.languages if language is None else [language]
        jobs.append(
            {
                "report": item.spec.name,
                "language": language,
                "notebook": str(item.spec.notebook),
                # sorted: the injected cell then reads the same as on a rerun from provenance.json
                "notebook_json": notebook_json,
                "parameters": dict(sorted(params.items())),
                "primary": i == 0,
                "outputs": [
                    [aud, lang, output_name(aud, lang, study.languages)]
                    for lang in langs
                    for aud in study.audiences
                ],
                "provenance": prov,
                "preload": preload,
            }
        )
    return jobs


def _good_time(folder: Path) -> str | None:
    try:
        return json.loads((folder / "provenance.json").read_text()).get("time")
    except (OSError, ValueError):
        return None


def _finish(
    study: Study, item: Planned, prov: dict, outcomes: list[dict], summary: RunSummary
) -> str:
    """Publish a report whose jobs all finished, or write its failure page. Returns the state."""
    name = item.spec.name
    failed = next((o for o in outcomes if not o["ok"]), None)
    files: dict[str, bytes] = {}
    if failed is None:
        for o in outcomes:
            files.update(o["files"])
        files["provenance.json"] = (
            json.dumps(prov, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode()
        leaked = sorted({var for data in files.values() for var in secrets.find_secrets(data)})
        if leaked:
            failed = {
                "kind": "secret",
                "language": None,
                "error": {
                    "ename": "SecretLeakError",
                    "source": "",
                    "evalue": f"the output contains the value of ${', $'.join(leaked)}",
                    "traceback": "A notebook printed or displayed a secret from the environment. "
                    "Remove the "
                    "output that shows it; secrets may be read from os.environ but never shown.",
                },
            }
    if failed is not None:
        summary.failure_pages[name] = publish.write_failure_page(
            study.output,
            name,
            study=study.name,
            notebook=provenance.relative(item.spec.notebook),
            language=failed.get("language"),
            kind=failed["kind"],
            error=failed["error"],
            parameters=item.spec.parameters,
            time=prov["time"],
            command=prov["command"],
            good_time=_good_time(study.output / name),
        )
        summary.failed[name] = failed["kind"]
        summary.errors[name] = publish.error_line(failed["error"])
        return f"FAILED ({failed['kind']})"
    publish.publish_report(study.output, name, files)
    summary.ran.append(name)
    return "done"


def run_study(
    study_path: str | Path,
    overrides: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
    force: bool = False,
    only: str | None = None,
    dask: str | None = None,
    progress: Callable[[str], None] = lambda line: None,
    states: Callable[..., None] | None = None,
    allow_low_coverage: bool = False,
    kernels: str | None = None,
) -> RunSummary:
    """Run a study: see the module docstring for the steps.

    Parameters
    ----------
    study_path : str or Path
        The study YAML.
    overrides : dict, optional
        ``-f``/``-p`` values (:func:`analysis.runner.study.parse_overrides`).
    workers : int, optional
        Parallel reports; default the number of cores.
    force : bool
        Rerun reports even when their cache key is unchanged.
    only : str, optional
        Run only reports whose name matches this glob (``h1__*``); the index still lists all.
    dask : str, optional
        ``"local"`` for a LocalCluster, or a scheduler address ``tcp://host:port``.
    progress : callable
        Receives one line of text per event (planning, totals; each report's state unless
        ``states``).
    allow_low_coverage : bool
        Run reports whose data hold less of the conversation than the study's
        ``coverage_threshold`` (a warning instead of a stop; every report shows the figure).
    kernels : str, optional
        ``"forked"`` or ``"stock"`` (:func:`analysis.runner.kernels.choose_launcher`; default
        ``$DIALOGIC_KERNELS``, else :data:`analysis.config.KERNEL_LAUNCHER`).
    states : callable, optional
        ``states(report, state, seconds=None)`` on each state change (queued, cached, running,
        rendering, done, failed), e.g. :meth:`analysis.runner.display.RunDisplay.state`; default:
        plain lines through ``progress``. A failed report's call also passes ``note`` (its kind),
        ``error`` (the exception, one line) and ``page`` (its ``failed.html``, relative to the
        current folder or the project root).

    Returns
    -------
    RunSummary
        ``exit_code`` is 0, or 4/5/6 for bad data / failing notebook / leaked secret, 7 when some
        reports cannot be tested on the data (``inconclusive``, found before any kernel).

    Raises
    ------
    StudyError, ParameterError, DataError
        Before anything runs (exit codes 2, 3, 4).
    """
    from analysis.runner.backends import default_workers
    from analysis.runner.display import RunDisplay

    states = states or RunDisplay(live=False, write=progress).state
    started = time.monotonic()
    study = load_study(study_path, overrides)
    study.allow_low_coverage = allow_low_coverage
    for reason in study.unavailable.values():
        progress(f"WARNING: {reason}")
    if only:
        study.reports = [r for r in study.reports if fnmatch.fnmatch(r.name, only)]
        if not study.reports:
            raise StudyError(f"--only {only!r} matches no report of {study_path}")
    summary = RunSummary(study.name, study.output)
    if study.output.exists():
        publish.recover(study.output)
    planned = plan_study(study, force)
    for note in dict.fromkeys(n for p in planned for n in p.notes):
        progress(f"WARNING: {note}")
    for item in planned:
        if item.inconclusive:
            progress(f"inconclusive {item.spec.name} (no kernel started): {item.inconclusive}")
            if not item.cached:
                _publish_inconclusive(study, item, summary)
            else:
                summary.inconclusive[item.spec.name] = item.inconclusive
    planned_runs = [p for p in planned if not p.inconclusive]
    todo = [p for p in planned_runs if not p.cached]
    summary.cached = [p.spec.name for p in planned if p.cached]
    workers = workers or default_workers()
    progress(
        f"{study.name}: {len(planned)} reports, {len(summary.cached)} up to date, {len(todo)} to "
        f"run" + (f" on {workers} workers" + (f" (dask {dask})" if dask else "") if todo else "")
    )
    if todo:
        for item in planned_runs:
            states(item.spec.name, "cached" if item.cached else "queued")
        _execute(study, todo, workers, dask, summary, states, progress, kernels)
    hashing.save_memo()
    if only:
        study = load_study(study_path, overrides)  # the index lists every report of the study
    _write_study_brief(study, progress)  # first: the index links the brief's files
    write_index(study)
    summary.leaks = secrets.scan_tree(study.output)
    for path, var in summary.leaks:
        progress(f"SECRET: the value of ${var} appears in {path}")
    summary.seconds = time.monotonic() - started
    progress(
        f"{study.name}: {len(summary.ran)} ran, {len(summary.cached)} cached, "
        f"{len(summary.failed)} failed, "
        f"{len(summary.inconclusive)} inconclusive before any kernel "
        f"in {summary.seconds:.1f} s -> {provenance.relative(study.output / 'index.html')}"
    )
    return summary


def _write_study_brief(study: Study, progress: Callable[[str], None]) -> list[Path]:
    """Write the study brief before the index that links it (:func:`analysis.runner.
    study_brief.write_study_brief`, from the index's own rows: skipped when a report failed, so
    a failed run never overwrites a good brief; printed to PDF by
    :func:`analysis.report.render.brief_to_pdf`, the printer of the per-report ``brief-pdf``,
    only when the study asks for ``brief-pdf`` and chromium is there).

    A brief that cannot be written (the browser crashed while printing) is a warning: the
    reports are published, and the last good brief stays as it was.
    """
    from analysis.runner import study_brief  # the report layer: imported only when needed

    try:
        written = study_brief.write_study_brief(study, progress)
    except Exception as exc:  # noqa: BLE001 - any failure of the brief leaves the reports alone
        progress(
            f"WARNING: the study brief was not written ({type(exc).__name__}: {exc}); "
            "the last one stays as it was"
        )
        return []
    if written:
        progress(
            f"{study.name}: study brief -> " + ", ".join(provenance.relative(p) for p in written)
        )
    return written


def _warm_measures(
    jobs: list[dict], progress: Callable[[str], None], dask: str | None = None
) -> None:
    """Compute, once and in a child process, the measures several jobs share (each kernel then
    reads them from the data set's cache, :mod:`analysis.measures_cache`, instead of all
    computing them at the same time). With ``dask`` every data set's measures are computed so,
    on Dask (:func:`analysis.pipeline.measures.compute_frames_dask`). A failure here is left to the
    kernels to report."""
    import subprocess
    import sys

    from analysis.pipeline.measures import measures_pending

    shared: dict[str, list[dict]] = {}
    for job in jobs:
        key = measures_pending(job["parameters"])
        if key:
            shared.setdefault(key, []).append(job)
    for group in shared.values():
        if len(group) < 2 and not dask:
            continue
        data = group[0]["parameters"].get("data_dir")
        progress(
            f"measures  of {data}, once for {len(group)} jobs"
            + (f" on Dask ({dask})" if dask else "")
            + " ..."
        )
        t0 = time.monotonic()
        code = (
            "import json, sys; from analysis.pipeline.measures import warm_measures; "
            "args = json.load(sys.stdin); warm_measures(args['parameters'], args['dask'])"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps({"parameters": group[0]["parameters"], "dask": dask}, default=str),
            capture_output=True,
            text=True,
            cwd=config.PROJECT_ROOT,
        )
        last = (proc.stderr.strip().splitlines() or [""])[-1]
        progress(
            f"measures  of {data} "
            + (
                f"done in {time.monotonic() - t0:.1f} s"
                if proc.returncode == 0
                else f"failed ({last}); each report computes its own"
            )
        )


def _execute(
    study: Study,
    todo: list[Planned],
    workers: int,
    dask: str | None,
    summary: RunSummary,
    states,
    progress: Callable[[str], None] = lambda line: None,
    kernels: str | None = None,
) -> None:
    from analysis.runner.backends import run_jobs
    from analysis.runner.kernels import RunKernels, notebook_imports

    notebooks = sorted({p.spec.notebook for p in todo})
    preload = notebook_imports(notebooks)
    texts = {nb: nb.read_text(encoding="utf-8") for nb in notebooks}
    jobs, provs, pending = [], {}, {}
    code = provenance.code_version()
    for item in todo:
        prov = provenance.build(
            study=study,
            spec=item.spec,
            inputs=item.inputs,
            notebook_sha=item.notebook_sha,
            cache_key=item.cache_key,
            engine=f"dask {dask}" if dask else "local",
            code=code,
        )
        provs[item.spec.name] = prov
        item_jobs = _jobs(study, item, prov, texts[item.spec.notebook], preload)
        pending[item.spec.name] = len(item_jobs)
        jobs += item_jobs
    by_name = {p.spec.name: p for p in todo}
    outcomes: dict[str, list] = {name: [] for name in pending}
    _warm_measures(jobs, progress, dask)
    # forked kernels: the run's factory starts importing now; or stock ones, saying why
    run_kernels = RunKernels(
        kernels, preload, local=not dask, warn=lambda w: progress(f"WARNING: {w}")
    )
    for job in jobs:
        job["kernels"] = run_kernels.launcher
    # the pool takes jobs in submission order, one per free worker: job i starts when i - workers
    # ended
    started = iter([j["report"] for j in jobs])

    shown: set[str] = set()

    def start_next():
        name = next(started, None)
        if name is not None and name not in shown:
            shown.add(name)
            states(name, "running")

    try:
        for _ in range(max(1, min(workers, len(jobs)))):
            start_next()
        for outcome in run_jobs(
            "dask" if dask else "local", jobs, workers=workers, scheduler=dask
        ):
            name = outcome["report"]
            outcomes[name].append(outcome)
            run_kernels.report(outcome)
            start_next()
            if len(outcomes[name]) == pending[name]:
                outcomes[name].sort(
                    key=lambda o: list(by_name[name].variants).index(o["language"])
                )
                states(name, "rendering")
                state = _finish(study, by_name[name], provs[name], outcomes[name], summary)
                seconds = sum(o["seconds"] for o in outcomes[name])
                if state == "done":
                    states(name, "done", seconds=seconds)
                else:
                    # the exception and the failure page's path: the reason shows in the terminal
                    states(
                        name,
                        "failed",
                        seconds=seconds,
                        note=summary.failed.get(name),
                        error=summary.errors.get(name),
                        page=publish.display_path(summary.failure_pages[name]),
                    )
    finally:
        run_kernels.close()
