"""service/respond.py: the response is assembled from the stages, an ungrounded span never leaves the
service (dropped and warned), dangling references are removed or refused, and the id moves with
everything that can change the answer."""
from __future__ import annotations

import pytest

from service.attribute import Attribution
from service.ingest import Document
from service.repair import Summary
from service.respond import respond, response_id
from service.schema import Claim, ModelInfo, Source, Span, SummarizeOptions, SummarizeRequest, SummarySentence

TEXT = "Ann Lee said the bridge will close. The river is wide."
MODEL = ModelInfo(name="m", backend="fake")


def claim(cid: str, start: int, end: int, source_id: str = "s1", text: str | None = None) -> Claim:
    span = Span(start=start, end=end, text=text if text is not None else TEXT[start:end])
    return Claim(id=cid, kind="indirect", content=span, source_id=source_id, confidence=0.9)


def make(claims, sources=None, sentences=(), html=False, request=None):
    doc = Document(text=TEXT, from_html=html) if html else Document(text=TEXT)
    sources = sources if sources is not None else [
        Source(id="s1", name="Ann Lee", type="person", mentions=[Span.of(TEXT, 0, 7)])]
    req = request or SummarizeRequest(text=TEXT)
    return respond(req, doc, Attribution(claims=claims, sources=sources, warnings=["attr note"]),
                   Summary(sentences=list(sentences), warnings=["sum note"]), MODEL, {"summarize": "summarize.v3"},
                   {"ingest": 1.234})


def test_grounded_claims_pass_and_warnings_are_collected():
    r = make([claim("c1", 13, 34)], sentences=[SummarySentence(text="Lee said it closes.", claim_ids=["c1"])])
    assert [c.id for c in r.claims] == ["c1"] and r.claims[0].content.text == "the bridge will close"
    assert r.summary[0].claim_ids == ["c1"]
    assert "attr note" in r.warnings and "sum note" in r.warnings
    assert r.timings_ms == {"ingest": 1.2}
    assert r.document.length == len(TEXT) and r.document.text is None  # text requests: offsets index the input


def test_ungrounded_claim_is_dropped_and_citations_to_it_removed():
    bad = claim("c2", 13, 34, text="the bridge will CLOSE")
    r = make([claim("c1", 13, 34), bad], sentences=[SummarySentence(text="x", claim_ids=["c1", "c2"])])
    assert [c.id for c in r.claims] == ["c1"]
    assert r.summary[0].claim_ids == ["c1"]
    assert any("c2 dropped" in w for w in r.warnings)


def test_ungrounded_mention_is_dropped_with_a_warning():
    src = Source(id="s1", name="Ann Lee", type="person",
                 mentions=[Span.of(TEXT, 0, 7), Span(start=8, end=12, text="SAID")])
    r = make([claim("c1", 13, 34)], sources=[src])
    assert r.sources[0].mentions == [Span.of(TEXT, 0, 7)]
    assert any("s1: 1 ungrounded mention" in w for w in r.warnings)


def test_a_claim_without_its_source_is_a_bug():
    with pytest.raises(RuntimeError, match="unknown sources"):
        make([claim("c1", 13, 34, source_id="s9")])


def test_html_requests_return_the_text_the_offsets_index():
    r = make([], html=True, request=SummarizeRequest(html="<p>x</p>"))
    assert r.document.text == TEXT


def test_response_id_moves_with_model_prompts_and_options():
    req = SummarizeRequest(text=TEXT)
    base = response_id(TEXT, MODEL, {"summarize": "summarize.v3"}, req)
    assert base == response_id(TEXT, MODEL, {"summarize": "summarize.v3"}, SummarizeRequest(text=TEXT))
    others = {
        response_id(TEXT + " ", MODEL, {"summarize": "summarize.v3"}, req),
        response_id(TEXT, ModelInfo(name="m", backend="fake", sha256="ab"), {"summarize": "summarize.v3"}, req),
        response_id(TEXT, MODEL, {"summarize": "summarize.v2"}, req),
        response_id(TEXT, MODEL, {"summarize": "summarize.v3"},
                    SummarizeRequest(text=TEXT, options=SummarizeOptions(max_sentences=2))),
    }
    assert base not in others and len(others) == 4
