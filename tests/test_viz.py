"""Maps, timelines, the briefing and exports (kg.viz, ckg map/timeline/report/export).

Pictures are checked for content — size, markers drawn in the perpetrator's colour, links,
the missing-places list — not only for existence. The browser tests are in
test_browser.py.
"""

from __future__ import annotations

import csv
import io
import json
import re
import types
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.errors import QueryError, UsageError
from kg.store import QueryResult
from kg.viz import geo, questions
from kg.viz.export import export, write_map
from kg.viz.mapdata import collect, values_block
from kg.viz.mapview import PALETTE, map_payload, spanning_edges
from kg.viz.report import build_briefing, validation_status
from kg.viz.staticmap import map_scene
from kg.viz.timeline import PAIR_COLOUR, Pair, pairs_from_answer, timeline_scene, write_timeline

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "events.ttl"
ID = "https://w3id.org/conflict-kg/id/"
JNIM_COLOUR = PALETTE[0]
SVG = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- store


def make_store(tmp_path: Path, paths: list[Path] | None = None):
    """A fresh embedded store under ``tmp_path`` with the ontology and ``paths`` loaded."""
    from kg.embedded import open_store
    from kg.loading import load_files

    store = open_store(tmp_path / "store")
    ontology = Path(str(files("kg.ontology").joinpath("conflict.ttl")))
    load_files(store, [ontology, *(paths if paths is not None else [FIXTURE])])
    return store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """One store for the module's read-only tests (loading it is the slow part)."""
    s = make_store(tmp_path_factory.mktemp("viz"))
    yield s
    s.close()


def svg_root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def by_class(root: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if cls in (e.get("class") or "").split()]


