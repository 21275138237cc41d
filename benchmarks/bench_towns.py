"""Benchmark of the flagship question ``towns_attacked_twice``: Oxigraph vs pandas vs rdflib.

For each size (10k and 100k synthetic attacks by default, 1M with ``--million``):

1. writes the events with ``benchmarks/synthetic.py`` (N-Triples) and bulk-loads them into
   a fresh embedded store in a temporary folder, through ``kg.loading.load_files`` (the
   store derives its derived graph, kg/derive, as part of the load); then times a full
   rebuild of the derived graph alone, and a 100-event ``add_to_graphs`` (what ``ckg add``
   does) with its incremental upkeep;
2. times the question **cold**: a new process runs ``ckg --store DIR query run
   towns_attacked_twice -f csv`` (wall time, Python start-up included), then the query
   alone in this process on a freshly opened store, best of ``--repeat`` (the text as
   written; it reads the derived graph);
3. times a pandas sort-and-diff of the same rule (the one the question's description
   states) on the same attacks, and checks that both give the same pairs;
4. times plain rdflib (parse the file into a ``Graph``, add its derived facts with
   ``kg.derive.derived_graph``, run the same query text with the same bound parameters)
   in a child process, time-boxed (``--rdflib-timeout``; skipped at
   1M); when it does not finish, it prints how far it got and a lower bound of the ratio.

Then it times cold ``ckg query run towns_attacked_twice`` on a store holding the bundled
seed graph (target: <= 1 s wall), median of ``--repeat`` runs.

Usage::

    .venv/bin/python benchmarks/bench_towns.py                      # 10k and 100k
    .venv/bin/python benchmarks/bench_towns.py --sizes 10000 --rdflib-timeout 120
    .venv/bin/python benchmarks/bench_towns.py --million            # also 1M (no rdflib)

Figures go to stdout. The script never fails on a slow figure (benchmarks are not tests);
it exits 1 if the SPARQL answer differs from pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # benchmarks/synthetic.py, the shared generator

QUESTION = "towns_attacked_twice"
WINDOW = 365
CKG = synthetic.CKG
TOWN_TYPES = {f"<{CKG}Town>", f"<{CKG}Village>"}


# ---- the pandas baseline


def attack_frame(events: int, seed: int) -> Any:
    """The generator's attacks as a DataFrame (town, event, start, end), from its triples.

    An attack on a military post counts for the town the post is located in, as in the
    question. Building the frame is not timed: the baseline is the sort-and-diff only.
    """
    import pandas as pd

    types: dict[str, str] = {}
    located: dict[str, str] = {}
    place: dict[str, str] = {}
    start: dict[str, str] = {}
    end: dict[str, str] = {}
    rdf_type = f"<{synthetic.RDF_TYPE}>"
    for s, p, o in synthetic.iter_triples(events, seed):
        if p == rdf_type:
            types[s] = o
        elif p == f"<{CKG}locatedIn>":
            located[s] = o
        elif p == f"<{CKG}place>":
            place[s] = o
        elif p == f"<{CKG}startDate>":
            start[s] = o.split('"')[1]
        elif p == f"<{CKG}endDate>":
            end[s] = o.split('"')[1]

    def town_of(node: str) -> str | None:
        while node is not None and types.get(node) not in TOWN_TYPES:
            node = located.get(node)  # type: ignore[assignment]
        return node

    rows = [
        {"town": town_of(pl)[1:-1], "event": ev[1:-1], "start": start[ev], "end": end[ev]}
        for ev, pl in place.items()
        if types.get(ev) == f"<{CKG}Attack>" and town_of(pl) is not None
    ]
    frame = pd.DataFrame(rows)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


def pandas_towns_attacked_twice(attacks: Any, window: int) -> dict[str, tuple[str, str, int]]:
    """The question's rule in pandas: town -> (first event, next event, gap in days)."""
    df = attacks.drop_duplicates(["town", "event"]).sort_values(["town", "start", "end", "event"])
    by_town = df.groupby("town", sort=False)
    df = df.assign(
        next_event=by_town["event"].shift(-1),
        gap=(by_town["start"].shift(-1) - df["end"]).dt.days,
    )
    hits = df[df["gap"] <= window].groupby("town", sort=False).head(1)
    return {r.town: (r.event, r.next_event, int(r.gap)) for r in hits.itertuples(index=False)}


