"""Validating a whole embedded store with the shapes run as SPARQL on Oxigraph itself.

pySHACL over an rdflib copy of the store does not finish a 100k-event store in five
minutes (PITFALLS.md); this module gives the same report in seconds. It translates each
shape of :func:`kg.validation.shapes_graph` into SPARQL queries — one generic translation
per constraint component the shapes use (``sh:minCount``, ``sh:maxCount``,
``sh:datatype``, ``sh:class``, ``sh:nodeKind``, ``sh:in``, ``sh:pattern``,
``sh:minInclusive`` … ``sh:maxExclusive``, ``sh:lessThan(OrEquals)``, ``sh:or``,
``sh:not``, ``sh:sparql`` and SHACL-AF ``sh:SPARQLTarget``), never one hand-written query
per shape — and runs them on a checkpoint of the store:

* The data pySHACL sees is the store's asserted graphs **plus** the bundled ontology and
  the country bounding boxes (:func:`kg.validation._context_graph`). The checkpoint
  (RocksDB hard links, milliseconds) receives those extra triples in a graph of its own,
  so the store itself is never written and a concurrent writer is not seen half-way.
* Where SPARQL and pySHACL could disagree on a literal (an ill-typed date, a year 0, a
  time zone, a string compared with a date), the query only *selects candidates*: every
  value SPARQL cannot prove fine comes back to Python and is judged by pySHACL's own
  rules (``_assert_actual_datatype``, ``compare_literal``).
* The rows become the same ``sh:ValidationReport`` graph pySHACL builds, which goes
  through the same :func:`kg.validation._build_report`, so messages, labels and fixes are
  worded identically. ``tests/test_validate_scale.py`` holds both to the same results.

A shape using anything else makes :func:`validate_store_fast` raise :class:`Unsupported`;
:func:`kg.validation.validate_store` then falls back to pySHACL. One deliberate difference:
where ``sh:lessThan(OrEquals)`` meets two values Python cannot compare (an ill-typed date
against a date), pySHACL raises ``TypeError`` and reports nothing; here that pair is a
result, as the SHACL specification says.

Example::

    from kg.embedded import open_store
    from kg.validation_store import validate_store_fast

    with open_store(".ckg") as store:
        report = validate_store_fast(store, progress=print)
        print(report.render("text"))
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from kg.errors import CkgError, StoreError
from kg.namespace import CKG
from kg.store import Store
from kg.terms import GRAPH, INFERRED_GRAPH, META_GRAPH, STAGING_PREFIX

Progress = Callable[[str], None]

#: The checkpoint's extra graph: the bundled ontology and the country bounding boxes.
SUPPORT_GRAPH = GRAPH["validation-support"]

#: Focus nodes bound per query when a SPARQL constraint is pre-bound with VALUES.
_PREBIND_CHUNK = 1000

#: Above this many focus nodes a SPARQL constraint runs once over the store instead, and
#: its rows are kept for the focus nodes only (same rows: $this is projected and joined).
#: Each pre-bound chunk still evaluates the parts without $this whole: BeforeFoundingShape
#: at 1M events (75k focus nodes, 75 chunks) ran for minutes; once, its constraint took
#: 5.1 s at 100k against 4.9 s in 8 chunks.
_PREBIND_LIMIT = 20_000

_TARGET_PREDICATES = (
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
)

#: Shape predicates that carry no constraint (descriptions, targets, severity, messages).
_NOT_CONSTRAINTS = frozenset(
    {
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SH.path,
        SH.severity,
        SH.message,
        SH.name,
        SH.description,
        SH.order,
        SH.group,
        SH.deactivated,
        *_TARGET_PREDICATES,
    }
)

_COMPONENT: dict[Node, URIRef] = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
#: Parameters read together with another one (sh:flags with sh:pattern).
_COMPANIONS = frozenset({SH.flags})

_SAFE_LEXICAL = {
    # Lexical forms SPARQL may judge by itself: Python's parser (rdflib) accepts them and
    # Oxigraph's cast checks the calendar. Anything else goes to Python.
    XSD.date: r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$",
}


class Unsupported(CkgError):
    """A shape uses SHACL this translator does not cover: validate with pySHACL instead."""


@dataclass
class Finding:
    """One validation result before it is put into words (what pySHACL's make_v_result gets)."""

    shape: Node
    component: URIRef
    focus: Any
    value: Any
    path: Node | None
    source_constraint: Node | None = None
    bound: dict[str, Any] | None = None
    messages: list[Any] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Terms and paths
# --------------------------------------------------------------------------------------


def _n3(term: Node) -> str:
    if isinstance(term, BNode):
        raise Unsupported(f"a blank node {term} where a constant IRI or literal is expected")
    return term.n3()  # type: ignore[no-any-return]


def path_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return _n3(path)
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(path_sparql(shapes, p) for p in Collection(shapes, path)) + ")"
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(shapes, p) for p in Collection(shapes, alt)) + ")"
    for kind, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = shapes.value(path, kind)
        if inner is not None:
            return "(" + fmt.format(path_sparql(shapes, inner)) + ")"
    raise Unsupported(f"a property path this translator does not know ({path})")


def _rdflib(term: Any) -> Node | None:
    from kg.embedded import to_rdflib

    return to_rdflib(term)


# --------------------------------------------------------------------------------------
# The translator
# --------------------------------------------------------------------------------------


