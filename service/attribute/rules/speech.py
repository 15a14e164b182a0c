"""Reported speech: what a speech cue verb ("said", "told reporters", "denied") reports.

The content rules below each return the verb's content span or None; `reported` turns a span
into the claim (and, when the content is a quotation, the other pieces of a quotation split by
the cue). `refusal` stops the search: "declined to comment" states no claim.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from functools import cache

from ..cues import CLAUSE_ONLY, OBJECT_CUES, bare_pronoun, cue_verbs, decision_act, is_cue_verb, stance_class
from ..parse import FINITE_TAGS
from .context import Sentence, Span, Verb
from .quotations import QUOTE, quotes_outside_cue

# "X believes / thinks Y": a held view is less certain than a statement, whatever rule found it
BELIEF_CAP = 0.75
_BELIEF_STATEMENTS = ("acknowledge", "conclude")  # belief verbs that state what is so


def reported(verb: Verb, content: Span | None, rule: str, confidence: float):
    """The claim of `verb` with this content (None: the rule found none)."""
    if content is None:
        return None
    s = verb.s
    out = []
    claim = s.claim(content, verb.cue, verb.mention, rule, confidence)
    if claim.kind == "direct":
        # the other pieces of a quotation split by its cue: “A,” she said, “B.”
        out.extend(quotes_outside_cue(verb, QUOTE, skip=content) or ())
        s.take_quotes(content)
    if stance_class(verb.lemma) == "belief" and verb.lemma not in _BELIEF_STATEMENTS:
        claim.confidence = min(confidence, BELIEF_CAP)
    out.append(claim)
    return out


def clause_complement(verb: Verb, confidence: float):
    """The verb's clause complement: "he told reporters that X", with clauses coordinated onto the
    verb after it that carry the report on ("said it was X but had no power to ...")."""
    if not verb.ccomps:
        return None
    v, sd = verb.v, verb.s.sd
    c = verb.ccomps[0]
    last = c.right_edge.i
    act = next((k for k in c.children if k.dep_ == "conj" and k.tag_ == "VBD" and decision_act(k)
                and not any(g.dep_ in ("nsubj", "nsubjpass", "aux") for g in k.children)), None)
    if act is not None:
        # "found that the screen was misleading and ordered the firm to ...": the parser hung the
        # order on the finding; it is the body's act, not what it found
        last = _ends_before(sd, c, act)
    for c2 in verb.ccomps[1:]:
        # "said Trump has respect for X and his comment was Y": the parser split one report into
        # two complements of the verb; the second runs on straight from the first
        # (unless it has its own cue: "..., the same year in which, the reports say, ...")
        if (c2.left_edge.i == last + 1 or (c2.left_edge.i == last + 2 and sd[last + 1].lower_ in ("and", "but"))) \
                and not any(is_cue_verb(t) for t in c2.subtree):
            last = c2.right_edge.i
    for cj in v.children:
        if cj.dep_ == "conj" and cj.i > last and cj.pos_ in ("VERB", "AUX") and not is_cue_verb(cj) \
                and _continues_report(cj) and not decision_act(cj):
            # (not "found that ... and ordered the firm to delete the data": the order is an act)
            # "said it was X but had no power to ..." (same reported subject), "says she
            # hopes to win, but she knows that ..." (a pronoun carries the report on)
            last = cj.right_edge.i
    first = c.left_edge.i
    if c.dep_ == "advcl":  # an unmarked clause read as adverbial: what was said starts at its subject
        first = next(k.left_edge.i for k in c.children if k.dep_ == "nsubj")
    # "said branch visits had fallen and that most customers now bank by phone": each "that" clause
    # the parser coordinated onto the first is a report of its own, with the same cue
    seconds, heads = [], [c]
    while heads:  # "A, and that B, and that C": the parser may chain the conjuncts
        h = heads.pop()
        for k in h.children:
            mark = _that(k)
            if k.dep_ == "conj" and first < k.i <= last and mark is not None and mark.i > c.i:
                seconds.append((mark, k))
                heads.append(k)
    pieces = []
    end = last
    for mark, k in sorted(seconds, key=lambda p: p[0].i, reverse=True):
        pieces.append((mark.i + 1, min(end, k.right_edge.i)))
        end = _ends_before(sd, c, k)
    # "said that the barriers had been overtopped, and that engineers expected ...": a second "that"
    # clause the parser hung on the cue verb itself is a second report of the same cue too
    pieces = pieces[::-1] + [(mark.i + 1, cj.right_edge.i) for cj in v.children
                             if cj.dep_ == "conj" and cj.i > last and (mark := _that(cj)) is not None]
    out = reported(verb, verb.s.span_of(sd[first : end + 1]), "ccomp", confidence)
    for lo, hi in pieces:
        if out is not None and lo <= hi:
            out.extend(reported(verb, verb.s.span_of(sd[lo : hi + 1]), "ccomp", confidence) or ())
    return out


def _that(k):
    """The "that" opening clause k, if it has one."""
    return next((m for m in k.children if m.dep_ == "mark" and m.lower_ == "that"), None)


def _ends_before(sd, c, k) -> int:
    """The last token of complement c before clause k, the "and" and commas between them left out."""
    end = max(c.i, k.left_edge.i - 1)
    while end > c.i and sd[end].dep_ in ("cc", "punct"):
        end -= 1
    return end


def parenthetical(verb: Verb, confidence: float):
    """A parenthetical cue ("The sappers, he said, will work ...") reports its host clause."""
    v, s = verb.v, verb.s
    if verb.ccomps or v.dep_ != "parataxis" or v.head is v:
        return None
    h = v.head
    end = s.sd[h.right_edge.i]
    content = s.finish(s.base + s.sd[h.left_edge.i].idx, s.base + end.idx + len(end.text))
    return reported(verb, content, "parataxis", confidence)


def refusal(verb: Verb, confidence: float | None):
    """"declined to comment" states no claim (the fixtures agree): stop here, with nothing."""
    if verb.lemma in ("decline", "refuse") and not verb.ccomps:
        return []
    return None


def reported_object(verb: Verb, confidence: float):
    """Some verbs report their object: "denied the allegations", "did not mention sending ..."."""
    v, s = verb.v, verb.s
    if verb.lemma not in OBJECT_CUES or verb.lemma in CLAUSE_ONLY:
        return None
    if not any(c.dep_ in ("dobj", "xcomp", "prep", "attr") and c.i > v.i for c in v.children):
        return None
    if decision_act(v):
        return None  # "reported a 38% fall in net profit", "announced a one-off payment": an act
    obj = next((c for c in v.children if c.dep_ == "dobj" and c.i > v.i), None)
    if obj is not None and bare_pronoun(obj):
        return None  # "Mr. Oyelaran rejected that": nothing a reader can check
    start = verb.cue[0] if verb.lemma in ("decline", "refuse") else verb.cue[1]
    end = s.sd[v.right_edge.i]
    return reported(verb, s.finish(start, s.base + end.idx + len(end.text)), "object", confidence)


def clause_before_source(verb: Verb, confidence: float):
    """Quote-first reported speech the parser left unattached ("X has cut the flow ..., the
    minister said"): the finite clause before the source is the content."""
    v, s, subj = verb.v, verb.s, verb.subj
    if subj is None or verb.lemma in CLAUSE_ONLY or v.dep_ != "ROOT":
        return None
    first, last, n_head, finite = head_clause(s, subj.left_edge.i)
    if n_head < 4 or not finite:
        return None
    return reported(verb, s.finish(s.base + first.idx, s.base + last.idx + len(last.text)), "head", confidence)


def clause_after_verb(verb: Verb, confidence: float):
    """The parser missed the complement ("X said many of the examples ... failed to note"): a
    speech verb followed by a clause still reports what follows it."""
    v, s, subj = verb.v, verb.s, verb.subj
    sd = s.sd
    if verb.lemma in CLAUSE_ONLY or verb.lemma in OBJECT_CUES or subj is None or subj.i >= v.i:
        return None
    if v.i + 1 >= len(sd) or sd[v.i + 1].pos_ in ("ADP", "ADV", "PUNCT", "NOUN", "PROPN", "NUM"):
        return None
    if v.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children) and not is_cue_verb(v.head):
        return None  # a purpose: "summoned the ambassador to demand the release of ...", an act's goal
    tail = list(sd[v.i + 1 : v.right_edge.i + 1])
    if not any(t.pos_ in ("VERB", "AUX") for t in tail) or len(tail) < 4:
        return None
    return reported(verb, s.finish(verb.cue[1], s.base + tail[-1].idx + len(tail[-1].text)), "tail", confidence)


