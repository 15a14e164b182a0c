"""The seed article through the HTTP app on the real default model (no fakes)."""
from __future__ import annotations

import re

import pytest

from tests.invariants import assert_invariants

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_response(real_client, seed_text):
    resp = real_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_invariants(seed_response, seed_text):
    assert_invariants(seed_response, seed_text)
    assert seed_response["model"]["backend"] == "transformers"
    assert seed_response["model"]["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"


def test_summary_mentions_key_facts(seed_response):
    summary = " ".join(s["text"] for s in seed_response["summary"])
    assert re.search(r"(?<![\d,])(5,000|5000)|five thousand", summary), seed_response["summary"]
    assert "Kursk" in summary, seed_response["summary"]
    for sentence in seed_response["summary"]:
        assert sentence["claim_ids"], sentence


def test_summary_names_shoigu_for_the_workers(seed_response):
    sources = {s["id"]: s for s in seed_response["sources"]}
    claims = {c["id"]: c for c in seed_response["claims"]}
    for sentence in seed_response["summary"]:
        if re.search(r"(?<![\d,])5,000", sentence["text"]):  # not the 15,000 of another source
            assert "Shoigu" in sentence["text"] or "Russian official" in sentence["text"], sentence
            assert any("Shoigu" in sources[claims[c]["source_id"]]["name"] for c in sentence["claim_ids"])


def test_summary_names_south_korean_intelligence_for_the_15000(seed_response):
    sentences = [s["text"] for s in seed_response["summary"] if "15,000" in s["text"]]
    assert sentences, seed_response["summary"]
    assert all("South Korea" in s and "intelligence" in s for s in sentences), sentences


def test_workers_claim_attributed_to_shoigu(seed_response):
    sources = {s["id"]: s for s in seed_response["sources"]}
    workers = [c for c in seed_response["claims"] if "5,000 construction workers" in c["content"]["text"]]
    assert workers, "no claim covers the 5,000 workers"
    assert all("Shoigu" in sources[c["source_id"]]["name"] for c in workers)
    assert workers[0]["kind"] != "unsourced"


def test_junk_lines_removed(seed_response, seed_text):
    removed = seed_response["document"]["removed"]

    plain = seed_text.replace("\xa0", " ")  # same length: no-break spaces become spaces

    def is_removed(needle: str) -> bool:
        start = plain.index(needle)
        return any(r["start"] <= start and start + len(needle) <= r["end"] for r in removed)

    assert is_removed("Sponsor:")
    assert is_removed("QWIKET: Elevate your fantasy game! Interactive Sports Knowledge and Reasoning")
    assert is_removed("Thank you for your patience while we verify access.")
    assert is_removed("Already a subscriber? Log in.")
    assert is_removed("Want all of The Times? Subscribe.")
    for claim in seed_response["claims"]:
        c = claim["content"]
        assert not any(r["start"] <= c["start"] < r["end"] for r in removed), claim


def test_repeat_request_is_cached(real_client, seed_text, seed_response):
    resp = real_client.post("/v1/summarize", json={"text": seed_text, "options": {"max_sentences": 3}})
    assert resp.headers["X-Cache"] == "hit"
    assert resp.json()["id"] == seed_response["id"]
