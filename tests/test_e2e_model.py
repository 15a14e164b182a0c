"""The seed article through the HTTP app on the real default model (no fakes)."""
from __future__ import annotations

import pytest

from tests.invariants import SEED_CHECKS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_response(real_client, seed_text):
    resp = real_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("check", SEED_CHECKS, ids=lambda f: f.__name__)
def test_seed(check, seed_response, seed_text):
    check(seed_response, seed_text)


def test_model_is_the_packaged_one(seed_response):
    assert seed_response["model"]["backend"] == "transformers"
    assert seed_response["model"]["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def test_repeat_request_is_cached(real_client, seed_text, seed_response):
    resp = real_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.headers["X-Cache"] == "hit"
    assert resp.json()["id"] == seed_response["id"]