def head_clause(s: Sentence, stop: int):
    """Non-punctuation tokens before token `stop` as (first, last, count, finite), without
    listing them for every cue: per-sentence indices are built once."""
    sd, cache = s.sd, s.head_cache
    if not cache:
        cache["idx"] = [t.i for t in sd if not t.is_punct]
        cache["finite"] = next((t.i for t in sd if not t.is_punct and t.tag_ in FINITE_TAGS), len(sd))
    idx = cache["idx"]
    n = bisect_left(idx, stop)
    if n == 0:
        return None, None, 0, False
    return sd[idx[0]], sd[idx[n - 1]], n, cache["finite"] < stop


def _continues_report(cj) -> bool:
    """A clause coordinated with a cue verb after its complement still belongs to the report when
    it has no subject of its own or a pronoun subject ("..., but she knows that ...")."""
    subjs = [g for g in cj.children if g.dep_ in ("nsubj", "nsubjpass")]
    return not subjs or (subjs[0].pos_ == "PRON" and subjs[0].lower_ not in ("i", "we", "you"))


@cache
def _cue_forms() -> frozenset[str]:
    """Finite forms of the speech cue verbs ("maintains", "claimed"), to catch them mis-tagged as nouns."""
    out = set()
    for w in cue_verbs():
        out.add(w + "es" if w.endswith(("s", "sh", "ch", "x", "z")) else w[:-1] + "ies" if w.endswith("y") and w[-2] not in "aeiou" else w + "s")
        out.add(w + "d" if w.endswith("e") else w[:-1] + "ied" if w.endswith("y") and w[-2] not in "aeiou" else w + "ed")
    return frozenset(out)


