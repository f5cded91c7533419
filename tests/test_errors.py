"""One error hierarchy (analysis.errors): exit codes, readable messages, old names still
importable."""

from __future__ import annotations

import pickle

import pytest
from click.testing import CliRunner

from analysis import errors
from analysis.errors import (
    EXIT_BAD_DATA,
    EXIT_BAD_PARAMETERS,
    EXIT_BAD_STUDY,
    EXIT_FAILED,
    EXIT_NOTEBOOK_FAILED,
    EXIT_SECRET_LEAK,
    CollectError,
    DataError,
    DialogicError,
    NotebookError,
    ParameterError,
    SecretLeakError,
    StudyError,
    UsageError,
    exit_code_for,
)

#: every class with the exit code the table in analysis/errors.py documents for it
DOCUMENTED = {
    DialogicError: 1,
    UsageError: 2,
    StudyError: 2,
    ParameterError: 3,
    DataError: 4,
    NotebookError: 5,
    SecretLeakError: 6,
    CollectError: 1,
}


def _existing_classes():
    from analysis.collect.http import CollectError as HttpCollectError
    from analysis.collect.log import ParametersChanged
    from analysis.importers.core import UnreadableFile
    from analysis.schema import SchemaError

    return {
        SchemaError: EXIT_BAD_DATA,
        UnreadableFile: EXIT_BAD_DATA,
        ParametersChanged: EXIT_BAD_STUDY,
        HttpCollectError: EXIT_FAILED,
    }


@pytest.mark.parametrize(
    "cls, code", list(DOCUMENTED.items()), ids=lambda v: getattr(v, "__name__", v)
)
def test_each_class_maps_to_its_documented_code(cls, code):
    assert cls.exit_code == code
    assert exit_code_for(cls("x")) == code
    assert f"\n{code}     " in errors.__doc__  # the code is in the module's table


def test_existing_errors_join_the_hierarchy_and_keep_their_bases():
    for cls, code in _existing_classes().items():
        assert issubclass(cls, DialogicError) and cls.exit_code == code, cls
    for cls in (UsageError, StudyError, ParameterError, DataError, *_existing_classes()):
        if cls.__name__ != "CollectError":
            assert issubclass(cls, ValueError), cls  # code and tests catch ValueError
    assert issubclass(CollectError, RuntimeError)
    assert exit_code_for(ValueError("plain")) == EXIT_FAILED


def test_runner_names_are_the_same_classes_and_codes():
    from analysis.runner import errors as runner_errors

    assert runner_errors.RunnerError is DialogicError
    assert runner_errors.StudyError is StudyError
    assert runner_errors.ParameterError is ParameterError
    assert runner_errors.DataError is DataError
    assert runner_errors.SecretLeakError is SecretLeakError
    assert runner_errors.EXIT_BAD_PARAMETERS == EXIT_BAD_PARAMETERS
    assert runner_errors.FAILURE_EXIT_CODES == {
        "secret": EXIT_SECRET_LEAK,
        "data": EXIT_BAD_DATA,
        "notebook": EXIT_NOTEBOOK_FAILED,
    }
    assert list(runner_errors.FAILURE_EXIT_CODES) == ["secret", "data", "notebook"]  # precedence


def test_str_names_file_record_and_fix():
    exc = DataError(
        "account_type 'shop' is not a type", path="labels.csv", record="row 3", fix="correct it"
    )
    text = str(exc)
    assert (
        text.startswith("labels.csv: ")
        and "(at row 3)" in text
        and text.endswith("Fix: correct it")
    )
    assert (exc.path, exc.record, exc.fix, exc.key) == ("labels.csv", "row 3", "correct it", None)


def test_str_does_not_repeat_what_the_message_says():
    message = "labels.csv, row 3: account_type 'shop' is not a type. Fix: correct it"
    exc = DataError(
        message, path="labels.csv", record="row 3", key="account_type", fix="correct it"
    )
    assert str(exc) == message and exc.key == "account_type"
    assert str(ParameterError("parameter `alpha` = 2 is out of range")) == (
        "parameter `alpha` = 2 is out of range"
    )


def test_schema_error_fields_and_message():
    from analysis.schema import SchemaError

    exc = SchemaError("posts", "post_id", 4, "p1", "duplicate id", "drop one", source="data/x")
    assert str(exc) == (
        "posts (data/x), column `post_id`, row 4 (post_id='p1'): duplicate id. Fix: drop one"
    )
    assert (exc.path, exc.key, exc.fix, exc.table) == ("data/x", "post_id", "drop one", "posts")


def test_errors_survive_pickling_with_their_fields():
    from analysis.schema import SchemaError

    exc = ParameterError("bad", key="alpha", fix="use 0.05")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is ParameterError and str(back) == str(exc) and back.key == "alpha"
    schema = pickle.loads(pickle.dumps(SchemaError("posts", "x", None, None, "p", "r")))
    assert str(schema).endswith("Fix: r") and schema.column == "x"


def test_click_exception_carries_the_code():
    from analysis.errors import click_exception

    assert click_exception(DataError("d")).exit_code == EXIT_BAD_DATA
    assert click_exception(ValueError("v")).exit_code == EXIT_FAILED
    assert click_exception(ValueError("v"), default=EXIT_BAD_STUDY).exit_code == EXIT_BAD_STUDY
    assert click_exception(StudyError("s"), "other words").message == "other words"


# ------------------------------------------------------------------------------ the commands
def test_cli_bad_study_file_exits_2(tmp_path):
    from analysis.runner.cli import run

    study = tmp_path / "s.yaml"
    study.write_text("name: [unclosed\n")
    result = CliRunner().invoke(run, [str(study)])
    assert result.exit_code == EXIT_BAD_STUDY, result.output
    assert str(study) in result.output


def test_cli_missing_data_exits_4(tmp_path):
    from analysis.runner.cli import run

    study = tmp_path / "s.yaml"
    study.write_text(
        "name: s\nnotebook: notebooks/hypothesis.ipynb\n"
        f"data: {tmp_path / 'nothing-here'}\nhypotheses:\n  - id: H1\n"
    )
    result = CliRunner().invoke(run, [str(study), "--list"])
    assert result.exit_code == EXIT_BAD_DATA, result.output
    assert "does not exist" in result.output


def test_label_command_exits_4_on_a_bad_sheet(tmp_path):
    from analysis.cli_label import label

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("account_id,account_type\nx,business\ny,shop\n")
    b.write_text("account_id,account_type\nx,business\ny,personal\n")
    result = CliRunner().invoke(label, ["agreement", str(a), str(b)])
    assert result.exit_code == EXIT_BAD_DATA
    assert "coding sheet A: account 'y' has label 'shop'" in result.output


def test_run_summary_exit_code_precedence(tmp_path):
    from analysis.errors import EXIT_INCONCLUSIVE, EXIT_OK
    from analysis.runner.run import RunSummary

    def code(failed=None, leaks=(), inconclusive=None):
        return RunSummary(
            "s", tmp_path, failed=failed or {}, leaks=list(leaks), inconclusive=inconclusive or {}
        ).exit_code

    assert code() == EXIT_OK
    assert code(inconclusive={"a": "why"}) == EXIT_INCONCLUSIVE
    assert code({"a": "notebook"}) == EXIT_NOTEBOOK_FAILED
    assert code({"a": "notebook", "b": "data"}) == EXIT_BAD_DATA
    assert code({"a": "notebook", "b": "data"}, leaks=[("f", "TOKEN")]) == EXIT_SECRET_LEAK
    assert code({"a": "secret"}) == EXIT_SECRET_LEAK