class Translator:
    """Runs every shape of a shapes graph over one Oxigraph dataset, as pySHACL would."""

    def __init__(self, db: ox.Store, default_graph: Sequence[str] | None, shapes: Graph):
        """``default_graph`` None: the union of every named graph of ``db``."""
        self.db = db
        self.default: list[Any] | None = (
            None if default_graph is None else [ox.NamedNode(g) for g in default_graph]
        )
        self.shapes = shapes
        self.prefix_cache: dict[Node, str] = {}
        self.class_cache: dict[Node, list[str]] = {}
        self.queries = 0

    # ---- running queries

    def _query(self, sparql: str) -> Any:
        if self.default is None:
            return self.db.query(sparql, use_default_graph_as_union=True)
        return self.db.query(sparql, default_graph=self.default)

    def select(self, sparql: str) -> list[tuple[Any, ...]]:
        """Rows of a SELECT over the validation dataset (pyoxigraph terms)."""
        self.queries += 1
        try:
            answer = self._query(sparql)
        except SyntaxError as exc:
            raise StoreError(
                f"internal error: a generated validation query did not parse: {exc}\n{sparql}"
            ) from exc
        except OSError as exc:
            raise StoreError(f"reading the store failed while validating: {exc}") from exc
        names = [v.value for v in answer.variables]
        return [tuple(row[n] for n in names) for row in answer]

    def select_dicts(self, sparql: str) -> list[dict[str, Any]]:
        self.queries += 1
        answer = self._query(sparql)
        names = [v.value for v in answer.variables]
        out = []
        for row in answer:
            out.append({n: row[n] for n in names if row[n] is not None})
        return out

    # ---- shapes

    def shape_nodes(self) -> list[Node]:
        """Every shape with a target, in a stable order (named ones by IRI)."""
        found = {s for p in _TARGET_PREDICATES for s in self.shapes.subjects(p, None)}
        for s in found:
            if (s, SH.property, None) in self.shapes or (s, SH.node, None) in self.shapes:
                raise Unsupported(f"shape {s} nests shapes with sh:property/sh:node")
        return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))

    def run_shape(self, shape: Node) -> list[Finding]:
        """Every result of one shape."""
        sg = self.shapes
        if sg.value(shape, SH.deactivated) == Literal(True):
            return []
        path = sg.value(shape, SH.path)
        targets = self.target_pattern(shape)
        findings: list[Finding] = []
        messages = list(sg.objects(shape, SH.message))
        params = {p for p in sg.predicates(shape, None)}
        for p in sorted(params, key=str):
            if p in _NOT_CONSTRAINTS or p in _COMPANIONS:
                continue
            if p not in _COMPONENT:
                if str(p).startswith(str(SH)):
                    raise Unsupported(f"shape {shape} uses {p}")
                continue  # an annotation (ckgsh:fix, …)
            for param in sg.objects(shape, p):
                found = self.run_component(shape, p, param, path, targets)
                for f in found:
                    if not f.messages:
                        f.messages = messages
                findings.extend(found)
        return findings

    def prefixes(self, node: Node) -> str:
        """PREFIX lines of an sh:prefixes declaration (sh:declare, followed through owl:imports)."""
        if node not in self.prefix_cache:
            lines = []
            for decl in self.shapes.objects(node, SH.declare):
                prefix = self.shapes.value(decl, SH.prefix)
                ns = self.shapes.value(decl, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{ns}>")
            self.prefix_cache[node] = "\n".join(lines) + "\n"
        return self.prefix_cache[node]

    def classes(self, cls: Node) -> list[str]:
        """``cls`` and its subclasses in the data (rdfs:subClassOf*), as SPARQL terms."""
        if cls not in self.class_cache:
            rows = self.select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_n3(cls)} }}")
            found = {str(r[0]) for r in rows if isinstance(r[0], (ox.NamedNode, ox.BlankNode))}
            found.add(_n3(cls))
            self.class_cache[cls] = sorted(found)
        return self.class_cache[cls]

    def instance_of(self, var: str, cls: Node) -> str:
        """A pattern true when ``?var`` is a SHACL instance of ``cls``."""
        values = " ".join(self.classes(cls))
        return f"VALUES ?cls_ {{ {values} }} ?{var} <{RDF.type}> ?cls_ ."

    def target_pattern(self, shape: Node) -> str:
        """A group pattern binding ``?this`` to every focus node of ``shape`` (maybe twice)."""
        sg = self.shapes
        parts = []
        for cls in sg.objects(shape, SH.targetClass):
            parts.append("{ " + self.instance_of("this", cls) + " }")
        for node in sg.objects(shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {_n3(node)} }} }}")
        for p in sg.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {_n3(p)} ?any_ . }}")
        for p in sg.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?any_ {_n3(p)} ?this . }}")
        for target in sg.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in sg:
                raise Unsupported(f"shape {shape} has a custom target type")
            select = str(sg.value(target, SH.select))
            parts.append("{ " + _as_subquery(select) + " }")
        if not parts:
            raise Unsupported(f"shape {shape} has no target")
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"

    def target_prefixes(self, shape: Node) -> str:
        lines = []
        for target in self.shapes.objects(shape, SH.target):
            prefixes = self.shapes.value(target, SH.prefixes)
            if prefixes is not None:
                lines.append(self.prefixes(prefixes))
        return "".join(dict.fromkeys(lines))

    # ---- components

    def run_component(
        self, shape: Node, param: Node, value: Node, path: Node | None, targets: str
    ) -> list[Finding]:
        """The results of one constraint (parameter ``param`` = ``value``) of ``shape``."""
        comp = _COMPONENT[param]
        pre = self.target_prefixes(shape)
        if param == SH.sparql:
            return self.run_sparql(shape, value, targets, pre)
        # Oxigraph looks a triple up in RocksDB for every row of an index join (~20-60 µs)
        # but scans and hash-joins sub-selects at a few hundred thousand rows a second: so
        # the targets and every path are sub-selects, joined or subtracted (MINUS) whole.
        node_shape = path is None
        step = (
            "BIND (?this AS ?v)" if path is None else f"?this {path_sparql(self.shapes, path)} ?v ."
        )
        values = f"{{ SELECT DISTINCT ?this ?v WHERE {{ {step} }} }}"

        def finding(focus: Any, v: Any) -> Finding:
            value_node = _rdflib(focus) if node_shape else (None if v is None else _rdflib(v))
            return Finding(shape, comp, _rdflib(focus), value_node, path)

        if param in (SH.minCount, SH.maxCount):
            if node_shape:
                raise Unsupported(f"{param} on node shape {shape}")
            n = int(value)  # type: ignore[call-overload]
            if param == SH.minCount and n == 1:
                q = f"SELECT DISTINCT ?this WHERE {{ {targets} MINUS {{ SELECT ?this WHERE {{ {step} }} }} }}"
            elif param == SH.minCount:
                q = (
                    f"SELECT DISTINCT ?this WHERE {{ {targets} OPTIONAL {{ SELECT ?this "
                    f"(COUNT(DISTINCT ?v) AS ?c_) WHERE {{ {step} }} GROUP BY ?this }} "
                    f"FILTER (!BOUND(?c_) || ?c_ < {n}) }}"
                )
            else:
                q = (
                    f"SELECT DISTINCT ?this WHERE {{ {targets} {{ SELECT ?this WHERE {{ {step} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n}) }} }}"
                )
            return [finding(r[0], None) for r in self.select(pre + q)]

        if param in (SH.lessThan, SH.lessThanOrEquals):
            if node_shape:
                raise Unsupported(f"{param} on node shape {shape}")
            op = "<" if param == SH.lessThan else "<="
            trusted = (
                f"(datatype(?v) = {XSD.date.n3()} && datatype(?w) = {XSD.date.n3()} && "
                f"{_safe(XSD.date, '?v')} && {_safe(XSD.date, '?w')} && COALESCE(?v {op} ?w, false))"
            )
            q = (
                f"SELECT DISTINCT ?this ?v ?w WHERE {{ {targets} {values} "
                f"{{ SELECT DISTINCT ?this ?w WHERE {{ ?this {_n3(value)} ?w }} }} "
                f"FILTER (!{trusted}) }}"
            )
            out: dict[tuple[Node, Node], Finding] = {}
            for focus, v, w in self.select(pre + q):
                rv, rw = _rdflib(v), _rdflib(w)
                if not _pair_passes(rv, rw, strict=param == SH.lessThan):
                    out.setdefault((_rdflib(focus), rv), finding(focus, v))  # type: ignore[arg-type]
            return list(out.values())

        negated_class = self.single_class(value) if param == SH["not"] else None
        if param == SH["class"] or negated_class is not None:
            cls: Node = value if negated_class is None else negated_class
            var = "?this" if node_shape else "?v"
            typed = f"{{ SELECT DISTINCT {var} WHERE {{ VALUES ?cls_ {{ {' '.join(self.classes(cls))} }} {var} <{RDF.type}> ?cls_ }} }}"
            left = targets if node_shape else f"{targets} {values}"
            head = "SELECT DISTINCT ?this" if node_shape else "SELECT DISTINCT ?this ?v"
            if param == SH["class"]:
                q = f"{head} WHERE {{ {left} MINUS {typed} }}"
            else:
                q = f"{head} WHERE {{ {left} {typed} }}"
            return [finding(r[0], None if node_shape else r[1]) for r in self.select(pre + q)]

        check, python_check = self.value_filter(param, value)
        if node_shape:
            q = f"SELECT DISTINCT ?this ?v WHERE {{ {targets} BIND (?this AS ?v) FILTER ({check}) }}"
        else:
            q = (
                f"SELECT DISTINCT ?this ?v WHERE {{ {targets} "
                f"{{ SELECT DISTINCT ?this ?v WHERE {{ {step} FILTER ({check}) }} }} }}"
            )
        found = []
        for focus, v in self.select(pre + q):
            if python_check is not None and python_check(_rdflib(v)):
                continue
            found.append(finding(focus, v))
        return found

    def single_class(self, shape: Node) -> Node | None:
        """The class of a nested shape that says only ``sh:class C``, else None."""
        props = [
            (p, o)
            for p, o in self.shapes.predicate_objects(shape)
            if p not in (RDF.type, RDFS.label, RDFS.comment)
        ]
        if len(props) == 1 and props[0][0] == SH["class"]:
            return props[0][1]
        return None

    def value_filter(
        self, param: Node, value: Node
    ) -> tuple[str, Callable[[Node | None], bool] | None]:
        """A SPARQL condition on ``?v`` selecting candidate violations, and a Python check
        that clears the false candidates (None when SPARQL's verdict is exact)."""
        if param == SH.datatype:
            return _datatype_candidates(value), lambda v: _datatype_ok(v, value)
        if param in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            ops: dict[Node, str] = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }
            op = ops[param]
            cond = f"!(isLiteral(?v) && isNumeric(?v) && isNumeric({_n3(value)}) && COALESCE(?v {op} {_n3(value)}, false))"
            return cond, lambda v: _range_ok(v, value, param)
        cond = self.conforms(param, value, "?v")
        return f"!({cond})", None

    def conforms(self, param: Node, value: Node, var: str) -> str:
        """A SPARQL expression true when ``var`` satisfies one value-level constraint."""
        sg = self.shapes
        if param == SH["class"]:
            values = " ".join(self.classes(value))
            return f"EXISTS {{ VALUES ?cls_ {{ {values} }} {var} <{RDF.type}> ?cls_ }}"
        if param == SH.nodeKind:
            kinds = {
                SH.IRI: f"isIRI({var})",
                SH.Literal: f"isLiteral({var})",
                SH.BlankNode: f"isBlank({var})",
                SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            if value not in kinds:
                raise Unsupported(f"sh:nodeKind {value}")
            return kinds[value]  # type: ignore[index]
        if param == SH["in"]:
            members = list(Collection(sg, value))
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({var}, {_n3(m)})" for m in members) + ")"
        if param == SH.pattern:
            flags = sg.value(_owner(sg, SH.pattern, value), SH.flags)
            args = f", {Literal(str(flags)).n3()}" if flags else ""
            # pySHACL matches str() of IRIs and literals; a blank node never matches.
            return f"(!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}{args}))"
        if param in (SH["or"], SH["not"]):
            members = list(Collection(sg, value)) if param == SH["or"] else [value]
            exprs = []
            for member in members:
                conds = []
                for p, o in sg.predicate_objects(member):
                    if p in (RDF.type, RDFS.label, RDFS.comment):
                        continue
                    if p not in (
                        SH["class"],
                        SH.nodeKind,
                        SH["in"],
                        SH.pattern,
                        SH["or"],
                        SH["not"],
                    ):
                        raise Unsupported(f"{p} inside sh:or/sh:not")
                    conds.append(self.conforms(p, o, var))
                exprs.append("(" + (" && ".join(conds) or "true") + ")")
            if param == SH["or"]:
                return "(" + " || ".join(exprs) + ")"
            return f"!{exprs[0]}"
        raise Unsupported(f"constraint {param}")

    def run_sparql(self, shape: Node, constraint: Node, targets: str, pre: str) -> list[Finding]:
        """An sh:sparql constraint, with ``$this`` pre-bound to the focus nodes."""
        sg = self.shapes
        if (constraint, SH.ask, None) in sg:
            raise Unsupported("sh:ask constraints")
        if sg.value(constraint, SH.deactivated) == Literal(True):
            return []
        if sg.value(shape, SH.path) is not None:
            raise Unsupported("sh:sparql on a property shape")
        select = str(sg.value(constraint, SH.select))
        prefixes = sg.value(constraint, SH.prefixes)
        head = self.prefixes(prefixes) if prefixes is not None else ""
        text = join_order(_dollar(select))
        focus_rows = self.select(pre + f"SELECT ?this WHERE {{ {targets} }}")
        focus = {r[0] for r in focus_rows}
        rows: list[dict[str, Any]] = []
        if not focus:
            return []
        if len(focus) <= _PREBIND_LIMIT:
            ordered = sorted(focus, key=str)
            for i in range(0, len(ordered), _PREBIND_CHUNK):
                chunk = " ".join(str(n) for n in ordered[i : i + _PREBIND_CHUNK])
                rows += self.select_dicts(head + _prebind(text, f"VALUES ?this {{ {chunk} }}"))
        else:
            rows = [r for r in self.select_dicts(head + text) if r.get("this") in focus]
        extra = list(sg.objects(constraint, SH.message))
        shape_messages = list(sg.objects(shape, SH.message))
        out: list[Finding] = []
        # A set: a list here made the check quadratic (40 s for 7,503 rows at 100k events).
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            var = {k: _rdflib(v) for k, v in row.items()}
            if var.pop("failure", None) is not None:
                raise Unsupported("sh:sparql results with ?failure")
            p = var.pop("path", None)
            v = var.pop("value", None)
            t = var.pop("this", None)
            if p is None and v is None and t is None:
                continue
            key = (t, p, v, tuple(sorted(var.items(), key=lambda kv: kv[0])))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Finding(
                    shape,
                    SH.SPARQLConstraintComponent,
                    t,  # type: ignore[arg-type]
                    v if v is not None else t,
                    p,
                    source_constraint=constraint,
                    bound={
                        **var,
                        **{
                            k: x
                            for k, x in (("this", t), ("path", p), ("value", v))
                            if x is not None
                        },
                    },
                    messages=[*shape_messages, *[m for m in extra if m not in shape_messages]],
                )
            )
        return out


