"""Every marked console example in the manual is run, and its output compared (issue 20.1).

The convention, for a page's author: put ``<!-- console: bundled -->`` (a fresh folder
whose store ``./.ckg`` holds the bundled seed, already loaded), ``<!-- console: empty -->``
(a fresh folder, no store yet) or ``<!-- console: continues -->`` (the folder and store the
page's previous block left) on the line before a ```` ```console ```` block. Each ``$ ``
line is then run, and the lines up to the next ``$ `` must be what it printed, stdout and
stderr as a terminal shows them. A block that cannot run here (it
needs Java, minutes) says why instead: ``<!-- console: not run: REASON -->``. A block marked
``<!-- console: virtuoso -->`` starts like ``empty`` beside a throwaway Virtuoso on 127.0.0.1
that the test starts and stops (``tests/virtuoso_server.py``; the page is skipped, saying
why, where ``virtuoso-t`` is missing): the page writes its HTTP port as 37669 and an
unused port as 8899, and what the reader types at ``read -rs CKG_PASSWORD`` is the
server's ``dba`` password.
On a page listed in :data:`CONVERTED`, every console block carries one of these markers.

What may differ from run to run is normalised on both sides before comparing: durations
(``in 0.36 s`` -> ``in N s``, ``"seconds": 0.54``), rates (``811 triples/s``), timestamps,
the day a graph was loaded (``(164 triples, 2026-12-05)``), and the folders of absolute
paths (only the file name is kept). A line holding only ``…`` stands for any
number of lines.

Commands are ``ckg …`` (run in-process through click's runner), with ``2>&1``, a pipe into
``head -N``, ``tail -N``, ``cut -cA-B`` (bytes, as GNU cut counts), ``cut [-dX] -fA,B``, or
``grep [-A N] REGEX``, ``> FILE``, and a trailing ``; echo "exit=$?"``, after ``NAME=VALUE``
or ``env -u NAME`` for that command only; besides them ``export NAME[=VALUE]``,
``read -rs NAME``,
``grep REGEX FILE``, ``echo $?``, ``mkdir``, ``touch``, ``: > FILE`` (empties it) and
``cat FILE`` (a file the folder does not have yet is written from the lines shown, as a
reader copying the page would). A trailing `` # comment`` is left out, as a shell does.
``tests/`` is reachable from the folder, so a page may load ``tests/fixtures/…``; the files
of ``tests/fixtures/docs/PAGE/`` (PAGE without ``.md``) are in every fresh folder, for
examples whose input the page describes rather than shows (a Windows-1252 export, a
billion-laughs file). Anything else is refused by name, so a page cannot silently skip a
line.

``python tests/test_docs_console.py docs/PAGE.md`` rewrites the page's shown output with
what the commands print today (read the diff before committing it).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: Pages whose console blocks are all marked: run, or not run with a reason.
CONVERTED = (
    "saved-questions.md",
    "store.md",
    "reasoning.md",
    "questions.md",
    "gate.md",
    "maps.md",
    "derived.md",
    "safety.md",
    "validation.md",
    "servers.md",
    "importing.md",
)

#: Pages whose console blocks another test runs, all of them: page -> that test's module,
#: whose ``sessions()`` are the blocks it runs.
OWN_RUNNERS = {"extract.md": "test_extract_docs"}

MARKER = re.compile(
    r"^<!-- console: (bundled|empty|continues|virtuoso|not run: [^>]+) -->\n```console\n",
    re.MULTILINE,
)
#: The ports a page's Virtuoso blocks write: the server's HTTP port, and one nothing uses.
PAGE_PORT, UNUSED_PORT = "37669", "8899"
ANY_BLOCK = re.compile(r"^```console\n", re.MULTILINE)


@dataclass
class Step:
    """One ``$`` line and the output the page shows under it."""

    command: str
    expected: list[str]
    line: int


@dataclass
class Block:
    """A marked console block of a page."""

    page: str
    line: int
    store: str
    steps: list[Step] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    """The console blocks of a page that are marked to run, with their steps."""
    text = (DOCS / page).read_text(encoding="utf-8")
    found = []
    for match in MARKER.finditer(text):
        if match.group(1).startswith("not run"):
            continue
        start = match.end()
        body = text[start : text.index("\n```", start - 1) + 1]
        first_line = text.count("\n", 0, start) + 1
        block = Block(page, first_line, match.group(1))
        for offset, line in enumerate(body.splitlines()):
            if line.startswith("$ "):
                block.steps.append(Step(line[2:], [], first_line + offset))
            elif block.steps:
                block.steps[-1].expected.append(line)
            else:
                raise AssertionError(f"{page}:{first_line + offset}: output before any '$ ' line")
        found.append(block)
    return found


# ---------------------------------------------------------------- the small shell

_DURATION = re.compile(r"\b\d+(?:\.\d+)? ?(s|ms)\b")
_JSON_SECONDS = re.compile(r'("seconds": )\d+(?:\.\d+)?')
_RATE = re.compile(r"\b\d[\d,]*(?:\.\d+)? (triples|rows)/s\b")
_LOAD_DAY = re.compile(r"(\d triples, )\d{4}-\d\d-\d\d\)")
_STAMP = re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z\b|[+-]\d\d:\d\d)")
_FOLDERS = re.compile(r"(?<![\w:/.~-])/(?:[\w.+~-]+/)+")


def normalise(lines: list[str]) -> list[str]:
    """What may change between runs, made equal on both sides."""
    out = []
    for line in lines:
        line = _DURATION.sub(r"N \1", line)
        line = _JSON_SECONDS.sub(r"\1N", line)
        line = _RATE.sub(r"N \1/s", line)
        line = _LOAD_DAY.sub(r"\1YYYY-MM-DD)", line)
        line = _STAMP.sub("YYYY-MM-DDTHH:MM:SSZ", line)
        line = _FOLDERS.sub("…/", line)
        out.append(line.rstrip())
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected``, a line ``…`` standing for any lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == "…" else re.escape(line) + r"\n" for line in expected
    )
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


_COMMENT = re.compile(r"\s+#\s.*$")


def _uncomment(command: str) -> str:
    """The command without a trailing `` # comment`` (a ``#`` inside a word stays)."""
    return _COMMENT.sub("", command)