def colour_pixels(png: Path, hex_colour: str, tol: int = 40) -> int:
    """How many pixels of ``png`` are within ``tol`` of ``hex_colour``."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(rgb - target).max(axis=2) <= tol).sum())


# --------------------------------------------------------------------------- boundaries


def test_boundaries_cover_mali_and_its_neighbours_and_are_small():
    isos = {c.iso for c in geo.countries()}
    assert {"MLI", "SEN", "MRT", "DZA", "NER", "BFA", "CIV", "GIN"} <= isos
    size = len(files("kg.viz").joinpath("data/boundaries.geojson").read_bytes())
    assert size < 300_000
    provenance = files("kg.viz").joinpath("data/BOUNDARIES.md").read_text("utf-8")
    assert "Natural Earth" in provenance and "public domain" in provenance


def _inside(pt, ring):
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def test_towns_of_the_report_fall_inside_mali_outline():
    mali = next(c for c in geo.countries() if c.iso == "MLI")
    for lon, lat in [
        (-8.0, 12.65),
        (-11.44448, 14.44693),
        (-3.00742, 16.77348),
        (-12.19945, 14.45511),
        (-1.3025, 14.7983),
    ]:
        assert any(_inside((lon, lat), list(r)) for r in mali.rings), (lon, lat)


# --------------------------------------------------------------------------- collecting


def test_default_map_data_has_attacks_places_operation_and_passages(store):
    data = collect(store)
    assert len(data.events) == 8  # the blockade is not an attack
    assert len(data.located_events()) == 7
    [missing] = data.missing
    assert missing.label == "Sandaré" and "no coordinates" in missing.reason
    post = data.places[ID + "place/site/kayes-military-post"]
    assert (post.lon, post.lat) == (-11.44448, 14.44693) and post.approx_from == "Kayes"
    [op] = data.operations.values()
    assert len(op.parts) == 3 and op.label == "JNIM attacks of 1 July 2025"
    diboli = data.events[ID + "event/attack-diboli-2025-07-01"]
    assert diboli.passages[0].via == op.label  # the claim is about the operation
    assert "Diboli, Kayes" in diboli.passages[0].text
    nioro = data.events[ID + "event/attack-nioro-2025-01-06"]
    assert nioro.start == "2025-01-06" and nioro.end == "2025-01-07"
    assert nioro.passages[0].modality == "reported"
    assert diboli.targets == [(ID + "group/fama", "Malian Armed Forces")]


def test_all_events_adds_the_blockade(store):
    data = collect(store, all_events=True)
    assert ID + "event/blockade-kayes" in data.events
    assert len(data.located_events()) == 8


def test_answer_of_saved_question_is_mapped_through_its_event_iris(store):
    result = questions.run(store, "towns_attacked_twice")
    data = collect(store, result, title="towns_attacked_twice")
    assert set(data.events) == {
        ID + "event/attack-nioro-2025-01-06",
        ID + "event/attack-nioro-2025-07-01",
        ID + "event/attack-boulkessi-2025-06-01",
        ID + "event/attack-boulkessi-2025-06-05",
    }
    assert data.answer_places == []  # the towns are the events' places, not extra markers


def test_answer_of_places_lists_places_without_coordinates(store):
    rows = [(URIRef(ID + "place/geonames/2455518"),), (URIRef(ID + "place/sandare"),)]
    data = collect(store, QueryResult("select", ["town"], rows))
    assert data.answer_places == [ID + "place/geonames/2455518", ID + "place/sandare"]
    assert [m.label for m in data.missing] == ["Sandaré"]
    assert not data.is_empty()


def test_answer_without_iris_is_empty_and_says_so(store):
    data = collect(store, QueryResult("select", ["n"], [(Literal(3),)]))
    assert data.is_empty() and data.notes == ["the answer names no event and no place"]


def test_ask_answer_cannot_be_drawn(store):
    with pytest.raises(QueryError, match="only a SELECT"):
        collect(store, QueryResult("ask", boolean=True))


def test_values_block_escapes_iris_and_rejects_broken_ones():
    block = values_block("e", [ID + "event/a", ID + "event/b"])
    assert block == f"VALUES ?e {{ <{ID}event/a> <{ID}event/b> }}"
    with pytest.raises(QueryError, match="not a valid IRI"):
        values_block("e", [ID + "x> } DROP ALL { <y"])


def test_spanning_edges_link_every_part_once():
    pts = [(0.0, 0.0), (1.0, 0.0), (5.0, 0.0), (1.0, 1.0)]
    edges = spanning_edges(pts)
    assert len(edges) == 3
    assert {frozenset(e) for e in edges} == {
        frozenset({0, 1}),
        frozenset({1, 3}),
        frozenset({1, 2}),
    }


# --------------------------------------------------------------------------- pictures


def test_svg_map_draws_markers_links_and_missing_places(store, tmp_path):
    out = tmp_path / "map.svg"
    write_map(collect(store), out)
    root = svg_root(out)
    markers = by_class(root, "circle", "marker")
    # Diboli, Kayes, Nioro (2 events), Boulkessi JNIM, Boulkessi ISGS, Timbuktu (unknown).
    assert len(markers) == 6
    assert sum(int(m.get("data-events")) for m in markers) == 7
    assert {m.get("fill") for m in markers} >= {JNIM_COLOUR, PALETTE[1]}
    assert len(by_class(root, "polyline", "link")) == 2  # three parts, two links
    text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "Sandaré — place of Attack at Sandaré has no coordinates" in text
    assert "Natural Earth" in text


def test_png_map_has_expected_size_and_coloured_markers(store, tmp_path):
    from PIL import Image

    out = tmp_path / "map.png"
    write_map(collect(store), out)
    img = Image.open(out)
    assert img.size[0] == 1000 and img.size[1] > 400
    import numpy as np

    rgb = np.asarray(img.convert("RGB")).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 50  # not blank
    assert colour_pixels(out, JNIM_COLOUR, tol=30) > 200  # the JNIM markers are drawn


def test_empty_map_is_still_drawn_with_a_message(store, tmp_path):
    data = collect(store, QueryResult("select", ["e"], []), title="nothing")
    out = tmp_path / "empty.svg"
    write_map(data, out)
    root = svg_root(out)
    assert by_class(root, "circle", "marker") == []
    assert any("Nothing to draw" in (t.text or "") for t in root.iter(SVG + "text"))
    assert (
        len(by_class(root, "path", "")) >= 8 or len(list(root.iter(SVG + "path"))) >= 8
    )  # borders


def test_html_map_is_self_contained(store, tmp_path):
    out = tmp_path / "map.html"
    write_map(collect(store), out)
    html = out.read_text("utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<link" not in html and "@import" not in html
    payload = json.loads(
        re.search(
            r'<script type="application/json" class="map-data">(.*?)</script>', html, re.DOTALL
        ).group(1)
    )
    assert len(payload["markers"]) == 6
    assert sum(m[3] for m in payload["markers"]) == 7
    assert payload["missing"] == [
        {"l": "Sandaré", "r": "place of Attack at Sandaré has no coordinates"}
    ]
    nioro = next(m for m in payload["markers"] if m[4] == "Nioro du Sahel")
    texts = [s["t"] for i in nioro[5] for s in payload["events"][i].get("s", [])]
    assert any("January 6-7 attack at Nioro" in t for t in texts)


def test_unknown_map_format_is_a_usage_error(store, tmp_path):
    with pytest.raises(UsageError, match="use .html, .svg or .png"):
        write_map(collect(store), tmp_path / "map.jpg")


def test_big_map_payload_caps_details_but_keeps_counts():
    from kg.viz.mapdata import Event, MapData, Place

    data = MapData(title="many")
    for i in range(3000):
        iri = f"{ID}place/p{i}"
        data.places[iri] = Place(iri, f"P{i}", lon=-8 + (i % 60) * 0.02, lat=12 + (i // 60) * 0.02)
        for k in range(10):
            e = f"{ID}event/e{i}-{k}"
            data.events[e] = Event(e, f"E{i}-{k}", start="2020-01-01", place=iri)
    payload = map_payload(data)
    assert sum(m[3] for m in payload["markers"]) == 30_000
    assert len(payload["events"]) <= 20_000
    assert len(payload["markers"]) > payload["clusterFrom"]  # the page will cluster
    scene = map_scene(data)
    drawn = [s for s in scene.shapes if s.cls == "marker"]
    assert sum(int(s.data["events"]) for s in drawn) == 30_000 and len(drawn) < 3000


# --------------------------------------------------------------------------- timeline


def test_recurrence_pairs_come_from_the_saved_question(store):
    data = collect(store)
    pairs = pairs_from_answer(data, questions.run(store, "towns_attacked_twice"))
    got = {(p.first.rsplit("/", 1)[1], p.second.rsplit("/", 1)[1], p.gap_days) for p in pairs}
    assert got == {
        ("attack-nioro-2025-01-06", "attack-nioro-2025-07-01", 175),
        ("attack-boulkessi-2025-06-01", "attack-boulkessi-2025-06-05", 4),
    }
    short = pairs_from_answer(data, questions.run(store, "towns_attacked_twice", {"window": "30"}))
    assert [p.town for p in short] == [ID + "place/boulkessi"]


def test_pairs_found_by_town_and_dates_when_no_event_iris(store):
    data = collect(store)
    d = lambda s: Literal(s, datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    row = (URIRef(ID + "place/geonames/2452651"), d("2025-01-07"), d("2025-07-01"))
    [pair] = pairs_from_answer(data, QueryResult("select", ["town", "a", "b"], [row]))
    assert (pair.first, pair.second) == (
        ID + "event/attack-nioro-2025-01-06",
        ID + "event/attack-nioro-2025-07-01",
    )


def test_timeline_svg_rows_events_and_pair_arcs(store, tmp_path):
    data = collect(store)
    pairs = pairs_from_answer(data, questions.run(store, "towns_attacked_twice"))
    out = tmp_path / "timeline.svg"
    write_timeline(timeline_scene(data, pairs), out)
    root = svg_root(out)
    marks = by_class(root, "circle", "tl-event") + by_class(root, "rect", "tl-event")
    assert sum(int(m.get("data-events")) for m in marks) == 8  # Sandaré is dated: it is drawn
    arcs = by_class(root, "polyline", "tl-pair")
    assert sorted(a.get("data-gap") for a in arcs) == ["175", "4"]
    labels = [t.text for t in root.iter(SVG + "text")]
    assert "Nioro du Sahel (2)" in labels and "Kayes (1)" in labels  # the post counts for Kayes


def test_timeline_png_by_group_shows_pair_colour(store, tmp_path):
    data = collect(store)
    pairs = [Pair(ID + "event/attack-nioro-2025-01-06", ID + "event/attack-nioro-2025-07-01")]
    out = tmp_path / "timeline.png"
    write_timeline(timeline_scene(data, pairs, by="group"), out)
    bare = tmp_path / "bare.png"
    write_timeline(timeline_scene(data, [], by="group"), bare)
    # The arc adds pixels of its own colour (text shares it, so compare with no arc).
    assert colour_pixels(out, PAIR_COLOUR, tol=30) > colour_pixels(bare, PAIR_COLOUR, tol=30) + 40
    assert colour_pixels(out, JNIM_COLOUR, tol=30) > 50


def test_timeline_rejects_unknown_grouping(store):
    with pytest.raises(UsageError, match="town' or 'group"):
        timeline_scene(collect(store), by="month")


def test_a_scene_is_written_as_svg_or_png_by_extension(tmp_path):
    """Maps and timelines share one writer: Scene.write picks the format by extension."""
    from PIL import Image

    from kg.viz.scene import Scene, to_svg

    scene = Scene(120, 80, title="two marks")
    scene.circle(30, 40, 10, fill=JNIM_COLOUR)
    scene.label(60, 45, "Kayes")
    scene.write(tmp_path / "s.SVG")
    assert (tmp_path / "s.SVG").read_text(encoding="utf-8") == to_svg(scene)
    scene.write(tmp_path / "s.png")
    assert Image.open(tmp_path / "s.png").size == (120, 80)
    assert colour_pixels(tmp_path / "s.png", JNIM_COLOUR, tol=30) > 200  # the circle
    with pytest.raises(ValueError, match=r"\.svg or \.png, not \.jpg"):
        scene.write(tmp_path / "s.jpg")
    assert not (tmp_path / "s.jpg").exists()
    with pytest.raises(UsageError, match="unknown timeline format .jpg"):
        write_timeline(scene, tmp_path / "t.jpg")


# --------------------------------------------------------------------------- export


def test_export_geojson_csv_kml(store, tmp_path):
    result = questions.run(store, "towns_attacked_twice")
    data = collect(store, result)
    text, unplaced = export(data, result, "geojson", tmp_path / "a.geojson")
    doc = json.loads((tmp_path / "a.geojson").read_text("utf-8"))
    assert unplaced == 0 and len(doc["features"]) == 2
    nioro = next(f for f in doc["features"] if f["properties"]["town"].endswith("2452651"))
    assert nioro["geometry"] == {"type": "Point", "coordinates": [-9.59, 15.23]}
    assert nioro["properties"]["gapDays"] == "175"

    text, _ = export(data, result, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["place"] for r in rows} == {"Nioro du Sahel", "Boulkessi"}
    assert {r["longitude"] for r in rows} == {"-9.590000", "-1.302500"}

    text, _ = export(data, result, "kml")
    kml = ET.fromstring(text.encode())
    marks = kml.findall(".//{http://www.opengis.net/kml/2.2}Placemark")
    assert len(marks) == 2


def test_export_keeps_rows_without_coordinates(store):
    rows = [(URIRef(ID + "place/sandare"),), (URIRef(ID + "place/geonames/2455518"),)]
    result = QueryResult("select", ["place"], rows)
    data = collect(store, result)
    text, unplaced = export(data, result, "geojson")
    doc = json.loads(text)
    assert unplaced == 1 and [f["geometry"] is None for f in doc["features"]] == [True, False]
    text, _ = export(data, result, "kml")
    assert text.count("<Placemark>") == 1


# --------------------------------------------------------------------------- briefing


def _raise_validation_error(store):
    raise RuntimeError("shapes unavailable")


def test_briefing_has_every_part_and_links_claims_to_passages(store, monkeypatch):
    monkeypatch.setattr("kg.validation.validate_store", _raise_validation_error)
    brief = build_briefing(store, ["towns_attacked_twice"], title="Test briefing")
    html = brief.html
    for part in (
        'id="validation"',
        'id="sources"',
        'class="ckg-map"',
        'class="ckg-timeline"',
        'id="q-towns_attacked_twice"',
        'id="claims"',
        "<h1>Test briefing</h1>",
    ):
        assert part in html, part
    assert "validation could not run" in html and brief.validation.status == "error"
    claims_part = html[html.index('id="claims"') :]
    links = re.findall(r'class="passage-link" href="#(passage-\d+)"', claims_part)
    assert len(links) == 4  # four claims, each linked to its passage
    for anchor in set(re.findall(r'href="#(passage-\d+)"', html)):
        assert f'id="{anchor}"' in html
    assert "https://w3id.org/conflict-kg/graph/file/events" in html  # the source graph is listed
    assert "@media print" in html and 'name="viewport"' in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_briefing_reports_validation_result(store, monkeypatch):
    monkeypatch.setattr(
        "kg.validation.validate_store",
        lambda s: types.SimpleNamespace(conforms=False, results=[1, 2, 3]),
    )
    assert validation_status(store).status == "violations"
    assert "3 violation(s)" in build_briefing(store, []).html


def test_briefing_unknown_question_is_refused(store):
    with pytest.raises(QueryError, match="no saved question 'nope'"):
        build_briefing(store, ["nope"])


def test_briefing_includes_every_question_runnable_without_input(store):
    brief = build_briefing(store)
    runnable = [q.name for q in questions.available() if q.runnable_without_input()]
    assert brief.questions == runnable and "towns_attacked_twice" in runnable
    assert not brief.failed
    for name in runnable:
        assert f'id="q-{name}"' in brief.html


# --------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    """A closed store holding the fixture, for the commands to open (read-only tests)."""
    folder = tmp_path_factory.mktemp("cli")
    make_store(folder).close()
    return folder / "store"


@pytest.fixture
def ckg(store_dir):
    """Run ``ckg --store STORE ARGS…`` in-process on the fixture store."""
    from kg.cli.main import cli

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["--store", str(store_dir), *args])

    return run


def test_cli_map_writes_each_format_and_reports_missing(ckg, tmp_path):
    for ext in ("html", "svg", "png"):
        out = tmp_path / f"m.{ext}"
        res = ckg("map", "-o", str(out))
        assert res.exit_code == 0, res.output
        assert out.stat().st_size > 1000
        assert "7 of 8 events drawn" in res.stderr and "Sandaré" in res.stderr
        assert res.stdout == ""


def test_cli_map_of_saved_question_with_parameter(ckg, tmp_path):
    out = tmp_path / "m.svg"
    res = ckg("map", "towns_attacked_twice", "-p", "window", "30", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "2 of 2 events drawn" in res.stderr
    markers = by_class(svg_root(out), "circle", "marker")
    assert sum(int(m.get("data-events")) for m in markers) == 2


def test_cli_map_errors(ckg, tmp_path):
    res = ckg("map", "-o", str(tmp_path / "m.gif"))
    assert res.exit_code == 2 and "use .html, .svg, .png" in res.stderr
    res = ckg("map", "towns_attacked_twise", "-o", str(tmp_path / "m.svg"))
    assert res.exit_code == 3 and "did you mean towns_attacked_twice" in res.stderr
    res = ckg("map", "towns_attacked_twice", "-p", "window", "soon", "-o", str(tmp_path / "m.svg"))
    assert res.exit_code == 2 and "window" in res.stderr
    res = ckg("map", "-p", "window", "3", "-o", str(tmp_path / "m.svg"))
    assert res.exit_code == 2 and "-p needs a saved question NAME" in res.stderr
    assert not (tmp_path / "m.svg").exists()


def test_cli_refuses_a_folder_that_is_no_store(tmp_path):
    from kg.cli.main import cli

    res = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "nowhere"), "map", "-o", str(tmp_path / "m.svg")]
    )
    assert res.exit_code == 3 and "there is no ckg store" in res.stderr
    assert not (tmp_path / "nowhere").exists()


def test_cli_map_with_nothing_to_draw_exits_1_but_writes(ckg, tmp_path):
    query = tmp_path / "nothing.rq"
    query.write_text("SELECT ?e WHERE { ?e <urn:no:such> ?x }\n", encoding="utf-8")
    out = tmp_path / "m.png"
    res = ckg("map", str(query), "-o", str(out))
    assert res.exit_code == 1
    assert "empty answer" in res.stderr and "nothing to draw" in res.stderr
    assert out.stat().st_size > 1000


def test_cli_timeline_report_export(ckg, tmp_path):
    res = ckg("timeline", "--window", "30", "-o", str(tmp_path / "t.svg"))
    assert res.exit_code == 0, res.output
    assert "1 recurring pair(s) marked" in res.stderr
    res = ckg("report", "-o", str(tmp_path / "b.html"), "--questions", "towns_attacked_twice")
    assert res.exit_code == 0, res.output
    assert 'class="ckg-map"' in (tmp_path / "b.html").read_text("utf-8")
    res = ckg("export", "towns_attacked_twice", "-f", "csv")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].endswith("longitude,latitude,place")
    assert len(res.stdout.splitlines()) == 3


def test_viz_commands_have_help_with_example():
    from kg.cli.main import cli

    for name in ("map", "timeline", "report", "export"):
        res = CliRunner().invoke(cli, [name, "--help"])
        assert res.exit_code == 0 and "Example:" in res.output, name


# --------------------------------------------------------------------------- issue 21


def _text(html: str) -> str:
    """The page's visible words, tags stripped."""
    import html as h

    return h.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_issue21_briefing_leads_with_the_flagship_findings(store, monkeypatch):
    monkeypatch.setattr("kg.validation.validate_store", _raise_validation_error)
    brief = build_briefing(store)
    html = brief.html
    order = [
        html.index(x)
        for x in (
            'id="findings"',
            'id="map-section"',
            'id="timeline"',
            'id="validation"',
            'id="sources"',
            'id="questions"',
            'id="claims"',
        )
    ]
    assert order == sorted(order)
    findings = _text(html[html.index('id="findings"') : html.index('id="map-section"')])
    # The flagship's towns, dates and gaps, read from the fixture's own facts.
    assert "Nioro du Sahel" in findings and "175 days apart" in findings
    assert "Boulkessi" in findings and "4 days apart" in findings
    assert "6–7 Jan 2025" in findings and "1 Jun 2025" in findings and "5 Jun 2025" in findings
    # The sentence behind each attack is the fixture passage that names it.
    fixture = FIXTURE.read_text("utf-8")
    sentence = "January 6-7 attack at Nioro"
    assert sentence in fixture and sentence in findings
    # The store path is a detail, not the opening line.
    assert html.index(store.location) > html.index('id="sources"')


