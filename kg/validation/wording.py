"""From a ``sh:ValidationReport`` graph to results in words.

pySHACL and the SPARQL engine both produce the report graph SHACL defines; this module
reads it once and names every node by its label, every path in ``ckg:`` terms, every
shape by its ``rdfs:label`` with its ``ckgsh:fix``, and rewrites the messages to match —
so both engines' reports read identically.
"""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation.names import CKGSH, label, labelled, short_name
from kg.validation.report import SEVERITY_RANK, ValidationResult
from kg.validation.shapes import PATH_FORMS, shapes_graph

#: The word for each SHACL severity (a result with none is a violation).
_SEVERITY_OF: dict[Node | None, str] = {
    SH.Violation: "violation",
    SH.Warning: "warning",
    SH.Info: "info",
}


def _path_text(shapes: Graph, path: Node | None) -> str | None:
    """A SHACL property path as a reader sees it: ``ckg:a/ckg:b``, ``^ckg:a``, ``ckg:a+``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return short_name(path)
    if (path, RDF.first, None) in shapes:
        return "/".join(_path_text(shapes, p) or "?" for p in Collection(shapes, path))
    for kind, fmt in PATH_FORMS:
        inner = shapes.value(path, kind)
        if inner is not None:
            return fmt.format(_path_text(shapes, inner))
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "|".join(_path_text(shapes, p) or "?" for p in Collection(shapes, alt))
    return None


def build_report(
    report_graph: Graph,
    data: Graph,
    *,
    checked: str,
    triples: int,
    seconds: float,
    batch_nodes: set[Node] | None = None,
) -> tuple[list[ValidationResult], Graph]:
    """Turn pyshacl's report graph into results in words, rewriting its messages to match."""
    shapes = shapes_graph()
    results = []
    # Per shape and per node, computed once: a whole store's tens of thousands of results
    # name few shapes and repeat nodes (every attack attributed to the same group).
    labels: dict[Node, str] = {}
    about_shape: dict[Node | None, tuple[str | None, URIRef | None, Node | None, Node | None]] = {}

    def name_of(n: Node) -> str:
        if n not in labels:
            labels[n] = label(data, n)
        return labels[n]

    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        if focus is None:
            raise ValueError(f"a validation result without sh:focusNode: {node}")
        value = report_graph.value(node, SH.value)
        shape = report_graph.value(node, SH.sourceShape)
        severity = _SEVERITY_OF.get(report_graph.value(node, SH.resultSeverity), "violation")
        if shape not in about_shape:
            shape_iri = shape if isinstance(shape, URIRef) else _owning_shape(shapes, shape)
            about_shape[shape] = (
                _path_text(shapes, shapes.value(shape, SH.path)) if shape is not None else None,
                shape_iri,
                shapes.value(shape_iri, CKGSH.fix) if shape_iri is not None else None,
                shapes.value(shape_iri, RDFS.label) if shape_iri is not None else None,
            )
        shape_path, shape_iri, fix, shape_label = about_shape[shape]
        path = _path_text(report_graph, report_graph.value(node, SH.resultPath))
        if path is None:
            path = shape_path
        if value == focus:
            value = None  # a node-level result: the value is the focus node itself
        focus_label = name_of(focus)
        value_label = None if value is None else labelled(data, value)
        raw = [str(m) for m in report_graph.objects(node, SH.resultMessage)]
        # In the sentence a node is named by its label alone; the detail line adds the IRI.
        value_word = None if value is None else name_of(value)
        message = _fill(raw[0] if raw else "", focus, focus_label, value, value_word)
        if not message:
            message = f"{focus_label} does not satisfy {short_name(shape) if shape else 'a shape'}."
        for m in list(report_graph.objects(node, SH.resultMessage)):
            report_graph.remove((node, SH.resultMessage, m))
        report_graph.add((node, SH.resultMessage, Literal(message, lang="en")))
        results.append(
            ValidationResult(
                severity=severity,
                shape=str(shape_iri) if shape_iri is not None else str(shape),
                shape_label=str(shape_label)
                if shape_label
                else short_name(shape_iri or CKGSH.Shape),
                focus=focus,
                focus_label=focus_label,
                message=message,
                path=path,
                value=value,
                value_label=value_label,
                fix=str(fix) if fix else None,
                in_batch=batch_nodes is None or focus in batch_nodes,
            )
        )
    results.sort(
        key=lambda r: (-SEVERITY_RANK[r.severity], r.shape_label, r.focus_label, r.message)
    )
    return results, report_graph


def _owning_shape(shapes: Graph, shape: Node | None) -> URIRef | None:
    # A blank-node shape (one member of an sh:or list) reports under the named shape
    # that holds it.
    seen = set()
    current = shape
    while current is not None and not isinstance(current, URIRef) and current not in seen:
        seen.add(current)
        parent = next(iter(shapes.subjects(None, current)), None)
        current = parent
    return current if isinstance(current, URIRef) else None


def _fill(
    message: str, focus: Node, focus_label: str, value: Node | None, value_label: str | None
) -> str:
    # Core constraints leave {$this}/{$value} in the message; SPARQL ones put the raw IRI
    # there. Either way the reader gets labels.
    out = message.replace("{$this}", focus_label).replace("{?this}", focus_label)
    if value is not None:
        vtext = value_label or short_name(value)
        out = out.replace("{$value}", vtext).replace("{?value}", vtext)
        if isinstance(value, URIRef) and str(value) in out:
            out = _replace_iri(out, str(value), vtext)
    else:
        out = out.replace(" (found {$value})", "").replace("{$value}", "(none)")
    if isinstance(focus, URIRef) and str(focus) in out:
        out = _replace_iri(out, str(focus), focus_label)
    return out


def _replace_iri(text: str, iri: str, replacement: str) -> str:
    r"""``re.sub(re.escape(iri) + r"(?![\w/#.-])", replacement, text)`` without compiling a
    pattern per IRI (1.2 of the 4.7 s of wording 5,475 results): an IRI is replaced where
    no character of a longer IRI follows it."""
    out = []
    i = 0
    while True:
        j = text.find(iri, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        k = j + len(iri)
        following = text[k : k + 1]
        if following and (following.isalnum() or following in "_/#.-"):
            out.append(text[i : j + 1])  # not this one; the regex would retry at j + 1
            i = j + 1
            continue
        out.append(text[i:j])
        out.append(replacement)
        i = k
