"""Shared fixtures. Helpers live in this package (``tests.dbcompare``: corpora and database
comparisons; ``tests.servers``: a real Datasette), imported by their full name.

Markers (``pyproject.toml``): ``slow``, ``browser``, ``dask``. ``make test`` runs them all;
the fast suite alone is ``pytest -m "not slow and not browser and not dask"``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from tests import SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared``; the test is skipped when it is not beside the project."""
    if not (SHARED / "gold").is_dir():
        pytest.skip(f"{SHARED} (with gold/) not present beside the project")
    return SHARED
