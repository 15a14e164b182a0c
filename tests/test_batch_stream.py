"""POST /v1/batch, POST /v1/summarize/stream and GET /v1/results/{id}, fake backend.

Streaming and disconnects go through a real uvicorn on a loopback port (a test client would
buffer the body); the rest through the in-process test client.
"""
from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.fake import FakeBackend
from tests.invariants import assert_invariants
from tests.live_server import live_server

ARTICLES = [
    "Harbor Strike Ends\n\nDockworkers in Port Velna returned to work on Monday after a nine-day strike, "
    "the port authority said.\n\n“We have a deal that protects every job,” said Ilse Marek, the union’s president.\n",
    "Bridge Closed\n\nThe Kessel bridge will stay closed until June, the city engineer, Tomas Ruehl, told "
    "reporters on Friday. He said cracks were found in two of its piers.\n",
    "Water Rates\n\nWater bills in Arnholm will rise by 4 percent next year, according to a notice from the "
    "utility board. The board said the money would pay for new pipes.\n",
]


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture()
def client(fake_settings):
    with TestClient(create_app(fake_settings, backend=FakeBackend())) as c:
        yield c


def test_batch_answers_in_input_order(client):
    resp = client.post("/v1/batch", json={"items": [{"text": t} for t in ARTICLES]})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/x-ndjson")
    lines = _lines(resp.text)
    assert [line["index"] for line in lines] == [0, 1, 2]
    for line, text in zip(lines, ARTICLES):
        assert line["status"] == 200 and "cache" not in line  # only with CLAIMTRACE_EXPOSE_CACHE
        assert line["response"]["document"]["length"] == len(text)
        assert_invariants(line["response"], text)
    # each item is the same response /v1/summarize gives (from the cache the batch filled)
    assert client.post("/v1/summarize", json={"text": ARTICLES[1]}).json() == lines[1]["response"]


def test_batch_reports_per_item_errors_and_runs_the_rest(client):
    items = [{"text": ARTICLES[0]}, {"text": "   "}, {"text": ARTICLES[1], "colour": "red"}, "not an object",
             {"text": "Advertisement\nSubscribe now for all of The Times."}, {"text": ARTICLES[2], "options": {"summarize": False}}]
    lines = _lines(client.post("/v1/batch", json={"items": items}).text)
    assert [line["index"] for line in lines] == list(range(len(items)))
    assert [line["status"] for line in lines] == [200, 422, 422, 422, 422, 200]
    assert "empty" in lines[1]["error"]["message"]
    assert "colour" in lines[2]["error"]["message"]
    assert "object" in lines[3]["error"]["message"]
    assert "boilerplate" in lines[4]["error"]["message"]
    assert all(set(line["error"]) == {"code", "message"} for line in lines if line["status"] != 200)
    assert lines[5]["response"]["summary"] == []
    assert "Traceback" not in json.dumps(lines)


def test_batch_bound_and_shape(fake_settings):
    settings = fake_settings.model_copy(update={"max_batch": 2})
    with TestClient(create_app(settings, backend=FakeBackend(), cache=False)) as client:
        resp = client.post("/v1/batch", json={"items": [{"text": t} for t in ARTICLES]})
        assert resp.status_code == 413 and resp.json()["error"]["code"] == "input_too_large"
        assert "limit is 2" in resp.json()["error"]["message"]
        assert client.post("/v1/batch", json={"items": [{"text": t} for t in ARTICLES[:2]]}).status_code == 200
        for bad in ({"items": []}, {}, {"items": "x"}, {"items": [], "extra": 1}):
            resp = client.post("/v1/batch", json=bad)
            assert resp.status_code == 422 and set(resp.json()) == {"error"}, bad


class Gated(FakeBackend):
    """The fake model, counting its generate calls; the `block_from`-th and later wait for `gate`."""

    def __init__(self, block_from: int = 10**9):
        super().__init__()
        self.block_from = block_from
        self.gate = threading.Event()
        self.blocked = threading.Event()
        self.n = 0

    def generate(self, prompts, params):
        self.n += 1
        if self.n >= self.block_from:
            self.blocked.set()
            self.gate.wait(20)
        return super().generate(prompts, params)


def _calls_per_article(fake_settings) -> int:
    backend = Gated()
    with TestClient(create_app(fake_settings, backend=backend, cache=False)) as client:
        assert client.post("/v1/summarize", json={"text": ARTICLES[0]}).status_code == 200
    assert backend.n >= 1
    return backend.n


