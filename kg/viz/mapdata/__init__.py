"""What a map, a timeline or an export draws: events and places looked up from an answer.

:func:`collect` turns a saved question's answer (or, with none, every attack in the
store) into a :class:`MapData`. Its parts, each one idea:

* :mod:`~kg.viz.mapdata.model` — :class:`MapData` and what it holds (events, places,
  operations, passages, what cannot be drawn);
* :mod:`~kg.viz.mapdata.fetcher` — the look-up queries: facts of many IRIs, bound
  through ``VALUES`` or read by one scan of the store;
* :mod:`~kg.viz.mapdata.events`, :mod:`~kg.viz.mapdata.places`,
  :mod:`~kg.viz.mapdata.passages` — what is looked up of each;
* :mod:`~kg.viz.mapdata.lookup` — :func:`collect`, which classifies the answer and
  runs the rest.

Nothing here draws; :mod:`kg.viz.mapview`, :mod:`kg.viz.timeline` and
:mod:`kg.viz.export` turn a :class:`MapData` into pictures and files.
"""

from __future__ import annotations

from kg.viz.mapdata.fetcher import values_block
from kg.viz.mapdata.lookup import actor_colours, attack_counts, collect, labels_for
from kg.viz.mapdata.model import (
    Event,
    MapData,
    Missing,
    Operation,
    Passage,
    Place,
    short,
    type_label,
)
from kg.viz.mapdata.passages import fetch_passages

__all__ = [
    "Event",
    "MapData",
    "Missing",
    "Operation",
    "Passage",
    "Place",
    "actor_colours",
    "attack_counts",
    "collect",
    "fetch_passages",
    "labels_for",
    "short",
    "type_label",
    "values_block",
]
