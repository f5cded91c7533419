"""Shared fixtures.

Real samples: small excerpts of those whose licence allows it are bundled in tests/fixtures/real/
(each with a SOURCE.md; ``make_excerpts.py`` there rebuilds them); the full samples live in
../shared/data/real beside the clone. :func:`real_data` looks in the bundle first, then in
../shared,
and skips a test with a reason naming the sample and why it is not bundled.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# Property tests draw the same examples on every run (a suite that passes once passes again, in CI
# too); `HYPOTHESIS_PROFILE=fuzz` explores fresh random examples, 20 times as many, to hunt for
# new failures: HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_import_bad.py -k
# damaged
settings.register_profile("default", derandomize=True)
settings.register_profile("fuzz", derandomize=False, max_examples=240)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: the full samples; DIALOGIC_REAL_DATA=/nonexistent runs the suite as on a clone without ../shared
REAL_DATA = Path(
    os.environ.get("DIALOGIC_REAL_DATA") or PROJECT_ROOT.parent / "shared" / "data" / "real"
)
BUNDLED = PROJECT_ROOT / "tests" / "fixtures" / "real"

#: why a sample (or part of one) is not in tests/fixtures/real; the skip reason of a test needing
#: it
NOT_BUNDLED = {
    "allocine-fr-reviews-polarity": "licence unstated in the source repository",
    "bluesky-keegan-nyt": "MIT, but the Parquet tables (2.3 MB) are larger than the bundle's ~200 "
    "KB a file",
    "crowdtangle-api-phoenix": "AGPL-3.0 (copyleft terms stronger than this project's)",
    "facebook-page-scraper-nytimes": "licence unstated (no LICENSE file in the fork)",
    "fr-candidates-debate-tweets-2017": "licence unstated",
    "fr-media-tweets-2022": "licence unstated",
    "sanders-twitter-sentiment": "licence unstated",
    "sentiment140-manual-test": "licence unstated",
    "twcs-customer-support-twitter": "licence unstated (Kaggle dataset, terms not checked)",
    "tweet-acts-tac": "BSD-2, but only used by the text benchmark, which needs the full labelled "
    "corpora",
    "tweeteval-sentiment-test": "licence of the underlying SemEval data not stated",
    "twitter-org-vs-individual-tweetpie": "Apache-2.0, but the label tables (1.2 MB each) are "
    "used whole",
    "twitter-us-airline-sentiment": "the dataset's own (Kaggle) licence is not stated",
    "twitter-user-gender-brand-crowdflower": "licence unstated",
    "uci-facebook-comment-volume": "the UCI data's licence is not stated",
    "uci-facebook-metrics": "licence unstated",
    "umsab-french-tweets-sentiment": "Apache-2.0 repository whose README says the DEFT 2017 data "
    "may carry "
    "other restrictions",
    "youtube-data-api-phoenix": "AGPL-3.0 (copyleft terms stronger than this project's)",
    "youtube-spam-collection": "licence unstated",
    "reddit-praw-cassettes/cassettes": "BSD-2, but the two Betamax cassettes (1.9 MB) are too "
    "large; only the "
    "extracted thread ablzuq is bundled",
    "reddit-praw-cassettes/extracted/comments_3hahrw.json": "BSD-2, but thread 3hahrw (0.5 MB) is "
    "too large",
}


def _not_bundled(rel: str) -> str:
    sample = rel.split("/")[0]
    why = next(
        (
            NOT_BUNDLED[k]
            for k in sorted(NOT_BUNDLED, key=len, reverse=True)
            if rel == k or rel.startswith(k + "/")
        ),
        None,
    )
    if why is None and (BUNDLED / sample).is_dir():
        why = f"only an excerpt of it is bundled (see tests/fixtures/real/{sample}/SOURCE.md)"
    return (
        f"real sample {rel} not in {REAL_DATA} ({why or 'not bundled'}, so it is not copied into "
        f"tests/fixtures/real)"
    )


class RealData:
    """The real samples: ``real_data / "twarc2-docnow"`` is the bundled excerpt's folder when there
    is
    one, else the full sample's in ../shared; a test needing a sample that is in neither is skipped
    with the reason.

    ``full(name)`` is the full sample (../shared only) or None; ``best(name)`` the full sample when
    present, else the excerpt, for tests that check the full sample's published counts and the
    excerpt's own otherwise; ``is_excerpt(path)`` says whether a path is the bundled excerpt's;
    ``path("a/b/c")`` finds one file or folder in either place (a part the excerpt leaves out comes
    from ../shared); ``root()`` is ../shared itself, for code that reads several whole samples.
    """

    bundled, shared = BUNDLED, REAL_DATA

    def __truediv__(self, name: str) -> Path:
        for base in (BUNDLED, REAL_DATA):
            if (base / name).exists():
                return base / name
        pytest.skip(_not_bundled(str(name)))

    def path(self, rel: str) -> Path:
        for base in (BUNDLED, REAL_DATA):
            if (base / rel).exists():
                return base / rel
        pytest.skip(_not_bundled(rel))

    def best(self, name: str) -> Path:
        """The full sample when ../shared has it, else the bundled excerpt (for tests that check
        the
        full sample's published counts, and the excerpt's own counts otherwise)."""
        return self.full(name) or self / name

    def full(self, name: str) -> Path | None:
        return REAL_DATA / name if (REAL_DATA / name).is_dir() else None

    def is_excerpt(self, path: str | Path) -> bool:
        """Whether ``path`` (a path this object gave) is in the bundle; a bare name: the sample is
        bundled."""
        path = Path(path)
        return path.is_relative_to(BUNDLED) if path.is_absolute() else (BUNDLED / path).is_dir()

    def root(self, why: str = "") -> Path:
        if not REAL_DATA.is_dir():
            pytest.skip(f"real samples not found at {REAL_DATA}" + (f": {why}" if why else ""))
        return REAL_DATA


@pytest.fixture(scope="session")
def real_data() -> RealData:
    """The real public samples (see :class:`RealData`): bundled excerpts first, then ../shared."""
    return RealData()


def dialogic(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run the `dialogic` command (as `python -m analysis.cli`) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "analysis.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="session")
def demo_study(tmp_path_factory):
    """The demo study, run once per session into a temporary folder, as `make report` does it:
    `dialogic demo` (simulate + import), then `dialogic run` on a copy of studies/demo.yaml.

    Returns (reports folder, study spec as a dict, the run's CompletedProcess). Shared by
    test_demo_study.py and the browser tests of every demo report.
    """
    base = tmp_path_factory.mktemp("demo-study")
    made = dialogic("demo", "--raw-dir", str(base / "raw"), "--out-dir", str(base / "processed"))
    assert made.returncode == 0, made.stderr
    spec = yaml.safe_load((PROJECT_ROOT / "studies" / "demo.yaml").read_text())
    spec["data"] = str(base / "processed")
    spec["output"] = str(base / "reports")
    study_file = base / "demo.yaml"
    study_file.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    run = dialogic("run", str(study_file))
    assert run.returncode == 0, run.stdout + run.stderr
    return base / "reports", spec, run
