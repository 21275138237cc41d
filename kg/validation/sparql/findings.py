"""What the SPARQL engine finds, and what it cannot translate.

A :class:`Finding` is one validation result before it is put into words — what pySHACL's
``make_v_result`` receives. :func:`report_graph` turns findings into the
``sh:ValidationReport`` pySHACL would write, which is then worded by
:func:`kg.validation.wording.build_report` exactly like pySHACL's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node, URIRef

from kg.errors import CkgError


class Unsupported(CkgError):
    """A shape uses SHACL this translator does not cover: validate with pySHACL instead."""


@dataclass
class Finding:
    """One validation result before it is put into words (what pySHACL's make_v_result gets)."""

    shape: Node
    component: URIRef
    focus: Node
    value: Node | None
    path: Node | None
    source_constraint: Node | None = None
    #: A SPARQL constraint's row (variable -> value), for the message's ``{?var}``.
    bound: dict[str, Node] | None = None
    messages: list[Node] = field(default_factory=list)


def _format_message(message: str, bound: dict[str, Node]) -> str:
    # pySHACL's _format_sparql_based_result_message, same order and same re.sub.
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


def report_graph(findings: Sequence[Finding], shapes: Graph) -> Graph:
    """The sh:ValidationReport pySHACL would write for ``findings``."""
    g = Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not findings)))
    copied: set[Node] = set()
    severity: dict[Node, Node] = {}
    for f in findings:
        if f.shape not in severity:
            severity[f.shape] = shapes.value(f.shape, SH.severity) or SH.Violation
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.sourceConstraintComponent, f.component))
        g.add((r, SH.sourceShape, f.shape))
        g.add((r, SH.resultSeverity, severity[f.shape]))
        g.add((r, SH.focusNode, f.focus))
        if f.value is not None:
            g.add((r, SH.value, f.value))
        if f.path is not None:
            g.add((r, SH.resultPath, f.path))
            if isinstance(f.path, BNode) and f.path not in copied:
                _copy_structure(shapes, f.path, g)
                copied.add(f.path)
        if f.source_constraint is not None:
            g.add((r, SH.sourceConstraint, f.source_constraint))
        for m in f.messages:
            if f.bound is not None and isinstance(m, Literal):
                m = Literal(_format_message(str(m.value), f.bound))
            g.add((r, SH.resultMessage, m))
    return g


def _copy_structure(src: Graph, node: Node, dst: Graph) -> None:
    todo = [node]
    seen = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in src.predicate_objects(n):
            dst.add((n, p, o))
            if isinstance(o, BNode):
                todo.append(o)
