"""PolNeAR (BRAT) adapter on an invented sample in tests/data/brat-mini (never PolNeAR text)."""
from __future__ import annotations

from pathlib import Path

import pytest

from eval.adapters import GoldSpan
from eval.adapters.polnear import BratError, load_polnear, parse_ann, parse_spans
from eval.metrics import aggregate, score_article
from service.schema import SummarizeResponse

MINI = Path(__file__).parent / "data" / "brat-mini"


def test_parse_spans_discontinuous():
    assert parse_spans("12 20;25 30") == GoldSpan(((12, 20), (25, 30)))
    assert len(parse_spans("12 20;25 30")) == 13


def test_loads_articles_one_annotator_each():
    arts = load_polnear(MINI)
    assert [a.id for a in arts] == ["tern_2024-01-01_bridge", "tern_2024-01-02_vote"]
    bridge = arts[0]
    assert bridge.notes == ("annotations: tern_2024-01-01_bridge_a1b2.ann",)  # first annotator, not zz99
    assert bridge.origin == "polnear" and bridge.summary is None and not bridge.labels_unsourced
    assert load_polnear(MINI, limit=1) == arts[:1]
    assert [a.id for a in load_polnear(MINI, only=["tern_2024-01-02_vote"])] == ["tern_2024-01-02_vote"]


def test_conversion_offsets_pieces_no_source_discard():
    bridge = load_polnear(MINI)[0]
    t = bridge.text
    mayor, quote, critics = bridge.attributions  # anchors ignored: three relations, three attributions
    assert mayor.content.text(t) == "the harbour bridge will reopen in May"
    assert mayor.source == "Mayor Ilse Vandermeer" and mayor.cue_text == "said"
    assert [t[s:e] for s, e in mayor.source_spans[0].pieces] == ["Mayor Ilse Vandermeer"]
    # a quote split by its cue: two pieces, offsets kept
    assert [t[s:e] for s, e in quote.content.pieces] == ["“The repairs are on schedule,”", "“and under budget.”"]
    assert quote.source == "she" and quote.source_type is None and quote.kind is None
    # Attribution-no-source: content and cue kept, no source (skipped for source accuracy)
    assert critics.source is None and critics.names == () and critics.cue_text == "fear"
    # Discard is junk, never gold; Discuss is ignored
    assert [j.text(t) for j in bridge.junk] == ["Subscribe to the Daily Tern for more."]
    assert all("Subscribe" not in a.content.text(t) for a in bridge.attributions)


def test_crlf_offsets_and_second_content_role():
    vote = load_polnear(MINI)[1]
    assert "\r\n" in vote.text  # read with newline="": offsets count the \r
    council = vote.attributions[1]
    assert [vote.text[s:e] for s, e in council.content.pieces] == ["appeals are closed", "fees refunded"]


def test_offsets_that_disagree_with_the_annotation_text_fail_loudly():
    with pytest.raises(BratError, match="offsets give"):
        parse_ann("T1\tSource 0 3\tBob\n", "Ann said so.")


def _response(text: str, claims: list[dict], sources: list[dict]) -> SummarizeResponse:
    return SummarizeResponse.model_validate({
        "id": "x", "model": {"name": "t", "backend": "t"}, "prompt_versions": {}, "document": {"length": len(text)},
        "summary": [], "claims": claims, "sources": sources})


def _span(text: str, needle: str) -> dict:
    s = text.index(needle)
    return {"start": s, "end": s + len(needle), "text": needle}


def test_scored_with_the_same_metrics():
    bridge = load_polnear(MINI)[0]
    t = bridge.text
    claims = [
        # mayor: found, exact, source by name
        {"id": "c1", "kind": "indirect", "content": _span(t, "the harbour bridge will reopen in May"),
         "cue": _span(t, "said"), "source_id": "s1", "confidence": 0.9},
        # the split quote as one claim per piece, same source: found by the union; source by mention span "she"
        {"id": "c2", "kind": "direct", "content": _span(t, "The repairs are on schedule,"),
         "source_mention": _span(t, "she"), "source_id": "s1", "confidence": 0.9},
        {"id": "c3", "kind": "direct", "content": _span(t, "and under budget."), "source_id": "s1", "confidence": 0.9},
        # the Discard line predicted as a claim: a false positive, counted as junk
        {"id": "c4", "kind": "indirect", "content": _span(t, "Subscribe to the Daily Tern for more."),
         "source_id": "s2", "confidence": 0.3},
    ]
    sources = [{"id": "s1", "name": "Ilse Vandermeer", "type": "person"},
               {"id": "s2", "name": "Daily Tern", "type": "media"}]
    s = score_article(bridge, _response(t, claims, sources))
    c = s.counts
    assert (c.gold_attr, c.gold_found_lenient, c.gold_found_exact) == (3, 2, 2)  # critics missed
    assert (c.pred_attr, c.pred_matched_lenient) == (4, 3) and s.false_positives == ["c4"]
    assert c.pred_in_junk == 1
    assert (c.source_checked, c.source_correct) == (2, 2)  # the no-source attribution is not checked
    m = aggregate(c)
    assert m["source_type_accuracy"] is None and m["kind_accuracy"] is None  # PolNeAR has neither
    assert m["unsourced_recall"] is None  # PolNeAR labels no unsourced statements
    assert m["content_recall_lenient"] == pytest.approx(2 / 3)
