"""Time the briefing (``ckg report``) part by part on 10k and 100k synthetic attacks.

For each size it prints the briefing's time per part (look-up, questions, timeline,
validation, claims and labels, tables — the map's HTML is built inside "tables" —, html),
its size, and two same-run baselines that put the figures in proportion on a machine
whose load changes from minute to minute:

* ``scan``: pyoxigraph reading every attack's start date once (one predicate over the
  union of graphs, written as CSV) — the least any picture of every attack costs; run
  twice, the second (warm) one is the baseline;
* ``flagship``: the flagship question alone (``ckg query run towns_attacked_twice``);
* ``former look-up``: the look-up as it was before this round (every fact of every
  attack, one scan after the other, over the data graphs listed one by one), timed
  right after the briefing on the same store.

"own work" is the briefing without its questions; ``x scan`` is that time over the
scan's. Issue 21 asks for a briefing of 100k attacks in at most 30 s, of bounded size.

    python benchmarks/bench_briefing.py                       # 10k and 100k
    python benchmarks/bench_briefing.py --events 10000
    python benchmarks/bench_briefing.py --stores /tmp/stores  # keep stores between runs
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from bench_map import open_store

from kg.viz import questions
from kg.viz.report import RECURRENCE_QUESTION, build_briefing

SCAN = """SELECT ?e ?v WHERE { ?e <https://w3id.org/conflict-kg/ontology#startDate> ?v }"""


def store_for(n: int, folder: Path):
    """A store of ``n`` synthetic attacks in ``folder`` (built once, reused if present)."""
    from kg.embedded import open_store as _open

    path = folder / f"store-{n}"
    if path.exists():
        return _open(path, create=False), 0.0
    nt = folder / f"events-{n}.nt"
    synthetic.write_events(nt, n)
    t0 = time.perf_counter()
    store = open_store(path, [nt])
    return store, time.perf_counter() - t0


def scan_seconds(store) -> float:
    """Read every attack's start date once, as CSV, over the union of graphs."""
    import pyoxigraph as ox

    t0 = time.perf_counter()
    store.db.query(SCAN, use_default_graph_as_union=True).serialize(
        format=ox.QueryResultsFormat.CSV
    )
    return time.perf_counter() - t0


def former_lookup_seconds(store) -> float:
    """The look-up as the briefing did it before issue 21's last round, timed now.

    Every fact of every attack scanned (labels, targets, fatalities too), one scan after
    the other, each over the data graphs listed one by one.
    """
    from unittest import mock

    from kg.viz import mapdata
    from kg.viz.mapdata import events, fetcher

    with (
        mock.patch.object(fetcher, "UNION_SCANS", False),
        mock.patch.object(events, "DETAILS_UP_TO", 10**12),
        mock.patch.object(fetcher.Fetcher, "prefetch", lambda self, patterns: None),
    ):
        t0 = time.perf_counter()
        mapdata.collect(store)
        return time.perf_counter() - t0


def bench(n: int, folder: Path, out_dir: Path) -> None:
    store, load_s = store_for(n, folder)
    try:
        cold_s = scan_seconds(store)  # the first read of a store fills the caches
        scan_s = scan_seconds(store)
        t0 = time.perf_counter()
        questions.run(store, RECURRENCE_QUESTION)
        flagship_s = time.perf_counter() - t0
        brief = build_briefing(store)
        former_s = former_lookup_seconds(store)
        out = out_dir / f"briefing-{n}.html"
        out.write_text(brief.html, encoding="utf-8")
    finally:
        store.close()
    own = brief.seconds - brief.timings.get("questions", 0.0)
    parts = ", ".join(f"{k} {v:.1f}" for k, v in brief.timings.items())
    built = f" (store built in {load_s:.0f} s)" if load_s else ""
    print(f"{n:>7} attacks{built}")
    print(f"        briefing {brief.seconds:6.1f} s: {parts}")
    print(
        f"        own work {own:6.1f} s (briefing without its questions) = "
        f"{own / scan_s:.1f} x scan | size {out.stat().st_size / 1e6:.2f} MB"
    )
    print(
        f"        baseline scan {scan_s:.2f} s (first, cold: {cold_s:.2f} s) | "
        f"flagship alone {flagship_s:.1f} s | former look-up {former_s:.1f} s "
        f"(now {brief.timings.get('look-up', 0.0):.1f} s)"
    )
    print(
        f"        {len(brief.questions)} question(s) run, {len(brief.skipped)} listed as not "
        f"run at this size; validation: {brief.validation.status if brief.validation else '-'}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, action="append", help="sizes (default 10000 and 100000)")
    ap.add_argument("--stores", type=Path, help="folder to keep the stores in between runs")
    args = ap.parse_args(argv)
    sizes = args.events or [10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="ckg-bench-briefing-") as d:
        folder = args.stores or Path(d)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            bench(n, folder, Path(d))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
