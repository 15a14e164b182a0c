"""The newsroom page in a real headless browser (Debian chromium via Playwright), fake backend.

The app runs under uvicorn on a free loopback port. Screenshots of every run land in
tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import csv
import html
import io
import json
import threading
import time
from pathlib import Path

import httpx
import pytest

from service.api.app import create_app
from service.backends.fake import FakeBackend
from service.config import Settings
from tests.browser import Page, chromium
from tests.live_server import live_server

# Reads the view's shadow DOM: the claim highlights, their colours and the sources panel.
VIEW_STATE = """() => {
  const root = document.querySelector('claimtrace-view').shadowRoot;
  const text = (el) => {
    const c = el.cloneNode(true);
    c.querySelectorAll('.ct-label, .ct-sr').forEach((n) => n.remove());
    return c.textContent;
  };
  const heads = [...root.querySelectorAll('.ct-text .ct-claim.ct-head')];
  const pieces = (id) => [...root.querySelectorAll(`.ct-text .ct-claim[data-claim="${id}"]`)].map(text).join('');
  return {
    heads: heads.map((m) => ({
      id: m.dataset.claim, source: m.dataset.source, label: m.querySelector('.ct-label').textContent,
      background: getComputedStyle(m).backgroundColor, outline: getComputedStyle(m).outlineStyle,
      text: pieces(m.dataset.claim), focusable: m.tabIndex === 0,
    })),
    swatches: Object.fromEntries([...root.querySelectorAll('.ct-source')].map((b) =>
      [b.dataset.source, getComputedStyle(b.querySelector('.ct-swatch')).backgroundColor])),
    sources: [...root.querySelectorAll('.ct-source')].map((b) => b.innerText),
    articleText: text(root.querySelector('.ct-text')),
    removed: [...root.querySelectorAll('.ct-text .ct-removed')].map((r) => ({reason: r.dataset.reason, color: getComputedStyle(r).color})),
    chips: [...root.querySelectorAll('.ct-chip')].map((c) => c.dataset.claim),
    warnings: [...root.querySelectorAll('.ct-warnings li')].map((li) => li.textContent),
  };
}"""

# the claim highlight that has the focus (citation chips carry data-claim too: not those)
ACTIVE_CLAIM = """() => {
  const a = document.querySelector('claimtrace-view').shadowRoot.activeElement;
  return a && a.classList.contains('ct-claim') ? a.dataset.claim : null;
}"""


WARM_UP = "Dockworkers returned to work on Monday, the port authority said.\n"


class SlowFake(FakeBackend):
    """The fake model; while `slow` is set, generate waits until released (the cancel test)."""

    def __init__(self):
        super().__init__()
        self.slow = False
        self.release = threading.Event()
        self.waiting = threading.Event()

    def generate(self, prompts, params):
        if self.slow:
            self.waiting.set()
            self.release.wait(15)
        return super().generate(prompts, params)


@pytest.fixture(scope="module")
def backend():
    return SlowFake()


@pytest.fixture(scope="module")
def server(tmp_path_factory, backend):
    settings = Settings(backend="fake", cache_dir=tmp_path_factory.mktemp("page-cache"))
    with live_server(create_app(settings, backend=backend)) as base:
        # spaCy and the tagger load on the first request: take that here, not inside a page's 60 s wait
        # (on a loaded 2-core box the first analysis once passed 60 s)
        warm = httpx.post(f"{base}/v1/summarize", json={"text": WARM_UP, "options": {"summarize": False}}, timeout=600)
        assert warm.status_code == 200, warm.text
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser, server):
    pages = []

    def open_page(width=1280, path="/"):
        p = Page(browser, server, width)
        pages.append(p)
        # the Swagger bundle is ~1.5 MB: on a loaded 2-core CI box the default 30 s can pass
        p.page.goto(server + path, timeout=120_000)
        return p

    yield open_page
    for p in pages:
        assert p.errors == [], p.errors
        assert p.off_server() == [], p.off_server()  # no request ever leaves the server
        p.close()


def _analyse(p: Page, text: str, timeout_ms: int = 60_000) -> dict:
    pg = p.page
    pg.fill("#article", text)
    pg.click("#run")
    pg.wait_for_selector("claimtrace-view .ct-result:not([hidden]), #error:not([hidden])", timeout=timeout_ms)
    assert not pg.locator("#error").is_visible(), pg.locator("#error").inner_text()
    result_id = pg.evaluate("() => new URLSearchParams(location.search).get('id')")
    assert result_id, pg.url
    resp = httpx.get(f"{p.base}/v1/results/{result_id}", timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _check_highlights(state: dict, response: dict, text: str) -> None:
    claims = {c["id"]: c for c in response["claims"]}
    sources = {s["id"]: s for s in response["sources"]}
    assert len(state["heads"]) == len(response["claims"])
    assert {h["id"] for h in state["heads"]} == set(claims)
    colours = {}
    for h in state["heads"]:
        claim = claims[h["id"]]
        assert h["source"] == claim["source_id"] and h["focusable"]
        assert h["text"] == claim["content"]["text"], h["id"]
        if sources[claim["source_id"]]["type"] == "reporter":
            assert h["label"].startswith("R") and h["background"] == "rgba(0, 0, 0, 0)" and h["outline"] == "dashed"
        else:
            assert h["label"].startswith(claim["source_id"].upper())
            assert h["background"] == state["swatches"][claim["source_id"]], h  # the source's colour
            colours.setdefault(h["background"], set()).add(claim["source_id"])
    assert all(len(ids) == 1 for ids in colours.values()), colours  # one colour per source
    assert state["articleText"] == text  # the article as sent: junk greyed, never hidden or rewritten
    assert [r["reason"] for r in state["removed"]] == [r["reason"] for r in response["document"]["removed"]]


def test_seed_article_highlighted_cited_and_exported(page, seed_text):
    p = page(1280)
    response = _analyse(p, seed_text)
    pg = p.page
    state = pg.evaluate(VIEW_STATE)
    _check_highlights(state, response, seed_text)
    panel = "\n".join(state["sources"])
    for name in ("Shoigu", "Korean Central News Agency", "South Korean intelligence"):
        assert name in panel, panel
    assert state["chips"] == [c for s in response["summary"] for c in s["claim_ids"]]
    assert state["warnings"] == response["warnings"]
    # progress: every stage reported, with its time
    stages = pg.eval_on_selector_all("#stages li", "els => els.map(e => [e.dataset.stage, e.className, e.querySelector('.time').textContent])")
    assert [s[0] for s in stages] == ["ingest", "segment", "attribute", "summarize", "verify"]
    assert all(cls == "done" and t.endswith(" s") for _, cls, t in stages), stages

    # a citation chip moves focus to its claim
    chip = pg.locator("claimtrace-view .ct-chip").last
    cited = chip.get_attribute("data-claim")
    chip.click()
    assert pg.evaluate(ACTIVE_CLAIM) == cited
    tip = pg.locator("claimtrace-view .ct-tip")
    assert tip.is_visible()
    claim = next(c for c in response["claims"] if c["id"] == cited)
    source = next(s for s in response["sources"] if s["id"] == claim["source_id"])
    assert source["name"] in tip.inner_text() and source["type"] in tip.inner_text()

    # the sources panel: select Shoigu, step through his claims
    shoigu = next(s for s in response["sources"] if "Shoigu" in s["name"])
    his = sorted((c for c in response["claims"] if c["source_id"] == shoigu["id"]), key=lambda c: c["content"]["start"])
    pg.locator(f'claimtrace-view .ct-source[data-source="{shoigu["id"]}"]').click()
    assert pg.locator(f'claimtrace-view .ct-source[data-source="{shoigu["id"]}"]').get_attribute("aria-pressed") == "true"
    for c in his + his[:1]:  # wraps around
        pg.locator("claimtrace-view .ct-next").click()
        assert pg.evaluate(ACTIVE_CLAIM) == c["id"]
    other = next(c for c in response["claims"] if c["source_id"] != shoigu["id"])
    assert pg.locator(f'claimtrace-view .ct-claim.ct-head[data-claim="{other["id"]}"]').evaluate(
        "m => getComputedStyle(m).backgroundColor") == "rgba(0, 0, 0, 0)"  # the others fade
    pg.locator("claimtrace-view .ct-all").click()
    # the filter box narrows the list
    pg.locator("claimtrace-view .ct-filter-input").fill("intelligence")
    assert pg.locator("claimtrace-view .ct-source:visible").count() == 1
    pg.locator("claimtrace-view .ct-filter-input").fill("")

    # exports: CSV of claims, Markdown brief, JSON
    with pg.expect_download() as dl:
        pg.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert [r["claim_id"] for r in rows] == [c["id"] for c in response["claims"]]
    assert rows[0].keys() >= {"source", "source_type", "kind", "cue", "content", "start", "end"}
    assert any(r["source"] == shoigu["name"] and r["cue"] == "told reporters" for r in rows)
    with pg.expect_download() as dl:
        pg.click("#export-md")
    brief = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "## Summary" in brief and "## Claims by source" in brief and f"### {shoigu['name']}" in brief
    with pg.expect_download() as dl:
        pg.click("#export-json")
    exported = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert exported["id"] == response["id"] and exported["document"]["text"] == seed_text
    p.screenshot("page-1280.png")


def test_narrow_screen_and_permalink(page, seed_text):
    first = page(1280)
    response = _analyse(first, seed_text)
    p = page(390, f"/?id={response['id']}")  # the permalink, on a phone-sized screen
    pg = p.page
    pg.locator("claimtrace-view .ct-result").wait_for(state="visible", timeout=30_000)
    _check_highlights(pg.evaluate(VIEW_STATE), response, seed_text)
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    p.screenshot("page-390.png")


def test_keyboard_reaches_claims_and_selects_a_source(page, seed_text):
    p = page(1280)
    response = _analyse(p, seed_text)
    pg = p.page
    for _ in range(80):
        pg.keyboard.press("Tab")
        if pg.evaluate(ACTIVE_CLAIM):
            break
    claim_id = pg.evaluate(ACTIVE_CLAIM)
    assert claim_id, "no claim reachable with Tab"
    assert pg.locator("claimtrace-view .ct-tip").is_visible()  # focus shows the details
    pg.keyboard.press("Enter")  # selects the claim's source
    source_id = next(c["source_id"] for c in response["claims"] if c["id"] == claim_id)
    assert pg.locator(f'claimtrace-view .ct-source[data-source="{source_id}"]').get_attribute("aria-pressed") == "true"


def test_empty_text_shows_the_error_message(page):
    p = page(1280)
    pg = p.page
    pg.fill("#article", "   ")
    pg.click("#run")
    error = pg.locator("#error")
    error.wait_for(state="visible", timeout=15_000)
    assert "empty" in error.inner_text()
    assert not pg.locator("#result").is_visible()


def test_an_html_file_is_read_and_sent_as_html(page, tmp_path, seed_text):
    paragraphs = [p for p in seed_text.split("\n\n") if "Shoigu" in p or "Korean" in p][:4]
    html = "<html><head><title>x</title></head><body><article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    path = tmp_path / "story.html"
    path.write_text(html, encoding="utf-8")
    p = page(1280)
    pg = p.page
    pg.set_input_files("#file", str(path))
    pg.locator("#file-name", has_text="story.html").wait_for(timeout=5_000)
    assert pg.input_value("#format") == "html" and pg.input_value("#article") == html
    pg.uncheck("#summarize")  # claims only
    pg.click("#run")
    pg.wait_for_selector("claimtrace-view .ct-result:not([hidden]), #error:not([hidden])", timeout=30_000)
    result_id = pg.evaluate("() => new URLSearchParams(location.search).get('id')")
    response = httpx.get(f"{p.base}/v1/results/{result_id}", timeout=30).json()
    assert response["summary"] == [] and response["document"]["text"]  # an html request: the extracted text
    _check_highlights(pg.evaluate(VIEW_STATE), response, response["document"]["text"])
    assert not pg.locator("claimtrace-view .ct-summary").is_visible()  # none asked for: no empty section
    assert pg.eval_on_selector_all("#stages li", "els => els.map(e => e.dataset.stage)") == ["ingest", "segment", "attribute", "verify"]


def test_unknown_permalink_shows_not_found(page):
    p = page(1280, "/?id=" + "0" * 64)
    error = p.page.locator("#error")
    error.wait_for(state="visible", timeout=15_000)
    assert "no stored result" in error.inner_text()


def test_cancel_stops_the_run(page, backend, seed_text):
    p = page(1280)
    pg = p.page
    backend.release.clear()
    backend.slow = True
    try:
        pg.fill("#article", seed_text.replace("Tuesday", "Monday", 1))  # not in the results cache
        pg.click("#run")
        assert backend.waiting.wait(30), "the model was never called"
        _cancel_while_summarizing(pg)
    finally:
        backend.slow = False
        backend.release.set()
    assert pg.locator("#run").is_enabled() and not pg.locator("#cancel").is_visible()
    assert not pg.locator("#result").is_visible() and not pg.locator("#error").is_visible()


def _cancel_while_summarizing(pg):
    pg.locator('#stages li.running[data-stage="summarize"]').wait_for(timeout=5_000)
    assert pg.locator("#cancel").is_visible()
    pg.click("#cancel")
    pg.locator("#progress-h", has_text="Cancelled").wait_for(timeout=5_000)


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info"), ("/redoc", "redoc-wrap, .api-content")])
def test_docs_render_offline(page, path, ready):
    p = page(1280, path)
    p.page.locator(ready).first.wait_for(timeout=30_000)
    assert "ClaimTrace" in p.page.inner_text("body")


def test_embedded_view_on_another_origin(browser, tmp_path_factory, seed_text):
    """A CMS page on its own origin drops in the module and <claimtrace-view>; CORS lets it call the API."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    cms_page = {"html": ""}
    cms = Starlette(routes=[Route("/story", lambda request: HTMLResponse(cms_page["html"]))])
    with live_server(cms) as cms_base:
        settings = Settings(backend="fake", cache_dir=tmp_path_factory.mktemp("embed-cache"), cors_origins=[cms_base])
        with live_server(create_app(settings, backend=FakeBackend())) as api:
            stored = httpx.post(f"{api}/v1/summarize", json={"text": seed_text}, timeout=60).json()
            short = html.escape("Harbor Strike Ends\n\nDockworkers returned to work on Monday, the port authority said.\n\n"
                                "“We have a deal that protects every job,” said Ilse Marek, the union’s president.\n", quote=True)
            cms_page["html"] = f"""<!doctype html><html><head><title>CMS</title></head><body>
<h1>Our story</h1>
<script type="module" src="{api}/static/claimtrace-view.js"></script>
<claimtrace-view id="by-id" api="{api}" result-id="{stored['id']}"></claimtrace-view>
<claimtrace-view id="by-text" api="{api}" summary="off" article="{short}"></claimtrace-view>
</body></html>"""
            p = Page(browser, cms_base, 1280)
            p.page.goto(cms_base + "/story")
            for which in ("by-id", "by-text"):
                p.page.wait_for_selector(f"#{which} .ct-result:not([hidden])", timeout=30_000)
            heads = p.page.locator("#by-id .ct-claim.ct-head").count()
            assert heads == len(stored["claims"])
            assert p.page.locator("#by-text .ct-claim.ct-head").count() >= 1
            assert "Ilse Marek" in p.page.locator("#by-text .ct-sources").inner_text()
            assert p.errors == []
            assert all(u.startswith((cms_base + "/", api + "/")) for u in p.requests), p.requests
            assert [u for u in p.off_server() if u.startswith("proxy: ")] == []  # nothing else, workers included
            p.screenshot("embed-1280.png")
            p.close()


