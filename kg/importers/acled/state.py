"""What one ACLED file has resolved and written so far, shared by rows, actors and places."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kg.importers import ImportSummary, Unresolved
from kg.resolve import Candidate


@dataclass
class FileState:
    """What one file has resolved and written so far (each file is its own graph)."""

    summary: ImportSummary
    lines: list[str]
    emitted: set[str]
    actors: dict[str, str]
    places: dict[tuple[str, ...], str]
    admins: dict[tuple[str, ...], str]
    unresolved: dict[tuple[str, str], Unresolved]
    with_inter: set[str]
    #: minted places by (country, admin1, name key): [(iri, lat, lon)], for merging
    siblings: dict[tuple[str, str, str], list[tuple[str, float | None, float | None]]] = field(
        default_factory=dict
    )
    #: actor-based files: event ID → (first line, what must agree, actors written)
    events: dict[str, tuple[int, tuple[str, ...], set[str]]] = field(default_factory=dict)
    #: event types of the file's rows, to say loudly when none of them is an attack
    types: Counter[str] = field(default_factory=Counter)
    #: lines whose time_precision is empty (read as day precision unless strict)
    empty_precision: list[int] = field(default_factory=list)


def others(candidates: tuple[Candidate, ...], iri: str) -> tuple[Candidate, ...]:
    # The node itself, minted by an earlier import of the same file, is no candidate.
    return tuple(c for c in candidates if c.iri != iri)[:3]
