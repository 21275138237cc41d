"""A place whose only coordinates are a GeoSPARQL WKT point is drawn at that point.

Regression: the embedded store's look-up returns subjects as strings, and the WKT values
were looked up by ``URIRef`` keys, which never equal a string key — so a place with
``geo:hasGeometry/geo:asWKT`` and no ``ckg:latitude``/``ckg:longitude`` was listed as
"no coordinates" and left off the map.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from kg.viz.mapdata import collect

ID = "https://w3id.org/conflict-kg/id/"
DATA = """@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix id: <https://w3id.org/conflict-kg/id/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:place\\/menaka a ckg:Town ; rdfs:label "Ménaka"@fr ;
    geo:hasGeometry id:place\\/menaka-point .
id:place\\/menaka-point geo:asWKT "POINT(2.4 15.9)"^^geo:wktLiteral .
id:group\\/isgs rdfs:label "Islamic State Sahel Province"@en .
id:event\\/menaka-attack a ckg:Attack ; rdfs:label "Attack at Ménaka"@en ;
    ckg:perpetrator id:group\\/isgs ; ckg:place id:place\\/menaka ;
    ckg:startDate "2024-05-02"^^xsd:date .
"""


@pytest.fixture
def store(tmp_path: Path):
    from kg.embedded import open_store
    from kg.loading import load_files

    path = tmp_path / "menaka.ttl"
    path.write_text(DATA, encoding="utf-8")
    s = open_store(tmp_path / "store")
    load_files(s, [Path(str(files("kg.ontology").joinpath("conflict.ttl"))), path])
    yield s
    s.close()


def test_a_town_with_only_a_wkt_point_is_drawn_there(store):
    data = collect(store)
    town = data.places[ID + "place/menaka"]
    assert (town.lon, town.lat) == (2.4, 15.9)
    assert [e.iri for e in data.located_events()] == [ID + "event/menaka-attack"]
    assert not data.missing