def _owner(graph: Graph, p: Node, o: Node) -> Node:
    return next(iter(graph.subjects(p, o)))


def _as_subquery(select: str) -> str:
    # A target's SELECT may carry no PREFIX lines of its own (they come from sh:prefixes);
    # as a sub-select it needs none.
    return join_order(_dollar(select).strip())


def _dollar(text: str) -> str:
    # $this and ?this are the same variable in SPARQL; ?this reads the same everywhere.
    return re.sub(r"\$(\w+)", r"?\1", text)


def _prebind(select: str, values: str) -> str:
    """``select`` with ``values`` (binding ?this) at the top of every WHERE group using ?this.

    This is SHACL's pre-binding of $this: the spec requires every sub-select that mentions
    $this to project it, so restricting the sub-select too changes no answer, and Oxigraph
    then starts each sub-select from the focus nodes instead of the whole store.
    """
    spots = []
    for m in re.finditer(r"\bWHERE\s*\{", select, flags=re.IGNORECASE):
        end = _closing_brace(select, m.end() - 1)
        if re.search(r"[?$]this\b", select[m.end() : end]):
            spots.append(m.end())
    if not spots:
        raise Unsupported("an sh:select whose WHERE group does not use $this")
    for pos in reversed(spots):
        select = select[:pos] + " " + values + " " + select[pos:]
    return select


