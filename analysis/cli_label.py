"""``dialogic label``: coding sheets for account types and agreement between coders."""

from __future__ import annotations

from pathlib import Path

import click

from analysis import config
from analysis.errors import click_exception


def _data_dir(data: str) -> Path:
    p = Path(data)
    return p if p.is_dir() else config.PROCESSED_DIR / data


@click.group(
    "label",
    epilog="""\b
Workflow:
  dialogic label export --data study1 -o coder_a.csv     accounts still 'unknown'
  (two coders fill account_type independently: business, personal or unknown)
  dialogic label agreement coder_a.csv coder_b.csv       Krippendorff's alpha
  dialogic import <format> <files> --name study1 --labels agreed.csv
""",
)
def label() -> None:
    """Label accounts business or personal: coding sheets and inter-coder agreement."""


@label.command("export")
@click.option("--data", required=True, help="data set name (under data/processed/) or folder")
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV coding sheet to write",
)
@click.option(
    "--all", "all_", is_flag=True, help="include accounts already labelled (to double-code them)"
)
def export(data, out, all_):
    """Write a coding sheet of the accounts whose type is still unknown."""
    from analysis.labels import coding_sheet
    from analysis.schema import read_canonical

    try:
        tables = read_canonical(_data_dir(data))
    except (FileNotFoundError, ValueError) as exc:
        raise click_exception(exc) from exc
    sheet = coding_sheet(tables.accounts, tables.posts, only_unknown=not all_)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(out, index=False)
    click.echo(
        f"wrote {len(sheet)} account(s) to {out}; fill `account_type` (business, personal, "
        f"unknown)"
    )


@label.command("agreement")
@click.argument("sheet_a", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("sheet_b", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def agreement_cmd(sheet_a, sheet_b):
    """Krippendorff's alpha (nominal) between two coders' filled sheets."""
    import pandas as pd

    from analysis.labels import agreement

    try:
        res = agreement(
            pd.read_csv(sheet_a, dtype=str, keep_default_na=False),
            pd.read_csv(sheet_b, dtype=str, keep_default_na=False),
        )
    except ValueError as exc:
        raise click_exception(exc) from exc
    verdict = (
        "reliable (>= 0.8)"
        if res["alpha"] >= 0.8
        else "tentative (0.667-0.8)"
        if res["alpha"] >= 0.667
        else "not reliable (< 0.667): discuss and recode"
    )
    click.echo(
        f"Krippendorff's alpha = {res['alpha']:.3f}  {verdict}\n"
        f"accounts coded by both: {res['n_units']}, by one only: {res['n_only_one']}, "
        f"raw agreement: {res['percent_agreement']:.1%}"
    )
    if res["disagreements"]:
        click.echo("disagreements: " + ", ".join(res["disagreements"][:20]))
