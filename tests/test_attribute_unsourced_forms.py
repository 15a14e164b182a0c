"""The reporter's own statements that are easy to lose: three-word statements and corrections."""
from __future__ import annotations

from tests.attribute_helpers import attributed, run


def _unsourced(att):
    return [c.content.text for c in att.claims if c.kind == "unsourced"]


def test_a_three_word_statement_with_a_finite_verb_is_the_reporters():
    _, att = run("Analysts were divided. Pieter Smolders of Brand Bank said the cuts were overdue.")
    assert "Analysts were divided" in _unsourced(att)


def test_a_three_word_label_is_not_a_statement():
    _, att = run("Power cut update\n\nThe storm cut power to 84,000 homes on Tuesday.")
    assert "Power cut update" not in _unsourced(att)


def test_a_correction_is_the_newsrooms_statement_not_a_source():
    _, att = run("The strike began on Monday.\n\nCorrection: An earlier version of this article said Amberley "
                 "Care runs 24 homes. It runs 22.")
    assert not attributed(att)
    assert any("An earlier version of this article said" in t for t in _unsourced(att))


def test_the_reporters_aside_on_a_source_is_an_unsourced_claim():
    _, att = run("The Clerical Staff Union, which represents about 70 percent of the bank's branch staff, said "
                 "it had not been consulted.")
    assert "which represents about 70 percent of the bank's branch staff" in _unsourced(att)
    assert [c.content.text for c in attributed(att)] == ["it had not been consulted"]


def test_a_belief_in_an_aside_is_not_the_reporters():
    _, att = run("Ola Brekke, an economist at Fjord Capital, who expects inflation to ease by the summer, said "
                 "the cut would cost the treasury 2 billion crowns.")
    assert not any("expects inflation" in u for u in _unsourced(att))


def test_an_official_act_is_the_reporters_fact_not_the_bodys_claim():
    _, att = run("The Trevance school board voted 5-2 to close four elementary schools next year. "
                 "Morvania on Wednesday ordered four Estreli diplomats to leave the country.")
    assert not attributed(att)
    assert len(_unsourced(att)) == 2


def test_a_decision_verb_with_a_clause_is_still_a_claim():
    _, att = run("The commission declared that the result would stand despite the complaints.")
    assert [c.content.text for c in attributed(att)] == ["the result would stand despite the complaints"]
