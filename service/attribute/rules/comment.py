"""Comment clauses: "as X put it", "Y, as critics predicted" — a cue in an as-clause reports its
host clause. The verb loop skips these verbs (`as_clause`); `as_claims` reads them."""
from __future__ import annotations

from ..cues import cue_span, is_cue_verb, stance_class
from ..sources import subject_of
from .context import Sentence

# confidence by the comment verb: a speech cue or "put it" reports; a belief or stance verb holds
AS_CLAUSE = {"speech": 0.8, "stance": 0.65}


def as_clause(v) -> bool:
    """'as X put it', 'as X noted', 'as critics predicted': a comment clause on its host clause."""
    if v.dep_ != "advcl" or v.head is v or any(c.dep_ == "ccomp" for c in v.children):
        return False
    mark = next((c for c in v.children if c.dep_ == "mark"), None)
    if mark is None or mark.lower_ != "as" or mark.i != v.left_edge.i:
        return False
    lemma = v.lemma_.lower()
    if lemma == "put":
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in v.children)
    if any(c.dep_ in ("dobj", "prep", "xcomp", "attr", "oprd", "dative") for c in v.children):
        return False  # "as the Kremlin boasted of new steps": a clause with its own content ("while")
    return is_cue_verb(v) or stance_class(lemma) in ("belief", "stance")


def as_claims(s: Sentence, found: list, confidence: dict):
    sd, base = s.sd, s.base
    out = []
    for v in sd:
        if v.pos_ != "VERB" or not as_clause(v) or s.quoted(v):
            continue
        subj = subject_of(v)
        if subj is None or subj.i < v.left_edge.i or s.quoted(subj):
            continue
        h = v.head
        lo, hi = h.left_edge.i, h.right_edge.i
        while hi > lo and sd[hi].is_punct:
            hi -= 1
        if v.left_edge.i <= lo:
            lo = v.right_edge.i + 1  # "As X put it, Y"
        elif v.right_edge.i >= hi:
            hi = v.left_edge.i - 1  # "Y, as X put it"
        # else in the middle: the host clause with the comment inside, as for "Y, he said, Z"
        content = s.span_of(sd[lo : hi + 1])
        if content is None:
            continue
        put = v.lemma_.lower() == "put"
        cue = (base + v.idx, base + v.right_edge.idx + len(v.right_edge.text)) if put else cue_span(v, base)
        conf = confidence["speech"] if is_cue_verb(v) or put else confidence["stance"]
        out.append(s.claim(content, cue, s.mention(subj), "as", conf))
    return out
