"""Saved questions: golden answers on the bundled graph, headers, and the flagship's rule.

* ``test_golden_answer`` runs every ``tests/golden/<question>[--<case>].json`` on a store
  holding the bundled data (reasoned first when the file says ``"reason": true``) and
  compares the answer exactly: same variables, same rows (as sorted lists unless
  ``"ordered": true``), each term written as ``term.n3()`` or ``null``.
* The header tests hold every ``queries/*.rq`` to the catalogue's rules: it parses as is
  (the grlc header is comments), has a summary and description, documents each parameter
  it uses under ``#+ parameters:``, and its ``#+ defaults:`` name real parameters.
* The flagship ``towns_attacked_twice`` is checked on a small fixture of our own, against
  a pandas implementation of the rule its description states (on random data too), and on
  rdflib as well as Oxigraph.

Every golden file also says who checked its rows by hand, when, and against what - the
seed report's sentences (its line numbers and words) or the data files' lines and columns
(with the grep, awk or pandas command used; ``tests/golden_oracle.py`` recomputes from the
raw sources what it can) - in ``witness``, ``checked_by`` and ``checked_on``, beside
``checked_rows_sha256``, the digest of the params, variables and rows that were checked
(``rows_digest``). ``test_golden_answer_was_checked_by_a_person`` fails for a file without
them or whose rows are no longer the ones checked.

Golden files are rewritten only on purpose: ``python tests/test_questions.py NAME[--CASE]``
writes ``tests/golden/NAME[--CASE].json`` from the current answer (an existing file keeps
its params and flags, and its witness only while the rows are the ones it checked; a new
answer loses it and the script says the rows need a person's check). Once a person has
checked the rows, ``python tests/test_questions.py --witness NAME[--CASE] --by WHO
"WHAT THE ROWS WERE CHECKED AGAINST"`` records the witness, today's date and the digest.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from kg.cli.main import cli
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.sparql import prepareQuery

from kg.catalogue import (
    bind_params,
    catalogue_folder,
    load_catalogue,
    parse_question,
    run_question,
)
from kg.derive import derived_graph
from kg.embedded import EmbeddedStore, open_store
from kg.errors import UsageError
from kg.namespace import CKG
from kg.sparql import bind_values
from kg.terms import GRAPH, ID

GOLDEN = Path(__file__).parent / "golden"
FIXTURE = Path(__file__).parent / "fixtures" / "questions" / "attacks.ttl"
FLAGSHIP = "towns_attacked_twice"
TEST_GRAPH = GRAPH["test/questions"]


def golden_files() -> list[Path]:
    """Every golden answer file, sorted."""
    return sorted(GOLDEN.glob("*.json"))


def question_of(path: Path) -> str:
    """The question a golden file is for: the stem up to ``--``."""
    return path.stem.split("--", 1)[0]


def n3(term: Any) -> str | None:
    """A result term as the golden files write it."""
    return None if term is None else term.n3()


def answer_rows(result: Any) -> list[list[str | None]]:
    """A query result's rows as lists of n3 strings."""
    return [[n3(t) for t in row] for row in result.rows]


# ---- a reasoned copy of the bundled store, built once per session


