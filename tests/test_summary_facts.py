"""A summary sentence keeps the facts of the claims it cites (issue 11): the verifier's lost_facts check
and repair's extractive replacement for summarize.v3 units. Invented article, synthetic attribution."""
from __future__ import annotations

from service.attribute import Attribution
from service.backends.fake import FakeBackend
from service.ingest import ingest
from service.repair import repair
from service.schema import Claim, Source, Span, SummarizeOptions
from service.summarize import Draft, DraftSentence, summarize
from service.verify import Verifier, verify

TEXT = (
    "Pell Rovers striker Ivo Marek was banned for two years on Friday, the Dornland Football Association ruled.\n\n"
    "The Tamsey Ferry Board said sailings would fall from 9 to 6 a day. "
    "The Islanders' Association said the island's doctors had not been consulted about the timetable. "
    "The referees' panel put out a statement saying the pitch inspection was delayed by heavy fog. "
    "The Harlan Referees' Panel said heavy fog had delayed the inspection for about 40 minutes.\n"
)


def sp(needle: str) -> Span:
    i = TEXT.index(needle)
    return Span.of(TEXT, i, i + len(needle))


def attribution() -> Attribution:
    sources = [
        Source(id="s1", name="the reporter", type="reporter"),
        Source(id="s2", name="Tamsey Ferry Board", type="organization", mentions=[sp("The Tamsey Ferry Board")]),
        Source(id="s3", name="Islanders' Association", type="organization", mentions=[sp("The Islanders' Association")]),
        Source(id="s4", name="Q", type="organization", mentions=[]),  # a transcript label the engine kept as its name
        Source(id="s5", name="Harlan Referees' Panel", type="organization", mentions=[sp("The Harlan Referees' Panel")]),
    ]
    said = [i for i in range(len(TEXT)) if TEXT.startswith("said", i)]
    claims = [
        Claim(id="c1", kind="unsourced", source_id="s1", confidence=0.8, content=sp(
            "Pell Rovers striker Ivo Marek was banned for two years on Friday, the Dornland Football Association ruled")),
        Claim(id="c2", kind="indirect", content=sp("sailings would fall from 9 to 6 a day"), cue=Span.of(TEXT, said[0], said[0] + 4),
              source_mention=sp("The Tamsey Ferry Board"), source_id="s2", confidence=0.9),
        Claim(id="c3", kind="indirect", content=sp("the island's doctors had not been consulted about the timetable"),
              cue=Span.of(TEXT, said[1], said[1] + 4), source_mention=sp("The Islanders' Association"), source_id="s3",
              confidence=0.9),
        # a transcript-like claim whose source the engine could not name: its content is the whole sentence
        Claim(id="c4", kind="indirect", content=sp("The referees' panel put out a statement saying the pitch inspection was "
                                                   "delayed by heavy fog"), cue=None, source_mention=None, source_id="s4",
              confidence=0.7),
        Claim(id="c5", kind="indirect", content=sp("heavy fog had delayed the inspection for about 40 minutes"),
              cue=Span.of(TEXT, said[2], said[2] + 4), source_mention=sp("The Harlan Referees' Panel"), source_id="s5",
              confidence=0.9),
    ]
    return Attribution(claims=claims, sources=sources, warnings=[])


def check(text: str, ids: list[str]):
    return Verifier(ingest(text=TEXT), attribution()).check(DraftSentence(text, ids))


def test_a_sentence_that_loses_a_number_of_its_claim_fails():
    problems = check("The Tamsey Ferry Board said sailings would be cut.", ["c2"]).problems
    assert "loses 9, 6 of c2" in problems
    assert check("The Tamsey Ferry Board said sailings would fall from 9 to 6 a day.", ["c2"]).ok


def test_a_sentence_that_loses_the_source_its_lede_names_fails_but_may_drop_the_weekday():
    problems = check("Pell Rovers striker Ivo Marek was banned for two years.", ["c1"]).problems
    assert "loses the names Dornland, Football, Association of c1" in problems
    assert check("Pell Rovers striker Ivo Marek was banned for two years, the Dornland Football Association ruled.", ["c1"]).ok


