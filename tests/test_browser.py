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
from kg.viz.mapdata import Event, MapData, Place, collect
from kg.viz.mapview import write_map
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
    assert "Nioro du Sahel" in info and "2 events" in info
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
