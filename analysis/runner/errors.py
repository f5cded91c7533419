"""Errors of the study runner and the exit code each one gives ``dialogic run``.

Distinct codes let a script or CI job tell *why* a run failed without reading its output:

====  ======================================================================================
code  meaning
====  ======================================================================================
0     every report is up to date (ran now or cached)
1     ``dialogic reproduce``: the rerun gave different results
2     the study file or the command line is wrong (click's own usage errors are also 2)
3     bad parameters: unknown name, wrong type, value outside the allowed set, secret value
4     bad data: the input folder is missing or fails the canonical-schema checks
5     a notebook failed (the failure page shows the failing cell and the traceback)
6     a secret from the environment was found in the outputs
7     every report ran or is cached, but some cannot be tested on this data (found by the pre-flight,
      no kernel started: e.g. a group with fewer than two pages); the index says why for each
====  ======================================================================================

When several reports fail for different reasons the most specific code wins, in the order
secret (6) > bad data (4) > failing notebook (5).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_IDENTICAL = 1
EXIT_BAD_STUDY = 2
EXIT_BAD_PARAMETERS = 3
EXIT_BAD_DATA = 4
EXIT_NOTEBOOK_FAILED = 5
EXIT_SECRET_LEAK = 6
EXIT_INCONCLUSIVE = 7

#: failure kind of a report -> exit code; the first one present in a run decides its code.
FAILURE_EXIT_CODES = {
    "secret": EXIT_SECRET_LEAK,
    "data": EXIT_BAD_DATA,
    "notebook": EXIT_NOTEBOOK_FAILED,
}


class RunnerError(Exception):
    """Base class: ``exit_code`` is what ``dialogic run`` exits with."""

    exit_code = EXIT_BAD_STUDY


class StudyError(RunnerError, ValueError):
    """The study file or an override is malformed (names the file, the key and the fix)."""

    exit_code = EXIT_BAD_STUDY


class ParameterError(RunnerError, ValueError):
    """A parameter is unknown, mistyped or outside its allowed set (checked before any kernel starts)."""

    exit_code = EXIT_BAD_PARAMETERS


class DataError(RunnerError, ValueError):
    """The input data folder is missing or unusable."""

    exit_code = EXIT_BAD_DATA


class SecretLeakError(RunnerError):
    """The value of a secret environment variable was found in an output file."""

    exit_code = EXIT_SECRET_LEAK