def test_weak_claims_warnings_and_unverified_sentences_are_shown(page, seed_text):
    first = page(1280)
    response = _analyse(first, seed_text)
    weak = response["claims"][0]["id"]
    for c in response["claims"]:
        if c["id"] == weak:
            c["confidence"] = 0.3
    response["warnings"] = ["summary sentence 2 was replaced by an extractive fallback"]
    response["summary"][0]["verified"] = False
    pg = first.page
    pg.evaluate("([r, t]) => document.getElementById('view').setResult(r, t)", [response, seed_text])
    mark = pg.locator(f'claimtrace-view .ct-claim.ct-head[data-claim="{weak}"]')
    assert "ct-low" in mark.get_attribute("class") and mark.locator(".ct-label").inner_text().endswith("?")
    stripes = mark.evaluate("m => getComputedStyle(m).backgroundImage")
    assert "repeating-linear-gradient" in stripes  # weaker: striped over its source colour
    mark.focus()
    assert "30% (low)" in pg.locator("claimtrace-view .ct-tip").inner_text()
    assert pg.locator("claimtrace-view .ct-warnings").inner_text().count("extractive fallback") == 1
    assert pg.locator("claimtrace-view .ct-sentences li").first.locator(".ct-unverified").is_visible()
    pg.locator("claimtrace-view .ct-legend summary").click()  # the key explains every style
    legend = pg.locator("claimtrace-view .ct-legend").inner_text()
    for words in ("cue", "source mention", "unsourced", "confidence below 0.6", "removed"):
        assert words in legend, legend
    first.screenshot("page-styles-1280.png")


def test_the_off_server_check_sees_page_and_worker_requests(browser, server):
    """The "no request leaves the server" check is not vacuous: an image the page asks for elsewhere is
    seen by Playwright, and a worker's request (which Playwright's events miss) by the browser's proxy."""
    p = Page(browser, server, 1280)
    try:
        p.page.goto(server + "/", timeout=120_000)
        p.page.evaluate("""() => {
          new Image().src = 'http://203.0.113.9/pixel.png';
          const code = "fetch('https://cdn.example.org/lib.js').catch(() => {})";
          new Worker(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));
        }""")
        expected = {"http://203.0.113.9/pixel.png", "proxy: CONNECT cdn.example.org:443 HTTP/1.1"}
        deadline = time.monotonic() + 20
        while not expected <= set(p.off_server()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert expected <= set(p.off_server()), p.off_server()
    finally:
        p.close()
