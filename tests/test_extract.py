"""ckg extract and ckg review (issue 15): candidates tied to their sentences, the gate on accept.

Expected values are read from the fixture texts themselves (the sentence that states them),
not from what the extractor wrote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kg.cli.main import cli
from rdflib import RDF, Graph, URIRef

from kg.embedded import open_store
from kg.extract.dates import Reference, document_reference, find_dates
from kg.extract.patterns import modality
from kg.extract.staging import open_staging
from kg.extract.text import read_document, split_sentences
from kg.namespace import CKG
from kg.terms import GRAPH, ID, STAGING_PREFIX

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
KAYES = str(ID["place/geonames/2455518"])
JNIM = str(ID["group/jnim"])
ATTACK_SENTENCE = "On 3 March 2024, JNIM attacked the military post at Kayes."


def _quads(store_dir: Path) -> set:
    s = open_store(store_dir)
    try:
        return set(s.quads())
    finally:
        s.close()


def _staging(store_dir: Path, slug: str) -> Graph:
    s = open_store(store_dir)
    try:
        with open_staging(s) as staging:
            return staging.export(slug)
    finally:
        s.close()


def _staged_quads(store_dir: Path) -> set:
    s = open_store(store_dir)
    try:
        with open_staging(s) as staging:
            return set(staging.db.quads_for_pattern(None, None, None, None))
    finally:
        s.close()


@pytest.fixture(scope="module")
def extracted_report(_bundled_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled store after ``ckg extract report.txt``, shared by the tests
    that only read what that one extraction staged (the same run each used to repeat)."""
    store_dir = tmp_path_factory.mktemp("extracted") / "store"
    shutil.copytree(_bundled_template, store_dir)
    (store_dir / "LOCK").unlink(missing_ok=True)
    result = CliRunner().invoke(
        cli, ["--store", str(store_dir), "extract", str(FIXTURES / "report.txt")]
    )
    assert result.exit_code == 0, result.output
    return store_dir


def _attacks(g: Graph) -> dict[str, tuple[str, str, set[str], set[str]]]:
    """Attack events as label -> (start, end, places or their towns, perpetrators)."""
    out = {}
    for e in g.subjects(RDF.type, CKG.Attack):
        places = set()
        for p in g.objects(e, CKG.place):
            places.add(str(p))
            places.update(str(t) for t in g.objects(p, CKG.locatedIn))
        out[str(e)] = (
            str(g.value(e, CKG.startDate)),
            str(g.value(e, CKG.endDate)),
            places,
            {str(a) for a in g.objects(e, CKG.perpetrator)},
        )
    return out


@pytest.mark.parametrize("name", ["report.txt", "report.md", "report.html"])
def test_extract_finds_the_attack_stated_in_the_fixture_sentence(runner, bundled_store_dir, name):
    text = (FIXTURES / name).read_text("utf-8")
    assert "3 March 2024" in text and "Kayes" in text  # the witness sentence is in the file
    result = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "extract", str(FIXTURES / name)]
    )
    assert result.exit_code == 0, result.output
    g = _staging(bundled_store_dir, "report")
    attacks = _attacks(g)
    kayes = [v for v in attacks.values() if KAYES in v[2]]
    assert kayes == [("2024-03-03", "2024-03-03", kayes[0][2], {JNIM})]
    # Each claim's passage is an exact sentence of the file, with its paragraph.
    for passage in g.subjects(RDF.type, CKG.Passage):
        sentence = str(g.value(passage, CKG.text))
        assert sentence.replace("*", "") in text.replace("**", "").replace(
            "*", ""
        ) or name.endswith(("md", "html"))
    passages = {str(g.value(p, CKG.text)) for p in g.subjects(RDF.type, CKG.Passage)}
    assert ATTACK_SENTENCE in passages
    # The HTML page's script, navigation and footer are not main text.
    labels = " ".join(str(o) for o in g.objects(None, CKG.text))
    assert "Bamako" not in labels and "Gogui" not in labels and "Molodo" not in labels


