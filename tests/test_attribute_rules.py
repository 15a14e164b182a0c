"""The rule engine's tables (service/attribute/claims.py): which rule reads a sentence, with the
confidence its table row gives, on the real spaCy parse (sentences written for these tests)."""
from __future__ import annotations

import pytest

from service.attribute import claims, rule_stage
from service.attribute.rules import quotations, stance
from service.ingest import Document
from service.nlp import load_pipeline
from service.segment import segment


def raw(text: str):
    doc = Document(text=text)
    return [(c.rule, c.confidence, c.kind, text[c.content[0] : c.content[1]]) for c in rule_stage(doc, segment(doc)).raw]


CASES = [
    ("The minister told reporters that the bridge would reopen in May.",
     [("ccomp", 0.9, "indirect", "the bridge would reopen in May")]),
    ("The sappers, he said, will work on the border for a year.",
     [("parataxis", 0.85, "indirect", "The sappers, he said, will work on the border for a year")]),
    # one quotation split by its cue: both pieces are the cue's, at the quote rule's confidence
    ("“We will not stop,” she said, “until the law is changed.”",
     [("ccomp", 0.9, "direct", "“We will not stop,”"), ("quote", 0.9, "direct", "“until the law is changed.”")]),
    ("The senator called the plan “a disaster for farmers.”",
     [("stance", 0.6, "mixed", "the plan “a disaster for farmers.”")]),
    ("The ministry did not mention sending more troops to the border.",
     [("object", 0.7, "indirect", "sending more troops to the border")]),
    ("A new poll shows a close race between the two candidates.",
     [("stance", 0.6, "indirect", "a close race between the two candidates")]),
    # a held view is capped below a statement, whatever rule read it
    ("She believes the vote was rigged by the council.",
     [("ccomp", 0.75, "indirect", "the vote was rigged by the council")]),
    ("The nominee has been endorsed by dozens of newspapers.",
     [("passive", 0.6, "indirect", "The nominee")]),
    ("According to the agency, the board discussed raising reserve requirements.",
     [("according", 0.9, "indirect", "the board discussed raising reserve requirements")]),
    ("In a video distributed by the ministry, soldiers are seen marching through the town.",
     [("frame", 0.75, "indirect", "soldiers are seen marching through the town")]),
    ("The economy, as the governor put it, is in a deep hole.",
     [("as", 0.8, "indirect", "The economy, as the governor put it, is in a deep hole")]),
    ("The mayor is confident that the budget will pass.",
     [("adjective", 0.6, "indirect", "the budget will pass")]),
    ("The senator's warning about the deficit went unheeded.",
     [("noun", 0.6, "indirect", "the deficit")]),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:40] for c in CASES])
def test_rule_and_confidence(text, expected):
    assert raw(text) == expected


def test_tables_name_the_confidences_rules_give():
    rows = dict(claims.SPEECH_RULES)
    assert rows[quotations.quotes_outside_cue] == quotations.QUOTE == 0.9
    assert rows[stance.called_object] is stance.STANCE
    # every row is a function of (verb or sentence, confidence) and the order is the documented one
    names = [r.__name__ for r, _ in claims.SPEECH_RULES]
    assert names.index("clause_complement") < names.index("quotes_outside_cue") < names.index("reported_object") \
        < names.index("speech_stance")


def test_declined_to_comment_stops_the_rules():
    # refusal answers with no claim, so neither a later rule nor a dangling cue takes the verb
    text = "The spokesman declined to comment on the report."
    found, dangling = claims.sentence_claims(load_pipeline()(text), 0, 0, len(text), text, [])
    assert found == [] and dangling == []
