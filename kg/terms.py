"""Fixed IRIs of the project: namespaces, bases for instances, reserved graphs, prefixes.

Everything that mints an IRI takes its base from here, so an IRI never changes spelling
between the loader, the importers, the queries and the tests. Everything that writes an
IRI short (``ckgid:group/jnim``) or starts a query with PREFIX lines takes the prefix from
:data:`PREFIXES`.

>>> print(sparql_prefixes("ckg", "rdfs"), end="")
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
>>> split_iri("https://w3id.org/conflict-kg/id/event-type/attack", ("ckgid", "ckgt"))
('ckgt', 'attack')
>>> split_iri("https://example.org/x") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable

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

#: Namespace of the shapes and of the validation-only vocabulary (prefix ``ckgsh:``).
SHAPES_NS = "https://w3id.org/conflict-kg/shapes#"

#: The one table of prefixes: every prefix the code writes an IRI with, and its namespace.
#: Each writer shows IRIs with its own selection of these names (a query table writes
#: ``ckgid:event-type/attack``, a validation report ``ckgt:attack``) and keeps its own
#: rule for what a local name may hold; none keeps a copy of a namespace. Saved questions
#: (``queries/*.rq``) carry their own PREFIX lines, so that a file runs as written anywhere.
PREFIXES: dict[str, str] = {
    "ckg": CKG_NS,
    "ckgid": str(ID),
    "ckggraph": str(GRAPH),
    "ckgsh": SHAPES_NS,
    "ckgt": str(ID) + "event-type/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "void": "http://rdfs.org/ns/void#",
    "org": str(ORG),
    "geo": str(GEO),
    "time": str(TIME),
    "sem": str(SEM),
    "wd": str(WD),
    "sh": "http://www.w3.org/ns/shacl#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def sparql_prefixes(*names: str) -> str:
    """The PREFIX lines that start a query built in code, for ``names`` of :data:`PREFIXES`."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)


def split_iri(iri: str, names: Iterable[str] = PREFIXES) -> tuple[str, str] | None:
    """``(prefix, local)`` for the longest namespace among ``names`` that starts ``iri``.

    ``local`` may be empty (the IRI is the namespace itself); None when no namespace fits.
    """
    best: tuple[str, str] | None = None
    for name in names:
        base = PREFIXES[name]
        if iri.startswith(base) and (best is None or len(base) > len(PREFIXES[best[0]])):
            best = (name, iri[len(base) :])
    return best
