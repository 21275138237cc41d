"""Pictures and files from the graph: maps, timelines, the HTML briefing, GeoJSON/CSV/KML.

* :mod:`kg.viz.mapdata` looks up what can be drawn (events, places, coordinates,
  perpetrators, passages) from a saved question's answer or the default set of attacks;
* :mod:`kg.viz.mapview` and :mod:`kg.viz.timeline` lay out pictures (SVG, PNG) and the
  interactive, offline HTML map;
* :mod:`kg.viz.report` builds the self-contained briefing;
* :mod:`kg.viz.export` writes an answer's files: the map (HTML, SVG, PNG), GeoJSON, CSV, KML;
* :mod:`kg.viz.chromium` drives headless Chromium for the browser tests and benchmark;
* :mod:`kg.viz.fonts` names the font fallback chain every picture asks for, so that
  Arabic, Tifinagh or N'Ko names are drawn, not boxes.

Country outlines: Natural Earth 1:50m; admin-1 regions of the G5 Sahel: Natural Earth
1:10m (both public domain), see ``kg/viz/data/BOUNDARIES.md``.
"""

from __future__ import annotations
