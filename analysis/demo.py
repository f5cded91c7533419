"""``dialogic demo``: build the simulated demo data set and import it like any other source."""

from __future__ import annotations

from pathlib import Path

import click

from analysis import config


def build_demo(
    raw_dir: Path = config.DEMO_RAW_DIR,
    out_dir: Path = config.DEMO_PROCESSED_DIR,
    seed: int = config.DEMO_SEED,
    progress: bool = True,
):
    """Simulate the demo data into ``raw_dir`` (canonical Parquet + DATASET.json), then import it
    into ``out_dir`` through the canonical importer. Returns the importer's summary."""
    import shutil

    from analysis.importers import import_paths
    from analysis.simulate import write_demo_raw

    write_demo_raw(raw_dir, seed=seed)
    # The demo is rebuilt from scratch (never merged into an older demo), and swapped in only once
    # the import succeeded, so a failed build leaves the previous demo data intact.
    out_dir = Path(out_dir)
    staging = out_dir.with_name(f".{out_dir.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    summary = import_paths("canonical", [Path(raw_dir)], staging, progress=progress)
    old = out_dir.with_name(f".{out_dir.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return summary


@click.command()
@click.option(
    "--seed",
    default=config.DEMO_SEED,
    show_default=True,
    type=int,
    help="Seed of the simulation; the same seed gives identical data.",
)
@click.option(
    "--raw-dir",
    default=config.DEMO_RAW_DIR,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where the simulated raw tables are written.",
)
@click.option(
    "--out-dir",
    default=config.DEMO_PROCESSED_DIR,
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where the imported canonical tables go.",
)
def demo(seed: int, raw_dir: Path, out_dir: Path) -> None:
    """Build the simulated demo data set (nothing in it is real).

    \b
    Writes 160 simulated accounts (business and personal, four platforms, English
    and French) with posts and nested comment threads to RAW_DIR, with planted
    effects documented in docs/demo-data.md, then imports them into OUT_DIR.
    Every report built on these data carries a "simulated data" notice.

    \b
    Example:
      dialogic demo && dialogic run studies/demo.yaml
    """
    summary = build_demo(raw_dir, out_dir, seed)
    click.echo(f"Demo data (simulated, seed {seed}) imported into {out_dir}")
    click.echo(str(summary))
