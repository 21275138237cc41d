"""Every console session in docs/questions.md is the tool's real output (issue 16).

Each ``$ ckg …`` line of a ```console block is run in-process on a fresh copy of the
bundled store (as ``.ckg`` in the working folder, like the page says), with the ``| cut``
and ``| head`` the page shows applied here; the block must hold exactly the command's
stdout and, in any order around it, its stderr lines. Timings (``in 0.324 s``) are not
compared.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from kg.cli.main import cli

DOC = Path(__file__).parent.parent / "docs" / "questions.md"
_TIMING = re.compile(r"in \d+\.\d+ s")


def sessions() -> list[tuple[str, list[str]]]:
    """(command, expected lines) for each ``$`` line of the page's console blocks."""
    out: list[tuple[str, list[str]]] = []
    inside = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```console"):
            inside = True
        elif line.startswith("```"):
            inside = False
        elif inside and line.startswith("$ "):
            out.append((line[2:], []))
        elif inside and out:
            out[-1][1].append(line)
    return out


def _cut(lines: list[str], spec: list[str]) -> list[str]:
    if spec[0].startswith("-c"):
        # GNU cut -c counts bytes: "—" takes three.
        first, last = spec[0][2:].split("-")
        return [
            line.encode("utf-8")[int(first) - 1 : int(last)].decode("utf-8", errors="ignore")
            for line in lines
        ]
    if spec[0].startswith("-d"):
        sep = spec[0][2:]
        fields = [int(f) - 1 for f in spec[1][2:].split(",")]
        return [sep.join(line.split(sep)[i] for i in fields) for line in lines]
    raise AssertionError(f"cut {spec} is not handled here")


def _norm(line: str) -> str:
    return _TIMING.sub("in N s", line.rstrip())


@pytest.mark.parametrize(("command", "expected"), sessions(), ids=lambda v: str(v)[:60])
def test_session_is_what_the_tool_prints(
    command: str,
    expected: list[str],
    runner,
    bundled_store_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shutil.copytree(bundled_store_dir, tmp_path / ".ckg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CKG_STORE", ".ckg")
    stages = [shlex.split(part) for part in command.split("|")]
    assert stages[0][0] == "ckg"
    result = runner.invoke(cli, stages[0][1:])
    stdout = result.stdout.splitlines()
    for stage in stages[1:]:
        if stage[0] == "cut":
            stdout = _cut(stdout, stage[1:])
        elif stage[0] == "head":
            stdout = stdout[: int(stage[1].lstrip("-n"))]
        else:
            raise AssertionError(f"{stage[0]} is not handled here")
    errors = {_norm(line) for line in result.stderr.splitlines()}
    want = [_norm(line) for line in expected]
    while want and want[-1] == "":
        want.pop()
    shown_errors = [line for line in want if line in errors]
    assert sorted(shown_errors) == sorted(errors), "stderr lines missing from the page"
    assert [line for line in want if line not in errors] == [_norm(s) for s in stdout]
