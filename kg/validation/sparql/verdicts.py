"""Where SPARQL and pySHACL could read a literal differently, pySHACL's rules decide.

A query only *selects candidates*: every value it cannot prove fine (a lexical form
outside ``YYYY-MM-DD``, a year 0, a time zone, a string where a date is expected) comes
back to Python and is judged here by pySHACL's own code (``_assert_actual_datatype``,
``compare_literal``) or its rule for ``sh:lessThan``.
"""

from __future__ import annotations

from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation.sparql.findings import Unsupported
from kg.validation.sparql.terms import sparql_term

#: Lexical forms SPARQL may judge by itself: Python's parser (rdflib) accepts them and
#: Oxigraph's cast checks the calendar. Anything else goes to Python.
SAFE_LEXICAL: dict[Node, str] = {
    XSD.date: r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$",
}


def safe_lexical(datatype: Node, var: str) -> str:
    """A SPARQL condition true when ``var`` is a lexical form of ``datatype`` SPARQL judges
    as Python would (``false`` for a datatype without one)."""
    pattern = SAFE_LEXICAL.get(datatype)
    if pattern is None:
        return "false"
    cast = f"{sparql_term(datatype)}(STR({var}))"
    return f"(REGEX(STR({var}), {Literal(pattern).n3()}) && COALESCE({cast} = {var}, false))"


def datatype_candidates(datatype: Node) -> str:
    """A SPARQL condition on ``?v`` selecting the values that may fail ``sh:datatype``."""
    if datatype == XSD.string:
        return f"!(isLiteral(?v) && datatype(?v) = {XSD.string.n3()})"
    if datatype in SAFE_LEXICAL:
        return f"!(isLiteral(?v) && datatype(?v) = {sparql_term(datatype)} && {safe_lexical(datatype, '?v')})"
    return "true"


def datatype_ok(v: Node | None, datatype: Node) -> bool:
    """pySHACL's DatatypeConstraintComponent verdict on one value (its own code)."""
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    if not isinstance(v, Literal):
        return False
    assert_actual = DatatypeConstraintComponent._assert_actual_datatype
    if v.datatype == datatype:
        if getattr(v, "ill_typed", None) is True:
            return False
        return bool(assert_actual(None, v, datatype))  # type: ignore[arg-type]
    if datatype == RDFS.Literal:
        return True
    if datatype == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and datatype == XSD.string:
        return bool(assert_actual(None, v, datatype))  # type: ignore[arg-type]
    if datatype == RDF.langString and v.language:
        return bool(assert_actual(None, v, datatype))  # type: ignore[arg-type]
    return False


def range_ok(v: Node | None, bound: Node, param: Node) -> bool:
    """pySHACL's min/max inclusive/exclusive verdict on one value."""
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, Literal) or not isinstance(bound, Literal):
        return False
    v_str, b_str = isinstance(v.value, str), isinstance(bound.value, str)
    if v_str != b_str:
        return False
    try:
        cmp = compare_literal(v, bound)
    except (TypeError, NotImplementedError):
        return False
    if param == SH.minInclusive:
        return cmp >= 0
    if param == SH.maxInclusive:
        return cmp <= 0
    if param == SH.minExclusive:
        return cmp > 0
    return cmp < 0


def pair_passes(v: Node | None, w: Node | None, *, strict: bool) -> bool:
    """pySHACL's sh:lessThan(OrEquals) verdict on one value and one compared value."""
    if isinstance(v, BNode) or isinstance(w, BNode) or v is None or w is None:
        raise Unsupported("sh:lessThan(OrEquals) on blank nodes")
    a: Any = v
    b: Any = w
    a_str = b_str = False
    if isinstance(v, URIRef):
        a, a_str = str(v), True
    elif isinstance(v, Literal) and isinstance(v.value, str):
        a, a_str = v.value, True
    if isinstance(w, URIRef):
        b, b_str = str(w), True
    elif isinstance(w, Literal) and isinstance(w.value, str):
        b, b_str = w.value, True
    if a_str != b_str:
        return False
    try:
        return bool(a < b) if strict else bool(a <= b)
    except TypeError:
        # pySHACL raises here (an ill-typed date against a date) and validates nothing;
        # SHACL says values that cannot be compared are a result, so they are one here.
        return False