# ---- the store side


def ckg_command(store: Path, *args: str) -> list[str]:
    """The ``ckg`` command line for this interpreter (no PATH lookup)."""
    return [
        sys.executable,
        "-c",
        "from kg.cli.main import cli; cli()",
        "--store",
        str(store),
        *args,
    ]


def cold_cli_seconds(store: Path, out: Path, repeat: int) -> list[float]:
    """Wall seconds of ``ckg query run towns_attacked_twice`` in new processes."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(
            ckg_command(store, "-q", "query", "run", QUESTION, "-f", "csv", "-o", str(out)),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - t0)
    return times


def query_seconds(store_dir: Path, repeat: int) -> tuple[float, dict[str, tuple[str, str, int]]]:
    """Best time of the question alone on a freshly opened store, and its answer."""
    from kg.catalogue import bind_params, get_question
    from kg.embedded import open_store

    question = get_question(QUESTION)
    bindings = bind_params(question, {"window": str(WINDOW)})
    best = float("inf")
    answer: dict[str, tuple[str, str, int]] = {}
    for _ in range(repeat):
        store = open_store(store_dir, create=False)
        try:
            t0 = time.perf_counter()
            result = store.query(question.text, bindings)
            best = min(best, time.perf_counter() - t0)
        finally:
            store.close()
        answer = {
            str(d["town"]): (str(d["first"]), str(d["second"]), int(d["gapDays"]))
            for d in result.dicts()
        }
    return best, answer


def synthetic_graph() -> Any:
    """The graph the 100-event batch is added to (a graph of its own)."""
    from rdflib import URIRef

    return URIRef("https://w3id.org/conflict-kg/graph/bench/batch")


def synthetic_batch(events: int, n: int, seed: int) -> Any:
    """``n`` new synthetic events (the generator's, renamed) as an rdflib Graph."""
    from rdflib import Graph

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.nt"
        synthetic.write_events(path, n, seed + 1)
        # Only the events (new IRIs), at the towns and posts the store already has.
        lines = [
            line.replace("/event/acled/SYN", "/event/acled/BATCH")
            for line in path.read_text("utf-8").splitlines(keepends=True)
            if line.startswith("<https://w3id.org/conflict-kg/id/event/")
        ]
    return Graph().parse(data="".join(lines), format="nt")


def rdflib_child(path: str, window: int) -> None:
    """Child process: parse with rdflib, run the same query text, print JSON progress lines."""
    from rdflib import Graph

    from kg.catalogue import bind_params, get_question
    from kg.sparql import bind_values

    question = get_question(QUESTION)
    text = bind_values(question.text, bind_params(question, {"window": str(window)}))
    t0 = time.perf_counter()
    graph = Graph()
    graph.parse(path, format="nt")
    from kg.derive import derived_graph

    graph += derived_graph(graph)
    print(json.dumps({"parsed": time.perf_counter() - t0, "triples": len(graph)}), flush=True)
    t1 = time.perf_counter()
    rows = list(graph.query(text))
    print(json.dumps({"query": time.perf_counter() - t1, "rows": len(rows)}), flush=True)


def rdflib_seconds(path: Path, timeout: float) -> dict[str, Any]:
    """Run :func:`rdflib_child` with a time box; what it reached before the box closed."""
    cmd = [sys.executable, __file__, "--rdflib-child", str(path), "--window", str(WINDOW)]
    reached: dict[str, Any] = {"finished": False}
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, text=True)
        try:
            proc.wait(timeout=timeout)
            reached["finished"] = proc.returncode == 0
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reached["wall"] = time.perf_counter() - t0
        out.seek(0)
        for line in out:
            if line.strip():
                reached.update(json.loads(line))
    return reached


# ---- the runs


