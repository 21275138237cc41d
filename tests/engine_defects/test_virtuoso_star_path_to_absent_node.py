"""Virtuoso 7.2.5 matches a ``*`` path's zero steps at a node that is in no triple.

docs/servers.md, "Dialects":

| `?unit ckg:factionOf* ?_group_iri` for a group in no triple | lists the group itself
(Oxigraph does not) | `group_structure` asks for a group the data mentions |

SPARQL 1.1 (18.4, ZeroLengthPath) takes the zero-step match from the nodes of the graph,
so a term the data does not hold matches nothing. ``group_structure`` now walks
``ckg:inGroup`` of the derived graph instead, which holds only actors.
"""

from __future__ import annotations

from engine_defects.engines import Engines, rows

DATA = """
ex:faction ckg:factionOf ex:group .
"""

CONSTRUCT = (
    "SELECT ?unit WHERE { VALUES ?_group_iri { ex:nothing } ?unit ckg:factionOf* ?_group_iri }"
)
PORTABLE = "SELECT ?unit WHERE { VALUES ?_group_iri { ex:group } ?unit ckg:factionOf* ?_group_iri }"


def test_star_path_to_absent_node(engines: Engines) -> None:
    engines.load(DATA)
    assert engines.right(CONSTRUCT) == []
    mentioned = [("ex:faction",), ("ex:group",)]
    assert rows(engines.right(PORTABLE)) == rows(engines.virtuoso(PORTABLE)) == mentioned
    assert engines.virtuoso(CONSTRUCT) == [("ex:nothing",)], (
        "Virtuoso fixed this: the row in docs/servers.md can go (queries/group_structure.rq "
        "reads the derived ckg:inGroup now, which holds only actors)"
    )
