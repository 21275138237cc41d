"""The example files the manual shows are real: each loads (or fails) as the page says.

Issue 16 point 6: an example file a user copies from the docs must pass the gate that
`ckg load` now applies. The files are read out of the page itself, so the test and the
page cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from kg.cli.main import cli

DOCS = Path(__file__).resolve().parents[1] / "docs"


def shown_file(page: str, name: str) -> str:
    """The text a page shows after ``$ cat NAME``, up to the next prompt."""
    text = (DOCS / page).read_text(encoding="utf-8")
    start = text.index(f"$ cat {name}\n") + len(f"$ cat {name}\n")
    return text[start : text.index("\n$ ", start) + 1]


def test_the_store_pages_example_report_loads_through_the_gate(runner, bundled_store_dir, tmp_path):
    path = tmp_path / "my-report.ttl"
    path.write_text(shown_file("store.md", "my-report.ttl"), encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "load", str(path)])
    assert result.exit_code == 0, result.output
    assert "-> https://w3id.org/conflict-kg/graph/file/my-report (7 triples)" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [("typo.ttl", "typo.ttl:3: syntax error (column 20): Unexpected end of file")],
)
def test_the_store_pages_bad_example_fails_as_shown(
    runner, bundled_store_dir, tmp_path, name, message
):
    path = tmp_path / name
    path.write_text(shown_file("store.md", name), encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(bundled_store_dir), "load", str(path)])
    assert result.exit_code == 3
    assert message in result.stderr
    assert message in (DOCS / "store.md").read_text(encoding="utf-8")
