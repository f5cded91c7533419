"""Adding a language is adding one catalogue file: a pseudo-locale renders every demo report.

The pseudo-locale ``qps`` (every text of the catalogue accented and bracketed, ``⟦Ŧħḗ ...⟧``) is
written beside a copy of the catalogues and pointed to with ``DIALOGIC_LOCALE_DIR``; nothing
else changes. The demo study then runs in ``qps`` through the real ``dialogic run`` (kernels,
nbconvert), and every page must show the pseudo-translation and no English text of the
catalogue.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import PROJECT_ROOT

from analysis import catalog, catalog_tools

pytestmark = pytest.mark.slow

#: English fragments long enough to be unmistakable when left untranslated on a page.
MIN_FRAGMENT = 24


def _visible_text(page: str) -> str:
    page = re.sub(r"(?s)<(script|style|pre|code)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<details\b[^>]*class=\"[^\"]*code[^\"]*\".*?</details>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _english_fragments() -> set[str]:
    out = set()
    for entry in catalog_tools.registered():
        if entry.context.startswith(("grammar.", "hypothesis.generic.")):
            continue
        for text in filter(None, (entry.msgid, entry.plural)):
            for part in re.split(r"\{[^}]*\}", text):
                part = part.strip(" .,;:()")
                if len(part) >= MIN_FRAGMENT and " " in part:
                    out.add(part)
    return out


@pytest.fixture(scope="module")
def pseudo_study(tmp_path_factory):
    base = tmp_path_factory.mktemp("pseudo")
    locale = base / "locale"
    shutil.copytree(catalog.locale_dir(), locale)
    catalog_tools.write_pseudo("qps", locale)
    env = {**os.environ, "DIALOGIC_LOCALE_DIR": str(locale), "DIALOGIC_PROGRESS": "0"}

    def dialogic(*args):
        return subprocess.run(
            [sys.executable, "-m", "analysis.cli", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )

    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "data"))
    assert made.returncode == 0, made.stderr
    spec = yaml.safe_load((PROJECT_ROOT / "studies" / "demo.yaml").read_text())
    spec.update(
        data=str(base / "data"),
        output=str(base / "reports"),
        languages=["qps"],
        audiences=["academic", "brief"],
    )
    study = base / "pseudo.yaml"
    study.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    run = dialogic("run", str(study))
    assert run.returncode == 0, run.stdout + run.stderr
    return base / "reports", spec


def test_the_pseudo_locale_is_a_language_once_its_file_exists(tmp_path, monkeypatch):
    locale = tmp_path / "locale"
    shutil.copytree(catalog.locale_dir(), locale)
    monkeypatch.setenv("DIALOGIC_LOCALE_DIR", str(locale))
    assert "qps" not in catalog.languages()
    catalog_tools.write_pseudo("qps", locale)
    assert "qps" in catalog.languages() and catalog_tools.problems("qps", locale) == []


def test_every_demo_report_renders_in_the_pseudo_locale(pseudo_study):
    reports, spec = pseudo_study
    folders = sorted(p for p in reports.iterdir() if p.is_dir())
    assert len(folders) == len(spec["hypotheses"]) + 1  # H4 is two reports
    given = yaml.safe_dump(spec, allow_unicode=True)  # the study's own words (claims) are data
    fragments = {f for f in _english_fragments() if f not in given}
    assert len(fragments) > 100
    for folder in folders:
        for audience in ("academic", "brief"):
            page = (folder / f"{audience}.html").read_text(encoding="utf-8")
            text = _visible_text(page)
            assert text.count("⟦") > 10, (folder.name, audience)
            left = sorted(f for f in fragments if f in text)
            assert not left, f"{folder.name}/{audience}: English left: {left[:10]}"