def test_paragraph_numbers_are_lines_of_the_text_file(extracted_report):
    g = _staging(extracted_report, "report")
    lines = (FIXTURES / "report.txt").read_text("utf-8").splitlines()
    for p in g.subjects(RDF.type, CKG.Passage):
        line = lines[int(g.value(p, CKG.paragraph)) - 1]
        assert str(g.value(p, CKG.text)) in line


def test_hostages_modality_and_unresolved_place(extracted_report):
    g = _staging(extracted_report, "report")
    hostage = next(g.subjects(RDF.type, CKG.HostageTaking))
    assert int(g.value(hostage, CKG.hostageCount)) == 3  # "seizure of three hostages"
    claim = next(g.subjects(CKG.about, hostage))
    assert g.value(claim, CKG.modality) == CKG.Reported  # "Reportedly, …"
    assert g.value(claim, CKG.confidence) is not None and g.value(claim, CKG.extractionRule)
    # "JNIM claimed an attack at Zorgho-Nord": the store knows no Zorgho-Nord.
    new = [s for s, o in g.subject_objects(CKG.unresolvedName) if "Zorgho" in str(o)]
    assert len(new) == 1 and "/extract/" in str(new[0])
    attack = next(e for e in g.subjects(CKG.place, new[0]))
    claim = next(g.subjects(CKG.about, attack))
    assert g.value(claim, CKG.modality) == CKG.ClaimedByParty
    assert str(g.value(claim, CKG.claimant)) == JNIM
    # The relative "January 6-7" is read against the document's own latest date (2024).
    nioro = [v for v in _attacks(g).values() if str(ID["place/geonames/2452651"]) in v[2]]
    assert [(v[0], v[1]) for v in nioro] == [("2024-01-06", "2024-01-07")]


def test_staging_is_not_part_of_questions(extracted_report):
    s = open_store(extracted_report)
    try:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c <{CKG.candidateStatus}> ?s }}"
        assert int(s.query(q).rows[0][0]) == 0
        # Nor through GRAPH ?g, as questions that name sources ask (claims_of_source).
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?c <{CKG.candidateStatus}> ?s }} }}"
        assert int(s.query(q).rows[0][0]) == 0
        # The candidates are in the staging store beside the store, not in the store.
        assert not [i for i in s.graphs() if str(i.iri).startswith(STAGING_PREFIX)]
        assert (extracted_report / "ckg-staging").is_dir()
    finally:
        s.close()
    g = _staging(extracted_report, "report")
    assert len(list(g.subject_objects(CKG.candidateStatus))) > 0


def test_review_accepts_through_the_gate_and_refuses_with_the_reason(bundled_store_dir, runner):
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    listing = runner.invoke(cli, ["--store", store, "review", "-f", "json"])
    import json

    cands = json.loads(listing.stdout)
    kayes = next(c for c in cands if "Kayes" in c["statement"] and c["sentence"] == ATTACK_SENTENCE)
    nioro = next(c for c in cands if "Nioro" in c["statement"] and "attack" in c["statement"])
    # Before JNIM existed (2017): the gate's BeforeFounding rule must refuse this one.
    edit = runner.invoke(
        cli, ["--store", store, "review", nioro["id"], "--set", "startDate", "2010-01-06"]
    )
    assert edit.exit_code == 0, edit.output
    runner.invoke(cli, ["--store", store, "review", nioro["id"], "--set", "endDate", "2010-01-07"])
    before, staged_before = _quads(bundled_store_dir), _staged_quads(bundled_store_dir)
    refused = runner.invoke(cli, ["--store", store, "review", nioro["id"], "--accept"])
    assert refused.exit_code == 1
    assert "refused" in refused.stdout
    after = _quads(bundled_store_dir)
    doc_graph = URIRef(str(GRAPH) + "doc/report")
    assert {q for q in after if q[3] == doc_graph} == set()  # nothing written to the data
    again = json.loads(
        runner.invoke(cli, ["--store", store, "review", nioro["id"], "-f", "json"]).stdout
    )
    assert again[0]["status"] == "refused" and again[0]["note"]
    assert after == before  # the store is untouched: only the staging statuses changed
    assert _staged_quads(bundled_store_dir) != staged_before
    ok = runner.invoke(cli, ["--store", store, "review", kayes["id"], "--accept"])
    assert ok.exit_code == 0, ok.output
    s = open_store(bundled_store_dir)
    try:
        data = s.export_graph(doc_graph)
    finally:
        s.close()
    attacks = _attacks(data)
    assert [(v[0], v[3]) for v in attacks.values()] == [("2024-03-03", {JNIM})]
    assert ATTACK_SENTENCE in {str(o) for o in data.objects(None, CKG.text)}
    assert not list(data.objects(None, CKG.candidateStatus))


