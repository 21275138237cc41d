"""Virtuoso 7.2.5 cannot compile ``COALESCE`` around a join key computed from an aggregate.

docs/servers.md, "Dialects":

| `COALESCE(?longest, 0)` with `?longest` from an aggregate sub-select, or `COALESCE` around a
join key computed from it | `SQ156: Internal Optimized compiler error : Bad dfe in
sqlo_place_exp` | an aggregate that is always bound (`{ BIND(0 AS ?duration) } UNION { … }`
before `MAX`) and the join key without COALESCE |

On this data ``COALESCE(?longest, 0)`` alone in a ``BIND`` compiles; the join key does not.
"""

from __future__ import annotations

import pytest

from engine_defects.engines import Engines, QueryError, rows

# Three attacks by year, one lasting two days.
DATA = """
ex:a ckg:year 2020 ; ckg:durationDays 2 .
ex:b ckg:year 2021 .
ex:c ckg:year 2022 .
"""

# Each attack with the attacks that many years (the longest duration) later.
CONSTRUCT = """
SELECT ?x ?y WHERE {
  { SELECT (MAX(?days) AS ?longest) WHERE { ?d ckg:durationDays ?days } }
  ?x ckg:year ?yx .
  BIND(COALESCE(?yx + ?longest, ?yx) AS ?key)
  ?y ckg:year ?key .
}
"""

PORTABLE = """
SELECT ?x ?y WHERE {
  { SELECT (MAX(?days) AS ?longest) WHERE { { BIND(0 AS ?days) } UNION { ?d ckg:durationDays ?days } } }
  ?x ckg:year ?yx .
  BIND(?yx + ?longest AS ?key)
  ?y ckg:year ?key .
}
"""


def test_coalesce_over_aggregate(engines: Engines) -> None:
    engines.load(DATA)
    right = [("ex:a", "ex:c")]
    assert engines.right(CONSTRUCT) == engines.right(PORTABLE) == right
    assert rows(engines.virtuoso(PORTABLE)) == right
    with pytest.raises(QueryError, match="SQ156"):
        engines.virtuoso(CONSTRUCT)
        pytest.fail(
            "Virtuoso fixed this: the portable form in docs/servers.md can go (the flagship "
            "reads its durations from the derived graph now)"
        )
