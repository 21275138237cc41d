"""Issue 19.5: a damaged store says what it held and how to rebuild it.

The CLI keeps a record of the store's sources outside RocksDB (``ckg-sources.json``,
:mod:`kg.sources_record`). These tests damage a store the CLI wrote, read the message,
and then run the commands it gives: the rebuilt store must hold the quads the damaged one
held (read from it directly before the damage, not from the record).
"""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner
from kg.cli.main import cli

from kg.sources_record import RECORD_NAME, read_record

G = "https://w3id.org/conflict-kg/graph/"
#: ckg's own bookkeeping, which records times and revisions and so differs on a rebuild
BOOKKEEPING = (f"<{G}meta>", f"<{G}derived>", f"<{G}inferred>")


def data_graphs(store_dir: Path) -> dict[str, object]:
    """Each graph of the store, bookkeeping aside, in a form equal up to blank-node names."""
    from rdflib import Graph
    from rdflib.compare import to_isomorphic

    db = ox.Store.read_only(str(store_dir))
    try:
        text: dict[str, list[str]] = {}
        for q in db.quads_for_pattern(None, None, None, None):
            graph = f"<{q.graph_name.value}>" if isinstance(q.graph_name, ox.NamedNode) else ""
            if graph not in BOOKKEEPING:
                text.setdefault(graph, []).append(f"{q.subject} {q.predicate} {q.object} .")
    finally:
        del db
    return {
        g: to_isomorphic(Graph().parse(data="\n".join(lines), format="nt"))
        for g, lines in text.items()
    }


def ckg(runner: CliRunner, store_dir: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--store", str(store_dir), *args])


def test_each_write_rewrites_the_record_and_a_read_does_not(runner, bundled_store_dir, tmp_path):
    record = bundled_store_dir / RECORD_NAME
    assert not record.exists()  # built by the library, not the CLI
    assert ckg(runner, bundled_store_dir, "graphs").exit_code == 0
    assert not record.exists()
    mine = tmp_path / "mine.ttl"
    mine.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    assert ckg(runner, bundled_store_dir, "load", "--no-validate", str(mine)).exit_code == 0
    body = json.loads(record.read_text(encoding="utf-8"))
    listed = {g["graph"]: g for g in body["graphs"]}
    assert listed[f"{G}file/mine"]["source"] == str(mine)
    assert listed[f"{G}file/mine"]["triples"] == 1
    # Every graph 'ckg graphs' lists is in the record, with its triples.
    shown = ckg(runner, bundled_store_dir, "graphs", "-f", "csv").stdout.splitlines()[1:]
    assert {row.split(",")[0]: int(row.split(",")[1]) for row in shown} == {
        g: e["triples"] for g, e in listed.items()
    }
    assert ckg(runner, bundled_store_dir, "drop", "file/mine").exit_code == 0
    assert f"{G}file/mine" not in {e.graph for e in read_record(bundled_store_dir).entries}
    assert not list(bundled_store_dir.glob(".ckg-sources-*"))  # no temporary file left


def test_a_damaged_store_lists_its_sources_and_the_given_commands_rebuild_it(
    runner, tmp_path, fixtures_dir
):
    store = tmp_path / "store"
    assert ckg(runner, store, "load", "--bundled").exit_code == 0
    mine = tmp_path / "mine.ttl"
    mine.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n", encoding="utf-8")
    loaded = ckg(runner, store, "load", "--no-validate", "--graph", "doc/mine", str(mine))
    assert loaded.exit_code == 0, loaded.output
    places = tmp_path / "places.txt"
    shutil.copy(fixtures_dir / "import" / "geonames-sample.txt", places)
    assert ckg(runner, store, "import", "geonames", str(places)).exit_code == 1  # 2 bad rows
    before = data_graphs(store)

    (store / "CURRENT").write_text("")
    result = ckg(runner, store, "graphs")
    assert result.exit_code == 3
    message = result.stderr
    assert f"the store at {store} is damaged (Corruption:" in message
    assert f"graph doc/mine from {mine} (2 triples" in message
    assert f"graph import/geonames/places from {places} (" in message
    rebuilt = Path(f"{store}-rebuilt")
    commands = [
        line.strip() for line in message.splitlines() if line.strip().startswith("ckg --store")
    ]
    assert commands == [
        f"ckg --store {rebuilt} load --bundled",
        f"ckg --store {rebuilt} load --graph doc/mine {mine}",
        f"ckg --store {rebuilt} import geonames {places}",
    ]
    for command in commands:
        done = runner.invoke(cli, shlex.split(command)[1:])
        assert done.exit_code in (0, 1), (command, done.output)
    assert data_graphs(rebuilt) == before


def test_a_file_named_relatively_is_recorded_with_the_folder_it_was_named_from(
    tmp_path, monkeypatch
):
    from datetime import UTC, datetime

    from rdflib import URIRef

    from kg.sources_record import write_record
    from kg.store import GraphInfo

    work = tmp_path / "work"
    work.mkdir()
    (work / "mali.csv").write_text("x\n", encoding="utf-8")
    store = tmp_path / "store"
    store.mkdir()
    when = datetime(2026, 1, 2, tzinfo=UTC)
    info = GraphInfo(URIRef(f"{G}import/acled/mali"), 10, source="mali.csv", loaded_at=when)
    monkeypatch.chdir(work)
    write_record(store, [info])
    assert read_record(store).entries[0].source == str(work / "mali.csv")
    # Rewritten later from another folder (after some other write): still the same file.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "mali.csv").write_text("another file\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    write_record(store, [info])
    assert read_record(store).entries[0].source == str(work / "mali.csv")
    # Imported again from there, it is that folder's file.
    again = GraphInfo(info.iri, 11, source="mali.csv", loaded_at=datetime(2026, 2, 1, tzinfo=UTC))
    write_record(store, [again])
    assert read_record(store).entries[0].source == str(elsewhere / "mali.csv")
