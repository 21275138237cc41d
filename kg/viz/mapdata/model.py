"""What is drawn: a :class:`MapData` of events, places, operations and their passages.

Plain data, filled once by :func:`kg.viz.mapdata.collect` and read by every picture. The
only look-up left to it is :meth:`MapData.fill_details`, which calls back into the store
through the function ``collect`` leaves in :attr:`MapData.details_lookup`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.viz.colours import ActorColours


@dataclass
class Passage:
    """A claim's source passage: the exact words, the modality and the document."""

    text: str
    modality: str | None = None
    document: str | None = None
    document_iri: str | None = None
    passage_iri: str | None = None
    claim_iri: str | None = None
    via: str | None = None  # set when the claim is about the event's operation


@dataclass
class Place:
    """A place with the coordinates it is drawn at (``None`` when unknown)."""

    iri: str
    label: str
    lon: float | None = None
    lat: float | None = None
    types: list[str] = field(default_factory=list)
    parent: str | None = None  # one hop of ckg:locatedIn
    #: Where the coordinates came from when the place has none of its own.
    approx_from: str | None = None
    #: The settlement an analyst would name (the town of a military post).
    town: str | None = None

    @property
    def located(self) -> bool:
        """Whether the place can be drawn."""
        return self.lon is not None and self.lat is not None

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the place is drawn, (lon, lat), or None when it cannot be."""
        if self.lon is None or self.lat is None:
            return None
        return (self.lon, self.lat)


@dataclass
class Event:
    """One event as the map and the timeline show it."""

    iri: str
    label: str
    start: str | None = None
    end: str | None = None
    types: list[str] = field(default_factory=list)
    perpetrators: list[tuple[str, str]] = field(default_factory=list)  # (iri, label)
    targets: list[tuple[str, str]] = field(default_factory=list)
    place: str | None = None
    fatalities: int | None = None
    operations: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    @property
    def perpetrator_key(self) -> str:
        """The perpetrator the event is coloured by (the first by label, or ``""``)."""
        return self.perpetrators[0][0] if self.perpetrators else ""


@dataclass
class Operation:
    """A coordinated operation (or any event with parts among the drawn events)."""

    iri: str
    label: str
    parts: list[str] = field(default_factory=list)


@dataclass
class Missing:
    """Something the answer names that cannot be drawn, and why."""

    iri: str
    label: str
    reason: str


@dataclass
class MapData:
    """Everything drawn, looked up once from the store."""

    title: str
    events: dict[str, Event] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    operations: dict[str, Operation] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    #: Places the answer names, drawn as places when it names no event.
    answer_places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    type_labels: dict[str, str] = field(default_factory=dict)
    #: A line of text per town (IRI) that its label on the map adds: the flagship's dates
    #: and gap, say.
    place_notes: dict[str, str] = field(default_factory=dict)
    #: Whether passages were left out (too many events); see
    #: :data:`kg.viz.mapdata.lookup.PASSAGES_UP_TO`.
    passages_skipped: bool = False
    #: What the drawn events are called: "attack" for the default map, else "event".
    noun: str = "attack"
    #: Each actor's colour, decided store-wide (see :mod:`kg.viz.colours`).
    colours: ActorColours = field(default_factory=ActorColours)
    #: Whether labels, event types, targets and fatalities were left out (too many
    #: events); :meth:`fill_details` looks them up for the events a picture shows.
    details_skipped: bool = False
    #: Looks up the details of the events it is given, in place (set by ``collect`` when
    #: it left them out).
    details_lookup: Callable[[list[str]], None] | None = field(
        default=None, repr=False, compare=False
    )
    _located: tuple[tuple[int, int, int], list[Event]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _detailed: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def located_events(self) -> list[Event]:
        """Events whose place has coordinates, in date order.

        The map, the timeline and the briefing's summary each ask; at 100k events the
        sort took a second a time, so the list is kept until events or places change
        in number (they are filled once, by ``collect``).
        """
        key = (
            len(self.events),
            len(self.places),
            sum(1 for p in self.places.values() if p.located),
        )
        if self._located is not None and self._located[0] == key:
            return list(self._located[1])
        out = [
            e for e in self.events.values() if e.place and self.places.get(e.place, NOWHERE).located
        ]
        out.sort(key=lambda e: (e.start or "", e.label))
        self._located = (key, out)
        return list(out)

    def fill_details(self, iris: Iterable[str]) -> None:
        """Look up the labels, types, targets and fatalities of ``iris`` if left out.

        Only needed after ``collect`` of a big default map (see
        :data:`kg.viz.mapdata.events.DETAILS_UP_TO`); a closed store leaves the events as
        they are (a label made of their kind and date), never fails the picture.
        """
        if not self.details_skipped or self.details_lookup is None:
            return
        todo = [i for i in dict.fromkeys(iris) if i in self.events and i not in self._detailed]
        if not todo:
            return
        try:
            self.details_lookup(todo)
        except Exception:  # noqa: BLE001 - the store may be closed; details are extras
            return
        self._detailed.update(todo)

    def perpetrator_counts(self, *, located_only: bool = False) -> list[tuple[str, str, int]]:
        """(iri, label, events) per perpetrator key, most events first; ``""`` is unknown."""
        events = self.located_events() if located_only else list(self.events.values())
        counts = Counter(e.perpetrator_key for e in events)
        out = []
        for key, n in counts.items():
            label = self.labels.get(key, short(key)) if key else "unknown perpetrator"
            out.append((key, label, n))
        return sorted(out, key=lambda t: (-t[2], t[1]))

    def place_label(self, iri: str | None) -> str:
        """A place's label, or ``"?"``."""
        if not iri:
            return "?"
        p = self.places.get(iri)
        return p.label if p else self.labels.get(iri, short(iri))

    def town_of(self, event: Event) -> str | None:
        """The IRI of the settlement an event happened in (or its own place)."""
        if not event.place:
            return None
        p = self.places.get(event.place)
        return (p.town or p.iri) if p else event.place

    def is_empty(self) -> bool:
        """Whether there is nothing at all to draw."""
        return not self.located_events() and not any(
            self.places[p].located for p in self.answer_places if p in self.places
        )

    def summary(self) -> str:
        """One line saying what was found, for stderr."""
        located = len(self.located_events())
        msg = f"{located} of {len(self.events)} events drawn"
        if self.answer_places:
            n = sum(1 for p in self.answer_places if self.places.get(p, NOWHERE).located)
            msg += f", {n} of {len(self.answer_places)} places"
        if self.missing:
            msg += f"; {len(self.missing)} without coordinates: " + ", ".join(
                m.label for m in self.missing[:8]
            )
            if len(self.missing) > 8:
                msg += f", … ({len(self.missing) - 8} more)"
        return msg


#: A place that is nowhere: what a look-up of an unknown place finds.
NOWHERE = Place(iri="", label="")


def short(iri: str) -> str:
    """The last segment of an IRI, for things without a label."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri


def type_label(data: MapData, iri: str) -> str:
    """A readable label for an event type IRI."""
    return data.type_labels.get(iri) or data.labels.get(iri) or short(iri)
