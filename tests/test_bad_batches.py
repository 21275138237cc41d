"""The catalogue of bad batches: each is refused by ``ckg add`` and the store is untouched.

Each file of ``tests/bad_batches/`` starts with a comment saying what is wrong with it
(``bad batch:``), the exit code ``ckg add`` must give (``expect-exit:`` 3 for input that
does not parse, 1 for data that does not conform), one or more fragments of the message
(``expect-message:``) and, for files without graphs, the ``graph:`` to pass as --graph.
The store holds the bundled seed graph; after every refusal all its quads, the meta
graph's included, must be exactly what they were.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli

from kg.bundled import load_bundled
from kg.embedded import open_store

CATALOGUE = Path(__file__).parent / "bad_batches"
BATCHES = sorted(p for p in CATALOGUE.iterdir() if p.is_file())


def _header(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text("utf-8").splitlines()[:8]:
        m = re.match(
            r"^\s*(?:#|<!--)?\s*(bad batch|expect-exit|expect-message|graph):\s*(.*?)\s*(?:-->)?$",
            line,
        )
        if m:
            found.setdefault(m.group(1), []).append(m.group(2))
    return found


def _quads(store_dir: Path) -> set[tuple[object, ...]]:
    store = open_store(store_dir, create=False)
    try:
        return set(store.quads())
    finally:
        store.close()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[object, ...]]]:
    """A store with the bundled graphs, and every quad it holds."""
    folder = tmp_path_factory.mktemp("bad-batches") / "store"
    store = open_store(folder)
    try:
        load_bundled(store)
    finally:
        store.close()
    return folder, _quads(folder)


def test_catalogue_has_at_least_25_documented_batches() -> None:
    assert len(BATCHES) >= 25
    for path in BATCHES:
        header = _header(path)
        assert header.get("bad batch"), f"{path.name}: no 'bad batch:' line saying what is wrong"
        assert header.get("expect-exit") in (["1"], ["3"]), path.name
        assert header.get("expect-message"), path.name
    kinds = {_header(p)["expect-exit"][0] for p in BATCHES}
    assert kinds == {"1", "3"}  # both parse errors and shape violations are covered


@pytest.mark.parametrize("path", BATCHES, ids=[p.name for p in BATCHES])
def test_bad_batch_is_refused_and_store_untouched(
    path: Path, seeded: tuple[Path, set[tuple[object, ...]]]
) -> None:
    folder, before = seeded
    header = _header(path)
    args = ["--store", str(folder), "add", str(path)]
    if header.get("graph"):
        args += ["--graph", header["graph"][0]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == int(header["expect-exit"][0]), result.output
    for fragment in header["expect-message"]:
        assert fragment in result.output, f"{fragment!r} not in:\n{result.output}"
    if result.exit_code == 1:
        assert "the store is unchanged" in result.stderr
    else:
        assert result.output.startswith("Error: ")
        assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert _quads(folder) == before