def test_output_trig_goes_to_ckg_add(runner, bundled_store_dir, tmp_path):
    out = tmp_path / "c.trig"
    before = _quads(bundled_store_dir)
    r = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "extract",
            str(FIXTURES / "report.txt"),
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert _quads(bundled_store_dir) == before
    assert not (bundled_store_dir / "ckg-staging").exists()  # -o stages nothing
    added = runner.invoke(cli, ["--store", str(bundled_store_dir), "add", str(out), "--dry-run"])
    assert "Zorgho" in out.read_text("utf-8")
    assert added.exit_code in (0, 1)  # the gate judged it (unresolved nodes may be refused)


def _pdf(text: str | None) -> bytes:
    """A one-page PDF with ``text`` in Helvetica (None: a page with no text layer)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_pdf_text_is_read(tmp_path, bundled_store_dir, runner):
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(_pdf(ATTACK_SENTENCE))
    doc = read_document(pdf)
    assert ATTACK_SENTENCE in doc.text
    r = runner.invoke(cli, ["--store", str(bundled_store_dir), "extract", str(pdf)])
    assert r.exit_code == 0, r.output
    assert any(v[0] == "2024-03-03" for v in _attacks(_staging(bundled_store_dir, "note")).values())


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("binary.txt", b"\x00\x01\x02ELF\x00" * 50, "binary"),
        ("empty.txt", b"   \n", "empty"),
        ("scan.pdf", None, "no text layer"),
        ("latin.txt", "On 3 March 2024, JNIM attacked Ségou.".encode("cp1252"), "--encoding"),
    ],
)
def test_bad_input_is_a_clear_error_and_the_store_is_unchanged(
    tmp_path, bundled_store_dir, runner, name, data, words
):
    path = tmp_path / name
    path.write_bytes(_pdf(None) if data is None else data)
    before, staged = _quads(bundled_store_dir), _staged_quads(bundled_store_dir)
    r = runner.invoke(
        cli, ["--store", str(bundled_store_dir), "extract", str(FIXTURES / "report.txt"), str(path)]
    )
    assert r.exit_code == 3
    assert words in r.output and name in r.output
    assert len(r.output.strip().splitlines()) == 1
    assert _quads(bundled_store_dir) == before
    assert _staged_quads(bundled_store_dir) == staged


def test_encoding_option_reads_cp1252(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("On 3 March 2024, JNIM attacked Ségou.".encode("cp1252"))
    assert "Ségou" in read_document(path, encoding="cp1252").text


def test_dates_relative_to_the_document_date():
    ref = Reference(2025, 7, 10)

    def read(text: str, r: Reference | None = ref) -> list[tuple[str, str, str]]:
        return [(str(a), str(b), m.precision) for m in find_dates(text, r) for a, b in m.spans]

    assert read("on July 1") == [("2025-07-01", "2025-07-01", "day")]
    assert read("on September 17") == [("2024-09-17", "2024-09-17", "day")]  # after the 10 July
    assert read("January 6-7") == [("2025-01-06", "2025-01-07", "day")]
    assert read("June 1 and 5") == [
        ("2025-06-01", "2025-06-01", "day"),
        ("2025-06-05", "2025-06-05", "day"),
    ]
    assert read("last year") == [("2024-01-01", "2024-12-31", "year")]
    assert read("in 2012") == [("2012-01-01", "2012-12-31", "year")]
    assert read("July 2025") == [("2025-07-01", "2025-07-31", "month")]
    assert read("2012-2013") == [("2012-01-01", "2013-12-31", "year")]
    assert read("on July 1", None) == []  # no reference, no guess
    assert document_reference("now, in 2025, … on September 17, 2024") == Reference(2025)


def test_modality_cues():
    assert modality("Reportedly, the attack involved hostages.", [])[0] == "Reported"
    assert modality("I think JNIM is strong.", [])[0] == "AuthorAssessment"
    assert modality("The attack will reinforce worries.", [])[0] == "AuthorForecast"
    assert modality("JNIM attacked Kayes.", [])[0] == "Reported"


def test_sentences_and_semicolons():
    text = "The attack at Kayes was complex; reportedly, it involved hostages. Gen. Smith left."
    assert [s.text for s in split_sentences(text)] == [
        "The attack at Kayes was complex",
        "reportedly, it involved hostages.",
        "Gen. Smith left.",
    ]


def test_batch_mode_reads_each_note(bundled_store_dir, runner):
    import csv

    rows = list(csv.DictReader((FIXTURES / "notes.csv").open(encoding="utf-8")))
    r = runner.invoke(
        cli,
        [
            "--store",
            str(bundled_store_dir),
            "extract",
            "--csv",
            str(FIXTURES / "notes.csv"),
            "--text-column",
            "notes",
            "--id-column",
            "event_id_cnty",
            "--date-column",
            "year",
            "--country",
            "Mali",
        ],
    )
    assert r.exit_code == 0, r.output
    g = _staging(bundled_store_dir, "notes")
    starts = sorted(str(o) for o in g.objects(None, CKG.startDate))
    # Row T1 states "1 August 2020"; row T2 "March 4" in its year column's year (2019).
    assert starts == sorted(["2020-08-01", f"{rows[1]['year']}-03-04"])
    assert len(list(g.subjects(RDF.type, CKG.Document))) == len(rows)


def test_help_ends_with_an_example(runner):
    for cmd in ("extract", "review"):
        out = runner.invoke(cli, [cmd, "--help"]).output
        assert "Example:" in out
        import inspect

        last_block = inspect.cleandoc(cli.commands[cmd].help).split("\n\n")[-1]
        assert last_block.startswith("\b\nExample:") and f"ckg {cmd}" in last_block


def test_note_kinds_follow_acled_definitions():
    from kg.extract.notekinds import classify

    assert classify("On 3 May, an IED struck a military vehicle near Djibo.")[0] == "RemoteViolence"
    assert classify("On 3 May, JNIM militants clashed with soldiers near Djibo.")[0] == "Battle"
    assert (
        classify("On 3 May, gunmen killed four civilians in Djibo.")[0]
        == "ViolenceAgainstCivilians"
    )
    assert classify("On 3 May, students protested peacefully in Ouagadougou.")[0] == "Protest"
    assert classify("On 3 May, rioters burned tyres and erected barricades in Kaya.")[0] == "Riot"
    assert (
        classify("On 3 May, gendarmes arrested three suspects in Kaya.")[0]
        == "StrategicDevelopment"
    )


def test_group_relations_and_fatalities(tmp_path, bundled_store_dir, runner):
    text = (
        "Group notes\n\n"
        "JNIM was formed in March 2017 from the merger of Ansar Dine, al-Mourabitoun and "
        "Katiba Macina in Mali.\n\n"
        "Ansar Dine, a predecessor of JNIM, was led by Iyad ag Ghali.\n\n"
        "What Iyad ag Ghali, JNIM's top leader, wants may differ from what unit commanders want "
        "in Burkina Faso or in Benin.\n\n"
        "On 4 May 2024, JNIM attacked the Malian army post at Kayes, killing 12 soldiers.\n"
    )
    path = tmp_path / "groups.txt"
    path.write_text(text, encoding="utf-8")
    r = runner.invoke(cli, ["--store", str(bundled_store_dir), "extract", str(path)])
    assert r.exit_code == 0, r.output
    g = _staging(bundled_store_dir, "groups")
    group = lambda name: ID["group/" + name]
    merger = next(g.subjects(RDF.type, CKG.Merger))
    assert set(g.objects(merger, CKG.changeInput)) == {
        group("ansar-dine"),
        group("al-mourabitoun"),
        group("katiba-macina"),
    }
    assert g.value(merger, CKG.changeOutput) == group("jnim")
    assert str(g.value(merger, CKG.startDate)) == "2017-03-01"  # "March 2017", month precision
    assert g.value(merger, CKG.datePrecision) == CKG.MonthPrecision
    assert (group("ansar-dine"), CKG.predecessorOf, group("jnim")) in g
    leader = next(g.subjects(CKG.role, CKG.Leader))
    assert g.value(leader, CKG.member) == ID["person/iyad-ag-ghali"]
    areas = {g.value(u, CKG.areaOfOperation) for u in g.subjects(RDF.type, CKG.UnitCommand)}
    assert areas == {ID["place/geonames/2361809"], ID["place/geonames/2395170"]}  # Burkina, Benin
    attack = next(
        e
        for e in g.subjects(RDF.type, CKG.Attack)
        if str(g.value(e, CKG.startDate)) == "2024-05-04"
    )
    assert int(g.value(attack, CKG.fatalities)) == 12  # "killing 12 soldiers"
    assert g.value(attack, CKG.targetActor) == group("fama")  # "the Malian army post"


def test_extracting_again_keeps_a_review_unless_replace(bundled_store_dir, runner):
    store = str(bundled_store_dir)
    report = str(FIXTURES / "report.txt")
    runner.invoke(cli, ["--store", store, "extract", report])
    assert runner.invoke(cli, ["--store", store, "extract", report]).exit_code == 0  # all pending
    runner.invoke(cli, ["--store", store, "review", "1", "--reject"])
    before = _staged_quads(bundled_store_dir)
    again = runner.invoke(cli, ["--store", store, "extract", report])
    assert again.exit_code == 2 and "--replace" in again.output
    assert _staged_quads(bundled_store_dir) == before
    assert runner.invoke(cli, ["--store", store, "extract", report, "--replace"]).exit_code == 0


def test_whole_store_validation_leaves_staging_out(bundled_store_dir, runner):
    """A candidate that breaks a shape is judged when accepted, not by `ckg validate`."""
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    import json

    cands = json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    nioro = next(c for c in cands if "Nioro" in c["statement"] and "attack" in c["statement"])
    runner.invoke(
        cli, ["--store", store, "review", nioro["id"], "--set", "startDate", "2010-01-06"]
    )
    runner.invoke(cli, ["--store", store, "review", nioro["id"], "--set", "endDate", "2010-01-07"])
    for engine in ("sparql", "pyshacl"):
        result = runner.invoke(cli, ["--store", store, "validate", "--engine", engine])
        assert result.exit_code == 0, (engine, result.output)
    refused = runner.invoke(cli, ["--store", store, "review", nioro["id"], "--accept"])
    assert refused.exit_code == 1


def test_staging_feeds_neither_derived_nor_inferred_facts(bundled_store_dir, runner):
    """Unreviewed candidates must not reach answers through the derived or inferred graph."""
    store = str(bundled_store_dir)
    runner.invoke(cli, ["--store", store, "extract", str(FIXTURES / "report.txt")])
    assert runner.invoke(cli, ["--store", store, "reason"]).exit_code == 0

    def extracted_subjects(graph: str) -> set[str]:
        s = open_store(bundled_store_dir)
        try:
            s.query("ASK { ?s ?p ?o }")  # brings the derived graph up to date
            return {
                str(q[0]) for q in s.quads(URIRef(str(GRAPH) + graph)) if "/extract/" in str(q[0])
            }
        finally:
            s.close()

    assert extracted_subjects("inferred") == set()
    assert extracted_subjects("derived") == set()
    import json

    cands = json.loads(runner.invoke(cli, ["--store", store, "review", "-f", "json"]).stdout)
    kayes = next(c for c in cands if c["sentence"] == ATTACK_SENTENCE)
    assert runner.invoke(cli, ["--store", store, "review", kayes["id"], "--accept"]).exit_code == 0
    # Once accepted, the attack is data: the derived graph speaks of it.
    assert any("2024-03-03-attack-kayes" in s for s in extracted_subjects("derived"))
