"""Shared fixtures. Real samples live in ../shared/data/real (never copied into the repository)."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = PROJECT_ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """Folder of real public samples; tests skip with a clear reason when ../shared is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip(f"real samples not found at {REAL_DATA} (clone the project with ../shared beside it)")
    return REAL_DATA
