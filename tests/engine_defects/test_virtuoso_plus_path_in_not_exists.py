"""Virtuoso 7.2.5 fails a ``+`` path ending at an outer variable inside NOT EXISTS or MINUS.

docs/servers.md, "Dialects":

| a `+` path ending at an outer variable inside `FILTER NOT EXISTS` or `MINUS` | `SQ200: No
column …` | `OPTIONAL { … ?between (…)+ ?s } FILTER(!BOUND(?between))` |

On this data Virtuoso does not raise SQ200 but answers no rows at all (the error came with
the rest of group_lineage's old text); either way the construct cannot be used. All forms
are ``SELECT DISTINCT``, as in queries/group_lineage.rq (see
test_virtuoso_path_match_once_per_path.py for why).
"""

from __future__ import annotations

import pytest

from engine_defects.engines import Engines, rows

# A lineage p1 -> p2 -> p3 -> p4, the last step said from the successor's side.
DATA = """
ex:p1 ckg:predecessorOf ex:p2 .
ex:p2 ckg:predecessorOf ex:p3 .
ex:p4 ckg:successorOf ex:p3 .
"""

# Each organisation on the way to the group with its direct predecessor.
HEAD = """
SELECT DISTINCT ?p ?s WHERE {
  VALUES ?_group_iri { ex:p4 }
  ?s (ckg:predecessorOf|^ckg:successorOf)* ?_group_iri .
  ?p ckg:predecessorOf|^ckg:successorOf ?s .
"""
BETWEEN = (
    "?p ckg:predecessorOf|^ckg:successorOf ?between . "
    "?between (ckg:predecessorOf|^ckg:successorOf)+ ?s ."
)
CONSTRUCTS = {
    "not-exists": HEAD + "FILTER NOT EXISTS { " + BETWEEN + " } }",
    "minus": HEAD + "MINUS { " + BETWEEN + " } }",
}
PORTABLE = HEAD + "OPTIONAL { " + BETWEEN + " } FILTER(!BOUND(?between)) }"


@pytest.mark.parametrize("form", sorted(CONSTRUCTS))
def test_plus_path_in_not_exists(engines: Engines, form: str) -> None:
    engines.load(DATA)
    right = [("ex:p1", "ex:p2"), ("ex:p2", "ex:p3"), ("ex:p3", "ex:p4")]
    assert rows(engines.right(CONSTRUCTS[form])) == rows(engines.right(PORTABLE)) == right
    assert rows(engines.virtuoso(PORTABLE)) == right
    assert engines.virtuoso(CONSTRUCTS[form]) == [], (
        "Virtuoso fixed this: the portable form in queries/group_lineage.rq can go"
    )
