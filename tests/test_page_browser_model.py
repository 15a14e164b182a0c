"""The seed article through the newsroom page on the real default model, in headless chromium."""
from __future__ import annotations

import httpx
import pytest

from service.api.app import create_app
from service.config import get_settings
from tests.browser import ARTIFACTS, Page, chromium
from tests.live_server import live_server
from tests.test_page_browser import ACTIVE_CLAIM, VIEW_STATE, _check_highlights

pytestmark = pytest.mark.model


def test_seed_end_to_end_in_the_browser(real_backend, seed_text, tmp_path):
    settings = get_settings().model_copy(update={"cache_dir": tmp_path})
    with live_server(create_app(settings, backend=real_backend)) as base, chromium() as browser:
        p = Page(browser, base, 1280)
        pg = p.page
        pg.goto(base + "/")
        pg.fill("#article", seed_text)
        pg.click("#run")
        # the model takes a while: the page says which stage is running meanwhile
        pg.locator('#stages li.running[data-stage="summarize"]').wait_for(timeout=120_000)
        pg.wait_for_selector("claimtrace-view .ct-result:not([hidden]), #error:not([hidden])", timeout=600_000)
        assert not pg.locator("#error").is_visible(), pg.locator("#error").inner_text()
        result_id = pg.evaluate("() => new URLSearchParams(location.search).get('id')")
        response = httpx.get(f"{base}/v1/results/{result_id}").json()
        assert response["model"]["backend"] == "transformers"

        state = pg.evaluate(VIEW_STATE)
        _check_highlights(state, response, seed_text)
        panel = "\n".join(state["sources"])
        for name in ("Shoigu", "Korean Central News Agency", "South Korean intelligence"):
            assert name in panel, panel
        summary = pg.locator("claimtrace-view .ct-sentences").inner_text()
        assert "5,000" in summary and "Kursk" in summary, summary
        assert state["chips"], "no citation chips"
        assert state["chips"] == [c for s in response["summary"] for c in s["claim_ids"]]
        for i, claim_id in enumerate(state["chips"]):
            pg.locator("claimtrace-view .ct-chip").nth(i).click()
            assert pg.evaluate(ACTIVE_CLAIM) == claim_id
        times = pg.eval_on_selector_all("#stages li", "els => els.map(e => [e.dataset.stage, e.className])")
        assert all(cls == "done" for _, cls in times), times
        p.screenshot("page-model-1280.png")
        # one screen of the result (the README's picture is one of these)
        pg.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, document.querySelector('#result').offsetTop - 8); }")
        pg.screenshot(path=str(ARTIFACTS / "page-model-1280-screen.png"))
        assert p.errors == [] and p.off_server() == []
        p.close()
