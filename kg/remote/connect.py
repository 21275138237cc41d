"""Opening a server as a store, with settings from arguments or ``CKG_*`` variables."""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request

from kg.errors import UsageError
from kg.remote.http import ENV_PASSWORD, ENV_USER
from kg.remote.store import DEFAULT_MAX_ROWS, ENV_MAX_ROWS, RemoteStore

#: Environment variables that supply :func:`connect`'s arguments when they are not given
#: (with ``CKG_USER``, ``CKG_PASSWORD`` and ``CKG_MAX_ROWS``).
ENV_ENDPOINT = "CKG_ENDPOINT"
ENV_UPDATE_ENDPOINT = "CKG_UPDATE_ENDPOINT"
ENV_GRAPH_STORE = "CKG_GRAPH_STORE"


def connect(
    endpoint: str | None = None,
    *,
    update_endpoint: str | None = None,
    graph_store_endpoint: str | None = None,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 60,
    retries: int = 3,
    max_rows: int | None = None,
) -> RemoteStore:
    """Open a SPARQL server as a store; unset arguments come from ``CKG_*`` variables.

    ``update_endpoint`` defaults to ``endpoint`` (one URL serves both on Virtuoso's
    ``/sparql-auth`` and Fuseki's dataset URL). Without ``graph_store_endpoint`` writes use
    SPARQL Update. ``max_rows`` is the server's row cap if known (``CKG_MAX_ROWS``,
    default 10,000, 0 for none): an answer of exactly that size is refused as cut.

    Example::

        store = connect("http://127.0.0.1:8890/sparql-auth", user="dba")  # CKG_PASSWORD
        store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    """
    env = os.environ
    endpoint = endpoint or env.get(ENV_ENDPOINT)
    if not endpoint:
        raise UsageError(f"no SPARQL endpoint: pass --endpoint URL or set {ENV_ENDPOINT}")
    update_endpoint = update_endpoint or env.get(ENV_UPDATE_ENDPOINT) or endpoint
    graph_store_endpoint = graph_store_endpoint or env.get(ENV_GRAPH_STORE) or None
    user = user if user is not None else env.get(ENV_USER) or None
    if password is None:
        password = env.get(ENV_PASSWORD)
    if user and not password:
        raise UsageError(f"user {user!r} given but no password: set {ENV_PASSWORD}")
    if max_rows is None:
        raw = env.get(ENV_MAX_ROWS)
        try:
            max_rows = DEFAULT_MAX_ROWS if raw is None else int(raw)
        except ValueError:
            raise UsageError(f"{ENV_MAX_ROWS}={raw!r} is not a whole number") from None
    for name, url in (
        ("endpoint", endpoint),
        ("update endpoint", update_endpoint),
        ("graph-store endpoint", graph_store_endpoint),
    ):
        if url is not None:
            _check_url(name, url)
    if timeout <= 0:
        raise UsageError("timeout must be a positive number of seconds")
    if retries < 0:
        raise UsageError("retries must be 0 or more")
    return RemoteStore(
        endpoint,
        update_endpoint=update_endpoint,
        graph_store_endpoint=graph_store_endpoint,
        user=user or None,
        password=password if user else None,
        timeout=timeout,
        retries=retries,
        max_rows=max_rows or None,
    )


def _check_url(name: str, url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{name} {url!r} is not an http(s) URL; write the whole address, for example "
            "http://localhost:8890/sparql"
        )
    if parts.username or parts.password:
        # Never echo the URL: it holds the secret.
        raise UsageError(
            f"the {name} URL contains credentials: put the user in {ENV_USER} "
            f"and the password in {ENV_PASSWORD} instead"
        )
