"""What importers read from the bundled ontology: ACLED's concepts and each class's concept.

ACLED's event types, sub-event types and legacy types are SKOS concepts of
``ckg:AcledTypeScheme`` with their exact ACLED spelling as ``skos:notation`` (legacy ones
prefixed ``legacy:``); each event class names its concept in the ckg scheme with
``ckg:eventTypeConcept``. Reading them from ``conflict.ttl`` keeps importers and ontology
in step: a renamed concept fails here, not silently in the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.namespace import ontology_graph
from kg.resolve import normalise
from kg.terms import CKG_NS

__all__ = ["Vocabulary", "ontology_graph", "vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """ACLED concepts by normalised notation, and ckg event classes' concepts."""

    acled: dict[str, str]
    acled_legacy: dict[str, str]
    class_concept: dict[str, str]

    def concept_of(self, class_local: str) -> str:
        """The ckg event-type concept IRI of the event class ``ckg:<class_local>``."""
        return self.class_concept[CKG_NS + class_local]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Read the ACLED scheme and the class → concept links from the bundled ontology."""
    graph = ontology_graph()
    scheme = URIRef(CKG_NS + "AcledTypeScheme")
    acled: dict[str, str] = {}
    legacy: dict[str, str] = {}
    for concept in graph.subjects(SKOS.inScheme, scheme):
        for notation in graph.objects(concept, SKOS.notation):
            text = str(notation)
            if text.startswith("legacy:"):
                legacy[normalise(text[len("legacy:") :])] = str(concept)
            else:
                acled[normalise(text)] = str(concept)
    link = URIRef(CKG_NS + "eventTypeConcept")
    class_concept = {str(c): str(k) for c, k in graph.subject_objects(link)}
    return Vocabulary(acled, legacy, class_concept)
