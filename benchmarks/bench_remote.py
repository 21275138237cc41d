"""Remote backend benchmark: push throughput and the flagship question on Virtuoso vs embedded.

For each size (default 100k events; ``--events 100000 1000000`` for both) it, in one run:

1. writes synthetic events (``benchmarks/synthetic.py``, ~15 triples each) and loads them
   with the ontology into a fresh embedded store (``kg.loading.load_files``);
2. starts a throwaway Virtuoso on 127.0.0.1 (``tests/virtuoso_server.py``: no row cap, no
   anytime answers, ``--buffers`` pages of 8 kB);
3. pushes every graph with ``kg.remote.push`` through the Graph Store Protocol and prints
   triples/s; then pushes a 20,000-triple sample through SPARQL Update, for contrast;
4. asks the flagship question (``towns_attacked_twice``, window 365) on the embedded store
   and on the server, its text as written on both (it reads the derived graph, which the
   push sent with the data), twice each (the second is the warm figure), and compares the
   answers (GROUP_CONCAT lists as sets: each engine orders them its own way);
5. does the same for a small portable "calendar window" question (the linear form of
   PITFALLS.md), a plain-SPARQL figure on both sides.

Figures go to stdout; a question the server cannot answer is reported, not fatal
(benchmarks are not tests). Needs ``virtuoso-t`` (Debian ``virtuoso-opensource``).

Usage::

    .venv/bin/python benchmarks/bench_remote.py
    .venv/bin/python benchmarks/bench_remote.py --events 100000 1000000 --buffers 200000
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
# The benchmark reuses the synthetic generator and the test suite's server launcher.
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import synthetic
from virtuoso_server import start_virtuoso, unavailable_reason

from kg.bundled import load_bundled
from kg.catalogue import get_question, run_question
from kg.embedded import open_store
from kg.errors import CkgError
from kg.loading import load_files
from kg.remote import RemoteStore, push
from kg.terms import GRAPH

T = TypeVar("T")

FLAGSHIP = "towns_attacked_twice"

# Two attacks within a year at the same town, in the linear calendar-window form: each
# attack falls into the window of its year and of the year before; a town qualifies when
# some window holds two attacks. Day numbers, not date arithmetic, so it is portable.
CALENDAR_WINDOW = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
SELECT ?town (COUNT(DISTINCT ?a) AS ?attacks) WHERE {
  ?a a ckg:Attack ; ckg:place ?town ; ckg:startDate ?d .
  ?town a ckg:Town .
  { BIND(0 AS ?shift) } UNION { BIND(1 AS ?shift) }
  BIND(YEAR(?d) + ?shift AS ?window)
}
GROUP BY ?town ?window
HAVING (COUNT(DISTINCT ?a) >= 3)
"""


# Run in a child process, so that a question that takes too long on the embedded store
# can be stopped (a pyoxigraph query cannot be interrupted from Python).
_CHILD = """
import json, sys, time
from kg.catalogue import get_question, run_question
from kg.embedded import open_store
path, kind, text, out = sys.argv[1:5]
store = open_store(path, create=False)
run = (lambda: run_question(store, get_question(text), {"window": "365"})) if kind == "question" \\
    else (lambda: store.query(text))
times = []
for _ in range(2):
    t = time.perf_counter(); result = run(); times.append(time.perf_counter() - t)
json.dump({"times": times, "variables": result.variables,
           "via": getattr(result, "via", None),
           "rows": [[None if x is None else x.n3() for x in r] for r in result.rows]},
          open(out, "w"))
"""

# Columns joined with GROUP_CONCAT: each engine lists the values in its own order.
_JOINED = {"perpetrators", "sources"}


def comparable(variables: list[str], rows: list[list[str | None]]) -> list[list[str | None]]:
    """Rows sorted, with the "; "-joined lists of GROUP_CONCAT columns in sorted order."""
    from rdflib.util import from_n3

    out = []
    for row in rows:
        cells = []
        for name, cell in zip(variables, row, strict=True):
            if name in _JOINED and cell is not None:
                cell = "; ".join(sorted(str(from_n3(cell)).split("; ")))
            cells.append(cell)
        out.append(cells)
    return sorted(out, key=lambda r: [c or "" for c in r])


def embedded_timing(folder: Path, kind: str, text: str, limit: float) -> tuple[list[float], object]:
    """Cold and warm seconds and the sorted rows on the embedded store, or an error text."""
    out = folder.parent / "answer.json"
    try:
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(folder), kind, text, str(out)],
            check=True,
            timeout=limit,
            capture_output=True,
            text=True,
        )
    except subprocess.TimeoutExpired:
        return [limit], f"no answer within {limit:g} s (stopped)"
    except subprocess.CalledProcessError as exc:
        return [0.0], exc.stderr.strip().splitlines()[-1]
    answer = json.loads(out.read_text())
    if answer.get("via"):
        print(f"  (embedded: {answer['via']})", flush=True)
    return answer["times"], comparable(answer["variables"], answer["rows"])


