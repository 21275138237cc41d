"""RDF in and out: one parser for every file ckg reads, one writer of N-Triples terms.

* :mod:`kg.rdfio.reading` reads an RDF file of any supported format with Oxigraph's
  parser, after :func:`kg.parsing.preflight` has bounded what it may ask of the machine;
  a parse error names the file, line and column. ``ckg load`` streams its quads,
  ``ckg add`` and ``ckg validate FILE`` read its quads as rdflib terms, in file order,
  for the gate.
* :mod:`kg.rdfio.terms` converts terms between pyoxigraph and rdflib.
* :mod:`kg.rdfio.ntriples` writes N-Triples terms as text (the importers' fast path).
"""

from __future__ import annotations

from kg.rdfio.reading import (
    FORMATS,
    GATE_ADVICE,
    LOAD_ADVICE,
    UNRESOLVED_BASE,
    RdflibQuad,
    format_for,
    read_quads,
    read_rdflib_quads,
)
from kg.rdfio.terms import to_ox, to_rdflib

__all__ = [
    "FORMATS",
    "GATE_ADVICE",
    "LOAD_ADVICE",
    "UNRESOLVED_BASE",
    "RdflibQuad",
    "format_for",
    "read_quads",
    "read_rdflib_quads",
    "to_ox",
    "to_rdflib",
]