def _closing_brace(text: str, start: int) -> int:
    """The index of the brace closing the one at ``start`` (strings and comments skipped)."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            i = len(text) if nl < 0 else nl
        elif c in "\"'":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            i = j
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise Unsupported("an sh:select with unbalanced braces")


# --------------------------------------------------------------------------------------
# Join order for Oxigraph: a group's parts as sub-selects joined whole
# --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<blank>_:|\[)
  | (?P<number>[+-]?(?:[0-9]+\.[0-9]+|[0-9]+|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][\w\-]*(?::(?:[\w\-:%]|\.(?=[\w\-:%]))*)?|:(?:[\w\-:%]|\.(?=[\w\-:%]))*)
  | (?P<punct>[{}().;,])
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Keywords that start a group element other than triples (order matters around them).
_BARRIERS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES"}


class _NoRewrite(Exception):
    """The text uses syntax the join-order rewrite does not handle: keep it as written."""


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "blank":
            raise _NoRewrite("blank nodes in the query")
        out.append((kind, m.group(), m.start()))
    return out


def _match(tokens: list[tuple[str, str, int]], i: int) -> int:
    """Index of the token closing the bracket at ``tokens[i]``."""
    pairs = {"{": "}", "(": ")"}
    opening = tokens[i][1]
    depth = 0
    for j in range(i, len(tokens)):
        t = tokens[j][1]
        if tokens[j][0] != "punct":
            continue
        if t == opening:
            depth += 1
        elif t == pairs[opening]:
            depth -= 1
            if depth == 0:
                return j
    raise _NoRewrite("unbalanced brackets")


def join_order(select: str) -> str:
    """``select`` with each WHERE group's parts run as sub-selects and joined whole.

    Oxigraph evaluates a group of triple patterns as index nested loops, one RocksDB
    lookup per row; from a pattern with 200,000 rows (every role of every actor) that is
    seconds to minutes. The same group written as sub-selects — each connected set of
    triple patterns, each ``{…} UNION {…}`` — is scanned once per part and hash-joined:
    37.6 s against 1.2 s for ``ckgsh:BeforeFoundingShape``'s target on 100k events.
    The answer is the same: a group is the join of its parts, a part's sub-select
    projects all its variables (``SELECT *``) and keeps duplicates, FILTERs still apply
    to the whole group, and OPTIONAL, MINUS, BIND and VALUES stay where they were (what
    precedes them is unchanged as a join). Text with blank nodes, or syntax this reader
    does not know, is returned as written.
    """
    try:
        return _rewrite_selects(select)
    except _NoRewrite:
        return select


def _rewrite_selects(text: str) -> str:
    tokens = _tokens(text)
    # Every "WHERE {" at any depth; rewrite the innermost first (from the end).
    spots = [
        i + 1
        for i, (kind, value, _pos) in enumerate(tokens[:-1])
        if kind == "word" and value.upper() == "WHERE" and tokens[i + 1][1] == "{"
    ]
    if not spots:
        raise _NoRewrite("no WHERE group")
    # Rewriting the outermost group rewrites the sub-selects inside it (recursively).
    outer = spots[0]
    end = _match(tokens, outer)
    start_pos, end_pos = tokens[outer][2], tokens[end][2]
    body = text[start_pos + 1 : end_pos]
    rewritten = _rewrite_group(body)
    if rewritten == body:
        return text
    return text[: start_pos + 1] + " " + rewritten + " " + text[end_pos:]


def _rewrite_group(body: str) -> str:
    tokens = _tokens(body)
    # Elements: ("join", text, vars) for joinable parts, ("keep", text, None) otherwise.
    elements: list[tuple[str, str, set[str] | None]] = []
    statements: list[tuple[str, set[str], bool]] = []

    def flush() -> None:
        # A part made only of paths that may have length zero (p*, p?) is left in place:
        # alone it would bind every node of the graph to itself.
        if statements:
            for text, variables, anchored in _components(statements):
                elements.append(("join" if anchored else "keep", text, variables))
            statements.clear()

    def span(a: int, b: int) -> str:
        return body[tokens[a][2] : tokens[b][2] + len(tokens[b][1])]

    nested_change = False
    i = 0
    while i < len(tokens):
        kind, value, _pos = tokens[i]
        upper = value.upper() if kind == "word" else value
        if value == "{":
            flush()
            j = _match(tokens, i)
            originals = [body[tokens[i][2] + 1 : tokens[j][2]]]
            while j + 2 < len(tokens) and tokens[j + 1][1].upper() == "UNION":
                k = _match(tokens, j + 2)
                originals.append(body[tokens[j + 2][2] + 1 : tokens[k][2]])
                j = k
            parts = [_rewrite_branch(p) for p in originals]
            sub = len(parts) == 1 and re.match(r"\s*SELECT\b", parts[0], re.IGNORECASE)
            text = " UNION ".join("{" + p + "}" for p in parts)
            nested_change = nested_change or parts != originals
            elements.append(("keep" if sub else "join", text, None))
            i = j + 1
        elif kind == "word" and upper == "FILTER":
            flush()
            j = i + 1
            while j < len(tokens) and tokens[j][1] not in ("(", "{"):
                j += 1  # FILTER NOT EXISTS {…}, FILTER regex(…)
            if j >= len(tokens):
                raise _NoRewrite("a FILTER without its expression")
            j = _match(tokens, j)
            elements.append(("keep", span(i, j), None))
            i = j + 1
        elif kind == "word" and upper in _BARRIERS:
            flush()
            j = i + 1
            while j < len(tokens) and tokens[j][1] not in ("(", "{"):
                j += 1
            if j >= len(tokens):
                raise _NoRewrite(f"{upper} without its group")
            j = _match(tokens, j)
            if upper == "VALUES" and tokens[j][1] == ")":  # VALUES (?a ?b) { … }
                j = _match(tokens, j + 1)
            elements.append(("keep", span(i, j), None))
            i = j + 1
        elif value == ".":
            i += 1
        elif kind == "punct" and value in "})":
            raise _NoRewrite("unbalanced brackets")
        else:
            # One triples statement: up to a '.' (or the next element) outside brackets.
            j = i
            while j < len(tokens):
                v = tokens[j][1]
                if v in ("(", "{") and tokens[j][0] == "punct":
                    if v == "{":
                        break
                    j = _match(tokens, j) + 1
                    continue
                if v == "." or (tokens[j][0] == "word" and v.upper() in (_BARRIERS | {"FILTER"})):
                    break
                j += 1
            variables = {v[1:] for k, v, _p in tokens[i:j] if k == "var"}
            anchored = not any(k == "other" and v in "*?" for k, v, _p in tokens[i:j])
            statements.append((span(i, j - 1), variables, anchored))
            i = j
    flush()
    joinable = sum(1 for kind, _t, _v in elements if kind == "join")
    if joinable < 2:
        return "\n".join(text for _kind, text, _v in elements) if nested_change else body
    out = []
    for kind, text, variables in elements:
        if kind == "join":
            out.append(f"{{ SELECT * WHERE {{ {text} }} }}")
        else:
            out.append(text)
    return "\n".join(out)


def _rewrite_branch(body: str) -> str:
    """A braced group's body: a sub-select is rewritten inside, a group in place."""
    if re.match(r"\s*SELECT\b", body, re.IGNORECASE):
        return _rewrite_selects(body)
    return _rewrite_group(body)


