"""Coreference (service/attribute/coref.py), through the attribution engine: a pronoun, a title or a
surname resolves to the source the article named, and two people stay two sources."""
from __future__ import annotations

from tests.attribute_helpers import attributed, grounded, run, source_of

TEXT = ("Finance Minister Clara Oduya said on Monday that taxes would not rise. "
        "She told reporters the budget was balanced. "
        "Opposition leader Tomas Brandt said the budget hid a deficit. "
        "Ms. Oduya said the figures were audited.")


def _source_for(att, fragment):
    claim = next(c for c in attributed(att) if fragment in c.content.text)
    return source_of(att, claim)


def test_pronoun_and_surname_resolve_to_the_named_person():
    doc, att = run(TEXT)
    assert grounded(doc, att)
    first = _source_for(att, "taxes would not rise")
    assert "Oduya" in first.name
    assert _source_for(att, "budget was balanced").id == first.id  # "She"
    assert _source_for(att, "figures were audited").id == first.id  # "Ms. Oduya"
    assert {m.text for m in first.mentions} >= {"She", "Ms. Oduya"}


def test_two_people_stay_two_sources():
    _, att = run(TEXT)
    assert "Brandt" in _source_for(att, "hid a deficit").name
    assert _source_for(att, "hid a deficit").id != _source_for(att, "taxes would not rise").id
