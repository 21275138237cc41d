"""The two engines a defect test compares: Virtuoso as written, pyoxigraph for the right answer.

The construct and its portable form go to Virtuoso straight over HTTP, not through
``kg.remote``, which would rewrite or normalise them. Each test gets a graph and an
``ex:`` namespace of its own, so its terms are new to the shared server: Virtuoso plans a
query from what the store holds when it first sees it, and a term another test left
behind (or took away) would change the plan.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph
from rdflib import Graph, URIRef
from virtuoso_server import VirtuosoServer

#: A row of an answer: IRIs of the test's namespace as ``ex:…``, of ckg's as ``ckg:…``,
#: literals as their lexical form, unbound as None.
Row = tuple[str | None, ...]

CKG = "https://w3id.org/conflict-kg/ontology#"


class QueryError(Exception):
    """Virtuoso refused or failed a query; the message is its answer's text."""


@dataclass
class Engines:
    """The same small data on Virtuoso (a graph of its own) and in pyoxigraph."""

    server: VirtuosoServer
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    oxigraph: pyoxigraph.Store = field(default_factory=pyoxigraph.Store)

    @property
    def ns(self) -> str:
        """This test's ``ex:`` namespace."""
        return f"https://example.org/{self.token}/"

    @property
    def graph(self) -> URIRef:
        """This test's graph on the server."""
        return URIRef(f"https://example.org/test/{self.token}")

    @property
    def prefixes(self) -> str:
        """The prefixes put before every piece of data and every query."""
        return (
            f"PREFIX ckg:  <{CKG}>\n"
            f"PREFIX ex:   <{self.ns}>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>\n"
        )

    def load(self, turtle: str) -> None:
        """Put ``turtle`` (the prefixes before it) into both engines."""
        text = self.prefixes + turtle
        self.oxigraph.load(text.encode(), pyoxigraph.RdfFormat.TURTLE)
        graph = Graph().parse(data=text, format="turtle")
        self.server.connect().upload_graph(self.graph, cast(Any, graph))

    def virtuoso(self, query: str, *, timeout_ms: int = 0) -> list[Row]:
        """Virtuoso's rows for ``query`` (the prefixes before it), over this test's graph.

        ``timeout_ms`` is Virtuoso's own per-query ``timeout`` parameter.
        """
        params = {"query": self.prefixes + query, "default-graph-uri": str(self.graph)}
        if timeout_ms:
            params["timeout"] = str(timeout_ms)
        request = urllib.request.Request(
            self.server.public_endpoint,
            data=urllib.parse.urlencode(params).encode(),
            headers={"Accept": "application/sparql-results+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                answer = json.load(resp)
        except urllib.error.HTTPError as err:
            raise QueryError(err.read().decode(errors="replace")) from err
        names = answer["head"]["vars"]
        return [
            tuple(self._short(row[n]["value"]) if n in row else None for n in names)
            for row in answer["results"]["bindings"]
        ]

    def right(self, query: str) -> list[Row]:
        """The rows pyoxigraph (a SPARQL 1.1 engine kept right by its test suite) gives."""
        solutions = self.oxigraph.query(self.prefixes + query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            tuple(None if s[n] is None else self._short(s[n].value) for n in names)  # type: ignore[union-attr]
            for s in solutions
        ]

    def _short(self, value: str) -> str:
        for prefix, iri in (("ex:", self.ns), ("ckg:", CKG)):
            if value.startswith(iri):
                return prefix + value[len(iri) :]
        return value


def rows(found: list[Row]) -> list[Row]:
    """Rows in a fixed order, for comparing answers as bags."""
    return sorted(found, key=lambda r: [x or "" for x in r])
