"""Clashes with disjointness axioms, and the short names reports give terms."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.terms import split_iri


@dataclass(frozen=True)
class Clash:
    """An individual that belongs to two classes the ontology declares disjoint.

    ``first_via`` / ``second_via`` name the type the individual was given (asserted, or
    reached through a domain or range) that led to each disjoint class, when it differs.
    """

    individual: Node
    first: Node
    second: Node
    first_via: Node | None = None
    second_via: Node | None = None

    def describe(self, labels: dict[Node, str] | None = None) -> str:
        """The clash in one sentence, with labels where known."""
        labels = labels or {}
        who = name_of(self.individual, labels)

        def side(cls: Node, via: Node | None) -> str:
            if via is None or via == cls:
                return class_name(cls, labels)
            return class_name(via, labels, kind_of=cls)

        sides = sorted(
            [(self.first, self.first_via), (self.second, self.second_via)],
            key=lambda cv: cv[1] not in (None, cv[0]),
        )
        return (
            f"{who} is {side(*sides[0])} and {side(*sides[1])}, but "
            f"{short_name(sides[0][0])} and {short_name(sides[1][0])} are disjoint"
        )


def name_of(node: Node, labels: dict[Node, str]) -> str:
    """An individual as reports name it: its short name and, where known, its label."""
    label = labels.get(node)
    short = short_name(node)
    return f"{short} ({label!r})" if label else short


def class_name(node: Node, labels: dict[Node, str], kind_of: Node | None = None) -> str:
    """A class as reports name it ("a person (ckg:Person)"), or as a kind of ``kind_of``."""
    label = labels.get(node)
    short = short_name(node)
    if kind_of is not None:
        short += f", a kind of {short_name(kind_of)}"
    if label:
        article = "an" if label[:1].lower() in "aeiou" else "a"
        return f"{article} {label} ({short})"
    return short


def short_name(node: Node) -> str:
    """A compact name for messages: ckg:Term, ckgid:group/jnim, or the N-Triples form.

    Unlike a table or a validation report, a message shortens an IRI only when the rest
    has no slash, except under ``ckgid:`` (instance IRIs are paths): elsewhere a slash
    means another namespace, so ``ckg:a/b`` is written in full.
    """
    if isinstance(node, URIRef):
        found = split_iri(str(node), _SHOWN)
        if found is not None and found[1] and (found[0] == "ckgid" or "/" not in found[1]):
            return f"{found[0]}:{found[1]}"
    return node.n3() if isinstance(node, (URIRef, BNode, Literal)) else str(node)


#: The prefixes of :data:`kg.terms.PREFIXES` messages write IRIs with.
_SHOWN = ("ckg", "ckgid", "rdf", "rdfs", "owl", "prov", "org", "sem", "geo", "skos", "time", "foaf")


def labels_of(graph: Graph) -> dict[Node, str]:
    from rdflib.namespace import SKOS

    labels: dict[Node, str] = {}
    for prop in (SKOS.prefLabel, RDFS.label):
        for s, o in graph.subject_objects(prop):
            if isinstance(o, Literal) and (o.language in (None, "en")) and s not in labels:
                labels[s] = str(o)
    return labels
