"""Virtuoso 7.2.5 does not see a ``VALUES`` parameter inside an ``OPTIONAL``'s ``FILTER``.

docs/servers.md, "Dialects":

| `OPTIONAL { … FILTER(… ?__date_xsd_date …) }`, the parameter bound by the enclosing group's
`VALUES` | inside the OPTIONAL the parameter is unbound: the filter keeps what it should drop
(`group_structure` as of 2016 listed a 2017 role) | the filtered part as a sub-select, which
gets its own `VALUES` block: `OPTIONAL { { SELECT … WHERE { … FILTER(…) } } … }` |

The portable form is written here as ``kg.sparql`` sends it: the parameter's ``VALUES``
block repeated inside the sub-select.
"""

from __future__ import annotations

from engine_defects.engines import Engines, rows

# Two roles in one group: one started in 2015, one in 2017.
DATA = """
ex:g ckg:foundingDate "2014-01-01"^^xsd:date .
ex:role2015 ckg:organization ex:g ; ckg:startDate "2015-01-01"^^xsd:date .
ex:role2017 ckg:organization ex:g ; ckg:startDate "2017-03-02"^^xsd:date .
"""

# The roles held on 2016-01-01 (no date: every role, as in group_structure).
CONSTRUCT = """
SELECT ?role WHERE {
  VALUES ?__date_xsd_date { "2016-01-01"^^xsd:date }
  ex:g ckg:foundingDate ?founded .
  OPTIONAL {
    ?role ckg:organization ex:g ; ckg:startDate ?start .
    FILTER(!BOUND(?__date_xsd_date) || ?start < ?__date_xsd_date)
  }
}
"""

PORTABLE = """
SELECT ?role WHERE {
  VALUES ?__date_xsd_date { "2016-01-01"^^xsd:date }
  ex:g ckg:foundingDate ?founded .
  OPTIONAL {
    {
      SELECT ?role WHERE {
        VALUES ?__date_xsd_date { "2016-01-01"^^xsd:date }
        ?role ckg:organization ex:g ; ckg:startDate ?start .
        FILTER(!BOUND(?__date_xsd_date) || ?start < ?__date_xsd_date)
      }
    }
  }
}
"""


def test_optional_filter_loses_values_parameter(engines: Engines) -> None:
    engines.load(DATA)
    right = [("ex:role2015",)]
    assert rows(engines.right(CONSTRUCT)) == right
    assert rows(engines.right(PORTABLE)) == right
    assert rows(engines.virtuoso(PORTABLE)) == right
    assert rows(engines.virtuoso(CONSTRUCT)) == [
        ("ex:role2015",),
        ("ex:role2017",),
    ], "Virtuoso fixed this: the portable form in queries/group_structure.rq can go"
