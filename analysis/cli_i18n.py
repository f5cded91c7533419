"""``dialogic i18n``: the translation catalogues (Babel's extract / update / compile workflow)."""

from __future__ import annotations

import sys

import click


@click.group("i18n")
def i18n() -> None:
    """Keep the translation catalogues in step with the code.

    \b
    English lives in the code; every other language is one file,
    analysis/locale/<language>/LC_MESSAGES/dialogic.po.
    \b
    After changing a text in the code:   dialogic i18n extract && dialogic i18n update
    then translate what `dialogic i18n check` lists, and `dialogic i18n compile`.
    Adding a language (e.g. German):      dialogic i18n init de
    Trying a catalogue kept elsewhere:    DIALOGIC_LOCALE_DIR=/path/to/locale dialogic run ...
    """


@i18n.command()
def extract() -> None:
    """Write analysis/locale/dialogic.pot from every text the code registers."""
    from analysis import catalog_tools

    path = catalog_tools.extract()
    click.echo(f"{len(catalog_tools.registered())} texts -> {path}")


@i18n.command()
def update() -> None:
    """Merge the template into every catalogue (new texts untranslated, removed ones dropped)."""
    from analysis import catalog_tools

    for path in catalog_tools.update():
        click.echo(f"updated {path}")


@i18n.command()
@click.argument("language")
def init(language: str) -> None:
    """Start the catalogue of a new LANGUAGE (an ISO 639-1 code, e.g. de) from the template."""
    from analysis import catalog_tools

    click.echo(
        f"created {catalog_tools.init(language)}: translate every msgstr, "
        "then `dialogic i18n check`"
    )


@i18n.command()
def check() -> None:
    """List what is untranslated, fuzzy, unused or has changed placeholders; exit 1 if any."""
    from analysis import catalog, catalog_tools

    found = [p for lang in catalog.languages()[1:] for p in catalog_tools.problems(lang)]
    for line in found:
        click.echo(line)
    click.echo(f"{len(found)} problem(s) in {len(catalog.languages()) - 1} catalogue(s)")
    sys.exit(1 if found else 0)


@i18n.command("compile")
def compile_() -> None:
    """Check every catalogue and write its .mo beside it."""
    from analysis import catalog_tools

    try:
        paths = catalog_tools.compile_catalogs()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for path in paths:
        click.echo(f"compiled {path}")
