"""``dialogic import``: raw files in, canonical tables out (see docs/importers.md)."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import click

from analysis import config
from analysis.errors import click_exception


def _formats_help() -> str:
    from analysis.importers import FORMATS

    width = max(map(len, FORMATS))
    return "\n".join(f"  {f.name:<{width}}  {f.description}" for f in FORMATS.values())


def _default_name(paths: list[Path]) -> str:
    p = paths[0].resolve()
    stem = p.name if p.is_dir() else p.stem
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-").lower() or "dataset"


class _ImportCommand(click.Command):
    def format_epilog(self, ctx, formatter):
        formatter.write("\n\b\nFormats (auto-detected when not named):\n" + _formats_help() + "\n")
        super().format_epilog(ctx, formatter)


@click.command(
    "import",
    cls=_ImportCommand,
    epilog="""\b
Examples:
  dialogic import tweets.jsonl                     auto-detect, into data/processed/tweets/
  dialogic import twarc2 a.jsonl b.jsonl --name study1
  dialogic import canonical data/raw/demo --name demo
  dialogic import reddit thread.json --labels accounts.csv
  dialogic import fb-scraper statuses.csv comments.csv --tz America/New_York
  dialogic import archive.parquet --mapping docs/mappings/bluesky-keegan.yaml

\b
Every record ends in a table or in quarantine.jsonl with a reason; the counts
printed at the end reconcile (in = kept + quarantined). Raw files are only read;
their sha256 goes to import_log.jsonl, so importing the same file twice adds nothing.
Authors other than the page owner are replaced by keyed hashes (key file:
$DIALOGIC_KEY_FILE, default ~/.config/dialogic/pseudonym.key).
""",
)
@click.argument("args", nargs=-1, required=True, metavar="[FORMAT] PATH...")
@click.option(
    "--name",
    help="data set name; output goes to data/processed/<name>/ (default: from the first path)",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="output folder (overrides --name's folder)",
)
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="account-type mapping CSV: platform, handle or id, account_type (overrides platform "
    "signals)",
)
@click.option(
    "--tz",
    "naive_tz",
    help="zone of timestamps written without one, e.g. Europe/Paris "
    "(default: such records are quarantined)",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="column-mapping YAML for any CSV/Parquet table (format `mapping`; see docs/mappings/)",
)
@click.option(
    "--no-pseudonymize",
    is_flag=True,
    help="keep author ids as collected (recorded in the import log)",
)
@click.option("--no-progress", is_flag=True, help="no progress bars")
def import_(args, name, out_dir, labels, naive_tz, mapping, no_pseudonymize, no_progress):
    """Import collected data (twarc2, Reddit, YouTube, Facebook, ... or canonical tables)."""
    from analysis.importers import FORMATS, import_paths

    fmt, raw_paths = (args[0], args[1:]) if args[0] in FORMATS else (None, args)
    if fmt is None and len(args) > 1 and not Path(args[0]).exists():
        raise click.UsageError(unknown_format_message(args[0], list(FORMATS)))
    if not raw_paths:
        raise click.UsageError(f"give at least one path after the format {fmt!r}")
    paths = [Path(p) for p in raw_paths]
    for p in paths:
        if not p.exists():
            hint = (
                f" (known formats: {', '.join(FORMATS)})"
                if len(paths) == 1 and not p.suffix
                else ""
            )
            raise click.BadParameter(f"{p} does not exist{hint}", param_hint="PATH")
    name = name or _default_name(paths)
    out = out_dir or config.PROCESSED_DIR / name
    from analysis.ledger import QUARANTINE, quarantine_summary_text, summarize_quarantine

    qpath = Path(out) / QUARANTINE
    offset = qpath.stat().st_size if qpath.is_file() else 0  # what this import adds starts here
    try:
        summary = import_paths(
            fmt,
            paths,
            out,
            labels=labels,
            pseudonymize=not no_pseudonymize,
            progress=not no_progress,
            name=name,
            naive_tz=naive_tz,
            command="dialogic import " + " ".join(sys.argv[2:]),
            column_mapping=mapping,
        )
    except (ValueError, FileNotFoundError) as exc:
        raise click_exception(exc) from exc
    click.echo(str(summary))
    digest = quarantine_summary_text(summarize_quarantine(out, offset))  # the path follows
    if digest:
        click.echo(digest)
    click.echo(f"quarantine: {out / 'quarantine.jsonl'}   log: {out / 'import_log.jsonl'}")
    empty = nothing_kept_message(summary, fmt, out)
    if empty:
        raise click.ClickException(empty)


def unknown_format_message(name: str, formats: list[str]) -> str:
    """Error for a first argument that is neither a format nor an existing path, with the
    closest formats."""
    close = difflib.get_close_matches(name.lower(), formats, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return (
        f"unknown format {name!r} (and no such file).{hint} Formats: {', '.join(formats)}. "
        "Fix: name one of them, or give only paths to auto-detect"
    )


def nothing_kept_message(summary, fmt: str | None, out: Path) -> str | None:
    """Why an import that read files but kept no record at all is an error (None when something
    was kept)."""
    from analysis.ledger import read_quarantine

    if not summary.files or any(c.kept for c in summary.counts.values()):
        return None
    read = sum(c.read for c in summary.counts.values())
    if read == 0:
        cause = (
            f"the files hold no record the {fmt} reader recognises: the file is probably not a "
            f"{fmt} export"
            if fmt
            else "the files hold no record"
        )
    else:
        recent = read_quarantine(out)[-sum(c.quarantined for c in summary.counts.values()) :]
        cause = (
            f"all {read:,} record(s) were quarantined; the first because: "
            f"{recent[0]['reason'][:600]}"
            + (f" (is the file really {fmt}? omit the format to auto-detect)" if fmt else "")
        )
    return (
        f"no record imported from {len(summary.files)} file(s): {cause}. Fix: check the format "
        "(omit it to auto-detect; `dialogic import --help` lists them) and the quarantine reasons"
    )
