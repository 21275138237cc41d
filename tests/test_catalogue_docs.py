"""The console examples of docs/safety.md's "Import files" section, run as written.

The files the examples read are made the way the page describes them (an export re-saved
as Windows-1252, a quote left open on line 3, an empty ``time_precision`` on line 3, the
GeoNames sample and an empty file); each ``$ ckg …`` line runs in-process on a copy of
the bundled store, and every line of output the page shows (``…`` stands for lines left
out) must be in what the command printed, with the exit code an ``echo $?`` shows.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner
from kg.cli.main import cli
from test_catalogue_cases import acled, unclosed_quote

PAGE = Path(__file__).parent.parent / "docs" / "safety.md"


def examples(section: str) -> list[tuple[str, list[str], int | None]]:
    """(command, lines shown, exit code shown or None) for each ``$ ckg`` of a section."""
    text = PAGE.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    found: list[tuple[str, list[str], int | None]] = []
    in_block = False
    expect_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        if line.startswith("$ echo $?"):
            expect_code = True
        elif expect_code:
            command, shown, _ = found[-1]
            found[-1] = (command, shown, int(line))
            expect_code = False
        elif line.startswith("$ ckg "):
            found.append((line[2:].split("  #")[0].strip(), [], None))
        elif found and line.strip() != "…":
            found[-1][1].append(line)
    return found


def test_the_import_examples_print_what_the_page_shows(
    runner: CliRunner, bundled_store_dir: Path, tmp_path: Path, fixtures_dir: Path, monkeypatch
) -> None:
    (tmp_path / "resaved.csv").write_bytes(
        acled((1, "notes", "JNIM\u2019s attack at Kay\u00e8s")).encode("cp1252")
    )
    (tmp_path / "quote.csv").write_text(unclosed_quote(), encoding="utf-8")
    (tmp_path / "noprec.csv").write_text(acled((1, "time_precision", "")), encoding="utf-8")
    shutil.copy(fixtures_dir / "import" / "geonames-sample.txt", tmp_path / "ML.txt")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shown = examples("Import files")
    assert len(shown) == 5
    for command, lines, code in shown:
        args = shlex.split(command)[1:]
        result = runner.invoke(cli, ["--store", str(bundled_store_dir), *args])
        printed = result.output.splitlines()
        for line in lines:
            assert line in printed, (command, line, result.output)
        if code is not None:
            assert result.exit_code == code, (command, result.output)
        else:
            assert result.exit_code in (0, 1, 3), (command, result.output)
