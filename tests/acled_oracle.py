"""An independent oracle for the flagship on ACLED files: pandas over the CSV, never the store.

The definitions are the README's, applied to the raw file:

* an attack is a row whose ``event_type`` is Battles, Explosions/Remote violence or
  Violence against civilians (legacy: the three ``Battle-…`` types, Remote violence,
  Violence against civilians);
* its perpetrator is ``actor1`` (in an actor-based export, the ``actor1`` of the event's
  first row);
* its interval is ``event_date`` widened by ``time_precision`` (2: the week centred on the
  date, 3: the calendar month);
* a place is a location name (trimmed, case ignored) in one admin1, where codings more
  than 5 km apart are different places;
* a town qualifies with its earliest consecutive pair of attacks, in (start, end, event
  id) order, whose gap (next start minus end, in days) is within the window.

Used by tests/test_acled_truth.py, tests/test_import_acled.py and
benchmarks/bench_truth.py; :func:`flagship_rows` reads ckg's answer in the same row shape.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd

ATTACK_TYPES = {
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Battle-No change of territory",
    "Battle-Government regains territory",
    "Battle-Non-state actor overtakes territory",
    "Remote violence",
}


def read_acled(path: Path) -> pd.DataFrame:
    """The file's rows as strings, columns lower-cased, the HXL hashtag line dropped."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.columns = [c.strip().lower() for c in df.columns]
    return df[~df["event_id_cnty"].str.startswith("#")].reset_index(drop=True)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def place_keys(df: pd.DataFrame) -> pd.Series:
    """A place per row: name (trimmed, case ignored) in its admin1, split beyond 5 km.

    Rows are taken in order; a row joins the first place of its name whose first coding
    lies within 5 km, or starts a new one. Names whose codings all lie within 5 km of the
    first (nearly all) are settled without the loop.
    """
    name = (
        df["country"]
        + "|"
        + df["admin1"]
        + "|"
        + df["location"].str.split().str.join(" ").str.casefold()
    )
    lat = df["latitude"].astype(float)
    lon = df["longitude"].astype(float)
    first_lat = lat.groupby(name).transform("first")
    first_lon = lon.groupby(name).transform("first")
    p1, p2 = first_lat.map(math.radians), lat.map(math.radians)
    dlon = (lon - first_lon).map(math.radians)
    a = ((p2 - p1) / 2).map(math.sin) ** 2 + p1.map(math.cos) * p2.map(math.cos) * (dlon / 2).map(
        math.sin
    ) ** 2
    far = (2 * 6371.0 * a.map(lambda x: math.asin(math.sqrt(min(1.0, x))))) > 5.0
    keys = name + "#0"
    spread = set(name[far])
    clusters: dict[str, list[tuple[float, float]]] = {}
    for i in df.index[name.isin(spread)]:
        reps = clusters.setdefault(name[i], [])
        for n, (rlat, rlon) in enumerate(reps):
            if km(lat[i], lon[i], rlat, rlon) <= 5.0:
                break
        else:
            n = len(reps)
            reps.append((lat[i], lon[i]))
        keys[i] = f"{name[i]}#{n}"
    return keys


def pandas_flagship(
    path: Path | list[Path], window: int, actor1: str | None, until: date | None = None
) -> list[tuple]:
    """towns_attacked_twice as the rule above computes it from the CSV.

    ``path`` is a file or a list of files read as one table; ``actor1`` keeps the attacks
    of that ACLED actor name; ``until`` those that started on or before that day. Rows: (event, start, end, next event, start, end, gap in days).
    """
    frames = []
    for one in path if isinstance(path, list) else [path]:
        df = read_acled(one)
        if "actor2" not in df.columns:  # actor-based: the event's first row carries actor1
            df = df.drop_duplicates("event_id_cnty", keep="first")
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df = df[df["location"].str.strip() != ""]
    df = df.assign(town=place_keys(df))  # a place is a place whatever happened there
    df = df[df["event_type"].isin(ATTACK_TYPES)]
    if actor1 is not None:
        df = df[df["actor1"] == actor1]
    iso = df["event_date"].str.match(r"^\d{4}-\d{2}-\d{2}$")
    day = pd.to_datetime(df["event_date"].where(iso), format="%Y-%m-%d").fillna(
        pd.to_datetime(df["event_date"].where(~iso), format="mixed", dayfirst=True)
    )
    week = pd.Timedelta(days=3)
    month_start = day.dt.to_period("M").dt.start_time
    month_end = day.dt.to_period("M").dt.end_time.dt.normalize()
    start = day.where(df["time_precision"] != "2", day - week)
    start = start.where(df["time_precision"] != "3", month_start)
    end = day.where(df["time_precision"] != "2", day + week)
    end = end.where(df["time_precision"] != "3", month_end)
    work = pd.DataFrame(
        {"town": df["town"], "start": start, "end": end, "event": df["event_id_cnty"]}
    )
    if until is not None:
        work = work[work["start"] <= pd.Timestamp(until)]
    work = work.sort_values(["town", "start", "end", "event"])
    by_town = work.groupby("town")
    work["next_start"] = by_town["start"].shift(-1)
    work["next_end"] = by_town["end"].shift(-1)
    work["next_event"] = by_town["event"].shift(-1)
    work["gap"] = (work["next_start"] - work["end"]).dt.days
    first = work[work["gap"] <= window].groupby("town").head(1)
    return sorted(
        (
            r.event,
            r.start.date(),
            r.end.date(),
            r.next_event,
            r.next_start.date(),
            r.next_end.date(),
            int(r.gap),
        )
        for r in first.itertuples()
    )


def flagship_rows(
    store, window: int, perpetrator: str | None, until: date | None = None
) -> list[tuple]:
    """What ckg answers, in the oracle's row shape (the side compared with the oracle)."""
    from importlib.resources import files

    from rdflib import Literal, URIRef

    question = files("kg.queries").joinpath("towns_attacked_twice.rq").read_text("utf-8")
    bindings: dict = {"_window_integer": Literal(window)}
    if perpetrator:
        bindings["__perpetrator_iri"] = URIRef(perpetrator)
    if until:
        bindings["__until_xsd_date"] = Literal(until)
    prefix = "https://w3id.org/conflict-kg/id/event/acled/"
    return sorted(
        (
            str(r["first"])[len(prefix) :],
            r["firstStart"].toPython(),
            r["firstEnd"].toPython(),
            str(r["second"])[len(prefix) :],
            r["secondStart"].toPython(),
            r["secondEnd"].toPython(),
            int(r["gapDays"]),
        )
        for r in store.query(question, bindings).dicts()
    )
