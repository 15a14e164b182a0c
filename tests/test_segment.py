"""segment(): paragraphs, sentences and quote regions as char offsets (no parser needed)."""
import pytest

from service.ingest import Document
from service.schema import Removed
from service.segment import segment


def sents(text, removed=()):
    doc = Document(text=text, removed=tuple(removed))
    return [text[s.start : s.end] for s in segment(doc).sentences]


@pytest.mark.parametrize("text,expected", [
    ("Mr. Smith left. He came back.", ["Mr. Smith left.", "He came back."]),
    ("Sergei K. Shoigu met Mr. Kim in Pyongyang. It was his third visit.",
     ["Sergei K. Shoigu met Mr. Kim in Pyongyang.", "It was his third visit."]),
    ("Their labor violates U.N. Security Council sanctions. The money goes north.",
     ["Their labor violates U.N. Security Council sanctions.", "The money goes north."]),
    ("He works in the U.S. The company said so.", ["He works in the U.S.", "The company said so."]),
    ("“We left. We came back,” she said. Then it rained.",
     ["“We left. We came back,” she said.", "Then it rained."]),
    ("The vote is on Jan. 5 in Washington. Gov. Ann Lee agreed.",
     ["The vote is on Jan. 5 in Washington.", "Gov. Ann Lee agreed."]),
    ("Prices rose. “Why?” he asked.", ["Prices rose.", "“Why?” he asked."]),
])
def test_sentences(text, expected):
    assert sents(text) == expected


def test_paragraphs_and_removed_ranges():
    text = "Sponsor: buy now\n\nFirst para here. Second sentence.\nNext para."
    removed = [Removed(start=0, end=16, reason="boilerplate")]
    seg = segment(Document(text=text, removed=tuple(removed)))
    assert [text[p.start : p.end] for p in seg.paragraphs] == ["First para here. Second sentence.", "Next para."]
    assert all(s.start >= 16 for s in seg.sentences)


def test_quote_regions_curly_straight_and_double_apostrophe():
    text = 'She said “yes.” He said "no." They said \'\'maybe.\'\''
    seg = segment(Document(text=text))
    assert [text[q.start : q.end] for q in seg.quotes] == ["“yes.”", '"no."', "''maybe.''"]


def test_multi_paragraph_quote_is_one_region():
    text = "“We will stay,” she said. “We built this town.\n“We will not leave it.”"
    seg = segment(Document(text=text))
    assert [text[q.start : q.end] for q in seg.quotes] == [
        "“We will stay,”", "“We built this town.\n“We will not leave it.”"]
    assert seg.warnings == ()


@pytest.mark.parametrize("text", [
    "He said “this never closes.\nNext paragraph here.",
    "A stray ” mark here. And “another “one.",
    '"""',
    "“",
])
def test_unbalanced_quotes_warn_not_crash(text):
    seg = segment(Document(text=text))
    assert seg.warnings
    for q in seg.quotes:
        assert 0 <= q.start < q.end <= len(text)


def test_closing_mark_typed_as_opening_mark_opens_a_quote():
    from service.ingest import Document
    from service.segment import segment

    text = "”We deserve a better choice,” she said."
    seg = segment(Document(text=text))
    assert [(text[q.start:q.end], q.closed) for q in seg.quotes] == [("”We deserve a better choice,”", True)]
