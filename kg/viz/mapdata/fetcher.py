"""The look-up queries behind a map: facts of many IRIs, bound or read by one scan.

A :class:`Fetcher` answers "(?e, ?v) of this pattern for these subjects". Few subjects
are bound through ``VALUES`` blocks built from rdflib's escaped ``n3()`` terms — never
from pasted text; for the default map (every attack: about everything there is) each
pattern is one scan of the store, cached and filtered. On the embedded store both read
pyoxigraph's CSV answer straight, so values stay strings instead of becoming rdflib terms.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rdflib.term import Literal, Node, URIRef

from kg.errors import QueryError
from kg.store import QueryResult, Store
from kg.terms import META_GRAPH, sparql_prefixes
from kg.viz.mapdata.model import short

#: IRIs bound per query: big enough to need few queries, small enough to parse quickly.
CHUNK = 2000

#: Whether scans read Oxigraph's union of all graphs when that is the query's default
#: graph. ``benchmarks/bench_briefing.py`` turns it off to time the former read, which
#: listed the data graphs (one pass per graph).
UNION_SCANS = True

#: The prefixes every look-up query starts with.
PREFIXES = sparql_prefixes("ckg", "rdf", "rdfs", "skos", "dcterms", "geo")

#: A thing's labels, as the pattern of a fact.
LABEL_PATTERN = "{ ?e skos:prefLabel ?v } UNION { ?e rdfs:label ?v }"

#: A value as a look-up returns it: an rdflib term (through :meth:`Store.query`) or its
#: text (read straight from an embedded store; a label's text is a :class:`Text`).
Value = Node | str
#: One row of a look-up: ``(?e, ?v)`` of a fact, or the projected variables of a query.
Row = tuple[Value | None, ...]


def values_block(var: str, iris: Sequence[str]) -> str:
    """A one-variable ``VALUES`` block of many IRIs, each written by rdflib's ``n3()``.

    The IRIs come from the store's own answers, but are still checked: a character that
    SPARQL forbids inside ``<…>`` would otherwise end the IRI early.
    """
    terms = []
    for iri in iris:
        if any(c in iri for c in '<>"{}|^`\\ \n\t'):
            raise QueryError(f"cannot bind {iri!r}: not a valid IRI")
        terms.append(URIRef(iri).n3())
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    """``items`` in slices of ``size``: the IRIs one query binds."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Text(str):
    """A value read straight from the store: its text, and its language tag if a label."""

    language: str | None = None


def _lang_rank(term: Value | None) -> int:
    # English first, then untagged, then French, then anything: the briefings are English.
    if isinstance(term, (Literal, Text)):
        return {"en": 0, None: 1, "fr": 2}.get(term.language, 3)
    return 9


