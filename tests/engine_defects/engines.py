"""The two engines a defect test compares: Virtuoso as written, pyoxigraph for the right answer.

The construct and its portable form go to Virtuoso straight over HTTP, not through
``kg.remote``, which would rewrite or normalise them.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, cast

import pyoxigraph
from rdflib import Graph, URIRef
from virtuoso_server import VirtuosoServer

Row = tuple[str | None, ...]

PREFIXES = """\
PREFIX ckg:  <https://w3id.org/conflict-kg/ontology#>
PREFIX ex:   <https://example.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd:  <http://www.w3.org/2001/XMLSchema#>
"""


class QueryError(Exception):
    """Virtuoso refused or failed a query; the message is its answer's text."""


@dataclass
class Engines:
    """The same small data on Virtuoso (a graph of its own) and in pyoxigraph."""

    server: VirtuosoServer
    graph: URIRef
    oxigraph: pyoxigraph.Store = field(default_factory=pyoxigraph.Store)

    def load(self, turtle: str) -> None:
        """Put ``turtle`` (PREFIXES are prepended) into both engines."""
        text = PREFIXES + turtle
        self.oxigraph.load(text.encode(), pyoxigraph.RdfFormat.TURTLE)
        remote = self.server.connect()
        graph = Graph().parse(data=text, format="turtle")
        remote.upload_graph(self.graph, cast(Any, graph))

    def virtuoso(self, query: str, *, timeout_ms: int = 0) -> list[Row]:
        """Virtuoso's rows for ``query`` (PREFIXES prepended), over this test's graph only.

        ``timeout_ms`` sends Virtuoso's own per-query ``timeout`` parameter.
        """
        params = {"query": PREFIXES + query, "default-graph-uri": str(self.graph)}
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
            tuple(row[n]["value"] if n in row else None for n in names)
            for row in answer["results"]["bindings"]
        ]

    def right(self, query: str) -> list[Row]:
        """The rows pyoxigraph (a SPARQL 1.1 engine kept right by its test suite) gives."""
        solutions = self.oxigraph.query(PREFIXES + query)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [
            tuple(None if s[n] is None else s[n].value for n in names)  # type: ignore[union-attr]
            for s in solutions
        ]


def rows(found: list[Row]) -> list[Row]:
    """Rows in a fixed order, for comparing answers as bags."""
    return sorted(found, key=lambda r: [x or "" for x in r])
