"""``dialogic collect``: Bluesky and Mastodon collectors that bring whole threads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analysis import config
from analysis.errors import EXIT_BAD_STUDY, click_exception

_WINDOW = """\b
Window: --since 2024-03-01 --until 2024-03-31 takes posts created from March 1
(00:00 UTC) to the end of March 31; ISO times (2024-03-01T12:00:00Z) work too."""

_AFTER = """\b
Resumable: a collection stopped by Ctrl-C, a crash or a failed listing continues
where it stopped when you run the same command again (state in
data/raw/<name>/collection_state.json; no record is fetched or written twice).
Rate limits: the servers' headers are obeyed (Retry-After, ratelimit-reset,
X-RateLimit-Reset); 429 and 5xx are retried with capped exponential backoff.
Every response is written as received under data/raw/<name>/, every request
and failure to collection_log.jsonl, replies fetched vs the platform's own
counts to collection.json; then the files are imported into
data/processed/<name>/ (skip with --no-import; redo with `dialogic collect import`).
Docs: docs/collectors.md"""


@click.group(
    "collect",
    epilog="\b\nExamples:\n"
    "  dialogic collect bluesky nytimes.com alice.bsky.social --since 2024-03-01"
    " --until 2024-03-31 --name news\n"
    "  dialogic collect mastodon mastodon.social Gargron @nasa@mastodon.social --since 2024-03-01"
    " --name masto\n"
    "  dialogic collect import news --labels agreed.csv     re-import a collection"
    " (after labelling)\n"
    "  dialogic label export --data news -o coder_a.csv     then code the accounts"
    " business / personal\n",
)
def collect() -> None:
    """Collect posts and their whole reply threads from Bluesky and Mastodon (public APIs, no
    key)."""


def _common(f):
    opts = [
        click.option(
            "--since", help="first day (YYYY-MM-DD, UTC) or ISO time of the posts to collect"
        ),
        click.option(
            "--until", help="last day (included) or ISO time (excluded) of the posts to collect"
        ),
        click.option(
            "--name",
            required=True,
            help="collection name: raw files in data/raw/<name>/, "
            "tables in data/processed/<name>/",
        ),
        click.option(
            "--max-posts",
            type=click.IntRange(min=1),
            help="at most this many posts per account (newest first)",
        ),
        click.option(
            "--raw-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="raw folder (default data/raw/<name>/)",
        ),
        click.option(
            "--out",
            "out_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="data set folder (default data/processed/<name>/)",
        ),
        click.option(
            "--labels",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="account-type mapping CSV for the import (see `dialogic import --help`)",
        ),
        click.option(
            "--no-import",
            is_flag=True,
            help="collect only; import later with `dialogic collect import`",
        ),
        click.option(
            "--no-pseudonymize",
            is_flag=True,
            help="keep commenters' ids (recorded in the import log)",
        ),
        click.option("--no-progress", is_flag=True, help="no progress bar"),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


@collect.command(
    "bluesky",
    epilog=_WINDOW
    + "\n\n"
    + """\b
Examples:
  dialogic collect bluesky nytimes.com --since 2024-03-01 --until 2024-03-07 --name nyt-week
  dialogic collect bluesky a.bsky.social b.bsky.social --max-posts 50 --name pilot
  dialogic collect bluesky nytimes.com --name t --base-url http://127.0.0.1:8000   (a local replay)
"""
    + "\n\n"
    + _AFTER,
)
@click.argument("handles", nargs=-1, required=True)
@_common
@click.option("--base-url", default=None, help="AppView URL (default https://public.api.bsky.app)")
@click.option(
    "--depth",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="reply depth per getPostThread request; deeper replies are fetched as continuations",
)
def bluesky(handles, base_url, depth, **opts):
    """Collect Bluesky accounts (HANDLES): profiles, posts (getAuthorFeed) and whole threads
    (getPostThread)."""
    _run("bluesky", list(handles), instance=None, base_url=base_url, depth=depth, **opts)


@collect.command(
    "mastodon",
    epilog=_WINDOW
    + "\n\n"
    + """\b
Examples:
  dialogic collect mastodon mastodon.social Gargron --since 2024-03-01 --name gargron
  dialogic collect mastodon mastodon.social nasa@mastodon.social esa --name space
  (accounts of other servers are looked up as user@server on the instance named)
  DIALOGIC_MASTODON_TOKEN=...  an access token of your own account: lifts the instance's
                               cap on replies shown to anonymous requests (never logged)
