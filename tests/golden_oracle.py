"""Recompute golden answers from the raw sources, not from the graph: a witness's tool.

Not a test (it needs the shared data folder, outside the repository). The attacks are
typed in from the seed report's sentences (line numbers beside them); towns, regions,
coordinates and feature codes are read from the GeoNames file; the flagship's rule is the
pandas implementation the tests hold the query to. Each golden it can compute is compared
with its rows; the other goldens' witnesses cite grep and awk commands instead.

    .venv/bin/python tests/golden_oracle.py [SHARED_FOLDER]   # default /work/shared

Prints one line per golden (``ok`` or what differs) and exits 1 when one differs.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd
from rdflib.util import from_n3

sys.path.insert(0, str(Path(__file__).parent))
from test_questions import pandas_towns_attacked_twice

GOLDEN = Path(__file__).parent / "golden"
ID = "https://w3id.org/conflict-kg/id/"
BOULKESSI = "boulkessi"  # no GeoNames entry: ACLED's point, from the data folder's README

# (event id, GeoNames id of the town, start, end, line of the seed report)
ATTACKS = [
    # 3: "On July 1, ... JNIM attacked seven Malian military posts at, from west to east ...,
    # Diboli, Kayes, Sandaré, Nioro du Sahel, Gogui, Molodo, and Niono"
    ("2025-07-01-diboli-attack", "2458925", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-kayes-attack", "2455518", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-sandare-attack", "2451711", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-nioro-attack", "2452651", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-gogui-attack", "2457077", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-molodo-attack", "2453383", "2025-07-01", "2025-07-01", 3),
    ("2025-07-01-niono-attack", "2452655", "2025-07-01", "2025-07-01", 3),
    # 9: "The June 1 and 5 attacks at Boulkessi (or Boulikessi) and the June 2 attack at
    # Timbuktu."
    ("2025-06-01-boulkessi-attack", BOULKESSI, "2025-06-01", "2025-06-01", 9),
    ("2025-06-05-boulkessi-attack", BOULKESSI, "2025-06-05", "2025-06-05", 9),
    ("2025-06-02-timbuktu-attack", "2449067", "2025-06-02", "2025-06-02", 9),
    # 10: "The January 6-7 attack at Nioro du Sahel" (2025: "two major attacks within a
    # single year" with the July one)
    ("2025-01-06-nioro-attack", "2452651", "2025-01-06", "2025-01-07", 10),
    # 11: "The September 17, 2024 JNIM attack on military installations in Mali's capital
    # Bamako"
    ("2024-09-17-bamako-attack", "2460596", "2024-09-17", "2024-09-17", 11),
]


def geonames(shared: Path) -> pd.DataFrame:
    """The GeoNames file's columns the checks use, by geonameid."""
    cols = {0: "id", 1: "name", 4: "lat", 5: "lon", 7: "code", 10: "admin1"}
    frame = pd.read_csv(
        shared / "data" / "geonames-ML.txt",
        sep="\t",
        header=None,
        usecols=list(cols),
        dtype=str,
        quoting=3,
        keep_default_na=False,
    ).rename(columns=cols)
    return frame.set_index("id")


def boulkessi_row(gn: pd.DataFrame, shared: Path) -> dict[str, str]:
    """Boulkessi at ACLED's point (README line 22), in the admin1 of its 3 nearest features."""
    line = (shared / "data" / "README.md").read_text("utf-8").splitlines()[21]
    assert "ACLED places it at 14.7983, -1.3025" in line, line
    lat, lon = 14.7983, -1.3025
    pts = gn[gn["code"] != "ADM1"].astype({"lat": float, "lon": float})
    dist = (
        (pts["lat"] - lat) ** 2 + ((pts["lon"] - lon) * math.cos(math.radians(lat))) ** 2
    ) ** 0.5
    nearest = pts.loc[dist.nsmallest(3).index, "admin1"]
    assert nearest.nunique() == 1, nearest
    return {"name": "Boulkessi", "lat": "14.7983", "lon": "-1.3025", "code": "PPL",
            "admin1": nearest.iloc[0]}  # fmt: skip


def attack_frame(shared: Path) -> pd.DataFrame:
    """The report's attacks with their town's GeoNames row and admin1 region."""
    gn = geonames(shared)
    regions = gn[gn["code"] == "ADM1"].reset_index().set_index("admin1")["id"]
    rows = []
    for event, town, start, end, line in ATTACKS:
        place = boulkessi_row(gn, shared) if town == BOULKESSI else gn.loc[town].to_dict()
        town_iri = ID + ("place/boulkessi" if town == BOULKESSI else f"place/geonames/{town}")
        rows.append(
            {
                "event": ID + "event/" + event,
                "town": town_iri,
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "line": line,
                "lat": place["lat"],
                "lon": place["lon"],
                "code": place["code"],
                "region": ID + "place/geonames/" + regions[place["admin1"]],
            }
        )
    return pd.DataFrame(rows)


def _golden(stem: str) -> dict:
    return json.loads((GOLDEN / f"{stem}.json").read_text("utf-8"))


def _iri(term: str | None) -> str | None:
    return None if term is None else term.strip("<>")


