"""Attributions marked by layout rather than by a reporting verb.

  * speaker labels: a paragraph that opens with a name and a colon ("SMITH: Well, look ...",
    "Sanders: Clinton must focus on jobs") — transcripts and headline style; the name is the
    source, the colon the cue, the rest of the paragraph the content;
  * a cue that ends its paragraph with a colon ("The governor added:") introduces the whole next
    paragraph, quoted or not;
  * a quotation signed with a dash ("“We deserve better.” ― Ana Ruiz"), as in reader comments,
    testimonials and epigraphs.
Each needs the name to look like a name on the parse (a proper noun or a PERSON/ORG entity), so
"WASHINGTON: ..." datelines and "Update: ..." notes are not speakers.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace

from .cues import is_cue_verb
from .intervals import Spans
from .lexicon import words
from .model import RawClaim
from .quotes import kind_of, trim
from .sources import issuer, make_mention

_LABEL = re.compile(r"^[\"“'‘]?\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:\s+\S")
_DASH = re.compile(r"^[ \t\u00a0]*(―|—|–|--)[ \t\u00a0]*(?=[A-Z])")
_NAME_ENTS = ("PERSON", "ORG", "NORP")
_INVERTED = words("inverted_cues")  # "Said Ellis: ..."


def _token_at(sd, base: int, pos: int):
    for t in sd:
        if base + t.idx <= pos < base + t.idx + len(t.text):
            return t
    return None


def _name_head(tokens, names: frozenset[str] = frozenset()):
    """The head of a name made of these tokens, if they look like one: proper nouns or words the
    article uses elsewhere inside a PERSON/ORG name ("Sanders: ..." parsed as a common noun)."""
    toks = [t for t in tokens if not t.is_punct]
    if not toks:
        return None
    if any(t.ent_type_ in ("GPE", "LOC", "DATE", "TIME") for t in toks):
        return None
    if not all(t.pos_ == "PROPN" or t.ent_type_ in _NAME_ENTS or t.lower_ in names for t in toks):
        return None
    return toks[-1]


def name_words(parsed) -> frozenset[str]:
    """Lower-cased words that occur inside PERSON/ORG entities anywhere in the article."""
    return frozenset(t.lower_ for sd in parsed for e in sd.ents if e.label_ in ("PERSON", "ORG") for t in e
                     if t.is_alpha and t.is_title)


def _overlaps(span, claims) -> bool:
    return any(c.content[0] < span[1] and span[0] < c.content[1] for c in claims)


class _Taken:
    """_overlaps(span, raw + out) for a fixed raw and a growing out, without scanning raw each time."""

    def __init__(self, raw):
        self.raw = Spans((c.content[0], c.content[1], None) for c in raw)
        self.out_end = -1  # out rarely reaches back: scan it only when a claim there ends after span starts

    def overlaps(self, span, out) -> bool:
        if self.raw.overlaps(span[0], span[1]):
            return True
        return span[0] < self.out_end and _overlaps(span, out)

    def add(self, claim) -> None:
        self.out_end = max(self.out_end, claim.content[1])


def _paragraph_ends(sents) -> dict[int, int]:
    ends: dict[int, int] = {}
    for x in sents:
        ends[x.paragraph] = max(ends.get(x.paragraph, x.end), x.end)
    return ends


def speaker_labels(sents, parsed, text, regions, raw) -> list[RawClaim]:
    names = name_words(parsed)
    found = []
    for i, (s, sd) in enumerate(zip(sents, parsed, strict=True)):
        m = _LABEL.match(text[s.start : s.end])
        if not m:
            continue
        if i > 0 and sents[i - 1].paragraph == s.paragraph and m.group(1).split()[0].lower() not in _INVERTED:
            continue  # a speaker label opens its paragraph; "Said X:" may come anywhere
        label = [t for t in sd if s.start + m.start(1) <= s.start + t.idx < s.start + m.end(1)]
        found.append((i, s, m, label))
    # an all-caps label is a transcript speaker when it labels several paragraphs ("SMITH: ...")
    caps = {}
    for _, _, m, _ in found:
        if m.group(1).isupper():
            caps[m.group(1)] = caps.get(m.group(1), 0) + 1
    out: list[RawClaim] = []
    para_ends = _paragraph_ends(sents) if found else {}
    for i, s, m, label in found:
        known = names | ({t.lower_ for t in label} if caps.get(m.group(1), 0) >= 2 else set())
        colon = text.index(":", s.start + m.end(1))
        cue = (colon, colon + 1)
        if len(label) > 1 and label[0].lower_ in _INVERTED:
            # "Said Ellis: ..." / "Added the mayor: ..."
            cue = (s.start + label[0].idx, s.start + label[0].idx + len(label[0].text))
            label = label[1:]
        head = _name_head(label, frozenset(known))
        if head is None:
            continue
        para_end = para_ends[s.paragraph]  # max(x.end for x in sents if x.paragraph == s.paragraph)
        if label and cue[0] != colon:
            para_end = s.end  # "Said X: ..." introduces its own sentence
        runs = [(colon + 1, para_end)] if label and cue[0] != colon else _own_runs(sents, parsed, i, colon, para_end, text, raw)
        if is_chair(" ".join(t.text for t in label)):
            runs = [r for r in runs if _states_something(sents, parsed, r)]
        mention = make_mention(head, i, s.start)
        first = s.start + label[0].idx
        if mention.start < first < mention.end:  # the NP swallowed the inverted verb ("Said Ellis")
            mention = replace(mention, start=first, text=text[first : mention.end])
        for lo, hi in runs:
            content = trim(text, lo, hi)
            if content[1] - content[0] < 12:
                continue
            out.append(RawClaim(kind_of(text, content, regions), content, cue, mention, i, "label", 0.7))
    return out


_OWN = {"i", "we", "you", "me", "us"}
_NOT_THIRD = _OWN | {"let", "'s", "it", "that", "this"}  # subjects that name no third party
# Who runs a debate or an interview rather than takes part ("MODERATOR:", "Q:", "HOST:")
CHAIR_WORDS = frozenset({"moderator", "host", "interviewer", "anchor", "presenter", "chair", "q", "question"})


def is_chair(name: str) -> bool:
    """Is this label or name a moderator's or interviewer's ("MODERATOR", "Q", "the host")?"""
    return bool({w.lower().strip(".:") for w in name.split()} & CHAIR_WORDS)


def chair_label(text: str) -> bool:
    """Does this text open with a moderator's or interviewer's label ("MODERATOR:", "Q:")?"""
    m = _LABEL.match(text)
    return m is not None and is_chair(m.group(1))


def drop_chair_chatter(raw, sents, parsed, text: str) -> list:
    """Claims of a moderator's turn (rules' or the tagger's) that run the debate and state nothing."""
    out = []
    for c in raw:
        m = c.mention
        if m is not None and c.cue is not None and text[c.cue[0]:c.cue[1]] == ":" \
                and is_chair(m.text) \
                and not _states_something(sents, parsed, c.content):
            continue
        out.append(c)
    return out


