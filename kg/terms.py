"""Fixed IRIs of the project: namespaces, bases for instances, and reserved graphs.

Everything that mints an IRI takes its base from here, so an IRI never changes spelling
between the loader, the importers, the queries and the tests.
"""

from __future__ import annotations

from rdflib import Namespace

#: The ontology namespace (prefix ``ckg:``); terms live in :mod:`kg.namespace`.
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"
CKG_NS = ONTOLOGY_IRI + "#"

#: Base of instance IRIs: ``ID["group/jnim"]``, ``ID["place/geonames/2455518"]``.
ID = Namespace("https://w3id.org/conflict-kg/id/")

#: Base of named-graph IRIs.
GRAPH = Namespace("https://w3id.org/conflict-kg/graph/")

#: Holds one description per named graph (source, loaded-at, triple count, staleness).
META_GRAPH = GRAPH["meta"]

#: The meta graph's vocabulary, for every store (embedded or a server): a graph's
#: description has the graph's IRI as subject and these predicates, by key.
META_PREDICATES: dict[str, str] = {
    "triples": "http://rdfs.org/ns/void#triples",
    "source": "http://purl.org/dc/terms/source",
    "loaded_at": "http://purl.org/dc/terms/modified",
    "title": "http://purl.org/dc/terms/title",
    "stale": CKG_NS + "stale",
    # A fresh token on every write of the graph, in the same transaction as the data.
    "revision": CKG_NS + "revision",
}

#: Holds the consequences computed by ``ckg reason`` and nothing else.
INFERRED_GRAPH = GRAPH["inferred"]

#: Holds the derived facts (kg.derive) and nothing else; part of every query's default graph.
DERIVED_GRAPH = GRAPH["derived"]

#: The ontology itself, loaded with the bundled data so queries can see class axioms.
ONTOLOGY_GRAPH = GRAPH["ontology"]

#: Graphs that are not data: queries never use them as part of the default graph.
RESERVED_GRAPHS = frozenset({str(META_GRAPH)})

#: Prefix of the staging graphs of ``ckg extract``: candidates awaiting review, never data.
STAGING_PREFIX = str(GRAPH) + "staging/"

# Standard namespaces used by the ontology and the data.
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
TIME = Namespace("http://www.w3.org/2006/time#")
WD = Namespace("http://www.wikidata.org/entity/")
GN = Namespace("https://sws.geonames.org/")
ACLED = Namespace("https://w3id.org/conflict-kg/acled#")
