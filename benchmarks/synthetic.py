"""Generate synthetic ACLED-like attack events for benchmarks (deterministic for a seed).

Each event is an ``ckg:Attack`` of about fifteen triples: type, label, a day-precision
date interval, perpetrator, target, place (a town, or a military post located in a town),
fatalities, ACLED id, inter code, geo precision, event type and coordinates. Towns sit in
admin regions of one country through ``ckg:locatedIn``; there is one town per twenty events
(so the number of attacks per town stays constant as the data grows) and one military post
per four towns.

Use it as a module::

    import synthetic
    n = synthetic.write_events("events.nt", 10_000)          # returns the triple count
    for line in synthetic.iter_lines(1_000, fmt="nt"): ...

or from the shell::

    python benchmarks/synthetic.py --events 10000 -o events.nt
    python benchmarks/synthetic.py --events 100000 --seed 7 -o events.ttl
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path

from kg.rdfio.ntriples import escape

CKG = "https://w3id.org/conflict-kg/ontology#"
ID = "https://w3id.org/conflict-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Events per town and towns per military post: fixed ratios so work per town is constant.
EVENTS_PER_TOWN = 20
TOWNS_PER_POST = 4
FIRST_DAY = date(2012, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days

GROUPS = ["group/jnim", "group/isgs", "group/ansar-dine", "group/katiba-macina", "group/aqim"]
TARGETS = ["group/fama", "group/burkina-armed-forces", "group/wagner", "group/civilians"]
# Concepts of the ontology's event-type scheme (id/event-type/<slug>); every event is an
# ckg:Attack, typed more finely here as ACLED data would be.
EVENT_TYPES = ["attack", "battle", "remote-violence", "violence-against-civilians"]


def _iri(local: str) -> str:
    return f"<{ID}{local}>"


def _ckg(term: str) -> str:
    return f"<{CKG}{term}>"


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    escaped = escape(value)
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    return f'"{escaped}"'


def iter_triples(events: int, seed: int = 7) -> Iterator[tuple[str, str, str]]:
    """Yield ``(subject, predicate, object)`` in N-Triples term syntax, places first."""
    rng = random.Random(seed)
    n_towns = max(10, events // EVENTS_PER_TOWN)
    n_regions = max(3, n_towns // 50)
    n_posts = max(1, n_towns // TOWNS_PER_POST)
    country = _iri("place/synthetic/country")
    yield country, f"<{RDF_TYPE}>", _ckg("Country")
    yield country, f"<{RDFS_LABEL}>", _lit("Synthland", lang="en")
    for r in range(n_regions):
        region = _iri(f"place/synthetic/R{r}")
        yield region, f"<{RDF_TYPE}>", _ckg("AdminRegion")
        yield region, f"<{RDFS_LABEL}>", _lit(f"Region {r}", lang="en")
        yield region, _ckg("locatedIn"), country
    town_coords: list[tuple[float, float]] = []
    for t in range(n_towns):
        town = _iri(f"place/synthetic/T{t}")
        lat, lon = round(rng.uniform(10.0, 25.0), 4), round(rng.uniform(-12.0, 4.0), 4)
        town_coords.append((lat, lon))
        yield town, f"<{RDF_TYPE}>", _ckg("Town")
        yield town, f"<{RDFS_LABEL}>", _lit(f"Town {t}", lang="en")
        yield town, _ckg("locatedIn"), _iri(f"place/synthetic/R{t % n_regions}")
        yield town, _ckg("latitude"), _lit(f"{lat}", "decimal")
        yield town, _ckg("longitude"), _lit(f"{lon}", "decimal")
        yield town, _ckg("population"), _lit(str(rng.randint(500, 200_000)), "integer")
    for p in range(n_posts):
        post = _iri(f"place/synthetic/P{p}")
        yield post, f"<{RDF_TYPE}>", _ckg("MilitaryPost")
        yield post, f"<{RDFS_LABEL}>", _lit(f"Military post {p}", lang="en")
        yield post, _ckg("locatedIn"), _iri(f"place/synthetic/T{p * TOWNS_PER_POST}")
    for e in range(events):
        ev = _iri(f"event/acled/SYN{e:07d}")
        town = rng.randrange(n_towns)
        # One attack in five hits the military post of a town that has one.
        if town % TOWNS_PER_POST == 0 and town // TOWNS_PER_POST < n_posts and rng.random() < 0.2:
            place = _iri(f"place/synthetic/P{town // TOWNS_PER_POST}")
        else:
            place = _iri(f"place/synthetic/T{town}")
        start = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        end = start + timedelta(days=1 if rng.random() < 0.1 else 0)
        lat, lon = town_coords[town]
        yield ev, f"<{RDF_TYPE}>", _ckg("Attack")
        yield ev, f"<{SKOS_PREF}>", _lit(f"Attack SYN{e:07d}", lang="en")
        yield ev, _ckg("startDate"), _lit(start.isoformat(), "date")
        yield ev, _ckg("endDate"), _lit(end.isoformat(), "date")
        yield ev, _ckg("datePrecision"), _ckg("DayPrecision")
        yield ev, _ckg("place"), place
        yield ev, _ckg("perpetrator"), _iri(rng.choice(GROUPS))
        yield ev, _ckg("target"), _iri(rng.choice(TARGETS))
        yield ev, _ckg("fatalities"), _lit(str(rng.choice([0, 0, 1, 2, 3, 5, 10, 20])), "integer")
        yield ev, _ckg("acledId"), _lit(f"SYN{e:07d}")
        yield ev, _ckg("disorderType"), _lit("Political violence")
        yield ev, _ckg("geoPrecision"), _lit(str(rng.choice([1, 1, 2, 3])), "integer")
        yield ev, _ckg("eventType"), _iri(f"event-type/{rng.choice(EVENT_TYPES)}")
        yield ev, _ckg("civilianTargeting"), _lit("false", "boolean")
        yield ev, _ckg("tag"), _lit(f"synthetic; near {lat:.1f},{lon:.1f}")


def iter_lines(events: int, seed: int = 7, fmt: str = "nt") -> Iterator[str]:
    """Yield the lines of an N-Triples (``nt``) or Turtle (``ttl``) file, newline included."""
    if fmt == "ttl":
        # N-Triples lines are valid Turtle; prefixes only shorten the ontology terms.
        yield f"@prefix ckg: <{CKG}> .\n@prefix id: <{ID}> .\n\n"
        for s, p, o in iter_triples(events, seed):
            yield f"{_short(s)} {_short(p)} {_short(o)} .\n"
    elif fmt == "nt":
        for s, p, o in iter_triples(events, seed):
            yield f"{s} {p} {o} .\n"
    else:
        raise ValueError(f"unknown format {fmt!r}: use 'nt' or 'ttl'")


def _short(term: str) -> str:
    # Only whole IRIs whose local part is a safe prefixed-name local part are shortened.
    for prefix, base in (("ckg:", CKG), ("id:", ID)):
        if term.startswith("<" + base):
            local = term[len(base) + 1 : -1]
            if local.replace("-", "").replace("_", "").isalnum():
                return prefix + local
    return term


def write_events(path: str | Path, events: int, seed: int = 7, fmt: str | None = None) -> int:
    """Write ``events`` synthetic events to ``path``; return the number of triples."""
    path = Path(path)
    fmt = fmt or ("ttl" if path.suffix == ".ttl" else "nt")
    count = -1 if fmt == "ttl" else 0  # the Turtle prefix header is one extra "line"
    with path.open("w", encoding="utf-8") as out:
        for line in iter_lines(events, seed, fmt):
            out.write(line)
            count += 1
    return count


# ---- ACLED exports -------------------------------------------------------------------

#: ACLED's columns in the layouts the synthetic files use (``kg.importers.acled`` tells
#: the layouts apart by these headers): the export tool's since 2023, and HDX's.
ACLED_COLUMNS: dict[str, tuple[str, ...]] = {
    "current": (
        "event_id_cnty",
        "event_date",
        "year",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "tags",
        "timestamp",
    ),
    "hdx": (
        "data_id",
        "iso",
        "event_id_cnty",
        "event_id_no_cnty",
        "event_date",
        "year",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "timestamp",
        "iso3",
    ),
}

#: HDX's second line: the HXL hashtags of the columns that have one (the others empty).
ACLED_HXL = {
    "event_id_cnty": "#event+code",
    "event_date": "#date+occurred",
    "event_type": "#event+type",
    "actor1": "#group+name+first",
    "location": "#loc+name",
    "latitude": "#geo+lat",
    "longitude": "#geo+lon",
    "notes": "#description",
    "fatalities": "#affected+killed",
}


def write_acled(
    path: str | Path, rows: Iterable[Mapping[str, object]], layout: str = "current"
) -> int:
    """Write ``rows`` (values by column name; a missing column is empty) as an ACLED CSV.

    ``layout`` is a key of :data:`ACLED_COLUMNS`; an ``hdx`` file gets HDX's line of HXL
    hashtags after the header. Returns the number of data rows written.
    """
    columns = ACLED_COLUMNS[layout]
    count = 0
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        if layout == "hdx":
            writer.writerow([ACLED_HXL.get(c, "") for c in columns])
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: write a synthetic file and report its size on stderr."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="number of events")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument(
        "--format",
        choices=["nt", "ttl"],
        default=None,
        help="output format (default: from the -o suffix, else nt)",
    )
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args(argv)
    n = write_events(args.output, args.events, args.seed, args.format)
    print(f"wrote {args.events} events, {n} triples to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
