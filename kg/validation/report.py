"""The outcome of a validation: results in words, and their renderings.

A :class:`Report` holds :class:`ValidationResult` objects (who, what, where it comes
from, what to do) and the ``sh:ValidationReport`` graph they were read from; it renders
as ``text`` (grouped by shape, each result with its fix), ``table``, ``json`` or
``turtle``. Both engines and the batch gate return one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import UsageError
from kg.validation.names import clip, node_text, short_name

SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")
FORMATS: tuple[str, ...] = ("text", "table", "json", "turtle")

#: Rank of each severity, for ``--fail-on`` and for sorting.
SEVERITY_RANK = {"info": 0, "warning": 1, "violation": 2}


@dataclass
class ValidationResult:
    """One result of a shape, in words: who, what, where it comes from, what to do."""

    severity: str
    shape: str
    shape_label: str
    focus: Node
    focus_label: str
    message: str
    path: str | None = None
    value: Node | None = None
    value_label: str | None = None
    fix: str | None = None
    graphs: list[str] = field(default_factory=list)
    passage: str | None = None
    document: str | None = None
    #: The focus node is part of the batch (False: existing data the batch touches).
    in_batch: bool = True
    #: The store already had this result before the batch: reported, never blocking.
    preexisting: bool = False

    def key(self) -> tuple[str, str, str, str | None, str | None]:
        """What identifies a result across two runs (for telling new from pre-existing)."""
        value = None if self.value is None or isinstance(self.value, BNode) else str(self.value)
        return (self.shape, str(self.focus), self.message, self.path, value)

    def as_dict(self) -> dict[str, object]:
        """The result as plain JSON-ready values."""
        return {
            "severity": self.severity,
            "shape": self.shape,
            "shapeLabel": self.shape_label,
            "focus": node_text(self.focus),
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": None if self.value is None else node_text(self.value),
            "valueLabel": self.value_label,
            "message": self.message,
            "fix": self.fix,
            "graphs": self.graphs,
            "passage": self.passage,
            "document": self.document,
            "inBatch": self.in_batch,
            "preexisting": self.preexisting,
        }


@dataclass
class Report:
    """The outcome of a validation: results, the SHACL report graph, and what was checked.

    ``conforms`` is True when no result of severity Violation is new (pre-existing
    results of the store that a batch merely touches do not count against the batch).
    """

    results: list[ValidationResult]
    graph: Graph
    checked: str
    triples: int
    seconds: float
    context_triples: int = 0
    #: Seconds per step: ``context`` (queries to the store), ``shapes`` (pyshacl), …
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """No new Violation."""
        return not self.failed("violation")

    def blocking(self, fail_on: str = "violation") -> list[ValidationResult]:
        """The new results at or above severity ``fail_on``."""
        if fail_on not in SEVERITY_RANK:
            raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
        floor = SEVERITY_RANK[fail_on]
        return [r for r in self.results if not r.preexisting and SEVERITY_RANK[r.severity] >= floor]

    def failed(self, fail_on: str = "violation") -> bool:
        """Whether a new result reaches severity ``fail_on`` (violation, warning, info)."""
        return bool(self.blocking(fail_on))

    def counts(self) -> dict[str, int]:
        """New results per severity, plus ``preexisting``."""
        out = {s: 0 for s in SEVERITIES}
        out["preexisting"] = 0
        for r in self.results:
            if r.preexisting:
                out["preexisting"] += 1
            else:
                out[r.severity] += 1
        return out

    def render(self, fmt: str = "text") -> str:
        """The report as ``text``, ``table``, ``json`` or ``turtle``."""
        if fmt == "text":
            return render_text(self)
        if fmt == "table":
            return render_table(self)
        if fmt == "json":
            return render_json(self)
        if fmt == "turtle":
            return self.graph.serialize(format="turtle")
        raise UsageError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def _summary(report: Report) -> str:
    c = report.counts()
    parts = [f"{c[s]} {s}{'s' if c[s] != 1 else ''}" for s in SEVERITIES if c[s]]
    new = sum(c[s] for s in SEVERITIES)
    verdict = "conforms" if report.conforms else "DOES NOT CONFORM"
    text = f"{verdict}: {new} result{'s' if new != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    if c["preexisting"]:
        text += f"; {c['preexisting']} pre-existing in the store (not blocking)"
    return text


def render_text(report: Report) -> str:
    """A readable report: results grouped by shape, each in words with its fix."""
    lines = [
        f"Validation {_summary(report)}",
        f"Checked {report.checked}: {report.triples} triples"
        + (
            f" ({report.context_triples} of them context from the store)"
            if report.context_triples
            else ""
        )
        + f" in {report.seconds:.2f} s",
    ]
    groups: dict[tuple[int, str], list[ValidationResult]] = defaultdict(list)
    for r in report.results:
        groups[(-SEVERITY_RANK[r.severity], r.shape_label)].append(r)
    for (_rank, label), results in sorted(groups.items()):
        first = results[0]
        lines.append("")
        lines.append(
            f"{first.severity.upper()}  {label}  [{short_name(URIRef(first.shape))}]  "
            f"{len(results)} result{'s' if len(results) != 1 else ''}"
        )
        for r in sorted(results, key=lambda r: (r.preexisting, r.focus_label, r.message)):
            tag = ""
            if r.preexisting:
                tag = "  (pre-existing in the store, not blocking)"
            elif not r.in_batch:
                tag = "  (existing data in the store, broken by this batch)"
            lines.append(f"  - {r.focus_label}  <{node_text(r.focus)}>{tag}")
            lines.append(f"    {r.message}")
            detail = []
            if r.path:
                detail.append(f"path {r.path}")
            if r.value is not None:
                detail.append(f"value {r.value_label}")
            if detail:
                lines.append("    " + ", ".join(detail))
            if r.graphs:
                lines.append(f"    source: {'; '.join(r.graphs)}")
            if r.passage:
                doc = f" ({r.document})" if r.document else ""
                lines.append(f'    passage: "{clip(r.passage, 200)}"{doc}')
            if r.fix:
                lines.append(f"    fix: {r.fix}")
    return "\n".join(lines) + "\n"


def render_table(report: Report) -> str:
    """One line per result in aligned columns: severity, shape, focus, path, value, message."""
    header = ("severity", "shape", "focus", "path", "value", "message")
    rows = [
        (
            r.severity + ("*" if r.preexisting else ""),
            short_name(URIRef(r.shape)),
            clip(r.focus_label, 40),
            r.path or "",
            clip(r.value_label or "", 30),
            r.message,
        )
        for r in report.results
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(header)
    ]
    out = []
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        out.append("  ".join(cells).rstrip())
    out.append("")
    out.append(
        _summary(report)
        + (" (* pre-existing, not blocking)" if report.counts()["preexisting"] else "")
    )
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: conforms, counts, what was checked, and every result."""
    doc = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "checked": report.checked,
        "triples": report.triples,
        "contextTriples": report.context_triples,
        "seconds": round(report.seconds, 3),
        "results": [r.as_dict() for r in report.results],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def set_conforms(report: Report) -> None:
    """Write the report's verdict into its graph (``sh:conforms``) after results changed."""
    for node in list(report.graph.subjects(RDF.type, SH.ValidationReport)):
        report.graph.set((node, SH.conforms, Literal(report.conforms)))


def remove_from_graph(graph: Graph, results: list[ValidationResult]) -> None:
    """Take ``results`` out of the sh:ValidationReport graph."""
    gone = {(r.focus, r.message) for r in results}
    if not gone:
        return
    for node in list(graph.subjects(RDF.type, SH.ValidationResult)):
        focus = graph.value(node, SH.focusNode)
        message = str(graph.value(node, SH.resultMessage))
        if (focus, message) in gone:
            for report_node in list(graph.subjects(SH.result, node)):
                graph.remove((report_node, SH.result, node))
            for triple in list(graph.triples((node, None, None))):
                graph.remove(triple)
