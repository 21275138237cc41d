"""The console sessions of docs/extract.md are the tool's real output: each is run here.

Every ``$ ckg …`` line of the page's ``console`` blocks runs in-process (CliRunner) in a
fresh folder holding the fixture files under the names the page uses; its output must be
the page's, except for timings ("in 1.00 s") and a line the page cuts with " …" (the gate's
wording belongs to the shapes). ``$ echo $?`` checks the previous exit code.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from kg.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "extract.md"
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
_TIMING = re.compile(r"\d+(?:\.\d+)? s\b")


def sessions() -> list[list[tuple[str, list[str]]]]:
    """Each console block as (command, expected output lines) pairs."""
    blocks = re.findall(r"```console\n(.*?)```", PAGE.read_text("utf-8"), re.DOTALL)
    found = []
    for block in blocks:
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        found.append(steps)
    return found


def _normal(lines: list[str]) -> list[str]:
    return [_TIMING.sub("N s", line.rstrip()) for line in lines if line.strip()]


def _same(got: list[str], want: list[str]) -> bool:
    """Equal line by line; a page line ending in " …" matches any line it starts."""
    if len(got) != len(want):
        return False
    return all(g == w or (w.endswith(" …") and g.startswith(w[:-2])) for g, w in zip(got, want))


def test_the_page_has_sessions():
    assert len(sessions()) >= 2


@pytest.mark.parametrize("number", range(len(sessions())))
def test_console_session_is_real_output(number, runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kayes-report.txt").write_bytes((FIXTURES / "report.txt").read_bytes())
    (tmp_path / "notes.csv").write_bytes((FIXTURES / "notes.csv").read_bytes())
    (tmp_path / "scan.txt").write_bytes(b"\x00\x01binary\x00")
    if number > 0:
        # Later sessions continue the first one's store.
        for command, _ in sessions()[0]:
            runner.invoke(cli, shlex.split(command)[1:])
    last_code = 0
    for command, expected in sessions()[number]:
        if command == "echo $?":
            assert [str(last_code)] == _normal(expected), "exit code of the previous command"
            continue
        args = shlex.split(command)
        assert args[0] == "ckg", command
        result = runner.invoke(cli, args[1:])
        last_code = result.exit_code
        got, want = _normal(result.output.splitlines()), _normal(expected)
        assert _same(got, want), (
            f"{command}\n--- page\n" + "\n".join(want) + "\n--- real\n" + "\n".join(got)
        )
