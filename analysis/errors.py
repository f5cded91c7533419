"""Every error Dialogic raises on purpose, and the exit code each one gives the command.

One hierarchy, in the style of papermill's ``PapermillExecutionError`` and kedro's errors: an
error carries what went wrong as *fields* (``path``, ``record``, ``key``, ``fix``) beside its
message, so that a caller acts on the fields and a person reads the message. The message is the
sentence the user sees; a field is added to it by :meth:`DialogicError.__str__` only when the
message does not already name it, so an error with a complete sentence reads the same as before.

The exit codes live here and only here (the commands in ``analysis/cli*.py`` and
``analysis/runner/cli.py`` read them from the error, :func:`exit_code_for`):

====  ======================================================================================
code  meaning
====  ======================================================================================
0     every report is up to date (ran now or cached)
1     ``dialogic reproduce``: the rerun gave different results; any other failure (a collection
      request that failed for good, an import that kept no record, click's own errors)
2     the study file or the command line is wrong (click's own usage errors are also 2)
3     bad parameters: unknown name, wrong type, value outside the allowed set, secret value
4     bad data: the input folder is missing or fails the canonical-schema checks, a raw file or a
      coding sheet cannot be read
5     a notebook failed (the failure page shows the failing cell and the traceback)
6     a secret from the environment was found in the outputs
7     every report ran or is cached, but some cannot be tested on this data (found by the
      pre-flight, no kernel started: e.g. a group with fewer than two pages); the index says why
      for each
====  ======================================================================================

When several reports of a run fail for different reasons the most specific code wins, in the
order secret (6) > bad data (4) > failing notebook (5) (:data:`FAILURE_KINDS`).

This module imports nothing from the package, so that every layer may raise its errors.
"""

from __future__ import annotations

from typing import Any, ClassVar

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NOT_IDENTICAL = 1
EXIT_BAD_STUDY = 2
EXIT_BAD_PARAMETERS = 3
EXIT_BAD_DATA = 4
EXIT_NOTEBOOK_FAILED = 5
EXIT_SECRET_LEAK = 6
EXIT_INCONCLUSIVE = 7


def _rebuild(cls: type, args: tuple, state: dict) -> BaseException:
    """Unpickle an error whatever its ``__init__`` takes (errors travel between processes)."""
    exc = cls.__new__(cls, *args)
    BaseException.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc


class DialogicError(Exception):
    """Base class of every Dialogic error: ``exit_code`` is what the ``dialogic`` command exits
    with.

    Parameters
    ----------
    message : str
        The sentence the user reads: what is wrong, where, and how to fix it.
    path : str or Path, optional
        The file or folder at fault (study file, notebook, raw file, data folder).
    record : str, optional
        Where in that file: a row, a line, a record id, a cell.
    key : str, optional
        The setting or field at fault (a study key, a parameter name, a column).
    fix : str, optional
        What to do about it.

    Each field is also an attribute (``None`` when not given). ``str(error)`` is the message,
    preceded by the path and followed by the record and the fix when the message does not
    already name them.
    """

    exit_code: ClassVar[int] = EXIT_FAILED
    path: Any = None
    record: Any = None
    key: str | None = None
    fix: str | None = None

    def __init__(
        self,
        message: str = "",
        *,
        path: Any = None,
        record: Any = None,
        key: str | None = None,
        fix: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.path, self.record, self.key, self.fix = path, record, key, fix

    def __str__(self) -> str:
        text = getattr(self, "message", None)
        if text is None:  # a subclass that set its text through Exception.__init__ only
            text = super().__str__()
        if self.path is not None and str(self.path) not in text:
            text = f"{self.path}: {text}"
        if self.record is not None and str(self.record) not in text:
            text = f"{text} (at {self.record})"
        if self.fix and self.fix not in text:
            text = f"{text.rstrip('. ')}. Fix: {self.fix}"
        return text

    def __reduce__(self):
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class UsageError(DialogicError, ValueError):
    """The command line or a file given on it (study file, column mapping, ``--tz``) is wrong."""

    exit_code = EXIT_BAD_STUDY


class StudyError(UsageError):
    """The study file or an override is malformed (names the file, the key and the fix)."""


class ParameterError(DialogicError, ValueError):
    """A parameter is unknown, mistyped or outside its allowed set (checked before any kernel
    starts).

    ``key`` is the parameter's name when one parameter is at fault; ``fix`` is set when the
    message already lists the values allowed.
    """

    exit_code = EXIT_BAD_PARAMETERS


class DataError(DialogicError, ValueError):
    """The input data are missing or unusable: a data folder, a table, a raw file, a coding
    sheet."""

    exit_code = EXIT_BAD_DATA


class NotebookError(DialogicError):
    """A report notebook raised an error (``path``: the notebook, ``record``: the failing cell)."""

    exit_code = EXIT_NOTEBOOK_FAILED


class SecretLeakError(DialogicError):
    """The value of a secret environment variable was found in an output file."""

    exit_code = EXIT_SECRET_LEAK


class CollectError(DialogicError, RuntimeError):
    """A collection cannot go on (a listing request failed for good); rerun to resume."""

    exit_code = EXIT_FAILED


#: failure kind of a report (:mod:`analysis.runner.engine` outcomes) -> its error class, most
#: specific first: the first kind present in a run decides the run's exit code.
FAILURE_KINDS: dict[str, type[DialogicError]] = {
    "secret": SecretLeakError,
    "data": DataError,
    "notebook": NotebookError,
}
#: failure kind -> exit code, in the same order.
FAILURE_EXIT_CODES = {kind: cls.exit_code for kind, cls in FAILURE_KINDS.items()}


def exit_code_for(exc: BaseException) -> int:
    """The exit code of ``exc``: its ``exit_code`` for a Dialogic error, :data:`EXIT_FAILED`
    else."""
    return exc.exit_code if isinstance(exc, DialogicError) else EXIT_FAILED


def click_exception(exc: BaseException, message: str | None = None, default: int = EXIT_FAILED):
    """``exc`` as a ``click.ClickException`` that prints ``Error: <message>`` and exits with
    :func:`exit_code_for` (``default`` for an exception outside this hierarchy).

    For the commands that let click print their errors (``dialogic import``, ``label``,
    ``collect``).
    """
    import click

    err = click.ClickException(str(exc) if message is None else message)
    err.exit_code = exc.exit_code if isinstance(exc, DialogicError) else default
    return err


def failure_exit_code(kinds) -> int | None:
    """The exit code of a run whose reports failed with ``kinds`` (None when nothing failed)."""
    kinds = set(kinds)
    return next((code for kind, code in FAILURE_EXIT_CODES.items() if kind in kinds), None)


__all__ = [
    "EXIT_BAD_DATA",
    "EXIT_BAD_PARAMETERS",
    "EXIT_BAD_STUDY",
    "EXIT_FAILED",
    "EXIT_INCONCLUSIVE",
    "EXIT_NOTEBOOK_FAILED",
    "EXIT_NOT_IDENTICAL",
    "EXIT_OK",
    "EXIT_SECRET_LEAK",
    "FAILURE_EXIT_CODES",
    "FAILURE_KINDS",
    "CollectError",
    "DataError",
    "DialogicError",
    "NotebookError",
    "ParameterError",
    "SecretLeakError",
    "StudyError",
    "UsageError",
    "click_exception",
    "exit_code_for",
    "failure_exit_code",
]
