"""Drive a headless Chromium over the DevTools protocol, to check and time our HTML pages.

Used by the browser tests and ``benchmarks/bench_map.py``; nothing else in :mod:`kg`
needs it. The browser is started with ``--remote-debugging-pipe`` — the protocol runs
over two inherited file descriptors (3: commands in, 4: replies out, NUL-separated JSON),
so no port is opened and no websocket library is needed. Every run gets a fresh profile
folder and every background-networking feature is turned off, so the only requests the
browser makes are those the page makes — which :class:`Page` records.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian's package puts the browser; ``CKG_CHROMIUM`` overrides it.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """The browser could not be started, or did not answer in time."""


def find_chromium() -> str | None:
    """The path of a Chromium executable, or ``None`` when there is none."""
    env = os.environ.get("CKG_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    """What one page did while loaded: console errors, exceptions and requests."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    load_ms: float = 0.0

    def external_requests(self) -> list[str]:
        """Requests for anything but the page itself and inline ``data:`` URIs."""
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def errors(self) -> list[str]:
        """Every console error, uncaught exception and browser-logged error."""
        return self.console_errors + self.exceptions + self.log_errors


class Chromium:
    """One headless browser with one tab; use as a context manager."""

    def __init__(self, executable: str | None = None, *, timeout: float = 30.0):
        exe = executable or find_chromium()
        if not exe:
            raise BrowserError("no Chromium found (install Debian's 'chromium' package)")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="ckg-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:
            # In the child: move both ends out of the way first (either may *be* 3 or 4),
            # then make them fds 3 and 4; dup2 clears close-on-exec, so they survive exec.
            a = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [exe, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"]
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,  # noqa: PLW1509 - runs before any thread touches the fds
            close_fds=False,  # our pipes are close-on-exec; only fds 0-4 reach Chromium
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.session: str | None = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call(
            "Target.attachToTarget", {"targetId": target, "flatten": True}, session=False
        )["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    # -- protocol ---------------------------------------------------------------------

    def _send(self, msg: dict[str, Any]) -> None:
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._to_child, data)
            data = data[n:]

    def _read_one(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the DevTools pipe (did it crash?)")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = True
    ) -> dict[str, Any]:
        """Send one command and wait for its reply (events seen meanwhile are kept)."""
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self._send(msg)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_one(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float | None = None
    ) -> dict[str, Any]:
        """Wait for (and return) the first event matching ``predicate``."""
        for i, ev in enumerate(self._events):
            if predicate(ev):
                return self._events.pop(i)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            msg = self._read_one(deadline)
            if "method" in msg:
                if predicate(msg):
                    return msg
                self._events.append(msg)

    # -- pages -------------------------------------------------------------------------

    def viewport(
        self, width: int, height: int, *, mobile: bool = False, scale: float = 1.0
    ) -> None:
        """Set the window size (and phone emulation)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile},
        )

    def open(self, path: Path) -> Page:
        """Load a local file and wait for its load event; returns what the page did."""
        url = path.resolve().as_uri()
        self._events.clear()
        t0 = time.perf_counter()
        self.call("Page.navigate", {"url": url})
        self.wait_for(lambda m: m["method"] == "Page.loadEventFired")
        page = Page(url=url, load_ms=(time.perf_counter() - t0) * 1000)
        self.collect(page)
        return page

    def collect(self, page: Page) -> None:
        """Move console errors, exceptions and requests seen so far into ``page``."""
        self.evaluate("1")  # flush: events sent before this reply arrive first
        for ev in self._events:
            method, p = ev["method"], ev.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                page.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in p.get("args", []))
                )
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                page.exceptions.append(
                    d.get("exception", {}).get("description") or d.get("text", "exception")
                )
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                page.log_errors.append(p["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                page.requests.append(p.get("request", {}).get("url", ""))
        self._events.clear()

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaits promises)."""
        res = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression[:60]}: {res['exceptionDetails'].get('text')}")
        return res.get("result", {}).get("value")

    def click(self, x: float, y: float) -> None:
        """A real mouse click at viewport coordinates (goes through pointer events)."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {
                    "type": kind,
                    "x": x,
                    "y": y,
                    "button": "left" if kind != "mouseMoved" else "none",
                    "clickCount": 1 if kind != "mouseMoved" else 0,
                },
            )

    def click_selector(self, selector: str, index: int = 0) -> bool:
        """Click the centre of the ``index``-th element matching ``selector``; False if none."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelectorAll({json.dumps(selector)})[{int(index)}];"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        if not box:
            return False
        self.click(box[0], box[1])
        return True

    def screenshot(self, path: Path, *, full_page: bool = False) -> None:
        """Save a PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.call("Page.captureScreenshot", params)["data"]
        path.write_bytes(base64.b64decode(data))

    def print_pdf(self, path: Path) -> None:
        """Print the page to PDF with its print stylesheet (A4)."""
        data = self.call(
            "Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}
        )["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        try:
            self.call("Browser.close", session=False)
        except (BrowserError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> Chromium:  # noqa: PYI034
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
