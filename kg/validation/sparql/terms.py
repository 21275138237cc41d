"""Terms between Oxigraph and rdflib, and constants of the shapes as SPARQL text."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib.term import BNode, Node

from kg.errors import StoreError
from kg.rdfio import to_rdflib
from kg.validation.sparql.findings import Unsupported


def rdflib_term(term: Any) -> Node:
    """The rdflib term of a value Oxigraph gave (a row or a quad never holds the default
    graph there, so there is always one)."""
    node = to_rdflib(term)
    if node is None:
        raise StoreError(f"internal error: validation read {term!r} where a term belongs")
    return node


def solutions(answer: Any) -> ox.QuerySolutions:
    """The rows of a SELECT's answer (Oxigraph types every answer as any kind)."""
    if not isinstance(answer, ox.QuerySolutions):
        raise StoreError(f"internal error: a validation SELECT answered {type(answer).__name__}")
    return answer


def sparql_term(term: Node) -> str:
    """A constant of a shape (IRI or literal) as SPARQL text; a blank node is unsupported."""
    if isinstance(term, BNode):
        raise Unsupported(f"a blank node {term} where a constant IRI or literal is expected")
    return str(term.n3())
