"""CLAIMTRACE_BACKEND=openai against a real engine: llama-cpp-python's OpenAI-compatible server.

The test starts `python -m llama_cpp.server` (through tests/engine_launcher.py) on the packaged GGUF (assembled and verified by
service.backends.weights) on a free loopback port, then sends the seed article through the HTTP app
with the same checks as tests/test_e2e_model.py. A second engine is frozen, then killed, in the
middle of a request: the caller gets a clear 504, then 503, and never hangs.

llama-cpp-python (`[server]` extra) is pinned in requirements/dev.txt; its first install compiles
llama.cpp with native flags (about 10 minutes on 2 cores; pip keeps the wheel in its cache).
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.base import GenParams
from service.backends.openai import OpenAIBackend
from service.backends.weights import resolve
from service.config import ROOT, get_settings
from service.prompts import load
from service.schema import SummarizeResponse
from tests.invariants import SEED_CHECKS
from tests.test_injection import INJECTION

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None,
                       reason="llama-cpp-python[server] missing: pip install -r requirements/dev.txt"),
]

ALIAS = "qwen2.5-coder-1.5b-instruct-q4_k_m"  # what the engine reports as its model id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Engine:
    def __init__(self, gguf: str, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        threads = str(get_settings().threads)
        self.proc = subprocess.Popen(
            # = python -m llama_cpp.server, without the AMX kernels this sandbox traps (see tests/engine_launcher.py)
            [sys.executable, "-m", "tests.engine_launcher", "--model", gguf, "--model_alias", ALIAS,
             "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "4096", "--n_threads", threads,
             "--n_threads_batch", threads, "--interrupt_requests", "False"],
            stdout=open(log, "wb"), stderr=subprocess.STDOUT, cwd=ROOT,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited {self.proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/models", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not come up:\n{log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def gguf() -> str:
    settings = get_settings()
    return resolve(settings.model, settings.cache_dir, settings.model_sha256).path  # the verified packaged file


def _settings(engine: Engine, gguf: str, tmp: Path, **kw):
    return get_settings().model_copy(update={
        "backend": "openai", "openai_base_url": engine.url, "openai_template": gguf, "cache_dir": tmp,
        "openai_concurrency": 1, "expose_cache": True, "cpu_budget_s": 900.0, **kw,  # attribution is slow on a busy box
    })


@pytest.fixture(scope="module")
def engine_client(gguf, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("openai")
    engine = Engine(gguf, tmp / "engine.log")
    try:
        settings = _settings(engine, gguf, tmp, generation_timeout_s=1800.0)  # a shared 2-core CI box is slow
        with TestClient(create_app(settings, backend=OpenAIBackend(settings))) as client:
            yield client
    finally:
        engine.stop()


@pytest.fixture(scope="module")
def seed_response(engine_client, seed_text):
    resp = engine_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_ready_and_model_named_by_the_engine(engine_client):
    assert engine_client.get("/readyz").status_code == 200
    info = engine_client.get("/v1/model").json()
    assert info == {"name": ALIAS, "backend": "openai", "dtype": None, "sha256": None}
    assert engine_client.app.state.claimtrace.backend.mode == "completions"  # our template + forced prefix


@pytest.mark.parametrize("check", SEED_CHECKS, ids=lambda f: f.__name__)
def test_seed(check, seed_response, seed_text):  # the same checks as tests/test_e2e_model.py
    check(seed_response, seed_text)


def test_model_named_by_the_engine(seed_response):
    assert seed_response["model"]["backend"] == "openai"
    assert seed_response["model"]["name"] == ALIAS


def test_repeat_request_is_cached_with_the_remote_model_in_the_id(engine_client, seed_text, seed_response):
    resp = engine_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.headers["X-Cache"] == "hit"
    assert resp.json()["id"] == seed_response["id"]


def _tokens(engine_root: str, text: str) -> list[int]:
    # llama_cpp.server tokenizes with special-token parsing on, as it does a /completions prompt
    r = httpx.post(f"{engine_root}/extras/tokenize", json={"input": text}, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()["tokens"]


def test_article_markup_never_reaches_the_engine_as_control_tokens(engine_client):
    backend = engine_client.app.state.claimtrace.backend
    root = backend.base_url.removesuffix("/v1")
    control = {ids[0] for ids in (_tokens(root, t) for t in backend.template.specials) if len(ids) == 1}
    assert len(control) >= 3  # <|im_start|>, <|im_end|>, <|endoftext|>, ...

    def prompt(content: str) -> str:
        messages = load("summarize.v2").render(source="The council", description=None, content=content,
                                               sentence=content, prefix="The council said", style="prose")
        return backend._body(backend.info.name, messages, "The council said", GenParams())[1]["prompt"]

    benign, hostile = prompt("The council approved the budget on Tuesday."), prompt(INJECTION)
    n_template = sum(t in control for t in _tokens(root, benign))
    assert n_template > 0 and sum(t in control for t in _tokens(root, hostile)) == n_template
    assert "HACKED 9999" in hostile  # the article stays readable, as data


def test_the_engine_follows_no_injected_template_tokens(engine_client):
    from eval.injection import check, load_cases, request

    [case] = load_cases(only=["template-tokens"])
    resp = engine_client.post("/v1/summarize", json=request(case, max_sentences=2).model_dump(mode="json", exclude_none=True))
    assert resp.status_code == 200, resp.text
    outcome = check(case, SummarizeResponse.model_validate(resp.json()))
    assert not outcome.followed and outcome.summary, outcome


def _post_in_background(client, text):
    out: dict = {}

    def send():
        t0 = time.monotonic()
        out["resp"] = client.post("/v1/summarize", json={"text": text, "options": {"max_sentences": 2}})
        out["seconds"] = time.monotonic() - t0

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread, out


def _wait_for_engine_request(backend: OpenAIBackend, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while backend.in_flight == 0:
        assert time.monotonic() < deadline, "the request never reached the engine"
        time.sleep(0.02)
    time.sleep(0.3)  # inside the generation


def test_engine_frozen_then_killed_mid_request(gguf, seed_text, tmp_path):
    engine = Engine(gguf, tmp_path / "engine.log")
    try:
        settings = _settings(engine, gguf, tmp_path, generation_timeout_s=6.0, openai_max_retries=2)
        backend = OpenAIBackend(settings)
        with TestClient(create_app(settings, backend=backend, cache=False)) as client:
            ready = time.monotonic() + 600  # a busy engine may take minutes to answer the start-up probe
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < ready, "the engine never became ready"
                time.sleep(1)
            # frozen (SIGSTOP): the answer stops streaming; the time budget ends the request
            thread, out = _post_in_background(client, seed_text)
            _wait_for_engine_request(backend)
            os.kill(engine.proc.pid, signal.SIGSTOP)
            thread.join(timeout=60)
            assert not thread.is_alive(), "the request hung on a frozen engine"
            assert out["resp"].status_code == 504, out["resp"].text
            assert out["resp"].json()["error"]["code"] == "generation_timeout"
            os.kill(engine.proc.pid, signal.SIGCONT)

            # killed (SIGKILL): the connection drops, retries find nobody, a clear 503
            thread, out = _post_in_background(client, seed_text.replace("Kursk", "Kursk ", 1))
            _wait_for_engine_request(backend)
            engine.proc.kill()
            thread.join(timeout=60)
            assert not thread.is_alive(), "the request hung on a dead engine"
            body = out["resp"].json()
            assert out["resp"].status_code == 503, body
            assert body["error"]["code"] == "engine_unavailable" and "Retry-After" in out["resp"].headers
            assert out["seconds"] < 30
            ready = client.get("/readyz")
            assert ready.status_code == 503 and "unreachable" in ready.json()["error"]["message"]
    finally:
        engine.stop()
