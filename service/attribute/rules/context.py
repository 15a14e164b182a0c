"""What a rule reads: the sentence being read (its parse, offsets and quotations) and the cue verb."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..cues import cue_span
from ..model import Mention, RawClaim
from ..parse import FINITE_TAGS
from ..quotes import fix_open_mark, kind_of, snap, trim
from ..sources import make_mention

Span = tuple[int, int]


@dataclass
class Sentence:
    """One parsed sentence of the article. Offsets are article offsets (base + token.idx)."""

    sd: object  # the sentence's spaCy Doc
    si: int  # sentence index
    base: int  # where the sentence starts in the article
    text: str  # the whole article
    local: list[Span]  # the quotations overlapping this sentence, in text order
    used: set[Span] = field(default_factory=set)  # quotations a claim of this sentence has taken
    head_cache: dict = field(default_factory=dict)  # speech.head_clause's per-sentence indices

    def quoted(self, tok) -> bool:
        """Whether token `tok` starts inside one of the sentence's quotations."""
        pos = self.base + tok.idx
        return any(qs <= pos < qe for qs, qe in self.local)

    def char(self, tok) -> Span:
        return self.base + tok.idx, self.base + tok.idx + len(tok.text)

    def finish(self, s: int, e: int) -> Span | None:
        """Content [s, e) trimmed of 'that' and punctuation, snapped to the quotations it cuts."""
        s, e = trim(self.text, s, e)
        s, e = fix_open_mark(self.text, s, e, self.local)
        s, e = snap((s, e), self.local)
        if e <= s:
            return None
        return s, e

    def span_of(self, toks) -> Span | None:
        """finish() over the char range of these tokens (first to last), or None when there are none."""
        toks = list(toks)
        if not toks:
            return None
        return self.finish(self.base + toks[0].idx, self.base + toks[-1].idx + len(toks[-1].text))

    def mention(self, tok) -> Mention:
        return make_mention(tok, self.si, self.base)

    def claim(self, content: Span, cue: Span, mention: Mention | None, rule: str, confidence: float) -> RawClaim:
        """A claim whose kind (direct / mixed / indirect) follows from the quotations in its content."""
        return RawClaim(kind_of(self.text, content, self.local), content, cue, mention, self.si, rule, confidence)

    def take_quotes(self, content: Span) -> None:
        """The quotations overlapping `content` belong to its claim: no other cue gets them."""
        self.used.update(q for q in self.local if q[0] < content[1] and content[0] < q[1])


class Verb:
    """A cue verb of a sentence with its subject (None when it has none a source can be).
    Its source mention, cue span and clause complements are worked out once, when a rule asks."""

    def __init__(self, s: Sentence, v, subj, speech: bool):
        self.s = s
        self.v = v
        self.subj = subj
        self.speech = speech  # a speech cue verb (cue_verbs), else a belief/intention/stance verb
        self.lemma = v.lemma_.lower()

    @cached_property
    def mention(self) -> Mention | None:
        return self.s.mention(self.subj) if self.subj is not None else None

    @cached_property
    def cue(self) -> Span:
        return cue_span(self.v, self.s.base)

    @cached_property
    def cue_bounds(self) -> Span:
        """From the first to the last character of the cue and its source mention."""
        cue, m = self.cue, self.mention
        return min(cue[0], m.start if m else cue[0]), max(cue[1], m.end if m else cue[1])

    @cached_property
    def ccomps(self) -> list:
        """The verb's clause complements; after the verb when it has some on both sides ("Writing
        that all agreed X won, Y noted that Z"); else a that-clause on its frame noun."""
        v = self.v
        # a "complement" opened by "after", "because" ... is an adverbial the parser misread
        # ("X said on Monday, a day after the plan drew protests"): what it says is not reported
        ccomps = [c for c in v.children if c.dep_ == "ccomp"
                  and not any(m.dep_ == "mark" and m.lower_ in _ADVERBIAL_MARKS for m in c.children)]
        if len(ccomps) > 1 and any(c.i > v.i for c in ccomps):
            ccomps = [c for c in ccomps if c.i > v.i]
        return ccomps or _clause_on_frame_noun(v) or _unmarked_clause(v)


def _unmarked_clause(v) -> list:
    """"Trump said after the convention he would not accept ...": the parser reads "after the
    convention he would ..." as an adverbial clause; a clause after the verb with its own subject,
    a finite verb and no subordinating word is what was said."""
    for c in v.children:
        if c.dep_ == "advcl" and c.i > v.i and not any(m.dep_ == "mark" for m in c.children) \
                and any(k.dep_ == "nsubj" and k.i < c.i for k in c.children) \
                and (c.tag_ in FINITE_TAGS or any(k.dep_ == "aux" and k.tag_ in FINITE_TAGS for k in c.children)):
            return [c]
    return []


_ADVERBIAL_MARKS = {"after", "before", "because", "since", "while", "although", "though", "until", "once", "unless"}


def _clause_on_frame_noun(v) -> list:
    """"X said in a statement that Y": the parser hangs the that-clause on "statement" (acl);
    it is still the verb's content."""
    for p in v.children:
        if p.dep_ != "prep" or p.i < v.i or p.lower_ not in ("in", "on", "through", "via"):
            continue
        for n in p.children:
            if n.dep_ != "pobj":
                continue
            for c in n.children:
                if c.dep_ in ("acl", "ccomp") and c.i > n.i and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children):
                    return [c]
    return []
