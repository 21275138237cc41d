"""Issue 16.5: the before-founding rule holds for every role an actor plays in an event.

The gate refused "JNIM attacked Timbuktu in 2012" only with JNIM as ckg:perpetrator; as
ckg:actor of a territorial-control event, as a target actor, or as the claimant of a claim
about the event it was accepted. Each role below must now be refused by `ckg add`, with
the store unchanged, while the same batch dated after JNIM's founding is accepted.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from kg.cli.main import cli


def fingerprint(store_dir: Path) -> frozenset[str]:
    """Every quad of the store, the meta graph included, as N-Quads."""
    db = ox.Store(str(store_dir))
    try:
        return frozenset(str(q) for q in db.quads_for_pattern(None, None, None, None))
    finally:
        del db
        gc.collect()


HEAD = """@base <https://w3id.org/conflict-kg/id/> .
@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .
@prefix ckgt: <https://w3id.org/conflict-kg/id/event-type/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

EVENT = """<https://w3id.org/conflict-kg/graph/doc/curator-batch> {{
  <event/{date}-x> a ckg:{kind} ;
      rdfs:label "An event on {date}"@en ;
      ckg:eventType ckgt:{etype} ;
      ckg:startDate "{date}"^^xsd:date ; ckg:endDate "{date}"^^xsd:date ;
      ckg:datePrecision ckg:DayPrecision ;
      ckg:place <place/site/kayes-military-post> ;
      {roles} .
  {extra}
}}
"""

CASES = {
    "actor": ("TerritorialControl", "territory-taken", "ckg:actor <group/jnim>", ""),
    "target actor": (
        "Attack",
        "attack",
        "ckg:perpetrator <group/fama> ; ckg:targetActor <group/jnim>",
        "",
    ),
    "associated actor": (
        "Attack",
        "attack",
        "ckg:perpetrator <group/ansar-dine> ; ckg:associatedActor <group/jnim>",
        "",
    ),
    "claimant": (
        "Attack",
        "attack",
        "ckg:perpetrator <group/ansar-dine>",
        (
            "<claim/x> a ckg:Claim ; ckg:about <event/{date}-x> ; ckg:claimant <group/jnim> ; "
            'ckg:modality ckg:ClaimedByParty ; ckg:statement "JNIM claims it."@en .'
        ),
    ),
}


def batch(tmp_path: Path, role: str, date: str) -> Path:
    kind, etype, roles, extra = CASES[role]
    text = HEAD + EVENT.format(
        date=date, kind=kind, etype=etype, roles=roles, extra=extra.format(date=date)
    )
    path = tmp_path / f"{role.replace(' ', '-')}-{date}.trig"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("role", list(CASES))
def test_every_role_is_held_to_the_founding_date(role: str, bundled_store_dir: Path, tmp_path):
    runner = CliRunner()
    before = fingerprint(bundled_store_dir)
    bad = batch(tmp_path, role, "2012-04-01")
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "add", str(bad)])
    assert result.exit_code == 1, result.output
    assert "before JNIM was founded on 2017-03-02" in result.stdout
    assert fingerprint(bundled_store_dir) == before
    # The same facts after the founding date pass this rule (whatever else they lack).
    good = batch(tmp_path, role, "2025-04-01")
    later = runner.invoke(cli, ["--store", str(bundled_store_dir), "validate", str(good)])
    assert "was founded on" not in later.stdout, later.stdout
