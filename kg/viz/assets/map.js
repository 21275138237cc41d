/* conflict-kg interactive map: pan, zoom, cluster, click for details. No dependencies,
   no network: everything it draws comes from the JSON block inside its own section. */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function radius(n) { return Math.min(4 + 3 * Math.sqrt(Math.max(n, 1)), 30); }
  // Markers sharing a place carry a pixel offset (m[6]) that fans them out at any zoom.
  function mx(m, k) { return m[0] + (m[6] ? m[6][0] / k : 0); }
  function my(m, k) { return m[1] + (m[6] ? m[6][1] / k : 0); }
  function text(tag, s, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    e.textContent = s;
    return e;
  }

  function CkgMap(section) {
    var self = this;
    var data = JSON.parse(section.querySelector("script.map-data").textContent);
    var svg = section.querySelector("svg.map-svg");
    var info = section.querySelector(".map-info");
    var gLinks = svg.querySelector("g.links");
    var gPlaces = svg.querySelector("g.places");
    var gMarkers = svg.querySelector("g.markers");
    var gLabels = svg.querySelector("g.labels");
    var gCountryLabels = svg.querySelector("g.country-labels");
    var home = data.view.slice();
    var view = home.slice();
    var clustering = data.markers.length > data.clusterFrom;
    var markerEls = [];
    var labelEls = [];
    var linkEls = [];
    var pending = false;
    this.data = data;
    this.section = section;

    function ppu() {
      var m = svg.getScreenCTM();
      return m && m.a ? m.a : svg.clientWidth / view[2];
    }
    function toUnits(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return [view[0], view[1]];
      var p = svg.createSVGPoint();
      p.x = clientX; p.y = clientY;
      p = p.matrixTransform(m.inverse());
      return [p.x, p.y];
    }
    function zoomAt(ux, uy, factor) {
      // Never zoom out past four times the first view, nor in past ~50 m per unit.
      var w = Math.max(0.5, Math.min(home[2] * 4, view[2] / factor));
      var f = view[2] / w;
      view = [ux - (ux - view[0]) / f, uy - (uy - view[1]) / f, w, view[3] / f];
      schedule();
    }
    this.zoomAt = zoomAt;
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; render(); });
    }

    function showEvents(title, count, ids) {
      info.innerHTML = "";
      var h = text("h3", title);
      info.appendChild(h);
      info.appendChild(text("p", count + (count === 1 ? " event" : " events"), "count"));
      var list = document.createElement("ol");
      list.className = "events";
      ids.forEach(function (i) {
        var e = data.events[i];
        var li = document.createElement("li");
        li.className = "event";
        li.appendChild(text("strong", e.l));
        var dl = document.createElement("dl");
        [["date", e.d], ["type", e.t], ["perpetrator", e.p], ["targets", e.g],
         ["fatalities", e.f], ["place", e.w], ["operation", e.o]].forEach(function (kv) {
          if (kv[1] === undefined || kv[1] === null || kv[1] === "") return;
          dl.appendChild(text("dt", kv[0]));
          dl.appendChild(text("dd", String(kv[1])));
        });
        li.appendChild(dl);
        (e.s || []).forEach(function (s) {
          var q = document.createElement("blockquote");
          q.className = "passage";
          q.appendChild(text("p", "\u201c" + s.t + "\u201d"));
          var src = [s.m, s.d, s.v ? "about " + s.v : null].filter(Boolean).join(" \u00b7 ");
          if (src) q.appendChild(text("footer", src));
          li.appendChild(q);
        });
        if (!e.s) li.appendChild(text("p", "No source passage in the graph.", "nosource"));
        list.appendChild(li);
      });
      info.appendChild(list);
      if (!ids.length) {
        info.appendChild(text("p", "Details of these events are not embedded in this map (too many); " +
          "export the answer with \u2018ckg export\u2019 to list them.", "more"));
      } else if (count > ids.length) {
        info.appendChild(text("p", "\u2026 and " + (count - ids.length) +
          " more (export the answer with \u2018ckg export\u2019 for the full list).", "more"));
      }
      info.scrollTop = 0;
      section.dispatchEvent(new CustomEvent("ckg-info", { detail: { title: title } }));
    }
    function openMarker(i) {
      var m = data.markers[i];
      showEvents(m[4] + " \u2014 " + data.groups[m[2]].l, m[3], m[5]);
      markerEls.forEach(function (e) { e.classList.remove("selected"); });
      var sel = gMarkers.querySelector('[data-marker="' + i + '"]');
      if (sel) sel.classList.add("selected");
    }
    this.openMarker = openMarker;

    function markerEl(i, k) {
      var m = data.markers[i];
      var c = el("circle", {
        cx: mx(m, k), cy: my(m, k), r: radius(m[3]) / k, fill: data.groups[m[2]].c,
        "class": "marker", "data-marker": i, "data-events": m[3], tabindex: 0,
        role: "button", "aria-label": m[4] + ": " + m[3] + " events, " + data.groups[m[2]].l
      }, gMarkers);
      el("title", {}, c).textContent = m[4] + ": " + m[3] + " event(s), " + data.groups[m[2]].l;
      return c;
    }

    function buildStatic() {
      data.ops.forEach(function (op) {
        op.s.forEach(function (s) {
          var l = el("line", { x1: s[0], y1: s[1], x2: s[2], y2: s[3], "class": "link" }, gLinks);
          el("title", {}, l).textContent = op.l;
          linkEls.push(l);
        });
      });
      data.places.forEach(function (p) {
        var c = el("circle", { cx: p[0], cy: p[1], r: 1, "class": "place" }, gPlaces);
        el("title", {}, c).textContent = p[2];
      });
      if (clustering) return;
      var k = ppu();
      data.markers.forEach(function (m, i) { markerEls.push(markerEl(i, k)); });
      if (data.markers.length <= 80) {
        var seen = {};
        data.markers.forEach(function (m, i) {
          if (seen[m[4]]) return;
          seen[m[4]] = true;
          var t = el("text", { x: m[0], y: m[1], "class": "place-label", "data-marker": i }, gLabels);
          t.textContent = m[4];
          labelEls.push(t);
        });
      }
    }

    function renderClusters(k) {
      gMarkers.textContent = "";
      markerEls = [];
      var cell = 44 / k;
      var margin = cell;
      var bins = {};
      var order = [];
      data.markers.forEach(function (m, i) {
        if (m[0] < view[0] - margin || m[0] > view[0] + view[2] + margin ||
            m[1] < view[1] - margin || m[1] > view[1] + view[3] + margin) return;
        var key = Math.floor(m[0] / cell) + ":" + Math.floor(m[1] / cell);
        var b = bins[key];
        if (!b) { b = bins[key] = { n: 0, x: 0, y: 0, idx: [], by: {} }; order.push(key); }
        b.n += m[3]; b.x += m[0] * m[3]; b.y += m[1] * m[3]; b.idx.push(i);
        b.by[m[2]] = (b.by[m[2]] || 0) + m[3];
      });
      order.forEach(function (key) {
        var b = bins[key];
        var same = b.idx.every(function (i) {
          return Math.abs(data.markers[i][0] - data.markers[b.idx[0]][0]) < 1e-6 &&
                 Math.abs(data.markers[i][1] - data.markers[b.idx[0]][1]) < 1e-6;
        });
        if (b.idx.length === 1 || same) {
          b.idx.forEach(function (i) { markerEls.push(markerEl(i, k)); });
          return;
        }
        var best = 0, bestN = -1;
        for (var g in b.by) if (b.by[g] > bestN) { bestN = b.by[g]; best = g; }
        var cx = b.x / b.n, cy = b.y / b.n;
        var r = Math.max(radius(b.n), 12) / k;
        var c = el("circle", { cx: cx, cy: cy, r: r, fill: data.groups[best].c, "class": "cluster",
                               "data-events": b.n, "data-places": b.idx.length, tabindex: 0,
                               role: "button", "aria-label": b.n + " events at " + b.idx.length + " places; zoom in" }, gMarkers);
        el("title", {}, c).textContent = b.n + " events at " + b.idx.length + " places \u2014 click to zoom in";
        var t = el("text", { x: cx, y: cy + 4 / k, "class": "cluster-count", "font-size": 11 / k }, gMarkers);
        t.textContent = b.n >= 10000 ? Math.round(b.n / 1000) + "k" : String(b.n);
        c.addEventListener("click", function (ev) {
          ev.stopPropagation();
          if (Date.now() - lastDragEnd >= 80) zoomAt(cx, cy, 3);
        });
      });
    }

    // Labels go right of their marker, else left, above or below; a label that would
    // cover another label or a marker is hidden until zooming makes room (boxes in px).
    function placeLabels(k) {
      var taken = data.markers.map(function (m) {
        var r = radius(m[3]), x = mx(m, k) * k, y = my(m, k) * k;
        return [x - r, y - r, x + r, y + r];
      });
      labelEls.forEach(function (t) {
        var m = data.markers[+t.getAttribute("data-marker")];
        var r = radius(m[3]) + (m[6] ? Math.abs(m[6][0]) : 0);
        var x = m[0] * k, y = m[1] * k, w = 7 * m[4].length, h = 13;
        var spots = [[x + r + 3, y - 8], [x - r - 3 - w, y - 8], [x - w / 2, y - r - 3 - h], [x - w / 2, y + r + 3]];
        var placed = null;
        for (var s = 0; s < spots.length && !placed; s++) {
          var b = [spots[s][0], spots[s][1], spots[s][0] + w, spots[s][1] + h];
          var free = taken.every(function (o) { return b[2] < o[0] || b[0] > o[2] || b[3] < o[1] || b[1] > o[3]; });
          if (free) placed = b;
        }
        if (!placed) { t.style.display = "none"; return; }
        taken.push(placed);
        t.style.display = "";
        t.setAttribute("x", placed[0] / k);
        t.setAttribute("y", (placed[3] - 3) / k);
        t.setAttribute("font-size", 12 / k);
      });
    }

    function render() {
      svg.setAttribute("viewBox", view.join(" "));
      var k = ppu();
      if (clustering) {
        renderClusters(k);
      } else {
        markerEls.forEach(function (c) {
          var m = data.markers[+c.getAttribute("data-marker")];
          c.setAttribute("r", radius(m[3]) / k);
          c.setAttribute("cx", mx(m, k));
          c.setAttribute("cy", my(m, k));
        });
      }
      placeLabels(k);
      linkEls.forEach(function (l) {
        l.setAttribute("stroke-width", 2 / k);
        l.setAttribute("stroke-dasharray", (6 / k) + " " + (4 / k));
      });
      gPlaces.querySelectorAll("circle").forEach(function (c) {
        c.setAttribute("r", 5 / k); c.setAttribute("stroke-width", 1.5 / k);
      });
      gCountryLabels.setAttribute("font-size", 11 / k);
    }

    // Clicks and keys on markers (delegated, so clusters' re-drawn markers work too).
    gMarkers.addEventListener("click", function (ev) {
      var t = ev.target;
      if (Date.now() - lastDragEnd < 80) return;  // the click that ends a drag
      if (t.classList && t.classList.contains("marker")) { ev.stopPropagation(); openMarker(+t.getAttribute("data-marker")); }
    });
    gMarkers.addEventListener("keydown", function (ev) {
      var t = ev.target;
      if ((ev.key === "Enter" || ev.key === " ") && t.classList) {
        ev.preventDefault();
        if (t.classList.contains("marker")) openMarker(+t.getAttribute("data-marker"));
        else if (t.classList.contains("cluster")) t.dispatchEvent(new MouseEvent("click"));
      }
    });

    // Pan with one pointer, pinch-zoom with two; a press that barely moves is a click.
    var pointers = {};
    var dragging = false;
    var lastDragEnd = 0;
    var start = null;
    svg.addEventListener("pointerdown", function (ev) {
      pointers[ev.pointerId] = [ev.clientX, ev.clientY];
      start = { x: ev.clientX, y: ev.clientY, view: view.slice(), k: ppu() };
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!(ev.pointerId in pointers)) return;
      var prev = pointers[ev.pointerId];
      pointers[ev.pointerId] = [ev.clientX, ev.clientY];
      var ids = Object.keys(pointers);
      if (ids.length === 2) {
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var other = ids[0] == ev.pointerId ? b : a;
        var d0 = Math.hypot(prev[0] - other[0], prev[1] - other[1]);
        var d1 = Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (d0 > 0) {
          var mid = toUnits((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
          zoomAt(mid[0], mid[1], d1 / d0);
        }
        dragging = true;
        return;
      }
      if (!start) return;
      var dx = ev.clientX - start.x, dy = ev.clientY - start.y;
      if (!dragging && Math.hypot(dx, dy) < 4) return;
      if (!dragging) { dragging = true; svg.setPointerCapture(ev.pointerId); svg.classList.add("dragging"); }
      view = [start.view[0] - dx / start.k, start.view[1] - dy / start.k, view[2], view[3]];
      schedule();
    });
    function release(ev) {
      delete pointers[ev.pointerId];
      if (Object.keys(pointers).length === 0) {
        if (dragging) lastDragEnd = Date.now();
        dragging = false;
        start = null;
        svg.classList.remove("dragging");
      }
    }
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var u = toUnits(ev.clientX, ev.clientY);
      zoomAt(u[0], u[1], ev.deltaY < 0 ? 1.25 : 0.8);
    }, { passive: false });
    section.querySelectorAll(".map-controls button").forEach(function (b) {
      b.addEventListener("click", function () {
        var z = b.getAttribute("data-zoom");
        var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
        if (z === "in") zoomAt(cx, cy, 1.5);
        else if (z === "out") zoomAt(cx, cy, 1 / 1.5);
        else { view = home.slice(); schedule(); }
      });
    });
    window.addEventListener("resize", schedule);
    window.addEventListener("beforeprint", function () { view = home.slice(); render(); });

    buildStatic();
    render();
    section.setAttribute("data-ready", "true");
  }

  function init() {
    window.ckgMaps = [];
    document.querySelectorAll("section.ckg-map").forEach(function (s) {
      window.ckgMaps.push(new CkgMap(s));
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
