"""Where a claim's content ends (issue 9): invented sentences through the real parser and the
default engine, asserting on the content span a reader would mark."""
from __future__ import annotations

from tests.attribute_helpers import attributed, grounded, run, source_of


def test_one_report_the_parser_split_into_two_complements_stays_one_claim():
    doc, att = run("Lind said Garvey has great respect for the union and his earlier remark was instead an "
                   "expression of anger at the delays.")
    (c,) = attributed(att)
    assert c.content.text == ("Garvey has great respect for the union and his earlier remark was instead an "
                              "expression of anger at the delays")
    assert grounded(doc, att)


def test_a_second_complement_with_its_own_cue_is_not_swallowed():
    doc, att = run("The accounts show the firm paid dividends of 14 million crowns in 2023, the same year in "
                   "which, the inspectors say, staffing fell furthest below the minimum.")
    texts = [c.content.text for c in attributed(att)]
    assert not any("dividends" in t and "staffing" in t for t in texts)


def _claims(text):
    doc, att = run(text)
    assert grounded(doc, att)
    return [(c.kind, c.content.text) for c in att.claims]


def test_the_reporters_after_clause_leaves_the_claim_and_is_unsourced():
    got = _claims("KARVIK, Ostmark — Prosecutor Lene Dahl said on Friday that the former mayor would be "
                  "charged within a month, after the appeals court lifted his immunity.")
    assert ("indirect", "the former mayor would be charged within a month") in got
    assert ("unsourced", "after the appeals court lifted his immunity") in got


def test_a_tail_after_the_cue_is_unsourced_too():
    got = _claims("The utility has dropped its plan to raise tariffs, two officials said on Monday, a day after "
                  "the plan drew protests in the capital.")
    assert ("unsourced", "a day after the plan drew protests in the capital") in got
    assert any(k == "indirect" and t == "The utility has dropped its plan to raise tariffs" for k, t in got)


def test_without_giving_evidence_is_the_reporters():
    got = _claims("In a post on Sunday, Mr. Orlov said \"thousands of votes\" had been stolen in the north, "
                  "without giving evidence.")
    assert ("unsourced", "without giving evidence") in got


def test_no_comma_no_tail():
    got = _claims("The minister said she would resign after the vote on the budget.")
    assert got == [("indirect", "she would resign after the vote on the budget")]


def test_a_transcript_question_is_no_claim_and_the_claim_it_quotes_is_its_sources():
    doc, att = run("MODERATOR: Welcome back.\n\nQ: Residents' groups say the flooding was caused by a blocked "
                   "culvert. Is that your understanding?\n\nHALE: No. The culvert was cleared in May, and our "
                   "engineers' survey shows the water came over the river wall.\n\nQ: Will anyone resign?")
    by_text = {c.content.text: source_of(att, c).name for c in attributed(att)}
    assert by_text.get("the flooding was caused by a blocked culvert") == "Residents' groups"
    assert not any("?" in t for t in by_text)  # questions assert nothing
    assert by_text.get("the water came over the river wall") == "our engineers' survey"
    assert by_text.get("No. The culvert was cleared in May") == "HALE"
    assert grounded(doc, att)


def test_a_record_that_lists_or_cites_is_the_source_a_person_who_lists_is_not():
    got = _claims("The lawsuit cites three incidents in which guards used force. Ms. Rask lists her hobbies as "
                  "sailing and chess.")
    assert ("indirect", "three incidents in which guards used force") in got
    assert ("unsourced", "Ms. Rask lists her hobbies as sailing and chess") in got


def test_an_intention_keeps_every_coordinated_verb_of_its_infinitive():
    from tests.attribute_helpers import attributed, run

    _, att = run("She wants to triple the size of the program, grow the volunteer corps and create a new "
                 "national service reserve.")
    assert [c.content.text for c in attributed(att)] == [
        "to triple the size of the program, grow the volunteer corps and create a new national service reserve"]


def test_a_report_the_parser_reads_as_an_adverbial_clause_is_still_reported():
    from tests.attribute_helpers import attributed, run

    # "after the convention he would ..." parses as an unmarked adverbial clause of "said"
    _, att = run("Trump said after the convention he would not accept the senator's endorsement if it were offered.")
    assert [c.content.text for c in attributed(att)] == ["he would not accept the senator's endorsement if it were offered"]
