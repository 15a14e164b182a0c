"""Beliefs, intentions, stances, noun/adjective cues and layout-marked attributions, on small
invented sentences (real spaCy parses). These get lower confidence than speech verbs."""
import pytest

from tests.attribute_helpers import attributed, grounded, run

# (text, content, cue, source mention)
CASES = [
    ("The governor wants to triple the size of the program.", "to triple the size of the program", "wants", "The governor"),
    ("The senator believes the polls are rigged.", "the polls are rigged", "believes", "The senator"),
    ("The union endorsed Ms. Ortiz last week.", "Ms. Ortiz", "endorsed", "The union"),
    ("Mr. Lee called the plan a disaster for farmers.", "the plan a disaster for farmers", "called", "Mr. Lee"),
    ("Ms. Ortiz called half of the council “cowards.”", "half of the council “cowards.”", "called", "Ms. Ortiz"),
    ("The mayor called for new tariffs on imported steel on Tuesday.", "new tariffs on imported steel", "called for", "The mayor"),
    ("The mayor called on residents to stay indoors.", "residents to stay indoors", "called on", "The mayor"),
    ("Mr. Lee's claim that the vote was rigged drew criticism.", "the vote was rigged", "claim", "Mr. Lee"),
    ("The senator has been critical of the deal.", "the deal", "has been critical of", "The senator"),
    ("Farmers are confident that prices will recover.", "prices will recover", "are confident", "Farmers"),
    ("A new poll shows a close contest in the state.", "a close contest in the state", "shows", "A new poll"),
]


@pytest.mark.parametrize("text,content,cue,mention", CASES)
def test_stance_content_cue_source(text, content, cue, mention):
    doc, att = run(text)
    claims = attributed(att)
    assert claims, f"no attribution in {text!r}"
    c = claims[0]
    assert c.content.text == content
    assert c.cue is not None and c.cue.text == cue
    assert c.source_mention is not None and c.source_mention.text == mention
    assert c.confidence < 0.8  # beliefs and stances are less certain attributions than speech
    assert grounded(doc, att)


@pytest.mark.parametrize("text", [
    "The company saw a rise in profits.",  # "see" only with a clause
    "Republicans had called the hearing for Tuesday.",  # "call" = convene
    "The judge refused to dismiss the charges.",  # the goal of a refusal is no stance
    "Asked about the delay, the mayor shrugged.",  # a passive participle
    "It seems likely to rain on Sunday.",
    "The city is open on Sundays.",
    "The council voted on Monday.",  # a date is not what was voted on
])
def test_no_stance_claim(text):
    doc, att = run(text)
    assert attributed(att) == []


def test_stance_inside_reported_speech_is_not_a_second_claim():
    doc, att = run("The mayor said the governor wants to close the bridge.")
    claims = attributed(att)
    assert [(c.content.text, c.cue.text) for c in claims] == [("the governor wants to close the bridge", "said")]


def test_report_continues_over_coordinated_clause_with_pronoun_subject():
    doc, att = run("Ms. Ortiz says she hopes to win, but she knows that the race is close.")
    c = attributed(att)[0]
    assert c.content.text == "she hopes to win, but she knows that the race is close"


def test_speaker_label_paragraphs():
    # a transcript: all-caps speaker labels that recur; a dateline is no speaker; a question asserts
    # nothing (DESIGN: not a claim)
    text = ("WASHINGTON: The Senate met on Tuesday.\n"
            "SMITH: Well, look, the budget is a disaster. Nobody wants it.\n"
            "JONES: Do you really think so?\n"
            "SMITH: Yes, and the voters agree with me.")
    doc, att = run(text)
    claims = attributed(att)
    assert [(c.content.text, c.cue.text, c.source_mention.text) for c in claims] == [
        ("Well, look, the budget is a disaster. Nobody wants it", ":", "SMITH"),
        ("Yes, and the voters agree with me", ":", "SMITH"),
    ]
    assert grounded(doc, att)


def test_cue_ending_with_colon_introduces_next_paragraph():
    text = "The governor added:\nIt is typical of her. She knows nothing about the case."
    doc, att = run(text)
    c = attributed(att)[0]
    assert (c.content.text, c.cue.text, c.source_mention.text) == (
        "It is typical of her. She knows nothing about the case", "added", "The governor")


def test_quotation_signed_with_a_dash():
    text = ("“He cannot answer a question without scaring people.” ― Ana Ruiz\n"
            "“We deserve a better choice.” — Tom Hale.")
    doc, att = run(text)
    claims = attributed(att)
    assert [(c.kind, c.cue.text, c.source_mention.text) for c in claims] == [
        ("direct", "―", "Ana Ruiz"), ("direct", "—", "Tom Hale")]


def test_quote_split_by_cue_sentence_continues_to_the_next_sentence():
    text = "“How long must we wait?” the mayor said. “The river is rising. We need help now.”"
    doc, att = run(text)
    claims = attributed(att)
    assert [c.content.text for c in claims] == [
        "“How long must we wait?”", "“The river is rising. We need help now.”"]
    assert len({c.source_id for c in claims}) == 1


