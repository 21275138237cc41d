"""Truth check: the flagship on real ACLED exports against an independent pandas count.

For each real export in ``../shared/data`` (Burkina Faso and Niger, HDX layout) this
script imports the file into a fresh store next to the bundled graph, as an analyst would,
asks ``towns_attacked_twice`` (any perpetrator, and JNIM), and compares the places it
lists with an independent count made by pandas from the raw CSV:

* a place is a location name (trimmed) in its country and admin1 — the analyst's count,
  with no notion of distance;
* an attack is a row of event type Battles, Explosions/Remote violence or Violence against
  civilians, perpetrated by ``actor1``, over the interval ``event_date`` and
  ``time_precision`` give (2: the week centred on the date, 3: the calendar month);
* a place qualifies when two of its attacks lie within the window (default 365 days).

Each place ckg lists is mapped to the pandas place of its first event (through the event
ID), and every difference is explained place by place from the CSV: a name coded at
places more than 5 km apart (two places in ckg, one for the plain count); names that ckg
resolved to one known place; rows the importer rejected. Anything else is printed as
unexplained. The script never fails on a figure; it exits 1 when an unexplained
difference exists.

Usage::

    .venv/bin/python benchmarks/bench_truth.py
    .venv/bin/python benchmarks/bench_truth.py --window 30 --no-bundled
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from importlib.resources import files
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from acled_oracle import ATTACK_TYPES, km, read_acled

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL_FILES = ["acled-hdx-burkina-faso-1997-2020.csv", "acled-hdx-niger-1997-2020.csv"]
JNIM_NAME = "JNIM: Group for Support of Islam and Muslims"
JNIM_IRI = "https://w3id.org/conflict-kg/id/group/jnim"
PREFIX = "PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>\n"


def pandas_places(df: pd.DataFrame, window: int, actor1: str | None) -> set[str]:
    """The analyst's count: places (name in admin1) with two attacks within the window."""
    attacks = df[df["event_type"].isin(ATTACK_TYPES) & (df["location"] != "")]
    if actor1 is not None:
        attacks = attacks[attacks["actor1"] == actor1]
    day = pd.to_datetime(attacks["event_date"], format="%Y-%m-%d")
    week = pd.Timedelta(days=3)
    precision = attacks["time_precision"]
    start = day.where(precision != "2", day - week)
    start = start.where(precision != "3", day.dt.to_period("M").dt.start_time)
    end = day.where(precision != "2", day + week)
    end = end.where(precision != "3", day.dt.to_period("M").dt.end_time.dt.normalize())
    work = pd.DataFrame({"place": attacks["key"], "start": start, "end": end})
    work = work.sort_values(["place", "start", "end"])
    work["gap"] = (work.groupby("place")["start"].shift(-1) - work["end"]).dt.days
    return set(work.loc[work["gap"] <= window, "place"])


def ckg_answer(store, window: int, perpetrator: str | None) -> list[dict]:
    from rdflib import Literal, URIRef

    question = files("kg.queries").joinpath("towns_attacked_twice.rq").read_text("utf-8")
    bindings: dict = {"_window_integer": Literal(window)}
    if perpetrator:
        bindings["__perpetrator_iri"] = URIRef(perpetrator)
    return list(store.query(question, bindings).dicts())


