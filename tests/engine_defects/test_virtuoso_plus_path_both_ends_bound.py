"""Virtuoso 7.2.5 walks a ``+`` path whose two ends the row binds one step only.

docs/servers.md, "Dialects":

| `?n rdfs:subClassOf+ ?class` with both ends bound by the row | the same one-step walk
(`lookup_name` on a reasoned store listed `ckg:Place` beside `ckg:Village`) | a free end
compared as a string: `?n rdfs:subClassOf+ ?b FILTER(STR(?b) = STR(?class))` |

The query is lookup_name's old "most specific class": a class of the resource that no
other class of it lies below.
"""

from __future__ import annotations

from engine_defects.engines import Engines, rows

# A village, with the classes a reasoner adds: Village below Town below Place.
DATA = """
ex:Town rdfs:subClassOf ckg:Place .
ex:Village rdfs:subClassOf ex:Town .
ex:fama a ex:Village , ex:Town , ckg:Place .
"""

CONSTRUCT = """
SELECT ?n ?class WHERE {
  ?n a ?class .
  FILTER NOT EXISTS {
    ?n a ?narrower .
    ?narrower rdfs:subClassOf+ ?class .
    FILTER(?narrower != ?class)
  }
}
"""

PORTABLE = """
SELECT ?n ?class WHERE {
  ?n a ?class .
  FILTER NOT EXISTS {
    ?n a ?narrower .
    ?narrower rdfs:subClassOf+ ?broader .
    FILTER(?narrower != ?class && STR(?broader) = STR(?class))
  }
}
"""


def test_plus_path_both_ends_bound(engines: Engines) -> None:
    engines.load(DATA)
    right = [("ex:fama", "ex:Village")]
    assert engines.right(CONSTRUCT) == engines.right(PORTABLE) == right
    assert engines.virtuoso(PORTABLE) == right
    # Village -> Place is two steps: lost, so Place looks like a most specific class.
    assert rows(engines.virtuoso(CONSTRUCT)) == [
        ("ex:fama", "ckg:Place"),
        ("ex:fama", "ex:Village"),
    ], (
        "Virtuoso fixed this: the portable form in docs/servers.md can go "
        "(queries/lookup_name.rq reads the derived ckg:mostSpecificClass now)"
    )