def test_batch_streams_each_line_as_it_finishes_and_stops_on_disconnect(fake_settings):
    per_article = _calls_per_article(fake_settings)
    backend = Gated(block_from=per_article + 1)  # item 0 runs, item 1 blocks in the model
    app = create_app(fake_settings, backend=backend, cache=False)
    state = app.state.claimtrace
    with live_server(app) as base:
        with httpx.Client(timeout=20) as http:
            with http.stream("POST", f"{base}/v1/batch", json={"items": [{"text": t} for t in ARTICLES] * 2}) as resp:
                assert resp.status_code == 200
                lines = resp.iter_lines()  # kept: dropping the iterator closes the response
                first = json.loads(next(lines))
                # the first line arrived while the second item is still in the model
                assert first["index"] == 0 and first["status"] == 200
                assert backend.blocked.wait(10)
            # the client has gone: the item under way stops at its next check, the rest never start
        backend.gate.set()
        for _ in range(200):
            if state.in_flight == 0:
                break
            time.sleep(0.02)
        time.sleep(0.5)
        assert state.in_flight == 0  # its queue slot is back
        assert backend.n == per_article + 1, "items after the disconnect were run"


def test_stream_reports_stages_then_the_response(client):
    resp = client.post("/v1/summarize/stream", json={"text": ARTICLES[0], "title": "Harbor"})
    assert resp.status_code == 200
    events = _lines(resp.text)
    assert [e["stage"] for e in events[:-1]] == ["ingest", "segment", "attribute", "summarize", "verify"]
    elapsed = [e["elapsed_ms"] for e in events[:-1]]
    assert elapsed == sorted(elapsed)
    last = events[-1]
    assert last["event"] == "result" and "cache" not in last
    assert_invariants(last["response"], ARTICLES[0])
    again = _lines(client.post("/v1/summarize/stream", json={"text": ARTICLES[0], "title": "Harbor"}).text)
    assert again == [{"event": "result", "response": last["response"]}]  # from the cache, no stages


def test_cache_hits_are_reported_only_when_exposed(fake_settings):
    settings = fake_settings.model_copy(update={"expose_cache": True})
    with TestClient(create_app(settings, backend=FakeBackend())) as client:
        first = _lines(client.post("/v1/batch", json={"items": [{"text": ARTICLES[0]}, {"text": ARTICLES[0]}]}).text)
        assert [line["cache"] for line in first] == ["miss", "hit"]
        assert _lines(client.post("/v1/summarize/stream", json={"text": ARTICLES[0]}).text)[-1]["cache"] == "hit"


def test_stream_errors(client, fake_settings):
    resp = client.post("/v1/summarize/stream", json={"text": ""})  # invalid: an envelope, not a stream
    assert resp.status_code == 422 and "empty" in resp.json()["error"]["message"]
    events = _lines(client.post("/v1/summarize/stream", json={"text": "Advertisement\nSubscribe now."}).text)
    assert events[-1]["event"] == "error" and events[-1]["status"] == 422
    assert events[-1]["error"]["code"] == "invalid_input" and "boilerplate" in events[-1]["error"]["message"]
    app = create_app(fake_settings, backend=None, cache=False)
    app.state.claimtrace.load = lambda: None  # still loading
    with TestClient(app) as loading:
        resp = loading.post("/v1/summarize/stream", json={"text": ARTICLES[0]})
        assert resp.status_code == 503 and resp.json()["error"]["code"] == "model_not_ready"
        resp = loading.post("/v1/batch", json={"items": [{"text": ARTICLES[0]}]})
        assert resp.status_code == 503


def test_stream_disconnect_cancels_the_run(fake_settings):
    backend = Gated(block_from=1)
    app = create_app(fake_settings, backend=backend, cache=False)
    with live_server(app) as base:
        with httpx.Client(timeout=20) as http:
            with http.stream("POST", f"{base}/v1/summarize/stream", json={"text": ARTICLES[1]}) as resp:
                stages = []
                for line in resp.iter_lines():
                    stages.append(json.loads(line)["stage"])
                    if stages[-1] == "summarize":
                        break
                assert backend.blocked.wait(10)
        backend.gate.set()
        time.sleep(0.5)
        assert app.state.claimtrace.in_flight == 0
        assert backend.n == 1  # the verify stage never ran a model call


def test_results_permalink(client):
    body = client.post("/v1/summarize/stream", json={"text": ARTICLES[2]}).text
    response = _lines(body)[-1]["response"]
    got = client.get(f"/v1/results/{response['id']}")
    assert got.status_code == 200
    data = got.json()
    assert data["document"]["text"] == ARTICLES[2]  # stored with it, so the page can draw the article
    data["document"]["text"] = None
    assert data == response
    for missing in ["0" * 64, "nope", response["id"][:-1]]:
        resp = client.get(f"/v1/results/{missing}")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


def test_results_without_cache_is_404(fake_client):
    resp = fake_client.get("/v1/results/" + "a" * 64)
    assert resp.status_code == 404 and set(resp.json()) == {"error"}
