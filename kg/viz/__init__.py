"""Pictures and files from the graph: maps, timelines, the HTML briefing, GeoJSON/CSV/KML.

* :mod:`kg.viz.mapdata` (a package) looks up what can be drawn — events, places,
  coordinates, perpetrators, passages — from a saved question's answer or the default set
  of attacks, into a :class:`~kg.viz.mapdata.MapData`;
* :mod:`kg.viz.scene` is the drawing model every static picture is laid out in, written
  as SVG or PNG by :meth:`~kg.viz.scene.Scene.write`; :mod:`kg.viz.layout`,
  :mod:`kg.viz.geo`, :mod:`kg.viz.colours` and :mod:`kg.viz.fonts` place labels, project
  outlines, colour actors and name the fonts;
* :mod:`kg.viz.mapview` (the interactive, offline HTML map), :mod:`kg.viz.staticmap`
  and :mod:`kg.viz.timeline` lay out the pictures;
* :mod:`kg.viz.report` (a package) builds the self-contained briefing;
* :mod:`kg.viz.export` writes an answer's files: the map (HTML, SVG, PNG), GeoJSON, CSV, KML;
* :mod:`kg.viz.questions` adapts the saved questions to what the pictures ask;
* :mod:`kg.viz.chromium` drives headless Chromium for the browser tests and benchmark.

Fonts: every picture asks for one fallback chain, so that Arabic, Tifinagh or N'Ko names
are drawn, not boxes. Country outlines: Natural Earth 1:50m; admin-1 regions of the G5
Sahel: Natural Earth 1:10m (both public domain), see ``kg/viz/data/BOUNDARIES.md``.
"""

from __future__ import annotations
