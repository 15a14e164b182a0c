"""Estimates put at a value: "the port authority puts the figure at under 200", "A report published
in January put the number of rhinos killed at 58". The value is the subject's claim, not the
reporter's: the verb is the cue, the quantity and its value the content."""
from __future__ import annotations

from ..lexicon import words
from ..sources import subject_of
from .context import Sentence


def put_at_claims(s: Sentence, found: list, confidence: float):
    sd = s.sd
    out = []
    figures = words("figure_nouns")
    for v in sd:
        if v.pos_ != "VERB" or v.lemma_.lower() != "put" or s.quoted(v):
            continue
        obj = next((c for c in v.children if c.dep_ == "dobj" and c.lemma_.lower() in figures), None)
        # "at" hangs on the verb, or the parser puts it on the noun's own clause ("the number of
        # rhinos killed at 58")
        ats = [c for c in v.children if c.dep_ == "prep" and c.lower_ == "at" and c.i > obj.i] if obj is not None else []
        ats += [t for t in obj.subtree if t.dep_ == "prep" and t.lower_ == "at" and t.i > obj.i] if obj is not None else []
        at = max(ats, key=lambda t: t.i, default=None)
        if obj is None or at is None or not any(g.dep_ == "pobj" for g in at.children):
            continue
        subj = subject_of(v)
        if subj is None or s.quoted(subj) or subj.pos_ not in ("NOUN", "PROPN", "PRON"):
            continue
        cue = s.char(v)
        content = s.span_of(sd[obj.left_edge.i : max(at.right_edge.i, obj.right_edge.i) + 1])
        if content is None or any(c.content[0] < content[1] and content[0] < c.content[1] for c in found):
            continue
        out.append(s.claim(content, cue, s.mention(subj), "put_at", confidence))
    return out
