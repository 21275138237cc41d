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
  // "1 attack", "2 attacks" (or events, as the map's data calls them).
  var noun = "event";
  function count(n) { return n + " " + noun + (n === 1 ? "" : "s"); }
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
    noun = data.noun || "event";
    var svg = section.querySelector("svg.map-svg");
    var info = section.querySelector(".map-info");
    var gLinks = svg.querySelector("g.links");
    var gPlaces = svg.querySelector("g.places");
    var gMarkers = svg.querySelector("g.markers");
    var gLabels = svg.querySelector("g.labels");
    var gTowns = svg.querySelector("g.towns");
    var scaleBar = section.querySelector(".scale .bar");
    var scaleKm = section.querySelector(".scale .km");
    var coords = section.querySelector(".coords");
    var townEls = [];
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

    function showEvents(title, n, ids) {
      info.innerHTML = "";
      var h = text("h3", title);
      info.appendChild(h);
      info.appendChild(text("p", count(n), "count"));
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
        if (!e.s) li.appendChild(text("p", data.noPassages
          ? "Source passages are not embedded in a map of this many events; \u2018ckg query run claims_of_source\u2019 lists them."
          : "No source passage in the graph.", "nosource"));
        list.appendChild(li);
      });
      info.appendChild(list);
      if (!ids.length) {
        info.appendChild(text("p", "Details of these events are not embedded in this map (too many); " +
          "export the answer with \u2018ckg export\u2019 to list them.", "more"));
      } else if (n > ids.length) {
        info.appendChild(text("p", "\u2026 and " + (n - ids.length) +
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
        role: "button", "aria-label": m[4] + ": " + count(m[3]) + ", " + data.groups[m[2]].l
      }, gMarkers);
      el("title", {}, c).textContent = m[4] + ": " + count(m[3]) + ", " + data.groups[m[2]].l;
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
      (data.towns || []).forEach(function (t, i) {
        var r = el("rect", { x: t[0], y: t[1], width: 1, height: 1, "class": "ref-town" + (t[3] ? " capital" : "") }, gTowns);
        el("title", {}, r).textContent = t[2];
        var lt = el("text", { x: t[0], y: t[1], "class": "town-label", "data-town": i }, gLabels);
        lt.textContent = t[2];
        townEls.push([r, lt]);
      });
      // Labels of the busiest places (with the flagship's dates and gap as a second line).
      (data.labels || []).forEach(function (l, rank) {
        var t = el("text", { x: 0, y: 0, "class": "place-label" + (l[2] ? " noted" : ""),
                             "data-marker": l[0], "data-rank": rank }, gLabels);
        t.textContent = l[1];
        var note = null;
        if (l[2]) {
          note = el("text", { x: 0, y: 0, "class": "place-note", "data-marker": l[0] }, gLabels);
          note.textContent = l[2];
        }
        labelEls.push([t, note, l]);
      });
      if (clustering) return;
      var k = ppu();
      data.markers.forEach(function (m, i) { markerEls.push(markerEl(i, k)); });
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

    // Labels never overlap each other. A place label goes right of its marker, else left,
    // above, below or diagonally; the busiest eight may cover other markers (white halo)
    // rather than go unlabelled, the rest and the reference towns only where nothing is.
    // Widths are the rendered text's own (getComputedTextLength), in screen pixels.
    function overlapsAny(b, list) {
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (!(b[2] <= o[0] || b[0] >= o[2] || b[3] <= o[1] || b[1] >= o[3])) return true;
      }
      return false;
    }
    function coverCount(b, list) {
      var n = 0;
      for (var i = 0; i < list.length; i++) {
        var o = list[i];
        if (!(b[2] <= o[0] || b[0] >= o[2] || b[3] <= o[1] || b[1] >= o[3])) n++;
      }
      return n;
    }
    function placeLabels(k) {
      var marks = [];
      gMarkers.querySelectorAll("circle").forEach(function (c) {
        var cx = +c.getAttribute("cx") * k, cy = +c.getAttribute("cy") * k, r = +c.getAttribute("r") * k;
        marks.push([cx - r, cy - r, cx + r, cy + r]);
      });
      linkEls.forEach(function (l) {
        var x1 = +l.getAttribute("x1") * k, y1 = +l.getAttribute("y1") * k;
        var x2 = +l.getAttribute("x2") * k, y2 = +l.getAttribute("y2") * k;
        var n = Math.max(1, Math.floor(Math.hypot(x2 - x1, y2 - y1) / 6));
        for (var s = 0; s <= n; s++) {
          var x = x1 + (x2 - x1) * s / n, y = y1 + (y2 - y1) * s / n;
          marks.push([x - 3, y - 3, x + 3, y + 3]);
        }
      });
      townEls.forEach(function (pair) {
        var t = data.towns[+pair[1].getAttribute("data-town")];
        var s = (t[3] ? 6 : 4.5);
        pair[0].setAttribute("x", t[0] - s / 2 / k); pair[0].setAttribute("y", t[1] - s / 2 / k);
        pair[0].setAttribute("width", s / k); pair[0].setAttribute("height", s / k);
        pair[0].setAttribute("stroke-width", 1.3 / k);
        marks.push([t[0] * k - s / 2, t[1] * k - s / 2, t[0] * k + s / 2, t[1] * k + s / 2]);
      });
      var vx0 = view[0] * k, vy0 = view[1] * k, vx1 = (view[0] + view[2]) * k, vy1 = (view[1] + view[3]) * k;
      var taken = [];
      function spot(x, y, r, w, h, allowCover) {
        var g = r + 3, d = g * 0.7;
        var c = [[x + g, y - h / 2], [x - g - w, y - h / 2], [x - w / 2, y - g - h], [x - w / 2, y + g],
                 [x + d, y - d - h], [x + d, y + d], [x - d - w, y - d - h], [x - d - w, y + d]];
        var best = null, bestN = 1e9;
        for (var i = 0; i < c.length; i++) {
          var b = [c[i][0], c[i][1], c[i][0] + w, c[i][1] + h];
          if (b[0] < vx0 + 2 || b[2] > vx1 - 2 || b[1] < vy0 + 2 || b[3] > vy1 - 2) continue;
          if (overlapsAny(b, taken)) continue;
          var n = coverCount(b, marks);
          if (n === 0) return b;
          if (allowCover && n < bestN) { best = b; bestN = n; }
        }
        return best;
      }
      var lastBox = null;
      function measure(t, size) {
        // The rendered width, in screen pixels, at the size the label will have; the
        // height and the baseline's depth are kept in lastBox (they depend on the font
        // the reader's machine has: DejaVu Sans and Noto Sans differ by a pixel or two).
        t.style.display = "";
        t.setAttribute("font-size", size / k);
        var w = t.getComputedTextLength() * k + 2;
        var bb = t.getBBox(), y0 = +t.getAttribute("y") || 0;
        lastBox = bb.height > 0 ? [bb.height * k, (y0 - bb.y) * k] : null;
        t.style.display = "none";
        return w;
      }
      function boxH(fallback) { return lastBox ? Math.max(fallback, Math.ceil(lastBox[0]) + 1) : fallback; }
      function boxAsc(fallback) { return lastBox ? lastBox[1] + 0.5 : fallback; }
      function put(t, b, size, dy) {
        t.style.display = "";
        t.setAttribute("x", b[0] / k);
        t.setAttribute("y", (b[1] + dy) / k);
        t.setAttribute("font-size", size / k);
      }
      labelEls.forEach(function (item) {
        var t = item[0], note = item[1], l = item[2];
        var m = data.markers[l[0]];
        t.style.display = "none";
        if (note) note.style.display = "none";
        // Clustered, a place's own marker may be inside a disc: label the place itself.
        var own = !clustering || gMarkers.querySelector('circle.marker[data-marker="' + l[0] + '"]');
        var x = mx(m, k) * k, y = my(m, k) * k, r = own ? radius(m[3]) : 2;
        var w1 = measure(t, 12), h1 = boxH(15), a1 = boxAsc(11), w = w1, h = h1, h2 = 0, a2 = 11;
        if (note) { w = Math.max(w1, measure(note, 11)); h2 = boxH(14); a2 = boxAsc(11); h = h1 + h2; }
        var rank = +t.getAttribute("data-rank");
        var b = spot(x, y, r, w, h, rank < 8 || !!note);
        if (!b && note) { note.style.display = "none"; note = null; b = spot(x, y, r, w1, h1, true); }
        if (!b) return;
        taken.push(b);
        put(t, b, 12, a1);
        if (note) put(note, [b[0], b[1] + h1], 11, a2);
      });
      townEls.forEach(function (pair) {
        var t = data.towns[+pair[1].getAttribute("data-town")];
        var lt = pair[1];
        lt.style.display = "none";
        pair[0].style.display = "none";  // a square without its name would only puzzle
        var x = t[0] * k, y = t[1] * k;
        if (x < vx0 || x > vx1 || y < vy0 || y > vy1) return;
        var b = spot(x, y, 3, measure(lt, 11), boxH(14), false);
        if (!b) return;
        pair[0].style.display = "";
        taken.push(b);
        put(lt, b, 11, boxAsc(10));
      });
      // Country names stay only where no label or marker is under them.
      gCountryLabels.querySelectorAll("text").forEach(function (c) {
        c.style.display = "";
        var bb = c.getBBox();
        var b = [bb.x * k, bb.y * k, (bb.x + bb.width) * k, (bb.y + bb.height) * k];
        if (overlapsAny(b, taken) || coverCount(b, marks) > 0) c.style.display = "none";
        else taken.push(b);
      });
    }
    this.placeLabels = placeLabels;

    function updateScale(k) {
      if (!scaleBar) return;
      var kmPerPx = data.kmPerUnit / k, max = 130 * kmPerPx;
      var e = Math.pow(10, Math.floor(Math.log10(max))), len = e;
      [5, 2, 1].some(function (m) { if (m * e <= max) { len = m * e; return true; } return false; });
      scaleBar.style.width = (len / kmPerPx) + "px";
      scaleKm.textContent = (len >= 1 ? len : len.toFixed(1)) + " km";
    }
    function lonlat(u) {
      var p = data.proj;
      return [u[0] / (p[2] * 100) + p[0], p[1] - u[1] / 100];
    }
    function deg(v, pos, neg) { return Math.abs(v).toFixed(2) + "\u00b0" + (v >= 0 ? pos : neg); }
    svg.addEventListener("mousemove", function (ev) {
      if (!coords) return;
      var ll = lonlat(toUnits(ev.clientX, ev.clientY));
      coords.textContent = deg(ll[1], "N", "S") + " " + deg(ll[0], "E", "W");
    });

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
      updateScale(k);
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
