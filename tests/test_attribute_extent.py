"""Where a claim's content ends (issue 9): invented sentences through the real parser and the
default engine, asserting on the content span a reader would mark."""
from __future__ import annotations

from tests.attribute_helpers import attributed, grounded, run


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
