"""N-Triples terms written as text: escaped literals, checked IRIs, common predicates.

The importers write triples as text because building rdflib terms for thirty million
triples costs more than the store takes to parse them; Oxigraph's parser
(:mod:`kg.rdfio.reading`) then reads the file. This is ckg's one N-Triples escaper.

>>> lit('say "hi"')
'"say \\\\"hi\\\\""'
>>> typed("2023-03-01", "date")
'"2023-03-01"^^<http://www.w3.org/2001/XMLSchema#date>'
"""

from __future__ import annotations

import re

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


def ascii_only(text: str) -> str:
    """N-Triples text with every non-ASCII character as a ``\\u``/``\\U`` escape.

    For bodies sent over HTTP: ASCII cannot be misread by a server that guesses a charset.

    >>> ascii_only('"Ségou"@fr')
    '"S\\\\u00E9gou"@fr'
    """
    if text.isascii():
        return text
    return "".join(
        ch if ord(ch) < 128 else f"\\u{ord(ch):04X}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08X}"
        for ch in text
    )


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
