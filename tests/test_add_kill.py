"""``kill -9`` of a ``ckg add`` in the middle of its commit leaves the store as it was.

A real subprocess adds a conforming batch big enough (12,000 triples) that its commit
takes a measurable time. One run goes to the end, to measure the commit and to know the
"after" state. Then copies of the same store get the same ``ckg add``, killed with SIGKILL
as soon as it says "committing", and a fifth and two fifths into the measured commit. Each killed
store must open again and be exactly as before, or (had the kill come too late) exactly
as after: never anything in between. At least one kill must land in time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.bundled import load_bundled
from kg.embedded import open_store
from kg.terms import META_GRAPH

# Kills real ckg processes mid-commit (seconds each): left out of make test-fast.
pytestmark = pytest.mark.kill

TRIPLES = 12_000


def _batch(path: Path) -> Path:
    """A conforming batch: one source document with many notes, in its own graph."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
            "<https://w3id.org/conflict-kg/graph/doc/kill-test> {\n"
            "<https://w3id.org/conflict-kg/id/doc/kill-test> a ckg:Document ;\n"
            '    dcterms:title "Kill test"@en .\n'
        )
        for i in range(TRIPLES):
            out.write(
                f'<https://w3id.org/conflict-kg/id/doc/kill-test> rdfs:comment "note {i}" .\n'
            )
        out.write("}\n")
    return path


def _quads(folder: Path) -> set[tuple[object, ...]]:
    store = open_store(folder, create=False)
    try:
        return set(store.quads())
    finally:
        store.close()


def _data(quads: set[tuple[object, ...]]) -> set[tuple[object, ...]]:
    # The meta graph records when a graph was written; compare the data without it.
    return {q for q in quads if q[3] != META_GRAPH}


def _start(folder: Path, batch: Path) -> subprocess.Popen[str]:
    code = "from kg.cli.main import cli; cli()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--store", str(folder), "add", str(batch)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_commit(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if "committing" in line:
            return
    pytest.fail(f"ckg add ended (exit {proc.wait()}) without starting to commit")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "store"
    store = open_store(folder)
    try:
        load_bundled(store)
    finally:
        store.close()
    return folder


def test_kill_during_commit_leaves_store_as_before(template: Path, tmp_path: Path) -> None:
    batch = _batch(tmp_path / "big.trig")
    before = _quads(template)

    # A complete run: the "after" state, and how long the commit takes.
    full = tmp_path / "full"
    shutil.copytree(template, full)
    proc = _start(full, batch)
    _wait_for_commit(proc)
    t0 = time.perf_counter()
    assert proc.wait(timeout=300) == 0
    commit_seconds = time.perf_counter() - t0
    after = _quads(full)
    assert len(_data(after)) == len(_data(before)) + TRIPLES + 2

    outcomes = []
    for i, fraction in enumerate((0.0, 0.2, 0.4)):
        folder = tmp_path / f"killed-{i}"
        shutil.copytree(template, folder)
        proc = _start(folder, batch)
        _wait_for_commit(proc)
        time.sleep(commit_seconds * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        state = _quads(folder)  # opens: the killed process left no lock behind
        if state == before:
            outcomes.append("before")
        elif _data(state) == _data(after):
            outcomes.append("after")
        else:
            pytest.fail(
                f"kill after {fraction:.0%} of the commit left a partial store: "
                f"{len(_data(state) - _data(before))} of {TRIPLES + 2} new triples"
            )
    print(f"commit {commit_seconds:.2f} s; kills: {outcomes}")
    assert "before" in outcomes, f"no kill landed before the commit finished: {outcomes}"
