"""Selection (issue 11): a source the summary has not given yet rides along with a chosen claim, and a
transcript's speaker label or a name given as a description is not how a reader is told a source.
Invented article, synthetic attribution."""
from __future__ import annotations

from service.attribute import Attribution
from service.ingest import ingest
from service.schema import Claim, Source, Span
from service.selection import _mixed_case, reader_name, select_units

TEXT = ("Dornland council approves budget\n\n"
        "The Dornland council approved a 40 million crown budget on Monday after a long debate.\n\n"
        "Finance chief Mara Lind said the budget would raise 12 million crowns from parking fees. "
        "Lind said the city would hire 30 more teachers next year.\n\n"
        "The vote followed months of talks between the parties on the council.\n\n"
        "The Hollin Residents' Group said the plan ignored flooding in the harbour district.\n")
def sp(n, k=0):
    i = -1
    for _ in range(k + 1): i = TEXT.index(n, i + 1)
    return Span.of(TEXT, i, i + len(n))
src = [Source(id="s1", name="the reporter", type="reporter"),
       Source(id="s2", name="Mara Lind", type="person", description="finance chief", mentions=[sp("Finance chief Mara Lind"), sp("Lind", 1)]),
       Source(id="s3", name="Hollin Residents' Group", type="organization", mentions=[sp("The Hollin Residents' Group")])]
cl = [Claim(id="c1", kind="unsourced", content=sp("The Dornland council approved a 40 million crown budget on Monday after a long debate"), source_id="s1", confidence=0.8),
      Claim(id="c2", kind="indirect", content=sp("the budget would raise 12 million crowns from parking fees"), cue=sp("said"), source_mention=sp("Finance chief Mara Lind"), source_id="s2", confidence=0.9),
      Claim(id="c3", kind="indirect", content=sp("the city would hire 30 more teachers next year"), cue=sp("said", 1), source_mention=sp("Lind", 1), source_id="s2", confidence=0.9),
      Claim(id="c4", kind="unsourced", content=sp("The vote followed months of talks between the parties on the council"), source_id="s1", confidence=0.8),
      Claim(id="c5", kind="indirect", content=sp("the plan ignored flooding in the harbour district"), cue=sp("said", 2), source_mention=sp("The Hollin Residents' Group"), source_id="s3", confidence=0.9)]


def test_a_new_voice_rides_along_with_a_claim_on_another_topic():
    att = Attribution(claims=cl, sources=src, warnings=[])
    units = [[c.id for c in u.claims] for u in select_units(ingest(text=TEXT), att, 3)]
    # the residents' group (its only claim, no shared word, far down the article) is given, beside
    # another claim, rather than left out of a summary that already gives the finance chief twice
    assert ["c5"] in [[i for i in u if i == "c5"] for u in units] and len(units) == 3
    assert any("c5" in u and len(u) == 2 for u in units)


def test_a_transcript_label_is_named_as_the_article_writes_it():
    text = ("Debate transcript\n\nWhen Ortiz-Brann spoke, the hall was full. The debate between Senator Marcus Hale and "
            "his challenger, state Treasurer Dolores Ortiz-Brann, was tense.\n\nORTIZ-BRANN: We will build it.\n\n"
            "MODERATOR: Thank you.\n")
    doc = ingest(text=text)
    assert _mixed_case("ORTIZ-BRANN", doc) == "Treasurer Dolores Ortiz-Brann"
    assert _mixed_case("MODERATOR", doc) is None  # never case-changed into a word the article does not have
    label = text.index("ORTIZ-BRANN:")
    speaker = Source(id="s1", name="ORTIZ-BRANN", type="person", mentions=[Span.of(text, label, label + 11)])
    claim = Claim(id="c1", kind="indirect", content=Span.of(text, label + 13, label + 26), source_id="s1", confidence=0.7)
    assert reader_name(claim, speaker, doc) == "Treasurer Dolores Ortiz-Brann"


def test_a_name_given_as_a_description_is_not_a_role():
    text = "Bridge closed\n\nAgnieszka Voll said the bridge was unsafe. She is Agnieszka Voll, not Agnes Vole.\n"
    doc = ingest(text=text)
    voll = Source(id="s1", name="Agnieszka Voll", type="person", description="Agnes Vole",
                  mentions=[Span.of(text, text.index("Agnieszka"), text.index("Agnieszka") + 14)])
    assert reader_name(None, voll, doc) == "Agnieszka Voll"
    engineer = voll.model_copy(update={"description": "chief engineer"})
    assert reader_name(None, engineer, doc) == "Agnieszka Voll, the chief engineer,"


