"""The embedded, persistent store: pyoxigraph (RocksDB) in a folder, behind :class:`kg.store.Store`.

Opening a populated store parses nothing: the folder *is* the database. Every write that
replaces graphs is one SPARQL Update request, which Oxigraph applies in one transaction, so
a reader (or a crash) sees the old graphs or the new ones, never a mix. So does
:meth:`EmbeddedStore.bulk_replace`, used for very large files: it bulk-loads the new
version beside the old one and switches in one transaction; :func:`open_store` drops
what an interrupted bulk load left.

A question reads the union of the store's graphs, as Oxigraph unions them itself: data,
inferred and derived graphs, and the meta graph's description of each graph (its IRI as
subject: ``void:triples``, ``dcterms:source``, ...), which no data pattern matches. Staging
candidates of ``ckg extract`` are never part of it (see
:func:`kg.embedded.reading.default_graph`).

One idea per module:

* :mod:`~kg.embedded.store` -- :class:`EmbeddedStore` put together, and :func:`open_store`;
* :mod:`~kg.embedded.locks` -- the RocksDB lock: :func:`open_rocksdb`, :func:`release_leftovers`;
* :mod:`~kg.embedded.base` -- the open database, its life cycle, hidden graphs, update requests;
* :mod:`~kg.embedded.reading` -- questions over the union of graphs, listings, quads;
* :mod:`~kg.embedded.writing` -- graphs replaced, triples added, graphs dropped, in one
  transaction each (the replaced version of a dated source is kept by :mod:`kg.history`);
* :mod:`~kg.embedded.bulk` -- bulk loads beside the old version, switched to atomically;
* :mod:`~kg.embedded.derived` -- the derived graph (:mod:`kg.derive`) kept in step;
* :mod:`~kg.embedded.meta` -- the meta graph's descriptions and the update text writing them.

>>> from rdflib import Literal, URIRef
>>> import tempfile
>>> store = open_store(tempfile.mkdtemp() + "/s")
>>> g = URIRef("https://w3id.org/conflict-kg/graph/file/demo")
>>> store.replace_graph(g, [(URIRef("urn:a"), URIRef("urn:p"), Literal(1))], source="demo")
1
>>> store.query("SELECT ?o WHERE { ?s <urn:p> ?o }").rows
[(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)]
>>> store.query("SELECT ?n WHERE { ?graph <http://rdfs.org/ns/void#triples> ?n }").rows
[(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)]
>>> store.close()
"""

from __future__ import annotations

from kg.embedded.bulk import BULK_PENDING_PREFIX
from kg.embedded.locks import open_rocksdb, release_leftovers
from kg.embedded.store import EmbeddedStore, open_store
from kg.rdfio.terms import to_ox, to_rdflib

__all__ = [
    "BULK_PENDING_PREFIX",
    "EmbeddedStore",
    "open_rocksdb",
    "open_store",
    "release_leftovers",
    "to_ox",
    "to_rdflib",
]
