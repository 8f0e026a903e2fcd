"""Shared by the whole suite. Keep it small: folders add their own conftest.py."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout's root folder (where pyproject.toml lives)."""
    return REPO_ROOT