def read_by_quads(db: Any, skip: Any) -> Any:
    """The derived graph's input as kg.derive read it before: quads_for_pattern per predicate.

    Kept here, unchanged, so that each run compares the reader before and after on the
    same store and the same machine load.
    """
    import pyoxigraph as ox

    from kg.derive import rules, upkeep

    facts = rules.Facts()
    for predicate in rules.READ:
        for q in db.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and g.value not in skip:
                upkeep._add(facts, q)
    return facts


def derive_figures(store: Any, repeat: int) -> None:
    """Where a full rebuild of the derived graph goes: reading (before/after), the rules."""
    from kg.derive import rules, upkeep
    from kg.embedded.derived import DERIVE_SKIP as _DERIVE_SKIP

    before, after = [], []
    facts = None
    for _ in range(repeat):  # alternating, so that both see the same machine load
        t0 = time.perf_counter()
        read_by_quads(store.db, _DERIVE_SKIP)
        before.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        facts = upkeep.read_all(store.db, _DERIVE_SKIP)
        after.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    lines = list(rules.derived_lines(facts))
    applied = time.perf_counter() - t0
    old, new = statistics.median(before), statistics.median(after)
    print(
        f"  read its input (SPARQL)       {new:8.2f} s   before, quads_for_pattern: {old:.2f} s "
        f"({old / new:.1f}x; medians of {repeat}, alternating)"
    )
    print(f"  apply the rules               {applied:8.2f} s   {len(lines):,} triples")


def bench_size(events: int, args: argparse.Namespace, work: Path) -> bool:
    """Benchmark one size; return whether the store's answer agrees with pandas."""
    from kg.embedded import open_store
    from kg.loading import load_files

    print(f"\n== {events:,} synthetic attacks (seed {args.seed}, window {WINDOW} days)")
    nt = work / f"events-{events}.nt"
    triples = synthetic.write_events(nt, events, args.seed)
    store_dir = work / f"store-{events}"
    from kg.embedded import EmbeddedStore

    # The load's time in refresh_derived, measured by wrapping it for this load only.
    in_derive: list[float] = []
    refresh = EmbeddedStore.refresh_derived

    def timed_refresh(self: Any, *a: Any, **k: Any) -> int:
        t = time.perf_counter()
        try:
            return refresh(self, *a, **k)
        finally:
            in_derive.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    store = open_store(store_dir)
    EmbeddedStore.refresh_derived = timed_refresh  # type: ignore[method-assign]
    try:
        load_files(store, [nt], bulk=True)
    finally:
        EmbeddedStore.refresh_derived = refresh  # type: ignore[method-assign]
        store.close()
    load_time = time.perf_counter() - t0
    print(
        f"load (bulk, embedded store)   {load_time:8.2f} s   {triples:,} triples, "
        "derived graph included"
    )
    print(
        f"  of which the derived graph    {sum(in_derive):8.2f} s   "
        f"({sum(in_derive) / load_time:.0%} of the load)"
    )
    store = open_store(store_dir)
    try:
        t0 = time.perf_counter()
        derived = store.refresh_derived()
        rebuild = time.perf_counter() - t0
        print(
            f"derived graph, full rebuild   {rebuild:8.2f} s   {derived:,} triples "
            f"({rebuild / load_time:.0%} of the load's time)"
        )
        derive_figures(store, args.repeat)
    finally:
        store.close()

    cli = cold_cli_seconds(store_dir, work / f"answer-{events}.csv", args.repeat)
    print(
        f"cold `ckg query run` (wall)   {statistics.median(cli):8.2f} s   "
        f"median of {len(cli)}: {', '.join(f'{t:.2f}' for t in cli)}"
    )
    ox_time, ox_answer = query_seconds(store_dir, args.repeat)
    print(f"query alone (as written)      {ox_time:8.3f} s   {len(ox_answer):,} towns")
    plain_time = ox_time

    frame = attack_frame(events, args.seed)
    best_pd = float("inf")
    pd_answer: dict[str, tuple[str, str, int]] = {}
    for _ in range(args.repeat):
        t1 = time.perf_counter()
        pd_answer = pandas_towns_attacked_twice(frame, WINDOW)
        best_pd = min(best_pd, time.perf_counter() - t1)
    agree = pd_answer == ox_answer
    print(
        f"pandas sort-and-diff          {best_pd:8.3f} s   {len(pd_answer):,} towns; "
        f"same pairs as SPARQL: {'yes' if agree else 'NO'}"
    )
    print(f"ratio store / pandas          {ox_time / best_pd:8.1f} x slower")

    store = open_store(store_dir)
    try:  # last: the batch changes the answer
        t0 = time.perf_counter()
        store.add_to_graphs(
            {synthetic_graph(): synthetic_batch(events, 100, args.seed)}, source="bench batch"
        )
        added = time.perf_counter() - t0
        print(
            f"add 100 events (ckg add path) {added:8.2f} s   derived graph kept in step "
            f"incrementally: {'yes' if store.derived_is_fresh() else 'NO'}"
        )
    finally:
        store.close()

    if events > args.rdflib_max:
        print(f"rdflib                        skipped above {args.rdflib_max:,} events")
        return agree
    timeout = args.rdflib_timeout
    reached = rdflib_seconds(nt, timeout)
    parsed = reached.get("parsed")
    parse_text = f"parse {parsed:.1f} s" if parsed is not None else "still parsing"
    if reached.get("query") is not None:
        rd = reached["query"]
        print(
            f"rdflib query                  {rd:8.2f} s   ({parse_text}; {reached['rows']:,} rows)"
        )
        print(f"ratio rdflib / plain SPARQL   {rd / plain_time:8.1f} x (Oxigraph faster)")
    else:
        spent = reached["wall"] - (parsed or 0.0)
        print(
            f"rdflib query                  > {spent:6.0f} s   (did not finish in the "
            f"{timeout:.0f} s box; {parse_text})"
        )
        print(
            f"ratio rdflib / plain SPARQL   > {spent / plain_time:6.0f} x (Oxigraph faster; "
            "a lower bound)"
        )
    return agree