"""
    + "\n\n"
    + _AFTER,
)
@click.argument("instance")
@click.argument("accounts", nargs=-1, required=True)
@_common
@click.option("--base-url", default=None, help="API URL (default https://<instance>)")
def mastodon(instance, accounts, base_url, **opts):
    """Collect Mastodon ACCOUNTS on INSTANCE: statuses (accounts/:id/statuses) and whole threads
    (context)."""
    _run("mastodon", list(accounts), instance=instance, base_url=base_url, depth=100, **opts)


@collect.command("import")
@click.argument("name")
@click.option(
    "--raw-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="raw folder (default data/raw/<name>/)",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="data set folder (default data/processed/<name>/)",
)
@click.option(
    "--labels",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="account-type mapping CSV",
)
@click.option(
    "--no-pseudonymize", is_flag=True, help="keep commenters' ids (recorded in the import log)"
)
@click.option("--no-progress", is_flag=True, help="no progress bars")
def import_cmd(name, raw_dir, out_dir, labels, no_pseudonymize, no_progress):
    """Import a collection (data/raw/NAME/) with the Bluesky and Mastodon importers, in passes.

    \b
    Example: dialogic collect import news --labels agreed.csv
    Files already imported are skipped (same sha256): rerunning adds nothing.
    """
    raw = raw_dir or config.RAW_DIR / name
    _import(
        raw, out_dir or config.PROCESSED_DIR / name, name, labels, no_pseudonymize, no_progress
    )


def _run(
    platform,
    accounts,
    *,
    instance,
    base_url,
    depth,
    since,
    until,
    name,
    max_posts,
    raw_dir,
    out_dir,
    labels,
    no_import,
    no_pseudonymize,
    no_progress,
):
    from analysis.collect.http import CollectError
    from analysis.collect.log import ParametersChanged
    from analysis.collect.session import collect as run_collection

    raw = raw_dir or config.RAW_DIR / name
    try:
        summary = run_collection(
            platform,
            accounts,
            raw,
            instance=instance,
            since=since,
            until=until,
            base_url=base_url,
            depth=depth,
            max_posts=max_posts,
            progress=not no_progress,
        )
    except (ParametersChanged, ValueError) as exc:
        raise click_exception(exc, default=EXIT_BAD_STUDY) from exc
    except CollectError as exc:
        raise click_exception(
            exc,
            f"{exc}. Everything fetched so far is kept in {raw}; run the same command "
            "again to resume",
        ) from exc
    except KeyboardInterrupt:
        click.echo(
            f"\ninterrupted: everything fetched so far is kept in {raw}; run the same command "
            f"again to "
            "resume",
            err=True,
        )
        sys.exit(130)
    key = platform if platform == "bluesky" else f"mastodon:{summary_key(instance)}"
    run = summary["runs"][key]
    t = run["totals"]
    click.echo(
        f"collected {len(run['accounts'])} account(s) into {raw}: {summary['requests_logged']} "
        f"requests "
        f"logged, {t['feed_pages']} listing page(s), {t['posts_listed_in_window']} post(s) in "
        f"the window "
        f"({t['posts_outside_window']} listed outside it), {t['threads_fetched']} thread(s) "
        f"fetched, "
        f"{t['threads_failed']} failed"
    )
    click.echo(
        f"replies fetched {t['replies_fetched']:,} of {t['replies_reported']:,} reported by the "
        f"platform "
        f"(direct replies {t['direct_replies_fetched']:,} of {t['direct_replies_reported']:,}); "
        f"{t['unavailable']} unavailable (deleted/blocked) node(s)"
    )
    for handle, acc in run["accounts"].items():
        if acc.get("failure"):
            click.echo(f"  {handle}: {acc['failure']}")
    click.echo(f"log: {raw / 'collection_log.jsonl'}   summary: {raw / 'collection.json'}")
    if not no_import:
        _import(
            raw, out_dir or config.PROCESSED_DIR / name, name, labels, no_pseudonymize, no_progress
        )


def summary_key(instance: str) -> str:
    return instance.strip().removeprefix("https://").removeprefix("http://").strip("/")


def _import(raw: Path, out: Path, name: str, labels, no_pseudonymize, no_progress) -> None:
    from analysis.collect.imports import combined_counts, import_collection

    try:
        summaries = import_collection(
            raw,
            out,
            labels=labels,
            pseudonymize=not no_pseudonymize,
            progress=not no_progress,
            name=name,
            command="dialogic " + " ".join(sys.argv[1:]),
        )
    except (ValueError, FileNotFoundError) as exc:
        raise click_exception(exc) from exc
    counts = combined_counts(summaries)
    lines = [f"{'table':<10} {'in':>8} {'new':>8} {'already':>8} {'quarantined':>12}"]
    for table, c in counts.items():
        if table == "unparsed" and not c["read"]:
            continue
        lines.append(
            f"{table:<10} {c['read']:>8,} {c['added']:>8,} {c['already']:>8,} "
            f"{c['quarantined']:>12,}"
        )
    ok = all(s.reconciles() for s in summaries)
    click.echo(
        f"imported in {len(summaries)} pass(es) into {out}\n"
        + "\n".join(lines)
        + "\n"
        + ("in = kept + quarantined for every table" if ok else "COUNTS DO NOT RECONCILE (a bug)")
    )
    click.echo(
        "'already' = the same record in two responses (a thread holds the post its feed page "
        "listed), "
        f"kept once. Quarantine (reasons): {out / 'quarantine.jsonl'}"
    )
