"""Headless Debian chromium driven by Playwright, for the page tests (never Playwright's own browser build).

"No request leaves the server" is checked twice: Playwright's request events of each page (the
page and its frames), and a proxy every non-loopback connection of the browser goes to (so also
workers, which Playwright's events miss). The proxy records the request line and answers 502, so
nothing reaches the network even on a connected machine. Loopback is never proxied (Chromium's
implicit bypass), so the test servers are reached directly.
"""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored: screenshots of each run


# Chromium's own services (component updates, its clock, account checks) call these hosts from the
# browser process whatever the page does; a page's own request to them is still caught by Page.off_server.
BROWSER_SERVICE_HOSTS = (".google.com", ".googleapis.com", ".gvt1.com")


class OffServerSink:
    """An HTTP proxy that forwards nothing: it records each request line (GET http://…, CONNECT host:443)."""

    def __init__(self):
        self.lines: list[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._serve, name="off-server-sink", daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with conn:
                try:
                    conn.settimeout(5)
                    head = conn.recv(8192).split(b"\r\n", 1)[0].decode("latin-1")
                    if head:
                        self.lines.append(head)
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def page_requests(self, start: int = 0) -> list[str]:
        """What reached the proxy (from line `start` on), without the browser's own service calls."""
        def host(line: str) -> str:
            target = line.split(" ")[1] if " " in line else line
            return target.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].lower()
        return [line for line in self.lines[start:] if not host(line).endswith(BROWSER_SERVICE_HOSTS)]

    def close(self) -> None:
        self._sock.close()


@contextmanager
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    sink = OffServerSink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[*ARGS, f"--proxy-server=http://127.0.0.1:{sink.port}"])
        browser.off_server_sink = sink  # read by Page.off_server
        try:
            yield browser
        finally:
            browser.close()
            sink.close()


class Page:
    """A page that records every request it makes and every script error it hits."""

    def __init__(self, browser, base: str, width: int, height: int = 900):
        self.base = base
        self.sink: OffServerSink = browser.off_server_sink
        self._sink_from = len(self.sink.lines)
        # reduced motion: a citation jump scrolls at once, so the next click lands where it aims
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                           reduced_motion="reduce")
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        # an HTTP error status the page asked for (and shows) is not a script error
        if message.type == "error" and "the server responded with a status of" not in message.text:
            self.errors.append(message.text)

    def off_server(self) -> list[str]:
        """Requests to anywhere but this server (blob: URLs of downloads are made by the page itself): seen by
        Playwright, or by the proxy since this page opened (workers' requests are seen there only)."""
        ok = (self.base + "/", f"blob:{self.base}/")
        seen = [u for u in self.requests if not u.startswith(ok) and u != self.base]
        return seen + [f"proxy: {line}" for line in self.sink.page_requests(self._sink_from)]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()