def bench_seed(args: argparse.Namespace, work: Path) -> None:
    """Cold ``ckg query run towns_attacked_twice`` on a store with the bundled graph."""
    store_dir = work / "seed-store"
    subprocess.run(
        ckg_command(store_dir, "-q", "load", "--bundled"),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times = cold_cli_seconds(store_dir, work / "seed-answer.csv", max(args.repeat, 5))
    rows = (work / "seed-answer.csv").read_text("utf-8").strip().splitlines()[1:]
    print("\n== bundled seed graph")
    print(
        f"cold `ckg query run {QUESTION}` (wall)  median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s of {len(times)} runs (target <= 1 s); {len(rows)} rows"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        help="numbers of synthetic attacks (default 10000 100000)",
    )
    parser.add_argument("--million", action="store_true", help="also 1,000,000 attacks")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (default 3)")
    parser.add_argument(
        "--rdflib-timeout",
        type=float,
        default=900.0,
        help="seconds rdflib may take per size, parse included (default 900)",
    )
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=100_000,
        help="largest size run on rdflib (default 100000)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="folder for the files and stores (default: a temporary one); "
        "each run uses a fresh folder inside it",
    )
    parser.add_argument("--no-seed", action="store_true", help="skip the seed-store timing")
    parser.add_argument("--rdflib-child", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--window", type=int, default=WINDOW, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rdflib_child:
        rdflib_child(args.rdflib_child, args.window)
        return 0
    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    print(
        f"bench_towns: {QUESTION}, sizes {', '.join(f'{n:,}' for n in sizes)}; "
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    # A fresh folder every run, also inside --workdir: a store left by an earlier run holds
    # its 100 added events, and the answer no longer matched pandas' (seen twice).
    with tempfile.TemporaryDirectory(prefix="ckg-bench-towns-", dir=args.workdir) as tmp:
        work = Path(tmp)
        # Every size runs, even after a disagreement.
        agreements = [bench_size(n, args, work) for n in sizes]
        ok = all(agreements)
        if not args.no_seed:
            bench_seed(args, work)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
