"""Source names a reader expects (issue 9): invented sentences for each resolution rule, through the
real parser and the default (combined) engine. Each asserts on the resolved source's name."""
from __future__ import annotations

import pytest

from tests.attribute_helpers import attributed, grounded, run, source_of


def _name_of_claim_containing(att, doc, words: str) -> str:
    c = next(c for c in attributed(att) if words in c.content.text)
    return source_of(att, c).name


def test_apposed_name_after_a_role_noun_is_the_person_even_if_ner_mislabels_it():
    doc, att = run("Brenmoor Tools will shut two plants. A company spokesman, Lars Eide, said all affected "
                   "staff would be told in person by Friday.")
    assert _name_of_claim_containing(att, doc, "affected staff") == "Lars Eide"
    assert grounded(doc, att)


def test_a_name_ending_in_a_company_word_is_an_organisation_and_the_company_finds_it():
    doc, att = run("Veridane Biologics said on Thursday that its vaccine had cut hospital admissions by 71 "
                   "percent.\n\nThe company said in a statement that side effects were mostly mild.")
    s = {source_of(att, c).name for c in attributed(att)}
    assert s == {"Veridane Biologics"}
    assert source_of(att, attributed(att)[0]).type == "organization"


def test_the_operator_apposed_to_a_company_is_the_company():
    doc, att = run("The mine's operator, Valcor Metals, said in a statement that the spill had been contained. "
                   "The company said a barrier had been built across the tributary.")
    assert {source_of(att, c).name for c in attributed(att)} == {"Valcor Metals"}


def test_an_unnamed_spokeswoman_speaks_for_the_company_named_before():
    doc, att = run("Osterhaven Energy says about 84,000 customers are without electricity. A company "
                   "spokeswoman said crews would not be sent up poles until the winds drop.")
    assert _name_of_claim_containing(att, doc, "crews would not") == "Osterhaven Energy"


def test_the_document_named_earlier_is_the_source_of_the_memo_and_the_same_poll():
    doc, att = run("Quillon plans to cut 1,800 jobs, according to an internal memo seen by the Business "
                   "Daily.\n\nThe memo says the cuts will fall hardest on support staff.\n\n"
                   "A poll by Kanta Research found that 61 percent of voters back the tax. The same poll "
                   "found that most voters distrust the government.")
    assert _name_of_claim_containing(att, doc, "fall hardest") == "an internal memo seen by the Business Daily"
    assert _name_of_claim_containing(att, doc, "distrust") == "A poll by Kanta Research"


@pytest.mark.parametrize("text, words, want", [
    # a possessor's "Mr." is not the lawyer's gender
    ("Judge Helga Moen wrote that the request met every condition. Mr. Brask's lawyer, Sofia Renner, "
     "said her client would appeal. She argued that investigators had relied on a rival's testimony.",
     "investigators had relied", "Sofia Renner"),
    # the speaker of a parenthetical cue is not the person named in the words reported
    ("Councillor Rafe Moreno, who led the opposition, said the budget was padded. Mr. Garvey, he said, "
     "\"chose the easy option.\"", "chose the easy option", "Rafe Moreno"),
])
def test_pronoun_speakers(text, words, want):
    doc, att = run(text)
    assert _name_of_claim_containing(att, doc, words) == want


def test_a_refusal_to_comment_is_the_reporters_fact_not_a_claim():
    doc, att = run("Harbour Bank withdrew its offer on Thursday. Quillon declined to comment on the post.")
    assert not [c for c in attributed(att) if "comment" in c.content.text]
    assert any("declined to comment" in c.content.text for c in att.claims if c.kind == "unsourced")


def test_who_is_the_phrase_before_it_not_a_name_inside_it():
    doc, att = run("Three former night carers at Larchfield, who asked that their names not be used because "
                   "they feared losing work at other homes, described shifts on which they could not answer "
                   "call bells for up to an hour.")
    c = next(c for c in attributed(att) if "call bells" in c.content.text)
    assert source_of(att, c).name == "Three former night carers at Larchfield"  # not the place, not the clause


