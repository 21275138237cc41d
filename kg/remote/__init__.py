"""A SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, …) as a store behind :class:`kg.store.Store`.

Reads go through SPARQLWrapper (SPARQL 1.1 Protocol, POST, results as JSON; CONSTRUCT and
DESCRIBE as N-Triples, the subset of Turtle every server writes faithfully); writes through
the Graph Store HTTP Protocol or SPARQL Update. One module per concern:

* :mod:`kg.remote.connect`: :func:`connect`, settings from arguments or ``CKG_*`` variables.
* :mod:`kg.remote.http`: requests, credentials (Digest or Basic, only when asked),
  retries, and failures in words.
* :mod:`kg.remote.dialect`: a server's dialect reconciled in one place — answer values
  normalised (:func:`normalise_term`), the one query rewrite (:func:`portable_comparisons`).
* :mod:`kg.remote.chunks`: triples as ASCII N-Triples requests, blank nodes kept together.
* :mod:`kg.remote.store`: :class:`RemoteStore`, queries, graph upload and the meta graph.
* :mod:`kg.remote.push`: :func:`push`, a store's graphs copied to a server.

Other Virtuoso differences cannot be repaired after the fact and must be avoided in saved
questions, which are written in the portable subset (docs/servers.md, "Dialects", lists
each defect and the form used): ``7/2`` is integer division (3, not 3.5; cast one side to
``xsd:decimal``), ``date - date`` gives seconds, not an ``xsd:dayTimeDuration`` (use day
numbers from ``YEAR()``/``MONTH()``/``DAY()``), a transitive path whose far end is a
constant or a parameter keeps only one-step matches once its near end is bound by another
pattern (put the closure in a sub-select with a LIMIT that is never reached), ``IF()`` and
``VALUES`` rows misbehave next to the parameters' ``VALUES`` block, and a ``FILTER`` inside
``OPTIONAL`` does not see a parameter bound outside it.
"""

from __future__ import annotations

from kg.remote.chunks import (
    Chunk,
    Triple,
    batches,
    nt_line_chunks,
    nt_term,
    oxigraph_chunks,
    rdflib_chunks,
)
from kg.remote.connect import ENV_ENDPOINT, ENV_GRAPH_STORE, ENV_UPDATE_ENDPOINT, connect
from kg.remote.dialect import QueryShape, normalise_term, portable_comparisons, query_shape
from kg.remote.http import ENV_PASSWORD, ENV_USER, USER_AGENT
from kg.remote.push import PushInterrupted, PushReport, push
from kg.remote.store import (
    DEFAULT_MAX_ROWS,
    ENV_MAX_ROWS,
    GSP_BATCH,
    META_LOADED,
    META_SOURCE,
    META_STALE,
    META_TITLE,
    META_TRIPLES,
    UPDATE_BATCH,
    RemoteStore,
    UploadProgress,
    _Wrapper,
)

__all__ = [
    "DEFAULT_MAX_ROWS",
    "ENV_ENDPOINT",
    "ENV_GRAPH_STORE",
    "ENV_MAX_ROWS",
    "ENV_PASSWORD",
    "ENV_UPDATE_ENDPOINT",
    "ENV_USER",
    "GSP_BATCH",
    "META_LOADED",
    "META_SOURCE",
    "META_STALE",
    "META_TITLE",
    "META_TRIPLES",
    "UPDATE_BATCH",
    "USER_AGENT",
    "Chunk",
    "PushInterrupted",
    "PushReport",
    "QueryShape",
    "RemoteStore",
    "Triple",
    "UploadProgress",
    "_Wrapper",
    "batches",
    "connect",
    "normalise_term",
    "nt_line_chunks",
    "nt_term",
    "oxigraph_chunks",
    "portable_comparisons",
    "push",
    "query_shape",
    "rdflib_chunks",
]
