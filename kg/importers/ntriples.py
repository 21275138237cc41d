"""N-Triples text for importers: escaped terms and a buffered writer to a temporary file.

Importers write triples as text because building rdflib terms for thirty million triples
costs more than the store takes to parse them; the store's own parser then reads the file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TextIO

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDFS_SEE_ALSO = "<http://www.w3.org/2000/01/rdf-schema#seeAlso>"
RDFS_COMMENT = "<http://www.w3.org/2000/01/rdf-schema#comment>"
SKOS_PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
SKOS_ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
DCT = "http://purl.org/dc/terms/"
GEO = "http://www.opengis.net/ont/geosparql#"

_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def escape(text: str) -> str:
    """``text`` escaped for the inside of an N-Triples string literal."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(_escape_char, text)


def iri(value: str) -> str:
    """``<value>``; raises ValueError for characters an IRI cannot hold."""
    if _IRI_FORBIDDEN.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def lit(text: str) -> str:
    """A plain (xsd:string) literal."""
    return f'"{escape(text)}"'


def lang_lit(text: str, lang: str) -> str:
    """A language-tagged literal such as ``"Kayes"@en``."""
    return f'"{escape(text)}"@{lang}'


def typed(lexical: str, datatype: str) -> str:
    """A typed literal; ``datatype`` is a local name in XSD (``date``) or a full IRI."""
    dt = datatype if ":" in datatype else XSD + datatype
    return f'"{escape(lexical)}"^^<{dt}>'


def decimal(value: str | float) -> str:
    """An xsd:decimal literal from a number or a decimal string (never exponent notation)."""
    text = (
        value if isinstance(value, str) and _DECIMAL.match(value) else _format_decimal(float(value))
    )
    return f'"{text}"^^<{XSD}decimal>'


def _format_decimal(number: float) -> str:
    text = f"{number:.7f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def wkt_point(lat: float, lon: float) -> str:
    """A GeoSPARQL WKT literal for a point (longitude first, as WKT requires)."""
    return f'"POINT({_format_decimal(lon)} {_format_decimal(lat)})"^^<{GEO}wktLiteral>'


class NTriplesFile:
    """Collects N-Triples lines in a file, buffering writes; counts the triples."""

    def __init__(self, path: Path, *, buffer_lines: int = 20_000) -> None:
        self.path = path
        self._out: TextIO = path.open("w", encoding="utf-8", newline="\n")
        self._buffer: list[str] = []
        self._limit = buffer_lines
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        """Add one triple given as N-Triples terms."""
        self._buffer.append(f"{s} {p} {o} .\n")
        if len(self._buffer) >= self._limit:
            self.flush()

    def extend(self, lines: list[str]) -> None:
        """Add complete lines (each ending with `` .\\n``)."""
        self._buffer.extend(lines)
        if len(self._buffer) >= self._limit:
            self.flush()

    def flush(self) -> None:
        """Write the buffer to the file."""
        if self._buffer:
            self.count += len(self._buffer)
            chunk = "".join(self._buffer)
            self._out.write(chunk)
            self._buffer.clear()

    def close(self) -> int:
        """Flush and close; returns the number of triples written."""
        self.flush()
        self._out.close()
        return self.count
