"""Terms between pyoxigraph and rdflib: the store and the parser speak one, pySHACL the other.

>>> import pyoxigraph as ox
>>> to_rdflib(ox.Literal("x"))
rdflib.term.Literal('x')
>>> to_ox(to_rdflib(ox.NamedNode("urn:a")))
<NamedNode value=urn:a>
"""

from __future__ import annotations

import functools
from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Identifier, Literal, Node, URIRef

from kg.errors import StoreError, UsageError

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@functools.lru_cache(maxsize=1 << 17)
def to_rdflib(term: Any) -> Node | None:
    """The rdflib term for a pyoxigraph term (``None`` for the default graph).

    Cached: answers repeat the same IRIs and literals many times, and building an rdflib
    Literal parses its value (18x slower than a cache hit, measured on 400k terms).
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            # rdflib tells "x" from "x"^^xsd:string; RDF 1.1 does not. Plain is what rdflib
            # parsers produce, so answers compare equal to rdflib-built expectations.
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.DefaultGraph) or term is None:
        return None
    raise StoreError(f"unsupported RDF term {term!r} (RDF-star triples are not supported)")


def to_ox(term: Any) -> Any:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _LANG_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    raise UsageError(f"cannot store {term!r}: not an IRI, literal or blank node")


def _bnode_id(value: str) -> str:
    # pyoxigraph accepts the Turtle blank-node label grammar; rdflib ids already fit.
    return value if value and (value[0].isalnum() or value[0] == "_") else "b" + value


def rdflib_triple(triple: ox.Triple | ox.Quad) -> tuple[Identifier, Identifier, Identifier]:
    """A pyoxigraph triple (or a quad's triple) as three rdflib terms."""
    return (
        _identifier(triple.subject),
        _identifier(triple.predicate),
        _identifier(triple.object),
    )


def _identifier(term: Any) -> Identifier:
    node = to_rdflib(term)
    if not isinstance(node, Identifier):
        raise StoreError(f"unsupported RDF term {term!r} in a triple")
    return node
