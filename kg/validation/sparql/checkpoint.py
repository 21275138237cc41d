"""The checkpoint the SPARQL engine reads: the store as pySHACL's data graph would be.

A RocksDB checkpoint (hard links, milliseconds) of the store receives the triples
pySHACL's data graph adds to the store — the bundled ontology and the country bounding
boxes — in a graph of its own, so the store itself is never written and a concurrent
writer is not seen half-way. The other data graphs are then copied into the largest one,
which queries read alone.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph

from kg.embedded import release_leftovers
from kg.errors import StoreError
from kg.namespace import CKG
from kg.rdfio import to_ox
from kg.terms import GRAPH
from kg.validation.shapes import add_country_bounds, ontology_graph
from kg.validation.sparql.terms import rdflib_term, solutions

#: The checkpoint's extra graph: the bundled ontology and the country bounding boxes.
SUPPORT_GRAPH = GRAPH["validation-support"]


@contextlib.contextmanager
def checkpoint(db: ox.Store, location: str) -> Iterator[ox.Store]:
    """A writable copy of ``db`` (hard links where the file system allows), removed after.

    An in-memory store (a ``--as-of`` snapshot) cannot be backed up: its quads are copied
    into a new in-memory store instead.
    """
    if not Path(location).is_dir():
        memory = ox.Store()
        memory.extend(db.quads_for_pattern(None, None, None, None))
        yield memory
        return
    parent = Path(location).resolve().parent
    try:
        folder = Path(tempfile.mkdtemp(prefix=".ckg-validate-", dir=parent))
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="ckg-validate-"))
    target = folder / "db"
    try:
        try:
            db.backup(str(target))
            copy = ox.Store(str(target))
        except OSError as exc:
            raise StoreError(
                f"cannot make a checkpoint of {location} in {folder} to validate it: {exc}; "
                "free some disk space and run again"
            ) from exc
        try:
            yield copy
        finally:
            del copy
            # The same release as a closed store's: a frame kept by a library cache must
            # not keep the copy (its memory and open files) after its folder is removed.
            release_leftovers()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def support_triples(copy: ox.Store, graphs: Sequence[str]) -> Graph:
    """The triples pySHACL's data graph adds to the store: ontology and country bounds."""
    support = Graph()
    support += ontology_graph()
    countries = Graph()
    countries += ontology_graph()
    # Index lookups from the few countries (a query joined the other way scanned every
    # rdf:type triple of the store).
    keep = {ox.NamedNode(g) for g in graphs}
    props = [ox.NamedNode(str(p)) for p in (RDF.type, CKG.geonamesId, CKG.countryCode)]
    typed = copy.quads_for_pattern(None, props[0], ox.NamedNode(str(CKG.Country)), None)
    for country in {q.subject for q in typed if q.graph_name in keep}:
        for prop in props:
            for q in copy.quads_for_pattern(country, prop, None, None):
                if q.graph_name in keep:
                    countries.add((rdflib_term(country), rdflib_term(prop), rdflib_term(q.object)))
    before = set(countries)
    add_country_bounds(countries)
    for t in set(countries) - before:
        support.add(t)
    return support


def add_support(copy: ox.Store, graphs: Sequence[str]) -> None:
    """Write :func:`support_triples` into the checkpoint's :data:`SUPPORT_GRAPH`."""
    g = ox.NamedNode(str(SUPPORT_GRAPH))
    support = support_triples(copy, graphs)
    copy.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in support])


def count_graph(db: ox.Store, graph: str) -> int:
    """How many triples ``graph`` of ``db`` holds (a graph the meta graph does not describe)."""
    answer = db.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        named_graphs=[ox.NamedNode(graph)],
    )
    return next((int(row[0].value) for row in solutions(answer)), 0)


def default_graph(copy: ox.Store, sizes: dict[str, int], names: Sequence[str]) -> list[str] | None:
    """Make one graph of the checkpoint hold exactly the data pySHACL sees; return it.

    Oxigraph answers over one graph (or the union of all) 5-10x faster than over a list
    of graphs, and removing a graph's triples from RocksDB costs more than adding them.
    So the smaller data graphs and the support graph are copied into the largest data
    graph of the checkpoint (the store is not touched), and queries read that graph alone.
    With no data graph at all, the support graph alone is the data.
    """
    if not names:
        return [str(SUPPORT_GRAPH)]
    big = max(names, key=lambda g: (sizes.get(g, 0), g))
    for g in [*names, str(SUPPORT_GRAPH)]:
        if g != big:
            copy.update(f"ADD SILENT <{g}> TO <{big}>")
    return [big]
