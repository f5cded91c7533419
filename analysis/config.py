"""One place for paths and defaults.

Every path is computed from the project root, so notebooks and commands never hard-code
``../data/...``. Override the root with the ``DIALOGIC_HOME`` environment variable (tests do).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("DIALOGIC_HOME", PACKAGE_DIR.parent)).resolve()

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
DEMO_RAW_DIR = RAW_DIR / "demo"
DEMO_PROCESSED_DIR = PROCESSED_DIR / "demo"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
STUDIES_DIR = PROJECT_ROOT / "studies"
REPORTS_DIR = PROJECT_ROOT / "reports"
LOCK_FILE = PROJECT_ROOT / "requirements.lock"

# Secret key for pseudonymizing authors: outside git (see .gitignore) and outside every report.
PSEUDONYM_KEY_FILE = Path(
    os.environ.get("DIALOGIC_KEY_FILE", Path.home() / ".config" / "dialogic" / "pseudonym.key")
)

DEMO_SEED = 20240101
DEFAULT_ALPHA = 0.05
DEFAULT_MIN_POSTS = 5
# Comments not answered within this many hours are censored in time-to-reply measures.
DEFAULT_REPLY_WINDOW_H = 72.0
# Share of the platform-reported comments a data set must hold (coverage audit, analysis.coverage);
# below it `dialogic run` stops before any kernel unless --allow-low-coverage. Study key: coverage_threshold.
DEFAULT_COVERAGE_THRESHOLD = 0.8
