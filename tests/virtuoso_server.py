"""A throwaway Virtuoso server on 127.0.0.1 for the remote backend's tests and benchmark.

Debian's ``virtuoso-opensource`` starts no service of its own; this helper starts
``virtuoso-t`` in the foreground with a ``virtuoso.ini`` written into a folder of its own
(database, logs, ``DirsAllowed``), on two free loopback ports, waits until the SPARQL
endpoint answers, sets a random ``dba`` password, and stops the process afterwards.

By default the configuration removes the packaged traps: ``ResultSetMaxRows`` is huge
(no silent 10,000-row cut) and ``MaxQueryExecutionTime`` is 0 (no partial "anytime"
answers). ``packaged_limits=True`` keeps the packaged values, so tests can prove the
client refuses such answers.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from kg.remote import RemoteStore, connect

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"


def unavailable_reason() -> str | None:
    """Why Virtuoso cannot be started here, or None when it can."""
    for tool in (VIRTUOSO, ISQL):
        if shutil.which(tool) is None:
            return (
                f"{tool} not found: install the Debian package virtuoso-opensource "
                "(make test does so where it runs as root)"
            )
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class VirtuosoServer:
    """A running ``virtuoso-t`` and how to reach it."""

    folder: Path
    http_port: int
    sql_port: int
    password: str
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base(self) -> str:
        """The HTTP server's root URL."""
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def endpoint(self) -> str:
        """Query and update endpoint that takes Digest credentials."""
        return f"{self.base}/sparql-auth"

    @property
    def public_endpoint(self) -> str:
        """Anonymous, read-only query endpoint."""
        return f"{self.base}/sparql"

    @property
    def graph_store(self) -> str:
        """Graph Store HTTP Protocol endpoint that takes Digest credentials."""
        return f"{self.base}/sparql-graph-crud-auth"

    def connect(self, *, gsp: bool = True, **kwargs: object) -> RemoteStore:
        """A :class:`RemoteStore` on this server as ``dba``."""
        options: dict[str, object] = {
            "user": "dba",
            "password": self.password,
            "graph_store_endpoint": self.graph_store if gsp else None,
            "max_rows": 0,
            "timeout": 120,
        }
        options.update(kwargs)
        return connect(self.endpoint, **options)  # type: ignore[arg-type]

    def isql(self, sql: str, *, password: str | None = None) -> str:
        """Run SQL through ``isql-vt`` as ``dba``; returns its output."""
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", password or self.password, f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0 or "*** Error" in result.stdout + result.stderr:
            raise RuntimeError(f"isql-vt failed on {sql!r}: {result.stdout}{result.stderr}")
        return result.stdout

    def log(self) -> str:
        """The server's log so far (for failure messages)."""
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the server (graceful first) and wait for it to exit."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def write_config(
    folder: Path,
    http_port: int,
    sql_port: int,
    *,
    packaged_limits: bool = False,
    buffers: int = 10_000,
) -> Path:
    """Write a ``virtuoso.ini`` whose every path lies inside ``folder``."""
    if packaged_limits:
        # The packaged row cap and anytime answers (after 5 s here, so tests stay quick);
        # no refusal on estimated cost, so a slow query reaches its time limit.
        sparql = (
            "ResultSetMaxRows = 10000\nMaxQueryExecutionTime = 5\nMaxQueryCostEstimationTime = 0\n"
        )
    else:
        sparql = (
            "ResultSetMaxRows = 1000000000\nMaxQueryExecutionTime = 0\n"
            "MaxQueryCostEstimationTime = 0\n"
        )
    (folder / "vsp").mkdir(exist_ok=True)
    ini = f"""\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = ., {folder}
NumberOfBuffers      = {buffers}
MaxDirtyBuffers      = {buffers * 3 // 4}
MaxSortedTopRows     = {10_000 if packaged_limits else 100_000_000}
MaxQueryMem          = 2G
ThreadsPerQuery      = 2
AsyncQueueMaxThreads = 4

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {folder}/vsp
MaxClientConnections = 10
ServerThreads        = 10
EnabledGzipContent   = 0
Charset              = UTF-8

[Client]
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT   = 0

[SPARQL]
{sparql}"""
    path = folder / "virtuoso.ini"
    path.write_text(ini)
    return path


def start_virtuoso(
    folder: Path,
    *,
    packaged_limits: bool = False,
    buffers: int = 10_000,
    ready_within: float = 120.0,
) -> VirtuosoServer:
    """Start a fresh server in ``folder`` (created if needed) and wait until it answers."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    config = write_config(
        folder, http_port, sql_port, packaged_limits=packaged_limits, buffers=buffers
    )
    out = open(folder / "stdout.log", "wb")  # noqa: SIM115 - lives as long as the process
    process = subprocess.Popen(
        [VIRTUOSO, "+configfile", str(config), "+foreground"],
        cwd=folder,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    server = VirtuosoServer(folder, http_port, sql_port, password="dba", process=process)
    try:
        _wait_until_ready(server, ready_within)
        password = "ckg-" + secrets.token_hex(8)
        server.isql(f"USER_SET_PASSWORD('dba', '{password}');", password="dba")
        server.password = password
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_ready(server: VirtuosoServer, within: float) -> None:
    deadline = time.monotonic() + within
    url = f"{server.public_endpoint}?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        assert server.process is not None
        if server.process.poll() is not None:
            raise RuntimeError(
                f"virtuoso-t exited with {server.process.returncode}:\n{server.log()[-2000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"virtuoso-t did not answer within {within:g} s:\n{server.log()[-2000:]}")
