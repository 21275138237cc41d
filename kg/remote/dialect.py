"""Server dialects reconciled in one place: answers read back as the embedded store gives them.

:func:`normalise_term` is applied to every value of every answer:

* Virtuoso stores ``xsd:boolean`` as ``"1"``/``"0"``: rewritten to ``"true"``/``"false"``.
* Virtuoso returns a boolean *expression* (``?a < ?b``, ``BOUND(?x)``, ``true``) as the
  integer 1 or 0: columns that the query computes from a boolean expression (found by
  parsing the query with rdflib, :func:`query_shape`) are turned back into ``xsd:boolean``.
* An explicit ``xsd:string`` datatype is dropped (RDF 1.1: the same literal).

One rewrite of the query text, :func:`portable_comparisons`, works around a Virtuoso 7.2
defect: ``FILTER(?date <= ?d)`` drops qualifying rows there, so a comparison of two single
terms is sent as the equivalent ``!(?date > ?d)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from kg.errors import RemoteError


def normalise_term(term: Node | None, boolean: bool = False) -> Node | None:
    """Undo a server's dialect in one answer value (see the module notes).

    ``boolean`` says the column is computed by a boolean expression, so an integer
    1/0 there is Virtuoso's spelling of true/false.
    """
    if not isinstance(term, Literal):
        return term
    datatype = term.datatype
    if datatype == XSD.boolean and str(term) in ("1", "0"):
        return Literal(str(term) == "1")
    if boolean and datatype == XSD.integer and str(term) in ("1", "0"):
        return Literal(str(term) == "1")
    if datatype == XSD.string:
        return Literal(str(term))
    return term


def json_term(value: Mapping[str, str]) -> Node:
    """One term of a SPARQL JSON results document as an rdflib term."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text.removeprefix("nodeID://"))
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        return Literal(text, datatype=URIRef(datatype) if datatype else None)
    raise RemoteError(f"the server answered a term of unknown type {kind!r}")


_BOOLEAN_EXPRESSIONS = {
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "UnaryNot",
    "Builtin_BOUND",
    "Builtin_isIRI",
    "Builtin_isURI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_isNUMERIC",
    "Builtin_REGEX",
    "Builtin_sameTerm",
    "Builtin_LANGMATCHES",
    "Builtin_CONTAINS",
    "Builtin_STRSTARTS",
    "Builtin_STRENDS",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
}
_PASS_THROUGH_AGGREGATES = {"Aggregate_Sample", "Aggregate_Min", "Aggregate_Max"}


# Virtuoso 7.2 answers FILTER(?a <= ?b) wrongly on xsd:date values (it drops rows that
# qualify; ">" and "<" are right). "?a <= ?b" and "!(?a > ?b)" are the same SPARQL (both
# are errors on incomparable terms), so the client sends the second form. Only a
# comparison of two single terms that is a whole operand (between "(", ",", "&&", "||"
# and ")", ",", "&&", "||") is rewritten, so operator precedence cannot change; strings,
# IRIs and comments are skipped.
_TERM = r"""(?:[?$][A-Za-z0-9_]+|"[^"\\\n]*"(?:\^\^(?:<[^<>\s]*>|[A-Za-z][\w-]*:[\w-]*))?|-?\d+(?:\.\d+)?)"""
_SKIP = (
    r'''"""[\s\S]*?"""|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|'''
    r"""<[^<>"{}|^`\\\s]*>|#[^\n]*"""
)
_COMPARISON = re.compile(
    rf"(?P<pre>(?:\(|,|&&|\|\|)\s*)(?P<a>{_TERM})\s*(?P<op><=|>=)\s*(?P<b>{_TERM})"
    rf"(?=\s*(?:\)|,|&&|\|\|))"
    rf"|(?P<skip>{_SKIP})"
)


def portable_comparisons(sparql: str) -> str:
    """``?a <= ?b`` as ``!(?a > ?b)`` (and ``>=`` likewise): see the note above."""

    def swap(match: re.Match[str]) -> str:
        if match.group("skip") is not None:
            return match.group("skip")
        flipped = ">" if match.group("op") == "<=" else "<"
        return f"{match.group('pre')}!({match.group('a')} {flipped} {match.group('b')})"

    return _COMPARISON.sub(swap, sparql)


@dataclass(frozen=True)
class QueryShape:
    """What the client needs to know of a query to check and normalise its answer."""

    boolean_vars: frozenset[str] = frozenset()
    limit: int | None = None
    kind: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE; None when unknown
    distinct: bool = False  # SELECT DISTINCT or REDUCED: the answer may not repeat a row


@lru_cache(maxsize=256)
def query_shape(sparql: str) -> QueryShape:
    """Boolean-valued variables and the outer LIMIT, from rdflib's algebra of the query.

    A query rdflib cannot parse (a server extension) gets the empty shape: no columns
    rewritten, no LIMIT assumed, so truncation checks stay on the strict side.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(sparql).algebra
    except Exception:  # noqa: BLE001 - any parse failure means "unknown shape"
        return QueryShape()
    kind = {
        "SelectQuery": "SELECT",
        "AskQuery": "ASK",
        "ConstructQuery": "CONSTRUCT",
        "DescribeQuery": "DESCRIBE",
    }.get(str(algebra.name))
    extends: list[tuple[str, Any]] = []
    aggregates: list[tuple[str, str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "Extend":
                extends.append((str(node["var"]), node["expr"]))
            elif node.name in _PASS_THROUGH_AGGREGATES:
                aggregates.append((str(node["res"]), node.name, node["vars"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(algebra)
    boolean: set[str] = set()
    changed = True
    while changed:  # propagate through ?x AS ?y and SAMPLE/MIN/MAX until stable
        changed = False
        for var, expr in extends:
            if var in boolean:
                continue
            is_bool = (
                (isinstance(expr, CompValue) and expr.name in _BOOLEAN_EXPRESSIONS)
                or (isinstance(expr, Literal) and expr.datatype == XSD.boolean)
                or (not isinstance(expr, (CompValue, Literal)) and str(expr) in boolean)
            )
            if is_bool:
                boolean.add(var)
                changed = True
        for res, _name, var in aggregates:
            if res not in boolean and str(var) in boolean:
                boolean.add(res)
                changed = True
    limit = None
    top = algebra.get("p") if isinstance(algebra, CompValue) else None
    if isinstance(top, CompValue) and top.name == "Slice" and top.get("length") is not None:
        limit = int(top["length"])
    below = top.get("p") if isinstance(top, CompValue) and top.name == "Slice" else top
    distinct = isinstance(below, CompValue) and below.name in ("Distinct", "Reduced")
    return QueryShape(frozenset(boolean), limit, kind, distinct)
