"""What the shapes judge against: the shapes themselves, the ontology, the country boxes.

The data graph handed to pySHACL holds the ontology (so ``sh:class`` and
``sh:targetClass`` follow ``rdfs:subClassOf``), the data and the country bounding boxes
of ``ontology/data/country-bounds.json``; never pyshacl's ``ont_graph``, which copies only
class and property axioms (PITFALLS.md). :func:`data_graph` builds it; the SPARQL engine
puts the same extra triples in a graph of its checkpoint.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.namespace import CKG, ontology_graph
from kg.terms import ID
from kg.validation.names import CKGSH

#: SHACL's one-argument path kinds, each with how SPARQL writes it around its inner path.
PATH_FORMS = (
    (SH.inversePath, "^{}"),
    (SH.zeroOrMorePath, "{}*"),
    (SH.oneOrMorePath, "{}+"),
    (SH.zeroOrOnePath, "{}?"),
)

__all__ = [
    "CountryBounds",
    "add_country_bounds",
    "bundled_shapes",
    "country_bounds",
    "data_graph",
    "ontology_graph",
    "ontology_subjects",
    "shapes_graph",
]


@functools.cache
def bundled_shapes() -> Graph:
    """The hand-written SHACL shapes of ``ontology/shapes.ttl``, parsed once per process."""
    text = files("kg.ontology").joinpath("shapes.ttl").read_text("utf-8")
    return Graph().parse(data=text, format="turtle")


@functools.cache
def shapes_graph() -> Graph:
    """Every shape validation applies: shapes.ttl plus one per disjointness axiom.

    The disjointness shapes are generated from ``conflict.ttl`` (kg.reasoning), so that an
    individual both a person and an armed group is refused without Java as well.
    """
    from kg.reasoning import disjointness_shapes

    graph = Graph()
    graph += bundled_shapes()
    graph += disjointness_shapes(ontology_graph())
    return graph


@functools.cache
def ontology_subjects() -> frozenset[Node]:
    """Nodes the ontology describes (classes, properties, concepts).

    Never pulled from the store: the bundled ontology already brings them into every
    data graph.
    """
    return frozenset(s for s in ontology_graph().subjects() if isinstance(s, URIRef))


@dataclass(frozen=True)
class CountryBounds:
    """A country's bounding box (WGS84 degrees, margin included) from the bundled file."""

    name: str
    iso2: str
    geonames_id: str
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    @property
    def iri(self) -> URIRef:
        """The country's instance IRI under the GeoNames convention."""
        return ID[f"place/geonames/{self.geonames_id}"]

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies inside the box."""
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


@functools.cache
def country_bounds() -> tuple[CountryBounds, ...]:
    """Bounding boxes of Mali and its region, widened by the file's margin."""
    raw = json.loads(files("kg.ontology.data").joinpath("country-bounds.json").read_text("utf-8"))
    margin = float(raw["marginDegrees"])
    return tuple(
        CountryBounds(
            name=c["name"],
            iso2=c["iso2"],
            geonames_id=c["geonamesId"],
            min_lat=round(c["minLatitude"] - margin, 4),
            max_lat=round(c["maxLatitude"] + margin, 4),
            min_lon=round(c["minLongitude"] - margin, 4),
            max_lon=round(c["maxLongitude"] + margin, 4),
        )
        for c in raw["countries"]
    )


def add_country_bounds(graph: Graph) -> int:
    """Attach the bundled bounding box to every ``ckg:Country`` of ``graph``; return how many.

    A country is recognised by its IRI (``ckgid:place/geonames/<id>``), its
    ``ckg:geonamesId`` or its ``ckg:countryCode``.
    """
    by_iri: dict[Node, CountryBounds] = {b.iri: b for b in country_bounds()}
    by_gid = {b.geonames_id: b for b in country_bounds()}
    by_iso = {b.iso2: b for b in country_bounds()}
    n = 0
    for country in set(graph.subjects(RDF.type, CKG.Country)):
        found = by_iri.get(country)
        if found is None:
            for gid in graph.objects(country, CKG.geonamesId):
                found = found or by_gid.get(str(gid))
        if found is None:
            for iso in graph.objects(country, CKG.countryCode):
                found = found or by_iso.get(str(iso).upper())
        if found is None:
            continue
        for prop, val in (
            (CKGSH.minLatitude, found.min_lat),
            (CKGSH.maxLatitude, found.max_lat),
            (CKGSH.minLongitude, found.min_lon),
            (CKGSH.maxLongitude, found.max_lon),
        ):
            graph.add((country, prop, Literal(str(val), datatype=XSD.decimal)))
        n += 1
    return n


def data_graph(*parts: Graph) -> Graph:
    """One new graph: the ontology, ``parts``, and the bounding boxes of the countries."""
    # rdflib copies at ~30 µs a triple, so the data graph is built once, from its parts.
    g = Graph()
    g += ontology_graph()
    for part in parts:
        g += part
    add_country_bounds(g)
    return g
