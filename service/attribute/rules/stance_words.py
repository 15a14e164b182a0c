"""Stance adjectives and nouns (lexicons/stance_nouns.en.txt): "X is confident that Y", "X has been
critical of Y", "X's claim that Y", "X expressed concern that Y"."""
from __future__ import annotations

from ..cues import agentive, stance_adjectives, stance_nouns
from ..lexicon import rows, words
from ..sources import subject_of
from .context import Sentence
from .stance import own_stance

# Verbs whose object noun is the subject's own statement ("expressed concern that", "made the claim")
_LIGHT_VERBS = words("light_verbs")
# Possessives that hold a stance noun ("his warning", "their claim"): persons and groups, not "its", "my"
_HOLDER_POSSESSIVES = frozenset(w for kind, case, w in rows("pronouns") if case == "determiner" and kind in ("male", "female", "they", "we"))


def adjective_claims(s: Sentence, found: list, confidence: float):
    """'X is confident that Y', 'X has been critical of Y', 'X is worried about Y'."""
    sd, base = s.sd, s.base
    out = []
    for a in sd:
        if a.pos_ != "ADJ" or a.dep_ != "acomp" or a.lemma_.lower() not in stance_adjectives():
            continue
        be = a.head
        if s.quoted(a):
            continue
        subj = subject_of(be)
        if subj is None or s.quoted(subj) or not own_stance(be, subj):
            continue
        comp, prep = _complement(a)
        if comp is None:
            continue
        lo = min([be.i] + [c.i for c in be.children if c.dep_ in ("aux", "neg") and c.i < be.i and c.i > subj.i])
        last = prep if prep is not None else a
        cue = (base + sd[lo].idx, base + last.idx + len(last.text))
        content = s.span_of(t for t in _subtree(sd, comp) if base + t.idx >= cue[1])
        if content is None:
            continue
        out.append(s.claim(content, cue, s.mention(subj), "adjective", confidence))
    return out


def noun_claims(s: Sentence, found: list, confidence: float):
    """"X's claim that Y", "the senator's warning about Y", "X expressed concern that Y"."""
    sd, base = s.sd, s.base
    out = []
    for n in sd:
        if n.pos_ != "NOUN" or n.lemma_.lower() not in stance_nouns() or s.quoted(n):
            continue
        comp, prep = _complement(n, preps=("about", "over", "on"))
        if comp is None:
            continue
        holder = next((c for c in n.children if c.dep_ == "poss"), None)
        if holder is None:
            by = next((c for c in n.children if c.dep_ == "prep" and c.lower_ == "by"), None)
            holder = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
        if holder is None and n.dep_ == "dobj" and n.head.lemma_.lower() in _LIGHT_VERBS:
            holder = subject_of(n.head)
        if holder is None or s.quoted(holder):
            continue
        if not (agentive(holder) or holder.lower_ in _HOLDER_POSSESSIVES):
            continue
        last = prep if prep is not None else n
        cue = (base + n.idx, base + last.idx + len(last.text))
        content = s.span_of(t for t in _subtree(sd, comp) if base + t.idx >= cue[1])
        if content is None:
            continue
        out.append(s.claim(content, cue, s.mention(holder), "noun", confidence))
    return out


def _complement(head, preps=("about", "of", "to", "that", "over", "on", "with", "in")):
    """What a stance adjective or noun is about: its that-clause, to-infinitive or prepositional
    object ("confident that X", "critical of X", "concern about X"). Returns (tokens, prep)."""
    for c in sorted(head.children, key=lambda c: c.i):
        if c.i < head.i:
            continue
        if c.dep_ in ("ccomp", "xcomp", "acl", "appos") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
            return c, None
        if c.dep_ in ("ccomp", "xcomp") and head.pos_ == "ADJ":
            return c, None
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return obj, c
    return None, None


def _subtree(sd, tok):
    """The tokens from tok's left edge to its right edge."""
    return sd[tok.left_edge.i : tok.right_edge.i + 1]