def test_a_described_body_in_the_abstract_is_the_one_the_body_names_later():
    doc, att = run("ABSTRACT.\nDock workers went on strike Monday. The union says the plan would cut 700 jobs; "
                   "the port authority says fewer than 200.\n\nFULL TEXT.\nThe Saltmere Dockworkers' Union said "
                   "the automation plan would eliminate about 700 jobs. The Port of Saltmere Authority said the "
                   "figure was under 200.")
    names = {source_of(att, c).name for c in attributed(att)}
    assert "Port of Saltmere Authority" in names and "the port authority" not in names


@pytest.mark.parametrize("text, words, name", [
    ("Senator Ilse Marrow responded by saying the audit had been \"a political stunt\" from the start.",
     "the audit had been", "Ilse Marrow"),
    ("After saying that the levy would be scrapped, Mayor Odile Brandt was hurried out of the hall by aides.",
     "the levy would be scrapped", "Odile Brandt"),
    ("Tomas Reyl opened the briefing before warning that the harvest would be the smallest in a decade.",
     "the harvest would be", "Tomas Reyl"),
])
def test_a_subjectless_cue_speaks_for_the_subject_of_the_clause_it_hangs_on(text, words, name):
    doc, att = run(text)
    assert _name_of_claim_containing(att, doc, words) == name


def test_a_definite_description_used_before_points_back_not_forward():
    doc, att = run("Wildlife Minister Grace Ndovu said poaching had fallen. A report said the ministry's count "
                   "left out many animals.\n\nThe ministry declined to comment. It said in a written reply that "
                   "all salary payments were up to date.\n\nProsecutors have won 19 convictions, the Justice "
                   "Ministry says.")
    assert _name_of_claim_containing(att, doc, "salary payments") != "Justice Ministry"


@pytest.mark.parametrize("text, first", [
    ("According to the extradition request filed by Caldarian prosecutors, Mr. Brask took bribes. The request says "
     "the payments were routed through a consultancy.", "the extradition request"),
    ("According to the authority's own investment plan, published in May, the first cranes are due in 2027. The plan "
     "estimates that automation would cut costs by about 30 percent.", "the authority's own investment plan"),
])
def test_the_request_and_the_plan_are_the_document_named_before(text, first):
    doc, att = run(text)
    assert [(s.name, s.type) for s in att.sources if s.type != "reporter"] == [(first, "document")]


def test_the_officials_are_the_anonymous_officials_not_the_minister_they_speak_of():
    doc, att = run("The ministry has shelved a plan to charge tolls on the motorway, two officials who spoke on "
                   "condition of anonymity said on Wednesday.\n\nThe ministry confirmed in a brief statement that the "
                   "plan was under review. Transport Minister Lejla Varnik is expected to explain the decision to "
                   "parliament on Thursday, according to the officials.")
    assert _name_of_claim_containing(att, doc, "expected to explain") == "two officials"


def test_according_to_a_document_the_parser_read_as_a_gerund():
    doc, att = run("According to charging documents filed in Portavel District Court, the clerk received about "
                   "60,000 marks in total.")
    assert _name_of_claim_containing(att, doc, "60,000 marks") == "charging documents"


@pytest.mark.parametrize("text, name, kind", [
    ("MODERATOR: Welcome.\n\nRAMASWAMY: The bridge will stay shut until the spring at the earliest.\n\n"
     "RAMASWAMY: We will publish the full inspection next week.", "RAMASWAMY", "person"),
    ("Three former night carers at Larchfield said staffing often fell below the legal minimum.", "Three former night carers at Larchfield", "anonymous"),
    ("The company's annual accounts show it paid dividends of 14 million crowns in 2023.", "The company's annual accounts", "document"),
    ("A spokeswoman for Kolt Breweries, the team's main sponsor, said the company was following the situation "
     "closely.", "Kolt Breweries", "organization"),
])
def test_source_types_a_newsroom_reads(text, name, kind):
    doc, att = run(text)
    got = {s.name: s.type for s in att.sources}
    assert got.get(name) == kind, got


def test_the_lender_is_the_bank_named_before_not_the_union_named_since():
    doc, att = run("Harrowby Bank said on Monday that it would close 40 branches.\n\n"
                   "The Clerical Staff Union said it had not been consulted.\n\n"
                   "The lender denied that the closures were linked to its results.")
    assert _name_of_claim_containing(att, doc, "closures were linked") == "Harrowby Bank"