def _states_something(sents, parsed, run: tuple[int, int]) -> bool:
    """A moderator's run asserts something only if one of its clauses has a third-party subject
    ("the county jail was built for 400 inmates"): "We're out of time. Thank you both", "Let's let
    the commissioner finish" and "Treasurer Ortiz-Brann, your response" run the debate, and claim nothing."""
    lo, hi = run
    for s, sd in zip(sents, parsed):
        if s.end <= lo or s.start >= hi:
            continue
        for t in sd:
            if not lo <= s.start + t.idx < hi or t.dep_ not in ("nsubj", "nsubjpass", "expl") \
                    or t.head.head.lemma_.lower() == "let":  # "Let's let the commissioner finish"
                continue
            if t.dep_ == "expl" or t.pos_ != "PRON" and t.lower_ not in _NOT_THIRD:
                return True
    return False
_JOIN_TAIL = re.compile(r"[\s,;]*(\band\b|\bbut\b)?[\s,;]*$")  # ", and" before the next source


def _reported_by_other(sd, base: int, lo: int, j: int, raw):
    """A claim of sentence j, after `lo`, that a third party makes in the sentence's main clause
    ("Fans' groups say [that] ...", "..., and our analysis shows ..."), or None. A report inside an
    adverbial ("After the camp announced that ...") stays part of the speaker's own sentence."""
    for c in raw:
        if c.sent != j or not c.cue or c.cue[0] < lo or c.mention is None or c.mention.text.lower() in _OWN:
            continue
        v = next((t for t in sd if base + t.idx == c.cue[0]), None)
        if v is None or not is_cue_verb(v) or not any(k.dep_ == "ccomp" for k in v.children):
            continue  # "the voters agree with me": the speaker's own claim about them
        if v.dep_ in ("ROOT", "parataxis") or v.dep_ == "conj" and v.head.dep_ == "ROOT":
            return c
        by = issuer(v) if v.dep_ == "acl" else None
        if by is not None and by.dep_ == "ROOT":
            return c  # "The association put out a statement saying ...": the association's claim
    return None


