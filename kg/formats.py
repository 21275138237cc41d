"""Writing query answers for people and programs: table, CSV, TSV, JSON, Turtle.

``table`` is for reading in a terminal: IRIs shortened with the project's prefixes
(``ckgid:group/jnim``), literals shown as their plain value (``2025-07-01``, ``365``),
numbers right-aligned. ``csv`` and ``tsv`` are for spreadsheets and QGIS: a header row,
full IRIs and plain values (the SPARQL 1.1 CSV convention; TSV uses the same values with
tabs). ``json`` is the SPARQL 1.1 JSON results format. CONSTRUCT and DESCRIBE answers are
Turtle (``table``) or JSON-LD (``json``); ASK answers are ``true`` or ``false``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any, TextIO

from rdflib import Graph
from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from kg.errors import UsageError
from kg.store import QueryResult
from kg.terms import PREFIXES as TERM_PREFIXES
from kg.terms import split_iri

#: Prefixes used to shorten IRIs in tables and Turtle, and to expand CURIE parameters:
#: every prefix of :data:`kg.terms.PREFIXES` but the two only a validation report writes
#: (a table shows ``ckgid:event-type/attack``, never ``ckgt:attack``).
PREFIXES: dict[str, str] = {
    name: base for name, base in TERM_PREFIXES.items() if name not in ("ckgsh", "ckgt")
}

#: The output formats of ``ckg query run -f``.
FORMATS = ("table", "csv", "tsv", "json")

#: Longest cell shown in a table; longer values end with an ellipsis (CSV has them whole).
MAX_CELL = 70

_NUMERIC = {
    str(XSD[t])
    for t in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    )
}


def shorten(iri: str) -> str:
    """``ckgid:group/jnim`` for a known namespace, else the IRI itself (and a namespace)."""
    found = split_iri(iri, PREFIXES)
    return f"{found[0]}:{found[1]}" if found is not None and found[1] else iri


def display(term: Node | None) -> str:
    """A term as a person reads it in a table."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return shorten(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def plain(term: Node | None) -> str:
    """A term as CSV carries it: full IRI, a literal's lexical form, ``_:id`` for blank nodes."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] | None = None
) -> str:
    """Aligned columns with a header and a rule; ``numeric`` columns right-aligned."""
    cells = [[_clip(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    right = list(numeric) if numeric is not None else [False] * len(headers)

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if right[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def result_text(result: QueryResult, fmt: str = "table") -> str:
    """The whole answer as text in ``fmt`` (see the module docstring)."""
    buffer = io.StringIO()
    write_result(result, fmt, buffer)
    return buffer.getvalue()


def write_result(result: QueryResult, fmt: str, out: TextIO) -> None:
    """Write an answer to ``out`` in ``fmt``: table, csv, tsv or json."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if result.kind == "ask":
        if fmt == "json":
            out.write(json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n")
        else:
            out.write("true\n" if result.boolean else "false\n")
        return
    if result.kind == "graph":
        graph = result.graph if result.graph is not None else Graph()
        out.write(graph_text(graph, fmt))
        return
    if fmt == "table":
        numeric = (
            [
                bool(col) and all(_is_number(v) for v in col if v is not None)
                for col in zip(*result.rows)
            ]
            if result.rows
            else None
        )
        out.write(
            format_table(
                result.variables, [[display(v) for v in row] for row in result.rows], numeric
            )
        )
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([plain(v) for v in row])
    else:
        json.dump(sparql_json(result), out, ensure_ascii=False, indent=1)
        out.write("\n")


def graph_text(graph: Graph, fmt: str = "table") -> str:
    """A CONSTRUCT/DESCRIBE answer: Turtle, or JSON-LD with ``json``."""
    for prefix, base in PREFIXES.items():
        graph.bind(prefix, base, override=True, replace=True)
    if fmt == "table":
        return graph.serialize(format="turtle")
    if fmt == "json":
        return graph.serialize(format="json-ld", indent=1) + "\n"
    raise UsageError(
        f"a CONSTRUCT or DESCRIBE answer is a graph: use -f table (Turtle) or -f json "
        f"(JSON-LD), not -f {fmt}"
    )


def sparql_json(result: QueryResult) -> dict[str, Any]:
    """A SELECT answer in the SPARQL 1.1 Query Results JSON shape."""
    bindings = []
    for row in result.rows:
        item = {}
        for var, term in zip(result.variables, row):
            if term is not None:
                item[var] = _json_term(term)
        bindings.append(item)
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def _is_number(term: Node) -> bool:
    return (
        isinstance(term, Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC
    )


def _clip(text: str) -> str:
    text = text.replace("\n", " ").replace("\t", " ")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


# ---- answers with their evidence (``ckg query run --evidence``)

#: The columns ``--evidence`` adds in CSV and TSV, one line per row and claim.
EVIDENCE_COLUMNS = (
    "evidence_document",
    "evidence_title",
    "evidence_paragraph",
    "evidence_quote",
    "evidence_modality",
    "evidence_claimant",
    "evidence_claim",
    "evidence_graph",
)


def evidence_text(result: QueryResult, evidence: Sequence[Sequence[Any]], fmt: str) -> str:
    """A SELECT answer with each row's evidence (see :mod:`kg.evidence`) in ``fmt``.

    * ``table``: the answer with an ``evidence`` column of keys (``E1 E2``), then each key's
      document, paragraph, modality and quote, once however many rows share it.
    * ``csv``/``tsv``: a ``row`` column (the answer's row number, from 1), the answer's
      columns and :data:`EVIDENCE_COLUMNS`: one line per row and claim (a row without
      evidence keeps one line with those columns empty).
    * ``json``: the SPARQL 1.1 JSON results, plus ``"evidence"``: one list per binding,
      in the same order, of claims as plain values.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    buffer = io.StringIO()
    if fmt == "json":
        doc = sparql_json(result)
        doc["evidence"] = [
            [ev.as_json(set(_row_iris(row))) for ev in items]
            for row, items in zip(result.rows, evidence)
        ]
        json.dump(doc, buffer, ensure_ascii=False, indent=1)
        buffer.write("\n")
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(["row", *result.variables, *EVIDENCE_COLUMNS])
        for number, (row, items) in enumerate(zip(result.rows, evidence), start=1):
            values = [plain(v) for v in row]
            if not items:
                writer.writerow([number, *values, *([""] * len(EVIDENCE_COLUMNS))])
            for ev in items:
                writer.writerow(
                    [
                        number,
                        *values,
                        plain(ev.document),
                        ev.title or "",
                        "" if ev.paragraph is None else ev.paragraph,
                        ev.quote or "",
                        plain(ev.modality),
                        plain(ev.claimant),
                        plain(ev.claim),
                        plain(ev.graph),
                    ]
                )
    else:
        keys: dict[tuple[str, str, str], str] = {}
        legend: list[tuple[str, Any]] = []
        cells = []
        for items in evidence:
            names = []
            for ev in items:
                if ev.key() not in keys:
                    keys[ev.key()] = f"E{len(keys) + 1}"
                    legend.append((keys[ev.key()], ev))
                name = keys[ev.key()]
                if name not in names:
                    names.append(name)
            cells.append(" ".join(names))
        shown = QueryResult(
            "select",
            variables=[*result.variables, "evidence"],
            rows=[(*row, Literal(c) if c else None) for row, c in zip(result.rows, cells)],
        )
        write_result(shown, "table", buffer)
        buffer.write("\n")
        if not legend:
            buffer.write("evidence: no claims about the resources in this answer\n")
        else:
            buffer.write("evidence:\n")
        for name, ev in legend:
            buffer.write(_legend_entry(name, ev, len(f"E{len(legend)}")))
    return buffer.getvalue()


def _legend_entry(name: str, ev: Any, width: int) -> str:
    import textwrap

    where = ev.title or (shorten(str(ev.document)) if ev.document is not None else "(no document)")
    if ev.paragraph is not None:
        where += f", paragraph {ev.paragraph}"
    how = ev.modality_label or (shorten(str(ev.modality)) if ev.modality is not None else "")
    if ev.claimant is not None:
        how += f" ({ev.claimant_label or shorten(str(ev.claimant))})"
    head = f"{name.ljust(width)}  {where}" + (f" — {how}" if how else "")
    indent = " " * (width + 2)
    quote = " ".join((ev.quote if ev.quote is not None else (ev.statement or "")).split())
    body = textwrap.fill(
        f"“{quote}”", width=92, initial_indent=indent, subsequent_indent=indent + " "
    )
    return head + "\n" + body + "\n"


def _row_iris(row: Sequence[Node | None]) -> list[URIRef]:
    return [t for t in row if isinstance(t, URIRef)]