def test_a_two_claim_sentence_that_leaves_one_claim_out_fails():
    both = ["c2", "c3"]
    problems = check("The Tamsey Ferry Board said sailings would fall from 9 to 6 a day.", both).problems
    assert "does not carry c3" in problems
    assert check("The Tamsey Ferry Board said sailings would fall from 9 to 6 a day; the Islanders' Association said "
                 "the island's doctors had not been consulted.", both).ok


def test_naming_the_cited_source_is_not_carrying_another_claim():
    # "Harlan Referees' Panel" shares 'referees' and 'panel' with c4 ("The referees' panel put out a statement
    # saying the pitch inspection was delayed by heavy fog"); naming the cited source is not carrying c4
    ok = check("The Harlan Referees' Panel said heavy fog had delayed the inspection for about 40 minutes.", ["c5"])
    assert not any(p.startswith("carries c4") for p in ok.problems), ok.problems


def run_v3(sentences: list[DraftSentence]):
    doc, att, options = ingest(text=TEXT), attribution(), SummarizeOptions(max_sentences=3)
    backend = FakeBackend()

    def regenerate(fb):
        return summarize(doc, att, options, backend, max_new_tokens=64, feedback=fb, prompt_version="summarize.v3")

    draft = Draft(sentences=sentences, raw="", prompt_version="summarize.v3")
    return repair(verify(draft, doc, att), doc, att, options, regenerate), backend


def test_a_v3_sentence_that_lost_a_fact_becomes_the_extractive_one_without_a_regeneration():
    summary, backend = run_v3([
        DraftSentence("The Tamsey Ferry Board said sailings would be cut.", ["c2"]),
        DraftSentence("The Tamsey Ferry Board said the timetable changes; the Islanders' Association said "
                      "the island's doctors had not been consulted about it.", ["c2", "c3"]),
    ])
    texts = [s.text for s in summary.sentences]
    assert texts[0] == "Tamsey Ferry Board said sailings would fall from 9 to 6 a day."
    assert summary.stats["attempts"] == 1 and not backend.calls  # no model call: the claim's own words are free


def test_a_v3_unit_whose_second_claim_the_model_dropped_keeps_both_claims():
    summary, backend = run_v3([DraftSentence("Tamsey Ferry Board said sailings would fall from 9 to 6 a day.", ["c2", "c3"]),
                               DraftSentence("The Harlan Referees' Panel said heavy fog had delayed the inspection for about "
                                             "40 minutes.", ["c5"])])
    first = summary.sentences[0]
    assert first.claim_ids == ["c2", "c3"] and "doctors had not been consulted" in first.text
    assert summary.stats["attempts"] == 1 and not backend.calls
    assert not any("citation of a claim it does not carry removed" in w for w in summary.warnings)


BORROW = ("Morvalia expels envoys\n\n"
          "Morvalia on Wednesday ordered four Estrali diplomats to leave the country, the most serious rupture since 1992.\n\n"
          "Estrali state radio said Estral would expel an equal number of Morvalian diplomats, citing a foreign ministry official.\n")


def test_a_sentence_with_another_sources_words_is_its_claims_own_words_again():
    def at(needle):
        i = BORROW.index(needle)
        return Span.of(BORROW, i, i + len(needle))

    att = Attribution(claims=[
        Claim(id="c1", kind="unsourced", source_id="s1", confidence=0.8, content=at(
            "Morvalia on Wednesday ordered four Estrali diplomats to leave the country, the most serious rupture since 1992")),
        Claim(id="c2", kind="indirect", source_id="s2", confidence=0.9, cue=at("said"), source_mention=at("Estrali state radio"),
              content=at("Estral would expel an equal number of Morvalian diplomats, citing a foreign ministry official")),
    ], sources=[Source(id="s1", name="the reporter", type="reporter"),
                Source(id="s2", name="Estrali state radio", type="media", mentions=[at("Estrali state radio")])], warnings=[])
    doc = ingest(text=BORROW)
    verifier = Verifier(doc, att)
    check = verifier.check(DraftSentence("Morvalia expelled four Estrali diplomats, the most serious rupture since 1992.", ["c1"]))
    assert check.problems == ["borrows expel from c2"]
    draft = Draft(sentences=[DraftSentence("Morvalia expelled four Estrali diplomats, the most serious rupture since 1992.", ["c1"]),
                             DraftSentence("Estrali state radio said Estral would expel an equal number of Morvalian diplomats.",
                                           ["c2"])], raw="", prompt_version="summarize.v3")
    summary = repair(verify(draft, doc, att), doc, att, SummarizeOptions(max_sentences=3))
    assert summary.sentences[0].text.startswith("Morvalia on Wednesday ordered four Estrali diplomats to leave")