def _components(
    statements: list[tuple[str, set[str], bool]],
) -> list[tuple[str, set[str], bool]]:
    """Triples statements grouped by shared variables, in order of first appearance; a
    group is anchored when one of its statements has no path of possible length zero."""
    groups: list[tuple[list[str], set[str], list[bool]]] = []
    for text, variables, anchored in statements:
        joined = [g for g in groups if g[1] & variables]
        if not joined:
            groups.append(([text], set(variables), [anchored]))
            continue
        first = joined[0]
        first[0].append(text)
        first[1].update(variables)
        first[2].append(anchored)
        for other in joined[1:]:
            first[0].extend(other[0])
            first[1].update(other[1])
            first[2].extend(other[2])
            groups.remove(other)
    return [(" . ".join(texts) + " .", variables, any(a)) for texts, variables, a in groups]


def _safe(datatype: Node, var: str) -> str:
    pattern = _SAFE_LEXICAL.get(datatype)  # type: ignore[call-overload]
    if pattern is None:
        return "false"
    cast = f"{_n3(datatype)}(STR({var}))"
    return f"(REGEX(STR({var}), {Literal(pattern).n3()}) && COALESCE({cast} = {var}, false))"


def _datatype_candidates(datatype: Node) -> str:
    if datatype == XSD.string:
        return f"!(isLiteral(?v) && datatype(?v) = {XSD.string.n3()})"
    if datatype in _SAFE_LEXICAL:
        return f"!(isLiteral(?v) && datatype(?v) = {_n3(datatype)} && {_safe(datatype, '?v')})"
    return "true"


