"""Repair: failing sentences are regenerated once, replaced by extractive ones or dropped, never passed on."""
from __future__ import annotations

import pytest

from service import pipeline
from service.backends.fake import FakeBackend
from service.config import Settings
from service.ingest import ingest
from service.prompts import load
from service.repair import REPAIR_PROMPT, feedback, repair
from service.schema import SummarizeOptions, SummarizeRequest
from service.summarize import Draft, DraftSentence, summarize
from service.verify import verify
from tests.test_summarize import TEXT, make_attribution


def run_repair(draft_sentences, backend=None, max_sentences=3, prompt_version="summarize.v2"):
    doc, att, options = ingest(text=TEXT), make_attribution(), SummarizeOptions(max_sentences=max_sentences)
    draft = Draft(sentences=draft_sentences, raw="", prompt_version=prompt_version)
    regenerate = None
    if backend is not None:
        def regenerate(fb):
            return summarize(doc, att, options, backend, max_new_tokens=64, feedback=fb, prompt_version=prompt_version)
    return repair(verify(draft, doc, att), doc, att, options, regenerate)


def test_failing_sentence_is_replaced_by_extractive_with_warning():
    summary = run_repair([
        DraftSentence("40 people were arrested at the rally.", ["c1"]),
        DraftSentence("Organisers said more than 200 people were arrested at the rally.", ["c2"]),
    ])
    texts = [s.text for s in summary.sentences]
    assert texts[0] == "40 people were arrested at the rally, according to Police."  # only the source was missing
    assert texts[1].startswith("Organisers said")
    assert any("attribution inserted" in w for w in summary.warnings)
    summary = run_repair([DraftSentence("45 people were arrested at the rally.", ["c1"]),
                          DraftSentence("Organisers said more than 200 people were arrested at the rally.", ["c2"])])
    assert summary.sentences[0].text == "Police said 40 people were arrested at the rally on Saturday."
    assert any("replaced by an extractive" in w for w in summary.warnings)
    assert all(s.verified for s in summary.sentences)


def test_mostly_failing_draft_is_regenerated_with_feedback():
    backend = FakeBackend()
    summary = run_repair([DraftSentence("The rally drew 9,999 people from Zedland.", ["c3"])], backend=backend)
    assert summary.stats["attempts"] == 2
    feedback_text = backend.calls[0][-1]["content"]
    assert "Avoid these problems of an earlier attempt:" in feedback_text
    assert "9,999" in feedback_text and "Zedland" in feedback_text
    assert summary.sentences and all("9,999" not in s.text for s in summary.sentences)


def test_untagged_sentence_gets_the_claims_it_rests_on():
    summary = run_repair([DraftSentence("Police said 40 people were arrested at the rally on Saturday.", [])],
                         prompt_version="summarize.v1")
    assert "c1" in summary.sentences[0].claim_ids and "claim ids inferred" in summary.stats["repairs"]


def test_no_verdict_means_no_summary():
    summary = repair(None, ingest(text=TEXT), make_attribution(), SummarizeOptions())
    assert summary.sentences == [] and summary.warnings == []


def test_feedback_wording_is_the_repair_prompts():
    doc, att = ingest(text=TEXT), make_attribution()
    bad = Draft(sentences=[DraftSentence("The rally drew 9,999 people.", ["c3"])], raw="", prompt_version="summarize.v1")
    text = feedback(verify(bad, doc, att))
    assert text.startswith("Your previous summary had these problems; avoid them:\n- \"The rally drew 9,999 people.\": ")
    assert "9,999" in text.splitlines()[1]
    empty = Draft(sentences=[], raw="", prompt_version="summarize.v3")
    assert feedback(verify(empty, doc, att)) == "Avoid these problems of an earlier attempt:\n- it was empty"
    assert load(REPAIR_PROMPT).version == REPAIR_PROMPT


def test_repair_prompt_version_is_in_prompt_versions():
    request = SummarizeRequest(text=TEXT)
    assert pipeline.prompt_versions(request, Settings()) == {"summarize": "summarize.v3", "repair": REPAIR_PROMPT}


def test_unknown_prompt_version_fails_at_start_up():
    with pytest.raises(ValueError, match=r"unknown prompt 'summarize.v33'.*available: .*summarize.v3"):
        Settings(summary_prompt="summarize.v33")
    with pytest.raises(ValueError, match="unknown prompt"):
        Settings.from_env({"CLAIMTRACE_SUMMARY_PROMPT": "summarize.v9"})


