"""environment.yml (for conda users) and requirements.lock stay in step with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# conda-forge spells some packages differently: pyproject name -> conda names
CONDA_NAMES = {"dask[distributed]": {"dask", "distributed"}}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_deps() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {re.split(r"[<>=!~; ]", d, maxsplit=1)[0] for d in project["dependencies"]}


def test_environment_yml_lists_every_dependency_of_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {
                _norm(re.split(r"[<>=]", d)[0])
                for d in dep.get("pip", [])
                if not d.startswith("-")
            }
        else:
            names.add(_norm(re.split(r"[<>=]", dep)[0]))
    missing = set()
    for dep in _pyproject_deps():
        wanted = CONDA_NAMES.get(dep, {dep})
        missing |= {w for w in wanted if _norm(w) not in names}
    assert not missing, f"add {sorted(missing)} to environment.yml (they are in pyproject.toml)"
    extra = (
        names
        - {_norm(n) for d in _pyproject_deps() for n in CONDA_NAMES.get(d, {d})}
        - {"python", "pip"}
    )
    assert not extra, (
        f"environment.yml lists {sorted(extra)} which pyproject.toml does not: remove or add them"
    )


def test_lock_pins_every_dependency_exactly():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"requirements.lock line {line!r} is not pinned with =="
            lock[_norm(name)] = version
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _pyproject_deps() | {
        re.split(r"[<>=!~; ]", d, maxsplit=1)[0] for d in project["optional-dependencies"]["test"]
    }
    missing = sorted(d for d in wanted if _norm(d.split("[")[0]) not in lock)
    assert not missing, f"requirements.lock lacks {missing}: run `make lock`"


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line:
            name, _, version = line.partition("==")
            pins[_norm(name)] = version.strip()
    return pins


def test_environment_yml_pins_the_versions_of_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = [d for d in env["dependencies"] if isinstance(d, str)]
    specs += [
        d
        for d in env["dependencies"]
        if isinstance(d, dict)
        for d in d["pip"]
        if not d.startswith("-")
    ]
    lock = _lock()
    for spec in specs:
        name, _, version = spec.partition("==")
        if name.startswith("python") or name == "pip":
            continue
        assert version, (
            f"environment.yml: pin {name} to the lock's version ({lock.get(_norm(name))})"
        )
        assert version == lock[_norm(name)], (
            f"environment.yml pins {name}=={version} but requirements.lock has {lock[_norm(name)]}"
        )
