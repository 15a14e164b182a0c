"""DESIGN.md invariants, checked on every response the tests produce."""
from __future__ import annotations

import re


def assert_invariants(response: dict, document_text: str) -> None:
    spans = []
    for c in response["claims"]:
        spans += [s for s in (c["content"], c.get("cue"), c.get("source_mention")) if s]
    for s in response["sources"]:
        spans += s["mentions"]
    for span in spans:
        assert document_text[span["start"] : span["end"]] == span["text"], span
    source_ids = {s["id"] for s in response["sources"]}
    claim_ids = {c["id"] for c in response["claims"]}
    assert len(source_ids) == len(response["sources"]) and len(claim_ids) == len(response["claims"])
    reporters = [s for s in response["sources"] if s["type"] == "reporter"]
    assert len(reporters) <= 1
    for c in response["claims"]:
        assert c["source_id"] in source_ids
        assert 0.0 <= c["confidence"] <= 1.0
        if c["kind"] == "unsourced":
            assert c["source_id"] == reporters[0]["id"]
        else:
            assert c["source_id"] not in {r["id"] for r in reporters}
    for sentence in response["summary"]:
        assert set(sentence["claim_ids"]) <= claim_ids
    for r in response["document"]["removed"]:
        assert 0 <= r["start"] < r["end"] <= len(document_text)


# ---- the seed article's checks, shared by every end-to-end test of it (in-process model, engines)


def seed_summary_mentions_key_facts(response: dict, seed_text: str) -> None:
    summary = " ".join(s["text"] for s in response["summary"])
    assert re.search(r"(?<![\d,])(5,000|5000)|five thousand", summary), response["summary"]
    assert "Kursk" in summary, response["summary"]
    for sentence in response["summary"]:
        assert sentence["claim_ids"], sentence


def seed_summary_names_shoigu_for_the_workers(response: dict, seed_text: str) -> None:
    sources = {s["id"]: s for s in response["sources"]}
    claims = {c["id"]: c for c in response["claims"]}
    for sentence in response["summary"]:
        if re.search(r"(?<![\d,])5,000", sentence["text"]):  # not the 15,000 of another source
            assert "Shoigu" in sentence["text"] or "Russian official" in sentence["text"], sentence
            assert any("Shoigu" in sources[claims[c]["source_id"]]["name"] for c in sentence["claim_ids"])


def seed_summary_names_south_korean_intelligence_for_the_15000(response: dict, seed_text: str) -> None:
    sentences = [s["text"] for s in response["summary"] if "15,000" in s["text"]]
    assert sentences, response["summary"]
    assert all("South Korea" in s and "intelligence" in s for s in sentences), sentences


def seed_workers_claim_attributed_to_shoigu(response: dict, seed_text: str) -> None:
    sources = {s["id"]: s for s in response["sources"]}
    workers = [c for c in response["claims"] if "5,000 construction workers" in c["content"]["text"]]
    assert workers, "no claim covers the 5,000 workers"
    assert all("Shoigu" in sources[c["source_id"]]["name"] for c in workers)
    assert workers[0]["kind"] != "unsourced"


def seed_junk_lines_removed(response: dict, seed_text: str) -> None:
    removed = response["document"]["removed"]
    plain = seed_text.replace("\xa0", " ")  # same length: no-break spaces become spaces

    def is_removed(needle: str) -> bool:
        start = plain.index(needle)
        return any(r["start"] <= start and start + len(needle) <= r["end"] for r in removed)

    assert is_removed("Sponsor:")
    assert is_removed("QWIKET: Elevate your fantasy game! Interactive Sports Knowledge and Reasoning")
    assert is_removed("Thank you for your patience while we verify access.")
    assert is_removed("Already a subscriber? Log in.")
    assert is_removed("Want all of The Times? Subscribe.")
    for claim in response["claims"]:
        c = claim["content"]
        assert not any(r["start"] <= c["start"] < r["end"] for r in removed), claim


# parametrize a test over these: @pytest.mark.parametrize("check", SEED_CHECKS, ids=lambda f: f.__name__)
SEED_CHECKS = (assert_invariants, seed_summary_mentions_key_facts, seed_summary_names_shoigu_for_the_workers,
               seed_summary_names_south_korean_intelligence_for_the_15000, seed_workers_claim_attributed_to_shoigu,
               seed_junk_lines_removed)
