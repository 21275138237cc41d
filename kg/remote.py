"""A SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, …) as a store behind :class:`kg.store.Store`.

Reads go through SPARQLWrapper (SPARQL 1.1 Protocol, POST, results as JSON; CONSTRUCT and
DESCRIBE as N-Triples, the subset of Turtle every server writes faithfully). Writes go
through the Graph Store HTTP Protocol when a graph-store endpoint is configured (``PUT``
of the first batch replaces the graph, ``POST`` appends the rest), otherwise through SPARQL
Update (``DROP SILENT GRAPH`` then ``INSERT DATA`` in batches).

What is sent, and why:

* ``default-graph-uri`` for every data graph the server's meta graph describes (Virtuoso
  would otherwise answer over the union of *all* its graphs, system graphs included) and
  ``named-graph-uri`` for the same graphs, so ``GRAPH ?g`` ranges over what it ranges
  over in the embedded store (every graph but the meta graph).
* Parameters arrive as a ``VALUES`` block built by :func:`kg.sparql.bind_values`.
* A ``User-Agent`` naming ckg and its version. Credentials only after the server asks
  for them (HTTP Digest, as Virtuoso's ``/sparql-auth`` wants, or Basic); the password
  is never logged, printed or put in an error message.

Server dialects are reconciled in ONE place, this module. :func:`normalise_term` is
applied to every value of every answer:

* Virtuoso stores ``xsd:boolean`` as ``"1"``/``"0"``: rewritten to ``"true"``/``"false"``.
* Virtuoso returns a boolean *expression* (``?a < ?b``, ``BOUND(?x)``, ``true``) as the
  integer 1 or 0: columns that the query computes from a boolean expression (found by
  parsing the query with rdflib) are turned back into ``xsd:boolean``.
* An explicit ``xsd:string`` datatype is dropped (RDF 1.1: the same literal).

The answer to a ``SELECT DISTINCT`` (or ``REDUCED``) keeps each row once
(:meth:`RemoteStore._query`): Virtuoso 7.2 repeats rows there (unbound columns, a path
reached two ways).

One rewrite of the query text, :func:`portable_comparisons`, works around a Virtuoso 7.2
defect: ``FILTER(?date <= ?d)`` drops qualifying rows there, so a comparison of two single
terms is sent as the equivalent ``!(?date > ?d)``.

Other Virtuoso differences cannot be repaired after the fact and must be avoided in saved
questions, which are written in the portable subset (README.md, "Dialects", lists each
defect and the form used): ``7/2`` is integer division (3, not 3.5; cast one side to
``xsd:decimal``), ``date - date`` gives seconds, not an ``xsd:dayTimeDuration`` (use day
numbers from ``YEAR()``/``MONTH()``/``DAY()``), a transitive path whose far end is a
constant or a parameter keeps only one-step matches once its near end is bound by another
pattern (put the closure in a sub-select with a LIMIT that is never reached), ``IF()`` and
``VALUES`` rows misbehave next to the parameters' ``VALUES`` block, and a ``FILTER`` inside
``OPTIONAL`` does not see a parameter bound outside it.

Partial answers raise :class:`kg.errors.RemoteError` instead of passing for complete
ones: Virtuoso's "anytime" answers (``X-SQL-State`` header), results cut at the server's
row cap (``X-SPARQL-MaxRows``, or a row count equal to the known cap ``max_rows``), and
exports whose triple count differs from the server's own ``COUNT``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import secrets
import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from functools import lru_cache
from typing import Any, TypeVar

from rdflib import Graph
from rdflib.namespace import XSD
from rdflib.term import BNode, Identifier, Literal, Node, URIRef
from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

from kg import __version__
from kg.derive import DERIVED_GRAPH
from kg.errors import RemoteError, StoreError, TruncatedAnswer, UsageError
from kg.sparql import bind_values
from kg.store import GraphInfo, Quad, QueryResult, Store, default_graphs
from kg.terms import GRAPH, META_GRAPH, STAGING_PREFIX

#: Environment variables that supply :func:`connect`'s arguments when they are not given.
ENV_ENDPOINT = "CKG_ENDPOINT"
ENV_UPDATE_ENDPOINT = "CKG_UPDATE_ENDPOINT"
ENV_GRAPH_STORE = "CKG_GRAPH_STORE"
ENV_USER = "CKG_USER"
ENV_PASSWORD = "CKG_PASSWORD"
ENV_MAX_ROWS = "CKG_MAX_ROWS"

USER_AGENT = f"ckg/{__version__} (conflict-kg; +https://w3id.org/conflict-kg) SPARQLWrapper/2"

#: Triples per request when pushing through the Graph Store Protocol.
GSP_BATCH = 50_000
#: Triples per ``INSERT DATA``: Virtuoso 7.2 rejects ~2,000 ("generated SQL text has
#: exceeded 10000 lines"); 1,000 passes with room for long literals.
UPDATE_BATCH = 1_000
#: The row cap of a packaged Virtuoso (``ResultSetMaxRows``): a result of exactly this
#: many rows is treated as cut unless the query asked for that many with LIMIT.
DEFAULT_MAX_ROWS = 10_000

# Sent as the only default graph when no data graph exists, so that an empty store
# answers empty instead of with the server's union of everything.
_EMPTY_GRAPH = "urn:x-ckg:empty-dataset"
_NT_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"

# The meta graph's vocabulary, the same as kg.embedded.META_PREDICATES (a description per
# graph, subject = the graph's IRI); tests/test_remote.py holds the two together.
_DCT = "http://purl.org/dc/terms/"
_CKG = "https://w3id.org/conflict-kg/ontology#"
META_TRIPLES = URIRef("http://rdfs.org/ns/void#triples")
META_SOURCE = URIRef(_DCT + "source")
META_LOADED = URIRef(_DCT + "modified")
META_TITLE = URIRef(_DCT + "title")
META_STALE = URIRef(_CKG + "stale")
_META_KEYS = {
    "triples": META_TRIPLES,
    "source": META_SOURCE,
    "loaded_at": META_LOADED,
    "title": META_TITLE,
    "stale": META_STALE,
}

Triple = tuple[Identifier, Identifier, Identifier]


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
        raise UsageError(f"{name} {url!r} is not an http(s) URL")
    if parts.username or parts.password:
        # Never echo the URL: it holds the secret.
        raise UsageError(
            f"the {name} URL contains credentials: put the user in {ENV_USER} "
            f"and the password in {ENV_PASSWORD} instead"
        )


# --------------------------------------------------------------------------- HTTP


@dataclass
class _Response:
    """An HTTP answer, shaped like what SPARQLWrapper expects from ``urlopen``."""

    status: int
    headers: Message
    body: bytes
    url: str

    def read(self) -> bytes:
        """The body (SPARQLWrapper's conversions call this)."""
        return self.body

    def info(self) -> Message:
        """The headers (SPARQLWrapper's conversions call this)."""
        return self.headers

    def geturl(self) -> str:
        """The URL answered."""
        return self.url


class _Auth:
    """HTTP Basic or Digest credentials, sent only in the scheme the server asked for.

    urllib's handlers answer a challenge by sending the body a second time, and Virtuoso
    closes the connection on its 401 before reading a large body (a broken pipe), so the
    challenge is learnt once per URL path (a ``HEAD`` probe before a large upload) and
    the ``Authorization`` header computed up front, re-learnt when the nonce goes stale.
    """

    def __init__(self, user: str, password: str):
        self.user = user
        self._password = password
        self._challenges: dict[str, tuple[str, dict[str, str]]] = {}
        self._nonce_count: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"_Auth(user={self.user!r})"

    @staticmethod
    def key(url: str) -> str:
        """Challenges hold per scheme, host and path (Virtuoso's digest ``domain``)."""
        p = urllib.parse.urlsplit(url)
        return f"{p.scheme}://{p.netloc}{p.path}"

    def known(self, url: str) -> bool:
        """Whether a challenge for this URL's path has been seen."""
        return self.key(url) in self._challenges

    def learn(self, url: str, values: Sequence[str]) -> bool:
        """Remember the challenge of a 401 answer; False if none we can answer."""
        parsed: dict[str, dict[str, str]] = {}
        for value in values:
            scheme, _, rest = value.strip().partition(" ")
            items = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            parsed[scheme.lower()] = {k.lower(): v for k, v in items.items()}
        # Digest first: Basic over plain HTTP would expose the password.
        for scheme in ("digest", "basic"):
            if scheme in parsed:
                algorithm = parsed[scheme].get("algorithm", "MD5").upper()
                if scheme == "digest" and algorithm not in ("MD5", "SHA-256"):
                    continue
                self._challenges[self.key(url)] = (scheme, parsed[scheme])
                return True
        return False

    def header(self, method: str, url: str) -> str | None:
        """The ``Authorization`` value for this request, or None before any challenge."""
        challenge = self._challenges.get(self.key(url))
        if challenge is None:
            return None
        scheme, params = challenge
        if scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self._password}".encode()).decode()
            return f"Basic {token}"
        return self._digest(method, url, params)

    def _digest(self, method: str, url: str, params: dict[str, str]) -> str:
        algorithm = params.get("algorithm", "MD5").upper()
        digest = hashlib.sha256 if algorithm == "SHA-256" else hashlib.md5

        def h(text: str) -> str:
            return digest(text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        ha1 = h(f"{self.user}:{realm}:{self._password}")
        ha2 = h(f"{method}:{uri}")
        fields = [
            f'username="{self.user}"',
            f'realm="{realm}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
            f"algorithm={algorithm}",
        ]
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        if "auth" in qops:
            count = self._nonce_count.get(nonce, 0) + 1
            self._nonce_count[nonce] = count
            nc, cnonce = f"{count:08x}", secrets.token_hex(8)
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            response = h(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{response}"')
        if "opaque" in params:
            fields.append(f'opaque="{params["opaque"]}"')
        return "Digest " + ", ".join(fields)


class _Http:
    """Sends requests with credentials, timeouts, and backoff retries on 429 and 503."""

    #: Bodies above this size trigger a HEAD probe for the auth challenge first.
    PROBE_ABOVE = 64 * 1024

    def __init__(self, auth: _Auth | None, timeout: float, retries: int, backoff: float = 0.5):
        self.auth = auth
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        # Our own opener: SPARQLWrapper's Digest support installs a process-wide one.
        self._opener = urllib.request.build_opener()

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        what: str,
        ok_statuses: Iterable[int] = (),
    ) -> _Response:
        """Send one request; RemoteError names ``what`` was asked of which endpoint and why."""
        if (
            self.auth is not None
            and body is not None
            and len(body) > self.PROBE_ABOVE
            and not self.auth.known(url)
        ):
            self._probe(url, what)
        attempt = 0
        auth_renewed = False
        while True:
            request = urllib.request.Request(url, data=body, method=method)
            for name, value in (headers or {}).items():
                request.add_header(name, value)
            request.add_header("User-Agent", USER_AGENT)
            authorization = self.auth.header(method, url) if self.auth else None
            if authorization:
                request.add_header("Authorization", authorization)
            try:
                with self._opener.open(request, timeout=self.timeout) as resp:
                    return _Response(resp.status, resp.headers, resp.read(), url)
            except urllib.error.HTTPError as err:
                text = _safe_read(err)
                if err.code in ok_statuses:
                    return _Response(err.code, err.headers, text, url)
                challenges = err.headers.get_all("WWW-Authenticate") or []
                # First challenge, or a stale nonce: learn it and answer once.
                if (
                    err.code == 401
                    and self.auth is not None
                    and not auth_renewed
                    and self.auth.learn(url, challenges)
                ):
                    auth_renewed = True
                    continue
                if err.code in (429, 503) and attempt < self.retries:
                    time.sleep(self._delay(attempt, err.headers.get("Retry-After")))
                    attempt += 1
                    continue
                raise RemoteError(self._describe_status(url, what, err.code, err.reason, text))
            except (urllib.error.URLError, OSError) as err:
                raise RemoteError(self._describe_failure(url, what, err)) from None

    def _probe(self, url: str, what: str) -> None:
        request = urllib.request.Request(url, method="HEAD")
        request.add_header("User-Agent", USER_AGENT)
        try:
            with self._opener.open(request, timeout=self.timeout):
                return
        except urllib.error.HTTPError as err:
            _safe_read(err)
            if err.code == 401 and self.auth is not None:
                self.auth.learn(url, err.headers.get_all("WWW-Authenticate") or [])
        except (urllib.error.URLError, OSError) as err:
            raise RemoteError(self._describe_failure(url, what, err)) from None

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(30.0, float(retry_after.strip()))
        return min(30.0, self.backoff * (2**attempt))

    def _describe_status(self, url: str, what: str, code: int, reason: str, body: bytes) -> str:
        where = f"{what} at {_endpoint_of(url)}"
        if code == 401:
            if self.auth is None:
                return (
                    f"{where}: 401 Unauthorized, the server wants credentials: set "
                    f"{ENV_USER} and {ENV_PASSWORD}"
                )
            return (
                f"{where}: 401 Unauthorized, the server refused user {self.auth.user!r}: "
                f"check {ENV_USER} and {ENV_PASSWORD}"
            )
        if code == 403:
            return f"{where}: 403 Forbidden, the user may not do this here ({_snippet(body)})"
        if b"SR186" in body:  # Virtuoso: the anonymous endpoint cannot write
            return (
                f"{where}: the server refused to write for this user ({_snippet(body, 160)}); "
                "on Virtuoso write through /sparql-auth as a user with SPARQL_UPDATE"
            )
        if code in (429, 503):
            return f"{where}: {code} {reason}, still busy after {self.retries} retries"
        detail = _snippet(body)
        return f"{where}: the server answered {code} {reason}" + (f": {detail}" if detail else "")

    def _describe_failure(self, url: str, what: str, err: BaseException) -> str:
        where = f"{what} at {_endpoint_of(url)}"
        cause: BaseException = err
        if isinstance(err, urllib.error.URLError) and isinstance(err.reason, BaseException):
            cause = err.reason
        if isinstance(cause, (TimeoutError, socket.timeout)):
            return f"{where}: no answer within {self.timeout:g} s (raise --timeout, or narrow the question)"
        if isinstance(cause, ConnectionRefusedError):
            return f"{where}: connection refused; is the server running and the port right?"
        if isinstance(cause, socket.gaierror):
            return f"{where}: unknown host; check the URL"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError)):
            return f"{where}: the server closed the connection ({type(cause).__name__})"
        reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
        return f"{where}: {reason}"


