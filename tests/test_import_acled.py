"""ACLED import: three layouts, the mapping of a row, rejected rows, and the flagship question.

Fixtures (tests/fixtures/import/, written for these tests, not copied from ACLED):
``acled-current.csv`` (320 rows, ACLED's current export layout), ``acled-hdx.csv`` (200
rows, HDX layout with its HXL hashtag line), ``acled-legacy.csv`` (200 rows, legacy types,
upper-case headers, ``ALLY_ACTOR_*``, day-first dates), ``acled-malformed.csv`` (one
malformed row of each kind between good ones) and ``acled-join-seed.csv`` (two JNIM attacks
shortly before the seed report's attacks at Kayes and Boulkessi).
"""

from __future__ import annotations

import shutil
from datetime import date
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from acled_oracle import flagship_rows, pandas_flagship, read_acled
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import Literal, URIRef

from kg.bundled import load_bundled
from kg.embedded import open_store
from kg.importers import Progress
from kg.importers.acled import date_interval, detect_layout, import_acled, parse_date
from kg.terms import GRAPH, ID

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CURRENT = FIXTURES / "acled-current.csv"
HDX = FIXTURES / "acled-hdx.csv"
LEGACY = FIXTURES / "acled-legacy.csv"
MALFORMED = FIXTURES / "acled-malformed.csv"
JOIN = FIXTURES / "acled-join-seed.csv"