def test_a_possessive_keeps_the_name_it_is_made_of():
    text = "Ivo Marek said the club would send 40 players to Dornland's northern league."
    att = Attribution(claims=[Claim(id="c1", kind="indirect", source_id="s1", confidence=0.9,
                                    content=Span.of(text, text.index("the club"), len(text) - 1),
                                    cue=Span.of(text, text.index("said"), text.index("said") + 4),
                                    source_mention=Span.of(text, 0, 9))],
                      sources=[Source(id="s1", name="Ivo Marek", type="person", mentions=[Span.of(text, 0, 9)])], warnings=[])
    check = Verifier(ingest(text=text), att).check(DraftSentence(
        "Ivo Marek said the club would send 40 players to Dornland’s northern league.", ["c1"]))
    assert check.ok, check.problems  # "Dornland’s" (curly) carries "Dornland"


def test_when_a_unit_can_only_be_one_sentence_the_claim_with_the_facts_is_kept():
    from service.repair import repair as run
    from service.verify import Check

    text = "The Kremlin hailed new steps in the partnership. Sergei Volk said 5,000 workers would go to Kursk."

    def at(needle):
        i = text.index(needle)
        return Span.of(text, i, i + len(needle))

    sources = [Source(id="s1", name="Kremlin", type="government", mentions=[at("The Kremlin")]),
               Source(id="s2", name="Sergei Volk", type="person", mentions=[at("Sergei Volk")])]
    claims = [Claim(id="c1", kind="indirect", content=at("new steps in the partnership"), cue=at("hailed"),
                    source_mention=at("The Kremlin"), source_id="s1", confidence=0.8),
              Claim(id="c2", kind="indirect", content=at("5,000 workers would go to Kursk"), cue=at("said"),
                    source_mention=at("Sergei Volk"), source_id="s2", confidence=0.9)]
    att = Attribution(claims=claims, sources=sources, warnings=[])
    doc = ingest(text=text)

    class NoPairs(Verifier):  # a unit whose joined sentence cannot pass (as a verifier false alarm once made it)
        def check(self, s):
            return Check(ok=False, problems=["a two-claim sentence"]) if len(s.claim_ids) > 1 else super().check(s)

    verifier = NoPairs(doc, att)
    draft = Draft(sentences=[DraftSentence("Kremlin hailed new steps; 5,000 workers will go.", ["c1", "c2"])],
                  raw="", prompt_version="summarize.v3")
    summary = run(verify(draft, doc, att, verifier), doc, att, SummarizeOptions(max_sentences=1), verifier=verifier)
    assert [s.claim_ids for s in summary.sentences] == [["c2"]]  # the claim with the number, not the first one


def test_a_cited_sources_name_does_not_name_the_source_of_a_claim_it_carries():
    text = ("The Agriculture Ministry said it would suspend all wheat exports from Dec. 15. "
            "Agriculture Minister Petra Halas denied that officials had known about the shortfall since August.")

    def at(needle):
        i = text.index(needle)
        return Span.of(text, i, i + len(needle))

    sources = [Source(id="s1", name="Agriculture Ministry", type="government", mentions=[at("The Agriculture Ministry")]),
               Source(id="s2", name="Petra Halas", type="person", mentions=[at("Agriculture Minister Petra Halas")])]
    claims = [Claim(id="c1", kind="indirect", content=at("it would suspend all wheat exports from Dec. 15"), cue=at("said"),
                    source_mention=at("The Agriculture Ministry"), source_id="s1", confidence=0.9),
              Claim(id="c2", kind="indirect", content=at("officials had known about the shortfall since August"),
                    cue=at("denied"), source_mention=at("Agriculture Minister Petra Halas"), source_id="s2", confidence=0.9)]
    verifier = Verifier(ingest(text=text), Attribution(claims=claims, sources=sources, warnings=[]))
    check = verifier.check(DraftSentence("Wheat exports will be suspended from Dec. 15, and Agriculture Minister Petra Halas "
                                         "denied that officials had known about the shortfall since August.", ["c2"]))
    assert any(p.startswith("carries c1 without naming its source") for p in check.problems), check.problems
