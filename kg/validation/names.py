"""How validation writes a node for a reader: a short IRI, a label, a clipped text.

Every report line names nodes the same way — ``ckg:startDate``, ``ckgid:event/x``,
``ckggraph:doc/old-reports`` for the project's namespaces, the IRI in brackets otherwise —
whichever engine found the result.

>>> from rdflib import URIRef
>>> short_name(URIRef("https://w3id.org/conflict-kg/ontology#startDate"))
'ckg:startDate'
>>> short_name(URIRef("https://w3id.org/conflict-kg/graph/doc/old-reports"))
'ckggraph:doc/old-reports'
>>> short_name(URIRef("https://example.org/x"))
'<https://example.org/x>'
>>> clip("a long   sentence", 8)
'a long …'
"""

from __future__ import annotations

from rdflib import RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from kg.terms import SHAPES_NS, split_iri

#: Namespace of the shapes and of the validation-only vocabulary (prefix ``ckgsh:``).
CKGSH = Namespace(SHAPES_NS)

#: The prefixes of :data:`kg.terms.PREFIXES` a report writes IRIs with.
SHOWN = ("ckg", "ckgsh", "ckgid", "ckggraph", "ckgt", "rdf", "rdfs", "skos", "xsd", "sh")


def short_name(node: Node) -> str:
    """``ckg:foo`` / ``ckgid:event/x`` for known namespaces, else the IRI in brackets."""
    if isinstance(node, URIRef):
        found = split_iri(str(node), SHOWN)
        return f"{found[0]}:{found[1]}" if found is not None else f"<{node}>"
    if isinstance(node, Literal):
        if node.datatype is not None:
            return f'"{node}"^^{short_name(node.datatype)}'
        if node.language:
            return f'"{node}"@{node.language}'
        return f'"{node}"'
    return node_text(node)


def node_text(node: Node) -> str:
    """A node as JSON and the report's ``<…>`` show it: the IRI, ``_:id`` or a literal's N3."""
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def clip(text: str, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def label(graph: Graph, node: Node) -> str:
    """The English label of a node, else any label, else its short IRI."""
    if isinstance(node, Literal):
        return short_name(node)
    best: str | None = None
    for prop in (RDFS.label, SKOS.prefLabel):
        for lit in graph.objects(node, prop):
            if isinstance(lit, Literal):
                if lit.language in (None, "", "en"):
                    return str(lit)
                best = best or str(lit)
    return best or short_name(node)


def labelled(graph: Graph, value: Node) -> str:
    """A value for the detail line: its label and short IRI, or a literal as written."""
    if isinstance(value, Literal):
        return short_name(value)
    name = label(graph, value)
    written = short_name(value)
    return name if name == written else f"{name} ({written})"
