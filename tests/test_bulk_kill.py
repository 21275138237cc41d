"""``kill -9`` at any moment of a bulk load leaves every graph old or new (issue 18.2).

A real ``ckg load --bulk`` replaces graph A (old version: synthetic events, seed 1) and
creates graph B from one N-Quads file (the new A: other events, seed 2). One run goes to
the end: the "after" state and how long a load takes. Copies of the same store then get
the same load, killed with SIGKILL at many moments of it. Each killed store must open
again with A exactly its old or its new triples, B absent or complete, the other graphs
untouched, nothing left of the interrupted run, and ``ckg graphs`` saying which version
A is (its triple count and source). Some kills must land while the new content is being
written (their leftovers are seen, read-only, before the store is opened), and some
before the end. The triples expected are those of the files, parsed here by rdflib.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Dataset, Graph, URIRef

from kg.bundled import load_bundled
from kg.embedded import BULK_PENDING_PREFIX, open_store
from kg.terms import META_GRAPH

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic

GRAPH_A = "https://w3id.org/conflict-kg/graph/test/bulk-a"
GRAPH_B = "https://w3id.org/conflict-kg/graph/test/bulk-b"
EVENTS = 800  # about 12,000 triples per version
PENDING_MARK = "https://w3id.org/conflict-kg/ontology#bulkPending"


def _files(folder: Path) -> tuple[Path, Path]:
    old = folder / "old.nt"
    old.write_text(
        "".join(f"{s} {p} {o} .\n" for s, p, o in synthetic.iter_triples(EVENTS, seed=1)),
        encoding="utf-8",
    )
    new = folder / "new.nq"
    with new.open("w", encoding="utf-8") as out:
        for s, p, o in synthetic.iter_triples(EVENTS, seed=2):
            out.write(f"{s} {p} {o} <{GRAPH_A}> .\n")
        for s, p, o in synthetic.iter_triples(EVENTS // 3, seed=3):
            out.write(f"{s} {p} {o} <{GRAPH_B}> .\n")
    return old, new


def _expected(old: Path, new: Path) -> tuple[set[tuple[str, ...]], dict[str, set[tuple[str, ...]]]]:
    """The files' triples per graph, read by rdflib (not by the code under test)."""
    g = Graph().parse(old, format="nt")
    before = {tuple(t.n3() for t in triple) for triple in g}
    ds = Dataset().parse(new, format="nquads")
    after: dict[str, set[tuple[str, ...]]] = {}
    for s, p, o, c in ds.quads((None, None, None, None)):
        after.setdefault(str(c), set()).add((s.n3(), p.n3(), o.n3()))
    return before, after


def _graph(folder: Path, graph: str) -> set[tuple[str, ...]]:
    store = open_store(folder, create=False)
    try:
        return {tuple(t.n3() for t in q[:3]) for q in store.quads(URIRef(graph))}
    finally:
        store.close()


def _others(folder: Path) -> set[tuple[object, ...]]:
    store = open_store(folder, create=False)
    try:
        return {
            q for q in store.quads() if str(q[3]) not in (GRAPH_A, GRAPH_B, str(META_GRAPH))
        } - {q for q in store.quads() if "derived" in str(q[3])}
    finally:
        store.close()


def _rows(folder: Path) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(cli, ["--store", str(folder), "graphs", "-f", "csv"])
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    return {row["graph"]: row for row in reader if row.get("graph")}


def _leftovers(folder: Path) -> bool:
    """Whether the killed run left new content behind (seen without opening for writing)."""
    db = ox.Store.read_only(str(folder))
    try:
        pending = any(
            g.value.startswith(BULK_PENDING_PREFIX)
            for g in db.named_graphs()
            if isinstance(g, ox.NamedNode)
        )
        marked = any(
            True
            for _ in db.quads_for_pattern(
                None, ox.NamedNode(PENDING_MARK), None, ox.NamedNode(str(META_GRAPH))
            )
        )
        return pending or marked
    finally:
        del db


def _start(folder: Path, new: Path) -> subprocess.Popen[str]:
    code = "from kg.cli.main import cli; cli()"
    args = ["--store", str(folder), "load", "--bulk", "--no-validate"]
    args += ["--replace-graph", GRAPH_A, str(new)]
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


#: The steps bulk_replace announces on stderr, in order.
STEPS = ("bulk: writing", "bulk: switching", "bulk: switched", "bulk: updating")


def _wait_for(proc: subprocess.Popen[str], step: str) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith(step):
            return
    pytest.fail(f"ckg load ended (exit {proc.wait()}) before {step!r}")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("bulk-kill")
    old, new = _files(base)
    folder = base / "store"
    store = open_store(folder)
    try:
        load_bundled(store)
    finally:
        store.close()
    result = CliRunner().invoke(
        cli,
        ["--store", str(folder), "load", "--bulk", "--no-validate", "--graph", GRAPH_A, str(old)],
    )
    assert result.exit_code == 0, result.output
    return folder, old, new


