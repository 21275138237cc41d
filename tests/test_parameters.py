"""IRI parameters that name no node are an error with suggestions (issue 16, point 4).

Before: ``-p perpetrator group/jnm``, ``-p perpetrator JNIM`` and an unknown region id
all answered 0 rows with exit 0. Now a typo is exit 2 with the closest ids and labels, and
a name is looked up (exact, else prefix; case and accents aside).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kg.cli.main import cli

from kg.parameters import looks_like_name, lookup
from kg.terms import ID


def _run(runner, store: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(cli, ["--store", str(store), "query", "run", *args])


def _timeline(runner, store: Path, actor: str):  # type: ignore[no-untyped-def]
    return _run(runner, store, "events_timeline", "-p", "actor", actor, "-f", "csv")


def test_a_typo_in_an_id_is_a_usage_error_that_suggests_the_group(runner, bundled_store_dir):
    result = _run(runner, bundled_store_dir, "events_timeline", "-p", "actor", "group/jnm")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "parameter actor: 'group/jnm' names no node" in message
    assert "did you mean group/jnim — JNIM" in message


def test_an_unknown_region_id_is_refused(runner, bundled_store_dir):
    result = _run(
        runner, bundled_store_dir, "events_in_region", "-p", "region", "place/geonames/245351"
    )
    assert result.exit_code == 2
    assert "names no node" in result.stderr


def test_a_known_id_still_answers(runner, bundled_store_dir):
    result = _timeline(runner, bundled_store_dir, "group/jnim")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) > 5


def test_a_name_is_looked_up_and_gives_the_same_answer_as_the_id(runner, bundled_store_dir):
    by_id = _timeline(runner, bundled_store_dir, "group/jnim")
    by_name = _run(runner, bundled_store_dir, "events_timeline", "-p", "actor", "jnim", "-f", "csv")
    assert by_name.exit_code == 0, by_name.output
    assert by_name.stdout == by_id.stdout
    assert "actor: 'jnim' is group/jnim (JNIM)" in by_name.stderr


def test_names_match_without_accents_and_by_prefix(bundled_store):
    # The bundled gazetteer spells the town Sandaré; an analyst types SANDARE or "sand".
    assert [str(r) for r, _ in lookup(bundled_store, "SANDARE")] == [
        str(ID["place/geonames/2451711"])
    ]
    found = {str(r) for r, _ in lookup(bundled_store, "sandar")}
    assert str(ID["place/geonames/2451711"]) in found
    # Exact beats prefix: "JNIM" is the group, not its leadership or unit commands.
    assert [str(r) for r, _ in lookup(bundled_store, "JNIM")] == [str(ID["group/jnim"])]


def test_an_ambiguous_name_lists_the_nodes_it_matches(runner, bundled_store_dir):
    result = _run(runner, bundled_store_dir, "events_timeline", "-p", "actor", "Malian")
    assert result.exit_code == 2
    assert "matches" in result.stderr
    assert "group/fama — Malian Armed Forces" in result.stderr


def test_an_unknown_name_suggests_close_labels(runner, bundled_store_dir):
    result = _run(runner, bundled_store_dir, "events_in_region", "-p", "region", "Kayse")
    assert result.exit_code == 2
    assert "no node is called 'Kayse'" in result.stderr
    assert "Kayes" in result.stderr


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("JNIM", True),
        ("Nioro du Sahel", True),
        ("group/jnim", False),
        ("ckgid:group/jnim", False),
        ("https://w3id.org/conflict-kg/id/group/jnim", False),
        ("<urn:x>", False),
    ],
)
def test_what_counts_as_a_name(value: str, name: bool) -> None:
    assert looks_like_name(value) is name


def test_a_value_that_would_break_out_of_the_query_is_refused(runner, bundled_store_dir):
    evil = "group/x> } } ; DROP ALL ; #"
    result = _run(runner, bundled_store_dir, "events_timeline", "-p", "actor", evil)
    assert result.exit_code == 2
    again = _timeline(runner, bundled_store_dir, "group/jnim")
    assert again.exit_code == 0 and len(again.stdout.splitlines()) > 5
