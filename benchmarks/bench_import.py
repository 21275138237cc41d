"""Import benchmarks: throughput, peak memory, and the flagship question against pandas.

What it measures (each step in a fresh child process, so that peak memory is that step's):

1. ``ckg import acled`` of the real ACLED files in ``../shared/data`` (Burkina Faso and
   Niger, HDX layout) into a fresh embedded store: triples, seconds, triples/s, peak RSS
   (the derived graph is kept in step as part of the import, so its cost is in these
   figures); then pyoxigraph's bulk loader alone on the same triples (the ceiling for any
   importer that writes through it, same run); then ``towns_attacked_twice`` (JNIM, and
   any perpetrator) and the same rule computed by pandas over the same CSVs; the answers
   must be equal. The question is the saved text as ``ckg query run`` sends it (pairs from
   the derived graph, labels, regions, perpetrators and sources), timed on its first run
   after the import and as the best of ``--repeat``. Then whole processes, as an analyst
   runs them: ``ckg query run towns_attacked_twice`` against a pandas script that reads the
   CSVs and answers, started in turn (issue 17's cold target: at most 1.5x).
2. The same for synthetic ACLED-format CSVs (current layout) of 100k rows, and of 1M rows
   with ``--million``.

Usage::

    .venv/bin/python benchmarks/bench_import.py                 # real files + 100k
    .venv/bin/python benchmarks/bench_import.py --million       # also 1M rows
    .venv/bin/python benchmarks/bench_import.py --rows 20000    # a quick run
    .venv/bin/python benchmarks/bench_import.py --rows 10000 --skip-real --compare-paths

``--compare-paths`` also imports each file with the write path forced, transactional then
bulk then transactional then bulk (fresh store, then the same file again into it), and
prints the seconds of each and the ratio (what ``kg.importers.writing.IMPORT_BULK_BYTES``
was chosen from).

Figures go to stdout; the script never fails on a slow figure (benchmarks are not tests),
but it exits 1 if a SPARQL answer differs from pandas.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from kg.extract.dates import MONTH_NAMES as MONTHS

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_acled

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_FILES = ["acled-hdx-burkina-faso-1997-2020.csv", "acled-hdx-niger-1997-2020.csv"]
JNIM_NAME = "JNIM: Group for Support of Islam and Muslims"
JNIM_IRI = "https://w3id.org/conflict-kg/id/group/jnim"

SUB_EVENTS = [
    ("Political violence", "Violence against civilians", "Attack", 0.30),
    ("Political violence", "Battles", "Armed clash", 0.25),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", 0.08),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 0.04),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", 0.06),
    ("Demonstrations", "Protests", "Peaceful protest", 0.12),
    ("Demonstrations", "Riots", "Violent demonstration", 0.05),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", 0.05),
    ("Strategic developments", "Strategic developments", "Other", 0.05),
]
ACTORS = [
    (JNIM_NAME, "2", 0.25),
    ("Islamic State (Greater Sahara)", "2", 0.12),
    ("Katiba Macina", "2", 0.05),
    ("Military Forces of Mali (2021-)", "1", 0.12),
    ("Wagner Group", "8", 0.05),
    ("Unidentified Armed Group (Mali)", "3", 0.15),
    ("Dozo Communal Militia (Mali)", "4", 0.06),
    ("Protesters (Mali)", "6", 0.12),
    ("Rioters (Mali)", "5", 0.08),
]
TARGETS = [
    "Civilians (Mali)",
    "Military Forces of Mali (2021-)",
    "Police Forces of Mali (2021-)",
    "",
]
FIRST_DAY = date(2012, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days
EVENTS_PER_PLACE = 20


def _weighted(rng: random.Random, items: list) -> object:
    r, acc = rng.random() * sum(i[-1] for i in items), 0.0
    for item in items:
        acc += item[-1]
        if r <= acc:
            return item
    return items[-1]


def write_synthetic_acled(path: Path, rows: int, seed: int = 11) -> None:
    """Write ``rows`` ACLED rows (current layout) with one location per 20 events."""
    rng = random.Random(seed)
    n_places = max(20, rows // EVENTS_PER_PLACE)
    n_admin1, n_admin2 = 10, max(20, n_places // 40)
    places = []
    for p in range(n_places):
        a2 = rng.randrange(n_admin2)
        places.append(
            (
                f"Region {a2 % n_admin1}",
                f"Cercle {a2}",
                f"Commune {p // 7}",
                f"Village {p}",
                round(rng.uniform(10.5, 24.5), 4),
                round(rng.uniform(-11.5, 3.5), 4),
            )
        )

    def rows_of() -> Iterator[dict[str, object]]:
        for i in range(rows):
            disorder, etype, sub, _ = _weighted(rng, SUB_EVENTS)  # type: ignore[misc]
            actor, inter, _ = _weighted(rng, ACTORS)  # type: ignore[misc]
            target = rng.choice(TARGETS)
            admin1, admin2, admin3, location, lat, lon = places[rng.randrange(n_places)]
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            precision = "1" if rng.random() < 0.9 else rng.choice("23")
            fatalities = rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 12, 25])
            yield {
                "event_id_cnty": f"MLI{i + 1}",
                "event_date": f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}",
                "year": day.year,
                "time_precision": precision,
                "disorder_type": disorder,
                "event_type": etype,
                "sub_event_type": sub,
                "actor1": actor,
                "assoc_actor_1": (
                    "Katiba Macina" if actor == JNIM_NAME and rng.random() < 0.1 else ""
                ),
                "inter1": inter,
                "actor2": target,
                "inter2": "7" if target.startswith("Civ") else ("1" if target else ""),
                "civilian_targeting": "Civilian targeting" if target.startswith("Civ") else "",
                "iso": 466,
                "region": "Western Africa",
                "country": "Mali",
                "admin1": admin1,
                "admin2": admin2,
                "admin3": admin3,
                "location": location,
                "latitude": lat,
                "longitude": lon,
                "geo_precision": rng.choice("1123"),
                "source": rng.choice(
                    ["Studio Tamani", "AFP; RFI", "Menastream", "Malikilé", "Local Source"]
                ),
                "source_scale": "National",
                "notes": (
                    f"On {day.isoformat()}, {actor} {sub.lower()} in {location} "
                    f"({admin2}, {admin1}). {fatalities} reported fatalities."
                ),
                "fatalities": fatalities,
                "timestamp": 1700000000 + i,
            }

    write_acled(path, rows_of(), "current")


def pandas_frame(csv_paths: list[Path]) -> object:
    """The attacks of ACLED CSVs as a pandas frame, prepared once as an analyst would.

    The definitions are the README's, applied by tests/acled_oracle.py to the raw files:
    attacks are rows of event type Battles, Explosions/Remote violence or Violence against
    civilians; their interval comes from event_date and time_precision (2: the week around
    the date, 3: its month); a town is a location name in its admin1, split beyond 5 km.
    """
    import pandas as pd

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from acled_oracle import ATTACK_TYPES, place_keys, read_acled

    df = pd.concat([read_acled(path) for path in csv_paths], ignore_index=True)
    df = df[df["location"].str.strip() != ""]
    df = df.assign(town=place_keys(df))
    df = df[df["event_type"].isin(ATTACK_TYPES)]
    iso = df["event_date"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    dates = pd.to_datetime(df["event_date"].where(iso), format="%Y-%m-%d").fillna(
        pd.to_datetime(df["event_date"].where(~iso), format="%d %B %Y")
    )
    precision = df["time_precision"].replace("", "1")
    start = dates.where(precision != "2", dates - pd.Timedelta(days=3))
    start = start.where(precision != "3", dates.dt.to_period("M").dt.start_time)
    end = dates.where(precision != "2", dates + pd.Timedelta(days=3))
    end = end.where(precision != "3", dates.dt.to_period("M").dt.end_time.dt.normalize())
    return pd.DataFrame(
        {
            "town": df["town"],
            "start": start,
            "end": end,
            "event": df["event_id_cnty"],
            "actor1": df["actor1"],
        }
    )


def pandas_towns_attacked_twice(
    attacks: object, window: int, perpetrator_names: set[str] | None
) -> list[tuple[str, str, int]]:
    """The flagship rule by pandas on :func:`pandas_frame`'s attacks: sort, diff, first pair.

    Sort by (town, start, end, event ID); gap = next start − end in days; keep each town's
    first pair with gap ≤ window. Returns (first ID, second ID, gap) rows.
    """
    work = attacks
    if perpetrator_names is not None:
        work = work[work["actor1"].isin(perpetrator_names)]  # type: ignore[index]
    work = work.sort_values(["town", "start", "end", "event"])  # type: ignore[attr-defined]
    grouped = work.groupby("town")
    work = work.assign(next_start=grouped["start"].shift(-1), next_event=grouped["event"].shift(-1))
    work = work.assign(gap=(work["next_start"] - work["end"]).dt.days)
    hits = work[work["gap"] <= window].groupby("town").head(1)
    return sorted((r.event, r.next_event, int(r.gap)) for r in hits.itertuples())


def _child(args: argparse.Namespace) -> None:
    """Run one measured step in this (child) process and print its figures as JSON."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kg.embedded import open_store  # type: ignore[import-not-found]
    from kg.importers.acled import import_acled

    result: dict[str, object] = {}
    if args.step == "pandas":
        # A cold pandas process: read the CSVs, prepare the attacks, answer (any perpetrator).
        rows = pandas_towns_attacked_twice(
            pandas_frame([Path(p) for p in args.files]), args.window, None
        )
        print(json.dumps({"rows": len(rows)}))
        return
    store = open_store(Path(args.store))
    try:
        if args.step == "import":
            if args.path != "auto":
                from kg.importers import writing

                forced = 0 if args.path == "bulk" else 1 << 62
                writing.bulk_threshold = lambda: forced
            started = time.perf_counter()
            summaries = import_acled(store, [Path(p) for p in args.files])
            seconds = time.perf_counter() - started
            result["triples"] = sum(s.triples for s in summaries)
            result["rows"] = sum(s.rows_read for s in summaries)
            result["rejected"] = sum(len(s.rejected) for s in summaries)
            result["seconds"] = seconds
            result["seconds_reading"] = sum(s.seconds_reading for s in summaries)
            result["seconds_writing"] = sum(s.seconds_writing for s in summaries)
        elif args.step == "ceiling":
            # pyoxigraph's own bulk loader on the same triples, N-Triples file to a fresh
            # store: the most any importer writing through it can reach on this machine.
            import pyoxigraph as ox

            fresh = ox.Store(args.store + "-ceiling")
            result["seconds"] = 0.0
            for graph in [g for g in store.db.named_graphs() if "/import/" in g.value]:
                nt = Path(args.store + ".nt")
                store.db.dump(str(nt), ox.RdfFormat.N_TRIPLES, from_graph=graph)
                started = time.perf_counter()
                fresh.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                result["seconds"] += time.perf_counter() - started
                nt.unlink()
            result["triples"] = len(fresh)
            del fresh
        elif args.step == "question":
            from importlib.resources import files

            from rdflib import Literal, URIRef

            text = files("kg.queries").joinpath("towns_attacked_twice.rq").read_text("utf-8")
            bindings = {"_window_integer": Literal(args.window)}
            if args.perpetrator:
                bindings["__perpetrator_iri"] = URIRef(args.perpetrator)
            timings = []
            answer = None
            for _ in range(args.repeat):
                started = time.perf_counter()
                answer = store.query(text, bindings)
                timings.append(time.perf_counter() - started)
            assert answer is not None
            rows = answer.dicts()
            result["first_seconds"] = timings[0]
            prefix = "https://w3id.org/conflict-kg/id/event/acled/"
            result["rows"] = sorted(
                (str(r["first"])[len(prefix) :], str(r["second"])[len(prefix) :], int(r["gapDays"]))
                for r in rows
            )
            result["seconds"] = min(timings)
    finally:
        store.close()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run_child(*argv: str, timeout: float | None = None) -> dict | None:
    """Run one step in a child process; None when it did not finish within ``timeout``."""
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *argv],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pandas_timed(
    attacks: object, window: int, names: set[str] | None, repeat: int
) -> tuple[list, float]:
    timings, rows = [], []
    for _ in range(max(3, repeat)):
        started = time.perf_counter()
        rows = pandas_towns_attacked_twice(attacks, window, names)
        timings.append(time.perf_counter() - started)
    return rows, min(timings)


