"""Cues, contents and kinds on small invented sentences, asserted on real spaCy parses."""
import pytest

from service.nlp import EXPECTED_PIPELINE, PipelineMismatch, check_meta, load_pipeline
from tests.attribute_helpers import attributed, grounded, run


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


def test_pipeline_meta_matches_official(nlp):
    assert tuple(nlp.pipe_names) == EXPECTED_PIPELINE
    with pytest.raises(PipelineMismatch, match="version"):
        check_meta({"lang": "en", "name": "core_web_sm", "version": "3.7.1"}, list(EXPECTED_PIPELINE))
    with pytest.raises(PipelineMismatch, match="components"):
        check_meta({"lang": "en", "name": "core_web_sm", "version": "3.8.0"}, ["tok2vec", "ner"])


# (text, kind, content, cue, source mention)
CASES = [
    ("The mayor said that the bridge would reopen in May.", "indirect",
     "the bridge would reopen in May", "said", "The mayor"),
    ("Afterward, he told reporters that the talks had failed.", "indirect",
     "the talks had failed", "told reporters", "he"),
    ("“We were there under legitimate pretenses,” Ms. Ortiz said.", "direct",
     "“We were there under legitimate pretenses,”", "said", "Ms. Ortiz"),
    ("Ms. Ortiz said: “We were there under legitimate pretenses.”", "direct",
     "“We were there under legitimate pretenses.”", "said", "Ms. Ortiz"),
    ("The minister said the plan was “a disaster for farmers.”", "mixed",
     "the plan was “a disaster for farmers.”", "said", "The minister"),
    ("According to the police, the suspect fled on foot.", "indirect",
     "the suspect fled on foot", "According to", "the police"),
    ("The suspect fled on foot, according to the police.", "indirect",
     "The suspect fled on foot", "according to", "the police"),
    ("The sappers, he said, will work on demining the region.", "indirect",
     "The sappers, he said, will work on demining the region", "said", "he"),
    ("In a statement, the ministry said the drills were routine.", "indirect",
     "the drills were routine", "said", "the ministry"),
    ("The ministry said in a statement that the drills were routine.", "indirect",
     "the drills were routine", "said in a statement", "The ministry"),
    ("Two officials said on condition of anonymity that the deal was close.", "indirect",
     "the deal was close", "said on condition of anonymity", "Two officials"),
    ("The company denied that it had misled investors.", "indirect",
     "it had misled investors", "denied", "The company"),
    ("The agency did not mention the missile test in its report.", "indirect",
     "the missile test in its report", "did not mention", "The agency"),
    ("It was announced by the ministry that prices would rise.", "indirect",
     "prices would rise", "announced", "the ministry"),
    ("The council's statement said the vote was valid.", "indirect",
     "the vote was valid", "said", "The council"),
]


@pytest.mark.parametrize("text,kind,content,cue,mention", CASES)
def test_cue_content_source(text, kind, content, cue, mention):
    doc, att = run(text)
    claims = attributed(att)
    assert claims, f"no attribution in {text!r}"
    c = claims[0]
    assert (c.kind, c.content.text) == (kind, content)
    assert c.cue is not None and c.cue.text == cue
    assert c.source_mention is not None and c.source_mention.text == mention
    assert grounded(doc, att)


def test_split_quote_gives_two_claims_same_source():
    doc, att = run("“We will stay,” she said, “and we will rebuild.”")
    claims = attributed(att)
    assert [c.content.text for c in claims] == ["“We will stay,”", "“and we will rebuild.”"]
    assert len({c.source_id for c in claims}) == 1 and all(c.kind == "direct" for c in claims)


def test_quote_continuing_in_next_sentence_and_paragraph():
    text = ("“We will stay,” Ms. Ortiz said. “We built this town.\n"
            "“We will not leave it.”\nThe town has 400 people.")
    doc, att = run(text)
    claims = attributed(att)
    assert [c.content.text for c in claims] == [
        "“We will stay,”", "“We built this town.\n“We will not leave it.”"]
    assert len({c.source_id for c in claims}) == 1


def test_cue_inside_quote_is_not_a_cue():
    doc, att = run("“They said no to everything,” Mr. Lee said.")
    claims = attributed(att)
    assert len(claims) == 1 and claims[0].source_mention.text == "Mr. Lee"


@pytest.mark.parametrize("text", [
    "He said “this never closes.\nThe bridge reopened.",
    "“A “nested” quote,” she said.",
    "A stray ” mark sits here, the mayor said.",
    '"""',
])
def test_odd_quotes_never_crash(text):
    doc, att = run(text)
    assert grounded(doc, att)


def test_declined_to_comment_is_not_an_attributed_claim():
    # the hand-labelled fixtures treat a refusal to comment as the reporter's own statement
    doc, att = run("A spokesman for the company declined to comment on the report.")
    assert attributed(att) == []