def test_issue21_briefing_counts_exactly_the_attacks(store):
    """The header counts instances of ckg:Attack and its subclasses, nothing else."""
    q = """PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?c rdfs:subClassOf* ckg:Attack . ?e a ?c }"""
    expected = int(store.query(q).rows[0][0])
    # Independent of the store: the fixture's own lines typed as an attack class.
    typed = len(
        re.findall(r"^id:event\\/\S+ a ckg:Attack\b", FIXTURE.read_text("utf-8"), re.MULTILINE)
    )
    assert expected == typed == 8
    brief = build_briefing(store, ["towns_attacked_twice"], validate=False)
    assert f"holds {expected} attacks" in _text(brief.html)
    assert ID + "event/blockade-kayes" not in brief.data.events


def test_issue21_hostage_taking_is_not_counted_as_an_attack(tmp_path):
    extra = tmp_path / "hostage.ttl"
    extra.write_text(
        "@prefix ckg: <https://w3id.org/conflict-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{ID}event/hostages-kayes> a ckg:HostageTaking ; rdfs:label "Hostages at Kayes"@en ;\n'
        f'  ckg:place <{ID}place/geonames/2455518> ; ckg:startDate "2025-07-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        f'<{ID}event/battle-kayes> a ckg:Battle ; rdfs:label "Battle at Kayes"@en ;\n'
        f'  ckg:place <{ID}place/geonames/2455518> ; ckg:startDate "2025-08-01"^^<http://www.w3.org/2001/XMLSchema#date> .\n',
        encoding="utf-8",
    )
    s = make_store(tmp_path, [FIXTURE, extra])
    try:
        data = collect(s)
        assert ID + "event/battle-kayes" in data.events  # a subclass of ckg:Attack
        assert ID + "event/hostages-kayes" not in data.events
        assert len(data.events) == 9
    finally:
        s.close()