@pytest.fixture(scope="session")
def _reasoned_template(_bundled_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kg.reasoning import reason

    path = tmp_path_factory.mktemp("reasoned") / "store"
    shutil.copytree(_bundled_template, path)
    (path / "LOCK").unlink(missing_ok=True)
    s = open_store(path)
    try:
        reason(s)
    finally:
        s.close()
    return path


def _open_copy(template: Path, tmp_path: Path) -> EmbeddedStore:
    target = tmp_path / "store-copy"
    shutil.copytree(template, target)
    (target / "LOCK").unlink(missing_ok=True)
    return open_store(target)


# ---- golden answers


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_golden_answer(path: Path, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    golden = json.loads(path.read_text(encoding="utf-8"))
    template = request.getfixturevalue(
        "_reasoned_template" if golden.get("reason") else "_bundled_template"
    )
    store = _open_copy(template, tmp_path)
    try:
        result = run_question(store, question_of(path), golden.get("params", {}))
    finally:
        store.close()
    assert result.variables == golden["variables"]
    rows = answer_rows(result)
    expected = golden["rows"]
    if golden.get("ordered"):
        assert rows == expected
    else:
        # json.dumps as the key: rows hold None beside strings.
        assert sorted(rows, key=json.dumps) == sorted(expected, key=json.dumps)


PLAIN_GOLDENS = [p for p in golden_files() if not json.loads(p.read_text("utf-8")).get("reason")]


@pytest.mark.parametrize("path", PLAIN_GOLDENS, ids=lambda p: p.stem)
def test_answer_is_the_same_after_reasoning(
    path: Path, _reasoned_template: Path, tmp_path: Path
) -> None:
    """Questions that need no inference must not change once `ckg reason` has run.

    (``ckg demo`` reasons before answering; transitive shortcuts and inferred types must
    not add rows.)
    """
    golden = json.loads(path.read_text(encoding="utf-8"))
    store = _open_copy(_reasoned_template, tmp_path)
    try:
        result = run_question(store, question_of(path), golden.get("params", {}))
    finally:
        store.close()
    assert sorted(answer_rows(result), key=json.dumps) == sorted(golden["rows"], key=json.dumps)


#: What a person's check adds to a golden file, in the order the file keeps them.
WITNESS_FIELDS = ("witness", "checked_by", "checked_on", "checked_rows_sha256")


def rows_digest(golden: dict[str, Any]) -> str:
    """SHA-256 of what a witness vouches for: the params, variables and rows, canonical JSON.

    Rows are sorted unless the file says ``"ordered": true``, so rewriting an unordered
    golden in another row order keeps its witness.
    """
    rows = golden["rows"] if golden.get("ordered") else sorted(golden["rows"], key=json.dumps)
    checked = {"params": golden.get("params", {}), "variables": golden["variables"], "rows": rows}
    text = json.dumps(checked, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("path", golden_files(), ids=lambda p: p.stem)
def test_golden_answer_was_checked_by_a_person(path: Path) -> None:
    """Each golden says who checked its rows, when, against what - for exactly these rows."""
    golden = json.loads(path.read_text(encoding="utf-8"))
    how = (
        f"check its rows by hand against the report's sentences or the data files, then run "
        f"python tests/test_questions.py --witness {path.stem} --by WHO 'WHAT YOU CHECKED'"
    )
    missing = [f for f in WITNESS_FIELDS if not golden.get(f)]
    assert missing == [], f"tests/golden/{path.name} has no {', '.join(missing)}: {how}"
    assert golden["checked_rows_sha256"] == rows_digest(golden), (
        f"tests/golden/{path.name}: its rows are not the ones {golden['checked_by']} checked "
        f"on {golden['checked_on']}; {how}"
    )
    assert date.fromisoformat(golden["checked_on"]) <= date.today()


def test_every_question_has_a_golden_answer() -> None:
    covered = {question_of(p) for p in golden_files()}
    missing = sorted(set(load_catalogue()) - covered)
    assert missing == [], f"no tests/golden/<name>.json for {missing}"


def test_every_golden_file_names_a_question() -> None:
    names = set(load_catalogue())
    assert [p.name for p in golden_files() if question_of(p) not in names] == []


# ---- headers and parameters of every saved question


def _questions() -> list[str]:
    return sorted(e.name for e in catalogue_folder().iterdir() if e.name.endswith(".rq"))


@pytest.mark.parametrize("filename", _questions())
def test_question_parses_as_it_is(filename: str) -> None:
    text = catalogue_folder().joinpath(filename).read_text("utf-8")
    prepareQuery(text)  # the '#+' header is made of comments: nothing is stripped


@pytest.mark.parametrize("filename", _questions())
def test_question_parses_with_its_parameters_bound(filename: str) -> None:
    text = catalogue_folder().joinpath(filename).read_text("utf-8")
    question = parse_question(text, filename[:-3], filename)
    raw = {p.name: p.example() for p in question.params}
    prepareQuery(bind_values(text, bind_params(question, raw)))


@pytest.mark.parametrize("filename", _questions())
def test_question_documents_itself_and_its_parameters(filename: str) -> None:
    text = catalogue_folder().joinpath(filename).read_text("utf-8")
    question = parse_question(text, filename[:-3], filename)
    assert question.summary, f"{filename}: no '#+ summary:'"
    assert len(question.description) > 40, f"{filename}: no real '#+ description:'"
    assert question.tags, f"{filename}: no '#+ tags:'"
    described = question.header.get("parameters") or {}
    undocumented = [p.name for p in question.params if not described.get(p.name)]
    assert undocumented == [], f"{filename}: parameters without a '#+ parameters:' line"
    defaults = question.header.get("defaults") or []
    names = {p.name for p in question.params}
    for entry in defaults:
        assert set(entry) <= names, f"{filename}: a default for an unknown parameter {entry}"


# A value no data can match, per parameter type: the answer must change when it is bound.
_UNMATCHED = {"integer": "-1", "iri": str(ID["test/no-such-node"]), "string": "zzzz-no-name"}
# Parameters that annotate rather than filter: bound to an unmatched value, rows stay but
# change (group_structure lists the units, and who held a role on the date beside them).
_ANNOTATING = {("group_structure", "date")}
# Questions whose default answer on the bundled graph is empty: nothing can change there
# (the seed attributes no event to a faction; tests/fixtures/reasoning covers it).
_EMPTY_ON_THE_SEED = {"events_by_faction_of_group"}


def _unmatched(param: Any) -> str:
    if param.type.startswith("xsd_date"):
        return "2100-01-01" if param.name == "since" else "1900-01-01"
    return _UNMATCHED.get(param.type, _UNMATCHED["string"])


@pytest.mark.parametrize("name", sorted(load_catalogue()))
def test_every_parameter_reaches_the_answer(
    name: str, _reasoned_template: Path, tmp_path: Path
) -> None:
    """A parameter is bound wherever the question uses it (each sub-select too).

    Bound to a value no data matches, each parameter changes the answer, and a filter
    empties it; a parameter left unbound in some sub-select would leave rows standing.
    """
    question = load_catalogue()[name]
    if not question.params or name in _EMPTY_ON_THE_SEED:
        pytest.skip("no parameter" if not question.params else "empty on the seed graph")
    store = _open_copy(_reasoned_template, tmp_path)
    try:
        default = sorted(answer_rows(run_question(store, name)), key=json.dumps)
        assert default, f"{name}: no answer with its defaults on the bundled graph"
        for param in question.params:
            bound = answer_rows(run_question(store, name, {param.name: _unmatched(param)}))
            assert sorted(bound, key=json.dumps) != default, f"{name}: {param.name} ignored"
            if (name, param.name) not in _ANNOTATING:
                assert bound == [], f"{name}: {param.name}={_unmatched(param)} left rows"
    finally:
        store.close()


def test_flagship_parameters_have_the_documented_types_and_defaults() -> None:
    question = load_catalogue()[FLAGSHIP]
    params = {p.name: p for p in question.params}
    assert set(params) == {"window", "kind", "perpetrator", "since", "until"}
    assert (params["window"].type, params["window"].required, params["window"].default) == (
        "integer",
        True,
        "365",
    )
    assert params["perpetrator"].type == "iri" and not params["perpetrator"].required
    assert params["kind"].type == "iri" and not params["kind"].required
    assert params["since"].type == "xsd_date" and not params["since"].required
    assert params["until"].type == "xsd_date" and not params["until"].required


def test_flagship_rejects_a_window_that_is_not_a_number() -> None:
    question = load_catalogue()[FLAGSHIP]
    with pytest.raises(UsageError, match="window"):
        bind_params(question, {"window": "a year"})


# ---- the flagship on the bundled graph, through the CLI


def _towns(result: Any) -> list[str]:
    return sorted(str(d["town"]) for d in result.dicts())


@pytest.fixture
def seed(bundled_store: EmbeddedStore) -> EmbeddedStore:
    return bundled_store


NIORO = str(ID["place/geonames/2452651"])
BOULKESSI = str(ID["place/boulkessi"])


def test_flagship_on_the_seed_gives_nioro_and_boulkessi(seed: EmbeddedStore) -> None:
    rows = {str(d["town"]): d for d in run_question(seed, FLAGSHIP).dicts()}
    assert sorted(rows) == sorted([NIORO, BOULKESSI])
    nioro = rows[NIORO]
    assert (str(nioro["firstStart"]), str(nioro["firstEnd"])) == ("2025-01-06", "2025-01-07")
    assert str(nioro["secondStart"]) == "2025-07-01"
    assert nioro["gapDays"] == Literal(175)
    assert rows[BOULKESSI]["gapDays"] == Literal(4)
    assert "JNIM" in str(nioro["perpetrators"])
    assert "July 1 Attacks" in str(nioro["sources"])


@pytest.mark.parametrize(
    ("params", "towns"),
    [
        ({"window": "30"}, [BOULKESSI]),
        ({"window": "4"}, [BOULKESSI]),
        ({"window": "3"}, []),
        ({"window": "175"}, [BOULKESSI, NIORO]),
        ({"window": "174"}, [BOULKESSI]),
        ({"since": "2025-02-01"}, [BOULKESSI]),
        ({"until": "2025-06-30"}, [BOULKESSI]),
        ({"since": "2025-06-02", "until": "2025-12-31"}, []),
        ({"perpetrator": "group/jnim"}, [BOULKESSI, NIORO]),
        ({"perpetrator": "group/fama"}, []),
        ({"window": "-1"}, []),
    ],
)
def test_flagship_parameters_on_the_seed(
    seed: EmbeddedStore, params: dict[str, str], towns: list[str]
) -> None:
    assert _towns(run_question(seed, FLAGSHIP, params)) == sorted(towns)


def test_flagship_cli_window_30(runner: Any, bundled_store_dir: Path) -> None:
    result = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "query",
            "run",
            FLAGSHIP,
            "-p",
            "window",
            "30",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("town,townLabel,region,regionLabel,first,firstStart")
    assert len(lines) == 2 and lines[1].startswith(BOULKESSI + ",Boulkessi,")


def test_flagship_cli_mistyped_window_is_a_usage_error(
    runner: Any, bundled_store_dir: Path
) -> None:
    result = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "query", "run", FLAGSHIP, "-p", "window", "x"]
    )
    assert result.exit_code == 2
    assert "window" in result.stderr and "integer" in result.stderr


# ---- the flagship's rule on a fixture of our own, against pandas, and on rdflib


@pytest.fixture
def fixture_store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    s = open_store(tmp_path / "fixture-store")
    s.replace_graph(TEST_GRAPH, Graph().parse(FIXTURE), source=str(FIXTURE))
    yield s
    s.close()


def _pairs(result: Any) -> dict[str, tuple[str, str, int]]:
    tail = len("https://w3id.org/conflict-kg/id/")
    return {
        str(d["town"])[tail:]: (str(d["first"])[tail:], str(d["second"])[tail:], int(d["gapDays"]))
        for d in result.dicts()
    }


FIXTURE_365 = {
    "place/test/t1": ("event/2025-01-06-t1", "event/2025-07-01-t1", 175),
    "place/test/t2": ("event/2025-06-01-t2", "event/2025-06-05-t2", 4),
    "place/test/t4": ("event/2024-01-01-t4", "event/2024-02-10-t4", -19),
    "place/test/v5": ("event/2023-05-05-v5-a", "event/2023-05-05-v5-b", 0),
    "place/test/t6": ("event/2022-01-01-t6", "event/2022-04-01-t6", -9),
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, FIXTURE_365),
        ({"window": "30"}, {k: v for k, v in FIXTURE_365.items() if v[2] <= 30}),
        ({"window": "0"}, {k: v for k, v in FIXTURE_365.items() if v[2] <= 0}),
        # Attacks by a unit command count for its group (ckg:factionOf).
        ({"perpetrator": "group/g1"}, {"place/test/t1": FIXTURE_365["place/test/t1"]}),
        (
            {"perpetrator": "group/g2"},
            {k: FIXTURE_365[k] for k in ("place/test/t4", "place/test/t6")},
        ),
        # A window of 1000 days reaches the 2027 attack on Town One, but the earliest
        # consecutive pair is still January -> July 2025.
        ({"window": "1000"}, FIXTURE_365),
        (
            {"since": "2025-02-01", "window": "1000"},
            {
                "place/test/t1": ("event/2025-07-01-t1", "event/2027-03-01-t1", 608),
                "place/test/t2": FIXTURE_365["place/test/t2"],
            },
        ),
    ],
)
def test_flagship_rule_on_the_fixture(
    fixture_store: EmbeddedStore, params: dict[str, str], expected: dict[str, Any]
) -> None:
    assert _pairs(run_question(fixture_store, FLAGSHIP, params)) == expected