def _value(term: str) -> str:
    return term.split('"')[1]


def check_towns_attacked_twice(attacks: pd.DataFrame) -> dict[str, bool]:
    out = {}
    for stem, since, window in [
        ("towns_attacked_twice", None, 365),
        ("towns_attacked_twice--window-30", None, 30),
        ("towns_attacked_twice--since-february", "2025-02-01", 365),
    ]:
        frame = attacks if since is None else attacks[attacks["start"] >= pd.Timestamp(since)]
        want = pandas_towns_attacked_twice(frame, window)
        g = _golden(stem)
        v = g["variables"]
        got = {
            _iri(r[v.index("town")]): (
                _iri(r[v.index("first")]),
                _iri(r[v.index("second")]),
                int(_value(r[v.index("gapDays")])),
            )
            for r in g["rows"]
        }
        out[stem] = got == want
    return out


def check_attacks_by_region(attacks: pd.DataFrame) -> dict[str, bool]:
    by = attacks.groupby("region").agg(
        attacks=("event", "nunique"), towns=("town", "nunique"), first=("start", "min"),
        last=("start", "max"),
    )  # fmt: skip
    want = sorted(
        (r, int(x.attacks), int(x.towns), 0, str(x.first.date()), str(x.last.date()))
        for r, x in by.iterrows()
    )
    g = _golden("attacks_by_region")
    got = sorted(
        (_iri(r[0]), int(_value(r[2])), int(_value(r[3])), int(_value(r[4])), _value(r[5]),
         _value(r[6]))
        for r in g["rows"]
    )  # fmt: skip
    counts = [int(_value(r[2])) for r in g["rows"]]
    return {"attacks_by_region": got == want and counts == sorted(counts, reverse=True)}


def check_west_to_east(attacks: pd.DataFrame) -> dict[str, bool]:
    out = {}
    for stem, day in [
        ("attacks_west_to_east", None),
        ("attacks_west_to_east--july-1", "2025-07-01"),
    ]:
        frame = attacks if day is None else attacks[attacks["start"] == pd.Timestamp(day)]
        frame = frame.assign(x=frame["lon"].astype(float)).sort_values(["x", "start", "event"])
        want = [(e, t, float(lo), float(la)) for e, t, lo, la in
                frame[["event", "town", "lon", "lat"]].itertuples(index=False)]  # fmt: skip
        got = [(_iri(r[0]), _iri(r[3]), float(_value(r[5])), float(_value(r[6])))
               for r in _golden(stem)["rows"]]  # fmt: skip
        out[stem] = got == want
    return out


def check_regional_capitals(attacks: pd.DataFrame) -> dict[str, bool]:
    out = {}
    for stem, until in [("regional_capitals_attacked", None),
                        ("regional_capitals_attacked--until-june", "2025-06-30")]:  # fmt: skip
        frame = attacks[attacks["code"] == "PPLA"]  # seat of a first-order division
        if until:
            frame = frame[frame["start"] <= pd.Timestamp(until)]
        want = sorted(zip(frame["town"], frame["region"], frame["event"]))
        got = sorted((_iri(r[0]), _iri(r[2]), _iri(r[4])) for r in _golden(stem)["rows"])
        out[stem] = got == want
    return out


def check_attacks_on_date(attacks: pd.DataFrame) -> dict[str, bool]:
    out = {}
    for stem, day in [
        ("attacks_on_date", "2025-07-01"),
        ("attacks_on_date--2025-06-05", "2025-06-05"),
    ]:
        d = pd.Timestamp(day)
        frame = attacks[(attacks["start"] <= d) & (attacks["end"] >= d)]
        want = sorted(zip(frame["event"], frame["town"]))
        got = sorted((_iri(r[0]), _iri(r[6])) for r in _golden(stem)["rows"])
        out[stem] = got == want
    return out


def check_quotes(shared: Path) -> dict[str, bool]:
    """Each row's passage text is on its paragraph's line (a UN row: from that line on)."""
    seed = (shared / "seeds" / "mali-jnim-july-1-attacks.txt").read_text("utf-8").split("\n")
    un_file = shared / "data" / "un-isil-al-qaida-sanctions-list-2024-06-07.xml"
    un = un_file.read_text("utf-8").split("\n")
    out = {}
    for stem in ["claims_of_source", "claims_of_source--un-sanctions", "author_assessments"]:
        g = _golden(stem)
        v = g["variables"]
        ok = True
        for r in g["rows"]:
            text = str(from_n3(r[v.index("text")]))
            n = int(_value(r[v.index("paragraph")]))
            lines = un if "un-sanctions" in stem else seed
            ok &= text in "\n".join(lines[n - 1 : n + text.count("\n")])
        out[stem] = ok
    return out


def main(shared: Path) -> int:
    attacks = attack_frame(shared)
    results: dict[str, bool] = {}
    for check in (check_towns_attacked_twice, check_attacks_by_region, check_west_to_east,
                  check_regional_capitals, check_attacks_on_date):  # fmt: skip
        results |= check(attacks)
    results |= check_quotes(shared)
    for stem, ok in results.items():
        print(f"{'ok' if ok else 'DIFFERS'}  {stem}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared")))
