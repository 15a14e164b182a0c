"""Wire copy as it is written (issue 9 item 2): datelines, section labels, "said in a statement",
"the bank" after a named bank. Invented sentences, real spaCy parses, both engines."""
import pytest

from service.attribute import attribute
from service.ingest import ingest
from service.segment import dateline_end, segment
from tests.attribute_helpers import attributed, source_of


@pytest.mark.parametrize("text,dateline", [
    ("HALVERSTADT, Norland — Finance Minister Irena Vollmer said so.", "HALVERSTADT, Norland — "),
    ("MOSCOW - Russia's main satellite network said so.", "MOSCOW - "),
    ("LONDON (Wirewire) — Harbour Lane Bank withdrew.", "LONDON (Wirewire) — "),
    ("NEW YORK, Dec. 1 (Wire Agency) -- The index fell.", "NEW YORK, Dec. 1 (Wire Agency) -- "),
    ("ST. PETERSBURG, Russia—The port closed.", "ST. PETERSBURG, Russia—"),
    ("Washington (Capitol Wire) — The vote failed.", "Washington (Capitol Wire) — "),
    ("Halverstadt, Norland — Finance Minister Irena Vollmer said so.", "Halverstadt, Norland — "),
    ("ABSTRACT. The mayor said taxes would rise.", "ABSTRACT. "),
    # not datelines
    ("Obama — who said so — left.", ""),
    ("U.S. officials said so.", ""),
    ("SEN. HALE: I think so.", ""),
    ("Kim said - the talks failed.", ""),
])
def test_dateline_end(text, dateline):
    assert text[: dateline_end(text, 0, len(text))] == dateline


def _claims(text, mode):
    doc = ingest(text=text)
    att = attribute(doc, segment(doc), mode=mode)
    return [(source_of(att, c).name, c.content.text, c.cue.text if c.cue else None) for c in attributed(att)]


MODES = ["rules", "combined"]


@pytest.mark.parametrize("mode", MODES)
def test_dateline_before_speaker_is_not_the_source(mode):
    text = ("Pension Cuts Stay, Minister Says\n\nHALVERSTADT, Norland — Finance Minister Irena Vollmer "
            "said on Tuesday that the government would not reverse a planned 6 percent cut.")
    got = _claims(text, mode)
    assert ("Irena Vollmer", "the government would not reverse a planned 6 percent cut", "said") in got
    assert all("HALVERSTADT" not in name for name, _, _ in got)


@pytest.mark.parametrize("mode", MODES)
def test_dateline_glued_to_a_description_is_not_in_the_name(mode):
    got = _claims("MOSCOW - Russia's main English-language satellite network said on Monday that it "
                  "would close its London office.", mode)
    assert got and all("MOSCOW" not in name for name, _, _ in got)


@pytest.mark.parametrize("mode", MODES)
def test_said_in_a_statement_that_and_the_bank(mode):
    text = ("British Bank Abruptly Drops Takeover Bid\n\nLONDON — Harbour Lane Bank withdrew its offer for "
            "Calder Mutual on Friday.\n\nThe bank said in a statement that the deal no longer made sense "
            "for its shareholders.")
    got = _claims(text, mode)
    assert ("Harbour Lane Bank", "the deal no longer made sense for its shareholders", "said in a statement") in got


def test_section_labels_are_removed_not_the_abstract():
    text = ("ABSTRACT.\nThe mayor, Anna Holt, said on Monday that taxes would rise by 3 percent next year "
            "in the city.\n\nFULL TEXT.\n\nThe mayor, Anna Holt, said on Monday that taxes would rise by 3 "
            "percent next year in the city.")
    doc = ingest(text=text)
    labels = [text[r.start:r.end] for r in doc.removed if r.reason == "section_label"]
    assert labels == ["ABSTRACT.", "FULL TEXT."]
    assert len(_claims(text, "rules")) == 2
