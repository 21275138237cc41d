"""Reading the RDF files of a batch (``ckg add``, ``ckg validate FILE``) into a Dataset.

Kept apart from the rest of validation: the files are parsed by rdflib (the shapes need
rdflib graphs), then held to what ``ckg load``'s parser accepts (:mod:`kg.parsing`), and
every error names the file and line. Entities, remote contexts and deep nesting are
refused before rdflib sees a file.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset, Literal, URIRef

from kg.errors import InputError, UsageError
from kg.parsing import (
    MAX_LITERAL,
    check_literal,
    kind_of,
    preflight,
    strict_syntax,
    syntax_error_text,
)
from kg.sparql import values_block
from kg.terms import ID
from kg.validation.progress import quiet_rdflib

#: Relative IRIs in a file without ``@base`` resolve against this, so they can be found.
_UNRESOLVED_BASE = "http://unresolved.ckg.invalid/"

#: Suffix -> rdflib parser. N-Triples is read as Turtle, whose parser reports lines.
_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".n3": "n3",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def parse_file(path: Path) -> Dataset:
    """Parse one RDF file by its extension; raise :class:`InputError` naming file and line."""
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"unknown RDF format {path.suffix!r}: use one of {known}", path=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    # Entities, remote contexts and deep nesting are refused before rdflib sees the file.
    preflight(data, str(path), kind_of(path.suffix))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text: save the file as UTF-8", path=str(path), line=at)
    ds = Dataset()
    try:
        with quiet_rdflib():
            ds.parse(data=text, format=fmt, publicID=_UNRESOLVED_BASE)
    except Exception as exc:  # every parser raises its own kind
        message, line = _describe_parse_error(exc, text, fmt)
        raise InputError(
            f"{message} (nothing was read: fix the file and run again)", path=str(path), line=line
        ) from exc
    _check_iris(ds, path, text)
    # rdflib reads some invalid syntax; what it accepted must also pass ckg load's parser.
    strict = strict_syntax(data, path.suffix, _UNRESOLVED_BASE)
    if strict is not None:
        message, line = syntax_error_text(strict)
        raise InputError(
            f"{message} (nothing was read: fix the file and run again)", path=str(path), line=line
        )
    if len(data) > MAX_LITERAL:
        for o in ds.objects():
            if isinstance(o, Literal):
                check_literal(str(o), str(path))
    return ds


def _describe_parse_error(exc: Exception, text: str, fmt: str) -> tuple[str, int | None]:
    # Each rdflib parser reports position differently: BadSyntax counts lines from 0,
    # SAX and json from 1, the N-Quads parser not at all (found by parsing line by line).
    why = getattr(exc, "_why", None) or getattr(exc, "msg", None) or str(exc)
    why = " ".join(str(why).split())
    if type(exc).__name__ == "BadSyntax":
        lines = getattr(exc, "lines", None)
        line = lines + 1 if isinstance(lines, int) else None
        m = re.match(r'Prefix "([^"]*)" not bound', why)
        if m:
            name = m.group(1)
            return f"syntax error: unknown prefix {name} (declare it: @prefix {name} <…> .)", line
        return f"syntax error: {why}", line
    if hasattr(exc, "getLineNumber"):
        why = str(exc.getMessage()) if hasattr(exc, "getMessage") else why  # type: ignore[attr-defined]
        return f"RDF/XML syntax error: {why}", exc.getLineNumber()  # type: ignore[attr-defined]
    if isinstance(getattr(exc, "lineno", None), int):
        return f"syntax error: {why}", exc.lineno  # type: ignore[attr-defined]
    if fmt == "nquads":
        for n, line_text in enumerate(text.splitlines(), start=1):
            if not line_text.strip() or line_text.lstrip().startswith("#"):
                continue
            try:
                Dataset().parse(data=line_text + "\n", format="nquads")
            except Exception:  # noqa: BLE001 - any failure marks the line
                return (
                    "syntax error: not an N-Quads statement (subject predicate object graph .)",
                    n,
                )
    return f"syntax error: {why[:300]}", None


def _check_iris(ds: Dataset, path: Path, text: str) -> None:
    for quad in ds.quads((None, None, None, None)):
        for term in quad[:3]:
            if not isinstance(term, URIRef):
                continue
            iri = str(term)
            if iri.startswith(_UNRESOLVED_BASE):
                rel = iri[len(_UNRESOLVED_BASE) :]
                raise InputError(
                    f"relative IRI <{rel}> but the file declares no @base: add "
                    f"@base <{ID}> . (or write the full IRI)",
                    path=str(path),
                    line=_line_of(text, f"<{rel}>"),
                )
            try:
                values_block({"n": term})
            except UsageError:
                raise InputError(
                    f"malformed IRI <{iri}>: IRIs may not contain spaces, quotes, braces or "
                    "backslashes, and need a scheme such as https:",
                    path=str(path),
                    line=_line_of(text, iri) or _line_of(text, _bad_part(iri)),
                ) from None


def _bad_part(iri: str) -> str:
    # The written form may be relative: look for the segment around the first bad character.
    bad = next((i for i, c in enumerate(iri) if c in '<>"{}|^`\\ \n\t'), len(iri))
    start = iri.rfind("/", 0, bad) + 1
    return iri[start : bad + 1]


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None