CKG = "https://w3id.org/conflict-kg/ontology#"
JNIM = str(ID["group/jnim"])
JNIM_ACLED_NAME = "JNIM: Group for Support of Islam and Muslims"
PREFIX = """
PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
QUESTION = files("kg.queries").joinpath("towns_attacked_twice.rq").read_text("utf-8")


def _store(path: Path, *, bundled: bool = False):
    store = open_store(path)
    if bundled:
        load_bundled(store)
    return store


def _one(store, sparql: str, **bindings):
    return store.query(PREFIX + sparql, bindings or None).rows


def _event(event_id: str) -> URIRef:
    return URIRef(ID[f"event/acled/{event_id}"])


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory):
    """A store with the bundled data and the three layouts imported (shared, read-only)."""
    store = _store(tmp_path_factory.mktemp("acled") / "store", bundled=True)
    summaries = import_acled(store, [CURRENT, HDX, LEGACY], report=True)
    yield store, summaries
    store.close()


# ---- layouts, dates -------------------------------------------------------------------------


def test_layouts_are_told_apart_by_their_headers() -> None:
    def header(path: Path) -> tuple[list[str], list[str]]:
        import csv

        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            return next(reader), next(reader)

    assert detect_layout(*header(CURRENT)).name == "current"
    hdx = detect_layout(*header(HDX))
    assert hdx.name == "hdx" and hdx.hxl_row
    legacy = detect_layout(*header(LEGACY))
    assert legacy.name == "legacy" and "assoc_actor_1" in legacy.columns  # from ALLY_ACTOR_1


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-08-01", date(2020, 8, 1)),
        ("01 March 2023", date(2023, 3, 1)),
        ("1 Mar 2023", date(2023, 3, 1)),
        ("01-March-2023", date(2023, 3, 1)),
        ("07/01/2017", date(2017, 1, 7)),  # day first, as ACLED writes dates
        ("31 February 2021", None),
        ("yesterday", None),
    ],
)
def test_dates_in_every_accepted_spelling(text: str, expected: date | None) -> None:
    assert parse_date(text, {}) == expected


def test_time_precision_becomes_an_interval() -> None:
    day = date(2021, 5, 12)
    assert date_interval(day, "1") == (day, day)
    assert date_interval(day, "2") == (date(2021, 5, 9), date(2021, 5, 15))  # the week around it
    assert date_interval(day, "3") == (date(2021, 5, 1), date(2021, 5, 31))  # the month


def test_every_layout_imports_every_row_into_its_own_graph(seeded) -> None:
    store, summaries = seeded
    assert [s.layout.split()[0] for s in summaries] == ["current", "hdx", "legacy"]
    assert [s.records for s in summaries] == [320, 200, 200]
    assert all(not s.rejected and s.written for s in summaries)
    for summary, name in zip(summaries, ("acled-current", "acled-hdx", "acled-legacy")):
        assert summary.graph == str(GRAPH[f"import/acled/{name}"])
        rows = _one(
            store,
            "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e ckg:acledId ?id } }",
            g=URIRef(summary.graph),
        )
        assert int(rows[0][0]) == summary.records


# ---- the mapping of one row -----------------------------------------------------------------


def test_current_row_types_dates_actors_place_and_claim(seeded) -> None:
    store, _ = seeded
    # MLI30002 is the second row of acled-current.csv (line 3): 23 August 2022, precision 1.
    event = _event("MLI30002")
    types = {str(r[0]) for r in _one(store, "SELECT ?t WHERE { ?e a ?t }", e=event)}
    assert {CKG + "Attack", CKG + "ViolenceAgainstCivilians"} <= types
    concepts = {
        str(r[0]) for r in _one(store, "SELECT ?c WHERE { ?e ckg:acledEventType ?c }", e=event)
    }
    assert concepts == {
        str(ID["acled-type/violence-against-civilians"]),
        str(ID["acled-type/attack"]),
    }
    row = _one(
        store,
        """SELECT ?start ?end ?prec ?perp ?place ?text ?para ?src WHERE {
        ?e ckg:startDate ?start ; ckg:endDate ?end ; ckg:datePrecision ?prec ;
           ckg:perpetrator ?perp ; ckg:place ?place .
        ?claim ckg:about ?e ; ckg:passage ?p ; ckg:sourceName ?src .
        ?p ckg:text ?text ; ckg:paragraph ?para }""",
        e=event,
    )[0]
    assert row[0] == Literal(date(2022, 8, 23)) and row[1] == row[0]
    assert str(row[2]) == CKG + "DayPrecision"
    assert str(row[3]) == JNIM
    assert str(row[4]) == str(ID["place/geonames/2455518"])  # Kayes, the seed's node
    assert (
        str(row[5])
        == "On 23 August 2022, JNIM attack in Kayes (Kayes, Kayes, Kayes). 2 fatalities."
    )
    assert int(row[6]) == 3  # the file's line
    assert str(row[7]) == "Malikile"
    # MLI30001 has time_precision 3: the month of its date.
    month = _one(
        store,
        "SELECT ?s ?e ?p WHERE { ?x ckg:startDate ?s ; ckg:endDate ?e ; ckg:datePrecision ?p }",
        x=_event("MLI30001"),
    )[0]
    assert (month[0].toPython(), month[1].toPython()) == (date(2022, 2, 1), date(2022, 2, 28))
    assert str(month[2]) == CKG + "MonthPrecision"


def test_compound_and_unknown_actors_become_new_nodes_with_inter_codes(seeded) -> None:
    store, summaries = seeded
    compound = "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)"
    rows = _one(
        store,
        "SELECT ?a ?code WHERE { ?a skos:prefLabel ?l ; ckg:interCode ?code ; a ckg:ArmedGroup }",
        l=Literal(compound, lang="en"),
    )
    assert rows and str(rows[0][0]).startswith(str(ID["actor/acled/"])) and int(rows[0][1]) == 2
    unresolved = {u.name: u for u in summaries[0].unresolved}
    assert JNIM in [c.iri for c in unresolved[compound].candidates]
    # The pro-government GMA is not al-Mourabitoun.
    assert "GMA: Mourabitounes Group of Azawad" in unresolved


def _reported(tmp_path: Path, path: Path):
    """The import summary of ``path`` into a new store, with ``--report``'s unresolved names."""
    store = _store(tmp_path / "store")
    try:
        (summary,) = import_acled(store, [path], report=True)
    finally:
        store.close()
    return summary


def test_report_counts_the_rows_naming_each_unresolved_actor(tmp_path: Path) -> None:
    # Counted in the CSV with pandas: every actor1/actor2 value and every name of the
    # ";"-separated associated actors. A compound name ("A and/or B") names its parts in
    # the graph (ckg:possibleActor) but is not a row naming them: it once added one row
    # to each unresolved part (Islamic State (Greater Sahara) on the real Niger export).
    summary = _reported(tmp_path, CURRENT)
    df = read_acled(CURRENT)

    def named(name: str) -> int:
        columns = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
        return sum(
            int(df[c].map(lambda v: [x.strip() for x in v.split(";")].count(name)).sum())
            for c in columns
        )

    actors = {u.name: u.rows for u in summary.unresolved if u.kind == "actor"}
    assert "Islamic State (Greater Sahara)" in actors  # a part of a compound name here
    assert actors == {name: named(name) for name in actors}


