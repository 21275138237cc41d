"""Issue 21.1: a big store's map reads every event's place, date and actor, and looks up
the labels, targets and fatalities only of the events whose details it shows.

The store here is small; ``DETAILS_UP_TO`` is lowered so that it counts as big. The truth
is the fixture file itself, read with rdflib (not through the code under test).
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import RDFS, Graph

from kg.namespace import CKG
from kg.viz.mapdata import collect
from kg.viz.mapview import map_page, map_payload

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "events.ttl"


@pytest.fixture
def store(tmp_path):
    from kg.embedded import open_store
    from kg.loading import load_files

    s = open_store(tmp_path / "store")
    load_files(s, [Path(str(files("kg.ontology").joinpath("conflict.ttl"))), FIXTURE])
    yield s
    s.close()


@pytest.fixture
def truth():
    g = Graph().parse(FIXTURE)
    labels = {str(s): str(o) for s, o in g.subject_objects(RDFS.label)}
    targets = {str(s): str(o) for s, o in g.subject_objects(CKG.target)}
    return labels, targets


def test_a_big_map_leaves_details_out_then_fills_those_it_shows(store, truth, monkeypatch):
    labels, targets = truth
    full = collect(store)
    assert not full.details_skipped
    monkeypatch.setattr("kg.viz.mapdata.events.DETAILS_UP_TO", 2)
    data = collect(store)
    assert data.details_skipped
    # What every picture needs is there for every event, the same as a full look-up.
    assert {k: (e.start, e.place, e.perpetrators) for k, e in data.events.items()} == {
        k: (e.start, e.place, e.perpetrators) for k, e in full.events.items()
    }
    some = sorted(i for i in data.events if i in labels and i in targets)[:2]
    assert some
    before = {i: data.events[i].label for i in some}
    assert all(before[i] != labels[i] for i in some)  # not looked up yet
    payload = map_payload(data, details=len(data.events))
    shown = {e["i"]: e for e in payload["events"]}
    for i in some:
        assert shown[i]["l"] == labels[i]
        assert data.events[i].targets and data.events[i].targets[0][0] == targets[i]


def test_a_closed_store_leaves_the_fallback_labels(store, monkeypatch):
    monkeypatch.setattr("kg.viz.mapdata.events.DETAILS_UP_TO", 2)
    data = collect(store)
    store.close()
    page = map_page(data)  # no error: the details are extras
    payload = json.loads(re.search(r'class="map-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert payload["events"] and all(e["l"] for e in payload["events"])