def mistagged_claims(s: Sentence, found: list, confidence: float):
    """A reporting verb the tagger read as a noun right after a name or pronoun ("Clinton maintains
    that ...", parsed as the noun phrase "Clinton maintains"): the name is the source and the
    that-clause the content. Only bare forms directly followed by "that" count; not a cue of a
    claim `found` already."""
    sd, base, text = s.sd, s.base, s.text
    out = []
    for t in sd:
        if t.pos_ not in ("NOUN", "PROPN") or t.lower_ not in _cue_forms() or t.i + 2 >= len(sd) or t.i == 0:
            continue
        if sd[t.i + 1].lower_ != "that" or any(c.dep_ in ("det", "poss", "amod", "nummod") for c in t.children):
            continue
        subj = sd[t.i - 1]
        if subj.pos_ not in ("PROPN", "PRON") or s.quoted(t):
            continue
        cue = s.char(t)
        if any(c.cue and c.cue[0] <= cue[0] < c.cue[1] for c in found):
            continue
        content = s.span_of(sd[t.i + 2 :])
        if content is None:
            continue
        mention = s.mention(subj)
        if mention.end > cue[0]:
            s0 = base + sd[subj.left_edge.i].idx if subj.left_edge.i < subj.i else base + subj.idx
            mention = replace(mention, start=s0, end=base + subj.idx + len(subj.text), text=text[s0 : base + subj.idx + len(subj.text)])
        out.append(s.claim(content, cue, mention, "mistagged", confidence))
    return out
