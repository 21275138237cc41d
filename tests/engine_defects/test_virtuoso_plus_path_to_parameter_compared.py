"""Virtuoso 7.2.5 folds a comparison with the parameter into a ``+`` path ending at it.

docs/servers.md, "Dialects":

| `?p (ckg:predecessorOf\\|^ckg:successorOf)+ ?_group_iri . ?p ckg:predecessorOf\\|^ckg:successorOf
?s . FILTER(?s = ?_group_iri \\|\\| …)` | no rows (`group_lineage`); the equality with the parameter
is folded into the path | walk from the parameter: `?s (…)* ?_group_iri . ?p
ckg:predecessorOf\\|^ckg:successorOf ?s` |

Both forms are ``SELECT DISTINCT``, as in queries/group_lineage.rq: without it Virtuoso
repeats the portable form's rows (see test_virtuoso_path_match_once_per_path.py).
"""

from __future__ import annotations

from engine_defects.engines import Engines, rows

# A chain of three organisations: p1 led to p2 (said from both ends), p2 led to p3.
DATA = """
ex:p1 ckg:predecessorOf ex:p2 .
ex:p3 ckg:successorOf ex:p2 .
"""

# The direct predecessor of the group itself: p2.
CONSTRUCT = """
SELECT DISTINCT ?p ?s WHERE {
  VALUES ?_group_iri { ex:p3 }
  ?p (ckg:predecessorOf|^ckg:successorOf)+ ?_group_iri .
  ?p ckg:predecessorOf|^ckg:successorOf ?s .
  FILTER(?s = ?_group_iri)
}
"""

# Every organisation on the way to the group, with its direct predecessor.
PORTABLE = """
SELECT DISTINCT ?p ?s WHERE {
  VALUES ?_group_iri { ex:p3 }
  ?s (ckg:predecessorOf|^ckg:successorOf)* ?_group_iri .
  ?p ckg:predecessorOf|^ckg:successorOf ?s .
}
"""


def test_plus_path_to_parameter_compared(engines: Engines) -> None:
    engines.load(DATA)
    right = rows(engines.right(CONSTRUCT))
    assert right == [("ex:p2", "ex:p3")]
    assert (
        rows(engines.virtuoso(PORTABLE))
        == rows(engines.right(PORTABLE))
        == [
            ("ex:p1", "ex:p2"),
            ("ex:p2", "ex:p3"),
        ]
    )
    assert engines.virtuoso(CONSTRUCT) == [], (
        "Virtuoso fixed this: the portable form in queries/group_lineage.rq can go"
    )