def _compare_paths(label: str, paths: list[Path], workdir: Path) -> None:
    """The same import through each write path, alternating, same run: fresh and again."""
    seconds: dict[str, list[float]] = {"transactional": [], "bulk": []}
    again: dict[str, list[float]] = {"transactional": [], "bulk": []}
    for round_ in range(2):
        for path in ("no", "bulk"):
            name = "bulk" if path == "bulk" else "transactional"
            store = workdir / f"paths-{path}-{round_}"
            for times in (seconds, again):
                done = _run_child(
                    "--step", "import", "--path", path, "--store", str(store), *map(str, paths)
                )
                assert done is not None
                times[name].append(done["seconds"])
    for what, times in (("fresh store", seconds), ("same file again", again)):
        t, b = times["transactional"], times["bulk"]
        print(
            f"[{label}] write paths, {what}: transactional {' / '.join(f'{x:.1f}' for x in t)} s, "
            f"bulk {' / '.join(f'{x:.1f}' for x in b)} s; bulk takes {sum(b) / sum(t):.0%} of "
            f"the transactional time (alternating, same run)",
            flush=True,
        )


def _bench_files(label: str, paths: list[Path], workdir: Path, args: argparse.Namespace) -> bool:
    if args.compare_paths:
        _compare_paths(label, paths, workdir)
    store = workdir / f"store-{label.split()[0]}-{len(label)}"
    load = os.getloadavg()[0]
    imported = _run_child("--step", "import", "--store", str(store), *map(str, paths))
    assert imported is not None
    print(
        f"[{label}] import: {imported['rows']:,} rows, {imported['triples']:,} triples in "
        f"{imported['seconds']:.1f} s (read+map {imported['seconds_reading']:.1f} s, write "
        f"{imported['seconds_writing']:.1f} s) = {imported['triples'] / imported['seconds']:,.0f}"
        f" triples/s end to end; peak RSS {imported['peak_rss_mb']:,.0f} MB; "
        f"rejected {imported['rejected']}; load average {load:.1f} -> {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    if args.ceiling:
        ceiling = _run_child("--step", "ceiling", "--store", str(store))
        assert ceiling is not None
        print(
            f"[{label}] ceiling: pyoxigraph bulk_load of the same {ceiling['triples']:,} triples "
            f"from N-Triples into a fresh store: {ceiling['seconds']:.1f} s = "
            f"{ceiling['triples'] / ceiling['seconds']:,.0f} triples/s; the import reaches "
            f"{ceiling['seconds'] / imported['seconds']:.0%} of it",
            flush=True,
        )
    ok = True
    started = time.perf_counter()
    attacks = pandas_frame(paths)
    print(
        f"[{label}] pandas: CSV read and attacks prepared in {time.perf_counter() - started:.2f} s"
        " (not counted below: the ratio compares the question with pandas' sort-and-diff)",
        flush=True,
    )
    cases = [(JNIM_IRI, {JNIM_NAME})] + ([] if args.jnim_only else [("", None)])
    for perpetrator, names in cases:
        who = "JNIM" if perpetrator else "any perpetrator"
        rows, pandas_seconds = _pandas_timed(attacks, args.window, names, args.repeat)
        answer = _run_child(
            "--step",
            "question",
            "--store",
            str(store),
            "--window",
            str(args.window),
            "--perpetrator",
            perpetrator,
            "--repeat",
            str(args.repeat),
            timeout=args.query_timeout,
        )
        head = f"[{label}] towns_attacked_twice window={args.window} ({who})"
        if answer is None:
            print(
                f"{head}: did not finish in {args.query_timeout:.0f} s; pandas "
                f"{len(rows)} towns in {pandas_seconds:.3f} s; "
                f"ratio > {args.query_timeout / pandas_seconds:,.0f}x",
                flush=True,
            )
            continue
        sparql_rows = [tuple(r) for r in answer["rows"]]
        same = sparql_rows == rows
        ok &= same
        print(
            f"{head}: {len(sparql_rows)} towns in {answer['seconds']:.3f} s with labels, "
            f"regions, perpetrators and sources (first run after the import "
            f"{answer['first_seconds']:.2f} s), pandas {len(rows)} towns in "
            f"{pandas_seconds:.3f} s, ratio {answer['seconds'] / pandas_seconds:.1f}x; "
            f"answers {'EQUAL' if same else 'DIFFER'}; query peak RSS "
            f"{answer['peak_rss_mb']:,.0f} MB; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        if not same:
            print(f"    SPARQL only: {sorted(set(sparql_rows) - set(rows))[:5]}")
            print(f"    pandas only: {sorted(set(rows) - set(sparql_rows))[:5]}")
    if not args.jnim_only:
        _cold(label, paths, store, args)
    return ok


def _cold(label: str, paths: list[Path], store: Path, args: argparse.Namespace) -> None:
    """Whole processes, as an analyst runs them: ``ckg query run`` against a pandas script.

    Started in turn (ckg, pandas, ckg, ...), ``--repeat`` pairs (at least 3); the ratio is
    the median of the pairs' ratios, so a drift in the machine's speed moves both sides.
    """
    ckg = [
        str(Path(sys.executable).with_name("ckg")),
        "-q",
        "--store",
        str(store),
        "query",
        "run",
        "towns_attacked_twice",
        "-p",
        "window",
        str(args.window),
        "-f",
        "csv",
    ]
    pandas = [sys.executable, __file__, "--child", "--step", "pandas", "--window"]
    pandas += [str(args.window), *map(str, paths)]
    pairs = []
    for _ in range(max(3, args.repeat)):
        timed = []
        for command in (ckg, pandas):
            started = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            timed.append(time.perf_counter() - started)
        pairs.append(tuple(timed))
    ratio = statistics.median(a / b for a, b in pairs)
    print(
        f"[{label}] cold processes, the flagship for any perpetrator: `ckg query run` "
        f"{statistics.median(a for a, _ in pairs):.2f} s, a pandas process reading the CSV and "
        f"answering {statistics.median(b for _, b in pairs):.2f} s (medians of {len(pairs)} "
        f"pairs), ratio {ratio:.2f}x (target <= 1.5x)",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run the benchmarks (or one child step)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic rows (default 100k)")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000 rows")
    parser.add_argument("--window", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3, help="query repetitions (best of)")
    parser.add_argument("--skip-real", action="store_true", help="skip the real ACLED files")
    parser.add_argument(
        "--jnim-only", action="store_true", help="time the question with the JNIM perpetrator only"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=1800.0,
        help="give up on one SPARQL answer after this many seconds",
    )
    parser.add_argument(
        "--no-ceiling",
        dest="ceiling",
        action="store_false",
        help="skip timing pyoxigraph's bulk loader alone on the imported triples",
    )
    parser.add_argument(
        "--compare-paths",
        action="store_true",
        help="also time the import with each write path forced (transactional, bulk)",
    )
    parser.add_argument("--workdir", default=None, help="folder for stores (default: a temp dir)")
    parser.add_argument(
        "--path", choices=["auto", "no", "bulk"], default="auto", help=argparse.SUPPRESS
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--step", choices=["import", "ceiling", "question", "pandas"], help=argparse.SUPPRESS
    )
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--perpetrator", default="", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    ok = True
    with tempfile.TemporaryDirectory(prefix="ckg-bench-import-", dir=args.workdir) as tmp:
        work = Path(tmp)
        print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}", flush=True)
        if not args.skip_real:
            real = [SHARED / name for name in REAL_FILES if (SHARED / name).exists()]
            if real:
                ok &= _bench_files("real ACLED (BF+NE)", real, work, args)
            else:
                print(f"real ACLED files not found in {SHARED}; skipped")
        sizes = [args.rows] + ([1_000_000] if args.million and args.rows != 1_000_000 else [])
        for rows in sizes:
            csv_path = work / f"acled-synthetic-{rows}.csv"
            started = time.perf_counter()
            write_synthetic_acled(csv_path, rows)
            print(
                f"[synthetic {rows:,}] wrote {csv_path.stat().st_size / 1e6:,.0f} MB CSV in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            ok &= _bench_files(f"synthetic {rows:,}", [csv_path], work, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
