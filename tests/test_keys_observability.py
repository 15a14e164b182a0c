"""API keys, per-key limits, request ids, JSON logs and /metrics, all through HTTP (fake model)."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import time

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.auth import add_key
from service.api.observability import JsonFormatter, RequestIdFilter
from service.backends.fake import FakeBackend
from service.cli import main as cli_main
from service.config import Settings

ARTICLE = "The minister said on Tuesday that fuel duty would rise by 3 percent in April."
CLAIMS_ONLY = {"text": ARTICLE, "options": {"summarize": False}}


class SlowBackend(FakeBackend):
    """Holds each generate() until released, and logs from inside the pipeline's worker thread."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def generate(self, prompts, params):
        logging.getLogger("service.test").info("generating %d", len(prompts))
        self.entered.set()
        self.release.wait(30)
        return super().generate(prompts, params)


def _client(tmp_path, backend=None, **kw):
    settings = Settings(backend="fake", cache_dir=tmp_path, **kw)
    return TestClient(create_app(settings, backend=backend or FakeBackend()))


@pytest.fixture()
def keyfile(tmp_path):
    path = tmp_path / "keys.txt"
    return path, add_key(path, "newsroom"), add_key(path, "wire-desk")


@pytest.fixture()
def json_logs():
    """Capture the root logger's output through the JSON formatter, as `claimtrace serve` writes it."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_keys_file_holds_hashes_only(keyfile):
    path, key, _ = keyfile
    text = path.read_text()
    assert key not in text
    assert f"{hashlib.sha256(key.encode()).hexdigest()} newsroom" in text.splitlines()


def test_cli_keys_add(tmp_path, capsys):
    path = tmp_path / "k.txt"
    assert cli_main(["keys", "add", "ops", "--file", str(path)]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("ct_") and len(key) > 40
    assert path.read_text() == f"{hashlib.sha256(key.encode()).hexdigest()} ops\n"
    assert cli_main(["keys", "add", "ops", "--file", str(path)]) == 1  # one key a label


def test_routes_need_a_key_except_health_and_page(tmp_path, keyfile, json_logs):
    path, key, other = keyfile
    with _client(tmp_path, api_keys_file=path) as client:
        r = client.post("/v1/summarize", json=CLAIMS_ONLY)
        assert r.status_code == 401
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
        err = r.json()["error"]
        assert err["code"] == "unauthorized" and err["request_id"] == r.headers["X-Request-ID"]
        bad = client.post("/v1/summarize", json=CLAIMS_ONLY, headers={"Authorization": "Bearer " + key[:-1] + "x"})
        assert bad.status_code == 401 and bad.json()["error"]["message"] == "invalid API key"
        assert client.get("/metrics").status_code == 401
        for public in ("/healthz", "/readyz", "/"):
            assert client.get(public).status_code != 401, public
        for k in (key, other):
            ok = client.post("/v1/summarize", json=CLAIMS_ONLY, headers={"Authorization": f"Bearer {k}"})
            assert ok.status_code == 200, ok.text
        # a key added while the server runs works without a restart
        time.sleep(1.1)
        late = add_key(path, "late")
        assert client.get("/v1/model", headers={"Authorization": f"Bearer {late}"}).status_code == 200
    lines = json_logs()
    dump = json.dumps(lines)
    for k in (key, other, late, hashlib.sha256(key.encode()).hexdigest()):
        assert k not in dump  # neither keys nor their hashes are ever logged
    assert any(line.get("key") == "newsroom" and line.get("status") == 200 for line in lines)


def test_rate_limit_is_per_key(tmp_path, keyfile):
    path, key, other = keyfile
    with _client(tmp_path, api_keys_file=path, rate_limit_per_min=6, rate_burst=2) as client:
        h = {"Authorization": f"Bearer {key}"}
        assert [client.get("/v1/model", headers=h).status_code for _ in range(2)] == [200, 200]
        r = client.get("/v1/model", headers=h)
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(r.headers["Retry-After"]) <= 10  # one token every 10 s
        assert client.get("/v1/model", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_concurrency_cap_per_key(tmp_path, keyfile):
    path, key, other = keyfile
    backend = SlowBackend()
    with _client(tmp_path, backend=backend, api_keys_file=path, key_concurrency=1) as client:
        h = {"Authorization": f"Bearer {key}"}
        out = {}
        t = threading.Thread(target=lambda: out.setdefault("r", client.post("/v1/summarize", json={"text": ARTICLE}, headers=h)))
        t.start()
        assert backend.entered.wait(60)
        second = client.post("/v1/summarize", json=CLAIMS_ONLY, headers=h)
        assert second.status_code == 429 and "Retry-After" in second.headers
        assert client.post("/v1/summarize", json=CLAIMS_ONLY, headers={"Authorization": f"Bearer {other}"}).status_code == 200
        backend.release.set()
        t.join(60)
        assert out["r"].status_code == 200
        assert client.post("/v1/summarize", json=CLAIMS_ONLY, headers=h).status_code == 200  # the slot came back


def test_request_id_on_every_response_and_log_line(tmp_path, json_logs):
    backend = SlowBackend()
    backend.release.set()
    with _client(tmp_path, backend=backend) as client:
        r = client.post("/v1/summarize", json={"text": ARTICLE}, headers={"X-Request-ID": "edit-desk:42"})
        assert r.status_code == 200 and r.headers["X-Request-ID"] == "edit-desk:42"
        fresh = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
        assert fresh.headers["X-Request-ID"] != "bad id with spaces" and len(fresh.headers["X-Request-ID"]) == 32
        err = client.post("/v1/summarize", json={"text": "  "}, headers={"X-Request-ID": "abc"})
        assert err.status_code == 422 and err.json()["error"]["request_id"] == "abc"
        missing = client.get("/nope")
        assert missing.json()["error"]["request_id"] == missing.headers["X-Request-ID"]
    lines = json_logs()
    inside = [line for line in lines if line["logger"] == "service.test"]
    assert inside and inside[0]["request_id"] == "edit-desk:42"  # from the pipeline's worker thread
    access = [line for line in lines if line.get("event") == "request" and line["request_id"] == "edit-desk:42"]
    assert access and access[0]["route"] == "/v1/summarize" and access[0]["status"] == 200
    assert all({"ts", "level", "logger", "msg"} <= set(line) for line in lines)


def _metric(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            head = line.split(" ")[0]
            if head == name or head.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{labels} not in /metrics")


def test_metrics(tmp_path):
    with _client(tmp_path) as client:
        assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200
        assert client.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200  # from the store
        assert client.post("/v1/summarize", json={"text": ""}).status_code == 422
        m = client.get("/metrics")
        assert m.status_code == 200 and m.headers["content-type"].startswith("text/plain")
        text = m.text
    assert _metric(text, "claimtrace_requests_total", route="/v1/summarize", status="200") == 2
    assert _metric(text, "claimtrace_requests_total", route="/v1/summarize", status="422") == 1
    assert _metric(text, "claimtrace_request_seconds_count", route="/v1/summarize") == 3
    for stage in ("ingest", "segment", "attribute", "summarize", "verify"):
        assert _metric(text, "claimtrace_stage_seconds_count", stage=stage) == 1
    assert _metric(text, "claimtrace_model_tokens_total") > 0
    assert _metric(text, "claimtrace_model_tokens_per_second_count") >= 1
    assert _metric(text, "claimtrace_queue_depth", queue="model") == 0
    assert _metric(text, "claimtrace_cache_lookups_total", result="hit") == 1
    assert _metric(text, "claimtrace_cache_lookups_total", result="miss") == 1
