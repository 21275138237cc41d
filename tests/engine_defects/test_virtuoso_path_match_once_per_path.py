"""Virtuoso 7.2.5 gives a ``+`` path's match once per path, not once.

docs/servers.md, "Dialects":

| `?p (ckg:predecessorOf\\|^ckg:successorOf)+ ?g`, `ckg:locatedIn*` | each match once per path
(SPARQL: once): a `SUM` over such rows counts twice | `SELECT DISTINCT`; `attacks_by_region`
counts towns in a sub-select of their own, apart from the fatalities |
"""

from __future__ import annotations

from engine_defects.engines import Engines, rows

# A diamond: p1 reaches p3 through p2a and through p2b.
DATA = """
ex:p1 ckg:predecessorOf ex:p2a , ex:p2b .
ex:p2a ckg:predecessorOf ex:p3 .
ex:p2b ckg:predecessorOf ex:p3 .
"""

CONSTRUCT = "SELECT ?p WHERE { VALUES ?g { ex:p3 } ?p ckg:predecessorOf+ ?g }"
PORTABLE = "SELECT DISTINCT ?p WHERE { VALUES ?g { ex:p3 } ?p ckg:predecessorOf+ ?g }"


def test_path_match_once_per_path(engines: Engines) -> None:
    engines.load(DATA)
    once = [("ex:p1",), ("ex:p2a",), ("ex:p2b",)]
    # SPARQL 1.1 (18.4 ArbitraryLengthPath): a path's matches are a set of nodes.
    assert rows(engines.right(CONSTRUCT)) == once
    assert rows(engines.virtuoso(PORTABLE)) == once
    assert rows(engines.virtuoso(CONSTRUCT)) == rows([*once, ("ex:p1",)]), (
        "Virtuoso fixed this: the portable form in queries/group_lineage.rq (SELECT DISTINCT) "
        "and queries/attacks_by_region.rq can go"
    )