@pytest.mark.parametrize("text,content,cue,mention", [
    ("As the mayor put it, the city is broke.", "the city is broke", "put it", "the mayor"),
    ("The city is broke, as the mayor put it.", "The city is broke", "put it", "the mayor"),
    ("The plan failed, as critics predicted.", "The plan failed", "predicted", "critics"),
])
def test_as_x_put_it(text, content, cue, mention):
    doc, att = run(text)
    c = attributed(att)[0]
    assert (c.content.text, c.cue.text, c.source_mention.text) == (content, cue, mention)


def test_as_clause_with_its_own_object_is_not_a_comment_clause():
    # "as" = "while": the Kremlin boasted of something else, not of the host clause
    doc, att = run("The talks ended on Tuesday, as the Kremlin boasted of new steps in the partnership.")
    assert all(c.cue is None or c.cue.text != "boasted" or c.content.text != "The talks ended on Tuesday"
               for c in attributed(att))


def test_passive_stance_with_agent():
    doc, att = run("The nominee has been endorsed by dozens of newspapers.")
    c = attributed(att)[0]
    assert (c.content.text, c.cue.text, c.source_mention.text) == (
        "The nominee", "has been endorsed by", "dozens of newspapers")


@pytest.mark.parametrize("text", [
    "Two diplomats who spoke on condition of anonymity to discuss the talks said the deal was close.",
    "A senior official, who spoke on condition of anonymity to discuss intelligence matters, said the inquiry began.",
])
def test_purpose_clause_is_not_a_stance(text):
    doc, att = run(text)
    assert [c.cue.text for c in attributed(att)] == ["said"]


def test_declined_to_say_is_not_a_claim():
    doc, att = run("The police department declined to say whether any suspects had been identified.")
    assert attributed(att) == []


def test_inverted_said_with_colon():
    doc, att = run("Experts are doubtful. Said Ellis: “I don’t get the sense she cares about tax reform.”")
    c = attributed(att)[0]
    assert (c.kind, c.cue.text, c.source_mention.text) == ("direct", "Said", "Ellis")
    assert grounded(doc, att)


# Cue classes added from the PARC/PolNeAR categories: evidence, cognition, speech, judgement.
@pytest.mark.parametrize("text,content,cue,mention", [
    ("Polling averages show Ortiz with a narrow lead.", "Ortiz with a narrow lead", "show", "Polling averages"),
    ("Ms. Ortiz reckons the deal is dead.", "the deal is dead", "reckons", "Ms. Ortiz"),
    ("The mayor spoke about the flood at length.", "the flood", "spoke about", "The mayor"),
])
def test_added_cue_classes(text, content, cue, mention):
    doc, att = run(text)
    c = attributed(att)[0]
    assert (c.content.text, c.cue.text, c.source_mention.text) == (content, cue, mention)
    assert grounded(doc, att)


@pytest.mark.parametrize("text", [
    "Staff had been told not to speak to the press.",  # a passive cue names the hearer, not the speaker
    "Protesters tried to stop the crews from clearing the trees.",  # an attempt is an action, not a stance
    "The account lists no owner and was created last month.",  # "list" is no reporting verb
])
def test_no_claim_for_non_attributions(text):
    doc, att = run(text)
    assert attributed(att) == []


def test_quotation_inside_the_complement_makes_a_mixed_claim():
    # the quoted words are part of what was tweeted, not the whole of it
    doc, att = run("Mr. Lee tweeted that the senator was “disgusting” and “a fraud.”")
    c = attributed(att)[0]
    assert (c.kind, c.content.text, c.cue.text) == ("mixed", "the senator was “disgusting” and “a fraud.”", "tweeted")


def test_prepositional_cue_is_not_a_quote_first_clause():
    # "According to X" is no clause reported by the verb after it; both cues must not cancel out
    doc, att = run("According to the agency, the board also discussed raising reserve requirements for banks.")
    c = attributed(att)[0]
    assert (c.cue.text, c.source_mention.text) == ("According to", "the agency")


def test_reporting_verb_mistagged_as_noun():
    # the tagger sometimes reads "Ortiz maintains" as a noun phrase; simulate that parse
    from service.attribute.claims import _mistagged_claims
    from service.nlp import load_pipeline
    text = "Ortiz maintains that the emails were never classified."
    sd = load_pipeline()(text)
    sd[1].pos_ = "NOUN"
    sd[1].tag_ = "NNS"
    out = _mistagged_claims(sd, 0, 0, text, [], [])
    assert [(text[c.content[0]:c.content[1]], text[c.cue[0]:c.cue[1]], c.mention.text) for c in out] == [
        ("the emails were never classified", "maintains", "Ortiz")]


def test_a_vote_is_an_act_the_reporter_states_not_a_claim():
    # PolNeAR labels "voted to ..." as an attribution; the service reads it as the reporter's fact
    # (lexicons/decision_verbs), as its fixtures' annotators do
    doc, att = run("A House panel voted to hold the aide in contempt.")
    assert not attributed(att)
    assert [c.content.text for c in att.claims] == ["A House panel voted to hold the aide in contempt"]