def _own_runs(sents, parsed, i: int, colon: int, para_end: int, text: str, raw) -> list[tuple[int, int]]:
    """The runs of a speaker's turn that are the speaker's own claims: a question ("Is that your
    understanding?") asserts nothing, and a sentence that reports someone else ("Fans' groups say
    the queue was caused by ...") is that source's claim, so each splits the turn."""
    runs: list[tuple[int, int]] = []
    start = None
    j = i
    while j < len(sents) and sents[j].paragraph == sents[i].paragraph and sents[j].start < para_end:
        lo = max(colon + 1, sents[j].start)
        sentence = text[lo : sents[j].end].rstrip()
        other = _reported_by_other(parsed[j], sents[j].start, lo, j, raw)
        if sentence.rstrip("”\"’'").endswith("?") or other is not None:
            # the run ends here, with the speaker's own words before the other source's if any
            # ("The pipeline would cost ..., and our analysis shows ...")
            cut = other.mention.start if other is not None and len(text[lo:other.mention.start].strip()) >= 12 else lo
            first = lo if start is None else start
            if cut > first:
                runs.append((first, first + len(_JOIN_TAIL.sub("", text[first:cut]))))
            start = None
        elif start is None:
            start = lo
        j += 1
    if start is not None:
        runs.append((start, min(para_end, sents[j - 1].end)))
    return runs


def colon_paragraphs(sents, text, regions, raw, dangling) -> list[RawClaim]:
    """'X added:' at the end of a paragraph -> the next paragraph is what X added."""
    out: list[RawClaim] = []
    taken = by_para = None
    for i, cues in dangling.items():
        s = sents[i]
        if not text[s.start : s.end].rstrip().endswith(":"):
            continue
        if i + 1 >= len(sents) or sents[i + 1].paragraph != s.paragraph + 1:
            continue
        if by_para is None:
            taken, by_para = _Taken(raw), {}
            for x in sents:
                by_para.setdefault(x.paragraph, []).append(x)
        nxt = by_para[s.paragraph + 1]  # [x for x in sents if x.paragraph == s.paragraph + 1]
        content = trim(text, nxt[0].start, nxt[-1].end)
        if content[1] <= content[0] or taken.overlaps(content, out):
            continue
        cue, mention = cues[-1]
        out.append(RawClaim(kind_of(text, content, regions), content, cue, mention, i, "colon", 0.8))
        taken.add(out[-1])
    return out + _quoted_after_colon(sents, text, regions, raw + out)


def _quoted_after_colon(sents, text, regions, raw) -> list[RawClaim]:
    """"She explained how the team had reached its figure:" and a quotation opening the next
    paragraph (running on over paragraphs): the speaker's own words, though the cue found a clause."""
    ends_colon = {c.sent: c for c in raw if c.mention is not None and c.cue is not None and c.rule != "colon"
                  and text[sents[c.sent].start : sents[c.sent].end].rstrip().endswith(":")}
    if not ends_colon:
        return []
    starts = {r[0]: r for r in regions}
    taken = _Taken(raw)
    out: list[RawClaim] = []
    for i, c in sorted(ends_colon.items()):
        if i + 1 >= len(sents) or sents[i + 1].paragraph != sents[i].paragraph + 1:
            continue
        k = sents[i + 1].start
        while k < len(text) and text[k] in " \t":
            k += 1
        r = starts.get(k)
        if r is None:
            continue
        content = trim(text, r[0], r[1])
        if content[1] <= content[0] or taken.overlaps(content, out):
            continue
        out.append(RawClaim("direct", content, c.cue, c.mention, i, "colon", 0.8))
        taken.add(out[-1])
    return out


def dash_signatures(sents, parsed, text, regions, raw) -> list[RawClaim]:
    """'“...” ― Name': the signed quotation is the named person's."""
    out: list[RawClaim] = []
    taken = None
    starts = [s.start for s in sents]
    ordered = all(a.end <= b.start for a, b in zip(sents, sents[1:], strict=False))

    def sentence_at(pos):
        k = bisect_right(starts, pos) - 1
        return k if k >= 0 and pos < sents[k].end else None

    for qs, qe in regions:
        m = _DASH.match(text[qe : qe + 12])
        if not m:
            continue
        if ordered:  # the first sentence holding the quotation's end or the name after the dash
            hits = [k for k in (sentence_at(qe), sentence_at(qe + m.end())) if k is not None]
            i = min(hits) if hits else None
        else:
            i = next((k for k, s in enumerate(sents) if s.start <= qe < s.end or s.start <= qe + m.end() < s.end), None)
        if i is None:
            continue
        s, sd = sents[i], parsed[i]
        first = _token_at(sd, s.start, qe + m.end())
        if first is None:
            continue
        name = []
        for t in sd[first.i :]:
            if t.pos_ == "PROPN" or (t.ent_type_ == "PERSON" and not t.is_punct) or (t.is_title and t.is_alpha):
                name.append(t)
            else:
                break
        head = _name_head(name)
        if head is None:
            continue
        taken = taken or _Taken(raw)
        if taken.overlaps((qs, qe), out):
            continue
        cue = (qe + m.start(1), qe + m.end(1))
        out.append(RawClaim("direct", (qs, qe), cue, make_mention(head, i, s.start), i, "signature", 0.75))
        taken.add(out[-1])
    return out
