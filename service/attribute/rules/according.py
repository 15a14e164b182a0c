"""Prepositional and framing cues, whose object is the source and the rest of the sentence the
content: "According to X, Y." / "Y, according to X." / "In a video distributed by X, Y"."""
from __future__ import annotations

from dataclasses import replace

from ..cues import is_cue_verb, prep_cues
from ..lexicon import pairs
from .context import Sentence


def according_claims(s: Sentence, found: list, confidence: float):
    """'According to X, Y.' / 'Y, according to X.' -> content Y, source X (in the middle of the
    sentence: the whole sentence)."""
    sd, base = s.sd, s.base
    out = []
    for t, n in prep_cues(sd):
        last = sd[t.i + n - 1]
        objs = [c for c in last.children if c.dep_ == "pobj"] or [c for c in t.children if c.dep_ == "pobj"]
        gerund = None
        if not objs:
            # "According to charging documents filed in ...": the parser read the modifier as a
            # verb ("charging") with the documents as its object
            gerund = next((c for c in last.children if c.dep_ == "pcomp" and c.tag_ == "VBG" and c.i == last.i + 1), None)
            objs = [c for c in gerund.children if c.dep_ == "dobj" and c.i == gerund.i + 1] if gerund is not None else []
        if not objs:
            continue
        src = objs[0]
        mention = s.mention(src)
        if gerund is not None:
            lo = base + gerund.idx
            mention = replace(mention, start=lo, text=s.text[lo : mention.end])
        cue = (base + t.idx, base + last.idx + len(last.text))
        pp_lo, pp_hi = t.i, max(src.right_edge.i, last.i)
        words = [x for x in sd if not x.is_punct]
        if not words:
            continue
        if pp_lo <= words[0].i:  # at the start
            rest = list(sd[pp_hi + 1 :])
        elif pp_hi >= words[-1].i:  # at the end
            rest = list(sd[:pp_lo])
        else:
            rest = list(sd)
        if not rest:
            continue
        content = s.span_of(rest)
        if content is None:
            continue
        out.append(s.claim(content, cue, mention, "according", confidence))
    return out


def frame_claims(s: Sentence, found: list, confidence: float):
    """'In a video ... distributed by X, Y' when Y's verb is not itself a cue: X reports Y."""
    sd, base = s.sd, s.base
    media = {w for k, w in pairs("cue_objects") if k == "medium"}
    first = next((t for t in sd if not t.is_punct), None)
    if first is None or first.lower_ != "in" or first.dep_ != "prep":
        return []
    pobj = next((c for c in first.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in media:
        return []
    if is_cue_verb(first.head):
        return []  # "In a statement, the ministry said ..." is handled by the verb
    src = cue = None
    for t in sd[pobj.i : pobj.right_edge.i + 1]:
        if t.dep_ == "agent":
            g = next((c for c in t.children if c.dep_ == "pobj"), None)
            if g is not None:
                src = g
                cue = (base + t.head.idx, base + t.idx + len(t.text))
                break
    if src is None:
        poss = next((c for c in pobj.children if c.dep_ == "poss"), None)
        if poss is None:
            return []
        src = poss
        cue = (base + first.idx, base + pobj.idx + len(pobj.text))
    content = s.span_of(sd[pobj.right_edge.i + 1 :])
    if content is None:
        return []
    return [s.claim(content, cue, s.mention(src), "frame", confidence)]
