"""Rules for quotations around a speech cue: “A,” she said, “B.” / tweeted that X was “disgusting”."""
from __future__ import annotations

from .context import Span, Verb

# a quotation given to its cue verb is as sure as a clause complement
QUOTE = 0.9

# dependents of the verb that make up a complement holding a quotation
_COMPLEMENT_DEPS = ("dobj", "xcomp", "oprd", "ccomp", "attr", "dative")


def quote_in_complement(verb: Verb, confidence: float):
    """A quotation inside the verb's own complement ("tweeted that Machado was “disgusting”",
    "called the remarks “a wake-up call” to his supporters"): the whole complement, mixed."""
    s = verb.s
    mixed = _complement_with_quote(verb)
    if mixed is None:
        return None
    s.take_quotes(mixed)
    return [s.claim(mixed, verb.cue, verb.mention, "mixed", confidence)]


def quotes_outside_cue(verb: Verb, confidence: float, skip: Span | None = None):
    """Quotations of the sentence outside the cue and its source, each a direct claim of the cue:
    “A,” she said, “B.” — skipping quotations taken already, one overlapping `skip` (the claim
    that holds it), and marks around fewer than two letters. None when there are none."""
    s = verb.s
    lo, hi = verb.cue_bounds
    out = []
    for q in s.local:
        if q in s.used or (skip is not None and q[0] < skip[1] and skip[0] < q[1]):
            continue
        if (q[1] <= lo or q[0] >= hi) and sum(ch.isalpha() for ch in s.text[q[0] : q[1]]) >= 2:
            s.used.add(q)
            out.append(s.claim(q, verb.cue, verb.mention, "quote", confidence))
    return out or None


def _complement_with_quote(verb: Verb) -> Span | None:
    """Content span of a complement after the cue that holds a quotation but does not start with
    it, or None. A bare quotation after the cue ("“A,” she said, “B.”") stays a direct claim."""
    v, s, cue = verb.v, verb.s, verb.cue
    for c in sorted(v.children, key=lambda c: c.i):
        if c.i <= v.i or c.dep_ not in _COMPLEMENT_DEPS:
            continue
        lo, hi = c.left_edge, v.doc[c.right_edge.i]
        start, end = s.base + lo.idx, s.base + hi.idx + len(hi.text)
        inside = [q for q in s.local if start <= q[0] < end]
        if not inside or start < cue[1]:
            continue
        words_before = [t for t in v.doc[lo.i : c.right_edge.i + 1]
                        if t.is_alpha and s.base + t.idx < inside[0][0]]
        if len(words_before) < 2:
            return None
        last = max(t.right_edge.i for t in v.children if t.i >= c.i and t.dep_ in _COMPLEMENT_DEPS + ("prep",))
        return s.finish(start, s.base + v.doc[last].idx + len(v.doc[last].text))
    return None