def _datatype_ok(v: Node | None, datatype: Node) -> bool:
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


def _range_ok(v: Node | None, bound: Node, param: Node) -> bool:
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


def _pair_passes(v: Node | None, w: Node | None, *, strict: bool) -> bool:
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


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def _format_message(message: str, bound: dict[str, Node]) -> str:
    # pySHACL's _format_sparql_based_result_message, same order and same re.sub.
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


def report_graph(findings: Sequence[Finding], shapes: Graph) -> Graph:
    """The sh:ValidationReport pySHACL would write for ``findings``."""
    g = Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not findings)))
    copied: set[Node] = set()
    severity: dict[Node, Node] = {}
    for f in findings:
        if f.shape not in severity:
            severity[f.shape] = shapes.value(f.shape, SH.severity) or SH.Violation
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.sourceConstraintComponent, f.component))
        g.add((r, SH.sourceShape, f.shape))
        g.add((r, SH.resultSeverity, severity[f.shape]))
        g.add((r, SH.focusNode, f.focus))
        if f.value is not None:
            g.add((r, SH.value, f.value))
        if f.path is not None:
            g.add((r, SH.resultPath, f.path))
            if isinstance(f.path, BNode) and f.path not in copied:
                _copy_structure(shapes, f.path, g)
                copied.add(f.path)
        if f.source_constraint is not None:
            g.add((r, SH.sourceConstraint, f.source_constraint))
        for m in f.messages:
            if f.bound is not None and isinstance(m, Literal):
                m = Literal(_format_message(str(m.value), f.bound))
            g.add((r, SH.resultMessage, m))
    return g


