"""Disjointness as SHACL: the clashes HermiT would prove, found by pySHACL without Java."""

from __future__ import annotations

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef

from kg.reasoning.clash import labels_of, name_of, short_name
from kg.reasoning.rules import bundled_ontology, compile_rules
from kg.terms import SHAPES_NS  # namespace of the validation shapes (ontology/shapes.ttl)


def disjointness_shapes(tbox: Graph | None = None) -> Graph:
    """SHACL shapes generated from the ontology's disjointness axioms, one per pair.

    Each shape targets the instances of one class and forbids them to be instances of the
    other (``sh:not [ sh:class … ]``), following the conventions of ontology/shapes.ttl
    (IRI, rdfs:label, sh:severity, sh:message, ckgsh:fix), so a validator can add them to
    its shapes graph. The data graph must hold the ontology's subclass axioms.
    """
    from rdflib.namespace import SH

    tbox = tbox if tbox is not None else bundled_ontology()
    rules = compile_rules(tbox, "owlrl")
    labels = labels_of(tbox)
    shapes = Graph()
    shapes.bind("sh", SH)
    shapes.bind("ckgsh", SHAPES_NS)
    fix = URIRef(SHAPES_NS + "fix")
    done: set[tuple[str, str]] = set()
    for a, others in sorted(rules.disjoint.items(), key=lambda kv: str(kv[0])):
        for b in sorted(others, key=str):
            pair = tuple(sorted((str(a), str(b))))
            if pair in done or not isinstance(a, URIRef) or not isinstance(b, URIRef):
                continue
            done.add(pair)  # type: ignore[arg-type]
            first, second = URIRef(pair[0]), URIRef(pair[1])
            name_a = short_name(first).replace("ckg:", "")
            name_b = short_name(second).replace("ckg:", "")
            shape = URIRef(f"{SHAPES_NS}Disjoint-{name_a}-{name_b}")
            inner = BNode()
            shapes.add((shape, RDF.type, SH.NodeShape))
            shapes.add(
                (shape, RDFS.label, Literal(f"Disjoint classes {name_a} / {name_b}", lang="en"))
            )
            shapes.add((shape, SH.targetClass, first))
            shapes.add((shape, SH["not"], inner))
            shapes.add((inner, SH["class"], second))
            shapes.add((shape, SH.severity, SH.Violation))
            la, lb = labels.get(first, name_a), labels.get(second, name_b)
            shapes.add(
                (
                    shape,
                    SH.message,
                    Literal(
                        f"{{$this}} is both {_article(la)} {la} ({short_name(first)}) and "
                        f"{_article(lb)} {lb} ({short_name(second)}), which the ontology "
                        "declares disjoint.",
                        lang="en",
                    ),
                )
            )
            shapes.add(
                (
                    shape,
                    fix,
                    Literal(
                        f"Give the node one kind only: drop one rdf:type, or split it into two "
                        f"resources (one {la}, one {lb}).",
                        lang="en",
                    ),
                )
            )
    return shapes


def _article(label: str) -> str:
    return "an" if label[:1].lower() in "aeiou" else "a"


def shacl_disjointness(data: Graph, tbox: Graph | None = None) -> list[str]:
    """Disjointness violations in ``data`` found by pySHACL (no Java), one message each."""
    import pyshacl
    from rdflib.namespace import SH

    tbox = tbox if tbox is not None else bundled_ontology()
    shapes = disjointness_shapes(tbox)
    # The ontology goes into the data graph (sh:class follows rdfs:subClassOf there).
    combined = Graph()
    for t in data:
        combined.add(t)
    for t in tbox.triples((None, RDFS.subClassOf, None)):
        combined.add(t)
    conforms, report, _ = pyshacl.validate(combined, shacl_graph=shapes, inference="none")
    if conforms:
        return []
    labels = labels_of(combined)
    messages = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        text = str(report.value(result, SH.resultMessage) or "")
        messages.append(
            text.replace("{$this}", name_of(focus, labels))
            if "{$this}" in text
            else f"{name_of(focus, labels)}: {text}"
        )
    return sorted(messages)