def test_missing_attribution_is_inserted_at_the_clause_that_carries_it():
    # the model named the police but dropped the organisers from the second half of a dispute
    summary = run_repair([DraftSentence("Police said 40 people were arrested at the rally; more than 200 people were "
                                        "arrested at the rally.", ["c1", "c2"])])
    text = summary.sentences[0].text
    assert text == "Police said 40 people were arrested at the rally; more than 200 people were arrested at the rally, according to Organisers."
    assert summary.sentences[0].claim_ids == ["c1", "c2"] and summary.sentences[0].verified
    assert any("attribution inserted" in w for w in summary.warnings)


def test_laundered_claim_gets_its_source_and_its_id():
    summary = run_repair([DraftSentence("According to the transport ministry, 12 bus lines were closed, and 40 people "
                                        "were arrested at the rally on Saturday.", ["c4"])])
    s = summary.sentences[0]
    assert s.text.endswith("40 people were arrested at the rally on Saturday, according to Police.") and "c1" in s.claim_ids


def test_a_sentence_with_other_faults_is_not_patched_with_a_name():
    summary = run_repair([DraftSentence("45 people were arrested at the rally.", ["c1"])])
    assert not any("attribution inserted" in w for w in summary.warnings)
    assert all("45" not in s.text for s in summary.sentences)


DOCK = ("The Saltmere Dockworkers' Union said the plan would eliminate 700 jobs. The Port of Saltmere Authority put "
        "the figure at under 200. Harbour had been trying to lower its price for weeks, chairman Rupert Ingle said. "
        "The filing lists 212 million marks in loans flagged by auditors.")


def _dock_attribution():
    from service.attribute import Attribution
    from service.schema import Claim, Source, Span

    def sp(needle):
        i = DOCK.index(needle)
        return Span.of(DOCK, i, i + len(needle))

    sources = [Source(id="s1", name="Saltmere Dockworkers' Union", type="organization", mentions=[sp("The Saltmere Dockworkers' Union")]),
               Source(id="s2", name="Port of Saltmere Authority", type="government", mentions=[sp("The Port of Saltmere Authority")]),
               Source(id="s3", name="Rupert Ingle", type="person", mentions=[sp("Rupert Ingle")]),
               Source(id="s4", name="the reporter", type="reporter")]
    claims = [Claim(id="c1", kind="indirect", content=sp("the plan would eliminate 700 jobs"), cue=sp("said"),
                    source_mention=sp("The Saltmere Dockworkers' Union"), source_id="s1", confidence=0.9),
              Claim(id="c2", kind="indirect", content=sp("the figure at under 200"), cue=sp("put"),
                    source_mention=sp("The Port of Saltmere Authority"), source_id="s2", confidence=0.9),
              Claim(id="c3", kind="indirect", content=sp("Harbour had been trying to lower its price for weeks"),
                    cue=Span.of(DOCK, DOCK.index("said", 150), DOCK.index("said", 150) + 4),
                    source_mention=sp("Rupert Ingle"), source_id="s3", confidence=0.9),
              Claim(id="c4", kind="unsourced", content=sp("The filing lists 212 million marks in loans flagged by auditors"),
                    source_id="s4", confidence=0.8)]
    return Attribution(claims=claims, sources=sources, warnings=[])


def test_a_place_word_two_sources_share_names_neither():
    from service.verify import Verifier
    doc = ingest(text=DOCK)
    check = Verifier(doc, _dock_attribution()).check(
        DraftSentence("Port of Saltmere Authority said the plan would eliminate 700 jobs.", ["c2"]))
    assert any(p.startswith("carries c1") for p in check.problems)


def test_a_cited_claim_the_sentence_does_not_carry_loses_its_citation_not_its_source_named():
    doc, att = ingest(text=DOCK), _dock_attribution()
    draft = Draft(sentences=[DraftSentence("The filing lists 212 million marks in loans flagged by auditors.", ["c4", "c3"])],
                  raw="", prompt_version="summarize.v2")
    summary = repair(verify(draft, doc, att), doc, att, SummarizeOptions(max_sentences=3))
    first = summary.sentences[0]
    assert "Ingle" not in first.text and first.claim_ids == ["c4"]
    assert any("citation of a claim it does not carry removed" in w for w in summary.warnings)
