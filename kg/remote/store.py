"""The server as a store: queries over its data graphs, graphs replaced and described.

What is sent, and why:

* ``default-graph-uri`` for every data graph the server's meta graph describes (Virtuoso
  would otherwise answer over the union of *all* its graphs, system graphs included) and
  ``named-graph-uri`` for the same graphs, so ``GRAPH ?g`` ranges over what it ranges
  over in the embedded store (every graph but the meta graph).
* Parameters arrive as a ``VALUES`` block built by :func:`kg.sparql.bind_values`.

Writes go through the Graph Store HTTP Protocol when a graph-store endpoint is configured
(``PUT`` of the first batch replaces the graph, ``POST`` appends the rest), otherwise
through SPARQL Update (``DROP SILENT GRAPH`` then ``INSERT DATA`` in batches).

The answer to a ``SELECT DISTINCT`` (or ``REDUCED``) keeps each row once
(:meth:`RemoteStore._query`): Virtuoso 7.2 repeats rows there (unbound columns, a path
reached two ways). Partial answers raise :class:`kg.errors.RemoteError` instead of passing
for complete ones: Virtuoso's "anytime" answers (``X-SQL-State`` header), results cut at
the server's row cap (``X-SPARQL-MaxRows``, or a row count equal to the known cap
``max_rows``), and exports whose triple count differs from the server's own ``COUNT``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from rdflib import Graph
from rdflib.term import Literal, Node, URIRef
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

from kg.derive import DERIVED_GRAPH
from kg.errors import RemoteError, StoreError, TruncatedAnswer, UsageError
from kg.remote.chunks import Chunk, Triple, nt_term, rdflib_chunks
from kg.remote.dialect import (
    QueryShape,
    json_term,
    normalise_term,
    portable_comparisons,
    query_shape,
)
from kg.remote.http import USER_AGENT, Auth, Http, Response, snippet, with_query
from kg.sparql import bind_values
from kg.store import GraphInfo, Quad, QueryResult, default_graphs
from kg.terms import GRAPH, META_GRAPH, META_PREDICATES, STAGING_PREFIX

#: The environment variable holding the server's row cap, when it is known.
ENV_MAX_ROWS = "CKG_MAX_ROWS"

#: Triples per request when pushing through the Graph Store Protocol.
GSP_BATCH = 50_000
#: Triples per ``INSERT DATA``: Virtuoso 7.2 rejects ~2,000 ("generated SQL text has
#: exceeded 10000 lines"); 1,000 passes with room for long literals.
UPDATE_BATCH = 1_000
#: The row cap of a packaged Virtuoso (``ResultSetMaxRows``): a result of exactly this
#: many rows is treated as cut unless the query asked for that many with LIMIT.
DEFAULT_MAX_ROWS = 10_000

# Sent as the only default graph when no data graph exists, so that an empty store
# answers empty instead of with the server's union of everything.
_EMPTY_GRAPH = "urn:x-ckg:empty-dataset"
_NT_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"

# The meta graph's vocabulary (kg.terms.META_PREDICATES, shared with the embedded store).
META_TRIPLES = URIRef(META_PREDICATES["triples"])
META_SOURCE = URIRef(META_PREDICATES["source"])
META_LOADED = URIRef(META_PREDICATES["loaded_at"])
META_TITLE = URIRef(META_PREDICATES["title"])
META_STALE = URIRef(META_PREDICATES["stale"])
_META_KEYS = {
    key: URIRef(META_PREDICATES[key])
    for key in ("triples", "source", "loaded_at", "title", "stale")
}


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper building the request; our :class:`Http` sends it."""

    def __init__(self, endpoint: str, http: Http):
        super().__init__(endpoint, agent=USER_AGENT)
        self._http = http
        self.setMethod(POST)
        self.setRequestMethod(URLENCODED)
        # Content negotiation only: the extra format=/output= parameters mean different
        # things to different servers.
        self.setOnlyConneg(True)

    def _query(self) -> tuple[Any, str]:
        request = self._createRequest()
        response = self._http.send(
            request.get_method(),
            request.full_url,
            request.data if isinstance(request.data, bytes) else None,
            dict(request.header_items()),
            what="query",
        )
        return response, self.returnFormat


@dataclass
class UploadProgress:
    """How far the upload of one graph has come (for progress lines)."""

    graph: URIRef
    sent: int
    total: int | None
    seconds: float


