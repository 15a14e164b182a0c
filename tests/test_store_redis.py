"""CLAIMTRACE_STORE_URL=redis://…: two app instances share results through a real redis-server.

The server (Debian's redis-server, installed by scripts/setup.sh) runs on a free loopback port for
this module; it is stopped and restarted mid-run to check that a store outage never fails a request.
"""
from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service import store as store_mod
from service.api.app import create_app
from service.backends.fake import FakeBackend
from service.config import Settings
from service.store import RedisStore

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not Path(REDIS).exists(), reason="redis-server missing: run scripts/setup.sh")

ARTICLE = "The minister said on Tuesday that fuel duty would rise by 3 percent in April. Critics disagreed."
OTHER = "Police said 40 people attended the rally, but organisers said the crowd numbered 200."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture()
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _app(tmp: Path, url: str):
    backend = FakeBackend()
    settings = Settings(backend="fake", cache_dir=tmp, store_url=url)
    return TestClient(create_app(settings, backend=backend)), backend


def test_two_instances_share_results(redis_server, tmp_path):
    a, backend_a = _app(tmp_path / "a", redis_server.url)
    b, backend_b = _app(tmp_path / "b", redis_server.url)
    with a, b:
        assert isinstance(a.app.state.claimtrace.cache.inner, RedisStore)  # inside /metrics' hit counter
        first = a.post("/v1/summarize", json={"text": ARTICLE})
        assert first.status_code == 200, first.text
        assert backend_a.calls
        again = b.post("/v1/summarize", json={"text": ARTICLE})
        assert again.status_code == 200
        assert again.json() == first.json()
        assert backend_b.calls == []  # served from the shared store, not recomputed
        rid = first.json()["id"]
        link = b.get(f"/v1/results/{rid}")  # the permalink works on the other replica
        assert link.status_code == 200 and link.json()["id"] == rid


def test_redis_restart_degrades_to_no_cache(redis_server, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(store_mod, "RETRY_AFTER_FAILURE_S", 0.2)
    a, backend_a = _app(tmp_path / "a", redis_server.url)
    b, backend_b = _app(tmp_path / "b", redis_server.url)
    with a, b:
        assert a.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200
        redis_server.stop()
        with caplog.at_level(logging.WARNING, logger="service.store"):
            t0 = time.monotonic()
            down = a.post("/v1/summarize", json={"text": OTHER})  # accepted and answered without a store
            assert down.status_code == 200, down.text
            assert time.monotonic() - t0 < 5
            assert b.post("/v1/summarize", json={"text": ARTICLE}).status_code == 200  # a miss, recomputed
            assert b.get(f"/v1/results/{down.json()['id']}").status_code == 404
        assert any("unavailable" in r.getMessage() and "without a cache" in r.getMessage() for r in caplog.records)
        assert not any(r.levelno >= logging.ERROR for r in caplog.records)
        redis_server.start()  # same port, empty (no persistence)
        time.sleep(0.3)
        calls = len(backend_b.calls)
        up = a.post("/v1/summarize", json={"text": OTHER})
        assert up.status_code == 200
        assert b.post("/v1/summarize", json={"text": OTHER}).json() == up.json()
        assert len(backend_b.calls) == calls  # shared again once Redis is back
        assert b.get(f"/v1/results/{up.json()['id']}").status_code == 200