@pytest.mark.parametrize("name", ["acled-current.csv", "acled-hdx.csv", "moved"])
def test_report_counts_the_rows_of_each_unresolved_place(tmp_path: Path, name: str) -> None:
    # Counted in the CSV with pandas: the rows with that location (trimmed) under that
    # admin3, admin2, admin1 and country, whatever their coordinates - also the rows
    # merged into the place an earlier row of that coding minted (once left out). "moved":
    # acled-places.csv with each row repeated as a new event 0.01 degrees (about 1 km) away.
    path = FIXTURES / name
    if name == "moved":
        rows = read_acled(FIXTURES / "acled-places.csv")
        moved = rows.copy()
        moved["event_id_cnty"] = moved["event_id_cnty"] + "M"
        moved["latitude"] = (moved["latitude"].astype(float) + 0.01).map("{:.4f}".format)
        path = tmp_path / "moved.csv"
        pd.concat([rows, moved]).to_csv(path, index=False)
    summary = _reported(tmp_path, path)
    df = read_acled(path)
    for column in ("location", "admin3", "admin2", "admin1", "country"):
        df[column] = df[column].str.strip()
    context = df[["admin3", "admin2", "admin1", "country"]].apply(
        lambda r: ", ".join(x for x in r if x), axis=1
    )
    expected = (df["location"] + " [" + context + "]").value_counts()
    places = [u for u in summary.unresolved if u.kind == "place"]
    assert places
    assert {f"{u.name} [{u.context}]": u.rows for u in places} == {
        f"{u.name} [{u.context}]": int(expected[f"{u.name} [{u.context}]"]) for u in places
    }


def test_boulikessi_resolves_to_the_seed_village_and_new_towns_sit_in_admin_units(seeded) -> None:
    store, _ = seeded
    places = {
        str(r[0])
        for r in _one(
            store,
            """SELECT DISTINCT ?p WHERE {
        ?e ckg:place ?p ; ckg:acledId ?id . ?p rdfs:label "Boulkessi"@en }""",
        )
    }
    assert places == {str(ID["place/boulkessi"])}
    chain = _one(
        store,
        """SELECT ?type ?parent ?lat WHERE {
        ?t rdfs:label "Sogolon"@en ; a ?type ; ckg:locatedIn ?parent ; ckg:latitude ?lat }""",
    )
    assert chain and str(chain[0][0]) == CKG + "Town"
    assert str(chain[0][1]).startswith(str(ID["place/acled/admin/mali/"]))
    region = _one(
        store,
        "SELECT ?r WHERE { ?t rdfs:label 'Sogolon'@en ; ckg:locatedIn+ ?r . ?r a ckg:Country }",
    )
    assert str(region[0][0]) == str(ID["place/geonames/2453866"])  # Mali, the reference node


