"""Virtuoso 7.2.5 moves a ``FILTER`` after an ``OPTIONAL`` into it.

docs/servers.md, "Dialects":

| `OPTIONAL { ?_param ckg:foundingDate ?d } FILTER(!BOUND(?d) \\|\\| ?d <= ?date)` | moves the
FILTER into the OPTIONAL and keeps rows it should drop | `FILTER NOT EXISTS { ?_param
ckg:foundingDate ?d FILTER(?d > ?date) }` |

Not the ``<=`` defect on dates (kg.remote.portable_comparisons): ``!(?d > ?date)`` keeps
the same wrong row.
"""

from __future__ import annotations

import pytest

from engine_defects.engines import Engines, rows

# A group founded in 2017 and one with no founding date.
DATA = """
ex:g ckg:foundingDate "2017-03-02"^^xsd:date .
ex:h ckg:name "h" .
"""

# The groups that existed on 2016-01-01: only ex:h (no known founding date).
CONSTRUCT = """
SELECT ?_param WHERE {
  VALUES (?_param ?date) { (ex:g "2016-01-01"^^xsd:date) }
  OPTIONAL { ?_param ckg:foundingDate ?d }
  FILTER(!BOUND(?d) || COMPARISON)
}
"""

PORTABLE = """
SELECT ?_param WHERE {
  VALUES (?_param ?date) { (ex:g "2016-01-01"^^xsd:date) }
  FILTER NOT EXISTS { ?_param ckg:foundingDate ?d FILTER(?d > ?date) }
}
"""


@pytest.mark.parametrize("comparison", ["?d <= ?date", "!(?d > ?date)"])
def test_optional_then_filter_moved_inside(engines: Engines, comparison: str) -> None:
    engines.load(DATA)
    construct = CONSTRUCT.replace("COMPARISON", comparison)
    assert engines.right(construct) == engines.right(PORTABLE) == []
    assert engines.virtuoso(PORTABLE) == []
    assert rows(engines.virtuoso(construct)) == [("ex:g",)], (
        "Virtuoso fixed this: the portable forms in queries/group_leaders_on_date.rq and "
        "queries/group_structure.rq (sub-selects that count the founding dates) can go"
    )
