"""eval: summary_wrong_source — a summary sentence carrying a gold attribution must name its source."""
from __future__ import annotations

from eval.adapters import from_fixture
from eval.metrics import score_article
from service.schema import (
    Claim,
    DocumentInfo,
    Fixture,
    FixtureSummary,
    ModelInfo,
    Source,
    Span,
    SummarizeResponse,
    SummarySentence,
)

TEXT = ("BRANDEL — The government will not reverse a planned 6 percent cut to regional grants, "
        "Finance Minister Irena Vollmer said on Monday. Organisers said 200 people would march.")


def gold():
    return from_fixture(Fixture.model_validate({
        "id": "t-dateline", "title": "t", "license": "CC0-1.0", "text": TEXT,
        "attributions": [
            {"content": "The government will not reverse a planned 6 percent cut to regional grants", "source": "Irena Vollmer",
             "source_type": "person", "aliases": ["Finance Minister Irena Vollmer", "he"], "cue": "said", "kind": "indirect"},
            {"content": "200 people would march", "source": "Organisers", "source_type": "organization", "cue": "said",
             "kind": "indirect"},
        ],
        "summary": FixtureSummary().model_dump(),
    }))


def scored(*sentences: str):
    start = TEXT.index("The government")
    claim = Claim(id="c1", kind="indirect", content=Span.of(TEXT, start, start + 20), source_id="s1", confidence=0.9)
    resp = SummarizeResponse(
        id="x", model=ModelInfo(name="m", backend="fake"), prompt_versions={}, document=DocumentInfo(length=len(TEXT)),
        summary=[SummarySentence(text=t, claim_ids=["c1"]) for t in sentences], claims=[claim],
        sources=[Source(id="s1", name="BRANDEL", type="government")])
    return score_article(gold(), resp)


def test_a_place_as_source_is_a_wrong_source():
    s = scored("BRANDEL said the government will not reverse a planned 6 percent cut.")
    assert s.counts.summary_attributed_sentences == 1 and s.counts.summary_wrong_source == 1
    assert any("wrong or missing source" in p for p in s.summary_problems)


def test_the_right_source_or_its_head_word_is_fine_and_other_facts_are_not_carried():
    s = scored("Finance Minister Irena Vollmer said the government will not reverse a planned 6 percent cut.",
               "Vollmer said the 6 percent cut to regional grants stays.",
               "Police said 40 people would march.")  # another number: not the organisers' 200
    assert s.counts.summary_wrong_source == 0 and s.counts.summary_attributed_sentences == 2


def test_a_pronoun_alias_does_not_name_the_source():
    s = scored("He said the government will not reverse a planned 6 percent cut.")
    assert s.counts.summary_wrong_source == 1


TEXT2 = ("Minister Ana Roth said duty would fall by 6 cents from March 1. Petrol Norland said its members would pass "
         "on the full cut from the first minute of March 1. A tally by the Arden Institute found drones have crossed "
         "the border at least four times this year. The ministry said at least six military drones had crossed the "
         "border overnight.")


def _carried(sentence: str) -> list[str]:
    from eval.summary_checks import carried_attributions

    def att(content, source):
        return {"content": content, "source": source, "source_type": "organization", "cue": "said", "kind": "indirect"}

    g = from_fixture(Fixture.model_validate({
        "id": "t-shared", "title": "t", "license": "CC0-1.0", "text": TEXT2, "summary": FixtureSummary().model_dump(),
        "attributions": [att("duty would fall by 6 cents from March 1", "Ana Roth"),
                         att("its members would pass on the full cut from the first minute of March 1", "Petrol Norland"),
                         att("drones have crossed the border at least four times this year", "Arden Institute"),
                         att("at least six military drones had crossed the border overnight", "The ministry")]}))
    return [a.source for a in carried_attributions(sentence, g, TEXT2)]


def test_a_number_shared_by_two_claims_is_carried_by_the_one_the_sentence_follows():
    assert _carried("Ana Roth said duty would fall by 6 cents from March 1.") == ["Ana Roth"]
    assert _carried("Petrol Norland said the full cut would be passed on from the first minute of March 1.") == ["Petrol Norland"]


def test_words_another_claim_explains_better_do_not_carry_a_claim():
    assert _carried("The Arden Institute found drones have crossed the border at least four times this year.") == ["Arden Institute"]
    assert "The ministry" in _carried("The ministry said at least six military drones had crossed the border overnight.")