def test_flagship_names_region_perpetrators_and_sources(fixture_store: EmbeddedStore) -> None:
    rows = {str(d["town"]): d for d in run_question(fixture_store, FLAGSHIP).dicts()}
    t1 = rows[str(ID["place/test/t1"])]
    assert t1["townLabel"] == Literal("Town One", lang="en")
    assert t1["region"] == ID["place/test/r1"]
    # The second attack was by a unit command of Group One: both are named.
    assert sorted(str(t1["perpetrators"]).split("; ")) == ["Group One", "Group One west unit"]
    assert str(t1["sources"]) == "Test report"
    assert str(rows[str(ID["place/test/t2"])]["sources"]) == ""


def test_flagship_gives_the_same_answer_on_rdflib(fixture_store: EmbeddedStore) -> None:
    """The same text, parameters bound the same way, on plain rdflib (portability)."""
    question = load_catalogue()[FLAGSHIP]
    bindings = bind_params(question, {"window": "30"})
    graph = Graph().parse(FIXTURE)
    graph += derived_graph(graph)  # what the embedded store keeps in its derived graph
    rdflib_answer = graph.query(bind_values(question.text, bindings))
    ox_answer = run_question(fixture_store, FLAGSHIP, {"window": "30"})
    assert [str(v) for v in rdflib_answer.vars] == ox_answer.variables

    def comparable(row: Any) -> list[Any]:
        # GROUP_CONCAT's order is the engine's own: the joined lists compare as sets.
        *terms, perpetrators, sources = row
        return [n3(t) for t in terms] + [sorted(str(perpetrators).split("; ")), str(sources)]

    rdflib_rows = sorted(comparable(r) for r in rdflib_answer)
    ox_rows = sorted(comparable(r) for r in ox_answer.rows)
    assert rdflib_rows == ox_rows
    assert len(ox_rows) == 4