def test_a_sponsor_credit_in_the_body_is_never_summary_material():
    from service.selection import score_claims

    text = "Brought to you by Orvell Energy\n\nThe Kestrel club lost the cup final 2-1 on Sunday."
    att = Attribution(claims=[
        Claim(id="c1", kind="unsourced", content=Span.of(text, 0, text.index("\n")), source_id="s1", confidence=0.8),
        Claim(id="c2", kind="unsourced", content=Span.of(text, text.index("The"), len(text) - 1), source_id="s1", confidence=0.8),
    ], sources=[Source(id="s1", name="the reporter", type="reporter")], warnings=[])
    assert [s.claim.id for s in score_claims(ingest(text=text), att)] == ["c2"]


def test_a_second_source_is_written_as_the_article_writes_it_and_an_attribution_is_said_once():
    from service.summarize import extractive_sentence, extractive_unit

    text = ("The pipeline would cost about 1.1 billion dollars, the treasurer said. Our treasury's analysis shows "
            "we can carry that debt. The refinery emitted 11,400 tonnes last year, according to figures published by the "
            "Norvale agency.")

    def at(needle):
        i = text.index(needle)
        return Span.of(text, i, i + len(needle))

    treasurer = Source(id="s1", name="the treasurer", type="person", mentions=[at("the treasurer")])
    analysis = Source(id="s2", name="our treasury's analysis", type="document", mentions=[at("Our treasury's analysis")])
    figures = Source(id="s3", name="figures published by the Norvale agency", type="document",
                     mentions=[at("figures published by the Norvale agency")])
    c1 = Claim(id="c1", kind="indirect", content=at("The pipeline would cost about 1.1 billion dollars"), cue=at("said"),
               source_mention=at("the treasurer"), source_id="s1", confidence=0.9)
    c2 = Claim(id="c2", kind="indirect", content=at("we can carry that debt"), cue=at("shows"),
               source_mention=at("Our treasury's analysis"), source_id="s2", confidence=0.9)
    c3 = Claim(id="c3", kind="indirect", content=at("The refinery emitted 11,400 tonnes last year, according to figures "
                                                    "published by the Norvale agency"),
               cue=at("according to"), source_mention=at("figures published by the Norvale agency"), source_id="s3",
               confidence=0.9)
    sources = {"s1": treasurer, "s2": analysis, "s3": figures}
    joined = extractive_unit([c1, c2], sources, {"c1": None, "c2": None})
    assert "; our treasury's analysis said we can carry that debt." in joined  # not "; Our ..." mid-sentence
    assert extractive_sentence(c3, figures) == ("The refinery emitted 11,400 tonnes last year, according to figures "
                                                "published by the Norvale agency.")


def test_a_description_opening_its_sentence_and_a_two_word_label_read_as_in_running_text():
    text = ("Cup exit\n\nHis lawyer, Annika Brusk, said the panel erred. Coach Tunde Adeyemi was angry.\n\n"
            "COACH ADEYEMI: We lost.\n")
    doc = ingest(text=text)
    brusk = Source(id="s1", name="Annika Brusk", type="person", description="His lawyer",
                   mentions=[Span.of(text, text.index("Annika"), text.index("Annika") + 12)])
    assert reader_name(None, brusk, doc) == "Annika Brusk, his lawyer,"
    label = text.index("COACH ADEYEMI")
    coach = Source(id="s2", name="COACH ADEYEMI", type="person", mentions=[Span.of(text, label, label + 13)])
    assert reader_name(None, coach, doc) == "Coach Tunde Adeyemi"


def test_an_inserted_attribution_does_not_capitalise_the_article():
    from service.repair import with_attribution
    from service.summarize import DraftSentence
    from service.verify import Check, Verifier

    text = "Care homes were short of staff for years. A national review found one in six homes below safe staffing."
    review = Source(id="s2", name="A national review", type="document", mentions=[Span.of(text, text.index("A national"),
                                                                                            text.index("A national") + 17)])
    claims = [Claim(id="c1", kind="unsourced", content=Span.of(text, 0, text.index(".")), source_id="s1", confidence=0.8),
              Claim(id="c2", kind="indirect", content=Span.of(text, text.index("one in six"), len(text) - 1),
                    cue=Span.of(text, text.index("found"), text.index("found") + 5),
                    source_mention=review.mentions[0], source_id="s2", confidence=0.9)]
    att = Attribution(claims=claims, sources=[Source(id="s1", name="the reporter", type="reporter"), review], warnings=[])
    verifier = Verifier(ingest(text=text), att)
    fixed = with_attribution(verifier, DraftSentence("One in six homes were below safe staffing.", ["c2"]),
                             Check(ok=False, problems=["does not name the source of c2 (A national review)"]))
    assert fixed is not None and fixed.text == "One in six homes were below safe staffing, according to a national review."
