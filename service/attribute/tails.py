"""The reporter's tail on an attributed sentence: wire copy closes a source's claim with its own
context ("X said on Friday that Y would be handed over within 30 days, after the High Court
approved his extradition."; "..., officials said, a week after the plan drew protests."; "he
said ballots had been tampered with, without giving evidence."). The source did not say that
part: it is the reporter's, so it leaves the claim's content and becomes an unsourced claim.

A tail is matched only at the end of a sentence, after a comma, outside quotations, with no cue
of its own: ", [a day / hours / two weeks ...] after|before <finite clause>" or ", without
<-ing> ...". "She said she would resign after the vote" (no comma, no clause) stays whole.

A reporter's aside on the source itself is the reporter's too: "The Financial Workers' Union, which
represents about 70 percent of the staff, said ..." (`source_asides`).
"""
from __future__ import annotations

from dataclasses import replace

from .cues import is_cue_verb, stance_class
from .intervals import Spans
from .model import RawClaim
from .parse import FINITE_TAGS

_TIME_WORDS = {"a", "an", "one", "two", "three", "four", "five", "six", "several", "few", "just", "only",
               "shortly", "soon", "moments", "minutes", "minute", "hours", "hour", "day", "days", "week",
               "weeks", "month", "months", "year", "years", "night", "morning", "the"}


def _tail_start(sd, base: int, regions) -> int | None:
    """Token index of the comma that opens the sentence's reporter tail, or None."""
    toks = list(sd)
    end = len(toks)
    while end and toks[end - 1].is_punct:
        end -= 1
    for k in range(end - 3, 0, -1):
        if toks[k].text != ",":
            continue
        j = k + 1
        while j < end and toks[j].lower_ in _TIME_WORDS:
            j += 1
        if j >= end - 1 or j - (k + 1) > 3:
            continue
        word, rest = toks[j].lower_, toks[j + 1 : end]
        if word in ("after", "before"):
            if not any(t.tag_ in FINITE_TAGS for t in rest):
                continue
        elif word == "without":
            if rest[0].tag_ != "VBG":
                continue
        else:
            continue
        if any(is_cue_verb(t) for t in rest):
            return None  # "..., after she told reporters that ...": a claim of its own
        lo = base + toks[k].idx
        if any(qs <= lo < qe for qs, qe in regions):
            return None
        return k
    return None


def reporter_tails(raw: list[RawClaim], sents, parsed, text: str, regions) -> tuple[list[RawClaim], list[tuple[int, int]]]:
    """Claims with their content cut before the reporter's tail, and the tails as unsourced spans."""
    by_sent: dict[int, list[RawClaim]] = {}
    for c in raw:
        by_sent.setdefault(c.sent, []).append(c)
    cut: dict[int, RawClaim] = {}
    tails: list[tuple[int, int]] = []
    for i, claims in by_sent.items():
        if i >= len(sents):
            continue
        s, sd = sents[i], parsed[i]
        k = _tail_start(sd, s.start, regions)
        if k is None:
            continue
        comma = s.start + sd[k].idx
        start = s.start + sd[k + 1].idx
        end = s.end
        while end > start and (text[end - 1].isspace() or text[end - 1] == "."):
            end -= 1
        # only a tail after something attributed: the claim's cue or content comes before it
        if not any((c.cue and c.cue[1] <= comma) or c.content[0] < comma for c in claims):
            continue
        if any(c.content[0] >= start for c in claims):
            continue  # a claim inside the tail: not the reporter's
        for c in claims:
            if c.content[1] > comma and c.content[0] < comma and c.kind != "direct":
                hi = comma
                while hi > c.content[0] and text[hi - 1].isspace():
                    hi -= 1
                cut[id(c)] = replace(c, content=(c.content[0], hi))
        tails.append((start, end))
    out = [cut.get(id(c), c) for c in raw]
    taken = Spans([(c.content[0], c.content[1], None) for c in out] + [(c.cue[0], c.cue[1], None) for c in out if c.cue])
    return out, [t for t in tails if not taken.overlaps(*t)]


