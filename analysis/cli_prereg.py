"""``dialogic prereg``: freeze a study's analysis plan (:mod:`analysis.prereg`)."""

from __future__ import annotations

import sys

import click

from analysis.errors import DialogicError, exit_code_for


@click.command("prereg")
@click.argument("study_file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder of the plan and its text [default: preregistrations/ in the project].",
)
@click.option(
    "-p",
    "--parameter",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Freeze the study with this parameter for every report, as `dialogic run -p` would "
    "run it (YAML value: 3, 0.5, [a, b]). Repeatable.",
)
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="Language of the AsPredicted-style text (the plan file is the same in every one).",
)
def prereg(study_file, out_dir, pairs, language):
    """Freeze a study's plan before the data are analysed: a hashed, dated file and its text.

    \b
    For every report that tests a hypothesis it freezes what decides the verdict: the
    hypothesis and its claim, the direction of the one-sided test and the model (as they
    will run), alpha, min_posts, the reply window, the coverage threshold, the period, the
    platforms, the study's correction, the groups, and the smallest effect of interest
    (parameter smallest_effect, in the effect's own scale; 0 = not stated). Writes
    preregistrations/<study>-<YYYY-MM-DD>.json (with its SHA-256; never overwritten: a second
    plan of the day gets -2) and an AsPredicted-style .md beside it.

    \b
    Then name the plan in the study file and run it:
      dialogic prereg studies/demo.yaml
      #   studies/demo.yaml:  preregistration: preregistrations/demo-2026-12-04.json
      dialogic run studies/demo.yaml                  # every report: Confirmatory
      dialogic run studies/demo.yaml -p min_posts=10  # Exploratory, the change listed

    \b
    The academic report shows the label and every deviation; results.json carries them.
    Exit codes: 0 written, 2 bad study file, 3 bad parameters. See docs/prereg.md.
    """
    from analysis._io import given_or_root
    from analysis.runner.prereg import freeze, write_plan
    from analysis.runner.study import load_study, parse_overrides

    try:
        study = load_study(given_or_root(study_file), parse_overrides(pairs))
        document_path, text_path = write_plan(
            freeze(study), out_dir, study=study.name, language=language
        )
        from analysis.prereg import read_plan

        sha256 = read_plan(document_path)["sha256"]
    except DialogicError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exit_code_for(exc))
    except ValueError as exc:  # a language without a catalogue
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"plan:   {document_path}")
    click.echo(f"text:   {text_path}")
    click.echo(f"sha256: {sha256}")
