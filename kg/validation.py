"""Validating the store, and batches of new assertions in the context of the store.

Two entry points:

* :func:`validate_store` checks everything the store asserts against ``shapes.ttl``.
* :func:`validate_batch` checks a parsed batch (:func:`parse_batch`) **together with the
  part of the store it touches**: the batch's nodes and what they reference (two hops,
  then the ``locatedIn`` chain up to the country and the lineage of every group), plus
  the store's nodes the batch would break (events dated before a founding date the batch
  sets, places it moves into another country, roles outliving a dissolution it sets).
  Each part comes from one SPARQL ``CONSTRUCT`` with the nodes bound in ``VALUES``, so the
  cost grows with the batch, not with the store.

:func:`commit_batch` then writes the batch's graphs in one store transaction; the CLI's
``ckg add`` runs the two in turn and commits only when the report does not fail.

The data graph handed to pyshacl holds the ontology (so ``sh:class`` and ``sh:targetClass``
follow ``rdfs:subClassOf``), the reference data and the country bounding boxes of
``ontology/data/country-bounds.json``; never pyshacl's ``ont_graph``, which copies only
class and property axioms (PITFALLS.md).

Example::

    from kg.embedded import open_store
    from kg.validation import parse_batch, validate_batch

    store = open_store(".ckg")
    batch = parse_batch(["new-report.trig"])
    report = validate_batch(store, batch)
    print(report.render("text"))
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Literal as TypingLiteral

from rdflib import RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import SH, SKOS
from rdflib.term import Node

from kg.errors import InputError, UsageError
from kg.namespace import CKG
from kg.parsing import (
    MAX_LITERAL,
    check_literal,
    kind_of,
    preflight,
    strict_syntax,
    syntax_error_text,
)
from kg.sparql import values_block
from kg.store import Store
from kg.terms import (
    CKG_NS,
    GRAPH,
    ID,
    INFERRED_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    STAGING_PREFIX,
)

#: Namespace of the shapes and of the validation-only vocabulary (prefix ``ckgsh:``).
CKGSH = Namespace("https://w3id.org/conflict-kg/shapes#")

#: The value of ``ckgsh:assertedIn`` for triples outside any named graph.
DEFAULT_GRAPH_MARK = CKGSH.DefaultGraph

Inference = TypingLiteral["none", "rdfs", "owlrl"]
INFERENCE_CHOICES: tuple[str, ...] = ("none", "rdfs", "owlrl")
SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")
FORMATS: tuple[str, ...] = ("text", "table", "json", "turtle")

_SEVERITY_RANK = {"info": 0, "warning": 1, "violation": 2}
_SEVERITY_OF = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

#: Graphs a batch may not write to: they are computed or describe the store itself.
_PROTECTED_GRAPHS = frozenset({str(META_GRAPH), str(INFERRED_GRAPH), str(ONTOLOGY_GRAPH)})

#: Relative IRIs in a file without ``@base`` resolve against this, so they can be found.
_UNRESOLVED_BASE = "http://unresolved.ckg.invalid/"

#: How many IRIs go into one ``VALUES`` block (keeps each query text modest).
_VALUES_CHUNK = 400

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

_PREFIXES = {
    "ckg": CKG_NS,
    "ckgsh": str(CKGSH),
    "ckgid": str(ID),
    "ckggraph": str(GRAPH),
    "ckgt": str(ID) + "event-type/",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "sh": str(SH),
}


# --------------------------------------------------------------------------------------
# Bundled resources
# --------------------------------------------------------------------------------------


@functools.cache
def bundled_shapes() -> Graph:
    """The hand-written SHACL shapes of ``ontology/shapes.ttl``, parsed once per process."""
    text = files("kg.ontology").joinpath("shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


@functools.cache
def shapes_graph() -> Graph:
    """Every shape validation applies: shapes.ttl plus one per disjointness axiom.

    The disjointness shapes are generated from ``conflict.ttl`` (kg.reasoning), so that an
    individual both a person and an armed group is refused without Java as well.
    """
    from kg.reasoning import disjointness_shapes

    graph = Graph()
    graph += bundled_shapes()
    graph += disjointness_shapes(ontology_graph())
    return graph


@functools.cache
def ontology_graph() -> Graph:
    """The bundled ontology (``ontology/conflict.ttl``), parsed once per process."""
    text = files("kg.ontology").joinpath("conflict.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


@dataclass(frozen=True)
class CountryBounds:
    """A country's bounding box (WGS84 degrees, margin included) from the bundled file."""

    name: str
    iso2: str
    geonames_id: str
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    @property
    def iri(self) -> URIRef:
        """The country's instance IRI under the GeoNames convention."""
        return ID[f"place/geonames/{self.geonames_id}"]

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the box."""
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


@functools.cache
def country_bounds() -> tuple[CountryBounds, ...]:
    """Bounding boxes of Mali and its region, widened by the file's margin."""
    raw = json.loads(files("kg.ontology.data").joinpath("country-bounds.json").read_text("utf-8"))
    margin = float(raw["marginDegrees"])
    return tuple(
        CountryBounds(
            name=c["name"],
            iso2=c["iso2"],
            geonames_id=c["geonamesId"],
            min_lat=round(c["minLatitude"] - margin, 4),
            max_lat=round(c["maxLatitude"] + margin, 4),
            min_lon=round(c["minLongitude"] - margin, 4),
            max_lon=round(c["maxLongitude"] + margin, 4),
        )
        for c in raw["countries"]
    )


def _ontology_terms() -> frozenset[Node]:
    return _ontology_subjects()


@functools.cache
def _ontology_subjects() -> frozenset[Node]:
    # Nodes the ontology describes (classes, properties, concepts): never pulled from the
    # store, because the bundled ontology already brings them into every data graph.
    return frozenset(s for s in ontology_graph().subjects() if isinstance(s, URIRef))


# --------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------


