"""The HTML map and briefing in a real headless Chromium (Debian's ``chromium`` package).

Each page is loaded from a file in the test's tmp folder with a fresh browser profile and
background networking off; the page must log no error, make no request beyond its own
file, draw the expected markers, show a marker's source passage when clicked (a real
mouse click through the DevTools protocol), and a screenshot is saved beside it. Skipped,
with the reason, where no Chromium is installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from kg.viz.chromium import BrowserError, Chromium, find_chromium
from kg.viz.export import write_map
from kg.viz.mapdata import Event, MapData, Place, collect
from kg.viz.report import build_briefing

FIXTURE = Path(__file__).parent / "fixtures" / "viz" / "events.ttl"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        find_chromium() is None, reason="Chromium not installed (apt-get install chromium)"
    ),
]


@pytest.fixture(scope="module")
def browser():
    try:
        b = Chromium()
    except BrowserError as exc:  # installed but unable to start here
        pytest.skip(f"Chromium could not start: {exc}")
    yield b
    b.close()


@pytest.fixture
def store(tmp_path):
    from kg.embedded import open_store
    from kg.loading import load_files

    s = open_store(tmp_path / "store")
    load_files(s, [Path(str(files("kg.ontology").joinpath("conflict.ttl"))), FIXTURE])
    yield s
    s.close()


def _open(
    browser: Chromium, path: Path, width: int = 1280, height: int = 900, mobile: bool = False
):
    browser.viewport(width, height, mobile=mobile)
    page = browser.open(path)
    assert browser.evaluate("document.querySelector('section.ckg-map').dataset.ready") == "true"
    return page


def _clean(page) -> None:
    assert page.errors() == [], page.errors()
    assert page.external_requests() == [], page.external_requests()


def test_map_page_loads_offline_and_click_shows_passage(browser, store, tmp_path):
    out = tmp_path / "map.html"
    write_map(collect(store), out)
    page = _open(browser, out)
    _clean(page)
    assert browser.evaluate("document.querySelectorAll('circle.marker').length") == 6
    assert (
        browser.evaluate(
            "[...document.querySelectorAll('circle.marker')].reduce((n, c) => n + +c.dataset.events, 0)"
        )
        == 7
    )
    assert browser.evaluate("document.querySelectorAll('line.link').length") == 2
    idx = browser.evaluate(
        "[...document.querySelectorAll('circle.marker')].findIndex(c => "
        "c.getAttribute('aria-label').startsWith('Nioro du Sahel'))"
    )
    assert idx >= 0
    assert browser.click_selector("circle.marker", idx)
    info = browser.evaluate("document.querySelector('.map-info').innerText")
    assert "Nioro du Sahel" in info and "2 attacks" in info
    assert "The January 6-7 attack at Nioro du Sahel" in info  # the source passage
    assert "2025-01-06 – 2025-01-07" in info and "JNIM" in info
    shot = tmp_path / "map.png"
    browser.screenshot(shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    missing = browser.evaluate("document.querySelector('.missing').innerText")
    assert "Sandaré" in missing
    _clean(_after(browser, page))


def _after(browser: Chromium, page):
    """Errors and requests that happened after the load (clicks, zooms)."""
    browser.collect(page)
    return page


def test_map_zoom_and_pan_change_the_view(browser, store, tmp_path):
    out = tmp_path / "map.html"
    write_map(collect(store), out)
    _open(browser, out)
    before = browser.evaluate("document.querySelector('svg.map-svg').viewBox.baseVal.width")
    assert browser.click_selector(".map-controls button[data-zoom='in']")
    browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    after = browser.evaluate("document.querySelector('svg.map-svg').viewBox.baseVal.width")
    assert after == pytest.approx(before / 1.5, rel=0.01)
    x0 = browser.evaluate("document.querySelector('svg.map-svg').viewBox.baseVal.x")
    box = browser.evaluate(
        "(() => { const r = document.querySelector('svg.map-svg').getBoundingClientRect();"
        " return [r.left + 40, r.top + r.height - 40]; })()"
    )
    for kind, dx in (
        ("mousePressed", 0),
        ("mouseMoved", 60),
        ("mouseMoved", 120),
        ("mouseReleased", 120),
    ):
        browser.call(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": box[0] + dx,
                "y": box[1],
                "button": "left",
                "buttons": 1,
                "clickCount": 1,
            },
        )
    browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    x1 = browser.evaluate("document.querySelector('svg.map-svg').viewBox.baseVal.x")
    assert x1 < x0  # dragging right moves the view west


def test_briefing_in_browser_desktop_phone_and_print(browser, store, tmp_path):
    out = tmp_path / "briefing.html"
    out.write_text(build_briefing(store).html, encoding="utf-8")
    page = _open(browser, out)
    _clean(page)
    assert browser.evaluate("document.querySelectorAll('circle.marker').length") == 6
    assert browser.evaluate("document.querySelectorAll('.ckg-timeline .tl-pair').length") == 2
    # A marker click shows its passage inside the briefing too.
    idx = browser.evaluate(
        "[...document.querySelectorAll('circle.marker')].findIndex(c => "
        "c.getAttribute('aria-label').startsWith('Diboli'))"
    )
    assert browser.click_selector("circle.marker", idx)
    assert "attacked seven Malian military posts" in browser.evaluate(
        "document.querySelector('.map-info').innerText"
    )
    # Each claim links to its passage, and the link lands on it.
    assert browser.click_selector("a.passage-link", 1)
    target = browser.evaluate("location.hash")
    assert target.startswith("#passage-")
    assert "January 6-7" in browser.evaluate(f"document.querySelector('{target}').innerText")
    browser.screenshot(tmp_path / "briefing-desktop.png", full_page=True)
    _clean(_after(browser, page))

    page = _open(browser, out, 390, 844, mobile=True)
    _clean(page)
    assert browser.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert browser.evaluate("window.innerWidth") == 390
    browser.screenshot(tmp_path / "briefing-phone.png")

    pdf = tmp_path / "briefing.pdf"
    browser.print_pdf(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


def test_large_map_clusters_and_splits_on_zoom(browser, tmp_path):
    data = MapData(title="synthetic")
    for i in range(4000):
        iri = f"urn:place:{i}"
        data.places[iri] = Place(iri, f"P{i}", lon=-12 + (i % 80) * 0.2, lat=11 + (i // 80) * 0.2)
        for k in range(3):
            e = f"urn:event:{i}-{k}"
            data.events[e] = Event(
                e,
                f"E{i}-{k}",
                start="2020-01-01",
                place=iri,
                perpetrators=[(f"urn:group:{k}", f"group {k}")],
            )
    out = tmp_path / "big.html"
    write_map(data, out)
    page = _open(browser, out)
    _clean(page)
    clusters = browser.evaluate("document.querySelectorAll('circle.cluster').length")
    assert 0 < clusters < 2000
    total = browser.evaluate(
        "[...document.querySelectorAll('.markers circle')].reduce((n, c) => n + +c.dataset.events, 0)"
    )
    assert total == 12_000  # every event counted once in the first view
    assert browser.click_selector("circle.cluster")  # a cluster click zooms in
    browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert browser.evaluate("document.querySelectorAll('circle.marker').length") > 0
    browser.screenshot(tmp_path / "big.png")
    _clean(_after(browser, page))


# --------------------------------------------------------------------------- issue 21
# What a reader sees, measured in the browser: label boxes, the first screen, legends
# against the marks drawn, one colour per actor everywhere. Screenshots stay in tmp_path.

import random
import re
import sys
from collections import Counter
from datetime import date, timedelta

from click.testing import CliRunner

from kg.viz.staticmap import write_static_map
from kg.viz.timeline import pairs_from_answer, timeline_scene, write_timeline

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synthetic import write_acled  # ACLED's columns and HXL line, one writer

#: Boxes of every visible label in a page or SVG document, in CSS pixels.
LABEL_BOXES = """(sel => [...document.querySelectorAll(sel)]
  .filter(t => t.style.display !== 'none' && getComputedStyle(t).display !== 'none' && t.textContent)
  .map(t => { const r = t.getBoundingClientRect();
              return [t.textContent, r.left, r.top, r.right, r.bottom]; })
  .filter(b => b[3] > b[1] && b[4] > b[2]))"""


def _overlaps(boxes, slack=0.5):
    """Pairs of labels whose boxes share area (beyond ``slack`` px of anti-aliasing)."""
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                min(a[3], b[3]) - max(a[1], b[1]) > slack
                and min(a[4], b[4]) - max(a[2], b[2]) > slack
            ):
                out.append((a[0], b[0]))
    return out


TOWNS = [  # name, admin1, admin2, lat, lon, weight
    ("Djibo", "Sahel", "Soum", 14.102, -1.631, 30),
    ("Ouagadougou", "Centre", "Kadiogo", 12.365, -1.534, 12),
    ("Arbinda", "Sahel", "Soum", 14.231, -0.866, 18),
    ("Dori", "Sahel", "Seno", 14.035, -0.035, 10),
    ("Kaya", "Centre-Nord", "Sanmatenga", 13.092, -1.084, 8),
    ("Fada N'Gourma", "Est", "Gourma", 12.062, 0.358, 8),
    ("Ouahigouya", "Nord", "Yatenga", 13.583, -2.421, 6),
    ("Bobo-Dioulasso", "Hauts-Bassins", "Houet", 11.177, -4.297, 4),
]
ACTORS = [
    ("JNIM: Group for Support of Islam and Muslims", 2, 30),
    ("Islamic State (Greater Sahara)", 2, 20),
    ("Unidentified Armed Group (Burkina Faso)", 3, 15),
    ("Military Forces of Burkina Faso (2015-)", 1, 10),
    ("Ansaroul Islam", 2, 8),
    ("Koglweogo Militia", 4, 4),
]
TYPES = [
    ("Battles", "Armed clash", 5),
    ("Violence against civilians", "Attack", 4),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 2),
    ("Protests", "Peaceful protest", 2),
]


def write_acled_fixture(path: Path, n: int = 400, seed: int = 21) -> list[dict]:
    """An ACLED-like HDX export of ``n`` rows (with 30 villages around the towns)."""
    rng = random.Random(seed)
    places = list(TOWNS)
    for i in range(30):
        t = rng.choice(TOWNS)
        places.append(
            (
                f"Village {i + 1}",
                t[1],
                t[2],
                t[3] + rng.uniform(-0.6, 0.6),
                t[4] + rng.uniform(-0.6, 0.6),
                1,
            )
        )
    rows = []
    for i in range(n):
        name, a1, a2, lat, lon, _ = rng.choices(places, weights=[p[5] for p in places])[0]
        actor, inter, _ = rng.choices(ACTORS, weights=[a[2] for a in ACTORS])[0]
        etype, sub, _ = rng.choices(TYPES, weights=[t[2] for t in TYPES])[0]
        day = date(2018, 1, 1) + timedelta(days=rng.randrange(900))
        rows.append(
            {
                "data_id": str(7000000 + i),
                "iso": "854",
                "event_id_cnty": f"BFO9{i:04d}",
                "event_id_no_cnty": str(9000 + i),
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": "1",
                "event_type": etype,
                "sub_event_type": sub,
                "actor1": actor,
                "assoc_actor_1": "",
                "inter1": str(inter),
                "actor2": "Civilians (Burkina Faso)",
                "assoc_actor_2": "",
                "inter2": "7",
                "interaction": f"{inter}7",
                "region": "Western Africa",
                "country": "Burkina Faso",
                "admin1": a1,
                "admin2": a2,
                "admin3": "",
                "location": name,
                "latitude": f"{lat:.4f}",
                "longitude": f"{lon:.4f}",
                "geo_precision": "1",
                "source": "Fixture",
                "source_scale": "National",
                "notes": f"On {day:%d %B %Y}, {actor} carried out a {sub.lower()} in {name} ({a2}, {a1}).",
                "fatalities": str(rng.randrange(6)),
                "timestamp": "1596481841",
                "iso3": "BFA",
            }
        )
    write_acled(path, rows, "hdx")
    return rows


@pytest.fixture(scope="module")
def acled_store(tmp_path_factory):
    """A store of 400 ACLED-like rows imported with ``ckg import acled``, and the rows."""
    from kg.cli.main import cli

    folder = tmp_path_factory.mktemp("acled")
    rows = write_acled_fixture(folder / "bf.csv")
    res = CliRunner().invoke(
        cli, ["--store", str(folder / "store"), "import", "acled", str(folder / "bf.csv")]
    )
    assert res.exit_code in (0, 1), res.output
    return folder / "store", rows


def _wait(browser):
    browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_issue21_map_labels_never_overlap_seed_and_acled_scale(
    browser, store, acled_store, tmp_path
):
    from kg.embedded import open_store

    pages = [("seed", collect(store))]
    big = open_store(acled_store[0], create=False)
    try:
        pages.append(("acled", collect(big)))
    finally:
        big.close()
    for name, data in pages:
        out = tmp_path / f"{name}.html"
        write_map(data, out)
        page = _open(browser, out)
        _clean(page)
        for zoom in (None, "in", "in"):
            if zoom:
                assert browser.click_selector(".map-controls button[data-zoom='in']")
                _wait(browser)
            boxes = browser.evaluate(
                LABEL_BOXES + "('.ckg-map text.place-label, .ckg-map text.place-note, "
                ".ckg-map text.town-label, .ckg-map text.country-label')"
            )
            assert len(boxes) >= 3, (name, boxes)
            assert _overlaps(boxes) == [], (name, zoom)
        browser.evaluate(
            "document.querySelector(\".map-controls button[data-zoom='reset']\").click()"
        )
        _wait(browser)
        browser.screenshot(tmp_path / f"{name}-map.png")


def test_issue21_busiest_towns_are_labelled_at_the_opening_zoom(browser, acled_store, tmp_path):
    """The two towns with most attacks (counted from the CSV rows) carry a visible label."""
    from kg.embedded import open_store

    folder, rows = acled_store
    attacks = Counter(r["location"] for r in rows if r["event_type"] != "Protests")
    busiest = [name for name, _ in attacks.most_common(2)]
    s = open_store(folder, create=False)
    try:
        data = collect(s)
    finally:
        s.close()
    # Independent count: the map's attacks are exactly the CSV's non-protest rows.
    assert len(data.events) == sum(attacks.values())
    out = tmp_path / "acled.html"
    write_map(data, out)
    _open(browser, out)
    shown = {b[0] for b in browser.evaluate(LABEL_BOXES + "('.ckg-map text.place-label')")}
    assert set(busiest) <= shown, (busiest, shown)
    entries = browser.evaluate(
        "[...document.querySelectorAll('.map-legend ul.groups li')].map(l => l.innerText)"
    )
    # Human labels from the CSV's actor names, never IRI slugs ("koglweogo-militia (17)").
    assert any(e.startswith("Koglweogo Militia (") for e in entries), entries
    assert not [e for e in entries if re.match(r"^[a-z0-9-]+ \(", e)], entries
    browser.screenshot(tmp_path / "acled-opening.png")


def test_issue21_every_legend_entry_appears_on_the_map(browser, store, tmp_path):
    out = tmp_path / "map.html"
    write_map(collect(store), out)
    _open(browser, out)
    colours = browser.evaluate(
        "[...document.querySelectorAll('.map-legend ul.groups .swatch')].map(s => getComputedStyle(s).backgroundColor)"
    )
    drawn = browser.evaluate(
        "[...document.querySelectorAll('svg.map-svg circle.marker')].map(c => getComputedStyle(c).fill)"
    )
    assert colours and set(colours) <= set(drawn)
    keys = browser.evaluate(
        "[...document.querySelectorAll('.map-legend ul.keys li')].map(l => l.innerText)"
    )
    for key in keys:
        if "coordinated operation" in key:
            assert browser.evaluate("document.querySelectorAll('svg.map-svg line.link').length") > 0
        if "capital" in key:
            assert browser.evaluate(
                "[...document.querySelectorAll('svg.map-svg rect.ref-town')].some(r => r.style.display !== 'none')"
            )
    # A map without an operation does not explain dashed lines it does not draw.
    from kg.viz import questions

    result = questions.run(store, "towns_attacked_twice")
    out2 = tmp_path / "flagship.html"
    write_map(collect(store, result, title="t"), out2)
    _open(browser, out2)
    assert browser.evaluate("document.querySelectorAll('svg.map-svg line.link').length") == 0
    assert "coordinated operation" not in browser.evaluate(
        "document.querySelector('.map-legend').innerText"
    )


def test_issue21_first_screen_holds_the_flagship_findings(browser, store, tmp_path):
    out = tmp_path / "briefing.html"
    out.write_text(build_briefing(store, validate=False).html, encoding="utf-8")
    for width, height, mobile in ((1280, 900, False), (390, 844, True)):
        page = _open(browser, out, width, height, mobile=mobile)
        _clean(page)
        first = browser.evaluate(
            "[...document.querySelectorAll('#findings .finding')]"
            ".filter(e => e.getBoundingClientRect().top < innerHeight).map(e => e.innerText).join(' ')"
        )
        # What the fixture says: Nioro attacked 6-7 January and 1 July 2025 (175 days).
        fixture = FIXTURE.read_text("utf-8")
        assert "attack-nioro-2025-01-06" in fixture and "attack-nioro-2025-07-01" in fixture
        assert "Nioro du Sahel" in first and "175 days apart" in first
        assert "January 6-7 attack at Nioro" in first  # the sentence behind it
        if not mobile:
            assert "Boulkessi" in first and "4 days apart" in first
        browser.screenshot(tmp_path / f"first-screen-{width}.png")


def test_issue21_actor_colours_equal_across_map_timeline_and_question_map(
    browser, acled_store, tmp_path
):
    from kg.embedded import open_store
    from kg.viz import questions

    s = open_store(acled_store[0], create=False)
    try:
        brief = build_briefing(s, ["towns_attacked_twice"], validate=False)
        result = questions.run(s, "towns_attacked_twice")
        part = collect(s, result, title="flagship")
    finally:
        s.close()
    out = tmp_path / "briefing.html"
    out.write_text(brief.html, encoding="utf-8")
    _open(browser, out)
    map_colours = dict(
        browser.evaluate(
            "[...document.querySelectorAll('.map-legend ul.groups li')].map(l => "
            "[l.childNodes[1].textContent.trim(), getComputedStyle(l.querySelector('.swatch')).backgroundColor])"
        )
    )
    tl_colours = dict(
        browser.evaluate(
            "[...document.querySelectorAll('.ckg-timeline text.tl-legend')].filter(t => "
            "t.previousElementSibling && t.previousElementSibling.tagName === 'circle').map(t => "
            "[t.textContent.replace(/ \\([\\d,]+\\)$/, ''), getComputedStyle(t.previousElementSibling).fill])"
        )
    )
    common = set(map_colours) & set(tl_colours)
    assert len(common) >= 4, (map_colours, tl_colours)
    for actor in common:
        assert map_colours[actor] == tl_colours[actor], actor
    out2 = tmp_path / "flagship.html"
    write_map(part, out2)
    _open(browser, out2)
    q_colours = dict(
        browser.evaluate(
            "[...document.querySelectorAll('.map-legend ul.groups li')].map(l => "
            "[l.childNodes[1].textContent.trim(), getComputedStyle(l.querySelector('.swatch')).backgroundColor])"
        )
    )
    assert set(q_colours) & set(map_colours)
    for actor in set(q_colours) & set(map_colours):
        assert q_colours[actor] == map_colours[actor], actor
    browser.screenshot(tmp_path / "flagship-map.png")


def test_issue21_static_map_and_timeline_labels_clear_of_each_other_and_of_marks(
    browser, store, acled_store, tmp_path
):
    from kg.embedded import open_store
    from kg.viz import questions

    s = open_store(acled_store[0], create=False)
    try:
        data = collect(s)
        pairs = pairs_from_answer(data, questions.run(s, "towns_attacked_twice"))
    finally:
        s.close()
    for name, d in (("seed", collect(store)), ("acled", data)):
        svg = tmp_path / f"{name}.svg"
        write_static_map(d, svg)
        browser.viewport(1000, 900)
        browser.open(svg)
        boxes = browser.evaluate(
            LABEL_BOXES + "('text.place-label, text.country-label, text.tick, text.scale')"
        )
        assert len(boxes) >= 4
        assert _overlaps(boxes) == [], name
        browser.screenshot(tmp_path / f"{name}-static.png")
    tl = tmp_path / "timeline.svg"
    write_timeline(timeline_scene(data, pairs), tl)
    browser.viewport(1000, 1400)
    browser.open(tl)
    # No gap label sits on a mark, a ring or an arc: probe points inside each label.
    hits = browser.evaluate("""[...document.querySelectorAll('text.tl-gap')].flatMap(t => {
        const r = t.getBoundingClientRect(), out = [];
        for (let i = 1; i < 6; i++) for (let j = 1; j < 4; j++) {
          const x = r.left + r.width * i / 6, y = r.top + r.height * j / 4;
          for (const e of document.elementsFromPoint(x, y))
            if (e.matches('.tl-event, .tl-pair, .tl-ring')) out.push(t.textContent + ' on ' + e.getAttribute('class'));
        }
        return out; })""")
    assert browser.evaluate("document.querySelectorAll('text.tl-gap').length") > 0
    assert hits == []
    labels = browser.evaluate(LABEL_BOXES + "('text.tl-gap')")
    assert _overlaps(labels) == []
    assert all(t.endswith(" days") or t == "1 day" for t, *_ in labels)
    browser.screenshot(tmp_path / "timeline.png")


def test_issue21_no_marker_hides_another_on_the_seed_map(browser, tmp_path):
    """Niono and Molodo (4 km apart) are both visible, at the opening zoom and zoomed in."""
    from kg.bundled import load_bundled
    from kg.embedded import open_store
    from kg.viz.mapview import markers_of

    s = open_store(tmp_path / "seed")
    try:
        load_bundled(s)
        data = collect(s)
    finally:
        s.close()
    assert {"Niono", "Molodo"} <= {data.place_label(data.town_of(e)) for e in data.events.values()}
    out = tmp_path / "seed.html"
    write_map(data, out)
    _open(browser, out)
    discs = """[...document.querySelectorAll('svg.map-svg circle.marker')].map(c => {
        const r = c.getBoundingClientRect(); return [c.getAttribute('aria-label'),
        (r.left + r.right) / 2, (r.top + r.bottom) / 2, r.width / 2]; })"""
    for step in range(3):
        if step:
            assert browser.click_selector(".map-controls button[data-zoom='in']")
            _wait(browser)
        got = browser.evaluate(discs)
        assert len(got) == len(markers_of(data)[1]) >= 10
        for i, a in enumerate(got):
            for b in got[i + 1 :]:
                gap = ((a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2) ** 0.5 - a[3] - b[3]
                assert gap > -1.0, (a[0], b[0], gap, step)
    browser.screenshot(tmp_path / "seed-zoomed.png")