def _safe_read(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read()
    except OSError:
        return b""


def _endpoint_of(url: str) -> str:
    # Messages name the endpoint, not the query string (which may be long).
    p = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((p.scheme, p.netloc, p.path, "", ""))


def _snippet(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)  # servers answer errors in HTML too
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # Virtuoso echoes the whole query after its one-line message: keep the message.
    keep = []
    for line in lines:
        if line.startswith("SPARQL query:"):
            break
        keep.append(line)
    text = " ".join(keep or lines)
    return text[:limit] + ("…" if len(text) > limit else "")


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper building the request; our :class:`_Http` sends it."""

    def __init__(self, endpoint: str, http: _Http):
        super().__init__(endpoint, agent=USER_AGENT)
        self._http = http
        self.setMethod(POST)
        self.setRequestMethod(URLENCODED)
        # Content negotiation only: the extra format=/output= parameters mean different
        # things to different servers.
        self.setOnlyConneg(True)

    def _query(self) -> tuple[Any, str]:
        request = self._createRequest()
        response = self._http.send(
            request.get_method(),
            request.full_url,
            request.data if isinstance(request.data, bytes) else None,
            dict(request.header_items()),
            what="query",
        )
        return response, self.returnFormat


# --------------------------------------------------------------------------- results


def normalise_term(term: Node | None, boolean: bool = False) -> Node | None:
    """Undo a server's dialect in one answer value (see the module notes).

    ``boolean`` says the column is computed by a boolean expression, so an integer
    1/0 there is Virtuoso's spelling of true/false.
    """
    if not isinstance(term, Literal):
        return term
    datatype = term.datatype
    if datatype == XSD.boolean and str(term) in ("1", "0"):
        return Literal(str(term) == "1")
    if boolean and datatype == XSD.integer and str(term) in ("1", "0"):
        return Literal(str(term) == "1")
    if datatype == XSD.string:
        return Literal(str(term))
    return term


def _json_term(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text.removeprefix("nodeID://"))
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return Literal(text, lang=lang)
        datatype = value.get("datatype")
        return Literal(text, datatype=URIRef(datatype) if datatype else None)
    raise RemoteError(f"the server answered a term of unknown type {kind!r}")


_BOOLEAN_EXPRESSIONS = {
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "UnaryNot",
    "Builtin_BOUND",
    "Builtin_isIRI",
    "Builtin_isURI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_isNUMERIC",
    "Builtin_REGEX",
    "Builtin_sameTerm",
    "Builtin_LANGMATCHES",
    "Builtin_CONTAINS",
    "Builtin_STRSTARTS",
    "Builtin_STRENDS",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
}
_PASS_THROUGH_AGGREGATES = {"Aggregate_Sample", "Aggregate_Min", "Aggregate_Max"}


# Virtuoso 7.2 answers FILTER(?a <= ?b) wrongly on xsd:date values (it drops rows that
# qualify; ">" and "<" are right). "?a <= ?b" and "!(?a > ?b)" are the same SPARQL (both
# are errors on incomparable terms), so the client sends the second form. Only a
# comparison of two single terms that is a whole operand (between "(", ",", "&&", "||"
# and ")", ",", "&&", "||") is rewritten, so operator precedence cannot change; strings,
# IRIs and comments are skipped.
_TERM = r"""(?:[?$][A-Za-z0-9_]+|"[^"\\\n]*"(?:\^\^(?:<[^<>\s]*>|[A-Za-z][\w-]*:[\w-]*))?|-?\d+(?:\.\d+)?)"""
_SKIP = (
    r'''"""[\s\S]*?"""|'{3}[\s\S]*?'{3}|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|'''
    r"""<[^<>"{}|^`\\\s]*>|#[^\n]*"""
)
_COMPARISON = re.compile(
    rf"(?P<pre>(?:\(|,|&&|\|\|)\s*)(?P<a>{_TERM})\s*(?P<op><=|>=)\s*(?P<b>{_TERM})"
    rf"(?=\s*(?:\)|,|&&|\|\|))"
    rf"|(?P<skip>{_SKIP})"
)


def portable_comparisons(sparql: str) -> str:
    """``?a <= ?b`` as ``!(?a > ?b)`` (and ``>=`` likewise): see the note above."""

    def swap(match: re.Match[str]) -> str:
        if match.group("skip") is not None:
            return match.group("skip")
        flipped = ">" if match.group("op") == "<=" else "<"
        return f"{match.group('pre')}!({match.group('a')} {flipped} {match.group('b')})"

    return _COMPARISON.sub(swap, sparql)


@dataclass(frozen=True)
class _QueryShape:
    """What the client needs to know of a query to check and normalise its answer."""

    boolean_vars: frozenset[str] = frozenset()
    limit: int | None = None
    kind: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE; None when unknown
    distinct: bool = False  # SELECT DISTINCT or REDUCED: the answer may not repeat a row


@lru_cache(maxsize=256)
def _query_shape(sparql: str) -> _QueryShape:
    """Boolean-valued variables and the outer LIMIT, from rdflib's algebra of the query.

    A query rdflib cannot parse (a server extension) gets the empty shape: no columns
    rewritten, no LIMIT assumed, so truncation checks stay on the strict side.
    """
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = prepareQuery(sparql).algebra
    except Exception:  # noqa: BLE001 - any parse failure means "unknown shape"
        return _QueryShape()
    kind = {
        "SelectQuery": "SELECT",
        "AskQuery": "ASK",
        "ConstructQuery": "CONSTRUCT",
        "DescribeQuery": "DESCRIBE",
    }.get(str(algebra.name))
    extends: list[tuple[str, Any]] = []
    aggregates: list[tuple[str, str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, CompValue):
            if node.name == "Extend":
                extends.append((str(node["var"]), node["expr"]))
            elif node.name in _PASS_THROUGH_AGGREGATES:
                aggregates.append((str(node["res"]), node.name, node["vars"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(algebra)
    boolean: set[str] = set()
    changed = True
    while changed:  # propagate through ?x AS ?y and SAMPLE/MIN/MAX until stable
        changed = False
        for var, expr in extends:
            if var in boolean:
                continue
            is_bool = (
                (isinstance(expr, CompValue) and expr.name in _BOOLEAN_EXPRESSIONS)
                or (isinstance(expr, Literal) and expr.datatype == XSD.boolean)
                or (not isinstance(expr, (CompValue, Literal)) and str(expr) in boolean)
            )
            if is_bool:
                boolean.add(var)
                changed = True
        for res, _name, var in aggregates:
            if res not in boolean and str(var) in boolean:
                boolean.add(res)
                changed = True
    limit = None
    top = algebra.get("p") if isinstance(algebra, CompValue) else None
    if isinstance(top, CompValue) and top.name == "Slice" and top.get("length") is not None:
        limit = int(top["length"])
    below = top.get("p") if isinstance(top, CompValue) and top.name == "Slice" else top
    distinct = isinstance(below, CompValue) and below.name in ("Distinct", "Reduced")
    return _QueryShape(frozenset(boolean), limit, kind, distinct)


# --------------------------------------------------------------------------- N-Triples


def nt_term(term: Node) -> str:
    """One RDF term in N-Triples syntax, ASCII only (non-ASCII as ``\\u`` escapes).

    ASCII bodies cannot be misread by a server that guesses a charset; rdflib's
    ``n3()`` is not used because it writes multi-line literals in triple quotes.
    """
    if isinstance(term, URIRef):
        text = str(term)
        if any(c in text for c in '<>"{}|^`\\ \n\r\t'):
            raise StoreError(f"{text!r} cannot be written as an IRI")
        return f"<{_ascii(text)}>"
    if isinstance(term, BNode):
        return "_:" + re.sub(r"[^A-Za-z0-9_]", "_", str(term))
    if isinstance(term, Literal):
        text = str(term)
        text = (
            text.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        out = f'"{_ascii(text)}"'
        if term.language:
            return f"{out}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{out}^^<{_ascii(str(term.datatype))}>"
        return out
    raise StoreError(f"{term!r} is not an RDF term that can be stored")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if code < 128:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        else:
            out.append(f"\\U{code:08X}")
    return "".join(out)


def _nt_lines(triples: Iterable[Triple]) -> str:
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)


T = TypeVar("T")


def batches(
    triples: Iterable[tuple[T, T, T]],
    size: int,
    *,
    is_blank: Callable[[object], bool] = lambda term: isinstance(term, BNode),
) -> Iterator[list[tuple[T, T, T]]]:
    """Cut ``triples`` into lists of at most ``size``, never splitting a blank-node cluster.

    A blank node label means one node only within one request, so triples that share
    blank nodes (an OWL restriction, an RDF list) travel together: they are held back
    and sent, cluster by cluster, after the triples without blank nodes. A cluster larger
    than ``size`` goes as one oversized batch. ``is_blank`` tells blank nodes of the term
    library in use (rdflib by default, pyoxigraph for the embedded store's fast path).
    """
    if size < 1:
        raise UsageError("the batch size must be at least 1")
    plain: list[tuple[T, T, T]] = []
    parent: dict[T, T] = {}
    held: list[tuple[T, T, T]] = []

    def find(node: T) -> T:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in triples:
        nodes = [t for t in (triple[0], triple[2]) if is_blank(t)]
        if not nodes:
            plain.append(triple)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        held.append(triple)
        for node in nodes:
            parent.setdefault(node, node)
        if len(nodes) == 2:
            a, b = find(nodes[0]), find(nodes[1])
            if a != b:
                parent[a] = b
    clusters: dict[T, list[tuple[T, T, T]]] = {}
    for triple in held:
        node = triple[0] if is_blank(triple[0]) else triple[2]
        clusters.setdefault(find(node), []).append(triple)
    batch = plain
    for cluster in clusters.values():
        if batch and len(batch) + len(cluster) > size:
            yield batch
            batch = []
        batch.extend(cluster)
    if batch:
        yield batch


@dataclass
class Chunk:
    """One request's worth of triples: N-Triples text (ASCII), how many, any blank node."""

    text: str
    count: int
    blank: bool


def rdflib_chunks(triples: Iterable[Triple], size: int) -> Iterator[Chunk]:
    """Chunks of rdflib triples (see :func:`batches`)."""
    for chunk in batches(triples, size):
        blank = any(isinstance(t, BNode) for s, _p, o in chunk for t in (s, o))
        yield Chunk(_nt_lines(chunk), len(chunk), blank)


def oxigraph_chunks(db: Any, graph: URIRef, size: int) -> Iterator[Chunk]:
    """Chunks of one graph of a pyoxigraph store, serialised by pyoxigraph itself.

    The fast path of ``ckg push``: pyoxigraph writes the graph as N-Triples into a
    temporary file (in Rust, millions of triples a second) and the lines are cut into
    chunks as they are read back; no rdflib term is built (that costs ~10 µs a term).
    """
    import pyoxigraph as ox

    with tempfile.TemporaryFile() as tmp:
        db.dump(tmp, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph)))
        tmp.seek(0)
        lines = io.TextIOWrapper(tmp, encoding="utf-8", newline="\n")
        yield from nt_line_chunks(lines, size)


@dataclass(frozen=True)
class _Label:
    """A blank node label seen in an N-Triples line (for :func:`batches`)."""

    text: str


# In an N-Triples line the object is the last term before " ."; a literal ends in '"', a
# language tag or '>', never in a blank node label, so this only matches blank objects.
_BLANK_OBJECT = re.compile(r" (_:[^\s]+) \.\s*$")


def nt_line_chunks(lines: Iterable[str], size: int) -> Iterator[Chunk]:
    """Chunks of N-Triples lines (one triple each), blank-node clusters kept together."""
    if size < 1:
        raise UsageError("the batch size must be at least 1")

    def chunk(batch: list[str], blank: bool) -> Chunk:
        text = "".join(line if line.endswith("\n") else line + "\n" for line in batch)
        if not text.isascii():
            text = _NON_ASCII.sub(_escape_char, text)
        return Chunk(text, len(batch), blank)

    plain: list[str] = []
    held: list[tuple[_Label | None, str, _Label | None]] = []
    for line in lines:
        # Most lines have no blank node: they take the short way.
        if "_:" in line:
            subject = _Label(line.split(" ", 1)[0]) if line.startswith("_:") else None
            match = _BLANK_OBJECT.search(line)
            if subject is not None or match is not None:
                held.append((subject, line, _Label(match.group(1)) if match else None))
                continue
        if not line.strip():
            continue
        plain.append(line)
        if len(plain) >= size:
            yield chunk(plain, False)
            plain = []
    if plain:
        yield chunk(plain, False)
    for batch in batches(held, size, is_blank=lambda term: term is not None):
        yield chunk([line for _s, line, _o in batch if isinstance(line, str)], True)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


# --------------------------------------------------------------------------- the store


@dataclass
class UploadProgress:
    """How far the upload of one graph has come (for progress lines)."""

    graph: URIRef
    sent: int
    total: int | None
    seconds: float


class RemoteStore:
    """A SPARQL 1.1 server seen through the :class:`kg.store.Store` interface.

    Graph replacement on a server is not one transaction: the graph's description in
    the meta graph is removed first and written back last, so queries (whose default
    graph is what the meta graph describes) never see a half-written graph as data.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60,
        retries: int = 3,
        max_rows: int | None = DEFAULT_MAX_ROWS,
        backoff: float = 0.5,
    ):
        self.location = endpoint
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store_endpoint = graph_store_endpoint
        self.user = user
        self.timeout = timeout
        self.max_rows = max_rows
        auth = _Auth(user, password) if user and password else None
        self._http = _Http(auth, timeout, retries, backoff)

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r}, user={self.user!r})"

    @property
    def default_batch(self) -> int:
        """Triples per request for this server's write protocol."""
        return GSP_BATCH if self.graph_store_endpoint else UPDATE_BATCH

    # ---- reading

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        include_inferred: bool = True,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the server's data graphs, with bound parameters.

        The text goes to the server as written (parameters bound as VALUES blocks). The
        derived graph, pushed with the data, is part of the default graph.
        """
        text = portable_comparisons(bind_values(sparql, bindings))
        described = self._described_graphs()
        data = default_graphs(described, include_inferred)
        # Staging graphs (ckg extract) hold unreviewed candidates: no source of answers.
        named = [
            g for g in described if g != str(DERIVED_GRAPH) and not g.startswith(STAGING_PREFIX)
        ]
        return self._query(text, default=data, named=named)

    def _send(
        self, text: str, *, default: Sequence[str], named: Sequence[str]
    ) -> tuple[_Response, _QueryShape, str]:
        """Send a query: the response once it is known to be whole, the query's shape and
        its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""
        wrapper = _Wrapper(self.endpoint, self._http)
        wrapper.setQuery(text)
        for graph in default or [_EMPTY_GRAPH]:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named or [_EMPTY_GRAPH]:
            wrapper.addParameter("named-graph-uri", graph)
        shape = _query_shape(text)
        # SPARQLWrapper guesses the form with a regular expression that also reads
        # comments ("#+ … add nothing" made it an ADD); the parsed query knows better.
        if shape.kind is not None:
            wrapper.queryType = shape.kind
        kind = wrapper.queryType.upper()
        if kind in ("CONSTRUCT", "DESCRIBE"):
            wrapper.addCustomHttpHeader("Accept", _NT_ACCEPT)
        elif kind in ("SELECT", "ASK"):
            wrapper.setReturnFormat(JSON)
        else:
            raise UsageError(f"only SELECT, ASK, CONSTRUCT and DESCRIBE can be asked, not {kind}")
        response: _Response = wrapper.query().response
        self._check_complete(response)
        return response, shape, kind

    def _query(self, text: str, *, default: Sequence[str], named: Sequence[str]) -> QueryResult:
        response, shape, kind = self._send(text, default=default, named=named)
        if kind in ("CONSTRUCT", "DESCRIBE"):
            graph = self._parse_graph(response)
            self._check_triple_cap(len(graph), shape)
            return QueryResult("graph", graph=graph)
        try:
            doc = json.loads(response.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RemoteError(
                f"query at {self.endpoint}: the answer is not SPARQL JSON ({exc}); "
                f"content type {response.headers.get('Content-Type')!r}"
            ) from None
        if "boolean" in doc:
            return QueryResult("ask", boolean=bool(doc["boolean"]))
        variables = list(doc.get("head", {}).get("vars", []))
        rows = []
        for binding in doc.get("results", {}).get("bindings", []):
            rows.append(
                tuple(
                    normalise_term(_json_term(binding[v]), v in shape.boolean_vars)
                    if v in binding
                    else None
                    for v in variables
                )
            )
        self._check_row_cap(response, len(rows), shape)
        if shape.distinct:
            # Virtuoso 7.2's SELECT DISTINCT can repeat a row (seen with unbound columns
            # and a property path reached twice); a repeated row is never the answer.
            rows = list(dict.fromkeys(rows))
        return QueryResult("select", variables=variables, rows=rows)

    def _check_complete(self, response: _Response) -> None:
        state = response.headers.get("X-SQL-State")
        if state:
            message = _snippet((response.headers.get("X-SQL-Message") or "").encode(), 160)
            raise RemoteError(
                f"query at {self.endpoint}: partial answer refused (X-SQL-State {state}: "
                f"{message}); the server stopped the query at its time limit "
                f"(Virtuoso: MaxQueryExecutionTime); raise it or narrow the question"
            )

    def _check_row_cap(self, response: _Response, rows: int, shape: _QueryShape) -> None:
        header = response.headers.get("X-SPARQL-MaxRows")
        if header and header.strip().isdigit():
            cap = int(header)
            self.max_rows = cap  # now known: CONSTRUCT answers carry no such header
            if rows >= cap and not (shape.limit is not None and shape.limit <= cap):
                raise self._cut(rows, cap, "rows")
        elif self.max_rows and rows == self.max_rows and shape.limit != rows:
            raise self._cut(rows, self.max_rows, "rows")

    def _check_triple_cap(self, triples: int, shape: _QueryShape) -> None:
        # A CONSTRUCT answer carries no X-SPARQL-MaxRows header: the known cap decides.
        if self.max_rows and triples >= self.max_rows and shape.limit is None:
            raise self._cut(triples, self.max_rows, "triples")

    def _cut(self, got: int, cap: int, unit: str) -> TruncatedAnswer:
        return TruncatedAnswer(
            f"query at {self.endpoint}: the answer stopped at {got:,} {unit}, the server's "
            f"cap ({cap:,}; Virtuoso: ResultSetMaxRows), so it is probably cut; raise the "
            f"cap on the server (and {ENV_MAX_ROWS}), or add LIMIT/OFFSET"
        )

    def _parse_graph(self, response: _Response) -> Graph:
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        fmt = {
            "application/n-triples": "nt",
            "text/plain": "nt",
            "text/turtle": "turtle",
            "application/x-turtle": "turtle",
            "application/rdf+xml": "xml",
            "application/ld+json": "json-ld",
        }.get(ctype, "nt")
        graph = Graph()
        try:
            graph.parse(data=response.body.decode("utf-8"), format=fmt)
        except Exception as exc:  # noqa: BLE001 - any parser error is a bad answer
            raise RemoteError(
                f"{self.endpoint}: could not read the graph the server sent as {ctype!r}: {exc}"
            ) from None
        for s, p, o in list(graph):
            fixed = normalise_term(o)
            if fixed is not o and fixed != o:
                graph.remove((s, p, o))
                graph.add((s, p, fixed))  # type: ignore[arg-type]
        return graph

    def _meta_rows(self) -> list[tuple[Node | None, ...]]:
        text = "SELECT ?g ?p ?o WHERE { GRAPH ?m { ?g ?p ?o } }"
        result = self._query(
            bind_values(text, {"m": META_GRAPH}), default=[], named=[str(META_GRAPH)]
        )
        return result.rows

    def _described_graphs(self) -> list[str]:
        """The graphs the meta graph describes, or (no meta graph) ckg's graphs on the server."""
        graphs = sorted(
            {str(g) for g, _p, _o in self._meta_rows() if isinstance(g, URIRef)} - {str(META_GRAPH)}
        )
        if graphs:
            return graphs
        # Loaded by other means than ckg push: take the graphs under ckg's graph base.
        text = (
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?g), STR(?base))) }"
        )
        result = self._query_all_named(bind_values(text, {"base": Literal(str(GRAPH))}))
        return sorted(
            str(row[0])
            for row in result.rows
            if isinstance(row[0], URIRef) and row[0] != META_GRAPH
        )

    def _query_all_named(self, text: str) -> QueryResult:
        # No named-graph-uri: the server's own set of named graphs.
        wrapper = _Wrapper(self.endpoint, self._http)
        wrapper.setQuery(text)
        wrapper.setReturnFormat(JSON)
        wrapper.addParameter("default-graph-uri", _EMPTY_GRAPH)
        response: _Response = wrapper.query().response
        self._check_complete(response)
        doc = json.loads(response.body.decode("utf-8"))
        variables = list(doc["head"]["vars"])
        rows = [
            tuple(_json_term(b[v]) if v in b else None for v in variables)
            for b in doc["results"]["bindings"]
        ]
        return QueryResult("select", variables=variables, rows=rows)

    def graphs(self) -> list[GraphInfo]:
        """Every graph the server's meta graph describes, with what it says."""
        described: dict[str, dict[URIRef, Node]] = {}
        for g, p, o in self._meta_rows():
            if isinstance(g, URIRef) and g != META_GRAPH and p is not None and o is not None:
                described.setdefault(str(g), {})[p] = o  # type: ignore[index]
        if not described:
            return [GraphInfo(URIRef(g), self._count(URIRef(g))) for g in self._described_graphs()]
        return [_graph_info(URIRef(g), props) for g, props in sorted(described.items())]

    def _count(self, graph: URIRef) -> int:
        text = bind_values("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph})
        rows = self._query(text, default=[], named=[str(graph)]).rows
        value = rows[0][0] if rows else None
        return int(value.toPython()) if isinstance(value, Literal) else 0

    def quads(self, graph: URIRef | None = None) -> Iterator[Quad]:
        """Every quad of the described graphs and the meta graph, or of one graph."""
        names = (
            [graph]
            if graph is not None
            else [
                *(URIRef(g) for g in self._described_graphs()),
                META_GRAPH,
            ]
        )
        for name in names:
            for s, p, o in self.export_graph(name):
                yield s, p, o, name

    def export_graph(self, graph: URIRef) -> Graph:
        """One named graph as an rdflib Graph, checked against the server's own count."""
        if self.graph_store_endpoint:
            url = _with_query(self.graph_store_endpoint, {"graph": str(graph)})
            response = self._http.send(
                "GET",
                url,
                None,
                {"Accept": _NT_ACCEPT},
                what="graph download",
                ok_statuses=(404,),
            )
            out = Graph() if response.status == 404 else self._parse_graph(response)
        else:
            text = bind_values(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}
            )
            out = self._query(text, default=[], named=[str(graph)]).graph or Graph()
        expected = self._count(graph)
        if len(out) != expected:
            raise RemoteError(
                f"graph download at {self.endpoint}: got {len(out):,} of the {expected:,} "
                f"triples of {graph}; the server cut the answer (Virtuoso: ResultSetMaxRows)"
            )
        return out

    # ---- writing

    def replace_graph(
        self,
        graph: URIRef,
        triples: Iterable[Triple],
        *,
        source: str | None = None,
        title: str | None = None,
    ) -> int:
        """Replace ``graph`` on the server and describe it in the meta graph.

        Not atomic on the server (see the class notes); returns the triples sent.
        """
        n = self.upload_graph(graph, triples)
        meta = _meta_description(graph, n, source=source, title=title)
        self.write_meta(graph, meta)
        return n

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, source: str | None = None) -> int:
        """Replace several graphs, one after the other; returns the total triples sent."""
        return sum(self.replace_graph(g, content, source=source) for g, content in graphs.items())

    def upload_graph(
        self,
        graph: URIRef,
        triples: Iterable[Triple],
        *,
        batch: int | None = None,
        progress: Callable[[UploadProgress], None] | None = None,
        total: int | None = None,
    ) -> int:
        """Replace the content of ``graph`` on the server, without its description.

        The graph's description is removed from the meta graph first, so until
        :meth:`write_meta` puts one back queries do not count the graph as data.
        """
        chunks = rdflib_chunks(triples, batch or self.default_batch)
        return self.upload_chunks(graph, chunks, progress=progress, total=total)

    def upload_chunks(
        self,
        graph: URIRef,
        chunks: Iterable[Chunk],
        *,
        progress: Callable[[UploadProgress], None] | None = None,
        total: int | None = None,
        touched: Callable[[], None] | None = None,
    ) -> int:
        """:meth:`upload_graph` for triples already cut and serialised; returns the count.

        ``touched`` is called once the server's copy starts to change (its description
        is gone), so a caller can tell an untouched graph from a half-written one.
        """
        if graph == META_GRAPH:
            raise UsageError("the meta graph is written with the graphs it describes")
        _check_iri(graph)
        self.delete_meta(graph)
        if touched:
            touched()
        started = time.perf_counter()
        sent = 0
        first = True
        for chunk in chunks:
            if self.graph_store_endpoint:
                self._gsp_write("PUT" if first else "POST", graph, chunk.text.encode("ascii"))
            else:
                if first:
                    self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")
                self._insert_chunk(graph, chunk, what="graph upload")
            first = False
            sent += chunk.count
            if progress:
                progress(UploadProgress(graph, sent, total, time.perf_counter() - started))
        if first:  # nothing to send: the graph becomes empty
            if self.graph_store_endpoint:
                url = _with_query(self.graph_store_endpoint, {"graph": str(graph)})
                self._http.send("DELETE", url, what="graph delete", ok_statuses=(404,))
            else:
                self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")
            if progress:
                progress(UploadProgress(graph, 0, total, time.perf_counter() - started))
        return sent

    def _gsp_write(self, method: str, graph: URIRef, body: bytes) -> None:
        assert self.graph_store_endpoint is not None
        url = _with_query(self.graph_store_endpoint, {"graph": str(graph)})
        self._http.send(
            method, url, body, {"Content-Type": "application/n-triples"}, what="graph upload"
        )

    def _update(self, text: str, *, what: str) -> None:
        body = urllib.parse.urlencode({"update": text}).encode("ascii")
        self._http.send(
            "POST",
            self.update_endpoint,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "*/*"},
            what=what,
        )

    def delete_meta(self, graph: URIRef) -> None:
        """Remove the description of ``graph`` from the server's meta graph."""
        text = bind_values(
            "DELETE { GRAPH ?m { ?g ?p ?o } } WHERE { GRAPH ?m { ?g ?p ?o } }",
            {"m": META_GRAPH, "g": graph},
        )
        self._update(text, what="meta update")

    def write_meta(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Replace the description of ``graph`` in the server's meta graph with ``triples``."""
        self.delete_meta(graph)
        self._insert(META_GRAPH, list(triples), what="meta update")

    def _insert(self, graph: URIRef, triples: Sequence[Triple], *, what: str) -> None:
        if triples:
            for chunk in rdflib_chunks(triples, max(len(triples), 1)):
                self._insert_chunk(graph, chunk, what=what)

    def _insert_chunk(self, graph: URIRef, chunk: Chunk, *, what: str) -> None:
        block = "{ GRAPH " + nt_term(graph) + " {\n" + chunk.text + "} }"
        if chunk.blank:
            # Virtuoso refuses blank nodes in INSERT DATA; a template with an empty
            # WHERE mints one fresh node per label, which is what the data means.
            self._update("INSERT " + block + " WHERE { }", what=what)
        else:
            self._update("INSERT DATA " + block, what=what)

    def drop_graph(self, graph: URIRef) -> None:
        """Remove a graph and its description; StoreError if the server has neither."""
        if graph == META_GRAPH:
            raise UsageError("the meta graph cannot be dropped; it describes the other graphs")
        _check_iri(graph)
        described = str(graph) in self._described_graphs()
        if not described and self._count(graph) == 0:
            raise StoreError(f"no graph {graph} at {self.endpoint}")
        self.delete_meta(graph)
        if self.graph_store_endpoint:
            url = _with_query(self.graph_store_endpoint, {"graph": str(graph)})
            self._http.send("DELETE", url, what="graph delete", ok_statuses=(404,))
        else:
            self._update(f"DROP SILENT GRAPH {nt_term(graph)}", what="graph drop")

    def set_meta(self, graph: URIRef, key: str, value: Node | None) -> None:
        """Set (or with None remove) one metadata value of a graph on the server."""
        predicate = _META_KEYS.get(key)
        if predicate is None:
            raise UsageError(f"unknown metadata key {key!r}; known: {', '.join(_META_KEYS)}")
        _check_iri(graph)
        text = bind_values(
            "DELETE { GRAPH ?m { ?g ?k ?o } } WHERE { GRAPH ?m { ?g ?k ?o } }",
            {"m": META_GRAPH, "g": graph, "k": predicate},
        )
        self._update(text, what="meta update")
        if value is not None:
            self._insert(META_GRAPH, [(graph, predicate, value)], what="meta update")  # type: ignore[list-item]

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def _with_query(url: str, params: Mapping[str, str]) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


def _check_iri(graph: URIRef) -> None:
    if not isinstance(graph, URIRef):
        raise UsageError(f"a graph name must be an IRI, not {graph!r}")
    nt_term(graph)


def _meta_description(
    graph: URIRef, triples: int, *, source: str | None, title: str | None
) -> list[Triple]:
    now = datetime.now(UTC).replace(microsecond=0)
    out: list[Triple] = [
        (graph, META_TRIPLES, Literal(triples)),
        (graph, META_LOADED, Literal(now)),
    ]
    if source:
        out.append((graph, META_SOURCE, Literal(source)))
    if title:
        out.append((graph, META_TITLE, Literal(title)))
    return out


def _graph_info(graph: URIRef, props: Mapping[URIRef, Node]) -> GraphInfo:
    def value(key: URIRef) -> Any:
        term = props.get(key)
        return term.toPython() if isinstance(term, Literal) else term

    loaded = value(META_LOADED)
    triples = value(META_TRIPLES)
    return GraphInfo(
        iri=graph,
        triples=int(triples) if isinstance(triples, int) else 0,
        source=str(props[META_SOURCE]) if META_SOURCE in props else None,
        loaded_at=loaded if isinstance(loaded, datetime) else None,
        title=str(props[META_TITLE]) if META_TITLE in props else None,
        stale=bool(value(META_STALE)) if META_STALE in props else False,
    )


# --------------------------------------------------------------------------- push


@dataclass
class PushReport:
    """What a push sent: per graph, the triples now on the server."""

    endpoint: str
    graphs: list[tuple[URIRef, int]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Triples sent in all."""
        return sum(n for _g, n in self.graphs)


class PushInterrupted(RemoteError):
    """A push stopped midway; says which graphs reached the server."""

    def __init__(self, message: str, *, done: list[URIRef], partial: URIRef | None):
        super().__init__(message)
        self.done = done
        self.partial = partial


def push(
    source: Store,
    target: RemoteStore,
    graphs: Sequence[URIRef] | None = None,
    *,
    batch: int | None = None,
    progress: Callable[[UploadProgress], None] | None = None,
) -> PushReport:
    """Copy named graphs (default: all) and their descriptions from ``source`` to the server.

    Each graph replaces the server's graph of the same name. ``source`` is only read.
    Stopped midway (an error or Ctrl-C), it raises :class:`PushInterrupted` naming the
    graphs that reached the server; the graph being sent is left without a description
    there, so queries do not treat it as data.
    """
    infos = {info.iri: info for info in source.graphs()}
    # The derived graph goes too (brought up to date first), always and last: it is what
    # the saved questions read, and it must match the data the server ends up with.
    derived_info = getattr(source, "derived_info", None)
    derived = derived_info() if callable(derived_info) else None
    if graphs:
        unknown = [g for g in graphs if g not in infos]
        if META_GRAPH in unknown:
            raise UsageError("the meta graph is pushed with the graphs it describes; name those")
        if unknown:
            raise UsageError(
                f"no graph {unknown[0]} in the store at {source.location}; "
                "'ckg graphs' lists the graphs there"
            )
        chosen = list(dict.fromkeys(graphs))
    else:
        chosen = sorted(infos, key=str)
    if derived is not None and derived.triples > 0:
        infos[DERIVED_GRAPH] = derived
        chosen = [g for g in chosen if g != DERIVED_GRAPH] + [DERIVED_GRAPH]
        # Until the new copy is complete, the server's old one is not part of its data.
        target.delete_meta(DERIVED_GRAPH)
    meta = source.export_graph(META_GRAPH)
    report = PushReport(target.endpoint)
    started = time.perf_counter()
    current: list[URIRef] = []  # the graph whose copy on the server is changing

    try:
        for graph in chosen:
            n = target.upload_chunks(
                graph,
                _source_chunks(source, graph, batch or target.default_batch),
                progress=progress,
                total=infos[graph].triples,
                touched=lambda g=graph: current.append(g),  # type: ignore[misc]
            )
            target.write_meta(graph, _description_of(meta, graph))
            report.graphs.append((graph, n))
            current.clear()
    except (RemoteError, KeyboardInterrupt) as exc:
        done = [g for g, _n in report.graphs]
        partial = current[0] if current else None
        cause = "interrupted" if isinstance(exc, KeyboardInterrupt) else str(exc)
        left = [str(g) for g in chosen if g not in done and g != partial]
        # Say only what this push knows: what it completed, not what the server holds.
        message = f"push to {target.endpoint} stopped: {cause}"
        message += "" if message.endswith((".", "?", "!")) else "."
        if done:
            message += f" Completed by this push: {', '.join(str(g) for g in done)}."
        elif partial is None:
            message += " This push wrote nothing to the server."
        if partial is not None:
            message += f" Left incomplete there (not counted as data): {partial}."
        if left:
            shown = ", ".join(left[:3]) + (f" and {len(left) - 3} more" if len(left) > 3 else "")
            message += f" Not sent: {shown}."
        message += " The local store is unchanged; run the push again to finish."
        raise PushInterrupted(message, done=done, partial=partial) from exc
    report.seconds = time.perf_counter() - started
    return report


def _source_chunks(source: Store, graph: URIRef, size: int) -> Iterator[Chunk]:
    db = getattr(source, "db", None)  # the embedded store's pyoxigraph store, if it is one
    if db is not None and hasattr(db, "quads_for_pattern"):
        return oxigraph_chunks(db, graph, size)
    return rdflib_chunks(((s, p, o) for s, p, o, _g in source.quads(graph)), size)


def _description_of(meta: Graph, graph: URIRef) -> list[Triple]:
    """The triples describing ``graph`` in a meta graph, with blank nodes they lead to."""
    out: list[Triple] = []
    todo: list[Identifier] = [graph]
    seen: set[Identifier] = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in meta.predicate_objects(node):
            out.append((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out