def test_issue21_tables_have_readable_headers_and_no_duplicate_label_columns():
    from kg.viz.report import columns, header_text

    variables = ["event", "eventLabel", "modality", "modalityLabel", "gapDays", "firstStart"]
    cols = columns(variables)
    assert [variables[i] for i, _ in cols] == ["event", "modality", "gapDays", "firstStart"]
    assert [header_text(variables[i]) for i, _ in cols] == [
        "event",
        "modality",
        "gap days",
        "first start",
    ]
    assert cols[0][1] == 1  # the label column feeds the IRI's cell


def test_issue21_big_answers_are_cut_with_a_count_and_the_way_to_all(store, monkeypatch):
    from kg.viz import report

    monkeypatch.setattr("kg.viz.report.tables.MAX_ROWS", 1)
    brief = report.build_briefing(store, ["towns_attacked_twice"], validate=False)
    part = brief.html[brief.html.index('id="q-towns_attacked_twice"') :]
    rows = questions.run(store, "towns_attacked_twice").rows
    assert len(rows) == 2
    assert "First 1 of 2 rows; 1 more" in _text(part)
    link = re.search(
        r'download="towns_attacked_twice.csv" href="data:text/csv;charset=utf-8,([^"]+)"', part
    )
    from urllib.parse import unquote

    assert len(list(csv.reader(io.StringIO(unquote(link.group(1)))))) == 3  # header + 2 rows


