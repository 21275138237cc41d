"""ACLED imports above kg.importers.writing.IMPORT_BULK_BYTES take the bulk path, and keep
the old graph whole when that path is interrupted (issue 18.3; the bulk switch itself is
tested under kill -9 by tests/test_bulk_kill.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from rdflib import URIRef

from kg.embedded import open_store
from kg.importers import writing
from kg.importers.acled import graph_for, import_acled

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_import import write_synthetic_acled


def events_in(store, graph: str) -> int:
    text = (
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e ?p ?o "
        "FILTER(STRSTARTS(STR(?e), 'https://w3id.org/conflict-kg/id/event/acled/')) }"
    )
    return int(store.query(text.replace("?e ?p ?o", f"GRAPH <{graph}> {{ ?e ?p ?o }}")).rows[0][0])


def test_a_big_import_goes_bulk_and_an_interrupted_one_keeps_the_old_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_csv = tmp_path / "old" / "acled-mali.csv"
    new_csv = tmp_path / "new" / "acled-mali.csv"
    old_csv.parent.mkdir()
    new_csv.parent.mkdir()
    write_synthetic_acled(old_csv, 1500, seed=1)
    write_synthetic_acled(new_csv, 1800, seed=2)
    assert old_csv.stat().st_size > writing.IMPORT_BULK_BYTES  # the fixture is above it
    want_old = pd.read_csv(old_csv, dtype=str)["event_id_cnty"].nunique()

    store = open_store(tmp_path / "store")
    calls: list[str] = []
    real_bulk = type(store).bulk_replace

    def spy(self, graphs, *args, **kwargs):
        calls.append(graphs[0])
        return real_bulk(self, graphs, *args, **kwargs)

    monkeypatch.setattr(type(store), "bulk_replace", spy)
    import_acled(store, [old_csv])
    graph = graph_for(old_csv)
    assert calls == [graph]
    assert events_in(store, graph) == want_old
    before = sorted(q[:3] for q in store.quads(URIRef(graph)))

    # Interrupted while the new version is being bulk-loaded beside the old one.
    class Interrupted(BaseException):
        pass

    class Dying:
        def __init__(self, db):
            self.db = db

        def bulk_load(self, *_args, **_kwargs):
            raise Interrupted

        def __getattr__(self, name):
            return getattr(self.db, name)

    real_db = store._db
    store._db = Dying(real_db)
    with pytest.raises(Interrupted):
        import_acled(store, [new_csv])
    store._db = real_db
    assert len(calls) == 2
    assert sorted(q[:3] for q in store.quads(URIRef(graph))) == before
    assert not [g for g in store.db.named_graphs() if "bulk-pending" in g.value]
    store.close()