def pandas_towns_attacked_twice(attacks: Any, window: int) -> dict[str, tuple[str, str, int]]:
    """The rule of the flagship's description, in pandas: town -> (first, second, gap)."""
    df = attacks.drop_duplicates(["town", "event"]).sort_values(["town", "start", "end", "event"])
    by_town = df.groupby("town", sort=False)
    df = df.assign(
        next_event=by_town["event"].shift(-1),
        gap=(by_town["start"].shift(-1) - df["end"]).dt.days,
    )
    hits = df[df["gap"] <= window].groupby("town", sort=False).head(1)
    return {r.town: (r.event, r.next_event, int(r.gap)) for r in hits.itertuples(index=False)}


def _random_attacks(seed: int, n_towns: int = 12, n_attacks: int = 240) -> tuple[Graph, Any]:
    """Random attacks on towns and on posts in them: ties, overlaps, long attacks."""
    import pandas as pd
    from rdflib.namespace import XSD  # not at module level: pytest probes module globals

    rng = random.Random(seed)
    g = Graph()
    rows = []
    towns = [ID[f"place/rnd/t{i:02d}"] for i in range(n_towns)]
    posts = [ID[f"place/rnd/t{i:02d}/post"] for i in range(n_towns)]
    region = ID["place/rnd/region"]
    g.add((region, RDF.type, CKG.AdminRegion))
    for town, post in zip(towns, posts):
        g.add((town, RDF.type, rng.choice([CKG.Town, CKG.Village])))
        g.add((town, CKG.locatedIn, region))
        g.add((post, RDF.type, CKG.MilitaryPost))
        g.add((post, CKG.locatedIn, town))
    for i in range(n_attacks):
        event = ID[f"event/rnd/{i:04d}"]
        t = rng.randrange(n_towns)
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(3 * 365))
        end = start + timedelta(days=rng.choice([0, 0, 0, 0, 1, 2, 9, 45]))
        g.add((event, RDF.type, CKG.Attack))
        g.add((event, CKG.place, rng.choice([towns[t], posts[t]])))
        g.add((event, CKG.startDate, Literal(start.isoformat(), datatype=XSD.date)))
        g.add((event, CKG.endDate, Literal(end.isoformat(), datatype=XSD.date)))
        g.add((event, RDFS.label, Literal(f"Attack {i}", lang="en")))
        rows.append(
            {
                "town": str(towns[t]),
                "event": str(event),
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
            }
        )
    return g, pd.DataFrame(rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_flagship_agrees_with_pandas_on_random_attacks(seed: int, tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    graph, frame = _random_attacks(seed)
    store = open_store(tmp_path / "rnd")
    try:
        store.replace_graph(TEST_GRAPH, graph, source="random attacks")
        for window in (0, 1, 5, 30, 365):
            result = run_question(store, FLAGSHIP, {"window": str(window)})
            got = {
                str(d["town"]): (str(d["first"]), str(d["second"]), int(d["gapDays"]))
                for d in result.dicts()
            }
            assert got == pandas_towns_attacked_twice(frame, window), f"window {window}"
    finally:
        store.close()


# ---- rewriting golden files on purpose


def _write_golden(stem: str, folder: Path = GOLDEN) -> None:
    """Write ``<folder>/<stem>.json`` from the current answer on the bundled graph.

    The file keeps its params and flags, and its witness only when the new rows are the
    ones the witness checked (same digest); otherwise the witness is dropped and the new
    answer waits for a person's check.
    """
    import tempfile

    from kg.bundled import load_bundled

    path = folder / f"{stem}.json"
    old = json.loads(path.read_text("utf-8")) if path.exists() else {}
    golden: dict[str, Any] = {
        "params": old.get("params", {}),
        "reason": old.get("reason", False),
        "ordered": old.get("ordered", False),
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        try:
            load_bundled(store)
            if golden["reason"]:
                from kg.reasoning import reason

                reason(store)
            result = run_question(store, question_of(path), golden["params"])
        finally:
            store.close()
    rows = answer_rows(result)
    if not golden["ordered"]:
        rows.sort(key=json.dumps)
    answer = {**golden, "variables": result.variables, "rows": rows}
    witnessed = bool(old.get("witness")) and old.get("checked_rows_sha256") == rows_digest(answer)
    if witnessed:
        golden.update({f: old[f] for f in WITNESS_FIELDS})
    golden["variables"] = result.variables
    golden["rows"] = rows
    path.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(rows)} rows)", file=sys.stderr)
    if witnessed:
        print(f"  the rows are the ones {old['checked_by']} checked: witness kept", file=sys.stderr)
    else:
        print(
            f"  the new answer needs a person's check: compare its rows with the report or "
            f"the data files, then run python tests/test_questions.py --witness {stem} "
            f"--by WHO 'WHAT YOU CHECKED'"
            + (
                " (the old witness was for other rows and is dropped)" if old.get("witness") else ""
            ),
            file=sys.stderr,
        )


def _record_witness(stem: str, checked_by: str, witness: str, folder: Path = GOLDEN) -> None:
    """Record that a person checked ``<folder>/<stem>.json``'s rows as they are now."""
    path = folder / f"{stem}.json"
    old = json.loads(path.read_text("utf-8"))
    golden = {k: old[k] for k in ("params", "reason", "ordered") if k in old}
    golden.update(
        {
            "witness": witness,
            "checked_by": checked_by,
            "checked_on": date.today().isoformat(),
            "checked_rows_sha256": rows_digest(old),
        }
    )
    golden.update({k: v for k, v in old.items() if k not in golden})
    path.write_text(json.dumps(golden, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded the witness of {path} ({len(old['rows'])} rows)", file=sys.stderr)


def test_rewriting_a_golden_keeps_its_witness_only_for_the_rows_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(GOLDEN / "lookup_name.json", tmp_path / "lookup_name.json")
    _write_golden("lookup_name", tmp_path)
    kept = json.loads((tmp_path / "lookup_name.json").read_text("utf-8"))
    assert kept == json.loads((GOLDEN / "lookup_name.json").read_text("utf-8"))
    assert "witness kept" in capsys.readouterr().err

    # The same witness, but the case now asks for another name: other rows, no witness.
    changed = {**kept, "params": {"name": "Tombouctou"}}
    (tmp_path / "lookup_name.json").write_text(json.dumps(changed), encoding="utf-8")
    _write_golden("lookup_name", tmp_path)
    rewritten = json.loads((tmp_path / "lookup_name.json").read_text("utf-8"))
    assert [f for f in WITNESS_FIELDS if f in rewritten] == []
    assert rewritten["rows"] and rewritten["rows"] != kept["rows"]
    assert "needs a person's check" in capsys.readouterr().err

    _record_witness("lookup_name", "a tester", "GeoNames line 842: Tombouctou", tmp_path)
    signed = json.loads((tmp_path / "lookup_name.json").read_text("utf-8"))
    assert list(signed)[:7] == ["params", "reason", "ordered", *WITNESS_FIELDS]
    assert signed["checked_rows_sha256"] == rows_digest(rewritten) != kept["checked_rows_sha256"]
    assert (signed["checked_by"], signed["checked_on"]) == ("a tester", date.today().isoformat())


def test_rows_digest_covers_rows_params_and_order() -> None:
    golden = json.loads((GOLDEN / "attacks_west_to_east.json").read_text("utf-8"))
    digest = rows_digest(golden)
    assert rows_digest({**golden, "rows": golden["rows"][::-1]}) != digest  # ordered
    assert rows_digest({**golden, "ordered": False, "rows": golden["rows"][::-1]}) == (
        rows_digest({**golden, "ordered": False})
    )
    assert rows_digest({**golden, "params": {"since": "2025-07-01"}}) != digest
    assert rows_digest({**golden, "rows": golden["rows"][1:]}) != digest


def _main(argv: list[str]) -> None:
    if argv[:1] == ["--witness"]:
        if len(argv) != 5 or argv[2] != "--by":
            sys.exit("usage: python tests/test_questions.py --witness NAME[--CASE] --by WHO TEXT")
        _record_witness(argv[1], argv[3], argv[4])
        return
    for name in argv:
        _write_golden(name)


if __name__ == "__main__":
    _main(sys.argv[1:])
