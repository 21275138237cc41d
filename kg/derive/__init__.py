"""The derived graph: facts the saved questions need that no source states.

Each event's interval, each place's towns and regions, and each attack's
next attack at the same town (overall, per kind of attack, per perpetrating group with its
factions). :mod:`kg.derive.rules` states and computes each rule; :mod:`kg.derive.upkeep`
reads the facts from a store and works out what a write changes. The embedded store keeps
the graph :data:`DERIVED_GRAPH` in step with every write (see ``docs/derived.md``); it
travels to servers with ``ckg push`` like any other graph, so a question that reads it
runs as written on every engine.

>>> from kg.derive.rules import Facts, derived_lines
>>> f = Facts()
>>> f.add("urn:e1", "http://www.w3.org/2001/XMLSchema#date", "")  # ignored: not a rule's predicate
>>> f.add("urn:e1", rules.START, "2025-01-06", rules.XSD + "date")
>>> [line.split()[1] for line in derived_lines(f)][:2]
['<https://w3id.org/conflict-kg/ontology#intervalStart>', '<https://w3id.org/conflict-kg/ontology#intervalEnd>']
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.derive import rules
from kg.terms import DERIVED_GRAPH

__all__ = ["DERIVED_GRAPH", "derived_graph", "facts_of", "rules"]


def facts_of(triples: Iterable[tuple[Node, Node, Node]]) -> rules.Facts:
    """The rules' input from rdflib triples (an rdflib Graph, say)."""
    facts = rules.Facts()
    wanted = set(rules.READ)
    claims = {rules.ABOUT, rules.PASSAGE, rules.IN_DOCUMENT}
    for s, p, o in triples:
        if str(p) in claims:  # claims and passages may be blank nodes
            ends = [f"_:{n}" if isinstance(n, BNode) else str(n) for n in (s, o)]
            if all(isinstance(n, (URIRef, BNode)) for n in (s, o)):
                facts.add(ends[0], str(p), ends[1])
            continue
        if not isinstance(s, URIRef) or str(p) not in wanted:
            continue
        if isinstance(o, Literal):
            datatype = str(o.datatype) if o.datatype is not None else None
            if datatype is not None:
                facts.add(str(s), str(p), str(o), datatype)
        elif isinstance(o, URIRef):
            facts.add(str(s), str(p), str(o))
    return facts


def derived_graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    """The derived facts of ``triples`` as an rdflib Graph (for engines ckg does not run).

    Add it to the data to run a saved question on plain rdflib, for instance.
    """
    out = Graph()
    text = "".join(rules.derived_lines(facts_of(triples)))
    if text:
        out.parse(data=text, format="nt")
    return out