def test_issue21_actor_colours_are_store_wide_and_colour_blind_safe(store):
    from kg.viz.colours import PALETTE as OKABE_ITO
    from kg.viz.mapdata import attack_counts
    from kg.viz.mapview import groups_of

    counts = attack_counts(store)
    # Independent count from the fixture: attacks naming JNIM as perpetrator.
    assert counts[ID + "group/jnim"] == max(counts.values())
    whole = collect(store)
    part = collect(store, questions.run(store, "towns_attacked_twice", {"window": "30"}))
    g_whole = {g.key: g.colour for g in groups_of(whole)[0]}
    g_part = {g.key: g.colour for g in groups_of(part)[0]}
    assert g_part[ID + "group/jnim"] == g_whole[ID + "group/jnim"] == OKABE_ITO[0]
    assert set(OKABE_ITO) == {
        "#D55E00",
        "#0072B2",
        "#009E73",
        "#CC79A7",
        "#E69F00",
        "#56B4E9",
        "#F0E442",
    }


def test_issue21_reference_towns_agree_with_the_bundled_geonames_graph():
    """Each reference town with a GeoNames id sits where the bundled GeoNames graph says."""
    from rdflib import Dataset

    from kg.viz.layout import reference_towns
    from kg.viz.mapdata.places import wkt_point

    text = files("kg.viz").joinpath("data/towns.csv").read_text("utf-8")
    ids = {r["name"]: r["geonames"] for r in csv.DictReader(io.StringIO(text)) if r["geonames"]}
    ds = Dataset()
    ds.parse(
        data=files("kg.ontology").joinpath("data/reference-geonames.trig").read_text("utf-8"),
        format="trig",
    )
    ckg = "https://w3id.org/conflict-kg/ontology#"
    checked = 0
    for town in reference_towns():
        gid = ids.get(town.name)
        if not gid:
            continue
        node = URIRef(f"{ID}place/geonames/{gid}")
        rows = list(
            ds.query(
                "SELECT ?lat ?lon ?wkt WHERE { GRAPH ?g { "
                f"OPTIONAL {{ <{node}> <{ckg}latitude> ?lat ; <{ckg}longitude> ?lon }} "
                f"OPTIONAL {{ <{node}> <http://www.opengis.net/ont/geosparql#hasGeometry>/"
                "<http://www.opengis.net/ont/geosparql#asWKT> ?wkt } } }"
            )
        )
        points = [(float(r[1]), float(r[0])) for r in rows if r[0] is not None]
        points += [wkt_point(r[2]) for r in rows if r[2] is not None]
        if not points:
            continue
        lon, lat = points[0]
        assert abs(lat - town.lat) < 0.01 and abs(lon - town.lon) < 0.01, (town, lon, lat)
        checked += 1
    assert checked >= 3  # Bamako, Kayes, Timbuktu at least