def test_week_and_month_precision_rows(seeded) -> None:
    """Day, week and month precision each get their own individual and interval (CSV truth)."""
    import calendar
    import csv
    from datetime import datetime, timedelta

    store, _ = seeded
    expected = {}
    for path, date_format in ((LEGACY, "%d/%m/%Y"), (CURRENT, "%d %B %Y")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [{k.lower(): v for k, v in row.items()} for row in csv.DictReader(handle)]
        for row in rows:
            day = datetime.strptime(row["event_date"], date_format).date()
            code = row["time_precision"]
            if code == "1":
                expected[row["event_id_cnty"]] = (day, day, "DayPrecision")
            elif code == "2":  # ACLED codes the middle of the reported week
                span = timedelta(days=3)
                expected[row["event_id_cnty"]] = (day - span, day + span, "WeekPrecision")
            else:
                last = calendar.monthrange(day.year, day.month)[1]
                expected[row["event_id_cnty"]] = (
                    day.replace(day=1),
                    day.replace(day=last),
                    "MonthPrecision",
                )
    assert {v[2] for v in expected.values()} == {"DayPrecision", "WeekPrecision", "MonthPrecision"}
    rows = _one(
        store,
        """SELECT ?id ?s ?e ?p WHERE { ?x ckg:acledId ?id ; ckg:startDate ?s ;
        ckg:endDate ?e ; ckg:datePrecision ?p . }""",
    )
    got = {str(i): (s.toPython(), e.toPython(), str(p)[len(CKG) :]) for i, s, e, p in rows}
    assert {k: got.get(k) for k in expected} == expected


def test_legacy_types_and_day_first_dates(seeded) -> None:
    store, _ = seeded
    # "Battle-No change of territory", 23/08/2014 with time_precision 2, MUJAO.
    event = _event("MLI1000")
    rows = _one(
        store,
        "SELECT ?t ?c ?s ?perp WHERE { ?e a ?t ; ckg:acledEventType ?c ; ckg:startDate ?s ; "
        "ckg:perpetrator ?perp }",
        e=event,
    )
    assert {str(r[0]) for r in rows} == {CKG + "Attack", CKG + "Battle"}  # an attack, a battle
    assert {str(r[1]) for r in rows} == {str(ID["acled-type/legacy-battle-no-change-of-territory"])}
    assert rows[0][2].toPython() == date(2014, 8, 20)  # the week around 23 August
    assert str(rows[0][3]) == str(ID["group/mujao"])
    protest = _one(
        store,
        "SELECT ?e WHERE { ?e ckg:acledEventType ?c ; a ckg:Protest }",
        c=URIRef(ID["acled-type/legacy-riots-protests"]),
    )
    assert protest


def test_hdx_hxl_line_is_skipped_and_lines_count_from_the_header(seeded) -> None:
    store, summaries = seeded
    assert "HXL" in summaries[1].layout
    para = _one(
        store,
        "SELECT ?n WHERE { ?c ckg:about ?e ; ckg:passage/ckg:paragraph ?n }",
        e=_event("BFO5000"),
    )
    assert int(para[0][0]) == 3  # header, HXL line, then the first event


# ---- malformed rows -------------------------------------------------------------------------

MALFORMED_LINES = {
    3: "event_date '31 February 2021' is not a date",
    4: "time_precision '4' is not 1, 2 or 3",
    5: "sub_event_type 'Picnic'",
    6: "latitude/longitude 'north'",
    7: "fatalities '-3'",
    8: "duplicate event_id_cnty MLI30001 (first on line 2)",
    9: "32 fields where the header has 31",
    10: "event_id_cnty '' is not an ACLED event ID",
    11: "geo_precision '9'",
    12: "year 1999 disagrees",
    13: "outside -90..90",
}


def test_malformed_rows_are_rejected_one_by_one_with_line_and_reason(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    try:
        summary = import_acled(store, [MALFORMED])[0]
        reasons = {r.line: r.reason for r in summary.rejected}
        assert set(reasons) == set(MALFORMED_LINES)
        for line, text in MALFORMED_LINES.items():
            assert text in reasons[line], (line, reasons[line])
        assert summary.written and summary.records == 5
        ids = {str(r[0]) for r in _one(store, "SELECT ?id WHERE { ?e ckg:acledId ?id }")}
        assert ids == {"MLI30001", "MLI99102", "MLI99103", "MLI99104", "MLI99105"}
    finally:
        store.close()


def test_strict_refuses_the_whole_file_and_leaves_the_store_exactly_as_it_was(
    tmp_path: Path,
) -> None:
    # An earlier, clean version of the same file is in the store; --strict must keep it.
    earlier = tmp_path / "acled-malformed.csv"
    lines = MALFORMED.read_text("utf-8").splitlines(keepends=True)
    earlier.write_text(lines[0] + lines[1], "utf-8")
    store_dir = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(cli, ["--store", str(store_dir), "import", "acled", str(earlier)])
    assert first.exit_code == 0, first.output
    store = open_store(store_dir)
    before = sorted(map(tuple, store.quads()))
    store.close()
    shutil.copy(MALFORMED, earlier)
    result = runner.invoke(
        cli, ["--store", str(store_dir), "import", "acled", "--strict", str(earlier)]
    )
    assert result.exit_code == 3
    assert "REFUSED" in result.stderr and "line 3: event_date" in result.stderr
    store = open_store(store_dir)
    try:
        assert sorted(map(tuple, store.quads())) == before
    finally:
        store.close()


def test_cli_default_mode_imports_good_rows_and_exits_1_listing_rejections(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "store"), "import", "acled", "--report", str(MALFORMED)]
    )
    assert result.exit_code == 1
    assert "rows rejected: 11" in result.stderr
    assert "rejected line 9: 32 fields" in result.stdout  # the --report on stdout
    assert "unresolved actor" in result.stdout


def test_a_file_that_is_not_an_acled_export_is_bad_input(tmp_path: Path) -> None:
    bogus = tmp_path / "people.csv"
    bogus.write_text("name,age\nAda,36\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "store"), "import", "acled", str(bogus)]
    )
    assert result.exit_code == 3
    assert f"{bogus}:1: not an ACLED export: missing column(s) event_id_cnty" in result.stderr


