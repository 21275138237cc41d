"""kg.rdfio: one parser for load, add and validate; one N-Triples term writer (issue 20.3).

``ckg load`` streams :func:`kg.rdfio.read_quads`; ``ckg add`` and ``ckg validate FILE``
read :func:`kg.rdfio.read_rdflib_quads`, the same parser's quads as rdflib terms. The errors
both give name the file, line and column in the same words.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from kg.errors import InputError
from kg.loading import parse_source, source_for_file
from kg.rdfio import read_rdflib_quads
from kg.rdfio.ntriples import lang_lit, lit, typed

TRIG = """@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:g1 { ex:a ex:p "Tombouctou"@fr , "Timbuktu" ; ex:n 3 ; ex:d "2023-03-01"^^xsd:date ;
          ex:q [ ex:r ex:b ] . }
ex:b ex:p "no graph" .
"""


def test_the_gate_reads_what_rdflib_reads_with_the_parser_load_uses(tmp_path):
    path = tmp_path / "batch.trig"
    path.write_text(TRIG, encoding="utf-8")
    ours = Dataset()
    for s, p, o, name in read_rdflib_quads(path):
        ours.graph(name).add((s, p, o))
    theirs = Dataset().parse(data=TRIG, format="trig")
    for name in ("https://example.org/g1", None):
        mine = ours.graph(name) if name else ours.default_graph
        expected = theirs.graph(name) if name else theirs.default_graph
        assert len(mine) == len(expected) > 0
        assert isomorphic(mine, expected)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "<a> <urn:p> <urn:o> .\n",
            "relative IRI <a> but the file declares no @base (column 1): add @base",
        ),
        ("<urn:a b> <urn:p> <urn:o> .\n", "malformed IRI <urn:a b> (column 1)"),
        ("ex:a <urn:p> <urn:o> .\n", "unknown prefix ex: (column 1; declare it: @prefix ex:"),
        (b'<urn:a> <urn:p> "\xe9t\xe9" .\n', "not UTF-8 text (column 18)"),
    ],
)
def test_load_and_the_gate_say_the_same_about_a_bad_file(tmp_path, content, words):
    path = tmp_path / "bad.ttl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as loaded:
        parse_source(source_for_file(path))
    with pytest.raises(InputError) as gated:
        read_rdflib_quads(path)
    for error in (loaded.value, gated.value):
        assert str(error).startswith(f"{path}:1: ")
        assert words in str(error)


def test_the_gate_bounds_nesting_that_load_streams(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text("<urn:a> <urn:p> " + "( " * 300 + ")" * 300 + " .\n", encoding="utf-8")
    assert parse_source(source_for_file(path))  # Oxigraph does not recurse
    with pytest.raises(InputError, match="nest deeper"):
        read_rdflib_quads(path)


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "two\nlines\r\tand\x00nul", "é 中"])
def test_written_literals_read_back_as_they_were(text):
    line = f"<urn:a> <urn:p> {lit(text)} .\n<urn:a> <urn:q> {lang_lit(text, 'fr')} .\n"
    line += f"<urn:a> <urn:r> {typed(text, 'string')} .\n"
    values = [q.object.value for q in ox.parse(line.encode(), ox.RdfFormat.N_TRIPLES)]
    assert values == [text, text, text]
