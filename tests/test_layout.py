"""Layout attributions (service/attribute/layout.py): speaker labels, a cue that ends its paragraph
with a colon, and dash-signed quotations; a dateline or a note label is never a speaker."""
from __future__ import annotations

from tests.attribute_helpers import attributed, grounded, run, source_of


def test_speaker_label_is_source_cue_and_content():
    doc, att = run("The council met on Tuesday.\n\nMayor Jane Smith: We will not raise fares this year.\n")
    assert grounded(doc, att)
    claim = next(c for c in attributed(att) if "raise fares" in c.content.text)
    assert source_of(att, claim).name == "Jane Smith"
    assert claim.cue is not None and claim.cue.text == ":"
    assert claim.content.text == "We will not raise fares this year"


def test_cue_ending_a_paragraph_introduces_the_next():
    doc, att = run("Mayor Ann Lee spoke after the vote. She added:\n\nThe bridge will close for six months.\n")
    claim = next(c for c in attributed(att) if "bridge will close" in c.content.text)
    assert "Lee" in source_of(att, claim).name


def test_dash_signed_quotation():
    doc, att = run("Readers wrote in.\n\n“We deserve better buses.” ― Ana Ruiz\n")
    claim = next(c for c in attributed(att) if "deserve better" in c.content.text)
    assert "Ruiz" in source_of(att, claim).name


def test_dateline_and_note_labels_are_not_speakers():
    _, att = run("WASHINGTON: The Senate passed the bill on Friday.\n\nUpdate: The vote was 60 to 40.\n")
    names = {s.name for s in att.sources}
    assert not any("WASHINGTON" in n or "Washington" in n or n == "Update" for n in names), names