def test_reimport_replaces_the_files_graph_and_nothing_else(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    try:
        import_acled(store, [CURRENT, HDX])
        smaller = tmp_path / "acled-current.csv"
        lines = CURRENT.read_text("utf-8").splitlines(keepends=True)
        smaller.write_text("".join(lines[:11]), "utf-8")
        hdx_before = sorted(map(tuple, store.quads(URIRef(GRAPH["import/acled/acled-hdx"]))))
        summary = import_acled(store, [smaller])[0]
        assert summary.records == 10
        count = _one(
            store,
            "SELECT (COUNT(?e) AS ?n) WHERE { GRAPH ?g { ?e ckg:acledId ?id } }",
            g=URIRef(summary.graph),
        )
        assert int(count[0][0]) == 10
        assert (
            sorted(map(tuple, store.quads(URIRef(GRAPH["import/acled/acled-hdx"])))) == hdx_before
        )
        # Nodes the importer minted are written again, whole, into the replaced graph.
        again = import_acled(store, [smaller])[0]
        assert (again.new_actors, again.new_places) == (summary.new_actors, summary.new_places)
        typed = _one(
            store,
            "SELECT ?t WHERE { GRAPH ?g { ?a a ?t ; skos:prefLabel ?l } }",
            g=URIRef(summary.graph),
            l=Literal("Civilians (Mali)", lang="en"),
        )
        assert [str(t[0]) for t in typed] == [CKG + "Actor"]
    finally:
        store.close()


def test_progress_reports_rows_and_reaches_the_end(tmp_path: Path) -> None:
    seen: list[Progress] = []
    store = _store(tmp_path / "store")
    try:
        import_acled(store, [CURRENT], progress=seen.append)
    finally:
        store.close()
    read = [p for p in seen if p.phase == "read"]
    assert read and read[-1].rows == 320 and read[-1].done_bytes == read[-1].total_bytes


# ---- the flagship question over imported data, against pandas ------------------------------


def test_towns_attacked_twice_equals_pandas_next_to_the_seed_graph(seeded) -> None:
    # With the seed loaded, ACLED rows at Kayes, Nioro du Sahel, Diboli or Sandare land on
    # the seed's towns; attacks up to 2023 (the seed's start in September 2024) match pandas
    # over the three files read as one table (one place per real place, across files too).
    store, _ = seeded
    until = date(2023, 12, 31)
    got = flagship_rows(store, 365, JNIM, until)
    expected = pandas_flagship([CURRENT, HDX, LEGACY], 365, JNIM_ACLED_NAME, until)
    assert got == expected


def test_imported_attacks_join_the_seed_reports_attacks(tmp_path: Path) -> None:
    store = _store(tmp_path / "store", bundled=True)
    try:
        import_acled(store, [JOIN])
        rows = {
            (str(r["town"]), str(r["first"]), str(r["second"]), int(r["gapDays"]))
            for r in store.query(
                QUESTION, {"_window_integer": Literal(30), "__perpetrator_iri": URIRef(JNIM)}
            ).dicts()
        }
    finally:
        store.close()
    assert (
        str(ID["place/geonames/2455518"]),
        str(_event("MLI39001")),
        str(ID["event/2025-07-01-kayes-attack"]),
        11,
    ) in rows
    assert (
        str(ID["place/boulkessi"]),
        str(_event("MLI39002")),
        str(ID["event/2025-06-01-boulkessi-attack"]),
        12,
    ) in rows


def test_two_files_with_the_same_name_in_one_call_are_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "export.csv", tmp_path / "b" / "export.csv"
    shutil.copy(JOIN, first)
    shutil.copy(JOIN, second)
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "store"), "import", "acled", str(first), str(second)]
    )
    assert result.exit_code == 2
    assert "would both go into the graph" in result.stderr


def test_the_synthetic_acled_writer_writes_the_layouts_the_importer_tells_apart(tmp_path):
    """benchmarks/synthetic.py's ACLED writer (used by the browser tests and bench_import)
    writes headers the importer reads as the layout named, with HDX's hashtag line."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from synthetic import write_acled

    row = {
        "event_id_cnty": "MLI1",
        "event_date": "2023-03-01",
        "year": 2023,
        "time_precision": 1,
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Wagner Group",
        "country": "Mali",
        "location": "Boni",
    }
    store = _store(tmp_path / "store")
    for layout, expected in (("current", "current"), ("hdx", "hdx (HXL hashtag row skipped)")):
        path = tmp_path / f"{layout}.csv"
        assert write_acled(path, [row], layout) == 1
        (summary,) = import_acled(store, [path])
        assert summary.layout == expected
        assert (summary.records, summary.rejected) == (1, [])
