"""Cues: the reporting verb or phrase of an attribution, found on the dependency parse.

A cue is a verb whose lemma is in lexicons/cue_verbs.en.txt, widened to the minimal reporting
phrase it heads: negation/auxiliary do ("did not mention"), an audience object ("told reporters"),
a medium right after it ("said in a statement") or an anonymity phrase ("said on condition of
anonymity"). Prepositional cues ("according to X") are found separately because their source
is the object, not a subject.
"""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import pairs, words

# Cue verbs whose content may be a plain object rather than a clause ("denied the report",
# "did not mention sending laborers"): only these take the object as content.
OBJECT_CUES = {"deny", "confirm", "announce", "mention", "report", "acknowledge", "admit", "reveal",
               "disclose", "predict", "estimate", "promise", "pledge", "vow", "decline", "refuse",
               "forecast", "dismiss", "reject", "criticize", "praise", "blame", "accuse"}
# Verbs in the lexicon that are only cues with a clause complement (too common otherwise).
CLAUSE_ONLY = {"call", "continue", "agree", "show", "find", "ask", "question", "wonder", "think",
               "believe", "add", "repeat", "signal", "indicate", "recall", "explain", "answer",
               "respond", "reply", "describe", "hint", "note", "charge", "counter", "guess", "project",
               "urge", "praise", "criticize", "blame", "accuse", "propose", "recommend"}


@dataclass
class Cue:
    verb: object  # spaCy token (internal to the attribute package)
    start: int  # char offsets into the document
    end: int


def cue_verbs() -> frozenset[str]:
    return words("cue_verbs")


def _objects(kind: str) -> set[str]:
    return {w for k, w in pairs("cue_objects") if k == kind}


def is_cue_verb(t) -> bool:
    if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in cue_verbs():
        return False
    if t.dep_ in ("amod", "compound"):
        return False
    return True


def cue_span(v, base: int) -> tuple[int, int]:
    """Char span of the minimal reporting phrase headed by cue verb v."""
    doc = v.doc
    lo = hi = v.i
    # "did not mention": keep do-support negation so the cue keeps its polarity
    neg = [c for c in v.children if c.dep_ == "neg" and c.i < v.i]
    if neg:
        lo = min(lo, neg[0].i)
        aux = [c for c in v.children if c.dep_ == "aux" and c.lemma_ == "do" and c.i < neg[0].i]
        if aux:
            lo = aux[0].i
    audience = _objects("audience")
    medium = _objects("medium")
    if v.lemma_ in ("decline", "refuse"):
        x = next((c for c in v.children if c.dep_ == "xcomp" and c.lemma_ in ("comment", "respond", "say", "discuss")), None)
        if x is not None:
            hi = x.i  # "declined to comment"
    for c in sorted(v.children, key=lambda c: c.i):
        if c.i <= hi:
            continue
        if c.i != hi + 1 and not (c.i == hi + 2 and doc[hi + 1].dep_ in ("npadvmod",)):
            break
        if c.dep_ in ("dobj", "dative") and c.lemma_.lower() in audience and c.i == c.right_edge.i:
            hi = c.i  # "told reporters"
        elif c.dep_ == "prt":
            hi = c.i  # "pointed out"
        elif c.dep_ == "prep" and c.lower_ in ("in", "on") and c.right_edge.i < len(doc):
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if objs and (objs[0].lemma_.lower() in medium or objs[0].lower_ in ("anonymity", "condition")):
                hi = c.right_edge.i  # "said in a statement", "said on condition of anonymity"
            else:
                break
        elif c.dep_ == "xcomp" and v.lemma_ in ("decline", "refuse") and c.lemma_ in ("comment", "respond", "say"):
            hi = c.i  # "declined to comment"
        elif c.dep_ == "prep" and c.lower_ == "to" and v.lemma_ in ("say", "tell", "write", "explain"):
            hi = c.right_edge.i  # "said to reporters"
        else:
            break
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    return base + doc[lo].idx, base + doc[hi].idx + len(doc[hi].text)


def prep_cues(doc) -> list:
    """Tokens starting a prepositional cue whose object is the source ("according to X")."""
    phrases = [p.split() for k, p in pairs("cue_phrases") if k == "prep"]
    out = []
    for t in doc:
        for words_ in phrases:
            n = len(words_)
            if n == 1 and words_[0] == "per":
                continue  # too ambiguous ("per cent", "per year")
            if t.i + n <= len(doc) and [x.lower_ for x in doc[t.i : t.i + n]] == words_:
                out.append((t, n))
    return out