class RemoteStore:
    """A SPARQL 1.1 server seen through the :class:`kg.store.Store` interface.

    Graph replacement on a server is not one transaction: the graph's description in
    the meta graph is removed first and written back last, so queries (whose default
    graph is what the meta graph describes) never see a half-written graph as data.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60,
        retries: int = 3,
        max_rows: int | None = DEFAULT_MAX_ROWS,
        backoff: float = 0.5,
    ):
        self.location = endpoint
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store_endpoint = graph_store_endpoint
        self.user = user
        self.timeout = timeout
        self.max_rows = max_rows
        auth = Auth(user, password) if user and password else None
        self._http = Http(auth, timeout, retries, backoff)

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, user={self.user!r})"

    @property
    def default_batch(self) -> int:
        """Triples per request for this server's write protocol."""
        return GSP_BATCH if self.graph_store_endpoint else UPDATE_BATCH

    # ---- reading

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        include_inferred: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the server's data graphs, with bound parameters.

        The text goes to the server as written (parameters bound as VALUES blocks). The
        derived graph, pushed with the data, is part of the default graph.
        """
        text = portable_comparisons(bind_values(sparql, bindings))
        described = self._described_graphs()
        data = default_graphs(described, include_inferred)
        # Staging graphs (ckg extract) hold unreviewed candidates: no source of answers.
        named = [
            g for g in described if g != str(DERIVED_GRAPH) and not g.startswith(STAGING_PREFIX)
        ]
        return self._query(text, default=data, named=named)

    def _send(
        self, text: str, *, default: Sequence[str], named: Sequence[str]
    ) -> tuple[Response, QueryShape, str]:
        """Send a query: the response once it is known to be whole, the query's shape and
        its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""
        wrapper = _Wrapper(self.endpoint, self._http)
        wrapper.setQuery(text)
        for graph in default or [_EMPTY_GRAPH]:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named or [_EMPTY_GRAPH]:
            wrapper.addParameter("named-graph-uri", graph)
        shape = query_shape(text)
        # SPARQLWrapper guesses the form with a regular expression that also reads
        # comments ("#+ … add nothing" made it an ADD); the parsed query knows better.
        if shape.kind is not None:
            wrapper.queryType = shape.kind
        kind = (wrapper.queryType or "").upper()
        if kind in ("CONSTRUCT", "DESCRIBE"):
            wrapper.addCustomHttpHeader("Accept", _NT_ACCEPT)
        elif kind in ("SELECT", "ASK"):
            wrapper.setReturnFormat(JSON)
        else:
            raise UsageError(f"only SELECT, ASK, CONSTRUCT and DESCRIBE can be asked, not {kind}")
        # _Wrapper sends through Http: the answer is our Response, not urllib's.
        response = cast(Response, wrapper.query().response)
        self._check_complete(response)
        return response, shape, kind

    def _query(self, text: str, *, default: Sequence[str], named: Sequence[str]) -> QueryResult:
        response, shape, kind = self._send(text, default=default, named=named)
        if kind in ("CONSTRUCT", "DESCRIBE"):
            graph = self._parse_graph(response)
            self._check_triple_cap(len(graph), shape)
            return QueryResult("graph", graph=graph)
        try:
            doc = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RemoteError(
                f"query at {self.endpoint}: the answer is not SPARQL JSON ({exc}); "
                f"content type {response.headers.get('Content-Type')!r}"
            ) from None
        if "boolean" in doc:
            return QueryResult("ask", boolean=bool(doc["boolean"]))
        variables = list(doc.get("head", {}).get("vars", []))
        rows = []
        for binding in doc.get("results", {}).get("bindings", []):
            rows.append(
                tuple(
                    normalise_term(json_term(binding[v]), v in shape.boolean_vars)
                    if v in binding
                    else None
                    for v in variables
                )
            )
        self._check_row_cap(response, len(rows), shape)
        if shape.distinct:
            # Virtuoso 7.2's SELECT DISTINCT can repeat a row (seen with unbound columns
            # and a property path reached twice); a repeated row is never the answer.
            rows = list(dict.fromkeys(rows))
        return QueryResult("select", variables=variables, rows=rows)

    def _check_complete(self, response: Response) -> None:
        state = response.headers.get("X-SQL-State")
        if state:
            message = snippet((response.headers.get("X-SQL-Message") or "").encode(), 160)
            raise RemoteError(
                f"query at {self.endpoint}: partial answer refused (X-SQL-State {state}: "
                f"{message}); the server stopped the query at its time limit "
                f"(Virtuoso: MaxQueryExecutionTime); raise it or narrow the question"
            )

    def _check_row_cap(self, response: Response, rows: int, shape: QueryShape) -> None:
        header = response.headers.get("X-SPARQL-MaxRows")
        if header and header.strip().isdigit():
            cap = int(header)
            self.max_rows = cap  # now known: CONSTRUCT answers carry no such header
            if rows >= cap and not (shape.limit is not None and shape.limit <= cap):
                raise self._cut(rows, cap, "rows")
        elif self.max_rows and rows == self.max_rows and shape.limit != rows:
            raise self._cut(rows, self.max_rows, "rows")

    def _check_triple_cap(self, triples: int, shape: QueryShape) -> None:
        # A CONSTRUCT answer carries no X-SPARQL-MaxRows header: the known cap decides.
        if self.max_rows and triples >= self.max_rows and shape.limit is None:
            raise self._cut(triples, self.max_rows, "triples")

    def _cut(self, got: int, cap: int, unit: str) -> TruncatedAnswer:
        return TruncatedAnswer(
            f"query at {self.endpoint}: the answer stopped at {got:,} {unit}, the server's "
            f"cap ({cap:,}; Virtuoso: ResultSetMaxRows), so it is probably cut; raise the "
            f"cap on the server (and {ENV_MAX_ROWS}), or add LIMIT/OFFSET"
        )

    def _parse_graph(self, response: Response) -> Graph:
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = {
            "application/n-triples": "nt",
            "text/plain": "nt",
            "text/turtle": "turtle",
            "application/x-turtle": "turtle",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }.get(ctype, "nt")
        graph = Graph()
        try:
            graph.parse(data=response.body.decode("utf-8"), format=fmt)
        except Exception as exc:  # noqa: BLE001 - any parser error is a bad answer
            raise RemoteError(
                f"{self.endpoint}: could not read the graph the server sent as {ctype!r}: {exc}"
            ) from None
        for s, p, o in list(graph):
            fixed = normalise_term(o)
            if fixed is not o and fixed != o:
                graph.remove((s, p, o))
                graph.add((s, p, fixed))  # type: ignore[arg-type]
        return graph

    def _meta_rows(self) -> list[tuple[Node | None, ...]]:
        text = "SELECT ?g ?p ?o WHERE { GRAPH ?m { ?g ?p ?o } }"
        result = self._query(
            bind_values(text, {"m": META_GRAPH}), default=[], named=[str(META_GRAPH)]
        )
        return result.rows

    def _described_graphs(self) -> list[str]:
        """The graphs the meta graph describes, or (no meta graph) ckg's graphs on the server."""
        graphs = sorted(
            {str(g) for g, _p, _o in self._meta_rows() if isinstance(g, URIRef)} - {str(META_GRAPH)}
        )
        if graphs:
            return graphs
        # Loaded by other means than ckg push: take the graphs under ckg's graph base.
        text = (
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?g), STR(?base))) }"
        )
        result = self._query_all_named(bind_values(text, {"base": Literal(str(GRAPH))}))
        return sorted(
            str(row[0])
            for row in result.rows
            if isinstance(row[0], URIRef) and row[0] != META_GRAPH
        )

    def _query_all_named(self, text: str) -> QueryResult:
        # No named-graph-uri: the server's own set of named graphs.
        wrapper = _Wrapper(self.endpoint, self._http)
        wrapper.setQuery(text)
        wrapper.setReturnFormat(JSON)
        wrapper.addParameter("default-graph-uri", _EMPTY_GRAPH)
        # _Wrapper sends through Http: the answer is our Response, not urllib's.
        response = cast(Response, wrapper.query().response)
        self._check_complete(response)
        doc = json.loads(response.body.decode("utf-8"))
        variables = list(doc["head"]["vars"])
        rows = [
            tuple(json_term(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        ]
        return QueryResult("select", variables=variables, rows=rows)

    def graphs(self) -> list[GraphInfo]:
        """Every graph the server's meta graph describes, with what it says."""
        described: dict[str, dict[URIRef, Node]] = {}
        for g, p, o in self._meta_rows():
            if isinstance(g, URIRef) and g != META_GRAPH and p is not None and o is not None:
                described.setdefault(str(g), {})[p] = o  # type: ignore[index]
        if not described:
            return [GraphInfo(URIRef(g), self._count(URIRef(g))) for g in self._described_graphs()]
        return [_graph_info(URIRef(g), props) for g, props in sorted(described.items())]

    def _count(self, graph: URIRef) -> int:
        text = bind_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
        rows = self._query(text, default=[], named=[str(graph)]).rows
        value = rows[0][0] if rows else None
        return int(value.toPython()) if isinstance(value, Literal) else 0

    def quads(self, graph: URIRef | None = None) -> Iterator[Quad]:
        """Every quad of the described graphs and the meta graph, or of one graph."""
        names = (
            [graph]
            if graph is not None
            else [
                *(URIRef(g) for g in self._described_graphs()),
                META_GRAPH,
            ]
        )
        for name in names:
            for s, p, o in self.export_graph(name):
                yield cast(Quad, (s, p, o, name))

    def export_graph(self, graph: URIRef) -> Graph:
        """One named graph as an rdflib Graph, checked against the server's own count."""
        if self.graph_store_endpoint:
            url = with_query(self.graph_store_endpoint, {"graph": str(graph)})
            response = self._http.send(
                "GET",
                url,
                None,
                {"Accept": _NT_ACCEPT},
                what="graph download",
                ok_statuses=(404,),
            )
            out = Graph() if response.status == 404 else self._parse_graph(response)
        else:
            text = bind_values(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}
            )
            out = self._query(text, default=[], named=[str(graph)]).graph or Graph()
        expected = self._count(graph)
        if len(out) != expected:
            raise RemoteError(
                f"graph download at {self.endpoint}: got {len(out):,} of the {expected:,} "
                f"triples of {graph}; the server cut the answer (Virtuoso: ResultSetMaxRows)"
            )
        return out

    # ---- writing

    def replace_graph(
        self,
        graph: URIRef,
        triples: Iterable[Triple],
        *,
        source: str | None = None,
        title: str | None = None,
    ) -> int:
        """Replace ``graph`` on the server and describe it in the meta graph.

        Not atomic on the server (see the class notes); returns the triples sent.
        """
        n = self.upload_graph(graph, triples)
        meta = _meta_description(graph, n, source=source, title=title)
        self.write_meta(graph, meta)
        return n

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, source: str | None = None) -> int:
        """Replace several graphs, one after the other; returns the total triples sent."""
        return sum(
            self.replace_graph(g, cast(Iterable[Triple], content), source=source)
            for g, content in graphs.items()
        )

    def upload_graph(
        self,
        graph: URIRef,
        triples: Iterable[Triple],
        *,
        batch: int | None = None,
        progress: Callable[[UploadProgress], None] | None = None,
        total: int | None = None,
    ) -> int:
        """Replace the content of ``graph`` on the server, without its description.

        The graph's description is removed from the meta graph first, so until
        :meth:`write_meta` puts one back queries do not count the graph as data.
        """
        chunks = rdflib_chunks(triples, batch or self.default_batch)
        return self.upload_chunks(graph, chunks, progress=progress, total=total)

    def upload_chunks(
        self,
        graph: URIRef,
        chunks: Iterable[Chunk],
        *,
        progress: Callable[[UploadProgress], None] | None = None,
        total: int | None = None,
        touched: Callable[[], None] | None = None,
    ) -> int:
        """:meth:`upload_graph` for triples already cut and serialised; returns the count.

        ``touched`` is called once the server's copy starts to change (its description
        is gone), so a caller can tell an untouched graph from a half-written one.
        """
        if graph == META_GRAPH:
            raise UsageError("the meta graph is written with the graphs it describes")
        _check_iri(graph)
        self.delete_meta(graph)
        if touched:
            touched()
        started = time.perf_counter()
        sent = 0
        first = True
        for chunk in chunks:
            if self.graph_store_endpoint:
                self._gsp_write("PUT" if first else "POST", graph, chunk.text.encode("ascii"))
            else:
                if first:
                    self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")
                self._insert_chunk(graph, chunk, what="graph upload")
            first = False
            sent += chunk.count
            if progress:
                progress(UploadProgress(graph, sent, total, time.perf_counter() - started))
        if first:  # nothing to send: the graph becomes empty
            if self.graph_store_endpoint:
                url = with_query(self.graph_store_endpoint, {"graph": str(graph)})
                self._http.send("DELETE", url, what="graph delete", ok_statuses=(404,))
            else:
                self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")
            if progress:
                progress(UploadProgress(graph, 0, total, time.perf_counter() - started))
        return sent

    def _gsp_write(self, method: str, graph: URIRef, body: bytes) -> None:
        assert self.graph_store_endpoint is not None
        url = with_query(self.graph_store_endpoint, {"graph": str(graph)})
        self._http.send(
            method, url, body, {"Content-Type": "application/n-triples"}, what="graph upload"
        )

    def _update(self, text: str, *, what: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("ascii")
        self._http.send(
            "POST",
            self.update_endpoint,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
            what=what,
        )

    def delete_meta(self, graph: URIRef) -> None:
        """Remove the description of ``graph`` from the server's meta graph."""
        text = bind_values(
            "DELETE { GRAPH ?m { ?g ?p ?o } } WHERE { GRAPH ?m { ?g ?p ?o } }",
            {"m": META_GRAPH, "g": graph},
        )
        self._update(text, what="meta update")

    def write_meta(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Replace the description of ``graph`` in the server's meta graph with ``triples``."""
        self.delete_meta(graph)
        self._insert(META_GRAPH, list(triples), what="meta update")

    def _insert(self, graph: URIRef, triples: Sequence[Triple], *, what: str) -> None:
        if triples:
            for chunk in rdflib_chunks(triples, max(len(triples), 1)):
                self._insert_chunk(graph, chunk, what=what)

    def _insert_chunk(self, graph: URIRef, chunk: Chunk, *, what: str) -> None:
        block = "{ GRAPH " + nt_term(graph) + " {\n" + chunk.text + "} }"
        if chunk.blank:
            # Virtuoso refuses blank nodes in INSERT DATA; a template with an empty
            # WHERE mints one fresh node per label, which is what the data means.
            self._update("INSERT " + block + " WHERE { }", what=what)
        else:
            self._update("INSERT DATA " + block, what=what)

    def drop_graph(self, graph: URIRef) -> None:
        """Remove a graph and its description; StoreError if the server has neither."""
        if graph == META_GRAPH:
            raise UsageError("the meta graph cannot be dropped; it describes the other graphs")
        _check_iri(graph)
        described = str(graph) in self._described_graphs()
        if not described and self._count(graph) == 0:
            raise StoreError(f"no graph {graph} at {self.endpoint}")
        self.delete_meta(graph)
        if self.graph_store_endpoint:
            url = with_query(self.graph_store_endpoint, {"graph": str(graph)})
            self._http.send("DELETE", url, what="graph delete", ok_statuses=(404,))
        else:
            self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")

    def set_meta(self, graph: URIRef, key: str, value: Node | None) -> None:
        """Set (or with None remove) one metadata value of a graph on the server."""
        predicate = _META_KEYS.get(key)
        if predicate is None:
            raise UsageError(f"unknown metadata key {key!r}; known: {', '.join(_META_KEYS)}")
        _check_iri(graph)
        text = bind_values(
            "DELETE { GRAPH ?m { ?g ?k ?o } } WHERE { GRAPH ?m { ?g ?k ?o } }",
            {"m": META_GRAPH, "g": graph, "k": predicate},
        )
        self._update(text, what="meta update")
        if value is not None:
            self._insert(META_GRAPH, [(graph, predicate, value)], what="meta update")  # type: ignore[list-item]

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def _check_iri(graph: URIRef) -> None:
    if not isinstance(graph, URIRef):
        raise UsageError(f"a graph name must be an IRI, not {graph!r}")
    nt_term(graph)


def _meta_description(
    graph: URIRef, triples: int, *, source: str | None, title: str | None
) -> list[Triple]:
    now = datetime.now(UTC).replace(microsecond=0)
    out: list[Triple] = [
        (graph, META_TRIPLES, Literal(triples)),
        (graph, META_LOADED, Literal(now)),
    ]
    if source:
        out.append((graph, META_SOURCE, Literal(source)))
    if title:
        out.append((graph, META_TITLE, Literal(title)))
    return out


def _graph_info(graph: URIRef, props: Mapping[URIRef, Node]) -> GraphInfo:
    def value(key: URIRef) -> Any:
        term = props.get(key)
        return term.toPython() if isinstance(term, Literal) else term

    loaded = value(META_LOADED)
    triples = value(META_TRIPLES)
    return GraphInfo(
        iri=graph,
        triples=int(triples) if isinstance(triples, int) else 0,
        source=str(props[META_SOURCE]) if META_SOURCE in props else None,
        loaded_at=loaded if isinstance(loaded, datetime) else None,
        title=str(props[META_TITLE]) if META_TITLE in props else None,
        stale=bool(value(META_STALE)) if META_STALE in props else False,
    )
