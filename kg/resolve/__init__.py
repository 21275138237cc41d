"""Entity resolution: which node of the graph a name from an importer means.

One module per idea; read :mod:`kg.resolve.resolver` first, its docstring states the rules.

* :mod:`~kg.resolve.names` — names reduced for comparison: :func:`normalise`,
  :func:`admin_key`, :func:`actor_keys`, and :func:`slug` for minting IRIs.
* :mod:`~kg.resolve.geo` — :func:`haversine_km`, the grid cells places are found by, and
  the distances within which a same-named place is the same place.
* :mod:`~kg.resolve.aliases` — :class:`AliasTable`, the curated ``aliases.csv``.
* :mod:`~kg.resolve.resolver` — :class:`Resolver` and what it answers (``Resolution``,
  :class:`Candidate`, ``PlaceEntry``): actors by name, places by name and position.
* :mod:`~kg.resolve.store` — :func:`resolver_from_store`: a resolver that knows every actor
  and place of a store, and which ontology classes are actors and places.

Importers and the extractor import from ``kg.resolve``; the names below are that interface.
"""

from __future__ import annotations

from kg.resolve.aliases import AliasTable
from kg.resolve.geo import haversine_km
from kg.resolve.names import actor_keys, admin_key, normalise, slug
from kg.resolve.resolver import Candidate, Resolver
from kg.resolve.store import resolver_from_store

__all__ = [
    "AliasTable",
    "Candidate",
    "Resolver",
    "actor_keys",
    "admin_key",
    "haversine_km",
    "normalise",
    "resolver_from_store",
    "slug",
]