def explain(
    label: str,
    df: pd.DataFrame,
    pandas_set: set[str],
    answer: list[dict],
    event_place: dict[str, str],
    rejected_ids: set[str],
) -> tuple[int, int, int, dict[str, list[str]]]:
    """Match ckg's places to the plain count and give a reason for each difference."""
    key_of = dict(zip(df["event_id_cnty"], df["key"], strict=True))
    prefix = "https://w3id.org/conflict-kg/id/event/acled/"
    ckg_keys: dict[str, str] = {}
    for row in answer:
        first = str(row["first"])
        if first.startswith(prefix):
            ckg_keys[key_of[first[len(prefix) :]]] = str(row["town"])
    # which ckg places each pandas place's attack events went to, and the reverse
    places_of_key: dict[str, set[str]] = defaultdict(set)
    keys_of_place: dict[str, set[str]] = defaultdict(set)
    for event_id, place in event_place.items():
        key = key_of.get(event_id)
        if key is not None:
            places_of_key[key].add(place)
            keys_of_place[place].add(key)
    reasons: dict[str, list[str]] = defaultdict(list)
    for key in sorted(set(ckg_keys) - pandas_set):
        others = sorted(keys_of_place[ckg_keys[key]] - {key})
        if others:
            reasons["only ckg: names ckg resolved to one place"].append(
                f"{key} with {', '.join(others)}"
            )
        else:
            reasons["only ckg: UNEXPLAINED"].append(key)
    for key in sorted(pandas_set - set(ckg_keys)):
        rows = df[df["key"] == key]
        if set(rows["event_id_cnty"]) & rejected_ids:
            reasons["only pandas: rows rejected by the importer"].append(key)
        elif len(places_of_key[key]) > 1:
            lat = rows["latitude"].astype(float)
            lon = rows["longitude"].astype(float)
            spread = max(
                km(a, b, c, d)
                for a, b in zip(lat, lon, strict=True)
                for c, d in zip(lat, lon, strict=True)
            )
            reasons["only pandas: one name at places > 5 km apart (two places in ckg)"].append(
                f"{key} ({len(places_of_key[key])} places, {spread:.0f} km apart)"
            )
        else:
            reasons["only pandas: UNEXPLAINED"].append(key)
    matched = len(set(ckg_keys) & pandas_set)
    return matched, len(set(ckg_keys)), len(pandas_set), reasons


def bench_file(path: Path, window: int, bundled: bool) -> bool:
    from kg.bundled import load_bundled
    from kg.embedded import open_store
    from kg.importers.acled import import_acled

    df = read_acled(path)
    df = df.assign(
        location=df["location"].str.strip(),
        key=df["country"] + "|" + df["admin1"] + "|" + df["location"].str.strip(),
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="ckg-truth-") as tmp:
        store = open_store(Path(tmp) / "store")
        try:
            if bundled:
                load_bundled(store)
            started = time.perf_counter()
            summary = import_acled(store, [path])[0]
            seconds_import = time.perf_counter() - started
            print(
                f"\n## {path.name}: {summary.rows_read:,} rows, {summary.records:,} events,"
                f" {summary.attacks:,} attacks, {len(summary.rejected)} rejected,"
                f" {len(summary.place_merges)} place codings merged;"
                f" import {seconds_import:.1f} s"
            )
            rejected_ids = {
                str(df.iloc[r.line - 3]["event_id_cnty"]) for r in summary.rejected if r.line >= 3
            }
            event_place = {
                str(event_id): str(place)
                for event_id, place in store.query(
                    PREFIX + "SELECT ?id ?p WHERE { ?e a ckg:Attack ; ckg:acledId ?id ;"
                    " ckg:place ?p }"
                ).rows
            }
            print("\n| who | pandas places | ckg places | matched | agreement | ckg s | pandas s |")
            print("|---|---|---|---|---|---|---|")
            all_reasons = []
            for who, perpetrator, name in (("any", None, None), ("JNIM", JNIM_IRI, JNIM_NAME)):
                started = time.perf_counter()
                answer = ckg_answer(store, window, perpetrator)
                seconds_ckg = time.perf_counter() - started
                started = time.perf_counter()
                expected = pandas_places(df, window, name)
                seconds_pandas = time.perf_counter() - started
                matched, n_ckg, n_pandas, reasons = explain(
                    who, df, expected, answer, event_place, rejected_ids
                )
                union = n_ckg + n_pandas - matched
                share = matched / union if union else 1.0
                print(
                    f"| {who} | {n_pandas} | {n_ckg} | {matched} | {share:.1%} |"
                    f" {seconds_ckg:.2f} | {seconds_pandas:.3f} |"
                )
                all_reasons.append((who, reasons))
            for who, reasons in all_reasons:
                for reason, places in sorted(reasons.items()):
                    print(f"\n{who}, {reason}: {len(places)}")
                    for place in places[:12]:
                        print(f"  - {place}")
                    if len(places) > 12:
                        print(f"  - … and {len(places) - 12} more")
                    if "UNEXPLAINED" in reason:
                        ok = False
        finally:
            store.close()
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED, help="folder of the real files")
    parser.add_argument("--window", type=int, default=365)
    parser.add_argument(
        "--no-bundled", dest="bundled", action="store_false", help="import into an empty store"
    )
    args = parser.parse_args(argv)
    paths = [args.data / name for name in REAL_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"missing real data: {', '.join(missing)}", file=sys.stderr)
        return 2
    ok = all(bench_file(path, args.window, args.bundled) for path in paths)
    print("\nresult: " + ("every difference explained" if ok else "UNEXPLAINED differences"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