def remote_timing(store: RemoteStore, kind: str, text: str) -> tuple[list[float], object]:
    """Cold and warm seconds and the sorted rows on the server, or the error text.

    ``kind`` "question" is a saved question as ``ckg query run`` asks it, "query" a plain
    query.
    """
    times = []
    rows: object = None
    for _ in range(2):
        start = time.perf_counter()
        try:
            if kind == "question":
                result = run_question(store, get_question(text), {"window": "365"})
            else:
                result = store.query(text)
        except CkgError as exc:
            return [time.perf_counter() - start], str(exc)
        times.append(time.perf_counter() - start)
        rows = comparable(
            result.variables, [[None if x is None else x.n3() for x in r] for r in result.rows]
        )
    return times, rows


def describe(label: str, seconds: list[float], rows: object) -> str:
    if isinstance(rows, str):
        return f"  {label:<44} FAILED after {seconds[0]:.1f} s: {rows[:200]}"
    return (
        f"  {label:<44} {seconds[0]:8.3f} s cold {seconds[1]:8.3f} s warm "
        f"{len(rows):>7,} rows"  # type: ignore[arg-type]
    )


def bench(events: int, buffers: int, work: Path, limit: float) -> None:
    print(f"\n== {events:,} synthetic events", flush=True)
    data = work / f"events-{events}.nt"
    t0 = time.perf_counter()
    triples = synthetic.write_events(data, events)
    print(f"  generated {triples:,} triples in {time.perf_counter() - t0:.1f} s", flush=True)

    folder = work / f"store-{events}"
    local = open_store(folder)
    t0 = time.perf_counter()
    load_bundled(local)
    load_files(local, [data], graph=str(GRAPH["bench/events"]))
    print(f"  embedded load (ontology + events): {time.perf_counter() - t0:.1f} s", flush=True)
    data.unlink()

    server = start_virtuoso(work / f"virtuoso-{events}", buffers=buffers)
    try:
        remote: RemoteStore = server.connect(timeout=limit)
        t0 = time.perf_counter()
        report = push(local, remote)
        seconds = time.perf_counter() - t0
        print(
            f"  push, Graph Store Protocol: {report.triples:,} triples in {seconds:.1f} s "
            f"= {report.triples / seconds:,.0f} triples/s",
            flush=True,
        )
        update = server.connect(gsp=False, timeout=600)
        sample = [(s, p, o) for s, p, o, _g in _first(local.quads(GRAPH["bench/events"]), 20_000)]
        t0 = time.perf_counter()
        update.upload_graph(GRAPH["bench/sample"], sample)
        seconds = time.perf_counter() - t0
        print(
            f"  push, SPARQL Update (1,000 per INSERT DATA): {len(sample):,} triples in "
            f"{seconds:.1f} s = {len(sample) / seconds:,.0f} triples/s",
            flush=True,
        )
        update.drop_graph(GRAPH["bench/sample"])
        local.close()  # the child processes open it

        cases = [
            (f"{FLAGSHIP} (window 365)", "question", FLAGSHIP),
            ("calendar window (portable, linear)", "query", CALENDAR_WINDOW),
        ]
        for label, kind, text in cases:
            here_t, here = embedded_timing(folder, kind, text, limit)
            print(describe(f"{label} - embedded", here_t, here), flush=True)
            there_t, there = remote_timing(remote, kind, text)
            print(describe(f"{label} - virtuoso", there_t, there), flush=True)
            if not isinstance(here, str) and not isinstance(there, str):
                print(f"  {label}: same answer on both: {here == there}", flush=True)
    finally:
        server.stop()
        local.close()


def _first(items: Iterable[T], n: int) -> list[T]:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for each requested size and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000])
    parser.add_argument(
        "--buffers", type=int, default=170_000, help="Virtuoso NumberOfBuffers (8 kB pages)"
    )
    parser.add_argument(
        "--limit", type=float, default=600, help="seconds a question may take (default 600)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    reason = unavailable_reason()
    if reason:
        print(f"bench_remote: skipped: {reason}")
        return 0
    # A kill (timeout, CI) must still stop the server: make SIGTERM unwind like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="ckg-bench-remote-"))
    try:
        for n in args.events:
            bench(n, args.buffers, work, args.limit)
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
