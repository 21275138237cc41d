"""Issue 21.1: the briefing's claims section stays bounded on a store of many claims.

An ACLED import has one claim per row; a briefing must not read 100k claims to show 60 per
document. Above ``CLAIMS_IN_FULL_UP_TO`` it reads the first of each document and counts
the rest with one grouped query. The counts it prints are checked against the bundled
TriG files read with rdflib (the witness), with the limits lowered so that the bundled
seed (138 claims) counts as many.
"""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files

from rdflib import Dataset

from kg.namespace import CKG
from kg.viz import report


def _truth() -> Counter:
    ds = Dataset(default_union=True)  # the claims sit in named graphs
    for f in files("kg.ontology.data").iterdir():
        if f.name.endswith(".trig"):
            ds.parse(data=f.read_text("utf-8"), format="trig")
    per_doc: Counter = Counter()
    seen = set()
    for claim, passage in ds.subject_objects(CKG.passage):
        if (claim, passage) in seen or ds.value(passage, CKG.text) is None:
            continue
        seen.add((claim, passage))
        doc = ds.value(passage, CKG.inDocument)
        per_doc["" if doc is None else str(doc)] += 1
    return per_doc


def test_many_claims_are_counted_not_read(bundled_store, monkeypatch):
    truth = _truth()
    assert sum(truth.values()) > 20
    assert report.claim_counts(bundled_store) == dict(truth)
    monkeypatch.setattr("kg.viz.report.claims.CLAIMS_IN_FULL_UP_TO", 10)
    monkeypatch.setattr("kg.viz.report.claims.MAX_CLAIMS_PER_DOCUMENT", 3)
    brief = report.build_briefing(bundled_store, ["towns_attacked_twice"], validate=False)
    html = brief.html
    lead = re.search(r'<p class="lead">(.*?)</p>', html, re.DOTALL).group(1)
    assert f"{sum(truth.values())} claims from {len(truth)} sources" in lead
    articles = re.findall(r'<article class="document">(.*?)</article>', html, re.DOTALL)
    assert len(articles) == len(truth)
    for art in articles:
        n = int(re.search(r"· ([\d,]+) claims?</p>", art).group(1).replace(",", ""))
        assert n in truth.values()
        assert len(re.findall(r"<tr id=", art)) == min(n, 3), art[:200]
        assert (f"First 3 of {n:,} claims" in art) == (n > 3)
    # Every document's count shows once, as the witness has it.
    shown = sorted(int(m.replace(",", "")) for m in re.findall(r"· ([\d,]+) claims?</p>", html))
    assert shown == sorted(truth.values())
