"""One colour per actor, the same on every map and timeline of a store, colour-blind safe.

The palette is Okabe & Ito's (2008) set of seven colours that stay distinct under the
common colour-vision deficiencies (their eighth, black, is kept for lines and text). Who
gets which colour is decided once per store, not per picture: the actors that carried
out the most attacks in the whole store take the palette in order (ties broken by IRI),
so a map of one question's answer, the default map and the timeline colour JNIM alike.
Actors beyond the seventh share one grey ("other actors"); events without a known
perpetrator are a darker grey.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Okabe–Ito, ordered so that the first colours are the most distinct from each other.
PALETTE = (
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
OTHER_COLOUR = "#a8a8a8"
UNKNOWN_COLOUR = "#5f5f5f"
OTHER_KEY = "*other"
OTHER_LABEL = "other actors"
UNKNOWN_LABEL = "unknown perpetrator"


@dataclass
class ActorColours:
    """The colour of each actor of a store, decided by store-wide attack counts."""

    colours: dict[str, str] = field(default_factory=dict)
    #: Attacks per actor in the whole store (the ranking the colours follow).
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> ActorColours:
        """Give the palette to the actors with most attacks, in order (ties by IRI)."""
        ranked = sorted((k for k in counts if k), key=lambda k: (-counts[k], k))
        return cls({k: PALETTE[i] for i, k in enumerate(ranked[: len(PALETTE)])}, dict(counts))

    def key(self, actor: str) -> str:
        """The legend key an actor is drawn under: itself, ``*other`` or ``""`` (unknown)."""
        if not actor:
            return ""
        return actor if actor in self.colours else OTHER_KEY

    def colour(self, actor: str) -> str:
        """The colour of an actor (or of a legend key)."""
        if not actor:
            return UNKNOWN_COLOUR
        return self.colours.get(actor, OTHER_COLOUR)
