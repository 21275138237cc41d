"""The translator: each constraint component of the shapes as SPARQL, run on Oxigraph.

One generic translation per constraint component the shapes use (``sh:minCount``,
``sh:maxCount``, ``sh:datatype``, ``sh:class``, ``sh:nodeKind``, ``sh:in``,
``sh:pattern``, ``sh:minInclusive`` … ``sh:maxExclusive``, ``sh:lessThan(OrEquals)``,
``sh:or``, ``sh:not``, ``sh:sparql`` and SHACL-AF ``sh:SPARQLTarget``), never one
hand-written query per shape. A shape using anything else raises :class:`Unsupported`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.errors import StoreError
from kg.rdfio import to_rdflib
from kg.validation.shapes import PATH_FORMS
from kg.validation.sparql.findings import Finding, Unsupported
from kg.validation.sparql.rewrite import as_subquery, dollar, join_order, prebind
from kg.validation.sparql.terms import rdflib_term, solutions, sparql_term
from kg.validation.sparql.verdicts import (
    datatype_candidates,
    datatype_ok,
    pair_passes,
    range_ok,
    safe_lexical,
)

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


def path_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return sparql_term(path)
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(path_sparql(shapes, p) for p in Collection(shapes, path)) + ")"
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(shapes, p) for p in Collection(shapes, alt)) + ")"
    for kind, fmt in PATH_FORMS:
        inner = shapes.value(path, kind)
        if inner is not None:
            return "(" + fmt.format(path_sparql(shapes, inner)) + ")"
    raise Unsupported(f"a property path this translator does not know ({path})")


class Translator:
    """Runs every shape of a shapes graph over one Oxigraph dataset, as pySHACL would."""

    def __init__(self, db: ox.Store, default_graph: Sequence[str] | None, shapes: Graph):
        """``default_graph`` None: the union of every named graph of ``db``."""
        self.db = db
        self.default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | None = (
            None if default_graph is None else [ox.NamedNode(g) for g in default_graph]
        )
        self.shapes = shapes
        self.prefix_cache: dict[Node, str] = {}
        self.class_cache: dict[Node, list[str]] = {}
        self.queries = 0

    # ---- running queries

    def _query(self, sparql: str) -> ox.QuerySolutions:
        if self.default is None:
            return solutions(self.db.query(sparql, use_default_graph_as_union=True))
        return solutions(self.db.query(sparql, default_graph=self.default))

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
        """Rows of a SELECT as dictionaries of the bound variables (pyoxigraph terms)."""
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
            rows = self.select(
                f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {sparql_term(cls)} }}"
            )
            found = {str(r[0]) for r in rows if isinstance(r[0], (ox.NamedNode, ox.BlankNode))}
            found.add(sparql_term(cls))
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
            parts.append(f"{{ VALUES ?this {{ {sparql_term(node)} }} }}")
        for p in sg.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {sparql_term(p)} ?any_ . }}")
        for p in sg.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?any_ {sparql_term(p)} ?this . }}")
        for target in sg.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in sg:
                raise Unsupported(f"shape {shape} has a custom target type")
            select = str(sg.value(target, SH.select))
            parts.append("{ " + as_subquery(select) + " }")
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
            value_node = (
                rdflib_term(focus) if node_shape else (None if v is None else rdflib_term(v))
            )
            return Finding(shape, comp, rdflib_term(focus), value_node, path)

        if param in (SH.minCount, SH.maxCount):
            if node_shape:
                raise Unsupported(f"{param} on node shape {shape}")
            n = int(str(value))
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
                f"{safe_lexical(XSD.date, '?v')} && {safe_lexical(XSD.date, '?w')} && COALESCE(?v {op} ?w, false))"
            )
            q = (
                f"SELECT DISTINCT ?this ?v ?w WHERE {{ {targets} {values} "
                f"{{ SELECT DISTINCT ?this ?w WHERE {{ ?this {sparql_term(value)} ?w }} }} "
                f"FILTER (!{trusted}) }}"
            )
            out: dict[tuple[Node, Node | None], Finding] = {}
            for focus, v, w in self.select(pre + q):
                rv, rw = to_rdflib(v), to_rdflib(w)
                if not pair_passes(rv, rw, strict=param == SH.lessThan):
                    out.setdefault((rdflib_term(focus), rv), finding(focus, v))
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
            if python_check is not None and python_check(to_rdflib(v)):
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
            return datatype_candidates(value), lambda v: datatype_ok(v, value)
        if param in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            ops: dict[Node, str] = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }
            op = ops[param]
            cond = f"!(isLiteral(?v) && isNumeric(?v) && isNumeric({sparql_term(value)}) && COALESCE(?v {op} {sparql_term(value)}, false))"
            return cond, lambda v: range_ok(v, value, param)
        cond = self.conforms(param, value, "?v")
        return f"!({cond})", None

    def conforms(self, param: Node, value: Node, var: str) -> str:
        """A SPARQL expression true when ``var`` satisfies one value-level constraint."""
        sg = self.shapes
        if param == SH["class"]:
            values = " ".join(self.classes(value))
            return f"EXISTS {{ VALUES ?cls_ {{ {values} }} {var} <{RDF.type}> ?cls_ }}"
        if param == SH.nodeKind:
            kinds: dict[Node, str] = {
                SH.IRI: f"isIRI({var})",
                SH.Literal: f"isLiteral({var})",
                SH.BlankNode: f"isBlank({var})",
                SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            if value not in kinds:
                raise Unsupported(f"sh:nodeKind {value}")
            return kinds[value]
        if param == SH["in"]:
            members = list(Collection(sg, value))
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({var}, {sparql_term(m)})" for m in members) + ")"
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
        text = join_order(dollar(select))
        focus_rows = self.select(pre + f"SELECT ?this WHERE {{ {targets} }}")
        focus = {r[0] for r in focus_rows}
        rows: list[dict[str, Any]] = []
        if not focus:
            return []
        if len(focus) <= _PREBIND_LIMIT:
            ordered = sorted(focus, key=str)
            for i in range(0, len(ordered), _PREBIND_CHUNK):
                chunk = " ".join(str(n) for n in ordered[i : i + _PREBIND_CHUNK])
                rows += self.select_dicts(head + prebind(text, f"VALUES ?this {{ {chunk} }}"))
        else:
            rows = [r for r in self.select_dicts(head + text) if r.get("this") in focus]
        extra = list(sg.objects(constraint, SH.message))
        shape_messages = list(sg.objects(shape, SH.message))
        out: list[Finding] = []
        # A set: a list here made the check quadratic (40 s for 7,503 rows at 100k events).
        seen: set[tuple[Any, ...]] = set()
        for row in rows:
            var = {k: rdflib_term(v) for k, v in row.items()}
            if var.pop("failure", None) is not None:
                raise Unsupported("sh:sparql results with ?failure")
            p = var.pop("path", None)
            v = var.pop("value", None)
            t = var.pop("this", None)
            if t is None:
                if p is None and v is None:
                    continue
                raise Unsupported("sh:sparql results without $this")
            key = (t, p, v, tuple(sorted(var.items(), key=lambda kv: kv[0])))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Finding(
                    shape,
                    SH.SPARQLConstraintComponent,
                    t,
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
