"""The ``dialogic`` command.

Each area registers its own commands from its own module (see the bottom of this file), so the
command line grows by adding modules, not by editing a long if-chain.
"""

from __future__ import annotations

import click

from analysis import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="dialogic")
def main() -> None:
    """Dialogic: test hypotheses about conversation on social media.

    \b
    Typical session:
      dialogic demo                          build the simulated demo data set
      dialogic import twarc2 tweets.jsonl    import data you collected
      dialogic run studies/demo.yaml         run a study and render its reports
      dialogic run studies/demo.yaml -p alpha=0.01   rerun with a new parameter

    Every command has its own --help.
    """


def _register() -> None:
    from analysis import cli_commands

    for command in cli_commands.COMMANDS:
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