def _copy_structure(src: Graph, node: Node, dst: Graph) -> None:
    todo = [node]
    seen = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in src.predicate_objects(n):
            dst.add((n, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def label_graph(db: ox.Store, graphs: Sequence[str], nodes: set[Node], ontology: Graph) -> Graph:
    """The labels of ``nodes`` in the order pySHACL's data graph holds them (for _label).

    The reference data graph is the ontology, then each graph in ``graphs`` order with its
    quads in store order; a node with two English labels must be named by the same one.
    """
    out = Graph()
    from kg.embedded import to_ox

    props = (RDFS.label, SKOS.prefLabel)
    wanted = [n for n in nodes if isinstance(n, (URIRef, BNode))]
    for n in wanted:
        for p in props:
            for o in ontology.objects(n, p):
                out.add((n, p, o))
    ox_props = [ox.NamedNode(str(prop)) for prop in props]
    rank = {name: i for i, name in enumerate(graphs)}
    for n in wanted:
        subject = to_ox(n)
        for ox_prop in ox_props:
            found = [
                (rank[q.graph_name.value], i, q.object)
                for i, q in enumerate(db.quads_for_pattern(subject, ox_prop, None, None))
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in rank
            ]
            # Graph by graph, each in store order: one lookup per node instead of one per graph.
            for _rank, _i, obj in sorted(found, key=lambda t: (t[0], t[1])):
                out.add((n, _rdflib(ox_prop), _rdflib(obj)))  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------------------
# Checkpoint and cache
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def checkpoint(db: ox.Store, location: str) -> Iterator[ox.Store]:
    """A writable copy of ``db`` (hard links where the file system allows), removed after.

    An in-memory store (a ``--as-of`` snapshot) cannot be backed up: its quads are copied
    into a new in-memory store instead.
    """
    if not Path(location).is_dir():
        memory = ox.Store()
        memory.extend(db.quads_for_pattern(None, None, None, None))
        yield memory
        return
    parent = Path(location).resolve().parent
    try:
        folder = Path(tempfile.mkdtemp(prefix=".ckg-validate-", dir=parent))
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="ckg-validate-"))
    target = folder / "db"
    try:
        try:
            db.backup(str(target))
            copy = ox.Store(str(target))
        except OSError as exc:
            raise StoreError(
                f"cannot make a checkpoint of {location} in {folder} to validate it: {exc}; "
                "free some disk space and run again"
            ) from exc
        try:
            yield copy
        finally:
            del copy
            # The same release as a closed store's: a frame kept by a library cache must
            # not keep the copy (its memory and open files) after its folder is removed.
            from kg.embedded import release_leftovers

            release_leftovers()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def support_triples(copy: ox.Store, graphs: Sequence[str]) -> Graph:
    """The triples pySHACL's data graph adds to the store: ontology and country bounds."""
    from kg.validation import add_country_bounds, ontology_graph

    support = Graph()
    support += ontology_graph()
    countries = Graph()
    countries += ontology_graph()
    # Index lookups from the few countries (a query joined the other way scanned every
    # rdf:type triple of the store).
    keep = {ox.NamedNode(g) for g in graphs}
    props = [ox.NamedNode(str(p)) for p in (RDF.type, CKG.geonamesId, CKG.countryCode)]
    typed = copy.quads_for_pattern(None, props[0], ox.NamedNode(str(CKG.Country)), None)
    for country in {q.subject for q in typed if q.graph_name in keep}:
        for prop in props:
            for q in copy.quads_for_pattern(country, prop, None, None):
                if q.graph_name in keep:
                    countries.add((_rdflib(country), _rdflib(prop), _rdflib(q.object)))  # type: ignore[arg-type]
    before = set(countries)
    add_country_bounds(countries)
    for t in set(countries) - before:
        support.add(t)
    return support


# --------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------


def validate_store_fast(
    store: Store,
    *,
    progress: Progress | None = None,
    replaced: Mapping[str, str] | None = None,
) -> Any:
    """Validate every asserted graph of an embedded store with the shapes as SPARQL.

    ``replaced`` maps graphs to the graph holding their next version (a bulk load's
    temporary graph, :meth:`kg.embedded.EmbeddedStore.bulk_replace`): the store is
    validated as it will be, and results name the graphs by their own names.

    Same report as :func:`kg.validation.validate_store` with pySHACL (same focus nodes,
    paths, constraint components, severities and messages). Raises :class:`Unsupported`
    when a shape needs SHACL the translator does not cover, and :class:`StoreError` when
    the store is not an embedded Oxigraph store.
    """
    from kg.validation import (
        Report,
        _build_report,
        _quiet_rdflib,
        _set_conforms,
        ontology_graph,
        shapes_graph,
    )

    db = getattr(store, "db", None)
    if not isinstance(db, ox.Store):
        raise Unsupported("the fast path needs an embedded Oxigraph store")
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    clock = [t0]

    def lap(step: str) -> None:
        now = time.perf_counter()
        timings[step] = timings.get(step, 0.0) + now - clock[0]
        clock[0] = now

    shapes = shapes_graph()
    all_infos = store.graphs()
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    # Staging graphs (ckg extract) hold unreviewed candidates: they are checked on accept.
    infos = [
        info
        for info in all_infos
        if str(info.iri) not in skip and not str(info.iri).startswith(STAGING_PREFIX)
    ]
    swap = {k: v for k, v in (replaced or {}).items() if k != v}
    names = [str(info.iri) for info in infos if str(info.iri) not in swap]
    sizes = {str(info.iri): info.triples for info in all_infos}
    for where in swap.values():
        sizes[where] = _count_graph(db, where)
    names = sorted({*names, *swap.values()})
    triples = sum(sizes.get(n, 0) for n in names)
    findings: list[Finding] = []
    lap("setup")
    with checkpoint(db, store.location) as copy:
        support = support_triples(copy, names)
        g = ox.NamedNode(str(SUPPORT_GRAPH))
        copy.extend([ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), g) for s, p, o in support])
        tr = Translator(copy, _default_graph(copy, sizes, names), shapes)
        shape_nodes = tr.shape_nodes()
        lap("checkpoint")
        say(f"validate: {len(shape_nodes)} shapes over {triples:,} triples in {len(names)} graphs")
        last = time.perf_counter()
        for i, shape in enumerate(shape_nodes, start=1):
            t1 = time.perf_counter()
            with _quiet_rdflib():  # ill-typed literals are results, not log noise
                found = tr.run_shape(shape)
            findings.extend(found)
            now = time.perf_counter()
            # A line a second at most, and one for any shape that took a second itself.
            if now - t1 >= 1.0 or now - last >= 1.0 or i == len(shape_nodes):
                say(
                    f"validate: {i}/{len(shape_nodes)} shapes, {len(findings):,} results so "
                    f"far ({now - t0:.1f} s; {_short_shape(shape)} {now - t1:.1f} s)"
                )
                last = now
        lap("shapes")
        nodes = {f.focus for f in findings} | {f.value for f in findings if f.value is not None}
        with _quiet_rdflib():
            labels = label_graph(copy, names, nodes, ontology_graph())
        lap("labels")
    say(f"validate: wording {len(findings):,} results")
    graph = report_graph(findings, shapes)
    with _quiet_rdflib():
        results, graph = _build_report(
            graph, labels, checked="the store", triples=triples, seconds=0.0
        )
    lap("report")
    attach_sources(results, store, rename={v: k for k, v in swap.items()}, hidden=set(swap))
    lap("sources")
    report = Report(
        results,
        graph,
        f"the store at {store.location}",
        triples,
        time.perf_counter() - t0,
        timings=timings,
    )
    _set_conforms(report)
    return report


