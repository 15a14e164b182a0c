"""Unsourced claims: sentences the article asserts in its own voice (the reporter's claims).

A kept sentence with no attribution becomes one `unsourced` claim unless it asserts nothing:
questions to the reader, instructions addressed to a language model (lexicons/model_directives),
verbless fragments (datelines, headings that survived ingest), very
short lines, and bare quotations with no speaker (pull quotes).
"""
from __future__ import annotations

from ..ingest import title_case
from .claims import _local_regions
from .directives import addresses_a_model
from .intervals import Spans
from .layout import chair_label
from .parse import FINITE_TAGS


def asserts(sd, text: str, start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    s = text[start:end].rstrip()
    if not s or s.endswith("?") or s.rstrip("”\"’'").endswith("?"):
        return False
    if addresses_a_model(s):
        return False  # an instruction to a model smuggled into the article asserts nothing
    if chair_label(s):
        return False  # "MODERATOR: We're out of time": a moderator's turn left unclaimed runs the debate
    words = [t for t in sd if t.is_alpha or t.like_num]  # "She was 88." is three words
    # three words make a statement when one is a finite verb ("Analysts were divided."); shorter
    # lines, and three-word lines without one, are labels and headings
    if len(words) < 3 or len(words) == 3 and not any(t.tag_ in FINITE_TAGS for t in sd):
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in sd) and not _prose(sd, s, words):
        return False
    letters = [i for i in range(start, end) if text[i].isalnum()]
    inside = sum(1 for i in letters if any(qs <= i < qe for qs, qe in regions))
    if letters and inside / len(letters) > 0.9:
        return False
    return True


def _prose(sd, s: str, words) -> bool:
    """A sentence the tagger read without a verb ("The country imports almost all of its refined
    fuel.", "Applications ... open on Monday.") is still prose when a subject hangs on its root, or
    when it is long, ends with a full stop and is not a title-case heading."""
    if not s.endswith(".") or title_case(s):
        return False  # a heading or headline ("Federal court rules against ...")
    return len(words) >= 6 or any(t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" for t in sd)


def content_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence without its final period (marks and other punctuation kept)."""
    s, e = start, end
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s and text[e - 1] == ".":
        e -= 1
    return s, e


def unsourced_spans(raw, sents, parsed, text, regions):
    """The sentences no claim touches that assert something: the reporter's own claims."""
    out = []
    claimed = Spans([(c.content[0], c.content[1], None) for c in raw] + [(c.cue[0], c.cue[1], None) for c in raw if c.cue])
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        if claimed.overlaps(s.start, s.end):  # a claim's content or cue is in the sentence
            continue
        if not asserts(sd, text, s.start, s.end, _local_regions(regions, s.start, s.end)):
            continue
        out.append(content_span(text, s.start, s.end))
    return out
