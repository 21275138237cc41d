"""The input files of docs/safety.md's console examples are the catalogue's own cases.

tests/test_docs_console.py runs every example of the page (safety.md is in its
``CONVERTED``), reading its files from ``tests/fixtures/docs/safety/``. Those files are
committed, so that a reader can open them; this test is their witness: each is what the
catalogue (``tests/test_catalogue_cases.py``, ``tests/test_catalogue_bad_input.py``)
builds for the case the page describes, so the page shows the refusal of the very input
the catalogue tries, and a change to a case cannot leave the page's file behind.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_catalogue_bad_input import BEND, GRAPH, ID, PREFIXES, laughs
from test_catalogue_cases import acled, unclosed_quote

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "tests" / "fixtures" / "docs" / "safety"
NO_XSD = PREFIXES.replace("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n", "")

#: Each file of the page's examples, and the bytes the catalogue's case gives it.
CASES: dict[str, bytes] = {
    "bend.trig": BEND.replace(PREFIXES, NO_XSD).encode(),
    "disjoint.trig": (
        PREFIXES + f"<{GRAPH}doc/d> {{ ckg:Attack owl:disjointWith ckg:Event . }}\n"
    ).encode(),
    "both.ttl": (PREFIXES + f"<{ID}person/x> a ckg:Person, ckg:ArmedGroup .\n").encode(),
    "onto.trig": f"<{GRAPH}ontology> {{ <urn:a> <urn:b> <urn:c> . }}\n".encode(),
    "mine.ttl": b"<urn:a> <urn:b> <urn:c> .\n",
    # 719 bytes that would expand to 300 MB (each entity is ten of the one before).
    "laughs.rdf": laughs(8),
    "remote.jsonld": (
        f'{{"@context": "https://example.org/context.jsonld", "@id": "{ID}x", "p": "one"}}\n'
    ).encode(),
    # An ACLED export re-saved by Excel: a right single quote in row 1's notes, as cp1252.
    "resaved.csv": acled((1, "notes", "JNIM\u2019s attack at Kay\u00e8s")).encode("cp1252"),
    "quote.csv": unclosed_quote().encode(),
    "noprec.csv": acled((1, "time_precision", "")).encode(),
    "mali.csv": acled().encode(),
    "ML.txt": (ROOT / "tests" / "fixtures" / "import" / "geonames-sample.txt").read_bytes(),
    "empty.txt": b"",
}


def test_the_page_reads_only_these_files():
    assert {path.name for path in FILES.iterdir()} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_file_is_the_catalogues_case(name):
    assert (FILES / name).read_bytes() == CASES[name], (
        f"tests/fixtures/docs/safety/{name} is not the catalogue's case any more: "
        "write it again from the case (and run tests/test_docs_console.py for the page)"
    )


def test_the_page_is_run_by_the_docs_console_test():
    from test_docs_console import CONVERTED

    assert "safety.md" in CONVERTED
