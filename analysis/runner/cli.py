"""``dialogic run`` and ``dialogic reproduce``: thin commands around :mod:`analysis.runner`."""

from __future__ import annotations

import sys

import click

from analysis.errors import EXIT_INCONCLUSIVE, DialogicError, exit_code_for


def _echo(line: str) -> None:
    click.echo(line, err=True)


def from_root(path: str) -> str:
    """``path`` as given when it exists from here, else taken from the project root.

    Provenance records paths relative to the project root (``studies/demo.yaml``,
    ``reports/demo/h1``) so that it stays valid on another clone; this makes the recorded
    commands work from any folder, not only from the root.
    """
    from analysis._io import given_or_root

    return given_or_root(path)


@click.command("run")
@click.argument("study_file", type=click.Path(dir_okay=False))
@click.option(
    "-p",
    "--parameter",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a parameter for every report (YAML value: 3, 0.5, true, [a, b]); "
    "on a grid dimension it replaces the sweep. Repeatable.",
)
@click.option(
    "-f",
    "--parameters-file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="YAML file of NAME: VALUE overrides (applied before -p). Repeatable.",
)
@click.option(
    "-j",
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="Reports run in parallel [default: number of cores].",
)
@click.option(
    "--force", is_flag=True, help="Rerun every report even when nothing it depends on changed."
)
@click.option(
    "--only", metavar="GLOB", help="Run only the reports whose folder name matches, e.g. 'h1__*'."
)
@click.option(
    "--dask",
    "dask_local",
    type=click.Choice(["local"]),
    default=None,
    help="Run the reports as tasks on a local Dask distributed cluster, and their measures "
    "on Dask over the Parquet partitions (for data above what one process holds).",
)
@click.option(
    "--dask-scheduler",
    metavar="tcp://HOST:PORT",
    default=None,
    help="Run the reports, and their measures, on a running Dask scheduler (e.g. from "
    "dask-jobqueue).",
)
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="Check the study (parameters, hypotheses, data, coverage) and list its reports and "
    "cache state; "
    "run nothing. Exits non-zero, with the fix, on what the run would stop at.",
)
@click.option(
    "--allow-low-coverage",
    is_flag=True,
    help="Run even when the data hold less of the conversation than the study's "
    "coverage_threshold "
    "(80 % of the platform-reported comments by default); every report shows the figure.",
)
@click.option(
    "--kernels",
    type=click.Choice(["stock", "forked"]),
    envvar="DIALOGIC_KERNELS",
    default=None,
    help="How report kernels start: 'forked' from a process that preloaded the libraries "
    "(seconds faster per report; Linux), or 'stock' (jupyter_client's kernel manager, a new "
    "interpreter each). Forked falls back to stock, with a warning, when it cannot start "
    "[default: $DIALOGIC_KERNELS, else forked].",
)
def run(
    study_file,
    pairs,
    files,
    workers,
    force,
    only,
    dask_local,
    dask_scheduler,
    list_only,
    allow_low_coverage,
    kernels,
):
    """Run a study: check parameters, run what changed in parallel, write reports and an index.

    \b
    Every parameter is checked against the notebook before any kernel starts. Reports whose
    notebook, parameters, input data and locked environment are unchanged are skipped.
    Outputs: reports/<study>/<report>/{academic,brief}.html, results.json, provenance.json,
    and reports/<study>/index.html.

    \b
    Examples:
      dialogic run studies/demo.yaml
      dialogic run studies/demo.yaml -p alpha=0.01 -p "platforms=[facebook]"
      dialogic run studies/demo.yaml -f params.yaml --only 'h1__*' --force
      dialogic run studies/demo.yaml --dask-scheduler tcp://10.0.0.5:8786

    \b
    Exit codes: 0 ok, 2 bad study file, 3 bad parameters, 4 bad data, 5 a notebook failed,
    6 a secret from the environment appeared in an output, 7 some reports cannot be tested
    on this data (inconclusive before any kernel; the index and the output say why).

    \b
    Coverage: a hypothesis on comment threads needs the data to hold at least the study's
    `coverage_threshold` (default 0.8) of the comments the platform reports for its posts;
    below it the run stops with the figure, unless --allow-low-coverage.
    """
    from analysis.runner.display import RunDisplay
    from analysis.runner.run import plan_study, run_study
    from analysis.runner.study import load_study, parse_overrides

    study_file = from_root(study_file)
    if dask_local and dask_scheduler:
        raise click.UsageError("use either --dask local or --dask-scheduler ADDRESS, not both")
    try:
        overrides = parse_overrides(pairs, files)
        if list_only:
            study = load_study(study_file, overrides)
            study.allow_low_coverage = allow_low_coverage
            for reason in study.unavailable.values():
                _echo(f"WARNING: {reason}")
            planned = plan_study(study, force)
            for note in dict.fromkeys(n for p in planned for n in p.notes):
                _echo(f"WARNING: {note}")
            for item in planned:
                state = (
                    "inconclusive" if item.inconclusive else "cached" if item.cached else "to run"
                )
                click.echo(
                    f"{state:<7} {item.spec.name}"
                    + (f"  ({item.inconclusive})" if item.inconclusive else "")
                )
            sys.exit(EXIT_INCONCLUSIVE if any(p.inconclusive for p in planned) else 0)
        with RunDisplay() as display:  # live bar in a terminal, plain lines in CI logs
            summary = run_study(
                study_file,
                overrides,
                workers=workers,
                force=force,
                only=only,
                dask=dask_scheduler or dask_local,
                progress=display.line,
                states=display.state,
                allow_low_coverage=allow_low_coverage,
                kernels=kernels,
            )
    except DialogicError as exc:
        _echo(f"Error: {exc}")
        sys.exit(exit_code_for(exc))
    sys.exit(summary.exit_code)


@click.command("reproduce")
@click.argument("report_dir", type=click.Path(file_okay=False))
def reproduce(report_dir):
    """Rerun one report from its provenance.json and say whether the results are identical.

    \b
    The report folder is not modified. Compares results.json byte for byte and each HTML file
    apart from the recorded time; also says which inputs (notebook, data, lock file, code)
    differ from the recorded ones. Exit code 0 when identical, 1 when not.
    """
    from analysis.runner.reproduce import reproduce_report

    report_dir = from_root(report_dir)
    try:
        verdict = reproduce_report(report_dir, progress=_echo)
    except DialogicError as exc:
        _echo(f"Error: {exc}")
        sys.exit(exit_code_for(exc))
    for line in verdict.lines():
        click.echo(line)
    sys.exit(verdict.exit_code)
