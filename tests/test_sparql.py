"""kg/sparql.py: parameters are bound as VALUES blocks in the code, never inside terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.errors import UsageError
from kg.sparql import bind_values


def _run(text: str) -> list[tuple[str, ...]]:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o")))
    return [tuple(str(t) for t in row) for row in store.query(text)]


def test_issue_17_bind_values_leaves_literals_comments_and_iris_alone() -> None:
    """Issue 17.4: a literal "x WHERE { y" came back altered (the block went inside it)."""
    # An IRI cannot hold "{" or a space, but a name can end in WHERE before a group.
    text = (
        "PREFIX ex: <urn:ex:>\n"
        "# a comment that says WHERE { on purpose\n"
        "SELECT ?label ?n WHERE {\n"
        '  BIND("x WHERE { y" AS ?label)\n'
        "  OPTIONAL { GRAPH ex:WHERE { ?a ?b ?c } }\n"
        "  BIND(?n_ AS ?n)\n"
        "}"
    )
    bound = bind_values(text, {"n_": Literal(3)})
    assert bound.count("VALUES") == 1
    assert '"x WHERE { y"' in bound and "GRAPH ex:WHERE { ?a" in bound
    assert "# a comment that says WHERE { on purpose\n" in bound
    assert _run(bound) == [('"x WHERE { y"', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')]


def test_a_block_goes_after_every_where_in_the_code() -> None:
    text = "SELECT ?x WHERE { { SELECT ?x WHERE { BIND(?v AS ?x) } } FILTER(?v = ?x) }"
    bound = bind_values(text, {"v": URIRef("urn:a")})
    assert bound.count("VALUES (?v) { (<urn:a>) }") == 2
    assert _run(bound) == [("<urn:a>",)]


def test_a_variable_named_only_in_a_string_or_comment_is_not_bound() -> None:
    text = 'SELECT ?x WHERE { BIND("?v" AS ?x) } # ?v'
    assert bind_values(text, {"v": URIRef("urn:a")}) == text


def test_parameters_need_a_where_in_the_code() -> None:
    with pytest.raises(UsageError, match="WHERE"):
        bind_values('SELECT ?v { BIND("WHERE {" AS ?s) FILTER(?v) }', {"v": Literal(1)})
