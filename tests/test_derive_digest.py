"""The derived graph's digest: a rebuild that changes nothing skips reading the graph back,
and every other way the graph changes still ends in the rules' exact output."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from test_derive import fill, random_data

from kg.derive import DERIVED_GRAPH, derived_graph
from kg.embedded import EmbeddedStore, open_store
from kg.terms import CKG_NS, GRAPH, META_GRAPH

DIGEST = ox.NamedNode(CKG_NS + "derivedDigest")


@pytest.fixture
def store(tmp_path: Path):
    s = open_store(tmp_path / "store")
    yield s
    s.close()


def digest(store: EmbeddedStore) -> str | None:
    found = list(
        store.db.quads_for_pattern(
            ox.NamedNode(str(DERIVED_GRAPH)), DIGEST, None, ox.NamedNode(str(META_GRAPH))
        )
    )
    return found[0].object.value if found else None


def data_triples(store: EmbeddedStore) -> list:
    skip = {str(DERIVED_GRAPH), str(META_GRAPH)}
    return [q[:3] for g in store.data_graphs() if str(g) not in skip for q in store.quads(g)]


def assert_exact(store: EmbeddedStore) -> None:
    # The rules on the data read back as rdflib triples, not the store's derived graph.
    want = {tuple(t) for t in derived_graph(data_triples(store))}
    assert {q[:3] for q in store.quads(DERIVED_GRAPH)} == want


def test_an_unchanged_rebuild_keeps_the_graph_and_its_digest(store: EmbeddedStore) -> None:
    graphs, _ = random_data(1)
    fill(store, graphs)
    first = digest(store)
    assert first is not None
    store.db.update(
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{DERIVED_GRAPH}> <{CKG_NS}stale> true }} }}"
    )
    assert not store.derived_is_fresh()
    store.refresh_derived()
    assert store.derived_is_fresh() and digest(store) == first
    assert_exact(store)


def test_an_added_batch_drops_the_digest_and_a_later_rebuild_is_exact(
    store: EmbeddedStore,
) -> None:
    """ckg add changes the graph incrementally: the old digest must not survive it, or a
    rebuild back to the first data would wrongly find the graph already written."""
    graphs, _ = random_data(2)
    fill(store, graphs)
    first = digest(store)
    name = GRAPH["test/data0"]
    before = list(graphs[name])
    more, _ = random_data(3, events=30)
    batch = Graph()
    for triples in more.values():
        for t in triples:
            batch.add(t)
    store.add_to_graphs({name: batch}, source="batch")
    assert digest(store) != first  # removed (incremental) or the new content's (rebuilt)
    store.replace_graph(name, before, source="test")  # the first data again: full rebuild
    assert digest(store) == first
    assert_exact(store)


def test_a_graph_emptied_behind_its_digest_is_rebuilt(store: EmbeddedStore) -> None:
    graphs, _ = random_data(4)
    fill(store, graphs)
    store.db.remove_graph(ox.NamedNode(str(DERIVED_GRAPH)))
    store.refresh_derived()
    assert_exact(store)
