"""One table of prefixes (kg.terms.PREFIXES), three ways of writing an IRI short.

A query table (kg.formats), a validation report (kg.validation.names) and a reasoning
message (kg.reasoning.clash) take their namespaces from the same table but keep their own
rules; these tests hold each to what it printed before the tables were one (issue 20.3).
No module of kg or cli declares a prefix by hand: queries built in code start with
kg.terms.sparql_prefixes.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable

import pytest
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.formats import graph_text, shorten
from kg.reasoning.clash import short_name as message_name
from kg.terms import PREFIXES, sparql_prefixes
from kg.validation.names import short_name as report_name

CKG = PREFIXES["ckg"]
ID = PREFIXES["ckgid"]


@pytest.mark.parametrize(
    ("iri", "table", "report", "message"),
    [
        (CKG + "startDate", "ckg:startDate", "ckg:startDate", "ckg:startDate"),
        (ID + "group/jnim", "ckgid:group/jnim", "ckgid:group/jnim", "ckgid:group/jnim"),
        # Only a report has a prefix of its own for event types.
        (ID + "event-type/attack", "ckgid:event-type/attack", "ckgt:attack", None),
        # A message keeps slashes only under ckgid:.
        (PREFIXES["ckggraph"] + "doc/x", "ckggraph:doc/x", "ckggraph:doc/x", "<>"),
        (CKG + "a/b", "ckg:a/b", "ckg:a/b", "<>"),
        # Each writer has its own selection of the table.
        ("http://www.w3.org/2001/XMLSchema#date", "xsd:date", "xsd:date", "<>"),
        (PREFIXES["ckgsh"] + "Shape", None, "ckgsh:Shape", "<>"),
        ("http://www.w3.org/2006/time#Instant", "time:Instant", "<>", "time:Instant"),
        # A namespace itself: only a report writes it as a bare prefix.
        (CKG, None, "ckg:", "<>"),
        ("https://example.org/x", None, "<>", "<>"),
    ],
)
def test_a_table_a_report_and_a_message_each_write_an_iri_their_own_way(
    iri: str, table: str | None, report: str, message: str | None
) -> None:
    # None: the IRI as it is; "<>": the IRI in brackets; None for a message: as a table.
    def expect(value: str | None) -> str:
        return iri if value is None else f"<{iri}>" if value == "<>" else value

    assert shorten(iri) == expect(table)
    assert report_name(URIRef(iri)) == expect(report)
    assert message_name(URIRef(iri)) == expect(message if message is not None else table)


def test_the_prefix_lines_of_every_entry_parse_and_declare_its_namespace() -> None:
    header = sparql_prefixes(*PREFIXES)
    assert header.count("PREFIX ") == len(PREFIXES)
    query = prepareQuery(header + "ASK { ?s ?p ?o }")
    declared = {(p, str(ns)) for p, ns in query.prologue.namespace_manager.namespaces()}
    assert declared >= set(PREFIXES.items())


# A prefix declared by hand, SPARQL's or Turtle's: ``PREFIX ckg: <`` or ``@prefix ckg: <``.
_HAND_WRITTEN_PREFIX = re.compile(r"prefix\s+[A-Za-z][\w-]*:\s*<", re.IGNORECASE)


def _python_files(folder: Traversable, name: str) -> list[tuple[str, str]]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir():
            found += _python_files(entry, f"{name}/{entry.name}")
        elif entry.name.endswith(".py"):
            found.append((f"{name}/{entry.name}", entry.read_text(encoding="utf-8")))
    return found


def test_no_module_writes_a_prefix_line_of_its_own() -> None:
    """Queries built in code take their PREFIX lines from kg.terms.sparql_prefixes."""
    sources = _python_files(files("kg"), "kg") + _python_files(files("kg.cli"), "cli")
    assert len(sources) > 50  # the walk found the packages
    # kg/terms.py holds the table, and its doctest shows the lines the helper writes.
    offenders = [
        f"{path}: {match.group(0)}"
        for path, text in sources
        if path != "kg/terms.py"
        for match in _HAND_WRITTEN_PREFIX.finditer(text)
    ]
    assert offenders == []


def test_a_graph_answer_is_written_with_the_tables_prefixes() -> None:
    graph = Graph()
    graph.add((URIRef(ID + "jnim"), URIRef(CKG + "eventType"), URIRef(ID + "event-type/a")))
    text = graph_text(graph)
    assert f"@prefix ckg: <{CKG}> ." in text and f"@prefix ckgid: <{ID}> ." in text
    # Turtle has no slash in a local name: an event type stays whole, never ckgt:a.
    assert "ckgid:jnim ckg:eventType <" + ID + "event-type/a> ." in text
