"""Runner checks that start no kernel: study files, typed parameters, cache planning, secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from analysis import config
from analysis.runner import hashing, secrets
from analysis.runner import run as runner_run
from analysis.runner.errors import EXIT_BAD_PARAMETERS, DataError, ParameterError, StudyError
from analysis.runner.study import load_study, parse_overrides, report_name

FIXTURE_NB = Path(__file__).parent / "fixtures" / "runner" / "fixture.ipynb"
HYPOTHESIS_NB = config.NOTEBOOKS_DIR / "hypothesis.ipynb"


def write_study(tmp_path: Path, **changes) -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    if not (data / "values.csv").exists():
        (data / "values.csv").write_text("x\n1\n2\n4\n")
    study = {
        "name": "fx",
        "notebook": str(FIXTURE_NB),
        "data": str(data),
        "output": str(tmp_path / "out"),
        "audiences": ["academic", "brief"],
        "languages": ["en"],
        "grid": {"group": ["a", "b"]},
        "hypotheses": [{"id": "F1", "claim": "fixture"}],
    }
    study.update(changes)
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study))
    return path


@pytest.fixture
def no_kernels(monkeypatch):
    """Fail the test if anything tries to execute a notebook or start the kernel factory."""

    def boom(*a, **k):
        raise AssertionError("a kernel was about to start")

    monkeypatch.setattr("analysis.runner.backends.run_jobs", boom)
    monkeypatch.setattr("analysis.runner.kernels.KernelFactory", boom)


def test_study_expands_grid_and_overrides_narrow_it(tmp_path):
    path = write_study(tmp_path, grid={"group": ["a", "b"], "scale": [1.0, 2.0]})
    study = load_study(path)
    assert [r.name for r in study.reports] == [
        "f1__group=a__scale=1.0",
        "f1__group=a__scale=2.0",
        "f1__group=b__scale=1.0",
        "f1__group=b__scale=2.0",
    ]
    assert study.reports[1].parameters == {
        "data_dir": str(tmp_path / "data"),
        "group": "a",
        "scale": 2.0,
    }
    narrowed = load_study(path, parse_overrides(["scale=3"]))
    assert [r.parameters["scale"] for r in narrowed.reports] == [3, 3]
    assert (
        report_name("H1", {"platforms": ["facebook", "x"], "start": ""})
        == "h1__platforms=facebook+x__start=none"
    )


def test_overrides_parse_like_yaml(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text("alpha: 0.01\nplatforms: [facebook]\n")
    out = parse_overrides(["min_posts=10", "flag=true", "name=abc", "alpha=0.2"], [f])
    assert out == {
        "alpha": 0.2,
        "platforms": ["facebook"],
        "min_posts": 10,
        "flag": True,
        "name": "abc",
    }
    with pytest.raises(StudyError, match="-p name=value"):
        parse_overrides(["novalue"])


def test_bad_study_file_names_the_key(tmp_path):
    with pytest.raises(StudyError, match="unknown key.*'hypotheses_'"):
        load_study(write_study(tmp_path, hypotheses_=[]))
    with pytest.raises(StudyError, match="does not exist"):
        load_study(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    "name, problem",
    [
        ("../escape", "contains a path separator"),
        ("..", "contains `..`"),
        ("a..b", "contains `..`"),
        ("sub/dir", "contains a path separator"),
        ("back\\slash", "contains a path separator"),
        (".staging", "starts with `.`"),
    ],
)
def test_study_name_that_is_not_one_folder_is_refused(tmp_path, no_kernels, name, problem):
    path = write_study(tmp_path, name=name)
    path.write_text(
        path.read_text().replace(f"output: {tmp_path / 'out'}\n", "")
    )  # default: reports/<name>
    with pytest.raises(StudyError) as err:
        runner_run.run_study(path)
    text = str(err.value)
    assert (
        str(path) in text and "`name`" in text and problem in text and "name: demo" in text
    )  # file, key, fix
    assert not (config.REPORTS_DIR.parent / "escape").exists()


@pytest.mark.parametrize(
    "output",
    ["reports/../escape", "../escape", "data/processed/x", "reports", "/tmp/dialogic-x/../escape"],
)
def test_output_outside_the_reports_folder_is_refused(tmp_path, no_kernels, output):
    path = write_study(tmp_path, output=output)
    with pytest.raises(StudyError) as err:
        runner_run.run_study(path)
    text = str(err.value)
    assert str(path) in text and "`output`" in text and "output: reports/<folder>" in text
    assert (
        not (config.PROJECT_ROOT.parent / "escape").exists()
        and not (config.PROJECT_ROOT / "escape").exists()
    )


def test_output_inside_reports_or_absolute_is_kept(tmp_path):
    assert (
        load_study(write_study(tmp_path, output="reports/x/y")).output
        == config.PROJECT_ROOT / "reports/x/y"
    )
    assert load_study(write_study(tmp_path)).output == tmp_path / "out"  # absolute: as given
    no_output = write_study(tmp_path)
    no_output.write_text(no_output.read_text().replace(f"output: {tmp_path / 'out'}\n", ""))
    assert load_study(no_output).output == config.REPORTS_DIR / "fx"


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"hypotheses": [{"id": ".."}], "grid": {}}, "hypotheses: id '..'"),
        ({"hypotheses": [{"id": "../../etc"}], "grid": {}}, "hypotheses: id '../../etc'"),
        ({"grid": {"group": [".."]}}, "with its grid values"),
        ({"grid": {"group": ["x" * 300]}}, "with its grid values"),
    ],
)
def test_report_name_from_ids_and_grids_must_be_one_folder(tmp_path, no_kernels, changes, key):
    with pytest.raises(StudyError) as err:
        runner_run.run_study(write_study(tmp_path, **changes))
    assert key in str(err.value) and "label" in str(err.value)


@pytest.mark.parametrize(
    "override, message",
    [
        (
            {"gruop": "a"},
            r"parameter `gruop` is not a parameter of notebook fixture.ipynb.*"
            r"it takes: data_dir, group, scale",
        ),
        (
            {"scale": "big"},
            r"parameter `scale` = 'big' \(notebook fixture.ipynb.*"
            r"has type str; the notebook declares float",
        ),
        ({"fail": 1}, r"parameter `fail` = 1 .*declares bool"),
    ],
)
def test_unknown_or_mistyped_parameter_stops_before_any_kernel(
    tmp_path, no_kernels, override, message
):
    with pytest.raises(ParameterError, match=message):
        runner_run.run_study(write_study(tmp_path), override)
    assert not (tmp_path / "out").exists()


def test_value_outside_allowed_set_names_the_allowed_values(tmp_path, no_kernels):
    path = write_study(tmp_path, notebook=str(HYPOTHESIS_NB), grid={}, hypotheses=[{"id": "H1"}])
    with pytest.raises(
        ParameterError,
        match=r"`direction` = 'down' is not allowed; use one of: catalogue, less, greater",
    ):
        runner_run.run_study(path, {"direction": "down"})
    result = CliRunner().invoke(_cli(), ["run", str(path), "-p", "language=de"])
    assert result.exit_code == EXIT_BAD_PARAMETERS
    assert (
        "`language`" in result.output
        and "en, fr" in result.output
        and "hypothesis.ipynb" in result.output
    )


def test_missing_data_folder_is_bad_data(tmp_path, no_kernels):
    path = write_study(tmp_path, data=str(tmp_path / "missing"))
    with pytest.raises(DataError, match="missing does not exist"):
        runner_run.run_study(path)


def test_secret_values_are_refused_as_parameters(tmp_path, no_kernels, monkeypatch):
    monkeypatch.setenv("DIALOGIC_TEST_TOKEN", "s3cr3t-value-123")
    with pytest.raises(ParameterError, match=r"secret environment variable \$DIALOGIC_TEST_TOKEN"):
        runner_run.run_study(write_study(tmp_path), {"group": "s3cr3t-value-123"})


def test_secret_scan_finds_every_encoding(monkeypatch, tmp_path):
    env = {
        "API_TOKEN": 'ab"c<d>/e f&g',
        "SHORT_KEY": "abc",
        "PATH": "/usr/bin:/bin",
        "SSH_KEY_FILE": "/home/me/.ssh/id_rsa_dialogic",
        "TOKEN_HOME": str(tmp_path),
    }
    assert secrets.secret_values(env) == {"API_TOKEN": 'ab"c<d>/e f&g'}
    for form in [
        'ab"c<d>/e f&g',
        'ab\\"c<d>/e f&g',
        "ab&quot;c&lt;d&gt;/e f&amp;g",
        "ab%22c%3Cd%3E%2Fe%20f%26g",
    ]:
        assert secrets.find_secrets(f"<p>{form}</p>".encode(), env) == ["API_TOKEN"], form
    assert secrets.find_secrets(b"nothing here abc", env) == []
    (tmp_path / "a.html").write_text("x ab&quot;c&lt;d&gt;/e f&amp;g y")
    assert secrets.scan_tree(tmp_path, env) == [(str(tmp_path / "a.html"), "API_TOKEN")]
    assert "[secret $API_TOKEN]" in secrets.redact('token ab"c<d>/e f&g', env)


def test_cache_plan_reruns_only_reports_whose_inputs_changed(tmp_path):
    """Pretend a run published every report (provenance with its key), then change one thing at a
    time."""
    path = write_study(tmp_path, grid={"group": ["a", "b"]})

    def publish_all(study_path):
        study = load_study(study_path)
        for item in runner_run.plan_study(study):
            folder = study.output / item.spec.name
            folder.mkdir(parents=True, exist_ok=True)
            for name in runner_run._expected_files(study):
                (folder / name).write_text("{}")
            (folder / "provenance.json").write_text(json.dumps({"cache_key": item.cache_key}))

    def states(study_path, **kw):
        return {
            p.spec.name: p.cached
            for p in runner_run.plan_study(
                load_study(study_path, kw.get("overrides")), kw.get("force", False)
            )
        }

    assert states(path) == {
        "f1__group=a": False,
        "f1__group=b": False,
    }  # miss: nothing published yet
    publish_all(path)
    assert states(path) == {"f1__group=a": True, "f1__group=b": True}  # hit
    assert states(path, force=True) == {"f1__group=a": False, "f1__group=b": False}
    path2 = write_study(tmp_path, grid={"group": ["a", "c"]})  # one grid value changed
    assert states(path2) == {"f1__group=a": True, "f1__group=c": False}
    assert states(path2, overrides={"scale": 2.0}) == {"f1__group=a": False, "f1__group=c": False}
    (tmp_path / "data" / "values.csv").write_text("x\n1\n2\n5\n")  # input data content changed
    assert states(path2) == {"f1__group=a": False, "f1__group=c": False}


def test_file_hash_memo_notices_content_changes(tmp_path):
    f = tmp_path / "f.txt"
    f.write_text("one")
    first = hashing.file_sha256(f)
    f.write_text("two")
    import hashlib

    assert hashing.file_sha256(f) == hashlib.sha256(b"two").hexdigest() != first


def _cli():
    from analysis.cli import main

    return main


def test_killed_run_leaves_whole_reports_and_recovers(tmp_path):
    """A run killed between the two renames of a swap, or while staging, is repaired by the next
    run."""
    from analysis.runner import publish

    out = tmp_path / "out"
    publish.publish_report(out, "r1", {"academic.html": b"old", "provenance.json": b"{}"})
    publish.publish_report(out, "r1", {"academic.html": b"new", "provenance.json": b"{}"})
    assert (out / "r1" / "academic.html").read_bytes() == b"new" and not (out / ".trash").exists()
    # killed after moving the old folder away, before moving the new one in:
    (out / ".trash").mkdir()
    (out / "r1").rename(out / ".trash" / "r1@123")
    (out / ".staging" / "r1@123").mkdir(parents=True)
    (out / ".staging" / "r1@123" / "academic.html").write_bytes(b"half")
    publish.recover(out)
    assert (out / "r1" / "academic.html").read_bytes() == b"new"
    assert not (out / ".trash").exists() and not (out / ".staging").exists()


def test_index_adjusts_p_values_across_the_study(tmp_path):
    """Holm and BH by hand (Holm 1979; Benjamini & Hochberg 1995) for p = 0.01, 0.04, 0.03."""
    from analysis.runner.index import adjust, write_index

    def rows():
        return [
            {
                "p_value": p,
                "_row": {"p_value": p, "alpha": 0.05, "reliable": True, "kind": "superiority"},
            }
            for p in (0.01, 0.04, 0.03)
        ]

    holm = rows()
    adjust(holm, "holm")  # sorted 0.01*3, 0.03*2, 0.04*1 -> running max 0.03, 0.06, 0.06
    assert [r["p_adjusted"] for r in holm] == pytest.approx([0.03, 0.06, 0.06])
    assert [r["verdict"] for r in holm] == ["supported", "not supported", "not supported"]
    bh = rows()
    adjust(bh, "bh")  # 0.01*3/1, 0.03*3/2, 0.04*3/3 -> running min from the top: 0.03, 0.04, 0.04
    assert [r["p_adjusted"] for r in bh] == pytest.approx([0.03, 0.04, 0.04])

    path = write_study(tmp_path, grid={"group": ["a", "b", "c"]})
    study = load_study(path)
    for spec, p in zip(study.reports, (0.01, 0.04, 0.03), strict=True):
        folder = study.output / spec.name
        folder.mkdir(parents=True)
        row = {
            "estimate_name": "IRR",
            "estimate": 0.5,
            "ci_low": 0.4,
            "ci_high": 0.6,
            "p_value": p,
            "alpha": 0.05,
            "reliable": True,
            "verdict": "supported",
            "n_obs": 10,
        }
        (folder / "results.json").write_text(json.dumps({"result": {"table": row}}))
        (folder / "provenance.json").write_text(json.dumps({"cache_key": spec.name}))
        (folder / "academic.html").write_text("x")
    html = write_index(study).read_text()
    table = html.split('<section class="multiverse"')[0]  # the reports' table (a curve follows)
    assert table.count('<th scope="col">group</th>') == 1  # one column per grid dimension
    assert 'id="multiverse-f1"' in html  # three grid points of one hypothesis: its curve
    assert html.index(">0.030<") < html.index(">0.060<") and "not supported" in html
    assert 'href="f1__group=b/academic.html"' in html and "Holm" in html


def test_logo_that_is_not_an_image_stops_the_run_before_any_kernel(tmp_path, no_kernels):
    """`-p logo=<any file>` would embed that file in the brief: only real images get through."""
    fake = tmp_path / "passwd.png"
    fake.write_text("root:x:0:0:root:/root:/bin/bash\n")
    path = write_study(tmp_path, notebook=str(HYPOTHESIS_NB), grid={}, hypotheses=[{"id": "H1"}])
    with pytest.raises(ParameterError) as err:
        runner_run.run_study(path, parse_overrides([f"logo={fake}"]))
    assert err.value.exit_code == EXIT_BAD_PARAMETERS
    assert (
        "parameter `logo`" in str(err.value)
        and str(fake) in str(err.value)
        and "a text file" in str(err.value)
    )
    assert "report h1" in str(err.value)