@dataclass
class Batch:
    """The parsed files of a batch: graphs to commit, and triples in no graph.

    ``graphs`` maps each named graph to its new triples; ``default`` holds the triples of
    the files' default graphs when no ``--graph`` was given (they cannot be committed and
    make the provenance shape fail). ``origin`` says which files fed each graph.
    """

    graphs: dict[URIRef, Graph] = field(default_factory=dict)
    default: Graph = field(default_factory=Graph)
    files: list[str] = field(default_factory=list)
    origin: dict[Node, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs.values()) + len(self.default)

    def union(self) -> Graph:
        """Every triple of the batch in one graph (built once; do not modify it)."""
        cached = self.__dict__.get("_union")
        if cached is None:
            cached = Graph()
            for g in [*self.graphs.values(), self.default]:
                cached += g
            self.__dict__["_union"] = cached
        return cached

    def triples(self) -> Iterator[tuple[Node, Node, Node]]:
        """Every triple of the batch (a triple in two graphs comes twice)."""
        for g in [*self.graphs.values(), self.default]:
            yield from g

    def nodes(self) -> set[Node]:
        """Every subject and non-literal object of the batch."""
        cached = self.__dict__.get("_nodes")
        if cached is None:
            cached = set()
            for s, _p, o in self.triples():
                cached.add(s)
                if not isinstance(o, Literal):
                    cached.add(o)
            self.__dict__["_nodes"] = cached
        return set(cached)

    def subjects(self) -> set[Node]:
        """Every subject of the batch."""
        return {s for s, _p, _o in self.triples()}

    def graphs_of(self, node: Node) -> list[str]:
        """Where the batch asserts triples about ``node``: graph IRIs and file names."""
        found = []
        for iri, g in self.graphs.items():
            if (node, None, None) in g:
                found.append(f"{_short(iri)} ({', '.join(self.origin.get(iri, []))})")
        if (node, None, None) in self.default:
            found.append(f"no named graph ({', '.join(self.origin.get(DEFAULT_GRAPH_MARK, []))})")
        return found


def parse_batch(paths: Sequence[str | Path], graph: URIRef | str | None = None) -> Batch:
    """Parse the files of a batch; ``graph`` receives the files' default-graph triples.

    Raises :class:`~kg.errors.InputError` naming the file and line of a syntax error, an
    unbound prefix, a relative IRI without ``@base``, a malformed IRI, or a protected
    graph (meta, inferred, ontology); nothing is read into the store either way.
    """
    if not paths:
        raise UsageError("give at least one file to add or validate")
    target = _graph_iri(graph) if graph is not None else None
    batch = Batch()
    for raw in paths:
        path = Path(raw)
        ds = _parse_file(path)
        batch.files.append(str(path))
        for s, p, o, ctx in ds.quads((None, None, None, None)):
            if isinstance(s, Literal) or not isinstance(p, URIRef):
                # rdflib reads generalized RDF; the store cannot hold it (it failed there).
                what = (
                    "a literal as its subject"
                    if isinstance(s, Literal)
                    else "a predicate that is not an IRI"
                )
                raise InputError(
                    f"the statement {s.n3()} {p.n3()} {o.n3()} has {what}, which RDF does "
                    "not allow: fix that statement (nothing was read)",
                    path=str(path),
                )
            gid = ctx.identifier if isinstance(ctx, Graph) else ctx
            if gid is None or gid == DATASET_DEFAULT_GRAPH_ID:
                key: Node | None = target
            else:
                key = gid
            if key is None:
                batch.default.add((s, p, o))
                key = DEFAULT_GRAPH_MARK
            else:
                if not isinstance(key, URIRef):
                    raise InputError(f"graph name {key!r} is not an IRI", path=str(path))
                if str(key) in _PROTECTED_GRAPHS:
                    raise InputError(
                        f"writes to the protected graph <{key}>: the meta, inferred and "
                        "ontology graphs are maintained by ckg itself; use a source's graph "
                        f"such as <{GRAPH}doc/…>",
                        path=str(path),
                    )
                batch.graphs.setdefault(key, Graph()).add((s, p, o))
            names = batch.origin.setdefault(key, [])
            if str(path) not in names:
                names.append(str(path))
    if len(batch) == 0:
        raise InputError(
            "the batch holds no triples: nothing to add. Check the file (is it in the format "
            "its extension says? N-Triples has no @prefix; a JSON-LD @id must be an IRI)",
            path=", ".join(batch.files) if batch.files else None,
        )
    return batch


def _graph_iri(value: URIRef | str) -> URIRef:
    text = str(value)
    try:
        values_block({"g": URIRef(text)})
    except UsageError:
        raise UsageError(f"--graph {text!r} is not an absolute IRI") from None
    if text in _PROTECTED_GRAPHS:
        raise UsageError(f"--graph <{text}> is maintained by ckg itself; choose a source's graph")
    return URIRef(text)


