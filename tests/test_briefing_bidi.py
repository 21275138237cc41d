"""Issue 21: a passage that mixes Arabic names and numbers reads as its source says.

The line is GeoNames' own record of Tombouctou Region (2449066), as the bundled gazetteer
graph quotes it: alternate names, then latitude 19.7 and longitude -3.6. In the briefing
the latitude must still be read before the longitude, left to right.
"""

from __future__ import annotations

from importlib.resources import files

import pytest

from kg.viz.report import text_html

LINE = (
    "2449066\tTombouctou Region\tTombouctou Region\tRegion VI,Region de Tombouctou,"
    "Tombouctou,Tumutu,mntqt tmbktw,tmbktw,تمبكتو,منطقة تمبكتو\t19.7\t-3.6\tA\tADM1\tML"
)

POSITIONS = """(() => {
  const out = {};
  for (const id of ['isolated', 'plain']) {
    const p = document.getElementById(id), text = p.textContent;
    const at = s => { const r = document.createRange(), i = text.indexOf(s);
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT); let n, k = 0;
      while ((n = walker.nextNode())) { if (i < k + n.length) { r.setStart(n, i - k);
        r.setEnd(n, i - k + s.length); return r.getBoundingClientRect().left; } k += n.length; } };
    out[id] = [at('19.7'), at('-3.6')];
  }
  return out;
})()"""


def test_rtl_fields_are_isolated_and_the_rest_escaped():
    html = text_html(LINE + " <b>&")
    assert "<bdi>تمبكتو</bdi>,<bdi>منطقة تمبكتو</bdi>\t19.7\t-3.6" in html
    assert html.endswith("&lt;b&gt;&amp;")
    assert text_html("Nioro du Sahel, 175 days") == "Nioro du Sahel, 175 days"


@pytest.mark.browser
def test_chromium_shows_the_latitude_before_the_longitude(tmp_path):
    from html import escape

    from kg.viz.chromium import BrowserError, Chromium, find_chromium

    if find_chromium() is None:
        pytest.skip("Chromium not installed (apt-get install chromium)")
    css = files("kg.viz").joinpath("assets/page.css").read_text("utf-8")
    page = tmp_path / "passage.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{css}</style>'
        f'</head><body><p id="isolated">{text_html(LINE)}</p>'
        f'<p id="plain">{escape(LINE)}</p></body></html>',
        encoding="utf-8",
    )
    try:
        browser = Chromium()
    except BrowserError as exc:
        pytest.skip(f"Chromium could not start: {exc}")
    try:
        browser.viewport(1600, 400)
        browser.open(page)
        got = browser.evaluate(POSITIONS)
    finally:
        browser.close()
    lat, lon = got["isolated"]
    assert lat < lon, got
    # The witness: without isolation the browser does reverse them.
    lat, lon = got["plain"]
    assert lat > lon, got