class Fetcher:
    """Runs the look-up queries over one scope: bound IRIs, or the built-in default set."""

    def __init__(self, store: Store, *, include_inferred: bool = True):
        self.store = store
        self.include_inferred = include_inferred
        self.labels: dict[str, tuple[int, str]] = {}
        self._scans: dict[str, list[Row]] = {}
        #: True for the default map, whose events are (nearly) all the store's events.
        self.scan_events = False
        #: The default map's scan of attack classes (``?e rdf:type ?v`` with the classes).
        self.attack_pattern = ""

    def run(
        self, template: str, var: str, iris: Sequence[str] | None, scope: str = ""
    ) -> list[Row]:
        """Rows of ``template`` with ``{scope}`` replaced by VALUES chunks (or ``scope``)."""
        rows: list[Row] = []
        if iris is None:
            res = self._query(template.replace("{scope}", scope))
            rows.extend(res.rows)
            return rows
        for chunk in chunks(list(iris)):
            res = self._query(template.replace("{scope}", values_block(var, chunk)))
            rows.extend(res.rows)
        return rows

    def scanned(self, pattern: str, *, text: bool = False) -> bool:
        """Whether the scan of ``pattern`` has been read already (and is cached)."""
        return f"{text}|{pattern}" in self._scans

    def scan(self, pattern: str, *, text: bool = False) -> list[Row]:
        """Every (?e, ?v) of a pattern in the store, read once and cached."""
        key = f"{text}|{pattern}"
        rows = self._scans.get(key)
        if rows is None:
            rows = self._direct_scan(pattern)
            if rows is None:
                select = "(STR(?v) AS ?s)" if text else "?v"
                rows = list(self._query(f"SELECT ?e {select} WHERE {{ {pattern} }}").rows)
            self._scans[key] = rows
        return rows

    def prefetch(self, patterns: Sequence[tuple[str, bool]]) -> None:
        """Run the scans ``(pattern, text)`` two at a time and cache them.

        pyoxigraph lets go of the interpreter while it evaluates and writes an answer,
        so two scans share the machine's two cores (at 10k events four scans took 0.8 s
        on threads against 1.3 s one after the other, on a loaded machine).
        """
        todo = [(p, t) for p, t in dict.fromkeys(patterns) if not self.scanned(p, text=t)]
        if len(todo) < 2 or getattr(self.store, "db", None) is None:
            for pattern, text in todo:
                self.scan(pattern, text=text)
            return
        refresh = getattr(self.store, "refresh_derived", None)
        if refresh is not None:
            refresh(only_if_stale=True)  # a write, if any: before the readers start
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            got = list(pool.map(lambda pt: self._direct_scan(pt[0], refresh=False), todo))
        for (pattern, text), rows in zip(todo, got):
            if rows is not None:
                self._scans[f"{text}|{pattern}"] = rows

    def _direct_scan(self, pattern: str, *, refresh: bool = True) -> list[Row] | None:
        """A pattern's (?e, ?v) read from an embedded store as CSV text, or None.

        The default map of a 100k-event store scans a dozen predicates of every event;
        through :meth:`Store.query` each cell becomes an rdflib term (most of the 44 s
        look-up at 100k events). Here pyoxigraph writes the answer as CSV (in Rust) and
        the values stay strings (:class:`Text` keeps a label's language; other values are
        plain ``str``). Same graphs as a query's default graph: when those are every graph
        but the meta graph, Oxigraph's own union of all graphs is read — one pass over
        its index instead of one per graph (a scan of 100k start dates: 1.2 s against
        about 4 s over three graphs listed).
        """
        return self._direct(pattern, refresh=refresh)

    def _direct(self, pattern: str, scope: str = "", *, refresh: bool = True) -> list[Row] | None:
        """(?e, ?v) of ``pattern`` (after ``scope``, a VALUES block) as strings, or None.

        None when the store is not an embedded one; see :meth:`_direct_scan`.
        """
        db = getattr(self.store, "db", None)
        graphs_of = getattr(self.store, "data_graphs", None)
        if db is None or graphs_of is None:
            return None
        try:
            import pyoxigraph as ox
        except ImportError:  # pragma: no cover - the embedded store needs it
            return None

        rebuild = getattr(self.store, "refresh_derived", None)
        if refresh and rebuild is not None:
            rebuild(only_if_stale=True)
        wanted = graphs_of(self.include_inferred)
        every = {g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode)}
        graph_args: dict[str, Any]
        if UNION_SCANS and not (every - set(wanted) - {str(META_GRAPH)}):
            # The meta graph's few triples describe graphs (their IRIs as subjects):
            # callers keep only the subjects they asked for, so they never show.
            graph_args = {"use_default_graph_as_union": True}
        else:
            graph_args = {"default_graph": [ox.NamedNode(g) for g in wanted]}
        labels = "LABEL" in pattern.upper()
        lang = " (LANG(?v) AS ?l)" if labels else ""
        text = f"{PREFIXES}SELECT ?e ?v{lang} WHERE {{ {scope} {pattern} FILTER(isIRI(?e)) }}"
        answer = db.query(text, **graph_args)
        raw = answer.serialize(format=ox.QueryResultsFormat.CSV)
        reader = csv.reader(io.StringIO(raw.decode("utf-8")))
        next(reader, None)  # the header
        if not labels:
            return [(e, v) for e, v in reader]
        rows: list[Row] = []
        for e, v, code in reader:
            t = Text(v)
            t.language = code or None
            rows.append((e, t))
        return rows

    def facts(
        self, pattern: str, iris: Sequence[str], *, whole: bool | None = None, text: bool = False
    ) -> list[Row]:
        """(?e, ?v) pairs of a pattern for the subjects ``iris``.

        Few subjects are bound through VALUES; for the default map (every attack: about
        everything there is) each pattern is one scan over the store, filtered here —
        one pass is far cheaper than thousands of bound lookups. A question's answer is
        always bound: its events may be a sliver of a big store. ``text`` fetches values
        as plain strings (dates, numbers), which the store converts much faster.
        """
        if not iris:
            return []
        if whole is None:
            whole = self.scan_events
        if whole:
            keep = set(iris)
            return [
                (e, v) for e, v in self.scan(pattern, text=text) if e is not None and str(e) in keep
            ]
        rows: list[Row] = []
        for chunk in chunks(list(iris)):
            got = self._direct(pattern, values_block("e", chunk))
            if got is None:  # not an embedded store: through Store.query, as rdflib terms
                select = "(STR(?v) AS ?s)" if text else "?v"
                return list(
                    self.run(f"SELECT ?e {select} WHERE {{ {{scope}} {pattern} }}", "e", iris)
                )
            rows.extend(got)
        return rows

    def _query(self, body: str) -> QueryResult:
        return self.store.query(PREFIXES + body, include_inferred=self.include_inferred)

    def note_label(self, iri: Value | None, label: Value | None) -> None:
        """Remember the best label seen for ``iri``."""
        if iri is None or label is None:
            return
        rank = _lang_rank(label)
        old = self.labels.get(str(iri))
        if old is None or rank < old[0]:
            self.labels[str(iri)] = (rank, str(label))

    def label(self, iri: str) -> str:
        """The best label of ``iri`` seen so far, or its last segment."""
        got = self.labels.get(iri)
        return got[1] if got else short(iri)

    def fetch_labels(self, iris: Iterable[str]) -> None:
        """Look up skos:prefLabel / rdfs:label of IRIs not labelled yet."""
        todo = sorted({i for i in iris if i and i not in self.labels})
        if not todo:
            return
        q = """SELECT ?x ?l WHERE { {scope}
          { ?x skos:prefLabel ?l } UNION { ?x rdfs:label ?l } }"""
        for x, lab in self.run(q, "x", todo):
            self.note_label(x, lab)
