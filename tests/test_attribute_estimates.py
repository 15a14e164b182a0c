"""'X puts the figure at Y' (rules/estimates.py): the estimate is X's claim, through the real parser."""
from __future__ import annotations

import pytest

from tests.attribute_helpers import attributed, grounded, run, source_of


@pytest.mark.parametrize("text, content, source", [
    ("The union says 700 jobs will go; the port authority puts the figure at under 200.",
     "the figure at under 200", "the port authority"),
    ("Rescue officials put the death toll at 41 on Monday.", "the death toll at 41", "Rescue officials"),
    ("A report by the Savanna Trust put the number of rhinos killed at 58.", "the number of rhinos killed at 58",
     "A report by the Savanna Trust"),
])
def test_a_figure_put_at_a_value_is_the_sources_claim(text, content, source):
    doc, att = run(text)
    c = next(c for c in attributed(att) if c.content.text == content)
    assert c.cue is not None and c.cue.text.lower().startswith("put")
    assert source_of(att, c).name == source
    assert grounded(doc, att)


def test_putting_a_thing_somewhere_is_no_claim():
    _, att = run("He put his coat at the door before the meeting.")
    assert not attributed(att)