def _aside_spans(sd, base: int, lo: int, hi: int, regions) -> list[tuple[int, int]]:
    """Non-restrictive relative clauses (after a comma, with a finite verb) inside the source phrase
    spanning [lo, hi) of sentence sd: "..., which represents ...", "..., where the only branch is ..."."""
    out = []
    for t in sd:
        finite = t.tag_ in FINITE_TAGS or any(a.dep_ in ("aux", "auxpass") and a.tag_ in FINITE_TAGS for a in t.children)
        if t.dep_ != "relcl" or not finite or not lo <= base + t.idx < hi:
            continue  # ("who has lived opposite for 40 years": finite through its auxiliary)
        first, last = t.left_edge.i, t.right_edge.i
        if first == 0 or sd[first - 1].text != "," or last - first < 3 or is_cue_verb(t) \
                or stance_class(t.lemma_.lower()):  # "..., who expects inflation to ease": a belief of theirs
            continue
        if sd[first].lower_ not in ("which", "who", "where", "whose", "whom"):
            continue
        start, end = base + sd[first].idx, base + sd[last].idx + len(sd[last].text)
        if not any(qs <= start < qe for qs, qe in regions):
            out.append((start, end))
    return out


def source_asides(raw: list[RawClaim], sents, parsed, regions) -> list[tuple[int, int]]:
    """The reporter's relative clauses on claims' source phrases, as unsourced spans."""
    out: set[tuple[int, int]] = set()
    for c in raw:
        m = c.mention
        if m is None or m.sent >= len(sents) or m.kind == "pronoun":
            continue
        s, sd = sents[m.sent], parsed[m.sent]
        # the phrase as written, relative clauses included (the mention span stops before them)
        toks = [t for t in sd if m.start <= s.start + t.idx < m.end]
        if not toks:
            continue
        head = next((t for t in toks if not m.start <= s.start + t.head.idx < m.end or t.head is t), toks[0])
        lo, hi = s.start + head.left_edge.idx, s.start + head.right_edge.idx + len(head.right_edge.text)
        for span in _aside_spans(sd, s.start, lo, hi, regions):
            if not (c.content[0] < span[1] and span[0] < c.content[1]):
                out.add(span)
    # the same aside on a scene set before the source ("At the district hospital in Orvel, where a
    # tent ward has been set up, Dr. Lina Barros said ..."): outside every claim, it is the reporter's
    contents = Spans([(c.content[0], c.content[1], None) for c in raw])
    first: dict[int, int] = {}  # sentence -> where its first source mention starts
    for c in raw:
        if c.mention is not None and c.sent < len(sents) and c.mention.sent == c.sent:
            first[c.sent] = min(first.get(c.sent, c.mention.start), c.mention.start)
    for j, mention_start in sorted(first.items()):
        s, sd = sents[j], parsed[j]
        for span in _aside_spans(sd, s.start, s.start, mention_start, regions):
            if span[1] <= mention_start and not contents.overlaps(span[0], span[1]):
                out.add(span)
    return sorted(out)


def refusal_heads(raw: list[RawClaim], sents, parsed, regions) -> list[tuple[int, int]]:
    """"Valcor declined to comment on the report, saying it had not received a copy.": the refusal
    is the reporter's fact (a refusal carries no proposition); only what follows "saying" is the
    company's claim. The part before the comma becomes an unsourced span."""
    out: set[tuple[int, int]] = set()
    for c in raw:
        if c.cue is None or c.sent >= len(sents):
            continue
        s, sd = sents[c.sent], parsed[c.sent]
        v = next((t for t in sd if s.start + t.idx == c.cue[0]), None)
        if v is None or v.tag_ != "VBG" or v.dep_ != "advcl":
            continue
        h = v.head
        if h.lemma_.lower() not in ("decline", "refuse") or not any(k.dep_ == "xcomp" for k in h.children):
            continue
        comma = v.i - 1
        if comma < 1 or sd[comma].text != ",":
            continue
        first = min(t.left_edge.i for t in [h] + [k for k in h.children if k.dep_ in ("nsubj", "nsubjpass")])
        start, end = s.start + sd[first].idx, s.start + sd[comma].idx
        if c.content[0] >= end and not any(qs <= start < qe for qs, qe in regions):
            out.add((start, end))
    return sorted(out)