def test_issue21_static_map_has_context_title_scale_and_legend(ckg, tmp_path):
    out = tmp_path / "m.svg"
    res = ckg("map", "towns_attacked_twice", "-p", "window", "30", "-o", str(out))
    assert res.exit_code == 0, res.output
    root = svg_root(out)
    texts = [t.text or "" for t in root.iter(SVG + "text")]
    assert "Towns attacked twice within 30 days" in texts  # the summary, not the file name
    assert any(t.endswith(" km") for t in texts)  # scale bar
    assert any(t.endswith("°N") for t in texts) and any(t.endswith("°W") for t in texts)
    assert "MALI" in texts  # the country is named
    assert by_class(root, "rect", "ref-town")  # reference towns
    # The legend says what the bold label means, and shows no dashed line it does not draw.
    assert any("dates of the two attacks" in t for t in texts)
    assert not by_class(root, "polyline", "link")
    assert not any("coordinated operation" in t for t in texts)
    # Boulkessi's label carries its dates and gap, from the fixture (1 and 5 June: 4 days).
    assert "1 Jun → 5 Jun 2025: 4 days" in texts


def test_issue21_timeline_ticks_are_monthly_where_they_fit_and_days_are_counted_right():
    from datetime import date

    from kg.viz.timeline import _ticks

    ticks = _ticks(date(2024, 12, 15), date(2025, 7, 20), 780)
    assert [t for _, t in ticks] == ["Jan 2025", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
    assert [t for _, t in _ticks(date(2000, 1, 1), date(2020, 1, 1), 780)][:2] == ["2000", "2002"]


def test_issue21_timeline_legend_names_every_mark_and_one_day_is_singular(store, tmp_path):
    from kg.viz.mapdata import Event

    data = collect(store)
    # Two attacks one day apart at Timbuktu, one of them lasting three days (a bar).
    t = ID + "place/geonames/2449067"
    data.events["urn:a"] = Event("urn:a", "A", start="2024-01-01", end="2024-01-20", place=t)
    data.events["urn:b"] = Event("urn:b", "B", start="2024-01-22", place=t)
    out = tmp_path / "t.svg"
    write_timeline(timeline_scene(data, [Pair("urn:a", "urn:b", 1, t)]), out)
    root = svg_root(out)
    texts = [x.text or "" for x in root.iter(SVG + "text")]
    assert "1 day" in texts and "1 days" not in texts
    assert by_class(root, "rect", "tl-event") and by_class(root, "circle", "tl-event")
    legend = " ".join(x.text or "" for x in by_class(root, "text", "tl-legend"))
    for mark in ("one day", "several days", "attack of a recurring pair", "days between them"):
        assert mark in legend, mark


def test_issue21_big_store_briefing_fetches_only_the_findings_passages(store, monkeypatch):
    """Above PASSAGES_UP_TO events the look-up skips passages; the findings still quote."""
    monkeypatch.setattr("kg.viz.mapdata.lookup.PASSAGES_UP_TO", 0)
    data = collect(store)
    assert data.passages_skipped and not any(e.passages for e in data.events.values())
    brief = build_briefing(store, ["towns_attacked_twice"], validate=False)
    findings = _text(
        brief.html[brief.html.index('id="findings"') : brief.html.index('id="map-section"')]
    )
    assert "January 6-7 attack at Nioro" in findings
    payload = map_payload(brief.data)
    assert payload["noPassages"] is True


def test_issue21_big_store_briefing_answers_the_flagship_and_lists_the_rest(store, monkeypatch):
    from kg.viz import report

    monkeypatch.setattr("kg.viz.report.runs.FLAGSHIP_ONLY_FROM", 1)
    brief = report.build_briefing(store, validate=False)
    runnable = [q.name for q in questions.available() if q.runnable_without_input()]
    assert brief.questions == ["towns_attacked_twice"]
    assert sorted(brief.skipped) == sorted(n for n in runnable if n != "towns_attacked_twice")
    assert "ckg query run attacks_by_region" in brief.html
    # Questions the caller names always run.
    named = report.build_briefing(store, ["attacks_by_region"], validate=False)
    assert named.questions == ["attacks_by_region"] and not named.skipped
