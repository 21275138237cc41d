"""Reading an RDF file of any supported format with Oxigraph's parser, and its errors.

One parser for every path that reads RDF: ``ckg load`` (:mod:`kg.loading`), ``ckg add``
and ``ckg validate FILE`` (:func:`read_rdflib_quads`, for the gate, which needs rdflib
terms).
Before the parser sees a file, :func:`kg.parsing.preflight` refuses what could fetch or
explode (entities, remote contexts, deep nesting); a parse error names the file, line and
column, and says what to do.

>>> [q.object.value for q in read_quads(b'<urn:a> <urn:b> "x" .', FORMATS[".nt"], "a.nt")]
['x']
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import IdentifiedNode, Identifier

from kg.errors import InputError
from kg.parsing import MAX_LITERAL, check_literal, preflight
from kg.rdfio.terms import rdflib_triple, to_rdflib
from kg.terms import ID

#: One quad read by :func:`read_rdflib_quads`: subject, predicate, object, graph name.
RdflibQuad = tuple[Identifier, Identifier, Identifier, IdentifiedNode]

#: Formats by file extension (lower case, with the dot).
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: What ``ckg load`` says after a parse error; the gate says :data:`GATE_ADVICE`.
LOAD_ADVICE = "; fix the file and load it again"
GATE_ADVICE = " (nothing was read: fix the file and run again)"

#: Relative IRIs in a file without ``@base`` resolve against this, so they can be named.
UNRESOLVED_BASE = "http://unresolved.ckg.invalid/"

#: Oxigraph's position prefix ("Parser error at line 1 column 20: "), said our own way.
_OX_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")
_UNDECLARED = re.compile(r"^The prefix (\S*) has not been declared$")
_IRI_TOKEN = re.compile(r"<[^<>\n]*>?")
_IRI_ADVICE = (
    "IRIs may not contain spaces, quotes, braces or backslashes, and need a scheme such as https:"
)
_BASE_ADVICE = f"add @base <{ID}> . (or write the full IRI)"


def format_for(path: str | Path) -> ox.RdfFormat | None:
    """The RDF format of a file by its extension (None: not an RDF extension ckg reads)."""
    return FORMATS.get(Path(path).suffix.lower())


def read_quads(
    source: bytes | Path,
    format: ox.RdfFormat,
    where: str,
    *,
    base_iri: str | None = None,
    advice: str = LOAD_ADVICE,
    bound_nesting: bool = False,
) -> Iterator[ox.Quad]:
    """The quads of ``source`` (bytes, or a file read by the parser), blank nodes renamed.

    Raises :class:`~kg.errors.InputError` naming ``where``, the line and the column, with
    ``advice`` after a syntax error. RDF/XML and JSON-LD are looked at first
    (:func:`kg.parsing.preflight`); with ``bound_nesting`` Turtle's nesting is bounded too
    (for readers that recurse, such as the gate's).
    """
    if format in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) or bound_nesting:
        data = source if isinstance(source, bytes) else _read(source, where)
        preflight(data, where, _KIND.get(format))
        source = data
    # Blank nodes are renamed so that _:b1 of one file never merges with _:b1 of another.
    try:
        if isinstance(source, bytes):
            yield from ox.parse(source, format, base_iri=base_iri, rename_blank_nodes=True)
        else:
            yield from ox.parse(
                path=str(source), format=format, base_iri=base_iri, rename_blank_nodes=True
            )
    except SyntaxError as exc:
        raise syntax_error(exc, source, format, where, advice) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc}", path=where) from exc


_KIND = {
    ox.RdfFormat.RDF_XML: "xml",
    ox.RdfFormat.JSON_LD: "json-ld",
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.TRIG: "turtle",
}


def _read(path: Path, where: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=where) from exc


def syntax_error(
    exc: SyntaxError, source: bytes | Path, format: ox.RdfFormat, where: str, advice: str
) -> InputError:
    """An Oxigraph parse error in words: file, line, column, what is wrong, what to do."""
    message = exc.msg if isinstance(exc.msg, str) else str(exc)
    message = _OX_POSITION.sub("", message)
    line = exc.lineno
    column = f" (column {exc.offset})" if exc.offset else ""
    token = _token_at(source, line, exc.offset)
    if message.startswith("Invalid UTF-8"):
        return InputError(f"not UTF-8 text{column}: save the file as UTF-8", path=where, line=line)
    if "No scheme found in an absolute IRI" in message and token:
        return InputError(
            f"relative IRI {token} but the file declares no @base{column}: {_BASE_ADVICE}",
            path=where,
            line=line,
        )
    if message.startswith("Invalid IRI") and token:
        if not token.endswith(">"):
            token = f"{token.rstrip()}… (no closing '>')"
        return InputError(f"malformed IRI {token}{column}: {_IRI_ADVICE}", path=where, line=line)
    undeclared = _UNDECLARED.match(message)
    if undeclared:
        name = undeclared.group(1)
        return InputError(
            f"syntax error: unknown prefix {name} ({column.strip(' ()')}{'; ' if column else ''}"
            f"declare it: @prefix {name} <…> .){advice}",
            path=where,
            line=line,
        )
    if line is None and format == ox.RdfFormat.RDF_XML:
        line = _xml_line(source)
    return InputError(f"syntax error{column}: {message}{advice}", path=where, line=line)


def _token_at(source: bytes | Path, line: int | None, column: int | None) -> str | None:
    # The IRI a position points at, as written (Oxigraph's message does not quote it).
    if line is None or column is None:
        return None
    try:
        data = source if isinstance(source, bytes) else source.read_bytes()
    except OSError:
        return None
    lines = data.split(b"\n", line)
    if len(lines) < line:
        return None
    text = lines[line - 1].decode("utf-8", "replace")
    found = _IRI_TOKEN.search(text, max(column - 1, 0))
    return found.group(0) if found else None


def _xml_line(source: bytes | Path) -> int | None:
    # pyoxigraph's RDF/XML errors carry no position; rdflib's RDF/XML parser (SAX) does.
    # The file passed preflight, so it declares no entity that could fetch or explode.
    from xml.sax import SAXParseException

    try:
        data = source if isinstance(source, bytes) else source.read_bytes()
        with quiet_rdflib():
            Graph().parse(data=data, format="xml")
    except SAXParseException as exc:
        found = exc.getLineNumber()
        return int(found) if found is not None else None
    except Exception:  # noqa: BLE001 - any other failure: no line to report
        return None
    return None


def read_rdflib_quads(path: Path, *, where: str | None = None) -> list[RdflibQuad]:
    """A file's quads as rdflib terms, ``(s, p, o, graph)``, in the order the file states them.

    Read by the same parser as ``ckg load`` (:func:`read_quads`), nesting bounded, with
    relative IRIs named (``@base`` missing) and literals bounded. ``graph`` is
    ``DATASET_DEFAULT_GRAPH_ID`` for a default-graph triple; a blank-node graph name stays a
    blank node (the caller refuses it). The order is kept so that what the gate says about
    the triples (the ontology guard's refusal) follows the file, as ``ckg load`` does.
    """
    shown = where or str(path)
    fmt = format_for(path)
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"unknown RDF format {path.suffix!r}: use one of {known}", path=shown)
    data = _read(path, shown)
    # Turtle's family refuses a relative IRI with its position, as ckg load says it; RDF/XML
    # and JSON-LD resolve against a marker base, so the IRI can be named (JSON-LD would
    # drop its node without a word).
    base = UNRESOLVED_BASE if fmt in (ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
    names: dict[object, IdentifiedNode] = {}
    out: list[RdflibQuad] = []
    with quiet_rdflib():
        for quad in read_quads(
            data, fmt, shown, base_iri=base, advice=GATE_ADVICE, bound_nesting=True
        ):
            s, p, o = rdflib_triple(quad)
            for term in (s, p, o):
                _check_resolved(term, data, shown)
            if isinstance(o, Literal) and len(o) > MAX_LITERAL:
                check_literal(str(o), shown)
            name = names.get(quad.graph_name)
            if name is None:
                graph_name = quad.graph_name
                name = names[graph_name] = (
                    DATASET_DEFAULT_GRAPH_ID
                    if isinstance(graph_name, ox.DefaultGraph)
                    else cast(IdentifiedNode, to_rdflib(graph_name))
                )
            out.append((s, p, o, name))
    return out


def _check_resolved(term: object, data: bytes, where: str) -> None:
    if isinstance(term, URIRef) and term.startswith(UNRESOLVED_BASE):
        rel = term[len(UNRESOLVED_BASE) :]
        pos = max(data.find(f"<{rel}>".encode()), data.find(f'"{rel}"'.encode()))
        raise InputError(
            f"relative IRI <{rel}> but the file declares no @base: {_BASE_ADVICE}",
            path=where,
            line=data.count(b"\n", 0, pos) + 1 if pos >= 0 else None,
        )


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Hold back rdflib's log lines while terms are built.

    rdflib logs a warning (with a traceback) for every ill-typed literal it builds; the
    shapes report those properly, so the noise is held back.
    """
    loggers = [logging.getLogger(name) for name in ("rdflib.term", "rdflib")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