def attach_sources(
    results: Sequence[Any],
    store: Any,
    *,
    rename: Mapping[str, str] | None = None,
    hidden: set[str] | None = None,
) -> None:
    """:func:`kg.validation._attach_sources` for a whole store, by index lookups.

    The same graphs in the same order (sorted by IRI: the original's GRAPH ?g walks the
    store's sorted list of named graphs) and the same passage query, asked only for the nodes some claim
    is about: the original's two queries per 400 results took 170 s at 27k results.
    """
    from kg.derive import DERIVED_GRAPH
    from kg.embedded import BULK_PENDING_PREFIX as pending
    from kg.embedded import to_ox
    from kg.validation import _chunks, _short, passages_query

    db = store.db
    skip = {str(META_GRAPH), str(INFERRED_GRAPH), str(DERIVED_GRAPH), *(hidden or ())}
    rename = rename or {}
    focus = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    found: dict[Node, set[str]] = {n: set() for n in focus}
    # The distinct graphs of each focus node, a few thousand nodes per query: Oxigraph
    # walks each node's quads itself (one quads_for_pattern per node, every quad turned
    # into a Python object, took 1.9 s for 5,475 nodes; this, a tenth of that).
    for i in range(0, len(focus), 5000):
        chunk = " ".join(str(to_ox(n)) for n in focus[i : i + 5000])
        answer = db.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {chunk} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        for row in answer:
            g = row[1].value
            if g in skip or (g not in rename and g.startswith(pending)):
                continue
            found[_rdflib(row[0])].add(rename.get(g, g))  # type: ignore[index]
    # In the order of the store's sorted graph names, as the original's GRAPH ?g walks.
    graphs = {
        n: list(dict.fromkeys(_short(URIRef(g)) for g in sorted(names)))
        for n, names in found.items()
    }
    about = ox.NamedNode(str(CKG.about))
    claimed = {_rdflib(q.object) for q in db.quads_for_pattern(None, about, None, None)}
    asked = [n for n in focus if n in claimed]
    passages: dict[Node, tuple[str, str | None]] = {}
    for chunk in _chunks(asked):
        passage_query = passages_query(chunk)
        for n, text, title, doc in store.query(passage_query, include_inferred=False).rows:
            passages.setdefault(
                n, (str(text), str(title) if title else (str(doc) if doc else None))
            )
    for r in results:
        r.graphs = list(graphs.get(r.focus, []))
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]


def _count_graph(db: ox.Store, graph: str) -> int:
    answer = db.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        named_graphs=[ox.NamedNode(graph)],
    )
    return next((int(row[0].value) for row in answer), 0)


def _default_graph(copy: ox.Store, sizes: dict[str, int], names: Sequence[str]) -> list[str] | None:
    """Make one graph of the checkpoint hold exactly the data pySHACL sees; return it.

    Oxigraph answers over one graph (or the union of all) 5-10x faster than over a list
    of graphs, and removing a graph's triples from RocksDB costs more than adding them.
    So the smaller data graphs and the support graph are copied into the largest data
    graph of the checkpoint (the store is not touched), and queries read that graph alone.
    With no data graph at all, the support graph alone is the data.
    """
    if not names:
        return [str(SUPPORT_GRAPH)]
    big = max(names, key=lambda g: (sizes.get(g, 0), g))
    for g in [*names, str(SUPPORT_GRAPH)]:
        if g != big:
            copy.update(f"ADD SILENT <{g}> TO <{big}>")
    return [big]


def _to_ox(term: Node) -> Any:
    from kg.embedded import to_ox

    return to_ox(term)


def _short_shape(shape: Node) -> str:
    from kg.validation import _short

    return _short(shape)
