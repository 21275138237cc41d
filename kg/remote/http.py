"""Talking HTTP to a SPARQL server: credentials, timeouts, retries, and errors in words.

Credentials are sent only after the server asks for them (HTTP Digest, as Virtuoso's
``/sparql-auth`` wants, or Basic); the password is never logged, printed or put in an
error message. A ``User-Agent`` names ckg and its version.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import Message

from kg import __version__
from kg.errors import RemoteError

#: The environment variables holding the server's user and password.
ENV_USER = "CKG_USER"
ENV_PASSWORD = "CKG_PASSWORD"

USER_AGENT = f"ckg/{__version__} (conflict-kg; +https://w3id.org/conflict-kg) SPARQLWrapper/2"


@dataclass
class Response:
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


class Auth:
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
        return f"Auth(user={self.user!r})"

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


class Http:
    """Sends requests with credentials, timeouts, and backoff retries on 429 and 503."""

    #: Bodies above this size trigger a HEAD probe for the auth challenge first.
    PROBE_ABOVE = 64 * 1024

    def __init__(self, auth: Auth | None, timeout: float, retries: int, backoff: float = 0.5):
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
    ) -> Response:
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
                    return Response(resp.status, resp.headers, resp.read(), url)
            except urllib.error.HTTPError as err:
                text = _safe_read(err)
                if err.code in ok_statuses:
                    return Response(err.code, err.headers, text, url)
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
        where = f"{what} at {endpoint_of(url)}"
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
            return f"{where}: 403 Forbidden, the user may not do this here ({snippet(body)})"
        if b"SR186" in body:  # Virtuoso: the anonymous endpoint cannot write
            return (
                f"{where}: the server refused to write for this user ({snippet(body, 160)}); "
                "on Virtuoso write through /sparql-auth as a user with SPARQL_UPDATE"
            )
        if code in (429, 503):
            return f"{where}: {code} {reason}, still busy after {self.retries} retries"
        detail = snippet(body)
        return f"{where}: the server answered {code} {reason}" + (f": {detail}" if detail else "")

    def _describe_failure(self, url: str, what: str, err: BaseException) -> str:
        where = f"{what} at {endpoint_of(url)}"
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


def endpoint_of(url: str) -> str:
    # Messages name the endpoint, not the query string (which may be long).
    p = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((p.scheme, p.netloc, p.path, "", ""))


def snippet(body: bytes, limit: int = 300) -> str:
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


def with_query(url: str, params: Mapping[str, str]) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)
