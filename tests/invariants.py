"""DESIGN.md invariants, checked on every response the tests produce."""
from __future__ import annotations


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
