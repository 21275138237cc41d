"""Shared fixtures: a CliRunner, an empty store, and a store holding the bundled data.

Every store lives under ``tmp_path``. The bundled store is built once per session and
copied (a closed RocksDB folder copies safely) for each test that asks for it, so each
test gets its own, writable store in a few milliseconds.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.bundled import load_bundled
from kg.embedded import EmbeddedStore, open_store


@pytest.fixture
def runner() -> CliRunner:
    """A click runner; ``result.stdout`` and ``result.stderr`` are kept apart."""
    return CliRunner()


@pytest.fixture
def fixtures_dir(request: pytest.FixtureRequest) -> Path:
    """The folder of small hand-written test inputs (``tests/fixtures``)."""
    return Path(request.config.rootpath) / "tests" / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An empty embedded store in ``tmp_path``, closed at teardown."""
    s = open_store(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture(scope="session")
def _bundled_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundled") / "store"
    s = open_store(path)
    try:
        load_bundled(s)
    finally:
        s.close()
    return path


@pytest.fixture
def bundled_store_dir(_bundled_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a store folder holding the bundled data (for ``--store``)."""
    target = tmp_path / "bundled-store"
    shutil.copytree(_bundled_template, target)
    (target / "LOCK").unlink(missing_ok=True)
    return target


@pytest.fixture
def bundled_store(bundled_store_dir: Path) -> Iterator[EmbeddedStore]:
    """An open embedded store holding the bundled data, the test's own copy."""
    s = open_store(bundled_store_dir)
    yield s
    s.close()
