"""HTTP behaviour through the app with a fake backend: status and error body for each rule."""
from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.base import GenParams
from service.backends.fake import FakeBackend
from service.errors import GenerationTimeout
from tests.invariants import assert_invariants

ARTICLE = (
    "Harbor Strike Ends\n\n"
    "Dockworkers in Port Velna returned to work on Monday after a nine-day strike, the port authority said.\n\n"
    "“We have a deal that protects every job,” said Ilse Marek, the union’s president. She added that "
    "the agreement raises wages by 6 percent over two years.\n\n"
    "The strike halted about 40 ships.\n"
)


def _error(resp, status: int, code: str) -> str:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert "Traceback" not in resp.text
    return body["error"]["message"]


def test_health_ready_model(fake_client):
    assert fake_client.get("/healthz").json() == {"status": "ok"}
    assert fake_client.get("/readyz").json() == {"status": "ready"}
    assert fake_client.get("/v1/model").json()["backend"] == "fake"
    assert "/v1/summarize" in fake_client.get("/openapi.json").json()["paths"]
    assert fake_client.get("/docs").status_code == 200


def test_summarize_shape_and_invariants(fake_client):
    resp = fake_client.post("/v1/summarize", json={"text": ARTICLE, "title": "Harbor Strike Ends", "url": "https://news.example/a"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert_invariants(body, ARTICLE)
    assert body["document"]["title"] == "Harbor Strike Ends" and body["document"]["url"] == "https://news.example/a"
    assert len(body["id"]) == 64 and body["prompt_versions"] == {"summarize": "summarize.v3", "repair": "repair.v1"}
    assert body["document"]["length"] == len(ARTICLE)
    assert {"ingest", "attribute", "summarize", "verify", "total"} <= set(body["timings_ms"])
    assert any(s["name"] == "Ilse Marek" for s in body["sources"])
    assert body["summary"], body["warnings"]


def test_empty_and_whitespace_text_is_422(fake_client):
    for text in ["", "   \n\t "]:
        msg = _error(fake_client.post("/v1/summarize", json={"text": text}), 422, "invalid_input")
        assert "empty" in msg


def test_text_and_html_both_or_neither_is_422(fake_client):
    assert "exactly one" in _error(fake_client.post("/v1/summarize", json={"text": "a", "html": "<p>b</p>"}), 422, "invalid_input")
    assert "exactly one" in _error(fake_client.post("/v1/summarize", json={"title": "x"}), 422, "invalid_input")


def test_malformed_json_and_unknown_fields_are_422(fake_client):
    resp = fake_client.post("/v1/summarize", content=b"{not json", headers={"content-type": "application/json"})
    _error(resp, 422, "invalid_input")
    _error(fake_client.post("/v1/summarize", json={"text": ARTICLE, "colour": "red"}), 422, "invalid_input")
    _error(fake_client.post("/v1/summarize", json={"text": ARTICLE, "options": {"max_sentences": 9}}), 422, "invalid_input")


def test_body_over_limit_is_413(fake_client):
    msg = _error(fake_client.post("/v1/summarize", json={"text": "word " * 3000}), 413, "input_too_large")
    assert "limit" in msg
    big = "x" * 50_000
    _error(fake_client.post("/v1/summarize", json={"text": big}), 413, "input_too_large")


def test_only_boilerplate_is_422(fake_client):
    msg = _error(fake_client.post("/v1/summarize", json={"text": "Advertisement\nSubscribe now for all of The Times."}), 422, "invalid_input")
    assert "boilerplate" in msg


def test_html_request_returns_document_text(fake_client):
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:]) + "</article></body></html>"
    resp = fake_client.post("/v1/summarize", json={"html": html})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    text = body["document"]["text"]
    assert "Ilse Marek" in text and "<p>" not in text
    assert_invariants(body, text)


def test_not_ready_is_503_with_retry_after(fake_settings):
    app = create_app(fake_settings, backend=None, cache=False)
    app.state.claimtrace.load = lambda: None  # keep "loading" forever
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        resp = client.get("/readyz")
        _error(resp, 503, "model_not_ready")
        assert resp.headers["Retry-After"] == "10"
        _error(client.post("/v1/summarize", json={"text": ARTICLE}), 503, "model_not_ready")


class SlowBackend(FakeBackend):
    def generate(self, prompts, params: GenParams):
        raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s")


def test_generation_timeout_is_504(fake_settings):
    with TestClient(create_app(fake_settings, backend=SlowBackend(), cache=False)) as client:
        msg = _error(client.post("/v1/summarize", json={"text": ARTICLE}), 504, "generation_timeout")
        assert "time budget" in msg


def test_queue_full_is_503(fake_settings):
    gate = threading.Event()

    class Blocking(FakeBackend):
        def generate(self, prompts, params):
            gate.wait(5)
            return super().generate(prompts, params)

    settings = fake_settings.model_copy(update={"max_queue": 1})
    with TestClient(create_app(settings, backend=Blocking(), cache=False)) as client:
        t = threading.Thread(target=lambda: client.post("/v1/summarize", json={"text": ARTICLE}))
        t.start()
        state = client.app.state.claimtrace
        for _ in range(100):
            if state.in_flight:
                break
            threading.Event().wait(0.02)
        resp = client.post("/v1/summarize", json={"text": ARTICLE + " "})
        gate.set()
        t.join()
        _error(resp, 503, "overloaded")
        assert resp.headers["Retry-After"]


def test_results_cache_serves_repeat(fake_settings):
    backend = FakeBackend()
    settings = fake_settings.model_copy(update={"expose_cache": True})  # X-Cache is off by default
    with TestClient(create_app(settings, backend=backend)) as client:
        first = client.post("/v1/summarize", json={"text": ARTICLE})
        calls = len(backend.calls)
        second = client.post("/v1/summarize", json={"text": ARTICLE})
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert first.json() == second.json()
    assert calls > 0 and len(backend.calls) == calls  # the repeat never reached the model


def test_internal_error_has_no_stack_trace(fake_settings):
    class Broken(FakeBackend):
        def generate(self, prompts, params):
            raise KeyError("boom")

    with TestClient(create_app(fake_settings, backend=Broken(), cache=False), raise_server_exceptions=False) as client:
        msg = _error(client.post("/v1/summarize", json={"text": ARTICLE}), 500, "internal_error")
        assert "internal error" in msg and "KeyError" not in msg  # internal class names stay in the log


def test_cors_origins(fake_settings):
    settings = fake_settings.model_copy(update={"cors_origins": ["https://editor.example"]})
    with TestClient(create_app(settings, backend=FakeBackend(), cache=False)) as client:
        resp = client.options("/v1/summarize", headers={"Origin": "https://editor.example", "Access-Control-Request-Method": "POST"})
        assert resp.headers["access-control-allow-origin"] == "https://editor.example"
