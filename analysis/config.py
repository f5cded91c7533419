"""One place for paths and defaults.

Every path is computed from the project root, so notebooks and commands never hard-code
``../data/...``. Override the root with the ``DIALOGIC_HOME`` environment variable (tests do).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Environment variable naming another project root (tests set it).
HOME_ENV = "DIALOGIC_HOME"
PROJECT_ROOT = Path(os.environ.get(HOME_ENV, PACKAGE_DIR.parent)).resolve()

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
DEMO_RAW_DIR = RAW_DIR / "demo"
DEMO_PROCESSED_DIR = PROCESSED_DIR / "demo"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
STUDIES_DIR = PROJECT_ROOT / "studies"
REPORTS_DIR = PROJECT_ROOT / "reports"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"

#: The runner's own cache (file-hash memo, parameter checks, data facts), outside every data set.
RUNNER_CACHE_DIR = PROJECT_ROOT / ".dialogic-cache"
#: Name of the cache folder inside a data set (``<data>/.cache/``: measures, text signals); hidden,
#: so the runner's data hash skips it.
CACHE_DIR_NAME = ".cache"

# Secret key for pseudonymizing authors: outside git (see .gitignore) and outside every report.
KEY_FILE_ENV = "DIALOGIC_KEY_FILE"
PSEUDONYM_KEY_FILE = Path(
    os.environ.get(KEY_FILE_ENV, Path.home() / ".config" / "dialogic" / "pseudonym.key")
)

DEMO_SEED = 20240101
DEFAULT_ALPHA = 0.05
DEFAULT_MIN_POSTS = 5
# Comments not answered within this many hours are censored in time-to-reply measures.
DEFAULT_REPLY_WINDOW_H = 72.0
# Share of the platform-reported comments a data set must hold (coverage audit, analysis.coverage);
# below it `dialogic run` stops before any kernel unless --allow-low-coverage. Study key:
# coverage_threshold.
DEFAULT_COVERAGE_THRESHOLD = 0.8
#: How the runner starts report kernels (analysis.runner.kernels): "forked" from a factory that
#: preloaded the libraries, or "stock" (jupyter_client's KernelManager, one new interpreter each).
#: ``$DIALOGIC_KERNELS`` overrides it; ``dialogic run --kernels`` overrides both. Forked by
#: default (a run of 8 reports takes about half the time); it falls back to stock, with a warning,
#: where it cannot work (not Linux, no fork, the factory does not start or dies).
KERNEL_LAUNCHERS = ("forked", "stock")
KERNEL_LAUNCHER = "forked"
KERNELS_ENV = "DIALOGIC_KERNELS"

# ------------------------------------------------------------------------------------- studies
#: Audiences a study may ask for (``audiences:``); ``brief-pdf`` is the brief printed to PDF.
AUDIENCES = ("academic", "brief", "brief-pdf")
#: Audiences of a study that names none.
DEFAULT_AUDIENCES = ("academic", "brief")
#: Multiple-testing corrections a study may ask for (``correction:``); bh = Benjamini-Hochberg
#: (false discovery rate), holm = Holm (family-wise error rate).
CORRECTIONS = ("holm", "bh", "none")
DEFAULT_CORRECTION = "holm"

# ------------------------------------------------------------------------ environment settings
#: Names another browser to print ``brief-pdf`` (or hides it: ``DIALOGIC_CHROMIUM=/nonexistent``).
CHROMIUM_ENV = "DIALOGIC_CHROMIUM"
#: The browser that prints ``brief-pdf``: Debian's chromium unless ``$DIALOGIC_CHROMIUM``.
CHROMIUM = os.environ.get(CHROMIUM_ENV) or "/usr/bin/chromium"
#: ``DIALOGIC_PROGRESS=0`` turns the progress bars off (the runner's kernels do).
PROGRESS_ENV = "DIALOGIC_PROGRESS"
#: An access token of the researcher's own Mastodon account (lifts an instance's anonymous cap).
MASTODON_TOKEN_ENV = "DIALOGIC_MASTODON_TOKEN"

#: The translation catalogues (one ``<language>/LC_MESSAGES/dialogic.po`` each, analysis.catalog);
#: ``$DIALOGIC_LOCALE_DIR`` points elsewhere (e.g. to try a new language before adding it).
LOCALE_DIR = PACKAGE_DIR / "locale"
LOCALE_DIR_ENV = "DIALOGIC_LOCALE_DIR"
