"""Time the briefing on the seed graph, and maps and briefings of 10k / 100k synthetic events.

Prints, for each size: the look-up (``kg.viz.mapdata.collect``), writing the HTML, SVG and
PNG maps, the HTML file's size, the whole briefing (its time per part, its size, how many
questions ran within its budget), and in headless Chromium the pages' load time
(navigation to the load event, map drawn), the markers/clusters in the first view and the
time to re-draw after a zoom. Nothing is asserted: these are figures for the docs (issue 21
asks for a briefing of a 100k-event store in at most 30 s, with a bounded size).

    python benchmarks/bench_map.py                 # seed briefing, 10k and 100k events
    python benchmarks/bench_map.py --events 10000  # one size only
    python benchmarks/bench_map.py --seed-only     # the briefing only
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

from kg.viz.chromium import Chromium, find_chromium
from kg.viz.export import write_map
from kg.viz.mapdata import collect
from kg.viz.report import build_briefing


def open_store(folder: Path, sources: list[Path]):
    """A fresh embedded store in ``folder`` with the ontology and ``sources`` loaded."""
    from kg.embedded import open_store as _open
    from kg.loading import load_files

    store = _open(folder)
    load_files(store, [Path(str(files("kg.ontology").joinpath("conflict.ttl"))), *sources])
    return store


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def bench_seed(tmp: Path, browser: Chromium | None, repeat: int) -> None:
    from kg.bundled import load_bundled
    from kg.embedded import open_store as _open

    store = _open(tmp / "seed-store")
    load_bundled(store)
    times = []
    for _ in range(repeat):
        brief, secs = _timed(build_briefing, store)
        times.append(secs)
    out = tmp / "briefing.html"
    out.write_text(brief.html, encoding="utf-8")
    print(
        f"seed briefing: build median {statistics.median(times):.3f} s over {repeat} runs "
        f"({len(brief.questions)} questions, {len(brief.data.events)} attacks), "
        f"{out.stat().st_size / 1024:.0f} KB"
    )
    if browser:
        loads = []
        for _ in range(repeat):
            browser.viewport(1280, 900)
            page = browser.open(out)
            loads.append(page.load_ms)
        print(
            f"seed briefing: Chromium load median {statistics.median(loads):.0f} ms, "
            f"errors {len(page.errors())}, external requests {len(page.external_requests())}"
        )
    store.close()


def bench_events(n: int, tmp: Path, browser: Chromium | None) -> None:
    nt = tmp / f"events-{n}.nt"
    synthetic.write_events(nt, n)
    store, load_s = _timed(open_store, tmp / f"store-{n}", [nt])
    data, collect_s = _timed(collect, store)
    row = [f"{n:>7} events", f"load {load_s:6.1f} s", f"look-up {collect_s:6.1f} s"]
    for ext in ("html", "svg", "png"):
        out = tmp / f"map-{n}.{ext}"
        _, secs = _timed(write_map, data, out)
        row.append(f"{ext} {secs:5.1f} s ({out.stat().st_size / 1e6:.1f} MB)")
    print(" | ".join(row))
    brief, brief_s = _timed(build_briefing, store)
    out = tmp / f"briefing-{n}.html"
    out.write_text(brief.html, encoding="utf-8")
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in brief.timings.items())
    print(
        f"{n:>7} events | briefing {brief_s:.1f} s ({parts}) | {out.stat().st_size / 1e6:.2f} MB | "
        f"{len(brief.questions)} questions run, {len(brief.skipped)} listed as not run at this size, "
        f"validation: {brief.validation.status if brief.validation else '-'}"
    )
    if browser:
        browser.viewport(1280, 900)
        page = browser.open(out)
        print(
            f"{n:>7} events | briefing in Chromium: load {page.load_ms:.0f} ms, "
            f"errors {len(page.errors())}, external requests {len(page.external_requests())}"
        )
    if browser:
        browser.viewport(1280, 900)
        page = browser.open(tmp / f"map-{n}.html")
        first = browser.evaluate(
            "[document.querySelectorAll('circle.marker').length, document.querySelectorAll('circle.cluster').length]"
        )
        zooms = []
        for _ in range(5):
            t0 = time.perf_counter()
            browser.evaluate(
                "new Promise(r => { const m = window.ckgMaps[0];"
                " m.zoomAt(m.data.view[0] + m.data.view[2] / 2, m.data.view[1] + m.data.view[3] / 2, 1.6);"
                " requestAnimationFrame(() => requestAnimationFrame(r)); })"
            )
            zooms.append((time.perf_counter() - t0) * 1000)
        print(
            f"{n:>7} events | Chromium load {page.load_ms:.0f} ms | first view: {first[0]} markers, "
            f"{first[1]} clusters | zoom re-draw median {statistics.median(zooms):.0f} ms | "
            f"errors {len(page.errors())}, external requests {len(page.external_requests())}"
        )
    store.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, action="append", help="sizes (default 10000 and 100000)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of the seed briefing")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--seed-only", action="store_true", help="only the seed briefing")
    args = ap.parse_args(argv)
    sizes = [] if args.seed_only else (args.events or [10_000, 100_000])
    browser = None
    if not args.no_browser and find_chromium():
        browser = Chromium(timeout=120)
    elif not args.no_browser:
        print("Chromium not found: page load times skipped")
    try:
        with tempfile.TemporaryDirectory(prefix="ckg-bench-map-") as d:
            tmp = Path(d)
            bench_seed(tmp, browser, args.repeat)
            for n in sizes:
                bench_events(n, tmp, browser)
    finally:
        if browser:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
