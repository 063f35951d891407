"""Shared fixtures: warehouses built by the real refresh from small hand-made exports."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cx.config import Settings, load_settings
from cx.pipeline.refresh import refresh

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "small"


def build(data_dir: Path, target: Path, settings: Settings | None = None):
    """Refresh `data_dir` into `target`; returns the RefreshResult (progress lines muted)."""
    lines: list[str] = []
    result = refresh(data_dir, target, settings or Settings(), say=lines.append)
    result.lines = lines
    return result


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory) -> Path:
    """The hand-made fixture of tests/fixtures/small, refreshed once per session."""
    target = tmp_path_factory.mktemp("small") / "warehouse.duckdb"
    result = build(SMALL, target)
    assert result.published, result.message
    return target


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the small fixture, for tests that break or extend it."""
    dest = tmp_path / "data"
    shutil.copytree(SMALL, dest)
    return dest


@pytest.fixture(scope="session")
def default_settings() -> Settings:
    return load_settings()
