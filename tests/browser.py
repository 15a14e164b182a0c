"""Headless Debian chromium driven by Playwright, for the page tests (never Playwright's own browser build)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # git-ignored: screenshots of each run


@contextmanager
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """A page that records every request it makes and every script error it hits."""

    def __init__(self, browser, base: str, width: int, height: int = 900):
        self.base = base
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
        """Requests to anywhere but this server (blob: URLs of downloads are made by the page itself)."""
        ok = (self.base + "/", f"blob:{self.base}/")
        return [u for u in self.requests if not u.startswith(ok) and u != self.base]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self):
        self.context.close()
