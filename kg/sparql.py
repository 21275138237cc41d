"""Binding parameters into SPARQL text without pasting user text.

Values reach a query only as rdflib terms, serialised by rdflib's own escaping
(``Node.n3()``), inside ``VALUES`` blocks. The block is placed at the start of every group
that follows ``WHERE`` — the outer query and each sub-select — so a parameter is bound
wherever the query uses it, on every SPARQL 1.1 engine (pyoxigraph's ``substitutions``
and rdflib's ``initBindings`` bind only the outer query, and Virtuoso has neither).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rdflib.term import BNode, Literal, Node, URIRef, Variable

from kg.errors import UsageError

# Not the end of a prefixed name (GRAPH ex:WHERE { ... }).
_WHERE = re.compile(r"(?<![\w:])WHERE\s*\{", re.IGNORECASE)
# What is not code in SPARQL text: IRIs, strings (long ones first) and comments, found in
# one left-to-right pass, so that a "#" in an IRI or a "<" in a string is not misread.
_NOT_CODE = re.compile(
    r"<[^<>\"{}|^`\\\s]*>"
    r"|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\""
    r"|#[^\n]*",
    re.DOTALL,
)
_NOT_NEWLINE = re.compile(r"[^\n]")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def values_block(bindings: Mapping[str, Node]) -> str:
    """A one-row ``VALUES`` block for ``bindings`` built from escaped RDF terms."""
    names = [_variable(name) for name in bindings]
    terms = [_escaped(name, term) for name, term in bindings.items()]
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def values_list(name: str, terms: Iterable[Node]) -> str:
    """A one-variable ``VALUES ?name { ... }`` block of escaped IRIs or literals."""
    return f"VALUES {_variable(name)} {{ {' '.join(_escaped(name, t) for t in terms)} }}"


def _variable(name: str) -> str:
    if not _VAR_NAME.match(name):
        raise UsageError(f"{name!r} is not a SPARQL variable name")
    return Variable(name).n3()


def _escaped(name: str, term: Node) -> str:
    if isinstance(term, BNode) or not isinstance(term, (URIRef, Literal)):
        raise UsageError(f"parameter {name} must be an IRI or a literal, not {term!r}")
    if isinstance(term, URIRef) and not _safe_iri(str(term)):
        raise UsageError(f"parameter {name}: {str(term)!r} is not a valid IRI")
    return term.n3()


def bind_values(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """Return ``sparql`` with ``bindings`` injected after every ``WHERE {``.

    Only variables the query mentions are bound; an empty mapping returns the text as is.
    Saved questions must spell ``WHERE {`` before each group that uses a parameter.
    """
    if not bindings:
        return sparql
    code = code_mask(sparql)
    used = {k: v for k, v in bindings.items() if re.search(r"[?$]" + re.escape(k) + r"\b", code)}
    if not used:
        return sparql
    block = values_block(used)
    # Found in the code mask, so that a "WHERE {" inside a string, an IRI or a comment is
    # left as it is; the mask keeps every offset, so a match is a place in the text.
    ends = [m.end() for m in _WHERE.finditer(code_mask(sparql))]
    if not ends:
        raise UsageError("a query with parameters must write its pattern as 'WHERE { … }'")
    pieces, last = [], 0
    for end in ends:
        pieces += [sparql[last:end], " ", block, " "]
        last = end
    pieces.append(sparql[last:])
    return "".join(pieces)


def code_mask(sparql: str) -> str:
    """``sparql`` with IRIs, strings and comments blanked out, every offset unchanged.

    For looking at the syntax (variables, braces, keywords) without being misled by text
    inside terms; a position found in the mask is the same position in the original.
    """
    return _NOT_CODE.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group(0)), sparql)


def _safe_iri(iri: str) -> bool:
    # The characters SPARQL forbids inside <…>; rdflib's n3() would not escape them.
    return not any(c in iri for c in '<>"{}|^`\\ \n\t') and ":" in iri