def test_a_spokeswoman_for_the_operator_speaks_for_the_rail_company_not_the_union():
    doc, att = run("Drivers at Teller Valley Rail walked out on Monday. Teller Valley Rail said 30 percent of "
                   "trains had run. The Amalgamated Union of Train Crews said the figure was too high.\n\n"
                   "A spokeswoman for the operator said talks could resume on Thursday.")
    assert _name_of_claim_containing(att, doc, "talks could resume") == "Teller Valley Rail"


def test_the_force_is_the_police_named_in_its_own_report():
    doc, att = run("Carnwick Police have arrested two men after a break-in at a flooded shop in Ellery, "
                   "the force said.")
    assert _name_of_claim_containing(att, doc, "arrested two men") == "Carnwick Police"


def test_a_description_run_into_a_name_is_the_name():
    # the parser reads "The opposition" and "Harbour Alliance" as two subjects of "warned"
    doc, att = run("The opposition Harbour Alliance, which leads in most polls, warned that the government "
                   "was using the affair to delay the vote.")
    assert _name_of_claim_containing(att, doc, "delay the vote") == "Harbour Alliance"


def test_a_headline_does_not_name_the_source():
    from service.attribute import attribute
    from service.ingest import ingest
    from service.segment import segment

    doc = ingest(text="Fennick Savings Bank Suddenly Shuts 40 Branches, 900 Jobs in Shift to…\n\n"
                   "Lender blames apps; union threatens strike\n\n"
                   "By Ola Dunn, Banking Correspondent\n\n"
                   "FENNICK — Fennick Savings Bank said on Tuesday that it would cut about 900 jobs and close "
                   "40 of its 120 branches by the end of the year.\n\n"
                   "The bank said branch visits had fallen by half since 2019.")
    att = attribute(doc, segment(doc))
    names = {source_of(att, c).name for c in attributed(att)}
    assert names == {"Fennick Savings Bank"}
    assert not any("Lender blames" in c.content.text for c in att.claims)  # the deck is page chrome


def test_a_document_introduced_by_its_author_names_the_later_the_report():
    doc, att = run("The government's case rests largely on a report released on Friday by the Ostmark Centre "
                   "for Digital Research. The report found that 312 accounts had posted in coordinated bursts.")
    assert _name_of_claim_containing(att, doc, "312 accounts") == \
        "a report released on Friday by the Ostmark Centre for Digital Research"


def test_a_document_name_drops_the_day_it_was_published():
    doc, att = run("A survey by Halbrook Research published on Wednesday found that 62 percent of renters want "
                   "a cap on rent increases.")
    assert _name_of_claim_containing(att, doc, "62 percent") == "A survey by Halbrook Research"


def test_the_statement_is_the_body_that_spoke_in_it():
    doc, att = run("Ostrava FC said in a statement that it was shocked by the ruling. The statement said the "
                   "club had a zero-tolerance policy on doping.")
    assert _name_of_claim_containing(att, doc, "zero-tolerance") == "Ostrava FC"


def test_a_director_general_apposed_to_a_name_is_that_person():
    doc, att = run("The Norvale Environmental Protection Agency published figures on Monday. Its director "
                   "general, Henrik Aas, said the refinery had exceeded its limit.")
    assert _name_of_claim_containing(att, doc, "exceeded its limit") == "Henrik Aas"


def test_a_transcript_label_is_the_person_the_text_names_in_full_later():
    doc, att = run("PREWITT: I will not raise property taxes. Period.\n\n"
                   "MODERATOR: Commissioner Dale Prewitt, the jail was built for 400 inmates. Is that right?\n\n"
                   "PREWITT: No, it's not right. The jail will cost $118 million.")
    names = {source_of(att, c).name for c in attributed(att) if "MODERATOR" not in (c.source_mention.text if c.source_mention else "")}
    assert names == {"Dale Prewitt"}


def test_a_surname_the_parser_calls_an_organisation_is_the_person():
    doc, att = run("Ostrava FC striker Jarno Velic has been banned for four years. Velic said on Instagram that he "
                   "had never knowingly taken anything.")
    assert _name_of_claim_containing(att, doc, "never knowingly") == "Jarno Velic"
    assert source_of(att, next(c for c in attributed(att) if "never knowingly" in c.content.text)).type == "person"