def _parse_file(path: Path) -> Dataset:
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
        line = data[: exc.start].count(b"\n") + 1
        raise InputError("not UTF-8 text: save the file as UTF-8", path=str(path), line=line)
    ds = Dataset()
    try:
        with _quiet_rdflib():
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


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    # rdflib logs a warning (with a traceback) for every ill-typed literal or odd IRI it
    # parses; the shapes report those properly, so the parser's noise is held back.
    loggers = [logging.getLogger(name) for name in ("rdflib.term", "rdflib")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


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


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------


@dataclass
class ValidationResult:
    """One result of a shape, in words: who, what, where it comes from, what to do."""

    severity: str
    shape: str
    shape_label: str
    focus: Node
    focus_label: str
    message: str
    path: str | None = None
    value: Node | None = None
    value_label: str | None = None
    fix: str | None = None
    graphs: list[str] = field(default_factory=list)
    passage: str | None = None
    document: str | None = None
    #: The focus node is part of the batch (False: existing data the batch touches).
    in_batch: bool = True
    #: The store already had this result before the batch: reported, never blocking.
    preexisting: bool = False

    def key(self) -> tuple[str, str, str, str | None, str | None]:
        """What identifies a result across two runs (for telling new from pre-existing)."""
        value = None if self.value is None or isinstance(self.value, BNode) else str(self.value)
        return (self.shape, str(self.focus), self.message, self.path, value)

    def as_dict(self) -> dict[str, object]:
        """The result as plain JSON-ready values."""
        return {
            "severity": self.severity,
            "shape": self.shape,
            "shapeLabel": self.shape_label,
            "focus": _node_text(self.focus),
            "focusLabel": self.focus_label,
            "path": self.path,
            "value": None if self.value is None else _node_text(self.value),
            "valueLabel": self.value_label,
            "message": self.message,
            "fix": self.fix,
            "graphs": self.graphs,
            "passage": self.passage,
            "document": self.document,
            "inBatch": self.in_batch,
            "preexisting": self.preexisting,
        }


@dataclass
class Report:
    """The outcome of a validation: results, the SHACL report graph, and what was checked.

    ``conforms`` is True when no result of severity Violation is new (pre-existing
    results of the store that a batch merely touches do not count against the batch).
    """

    results: list[ValidationResult]
    graph: Graph
    checked: str
    triples: int
    seconds: float
    context_triples: int = 0
    #: Seconds per step: ``context`` (queries to the store), ``shapes`` (pyshacl), …
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """No new Violation."""
        return not self.failed("violation")

    def blocking(self, fail_on: str = "violation") -> list[ValidationResult]:
        """The new results at or above severity ``fail_on``."""
        if fail_on not in _SEVERITY_RANK:
            raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
        floor = _SEVERITY_RANK[fail_on]
        return [
            r for r in self.results if not r.preexisting and _SEVERITY_RANK[r.severity] >= floor
        ]

    def failed(self, fail_on: str = "violation") -> bool:
        """Whether a new result reaches severity ``fail_on`` (violation, warning, info)."""
        return bool(self.blocking(fail_on))

    def counts(self) -> dict[str, int]:
        """New results per severity, plus ``preexisting``."""
        out = {s: 0 for s in SEVERITIES}
        out["preexisting"] = 0
        for r in self.results:
            if r.preexisting:
                out["preexisting"] += 1
            else:
                out[r.severity] += 1
        return out

    def render(self, fmt: str = "text") -> str:
        """The report as ``text``, ``table``, ``json`` or ``turtle``."""
        if fmt == "text":
            return render_text(self)
        if fmt == "table":
            return render_table(self)
        if fmt == "json":
            return render_json(self)
        if fmt == "turtle":
            return self.graph.serialize(format="turtle")
        raise UsageError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")


def _summary(report: Report) -> str:
    c = report.counts()
    parts = [f"{c[s]} {s}{'s' if c[s] != 1 else ''}" for s in SEVERITIES if c[s]]
    new = sum(c[s] for s in SEVERITIES)
    verdict = "conforms" if report.conforms else "DOES NOT CONFORM"
    text = f"{verdict}: {new} result{'s' if new != 1 else ''}"
    if parts:
        text += f" ({', '.join(parts)})"
    if c["preexisting"]:
        text += f"; {c['preexisting']} pre-existing in the store (not blocking)"
    return text


def render_text(report: Report) -> str:
    """A readable report: results grouped by shape, each in words with its fix."""
    lines = [
        f"Validation {_summary(report)}",
        f"Checked {report.checked}: {report.triples} triples"
        + (
            f" ({report.context_triples} of them context from the store)"
            if report.context_triples
            else ""
        )
        + f" in {report.seconds:.2f} s",
    ]
    groups: dict[tuple[int, str], list[ValidationResult]] = defaultdict(list)
    for r in report.results:
        groups[(-_SEVERITY_RANK[r.severity], r.shape_label)].append(r)
    for (_rank, label), results in sorted(groups.items()):
        first = results[0]
        lines.append("")
        lines.append(
            f"{first.severity.upper()}  {label}  [{_short(URIRef(first.shape))}]  "
            f"{len(results)} result{'s' if len(results) != 1 else ''}"
        )
        for r in sorted(results, key=lambda r: (r.preexisting, r.focus_label, r.message)):
            tag = ""
            if r.preexisting:
                tag = "  (pre-existing in the store, not blocking)"
            elif not r.in_batch:
                tag = "  (existing data in the store, broken by this batch)"
            lines.append(f"  - {r.focus_label}  <{_node_text(r.focus)}>{tag}")
            lines.append(f"    {r.message}")
            detail = []
            if r.path:
                detail.append(f"path {r.path}")
            if r.value is not None:
                detail.append(f"value {r.value_label}")
            if detail:
                lines.append("    " + ", ".join(detail))
            if r.graphs:
                lines.append(f"    source: {'; '.join(r.graphs)}")
            if r.passage:
                doc = f" ({r.document})" if r.document else ""
                lines.append(f'    passage: "{_clip(r.passage, 200)}"{doc}')
            if r.fix:
                lines.append(f"    fix: {r.fix}")
    return "\n".join(lines) + "\n"


def render_table(report: Report) -> str:
    """One line per result in aligned columns: severity, shape, focus, path, value, message."""
    header = ("severity", "shape", "focus", "path", "value", "message")
    rows = [
        (
            r.severity + ("*" if r.preexisting else ""),
            _short(URIRef(r.shape)),
            _clip(r.focus_label, 40),
            r.path or "",
            _clip(r.value_label or "", 30),
            r.message,
        )
        for r in report.results
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(header)
    ]
    out = []
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        out.append("  ".join(cells).rstrip())
    out.append("")
    out.append(
        _summary(report)
        + (" (* pre-existing, not blocking)" if report.counts()["preexisting"] else "")
    )
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    """The report as JSON: conforms, counts, what was checked, and every result."""
    doc = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "checked": report.checked,
        "triples": report.triples,
        "contextTriples": report.context_triples,
        "seconds": round(report.seconds, 3),
        "results": [r.as_dict() for r in report.results],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _node_text(node: Node) -> str:
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _short(node: Node) -> str:
    """``ckg:foo`` / ``ckgid:event/x`` for known namespaces, else the IRI in brackets."""
    if isinstance(node, URIRef):
        text = str(node)
        best = ""
        for prefix, ns in _PREFIXES.items():
            if text.startswith(ns) and len(ns) > len(_PREFIXES.get(best, "")):
                best = prefix
        if best:
            return f"{best}:{text[len(_PREFIXES[best]) :]}"
        return f"<{text}>"
    if isinstance(node, Literal):
        if node.datatype is not None:
            return f'"{node}"^^{_short(node.datatype)}'
        if node.language:
            return f'"{node}"@{node.language}'
        return f'"{node}"'
    return _node_text(node)


def _label(graph: Graph, node: Node) -> str:
    """The English label of a node, else any label, else its short IRI."""
    if isinstance(node, Literal):
        return _short(node)
    best: str | None = None
    for prop in (RDFS.label, SKOS.prefLabel):
        for lit in graph.objects(node, prop):
            if isinstance(lit, Literal):
                if lit.language in (None, "", "en"):
                    return str(lit)
                best = best or str(lit)
    return best or _short(node)


def _path_text(shapes: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _short(path)
    if (path, RDF.first, None) in shapes:
        return "/".join(_path_text(shapes, p) or "?" for p in Collection(shapes, path))
    for kind, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = shapes.value(path, kind)
        if inner is not None:
            return fmt.format(_path_text(shapes, inner))
    alt = shapes.value(path, SH.alternativePath)
    if alt is not None:
        return "|".join(_path_text(shapes, p) or "?" for p in Collection(shapes, alt))
    return None


def _build_report(
    report_graph: Graph,
    data: Graph,
    *,
    checked: str,
    triples: int,
    seconds: float,
    batch_nodes: set[Node] | None = None,
) -> tuple[list[ValidationResult], Graph]:
    """Turn pyshacl's report graph into results in words, rewriting its messages to match."""
    shapes = shapes_graph()
    results = []
    # Per shape and per node, computed once: a whole store's tens of thousands of results
    # name few shapes and repeat nodes (every attack attributed to the same group).
    labels: dict[Node, str] = {}
    about_shape: dict[Node | None, tuple[str | None, Node | None, Node | None, Node | None]] = {}

    def label(n: Node) -> str:
        if n not in labels:
            labels[n] = _label(data, n)
        return labels[n]

    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        value = report_graph.value(node, SH.value)
        shape = report_graph.value(node, SH.sourceShape)
        severity = _SEVERITY_OF.get(report_graph.value(node, SH.resultSeverity), "violation")
        if shape not in about_shape:
            shape_iri = shape if isinstance(shape, URIRef) else _owning_shape(shapes, shape)
            about_shape[shape] = (
                _path_text(shapes, shapes.value(shape, SH.path)) if shape is not None else None,
                shape_iri,
                shapes.value(shape_iri, CKGSH.fix) if shape_iri is not None else None,
                shapes.value(shape_iri, RDFS.label) if shape_iri is not None else None,
            )
        shape_path, shape_iri, fix, shape_label = about_shape[shape]
        path = _path_text(report_graph, report_graph.value(node, SH.resultPath))
        if path is None:
            path = shape_path
        if value == focus:
            value = None  # a node-level result: the value is the focus node itself
        focus_label = label(focus)
        value_label = None if value is None else _labelled(data, value)
        raw = [str(m) for m in report_graph.objects(node, SH.resultMessage)]
        # In the sentence a node is named by its label alone; the detail line adds the IRI.
        value_word = None if value is None else label(value)
        message = _fill(raw[0] if raw else "", focus, focus_label, value, value_word)
        if not message:
            message = f"{focus_label} does not satisfy {_short(shape) if shape else 'a shape'}."
        for m in list(report_graph.objects(node, SH.resultMessage)):
            report_graph.remove((node, SH.resultMessage, m))
        report_graph.add((node, SH.resultMessage, Literal(message, lang="en")))
        results.append(
            ValidationResult(
                severity=severity,
                shape=str(shape_iri) if shape_iri is not None else str(shape),
                shape_label=str(shape_label) if shape_label else _short(shape_iri or CKGSH.Shape),
                focus=focus,
                focus_label=focus_label,
                message=message,
                path=path,
                value=value,
                value_label=value_label,
                fix=str(fix) if fix else None,
                in_batch=batch_nodes is None or focus in batch_nodes,
            )
        )
    results.sort(
        key=lambda r: (-_SEVERITY_RANK[r.severity], r.shape_label, r.focus_label, r.message)
    )
    return results, report_graph


def _owning_shape(shapes: Graph, shape: Node | None) -> URIRef | None:
    # A blank-node shape (one member of an sh:or list) reports under the named shape
    # that holds it.
    seen = set()
    current = shape
    while current is not None and not isinstance(current, URIRef) and current not in seen:
        seen.add(current)
        parent = next(iter(shapes.subjects(None, current)), None)
        current = parent
    return current if isinstance(current, URIRef) else None


def _labelled(data: Graph, value: Node) -> str:
    if isinstance(value, Literal):
        return _short(value)
    label = _label(data, value)
    short = _short(value)
    return label if label == short else f"{label} ({short})"


def _fill(
    message: str, focus: Node, focus_label: str, value: Node | None, value_label: str | None
) -> str:
    # Core constraints leave {$this}/{$value} in the message; SPARQL ones put the raw IRI
    # there. Either way the reader gets labels.
    out = message.replace("{$this}", focus_label).replace("{?this}", focus_label)
    if value is not None:
        vtext = value_label or _short(value)
        out = out.replace("{$value}", vtext).replace("{?value}", vtext)
        if isinstance(value, URIRef) and str(value) in out:
            out = _replace_iri(out, str(value), vtext)
    else:
        out = out.replace(" (found {$value})", "").replace("{$value}", "(none)")
    if isinstance(focus, URIRef) and str(focus) in out:
        out = _replace_iri(out, str(focus), focus_label)
    return out


def _replace_iri(text: str, iri: str, replacement: str) -> str:
    r"""``re.sub(re.escape(iri) + r"(?![\w/#.-])", replacement, text)`` without compiling a
    pattern per IRI (1.2 of the 4.7 s of wording 5,475 results): an IRI is replaced where
    no character of a longer IRI follows it."""
    out = []
    i = 0
    while True:
        j = text.find(iri, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        k = j + len(iri)
        following = text[k : k + 1]
        if following and (following.isalnum() or following in "_/#.-"):
            out.append(text[i : j + 1])  # not this one; the regex would retry at j + 1
            i = j + 1
            continue
        out.append(text[i:j])
        out.append(replacement)
        i = k


# --------------------------------------------------------------------------------------
# Running the shapes
# --------------------------------------------------------------------------------------


def _context_graph(*parts: Graph) -> Graph:
    """One new graph: the ontology, ``parts``, and the bounding boxes of the countries."""
    # rdflib copies at ~30 µs a triple, so the data graph is built once, from its parts.
    g = Graph()
    g += ontology_graph()
    for part in parts:
        g += part
    add_country_bounds(g)
    return g


def add_country_bounds(graph: Graph) -> int:
    """Attach the bundled bounding box to every ``ckg:Country`` of ``graph``; return how many.

    A country is recognised by its IRI (``ckgid:place/geonames/<id>``), its
    ``ckg:geonamesId`` or its ``ckg:countryCode``.
    """
    by_iri = {b.iri: b for b in country_bounds()}
    by_gid = {b.geonames_id: b for b in country_bounds()}
    by_iso = {b.iso2: b for b in country_bounds()}
    n = 0
    for country in set(graph.subjects(RDF.type, CKG.Country)):
        found = by_iri.get(country)
        if found is None:
            for gid in graph.objects(country, CKG.geonamesId):
                found = found or by_gid.get(str(gid))
        if found is None:
            for iso in graph.objects(country, CKG.countryCode):
                found = found or by_iso.get(str(iso).upper())
        if found is None:
            continue
        for prop, val in (
            (CKGSH.minLatitude, found.min_lat),
            (CKGSH.maxLatitude, found.max_lat),
            (CKGSH.minLongitude, found.min_lon),
            (CKGSH.maxLongitude, found.max_lon),
        ):
            graph.add((country, prop, Literal(str(val), datatype=XSD.decimal)))
        n += 1
    return n


def _run_shapes(data: Graph, inference: str) -> Graph:
    """Run pyshacl over ``data`` (modified in place); return the report graph."""
    from pyshacl import validate

    if inference not in INFERENCE_CHOICES:
        raise UsageError(
            f"--inference must be one of {', '.join(INFERENCE_CHOICES)}, not {inference!r}"
        )
    _conforms, report_graph, _text = validate(
        data,
        shacl_graph=shapes_graph(),
        inference=None if inference == "none" else inference,
        advanced=True,
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
    )
    return report_graph


def validate_graph(data: Graph, inference: str = "none", *, checked: str = "a graph") -> Report:
    """Validate an in-memory graph (ontology and country bounds are added to a copy)."""
    t0 = time.perf_counter()
    work = _context_graph(data)
    report_graph = _run_shapes(work, inference)
    results, graph = _build_report(
        report_graph, work, checked=checked, triples=len(data), seconds=0.0
    )
    report = Report(results, graph, checked, len(data), time.perf_counter() - t0)
    _set_conforms(report)
    return report


#: How :func:`validate_store` runs the shapes: ``sparql`` on Oxigraph itself
#: (:mod:`kg.validation_store`), ``pyshacl`` over an rdflib copy, or ``auto``.
ENGINES: tuple[str, ...] = ("auto", "sparql", "pyshacl")


def validate_store(
    store: Store,
    inference: str = "none",
    *,
    engine: str = "auto",
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Validate everything the store asserts (all graphs but meta, derived and inferred).

    ``auto`` runs the shapes as SPARQL on an embedded store (same results as pySHACL, in
    seconds at 100k events) and pySHACL where that does not apply: ``--inference``, a
    remote store, a shape the translator does not cover. ``progress`` receives one line
    per shape (sparql) or per step.
    """
    if engine not in ENGINES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine != "pyshacl":
        from kg.validation_store import Unsupported, validate_store_fast

        try:
            if inference != "none":
                raise Unsupported("--inference needs pySHACL")
            return validate_store_fast(store, progress=progress)  # type: ignore[no-any-return]
        except Unsupported as exc:
            if engine == "sparql":
                raise UsageError(
                    f"--engine sparql cannot validate this: {exc}; use --engine pyshacl"
                ) from None
            if progress is not None:
                progress(f"validate: {exc}; validating with pySHACL (slow on large stores)")
    return validate_store_pyshacl(store, inference)


def validate_store_pyshacl(store: Store, inference: str = "none") -> Report:
    """Validate everything the store asserts with pySHACL over an in-memory copy.

    The reference implementation: reads the whole store into memory, fine for curated
    graphs and tens of thousands of events (a 100k-event store takes many minutes).
    """
    t0 = time.perf_counter()
    work = _context_graph()
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    # Staging graphs (ckg extract) hold unreviewed candidates: they are checked on accept.
    names = [
        info.iri
        for info in store.graphs()
        if str(info.iri) not in skip and not str(info.iri).startswith(STAGING_PREFIX)
    ]
    n = 0
    for name in names:
        quads = list(store.quads(name))
        n += len(quads)
        work.addN((s, p, o, work) for s, p, o, _g in quads)
    # ckg writes only named graphs (the provenance rule for stored data); the default
    # graph, where a batch's graph-less triples would go, is checked by validate_batch.
    add_country_bounds(work)
    report_graph = _run_shapes(work, inference)
    results, graph = _build_report(report_graph, work, checked="the store", triples=n, seconds=0.0)
    _attach_sources(results, store, None)
    report = Report(results, graph, f"the store at {store.location}", n, time.perf_counter() - t0)
    _set_conforms(report)
    return report


def _set_conforms(report: Report) -> None:
    for node in list(report.graph.subjects(RDF.type, SH.ValidationReport)):
        report.graph.set((node, SH.conforms, Literal(report.conforms)))


# --------------------------------------------------------------------------------------
# Batches in the context of the store
# --------------------------------------------------------------------------------------


def validate_batch(store: Store, batch: Batch, inference: str = "none") -> Report:
    """Validate ``batch`` together with the part of the store it touches.

    Results on the store's own nodes that the batch merely touches, and that the store
    already had, are marked ``preexisting`` and do not make the report fail.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    context, _impacted = neighbourhood(store, batch)
    timings["context"] = time.perf_counter() - t0
    markers = Graph()
    for s in set(batch.default.subjects()):
        markers.add((s, CKGSH.assertedIn, DEFAULT_GRAPH_MARK))
    work = _context_graph(context, batch.union(), markers)
    checked_triples = len(work) - len(ontology_graph())
    t1 = time.perf_counter()
    timings["graph"] = t1 - t0 - timings["context"]
    report_graph = _run_shapes(work, inference)
    timings["shapes"] = time.perf_counter() - t1
    # Results on impacted store nodes are kept but flagged: "broken by this batch".
    results, graph = _build_report(
        report_graph,
        work,
        checked="",
        triples=checked_triples,
        seconds=0.0,
        batch_nodes=batch.nodes(),
    )
    # Nodes at the edge of the context (referenced, never described) are not judged: with
    # --inference a range axiom can type them, but their triples were not fetched.
    known = set(context.subjects())
    judged = batch.nodes() | known
    outside = [r for r in results if r.focus not in judged]
    if outside:
        _remove_from_graph(graph, outside)
        results = [r for r in results if r.focus in judged]
    # A result may be the store's own, older than the batch: find out by validating the
    # context alone, only when some result concerns a node the store already describes.
    if any(r.focus in known for r in results):
        t2 = time.perf_counter()
        base = _context_graph(context)
        base_results, _ = _build_report(
            _run_shapes(base, inference), base, checked="", triples=0, seconds=0.0
        )
        before = {r.key() for r in base_results}
        for r in results:
            r.preexisting = r.key() in before
        # The Turtle report lists what the batch causes; pre-existing results stay in the
        # text and JSON renderings, marked as such.
        _remove_from_graph(graph, [r for r in results if r.preexisting])
        timings["baseline"] = time.perf_counter() - t2
    t3 = time.perf_counter()
    _attach_sources(results, store, batch)
    timings["sources"] = time.perf_counter() - t3
    files_text = ", ".join(batch.files)
    report = Report(
        results,
        graph,
        f"batch {files_text} with the store at {store.location}",
        checked_triples,
        time.perf_counter() - t0,
        context_triples=len(context),
        timings=timings,
    )
    _set_conforms(report)
    return report


def _remove_from_graph(graph: Graph, results: list[ValidationResult]) -> None:
    """Take ``results`` out of the sh:ValidationReport graph."""
    gone = {(r.focus, r.message) for r in results}
    if not gone:
        return
    for node in list(graph.subjects(RDF.type, SH.ValidationResult)):
        focus = graph.value(node, SH.focusNode)
        message = str(graph.value(node, SH.resultMessage))
        if (focus, message) in gone:
            for report_node in list(graph.subjects(SH.result, node)):
                graph.remove((report_node, SH.result, node))
            for triple in list(graph.triples((node, None, None))):
                graph.remove(triple)


def neighbourhood(store: Store, batch: Batch) -> tuple[Graph, set[Node]]:
    """The part of the store ``batch`` touches, and the store nodes the batch may break.

    * every batch node's outgoing triples, and those of what they reference (two hops);
    * the ``locatedIn`` chain of every place reached, up to the country, and the lineage
      (predecessors, successors, factions) of every organisation reached;
    * for a military withdrawal, the presences of the withdrawing force;
    * nodes the batch breaks: events of a group dated before the founding date the batch
      gives it, roles in it starting before that date or ending after its dissolution,
      and places inside a place the batch moves, whose coordinates fall outside the
      new country.

    Returns the context graph and the set of impacted store nodes.
    """
    union = batch.union()
    skip = _ontology_terms()
    context = Graph()
    described: set[Node] = set()
    impacted: set[Node] = set()

    seeds = {n for n in batch.nodes() if isinstance(n, URIRef) and n not in skip}
    seeds |= _presences_for_withdrawals(store, union, context)
    impacted |= _broken_by_dates(store, union, context)
    impacted |= _broken_by_moves(store, union, context)
    seeds |= impacted

    # A breadth-first walk, one query per step for the whole frontier: two hops along
    # every link, then only upwards along locatedIn and both ways along the lineage.
    # (Plain lookups: a property path such as locatedIn+ from a VALUES block was 2-3x
    # slower on Oxigraph at a million events.)
    asked_lineage: set[Node] = set()
    frontier = seeds
    for hop in range(_MAX_HOPS):
        todo = sorted(n for n in frontier if n not in described)
        described.update(todo)
        new = _describe(store, todo)
        context += new
        both = Graph()
        both += context
        both += union
        groups = _nodes_of(both, _GROUP_OBJECTS, _GROUP_SUBJECTS) - skip - asked_lineage
        asked_lineage |= groups
        incoming = _lineage_into(store, sorted(groups))
        context += incoming
        links = Graph()
        links += new
        links += incoming
        if hop == 0:
            links += union
        frontier = set(incoming.subjects())
        if hop < 1:
            frontier |= {o for o in new.objects() if isinstance(o, URIRef)}
        for p in (CKG.locatedIn, CKG.predecessorOf, CKG.successorOf, CKG.factionOf):
            frontier |= {o for o in links.objects(None, p) if isinstance(o, URIRef)}
        frontier = {n for n in frontier if n not in described and n not in skip}
        if not frontier:
            break
    return context, impacted


#: How far the walk goes at most (a locatedIn chain or a lineage longer than this is cut).
_MAX_HOPS = 12


def _lineage_into(store: Store, groups: Sequence[Node]) -> Graph:
    """The ``predecessorOf``/``successorOf`` triples pointing at ``groups``."""
    out = Graph()
    for chunk in _chunks(groups):
        out += _construct(
            store,
            _P
            + "CONSTRUCT { ?a ckg:predecessorOf ?n . ?b ckg:successorOf ?n } WHERE { "
            + _values("n", chunk)
            + " { ?a ckg:predecessorOf ?n } UNION { ?b ckg:successorOf ?n } }",
        )
    return out


#: Predicates whose objects (or subjects) are places or organisations: where closures start.
_PLACE_OBJECTS = (CKG.place, CKG.withdrawalFrom, CKG.locatedIn, CKG.target, CKG.areaOfOperation)
_PLACE_SUBJECTS = (CKG.locatedIn, CKG.latitude)
_GROUP_OBJECTS = (
    CKG.perpetrator,
    CKG.actor,
    CKG.targetActor,
    CKG.associatedActor,
    CKG.organization,
    CKG.changeInput,
    CKG.changeOutput,
    CKG.predecessorOf,
    CKG.successorOf,
    CKG.factionOf,
    CKG.claimant,
)
_GROUP_SUBJECTS = (
    CKG.predecessorOf,
    CKG.successorOf,
    CKG.factionOf,
    CKG.foundingDate,
    CKG.dissolutionDate,
)


def _nodes_of(graph: Graph, objects_of: Sequence[Node], subjects_of: Sequence[Node]) -> set[Node]:
    found: set[Node] = set()
    for p in objects_of:
        found |= {o for o in graph.objects(None, p) if isinstance(o, URIRef)}
    for p in subjects_of:
        found |= {s for s in graph.subjects(p, None) if isinstance(s, URIRef)}
    return found


def _chunks(items: Sequence[Node], size: int = _VALUES_CHUNK) -> Iterator[Sequence[Node]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def passages_query(nodes: Sequence[Node]) -> str:
    """SPARQL for each node's claim passages: ?n ?text ?title ?doc, first passage first."""
    return (
        _P
        + "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        + f"SELECT ?n ?text ?title ?doc WHERE {{ {_values('n', nodes)} "
        "?c ckg:about ?n ; ckg:passage ?p . ?p ckg:text ?text . "
        "OPTIONAL { ?p ckg:inDocument ?doc OPTIONAL { ?doc dcterms:title ?title } } } "
        "ORDER BY ?n ?title ?text"
    )


def _values(var: str, nodes: Iterable[Node]) -> str:
    """A one-column ``VALUES`` block of IRIs, each checked by kg.sparql's escaping rules."""
    terms = []
    for n in nodes:
        values_block({var: n})  # raises UsageError on anything not a safe IRI
        terms.append(n.n3())
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


_P = (
    "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


def _construct(store: Store, sparql: str, bindings: Mapping[str, Node] | None = None) -> Graph:
    result = store.query(sparql, bindings=bindings, include_inferred=False)
    return result.graph if result.graph is not None else Graph()


def _describe(store: Store, nodes: Sequence[Node]) -> Graph:
    out = Graph()
    for chunk in _chunks(nodes):
        out += _construct(
            store, _P + f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ {_values('n', chunk)} ?n ?p ?o }}"
        )
    return out


def _closure(store: Store, places: Sequence[Node], groups: Sequence[Node] = ()) -> Graph:
    """Every triple of the places above ``places`` and of the lineage of ``groups``."""
    out = Graph()
    lineage = (
        "(ckg:predecessorOf|^ckg:predecessorOf|ckg:successorOf|^ckg:successorOf|ckg:factionOf)+"
    )
    for nodes, path in ((places, "ckg:locatedIn+"), (groups, lineage)):
        for chunk in _chunks(nodes):
            out += _construct(
                store,
                _P
                + f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {_values('n', chunk)} ?n {path} ?x . ?x ?p ?o }}",
            )
    return out


def _presences_for_withdrawals(store: Store, union: Graph, context: Graph) -> set[Node]:
    actors = set()
    for w in union.subjects(RDF.type, CKG.MilitaryWithdrawal):
        actors |= set(union.objects(w, CKG.actor)) | set(union.objects(w, CKG.perpetrator))
    found: set[Node] = set()
    for actor in sorted(a for a in actors if isinstance(a, URIRef)):
        g = _construct(
            store,
            _P
            + "CONSTRUCT { ?pr ?p ?o } WHERE { ?pr ckg:actor|ckg:perpetrator ?actor ; a ?t . "
            + "FILTER (?t IN (ckg:MilitaryPresence, ckg:TerritorialControl)) ?pr ?p ?o }",
            {"actor": actor},
        )
        context += g
        found |= set(g.subjects())
    return found


def _broken_by_dates(store: Store, union: Graph, context: Graph) -> set[Node]:
    """Store events and roles a founding or dissolution date in the batch would break."""
    found: set[Node] = set()
    for group, founded in union.subject_objects(CKG.foundingDate):
        if not isinstance(group, URIRef) or not _is_date(founded):
            continue
        for query in (
            (
                "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:perpetrator ?x ; ckg:startDate ?s . "
                "?x ckg:factionOf? ?group . FILTER (?s < ?founded) ?e ?p ?o }"
            ),
            (
                "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:organization ?group ; ckg:startDate ?s . "
                "FILTER (?s < ?founded) ?e ?p ?o }"
            ),
        ):
            g = _construct(store, _P + query, {"group": group, "founded": founded})
            context += g
            found |= set(g.subjects())
    for group, dissolved in union.subject_objects(CKG.dissolutionDate):
        if not isinstance(group, URIRef) or not _is_date(dissolved):
            continue
        g = _construct(
            store,
            _P + "CONSTRUCT { ?e ?p ?o } WHERE { ?e ckg:organization ?group ; ckg:endDate ?end . "
            "FILTER (?end > ?dissolved) ?e ?p ?o }",
            {"group": group, "dissolved": dissolved},
        )
        context += g
        found |= set(g.subjects())
    return found


def _is_date(value: Node) -> bool:
    return isinstance(value, Literal) and value.datatype == XSD.date and value.value is not None


def _broken_by_moves(store: Store, union: Graph, context: Graph) -> set[Node]:
    """Store places inside a place the batch relocates, left outside their new country."""
    found: set[Node] = set()
    moved = {s for s in union.subjects(CKG.locatedIn) if isinstance(s, URIRef)}
    if not moved:
        return found
    # The new ancestors of each moved place: the batch's links, then the store's chain.
    links = Graph()
    links += union
    links += _closure(
        store, sorted({o for o in union.objects(None, CKG.locatedIn) if isinstance(o, URIRef)})
    )
    add_country_bounds(links)
    for place in sorted(moved):
        boxes = set()
        for ancestor in links.transitive_objects(place, CKG.locatedIn):
            lat = links.value(ancestor, CKGSH.minLatitude)
            if lat is not None:
                boxes.add(
                    tuple(
                        links.value(ancestor, p)
                        for p in (
                            CKGSH.minLatitude,
                            CKGSH.maxLatitude,
                            CKGSH.minLongitude,
                            CKGSH.maxLongitude,
                        )
                    )
                )
        for min_lat, max_lat, min_lon, max_lon in boxes:
            g = _construct(
                store,
                _P
                + "CONSTRUCT { ?x ?p ?o } WHERE { ?x ckg:locatedIn+ ?place ; ckg:latitude ?lat ; "
                "ckg:longitude ?lon . FILTER (?lat < ?minLat || ?lat > ?maxLat || ?lon < ?minLon "
                "|| ?lon > ?maxLon) ?x ?p ?o }",
                {
                    "place": place,
                    "minLat": min_lat,
                    "maxLat": max_lat,
                    "minLon": min_lon,
                    "maxLon": max_lon,
                },
            )
            context += g
            found |= set(g.subjects())
    return found


def _attach_sources(results: list[ValidationResult], store: Store, batch: Batch | None) -> None:
    """Fill in each result's source graphs and, where a claim is about it, its passage."""
    focus = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    if not focus:
        return
    graphs: dict[Node, list[str]] = defaultdict(list)
    passages: dict[Node, tuple[str, str | None]] = {}
    skip = {str(META_GRAPH), str(INFERRED_GRAPH)}
    for chunk in _chunks(focus):
        rows = store.query(
            f"SELECT DISTINCT ?n ?g WHERE {{ {_values('n', chunk)} GRAPH ?g {{ ?n ?p ?o }} }}",
            include_inferred=False,
        ).rows
        for n, g in rows:
            if g is not None and str(g) not in skip and _short(g) not in graphs[n]:
                graphs[n].append(_short(g))
        passage_query = passages_query(chunk)
        for n, text, title, doc in store.query(passage_query, include_inferred=False).rows:
            passages.setdefault(
                n, (str(text), str(title) if title else (str(doc) if doc else None))
            )
        if batch is not None:
            # The batch's own claims come first: they are what the curator is adding.
            mine: dict[Node, tuple[str, str | None]] = {}
            for n, text, title, doc in batch.union().query(passage_query):
                mine.setdefault(
                    n, (str(text), str(title) if title else (str(doc) if doc else None))
                )
            passages.update(mine)
    for r in results:
        found = list(batch.graphs_of(r.focus)) if batch is not None else []
        found += [g for g in graphs.get(r.focus, []) if g not in found]
        r.graphs = found
        if r.focus in passages:
            r.passage, r.document = passages[r.focus]


# --------------------------------------------------------------------------------------
# Committing
# --------------------------------------------------------------------------------------


def commit_batch(store: Store, batch: Batch, *, source: str | None = None) -> dict[URIRef, int]:
    """Add the batch's graphs to the store in one transaction; return triples per graph.

    Triples outside any named graph cannot be committed: validate first (the provenance
    shape rejects them), or give ``--graph``. The inferred graph is marked stale.
    """
    if len(batch.default):
        raise UsageError(
            f"{len(batch.default)} triples are in no named graph: write TriG with GRAPH blocks "
            "or pass --graph IRI"
        )
    adder = getattr(store, "add_to_graphs", None)
    if callable(adder):
        # EmbeddedStore.add_to_graphs: one transaction that also marks graph/inferred stale.
        return dict(adder(batch.graphs, source=source))
    else:
        # Additive commit over replace_graphs: each touched graph's old content plus the
        # batch, swapped in one transaction.
        merged: dict[URIRef, Graph] = {}
        existing = {str(info.iri) for info in store.graphs()}
        for iri, g in batch.graphs.items():
            new = Graph()
            if str(iri) in existing:
                new += store.export_graph(iri)
            new += g
            merged[iri] = new
        store.replace_graphs(merged, source=source)
        counts = {iri: len(g) for iri, g in merged.items()}
    if any(str(info.iri) == str(INFERRED_GRAPH) for info in store.graphs()):
        store.set_meta(INFERRED_GRAPH, "stale", Literal(True))
    return dict(counts)
