"""Putting an importer's N-Triples file into the store as one named graph.

On the embedded store a file of up to :data:`IMPORT_BULK_BYTES` (256 KiB of N-Triples,
about 60 ACLED rows: a row maps to about 4.3 KB) replaces its graph in one transaction
(:meth:`kg.embedded.EmbeddedStore.replace_native`). Bigger files go through the bulk loader
(:meth:`~kg.embedded.EmbeddedStore.bulk_replace`), which loads the new version beside the
old one and switches to it in one transaction: a reader, and a kill at any moment, sees the
old graph or the new one either way. ``benchmarks/bench_import.py --compare-paths`` times
both paths alternately in one run; bulk took about half the time from 1,000 rows (4.3 MB)
up (figures in ``docs/importing.md``), fresh and on a re-import of the same file. The load
command keeps its own threshold (:data:`kg.loading.BULK_BYTES`). Either way the file was
read, checked and mapped completely before the store is touched, so a
malformed row can never leave a half-written graph. Other backends receive rdflib triples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Identifier

from kg.errors import StoreError

#: Import files above this size go through the embedded store's bulk loader. Below it
#: one transaction is as safe and its fixed cost is small (tests' fixtures stay there).
IMPORT_BULK_BYTES = 256 * 1024


def bulk_threshold() -> int:
    """File size above which the embedded store is written with the bulk loader."""
    return IMPORT_BULK_BYTES


def write_graph(
    store: object,
    graph: str,
    nt_path: Path,
    *,
    source: str | None = None,
    title: str | None = None,
    bulk: bool | None = None,
) -> int:
    """Replace ``graph`` in ``store`` with the triples of the N-Triples file ``nt_path``.

    ``bulk`` forces (True) or forbids (False) the embedded store's bulk loader; by default
    it is used above :func:`bulk_threshold` bytes. Returns the triples now in the graph.
    """
    import pyoxigraph as ox

    meta = {graph: {"source": source, "title": title}}
    replace_native = getattr(store, "replace_native", None)
    bulk_replace = getattr(store, "bulk_replace", None)
    if callable(replace_native) and callable(bulk_replace):
        if bulk is None:
            bulk = nt_path.stat().st_size > bulk_threshold()
        if bulk:
            # The bulk loader reading the file itself is about a quarter faster than
            # handing it Python quads one by one; bulk_replace points it at the graph that
            # receives the new version (beside the old one until the switch).
            return int(
                bulk_replace([graph], lambda: (), meta=meta, files={graph: str(nt_path)})[graph]
            )
        # A list, not the parser's iterator: the store may walk the triples more than once.
        triples = list(ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES))
        return int(replace_native({graph: triples}, meta=meta)[graph])
    replace = getattr(store, "replace_graph", None)
    if not callable(replace):
        raise StoreError(f"{store!r} cannot replace a graph")
    return int(replace(URIRef(graph), iter_triples(nt_path), source=source, title=title))


def iter_triples(nt_path: Path) -> Iterator[tuple[Identifier, Identifier, Identifier]]:
    """The triples of an N-Triples file as rdflib terms (parsed by pyoxigraph)."""
    import pyoxigraph as ox

    from kg.rdfio.terms import rdflib_triple

    for triple in ox.parse(path=str(nt_path), format=ox.RdfFormat.N_TRIPLES):
        yield rdflib_triple(triple)
