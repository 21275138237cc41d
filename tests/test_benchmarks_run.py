"""The import benchmark still runs, on a size small enough for the test suite.

A benchmark is not a test of speed (no time is asserted here); but a benchmark that no
longer runs cannot measure anything, and one did break silently when the code it called
was removed (bench_import.py, whose figures issue 14 quotes). It is run as a user runs it,
on a small size, and must exit 0 with its SPARQL answers equal to its pandas computation.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(script: str, *args: str, tmp_path: Path) -> str:
    done = subprocess.run(  # noqa: PLW1510 - the return code is asserted below
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


# A child process runs a whole benchmark (~4 CPU s): in `make test`, not while editing.
@pytest.mark.slow
def test_bench_import_runs_and_its_answers_equal_pandas(tmp_path):
    out = _run(
        "bench_import.py",
        "--rows",
        "1500",
        "--skip-real",
        "--repeat",
        "1",
        "--no-ceiling",
        "--workdir",
        str(tmp_path),
        tmp_path=tmp_path,
    )
    # One line per perpetrator case (JNIM, any), each comparing with pandas.
    lines = [line for line in out.splitlines() if "towns_attacked_twice" in line]
    assert len(lines) == 2, out
    assert all("answers EQUAL" in line for line in lines), out
    # Then whole processes in turn: ckg query run against a pandas script, with their ratio.
    assert re.search(r"cold processes, .*`ckg query run` [\d.]+ s, .* ratio [\d.]+x", out), out
