"""One Virtuoso per test session (so at most one per xdist worker), a fresh graph per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from virtuoso_server import VirtuosoServer, start_virtuoso, unavailable_reason

from engine_defects.engines import Engines


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark, and skip with a reason where virtuoso-t is missing, every test that asks it."""
    reason = unavailable_reason()
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and "engines" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.virtuoso)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """The one server of this session (of this xdist worker): started once, stopped after."""
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso-defects"))
    yield server
    server.stop()


@pytest.fixture
def engines(virtuoso_server: VirtuosoServer) -> Iterator[Engines]:
    """Both engines, empty; this test's graph on the server is cleared afterwards."""
    engines = Engines(virtuoso_server)
    yield engines
    virtuoso_server.isql(f"SPARQL CLEAR GRAPH <{engines.graph}>;")