class Shell:
    """Runs a page's commands in one folder, the way the page says a reader runs them."""

    def __init__(self, folder: Path):
        from kg.cli.main import cli

        self.cli = cli
        self.folder = folder
        self.runner = CliRunner()
        self.status = 0
        #: Exported variables (None: unset), as ``CliRunner.invoke`` takes them.
        self.env: dict[str, str | None] = {}
        #: Shell variables, exported or not.
        self.variables: dict[str, str] = {}
        #: What the reader types at ``read -rs NAME``.
        self.typed: dict[str, str] = {}
        #: Text of the page -> text of this run (ports), undone on the output.
        self.aliases: dict[str, str] = {}

    def run(self, command: str) -> list[str]:
        command = _uncomment(command)
        echo_status = False
        suffix = '; echo "exit=$?"'
        if command.endswith(suffix):
            command, echo_status = command[: -len(suffix)], True
        for page_text, real in self.aliases.items():
            command = command.replace(page_text, real)
        out: list[str] = []
        for sequence in command.split("; "):
            for part in sequence.split(" && "):
                out += self._one(part.strip())
                if self.status != 0:
                    break
        if echo_status:
            out.append(f"exit={self.status}")
        for page_text, real in self.aliases.items():
            out = [line.replace(real, page_text) for line in out]
        return out

    def _environment(self, first: list[str]) -> tuple[list[str], dict[str, str | None]]:
        """The command without its ``NAME=VALUE`` or ``env -u NAME`` prefix, and its env."""
        env = dict(self.env)
        if first[0] == "env":
            first = first[1:]
            while first[0] == "-u":
                env[first[1]] = None
                first = first[2:]
        while "=" in first[0] and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", first[0]):
            name, value = first[0].split("=", 1)
            env[name] = value
            first = first[1:]
        return first, env

    def _one(self, command: str) -> list[str]:
        stages = [shlex.split(stage) for stage in _uncomment(command).split(" | ")]
        first, filters = stages[0], stages[1:]
        if first == ["echo", "$?"]:
            return [str(self.status)]
        if first[0] == "export":
            for item in first[1:]:
                name, given, value = item.partition("=")
                if given:
                    self.variables[name] = value
                self.env[name] = self.variables.get(name)
            self.status = 0
            return []
        if first[:2] == ["read", "-rs"] and len(first) == 3:
            # Typed without echo: nothing shown, and a shell variable until exported.
            self.variables[first[2]] = self.typed[first[2]]
            self.status = 0
            return []
        first, env = self._environment(first)
        if first[0] == "grep" and len(first) == 3:
            path = self.folder / first[2]
            self.status = 0
            return self._filter(path.read_text(encoding="utf-8").splitlines(), [first[:2]])
        if first[:2] == [":", ">"] and len(first) == 3:
            (self.folder / first[2]).write_bytes(b"")
            self.status = 0
            return []
        if first[0] in ("mkdir", "touch"):
            for name in first[1:]:
                path = self.folder / name
                path.mkdir() if first[0] == "mkdir" else path.touch()
            self.status = 0
            return []
        if first[0] != "ckg":
            raise AssertionError(f"the docs' console runner does not run {first[0]!r}: {command}")
        merged = "2>&1" in first
        args = [a for a in first[1:] if a != "2>&1"]
        into = None
        if ">" in args:
            at = args.index(">")
            args, into = args[:at], args[at + 1]
        result = self.runner.invoke(self.cli, args, prog_name="ckg", env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        self.status = result.exit_code
        if into is not None:
            (self.folder / into).write_text(result.stdout, encoding="utf-8")
            return result.stderr.splitlines()
        if not filters:
            return result.output.splitlines()
        if merged:
            return self._filter(result.output.splitlines(), filters)
        # A pipe takes stdout only; stderr reaches the terminal at once, before it.
        return result.stderr.splitlines() + self._filter(result.stdout.splitlines(), filters)

    @staticmethod
    def _filter(lines: list[str], filters: list[list[str]]) -> list[str]:
        for argv in filters:
            name, args = argv[0], argv[1:]
            if name == "head":
                lines = lines[: int(args[0].lstrip("-n"))]
            elif name == "tail":
                lines = lines[-int(args[0].lstrip("-n")) :]
            elif name == "cut" and args[0].startswith("-c"):
                low, high = args[0][2:].split("-")
                # GNU cut counts bytes, not characters ("—" is three).
                lines = [
                    line.encode()[int(low) - 1 : int(high)].decode(errors="ignore")
                    for line in lines
                ]
            elif name == "cut":
                delimiter = "\t"
                if args[0].startswith("-d"):
                    delimiter = args[0][2:] or args[1]
                    args = args[1:] if args[0][2:] else args[2:]
                keep = [int(n) - 1 for n in args[0][2:].split(",")]
                lines = [
                    delimiter.join(
                        line.split(delimiter)[k] for k in keep if k < len(line.split(delimiter))
                    )
                    for line in lines
                ]
            elif name == "grep":
                after = 0
                if args[0] == "-A":
                    after, args = int(args[1]), args[2:]
                elif args[0].startswith("-A"):
                    after, args = int(args[0][2:]), args[1:]
                regex = re.compile(args[-1])
                kept: list[str] = []
                left = 0
                for line in lines:
                    if regex.search(line):
                        kept.append(line)
                        left = after
                    elif left:
                        kept.append(line)
                        left -= 1
                lines = kept
            else:
                raise AssertionError(f"the docs' console runner has no filter {name!r}")
        return lines

    def cat(self, name: str, shown: list[str]) -> list[str]:
        """A file the reader has (its lines), or, when the page introduces it, written now."""
        path = self.folder / name
        if not path.exists():
            path.write_text("\n".join(shown) + "\n", encoding="utf-8")
        return path.read_text(encoding="utf-8").splitlines()


def prepare(folder: Path, kind: str, bundled_template: Path, page: str = "") -> Shell:
    """A folder as the page's reader has it: ``./.ckg`` fresh or bundled, ``tests/`` beside."""
    fixtures = ROOT / "tests" / "fixtures" / "docs" / Path(page).stem
    if page and fixtures.is_dir():
        shutil.copytree(fixtures, folder, dirs_exist_ok=True)
    if kind == "bundled":
        shutil.copytree(bundled_template, folder / ".ckg")
        (folder / ".ckg" / "LOCK").unlink(missing_ok=True)
    (folder / "tests").symlink_to(ROOT / "tests")
    return Shell(folder)


def run_block(block: Block, shell: Shell) -> list[tuple[Step, list[str]]]:
    """Each step with the output it printed (raw)."""
    done = []
    for step in block.steps:
        argv = shlex.split(_uncomment(step.command))
        if argv[0] == "cat" and len(argv) == 2:
            done.append((step, shell.cat(argv[1], step.expected)))
        else:
            done.append((step, shell.run(step.command)))
    return done


# ---------------------------------------------------------------- the tests


def needs_virtuoso(page: str) -> bool:
    """Whether a block of the page runs beside a Virtuoso server."""
    return any(block.store == "virtuoso" for block in blocks(page))


def beside_virtuoso(shell: Shell, folder: Path, servers: ExitStack) -> None:
    """Start a throwaway Virtuoso (stopped when ``servers`` closes) for ``shell``'s commands."""
    from virtuoso_server import free_port, start_virtuoso

    server = start_virtuoso(folder)
    servers.callback(server.stop)
    shell.typed["CKG_PASSWORD"] = server.password
    shell.aliases = {f":{PAGE_PORT}": f":{server.http_port}", f":{UNUSED_PORT}": f":{free_port()}"}


def run_page(
    page: str, root: Path, bundled_template: Path, servers: ExitStack
) -> Iterator[tuple[Step, list[str]]]:
    """Each run step of a page with what it printed, blocks in order, in folders under root."""
    shell: Shell | None = None
    for number, block in enumerate(blocks(page)):
        if block.store != "continues" or shell is None:
            folder = root / f"block-{number}"
            folder.mkdir()
            os.chdir(folder)
            shell = prepare(folder, block.store, bundled_template, page)
            if block.store == "virtuoso":
                beside_virtuoso(shell, root / f"virtuoso-{number}", servers)
        yield from run_block(block, shell)


def _with_marks(page: str) -> Any:
    return pytest.param(page, marks=pytest.mark.virtuoso) if needs_virtuoso(page) else page


@pytest.mark.parametrize("page", [_with_marks(page) for page in CONVERTED])
def test_console_examples_print_what_the_page_shows(page, _bundled_template, tmp_path, monkeypatch):
    for name in ("STORE", "ENDPOINT", "UPDATE_ENDPOINT", "GRAPH_STORE", "USER", "PASSWORD"):
        monkeypatch.delenv(f"CKG_{name}", raising=False)
    monkeypatch.chdir(tmp_path)
    assert blocks(page), f"docs/{page} has no console block marked to run"
    if needs_virtuoso(page):
        from virtuoso_server import unavailable_reason

        if (reason := unavailable_reason()) is not None:
            pytest.skip(f"docs/{page} runs beside a Virtuoso server: {reason}")
    drifted = []
    with ExitStack() as servers:
        printed_steps = list(run_page(page, tmp_path, _bundled_template, servers))
    for step, printed in printed_steps:
        if not matches(normalise(step.expected), normalise(printed)):
            drifted.append(
                f"docs/{page}:{step.line}: `$ {step.command}` printed\n"
                + "\n".join(printed)
                + "\n--- but the page shows ---\n"
                + "\n".join(step.expected)
            )
    assert not drifted, "\n\n".join(drifted)


@pytest.mark.parametrize("page", CONVERTED)
def test_every_console_block_of_a_converted_page_is_run_or_says_why_not(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    marked = {m.end() for m in MARKER.finditer(text)}
    for block in ANY_BLOCK.finditer(text):
        line = text.count("\n", 0, block.start()) + 1
        assert block.end() in marked, (
            f"docs/{page}:{line}: a console block with no '<!-- console: … -->' marker"
        )


def test_every_console_block_in_docs_is_run_by_a_test():
    pages = sorted(
        path.relative_to(DOCS).as_posix()
        for path in DOCS.rglob("*.md")
        if ANY_BLOCK.search(path.read_text(encoding="utf-8"))
    )
    unrun = [page for page in pages if page not in CONVERTED and page not in OWN_RUNNERS]
    assert not unrun, (
        f"docs/{', docs/'.join(unrun)}: console blocks no test runs; mark them and add the "
        "page to CONVERTED in tests/test_docs_console.py (or to OWN_RUNNERS, with its test)"
    )
    assert not set(CONVERTED) & set(OWN_RUNNERS), "a page has one runner, not two"


@pytest.mark.parametrize("page", sorted(OWN_RUNNERS))
def test_a_page_with_a_runner_of_its_own_has_every_block_run_there(page):
    import importlib

    runner = importlib.import_module(OWN_RUNNERS[page])
    assert runner.PAGE == DOCS / page
    shown = len(ANY_BLOCK.findall((DOCS / page).read_text(encoding="utf-8")))
    assert len(runner.sessions()) == shown, (
        f"{OWN_RUNNERS[page]} runs {len(runner.sessions())} of docs/{page}'s {shown} console blocks"
    )


def test_the_runner_catches_a_drifted_example(_bundled_template, tmp_path, monkeypatch):
    # The comparison itself can fail: a wrong count is caught, a changed time is not.
    monkeypatch.delenv("CKG_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    shell = prepare(tmp_path, "bundled", _bundled_template)
    printed = shell.run("ckg query run towns_attacked_twice -p window 30 -f csv -o t.csv")
    assert shell.status == 0
    assert matches(
        normalise(["wrote 1 row(s) to t.csv", "towns_attacked_twice: 1 row(s) in 9.999 s"]),
        normalise(printed),
    )
    assert not matches(normalise(["wrote 2 row(s) to t.csv", "…"]), normalise(printed))
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"]) and matches(["…"], [])
    assert not matches(["a", "…", "d"], ["a", "b", "c"])


def _rewrite(page: str) -> None:
    """Rewrite the shown output of ``page``'s run steps with what they print today.

    Steps whose output holds a ``…`` line are left for a person and listed when they no
    longer match. Read the diff before committing: this records, it does not check.
    """
    import tempfile

    from kg.bundled import load_bundled
    from kg.embedded import open_store

    path = DOCS / Path(page).name
    lines = path.read_text(encoding="utf-8").split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        store = open_store(template)
        load_bundled(store)
        store.close()
        os.environ.pop("CKG_STORE", None)
        edits = []
        with ExitStack() as servers:
            printed_steps = list(run_page(path.name, Path(tmp), template, servers))
        for step, printed in printed_steps:
            if any(line.strip() == "…" for line in step.expected):
                if not matches(normalise(step.expected), normalise(printed)):
                    print(f"{path.name}:{step.line}: left for a person: $ {step.command}")
                    print("\n".join(printed))
                continue
            folder = str(Path.cwd())
            shown = [line.replace(folder, "/home/analyst/work").rstrip() for line in printed]
            edits.append((step.line, len(step.expected), shown))
    for line, count, shown in reversed(edits):
        lines[line : line + count] = shown
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    _rewrite(sys.argv[1])
