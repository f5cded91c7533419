"""The list of ``dialogic`` subcommands, one import per area (keep one line per command)."""

from __future__ import annotations

COMMANDS = []


def _add(module: str, name: str) -> None:
    import importlib

    COMMANDS.append(getattr(importlib.import_module(module), name))


_add("analysis.demo", "demo")
_add("analysis.cli_import", "import_")
_add("analysis.runner.cli", "run")
_add("analysis.runner.cli", "reproduce")
_add("analysis.cli_label", "label")
_add("analysis.collect.cli", "collect")
_add("analysis.cli_i18n", "i18n")
_add("analysis.cli_prereg", "prereg")
