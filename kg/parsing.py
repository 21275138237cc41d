"""Bounded, offline parsing: what a data file may ask of the machine before it is read.

A file is data, never a program: it may not make ``ckg`` fetch anything from the network
or the disk, nor grow without bound while it is parsed. :func:`preflight` looks at a
file's bytes before any RDF parser does and refuses, naming the file and line:

* RDF/XML entity declarations whose expansion is larger than :data:`MAX_EXPANSION` bytes
  (the "billion laughs": a 1 KB file that expands to gigabytes), nested deeper than
  :data:`MAX_ENTITY_DEPTH`, or that are external (``SYSTEM``/``PUBLIC``) or parameter
  entities (``%name;``). Small internal entities, as Protégé writes for namespaces, pass.
* JSON-LD ``@context`` (or ``@import``) given as a URL or a file name: rdflib would fetch
  it. Inline the context instead.
* Nesting deeper than :data:`MAX_DEPTH` (brackets in Turtle/TriG/JSON-LD, elements in
  RDF/XML), which would exhaust a recursive parser's stack.

:func:`check_literal` bounds one literal's length (:data:`MAX_LITERAL` characters), and
:func:`check_services` refuses a query's federated ``SERVICE`` calls unless each endpoint
is named by the user (``--allow-service URL``).

>>> preflight(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "x.rdf")
>>> service_endpoints("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }")
['https://query.wikidata.org/sparql']
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from typing import Any

from kg.errors import InputError, UsageError

#: Longest literal (characters) a source may hold; a 30 MB literal exhausted memory.
MAX_LITERAL = 4 * 1024 * 1024

#: Bytes all entity references of an RDF/XML file may expand to, together.
MAX_EXPANSION = 4 * 1024 * 1024

#: How deep RDF/XML entities may refer to each other.
MAX_ENTITY_DEPTH = 4

#: Deepest nesting of brackets (Turtle, JSON-LD) or elements (RDF/XML).
MAX_DEPTH = 200

_SUFFIX_KIND = {
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "turtle",
    ".n3": "turtle",
}

_DOCTYPE = re.compile(rb"<!DOCTYPE\b[^\[>]*(\[(.*?)\])?\s*>", re.DOTALL)
_ENTITY = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s%\"']+)\s+(?:(SYSTEM|PUBLIC)\b|\"([^\"]*)\"|'([^']*)')", re.DOTALL
)
_REF = re.compile(rb"&([A-Za-z_:][\w.:-]*);")
_PREDEFINED = {b"lt", b"gt", b"amp", b"apos", b"quot"}
# What is not structure in Turtle and JSON: strings, IRIs and comments (JSON has no
# IRIs or comments, but neither appears outside strings in valid JSON).
_TURTLE_TEXT = re.compile(
    rb"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|<[^<>\"{}|^`\\\s]*>|#[^\n]*",
    re.DOTALL,
)
_JSON_TEXT = re.compile(rb"\"(?:[^\"\\]|\\.)*\"", re.DOTALL)
_BRACKETS = re.compile(rb"[\[\](){}]")


def kind_of(suffix: str) -> str | None:
    """The syntax family of a file extension (``xml``, ``json-ld``, ``turtle``), if checked."""
    return _SUFFIX_KIND.get(suffix.lower())


def preflight(data: bytes, where: str, kind: str | None = None) -> None:
    """Refuse ``data`` (the bytes of ``where``) if parsing it could fetch or explode.

    ``kind`` defaults to the family of ``where``'s extension; formats without entities,
    contexts or nesting (N-Triples, N-Quads) are not looked at.
    """
    if kind is None:
        dot = where.rfind(".")
        kind = kind_of(where[dot:]) if dot >= 0 else None
    if kind == "xml":
        _check_entities(data, where)
        _check_xml_depth(data, where)
        _check_well_formed(data, where)
    elif kind == "json-ld":
        _check_depth(_JSON_TEXT.sub(b'""', data), data, where)
        _check_contexts(data, where)
    elif kind == "turtle":
        _check_depth(_TURTLE_TEXT.sub(lambda m: b"\n" * m.group(0).count(b"\n"), data), data, where)


def _line(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _check_entities(data: bytes, where: str) -> None:
    doctype = _DOCTYPE.search(data)
    if doctype is None:
        if b"<!ENTITY" in data:
            raise InputError(
                "an entity declaration outside a DOCTYPE; remove it",
                path=where,
                line=_line(data, data.find(b"<!ENTITY")),
            )
        return
    subset = doctype.group(2) or b""
    offset = doctype.start(2) if doctype.group(2) is not None else doctype.start()
    values: dict[bytes, bytes] = {}
    for m in _ENTITY.finditer(subset):
        line = _line(data, offset + m.start())
        name = m.group(2).decode("utf-8", "replace")
        if m.group(1):
            raise InputError(
                f"parameter entity %{name}; is not allowed (entities are expanded, never "
                "fetched or chained): remove it",
                path=where,
                line=line,
            )
        if m.group(3):
            raise InputError(
                f"external entity {name} ({m.group(3).decode()}) is not allowed: ckg reads "
                "nothing but the file itself; paste the text in instead",
                path=where,
                line=line,
            )
        values[m.group(2)] = m.group(4) if m.group(4) is not None else m.group(5)
    declared = len(_ENTITY.findall(subset))
    if subset.count(b"<!ENTITY") != declared:
        raise InputError(
            'an entity declaration ckg cannot read safely; write entities as <!ENTITY name "text">',
            path=where,
            line=_line(data, offset),
        )
    sizes: dict[bytes, int] = {}

    def size(name: bytes, depth: int, line: int) -> int:
        if name in _PREDEFINED or name not in values:
            return 1
        if depth > MAX_ENTITY_DEPTH:
            raise InputError(
                f"entities nest deeper than {MAX_ENTITY_DEPTH} levels (&{name.decode()}; …): "
                "a file that expands itself is refused; write the text out",
                path=where,
                line=line,
            )
        if name not in sizes:
            sizes[name] = -1  # in progress: a reference back to it is a cycle
            total = len(_REF.sub(b"", values[name]))
            for ref in _REF.finditer(values[name]):
                if sizes.get(ref.group(1)) == -1:
                    raise InputError(
                        f"entity &{name.decode()}; refers to itself", path=where, line=line
                    )
                total += size(ref.group(1), depth + 1, line)
                if total > MAX_EXPANSION:
                    break
            sizes[name] = total
        return sizes[name]

    total = 0
    body = doctype.end()
    for ref in _REF.finditer(data, body):
        total += size(ref.group(1), 1, _line(data, ref.start()))
        if total > MAX_EXPANSION:
            raise InputError(
                f"entity references expand to more than {MAX_EXPANSION:,} bytes (a "
                "'billion laughs' file?): refused before parsing; write the text out",
                path=where,
                line=_line(data, ref.start()),
            )


def _check_well_formed(data: bytes, where: str) -> None:
    # An RDF/XML parser may stop at a broken or missing element and report no error, so an
    # unclosed tag or an empty file loaded as an empty graph. expat reads the file once
    # more (entities were bounded above; it fetches nothing: no external entity handler).
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        what = xml.parsers.expat.errors.messages[exc.code]
        raise InputError(
            f"RDF/XML syntax error: not well-formed XML ({what}, column {exc.offset + 1}); "
            "fix the file and run again",
            path=where,
            line=exc.lineno,
        ) from None


def _check_xml_depth(data: bytes, where: str) -> None:
    depth = 0
    for m in re.finditer(rb"<(/?)[A-Za-z_][^<>]*?(/?)>", data):
        if m.group(1):
            depth -= 1
        elif not m.group(2):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(
                    f"elements nest deeper than {MAX_DEPTH} levels; flatten the file "
                    "(give nested nodes rdf:about or rdf:nodeID)",
                    path=where,
                    line=_line(data, m.start()),
                )


def _check_depth(masked: bytes, original: bytes, where: str) -> None:
    # ``masked`` has strings, IRIs and comments blanked (their newlines kept for lines).
    depth = 0
    for m in _BRACKETS.finditer(masked):
        if m.group(0) in (b"[", b"(", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(
                    f"brackets nest deeper than {MAX_DEPTH} levels; flatten the file "
                    "(name the nested nodes)",
                    path=where,
                    line=_line(masked, m.start()),
                )
        else:
            depth = max(depth - 1, 0)


def _check_contexts(data: bytes, where: str) -> None:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return  # not JSON: the parser says where
    for key, value in _context_values(doc):
        if key == "@id":
            # JSON-LD drops a node whose @id is not an IRI without a word: say so instead.
            if isinstance(value, str) and _NOT_IN_IRI.search(value):
                raise InputError(
                    f"JSON-LD @id {value!r} is not an IRI (spaces, quotes, braces or "
                    "backslashes are not allowed), and the node would be dropped without a "
                    "word; fix the @id",
                    path=where,
                    line=_line(data, data.find(json.dumps(value).encode())) or None,
                )
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                raise InputError(
                    f"JSON-LD {key} {item!r} names a document to fetch; ckg never fetches "
                    "contexts (network or file): paste the context object in instead",
                    path=where,
                    line=_line(data, data.find(json.dumps(item).encode())) or None,
                )


_NOT_IN_IRI = re.compile(r'[\s<>"{}|^`\\]')


def _context_values(node: Any) -> Iterator[tuple[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import", "@id"):
                    yield key, value
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)


def check_literal(value: str, where: str) -> None:
    """Refuse a literal longer than :data:`MAX_LITERAL` characters."""
    if len(value) > MAX_LITERAL:
        raise InputError(
            f"a literal of {len(value):,} characters (more than {MAX_LITERAL:,}): refused; "
            f"keep large texts outside the graph and link to them ('{value[:30]}…')",
            path=where,
        )


# --------------------------------------------------------------------------------------
# Federated queries
# --------------------------------------------------------------------------------------

_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_SILENT = re.compile(r"\s+(?:SILENT\b\s*)?", re.IGNORECASE)
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)


def service_endpoints(sparql: str) -> list[str]:
    """The endpoints a query's ``SERVICE`` clauses call (``?var`` for a variable one)."""
    from kg.sparql import code_mask

    mask = code_mask(sparql)
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(sparql)}
    found = []
    for m in _SERVICE.finditer(mask):
        rest = sparql[m.end() :]
        skip = _SILENT.match(rest)
        rest = rest[skip.end() :] if skip else rest
        if rest.startswith("<"):
            found.append(rest[1 : rest.find(">")])
            continue
        token = re.match(r"[^\s{]+", rest)
        text = token.group(0) if token else ""
        if ":" in text and not text.startswith(("?", "$")):
            prefix, local = text.split(":", 1)
            found.append(prefixes.get(prefix, prefix + ":") + local)
        else:
            found.append(text)
    return found


def check_services(sparql: str, allowed: Collection[str] = ()) -> None:
    """Refuse a query that calls a ``SERVICE`` the user did not name with --allow-service."""
    for endpoint in service_endpoints(sparql):
        if endpoint not in allowed:
            hint = (
                "a SERVICE whose endpoint is a variable is never allowed; write the endpoint's "
                "IRI in the query and give it with --allow-service"
                if endpoint.startswith(("?", "$"))
                else f"give --allow-service {endpoint} to let it"
            )
            raise UsageError(
                f"the query calls SERVICE <{endpoint}>, which would send requests to another "
                f"server; refused: {hint}"
            )
