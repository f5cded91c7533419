"""Errors of the study runner and the exit code each one gives ``dialogic run``.

The classes and the codes are defined once, in :mod:`analysis.errors` (the table of codes is
there); this module keeps the names the runner and its callers have always imported from here.
``RunnerError`` is :class:`analysis.errors.DialogicError`, the base of every error with a code.
"""

from __future__ import annotations

from analysis.errors import (
    EXIT_BAD_DATA,
    EXIT_BAD_PARAMETERS,
    EXIT_BAD_STUDY,
    EXIT_INCONCLUSIVE,
    EXIT_NOT_IDENTICAL,
    EXIT_NOTEBOOK_FAILED,
    EXIT_OK,
    EXIT_SECRET_LEAK,
    FAILURE_EXIT_CODES,
    DataError,
    DialogicError,
    NotebookError,
    ParameterError,
    SecretLeakError,
    StudyError,
    exit_code_for,
    failure_exit_code,
)

#: the base class of the runner's errors (kept for ``except RunnerError``)
RunnerError = DialogicError

__all__ = [
    "EXIT_BAD_DATA",
    "EXIT_BAD_PARAMETERS",
    "EXIT_BAD_STUDY",
    "EXIT_INCONCLUSIVE",
    "EXIT_NOT_IDENTICAL",
    "EXIT_NOTEBOOK_FAILED",
    "EXIT_OK",
    "EXIT_SECRET_LEAK",
    "FAILURE_EXIT_CODES",
    "DataError",
    "NotebookError",
    "ParameterError",
    "RunnerError",
    "SecretLeakError",
    "StudyError",
    "exit_code_for",
    "failure_exit_code",
]