@pytest.mark.kill
@pytest.mark.slow
def test_kill_at_any_moment_of_a_bulk_load_leaves_old_or_new(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    template, old_file, new_file = setup
    old_a, new = _expected(old_file, new_file)
    assert _graph(template, GRAPH_A) == old_a
    others = _others(template)
    old_row = _rows(template)[GRAPH_A]

    full = tmp_path / "full"
    shutil.copytree(template, full)
    proc = _start(full, new_file)
    assert proc.stderr is not None
    seen: dict[str, float] = {}
    for line in proc.stderr:
        seen.setdefault(
            next((s for s in STEPS if line.startswith(s)), "other"), time.perf_counter()
        )
    assert proc.wait(timeout=300) == 0
    ended = time.perf_counter()
    assert all(step in seen for step in STEPS), seen
    # How long each step took in the complete run.
    times = [seen[step] for step in STEPS] + [ended]
    length = {step: times[i + 1] - times[i] for i, step in enumerate(STEPS)}
    assert _graph(full, GRAPH_A) == new[GRAPH_A]
    assert _graph(full, GRAPH_B) == new[GRAPH_B]
    new_rows = _rows(full)
    assert int(new_rows[GRAPH_A]["triples"]) == len(new[GRAPH_A])

    outcomes = []
    # Kills as each step starts and inside the longer ones.
    kills = [(STEPS[0], 0.0), (STEPS[0], 0.5), (STEPS[1], 0.0), (STEPS[1], 0.5)]
    kills += [(STEPS[2], 0.0), (STEPS[3], 0.0)]
    for i, (step, fraction) in enumerate(kills):
        folder = tmp_path / f"killed-{i}"
        shutil.copytree(template, folder)
        proc = _start(folder, new_file)
        _wait_for(proc, step)
        time.sleep(length[step] * fraction)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        where = f"kill {fraction:.0%} into {step!r}"
        interrupted = _leftovers(folder)
        a, b = _graph(folder, GRAPH_A), _graph(folder, GRAPH_B)  # opens: recovers
        rows = _rows(folder)
        assert _others(folder) == others, f"{where} changed another graph"
        assert not _leftovers(folder), "the leftovers of the killed run are still there"
        if a == old_a:
            assert b == set(), "B was written although A kept its old version"
            assert rows[GRAPH_A]["triples"] == old_row["triples"]
            assert rows[GRAPH_A]["source"] == old_row["source"]
            assert rows[GRAPH_A]["loaded"] == old_row["loaded"]
            assert GRAPH_B not in rows
            outcomes.append(f"{where}: old" + (", leftovers dropped" if interrupted else ""))
        elif a == new[GRAPH_A]:
            assert b == new[GRAPH_B], "A is new but B is not complete"
            assert int(rows[GRAPH_A]["triples"]) == len(new[GRAPH_A])
            assert rows[GRAPH_A]["source"] == new_rows[GRAPH_A]["source"]
            assert int(rows[GRAPH_B]["triples"]) == len(new[GRAPH_B])
            outcomes.append(f"{where}: new" + (", leftovers dropped" if interrupted else ""))
        else:
            pytest.fail(
                f"{where} left A neither old nor new: "
                f"{len(a & old_a)} old and {len(a - old_a)} other triples"
            )
    print("bulk load steps (s):", {k: round(v, 2) for k, v in length.items()})
    print("\n".join(outcomes))
    # Killed while writing beside the old version: old kept, leftovers dropped on open.
    assert outcomes[1].endswith("old, leftovers dropped"), outcomes
    # Killed once switched, before the temporary graphs were dropped: new, cleaned on open.
    assert outcomes[4].endswith("new, leftovers dropped"), outcomes


BAD = Path(__file__).parent / "bad_batches"


def test_bulk_load_is_validated_before_it_replaces_anything(bundled_store_dir: Path) -> None:
    """ckg load --bulk: a file that does not conform is refused with the store unchanged;
    a conforming one is loaded and not marked unvalidated (issue 19)."""
    store = open_store(bundled_store_dir, create=False)
    try:
        before = set(store.quads())
    finally:
        store.close()
    runner = CliRunner()
    bad = BAD / "11-jnim-attack-2012.trig"  # JNIM attack in 2012, before JNIM's founding
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "load", "--bulk", str(bad)])
    assert result.exit_code == 1, result.output
    assert "Event before its perpetrator existed" in result.stdout
    assert "the store is unchanged" in result.stderr
    assert "bulk: checking the new version" in result.stderr
    # docs/validation.md shows this run: its progress and error lines are these.
    page = (Path(__file__).parents[1] / "docs" / "validation.md").read_text(encoding="utf-8")
    block = page[page.index("$ ckg load --bulk old-reports.trig") :].split("```")[0]
    shown = [line for line in block.splitlines() if line.startswith(("bulk:", "Error:"))]
    assert len(shown) == 3 and all(line in result.stderr for line in shown), shown
    assert all(line in result.stdout for line in block.splitlines() if line.startswith("    "))
    assert not _leftovers(bundled_store_dir)
    store = open_store(bundled_store_dir, create=False)
    try:
        assert set(store.quads()) == before
    finally:
        store.close()
    # The same file with the 2012 date moved after the founding conforms.
    good = bundled_store_dir.parent / "good.trig"
    good.write_text(bad.read_text(encoding="utf-8").replace("2012-06-01", "2019-06-01"))
    assert good.read_text(encoding="utf-8") != bad.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "load", "--bulk", str(good)])
    assert result.exit_code == 0, result.output
    assert "unvalidated" not in result.stderr
    assert "with the bulk loader" in result.stderr
    rows = _rows(bundled_store_dir)
    (row,) = [r for g, r in rows.items() if g.endswith("/curator-batch")]
    assert row["stale"] == "" and int(row["triples"]) == len(Dataset().parse(good, format="trig"))
    # The bad file over the good one (a replacement, written beside the old version first).
    store = open_store(bundled_store_dir, create=False)
    try:
        loaded = set(store.quads())
    finally:
        store.close()
    good.write_text(bad.read_text(encoding="utf-8"))
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "load", "--bulk", str(good)])
    assert result.exit_code == 1, result.output
    assert (
        "source: ckggraph:doc/curator-batch" in result.stdout
    )  # its own name, not the temporary one
    assert "1 replaced, 0 new" in result.stderr
    store = open_store(bundled_store_dir, create=False)
    try:
        assert set(store.quads()) == loaded
    finally:
        store.close()
