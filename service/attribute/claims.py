"""Attributions inside one parsed sentence: cue -> content -> source mention.

Rules, in the order they are tried for a cue verb (each why is in the code):
  1. the verb's clause complement (`ccomp`) is the content ("he told reporters that X");
  2. a parenthetical cue (`parataxis`: "The sappers, he said, will work ...") reports its host clause;
  3. quotations in the sentence outside the cue clause ("“A,” she said, “B.”": one claim each);
  4. some verbs report their object ("denied the allegations", "did not mention sending ...").
Prepositional cues ("according to X") and framing phrases ("In a video distributed by X, ...")
take the rest of the sentence as content and their object/agent as source.

Beyond speech, news attribution (PolNeAR, PARC) also attributes what an agent believes, intends
or judges. Those cues get lower confidence (0.6-0.75) than speech (0.9), since they are less
often read as claims:
  5. belief/intention/stance verbs (lexicons/stance_verbs.en.txt) with an agentive subject:
     "X wants to Y", "X endorsed Y", "X called Y a Z", verb+preposition cues ("called for Y",
     lexicons/cue_preps.en.txt) and passives with an agent ("Y was endorsed by X");
  6. comment clauses: "as X put it", "Y, as critics predicted";
  7. stance adjectives and nouns (lexicons/stance_nouns.en.txt): "X is confident that Y",
     "X has been critical of Y", "X's claim that Y", "X expressed concern that Y";
  8. records that show or find: "A new poll shows Y".
Layout-marked attributions (speaker labels, "X added:" + paragraph, dash-signed quotes) are in
layout.py.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace
from functools import lru_cache

from ..deadline import check
from .cues import (CLAUSE_ONLY, NEEDS_CLAUSE, OBJECT_CUES, agentive, cue_prep, cue_span, cue_verbs, is_cue_verb, is_stance_verb,
                   document_nouns, prep_cues, stance_adjectives, stance_class, stance_nouns)
from .lexicon import pairs
from .model import Mention, RawClaim
from .quotes import fix_open_mark, kind_of, snap, trim
from .sources import make_mention, stranded_subject, subject_of


def _char(t, base):
    return base + t.idx, base + t.idx + len(t.text)


def _in(regions, pos) -> bool:
    return any(qs <= pos < qe for qs, qe in regions)


def _finish(text, s, e, regions, drop_period=True):
    s, e = trim(text, s, e, drop_period)
    s, e = fix_open_mark(text, s, e, regions)
    s, e = snap((s, e), regions)
    if e <= s:
        return None
    return s, e


def _content_from_tokens(text, toks, base, regions):
    toks = [t for t in toks]
    if not toks:
        return None
    s = base + toks[0].idx
    e = base + toks[-1].idx + len(toks[-1].text)
    return _finish(text, s, e, regions)


_REGION_INDEX: tuple = (None, None, None)  # (regions list, starts, ends) of the article being read


def _local_regions(regions: list[tuple[int, int]], base: int, sent_end: int) -> list[tuple[int, int]]:
    """The quotations overlapping [base, sent_end), in order; by bisection when they are disjoint and
    in text order (segment makes them so), so a sentence does not scan the article's quotations."""
    global _REGION_INDEX
    held, starts, ends = _REGION_INDEX
    if held is not regions:
        ordered = all(a[1] <= b[0] for a, b in zip(regions, regions[1:]))
        starts, ends = ([q[0] for q in regions], [q[1] for q in regions]) if ordered else (None, None)
        _REGION_INDEX = (regions, starts, ends)
    if starts is None:
        return [(qs, qe) for qs, qe in regions if qs < sent_end and qe > base]
    return list(regions[bisect_right(ends, base) : bisect_left(starts, sent_end)])


def _head_clause(sd, stop: int, cache: dict):
    """Non-punctuation tokens before token `stop` as (first, last, count, finite), without
    listing them for every cue: per-sentence indices are built once."""
    if not cache:
        cache["idx"] = [t.i for t in sd if not t.is_punct]
        cache["finite"] = next((t.i for t in sd if not t.is_punct and t.tag_ in ("VBD", "VBZ", "VBP", "MD")), len(sd))
    idx = cache["idx"]
    n = bisect_left(idx, stop)
    if n == 0:
        return None, None, 0, False
    return sd[idx[0]], sd[idx[n - 1]], n, cache["finite"] < stop


def sentence_claims(sd, si: int, base: int, sent_end: int, text: str, regions: list[tuple[int, int]]):
    """Claims of one sentence, plus cues that found no content here ("..., he added.")."""
    claims: list[RawClaim] = []
    dangling: list[tuple[tuple[int, int], Mention | None]] = []
    check()  # the request's CPU budget / client still there (service.deadline)
    local = _local_regions(regions, base, sent_end)
    used_regions: set[tuple[int, int]] = set()
    head_cache: dict = {}

    for v in sd:
        speech = is_cue_verb(v)
        stance = not speech and is_stance_verb(v)
        if not (speech or stance) or _in(local, base + v.idx):
            continue
        subj = subject_of(v)
        if subj is None:
            subj = stranded_subject(v)
        if subj is not None and _in(local, base + subj.idx):
            continue  # a speaker inside someone else's quotation
        if subj is not None and subj.pos_ not in ("NOUN", "PROPN", "PRON", "NUM", "X"):
            subj = None
        if _as_clause(v):
            continue  # "as X put it" / "as X noted": _as_claims
        if stance:
            # a belief, intention or stance is attributed only to someone who can hold it, and
            # only when it is the clause's own statement: not the goal of another verb ("refused
            # to dismiss"), a background relative clause ("X, who has urged ..., said") or a
            # passive participle ("Asked about X, she said ...")
            if subj is not None and _own_stance(v, subj):
                found = _stance_claim(v, subj, sd, si, base, text, local)
                if found is not None:
                    claims.append(found)
            continue
        lemma = v.lemma_.lower()
        if v.dep_ == "xcomp" and v.head.lemma_.lower() in ("decline", "refuse"):
            continue  # "declined to say whether ...": a refusal states no claim (as "declined to comment")
        mention = make_mention(subj, si, base) if subj is not None else None
        cue = cue_span(v, base)
        content = None
        rule = ""
        ccomps = [c for c in v.children if c.dep_ == "ccomp"]
        if len(ccomps) > 1 and any(c.i > v.i for c in ccomps):
            ccomps = [c for c in ccomps if c.i > v.i]  # "Writing that all agreed X won, Y noted that Z"
        if not ccomps:
            ccomps = _clause_on_frame_noun(v)
        if ccomps:
            c = ccomps[0]
            last = c.right_edge.i
            for cj in v.children:
                if cj.dep_ == "conj" and cj.i > last and cj.pos_ in ("VERB", "AUX") and not is_cue_verb(cj) \
                        and _continues_report(cj):
                    # "said it was X but had no power to ..." (same reported subject), "says she
                    # hopes to win, but she knows that ..." (a pronoun carries the report on)
                    last = cj.right_edge.i
            toks = list(sd[c.left_edge.i : last + 1])
            content = _content_from_tokens(text, toks, base, local)
            rule = "ccomp"
        elif v.dep_ == "parataxis" and v.head is not v:
            h = v.head
            s = base + sd[h.left_edge.i].idx
            e = base + sd[h.right_edge.i].idx + len(sd[h.right_edge.i].text)
            content = _finish(text, s, e, local)
            rule = "parataxis"
        if content is None and stance_class(lemma) and subj is not None and _own_stance(v, subj) \
                and any(c.dep_ == "dobj" and c.i > v.i for c in v.children):
            # "called X “a disaster”": the object and its predicate, not only the quoted words
            found = _stance_claim(v, subj, sd, si, base, text, local)
            if found is not None:
                used_regions.update(q for q in local if q[0] < found.content[1] and found.content[0] < q[1])
                claims.append(found)
                continue
        if content is None:
            # a quotation inside the verb's own complement ("tweeted that Machado was “disgusting”",
            # "called the remarks “a wake-up call” to his supporters"): the whole complement, mixed
            mixed = _complement_with_quote(v, cue, base, text, local)
            if mixed is not None:
                used_regions.update(q for q in local if q[0] < mixed[1] and mixed[0] < q[1])
                claims.append(RawClaim(kind_of(text, mixed, local), mixed, cue, mention, si, "mixed", 0.85))
                continue
        if content is None:
            # quotations outside the cue clause
            cue_lo = min(cue[0], mention.start if mention else cue[0])
            cue_hi = max(cue[1], mention.end if mention else cue[1])
            qs_ = [(qs, qe) for qs, qe in local if (qe <= cue_lo or qs >= cue_hi) and (qs, qe) not in used_regions]
            qs_ = [q for q in qs_ if sum(ch.isalpha() for ch in text[q[0]:q[1]]) >= 2]
            if qs_:
                for q in qs_:
                    used_regions.add(q)
                    claims.append(RawClaim("direct", q, cue, mention, si, "quote", 0.9))
                continue
        if lemma in ("decline", "refuse") and not ccomps:
            continue  # "declined to comment" states no claim (the fixtures agree)
        if content is None and lemma in OBJECT_CUES and lemma not in CLAUSE_ONLY:
            objs = [c for c in v.children if c.dep_ in ("dobj", "xcomp", "prep", "attr") and c.i > v.i]
            if objs:
                if lemma in ("decline", "refuse"):
                    s = cue[0]
                else:
                    s = cue[1]
                e = base + sd[v.right_edge.i].idx + len(sd[v.right_edge.i].text)
                content = _finish(text, s, e, local)
                rule = "object"
        if content is None and subj is not None and lemma not in CLAUSE_ONLY and v.dep_ == "ROOT":
            # quote-first reported speech the parser left unattached ("X has cut the flow ...,
            # the minister said"): the clause before the source is the content
            first, last, n_head, finite = _head_clause(sd, subj.left_edge.i, head_cache)
            if n_head >= 4 and finite:  # a finite clause
                content = _finish(text, base + first.idx, base + last.idx + len(last.text), local)
                rule = "head"
        if content is None and lemma not in CLAUSE_ONLY and lemma not in OBJECT_CUES and subj is not None and subj.i < v.i \
                and v.i + 1 < len(sd) and sd[v.i + 1].pos_ not in ("ADP", "ADV", "PUNCT", "NOUN", "PROPN", "NUM"):
            # the parser missed the complement ("X said many of the examples ... failed to note"):
            # a speech verb followed by a clause still reports what follows it
            tail = [t for t in sd[v.i + 1 : v.right_edge.i + 1]]
            if any(t.pos_ in ("VERB", "AUX") for t in tail) and len(tail) >= 4:
                content = _finish(text, cue[1], base + tail[-1].idx + len(tail[-1].text), local)
                rule = "tail"
        if content is None and subj is not None and lemma in _EVIDENCE_VERBS and _is_record(subj):
            # "A new poll shows a close race", "the video shows him with his hands raised"
            found = _stance_claim(v, subj, sd, si, base, text, local, check_clause=False)
            if found is not None:
                claims.append(found)
                continue
        if content is None and subj is not None and _own_stance(v, subj) and (stance_class(lemma) or cue_prep(v) is not None):
            found = _stance_claim(v, subj, sd, si, base, text, local)
            if found is not None:
                claims.append(found)
                continue
        if content is None:
            dangling.append((cue, mention))
            continue
        kind = kind_of(text, content, local)
        if kind == "direct":
            # the other pieces of a quotation split by its cue: “A,” she said, “B.”
            cue_lo = min(cue[0], mention.start if mention else cue[0])
            cue_hi = max(cue[1], mention.end if mention else cue[1])
            for q in local:
                if q in used_regions or (q[0] < content[1] and content[0] < q[1]):
                    continue
                if (q[1] <= cue_lo or q[0] >= cue_hi) and sum(ch.isalpha() for ch in text[q[0]:q[1]]) >= 2:
                    used_regions.add(q)
                    claims.append(RawClaim("direct", q, cue, mention, si, "quote", 0.9))
            used_regions.update(q for q in local if q[0] < content[1] and content[0] < q[1])
        conf = {"ccomp": 0.9, "parataxis": 0.85, "object": 0.7, "tail": 0.7, "head": 0.75}.get(rule, 0.8)
        if stance_class(lemma) == "belief" and lemma not in ("acknowledge", "conclude"):
            conf = min(conf, 0.75)  # "X believes/thinks Y": a held view, less certain than a statement
        claims.append(RawClaim(kind, content, cue, mention, si, rule, conf))

    claims.extend(_mistagged_claims(sd, si, base, text, local, claims))
    claims.extend(_prep_claims(sd, si, base, text, local))
    claims.extend(_frame_claims(sd, si, base, text, local, claims))
    claims.extend(_as_claims(sd, si, base, text, local))
    claims.extend(_adjective_claims(sd, si, base, text, local))
    claims.extend(_noun_claims(sd, si, base, text, local))
    return claims, dangling


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


@lru_cache(maxsize=None)
def _cue_forms() -> frozenset[str]:
    """Finite forms of the speech cue verbs ("maintains", "claimed"), to catch them mis-tagged as nouns."""
    out = set()
    for w in cue_verbs():
        out.add(w + "es" if w.endswith(("s", "sh", "ch", "x", "z")) else w[:-1] + "ies" if w.endswith("y") and w[-2] not in "aeiou" else w + "s")
        out.add(w + "d" if w.endswith("e") else w[:-1] + "ied" if w.endswith("y") and w[-2] not in "aeiou" else w + "ed")
    return frozenset(out)


def _mistagged_claims(sd, si, base, text, local, found):
    """A reporting verb the tagger read as a noun right after a name or pronoun ("Clinton maintains
    that ...", parsed as the noun phrase "Clinton maintains"): the name is the source and the
    that-clause the content. Only bare forms directly followed by "that" count."""
    out = []
    for t in sd:
        if t.pos_ not in ("NOUN", "PROPN") or t.lower_ not in _cue_forms() or t.i + 2 >= len(sd) or t.i == 0:
            continue
        if sd[t.i + 1].lower_ != "that" or any(c.dep_ in ("det", "poss", "amod", "nummod") for c in t.children):
            continue
        subj = sd[t.i - 1]
        if subj.pos_ not in ("PROPN", "PRON") or _in(local, base + t.idx):
            continue
        cue = _char(t, base)
        if any(c.cue and c.cue[0] <= cue[0] < c.cue[1] for c in found):
            continue
        words = [x for x in sd[t.i + 2 :]]
        content = _content_from_tokens(text, words, base, local)
        if content is None:
            continue
        mention = make_mention(subj, si, base)
        if mention.end > cue[0]:
            s0 = base + sd[subj.left_edge.i].idx if subj.left_edge.i < subj.i else base + subj.idx
            mention = replace(mention, start=s0, end=base + subj.idx + len(subj.text), text=text[s0 : base + subj.idx + len(subj.text)])
        out.append(RawClaim(kind_of(text, content, local), content, cue, mention, si, "mistagged", 0.7))
    return out


def _complement_with_quote(v, cue, base, text, local):
    """Content span of a complement after the cue that holds a quotation but does not start with
    it, or None. A bare quotation after the cue ("“A,” she said, “B.”") stays a direct claim."""
    for c in sorted(v.children, key=lambda c: c.i):
        if c.i <= v.i or c.dep_ not in ("dobj", "xcomp", "oprd", "ccomp", "attr", "dative"):
            continue
        lo, hi = c.left_edge, v.doc[c.right_edge.i]
        s, e = base + lo.idx, base + hi.idx + len(hi.text)
        inside = [q for q in local if s <= q[0] < e]
        if not inside or s < cue[1]:
            continue
        words_before = [t for t in v.doc[lo.i : c.right_edge.i + 1]
                        if t.is_alpha and base + t.idx < inside[0][0]]
        if len(words_before) < 2:
            return None
        last = max(t.right_edge.i for t in v.children if t.i >= c.i and t.dep_ in ("dobj", "xcomp", "oprd", "ccomp", "attr", "dative", "prep"))
        e = base + v.doc[last].idx + len(v.doc[last].text)
        return _finish(text, s, e, local)
    return None


def _as_clause(v) -> bool:
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


def _as_claims(sd, si, base, text, local):
    out = []
    for v in sd:
        if v.pos_ != "VERB" or not _as_clause(v) or _in(local, base + v.idx):
            continue
        subj = subject_of(v)
        if subj is None or subj.i < v.left_edge.i or _in(local, base + subj.idx):
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
        content = _content_from_tokens(text, list(sd[lo : hi + 1]), base, local)
        if content is None:
            continue
        cue = (base + v.idx, base + v.right_edge.idx + len(v.right_edge.text)) if v.lemma_.lower() == "put" \
            else cue_span(v, base)
        conf = 0.8 if is_cue_verb(v) or v.lemma_.lower() == "put" else 0.65
        out.append(RawClaim(kind_of(text, content, local), content, cue, make_mention(subj, si, base), si, "as", conf))
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


def _span_tokens(sd, tok, lo_char):
    return [t for t in sd[tok.left_edge.i : tok.right_edge.i + 1]]


def _adjective_claims(sd, si, base, text, local):
    """'X is confident that Y', 'X has been critical of Y', 'X is worried about Y'."""
    out = []
    for a in sd:
        if a.pos_ != "ADJ" or a.dep_ != "acomp" or a.lemma_.lower() not in stance_adjectives():
            continue
        be = a.head
        if _in(local, base + a.idx):
            continue
        subj = subject_of(be)
        if subj is None or _in(local, base + subj.idx) or not _own_stance(be, subj):
            continue
        comp, prep = _complement(a)
        if comp is None:
            continue
        lo = min([be.i] + [c.i for c in be.children if c.dep_ in ("aux", "neg") and c.i < be.i and c.i > subj.i])
        last = prep if prep is not None else a
        cue = (base + sd[lo].idx, base + last.idx + len(last.text))
        content = _content_from_tokens(text, [t for t in _span_tokens(sd, comp, cue[1]) if base + t.idx >= cue[1]], base, local)
        if content is None:
            continue
        out.append(RawClaim(kind_of(text, content, local), content, cue, make_mention(subj, si, base), si, "adjective", 0.6))
    return out


# Verbs whose object noun is the subject's own statement ("expressed concern that", "made the claim")
_LIGHT_VERBS = {"express", "make", "voice", "issue", "offer", "give", "share", "reiterate", "repeat", "raise",
                "have", "deliver", "air", "renew", "float", "put", "stand", "take"}


def _noun_claims(sd, si, base, text, local):
    """"X's claim that Y", "the senator's warning about Y", "X expressed concern that Y"."""
    out = []
    for n in sd:
        if n.pos_ != "NOUN" or n.lemma_.lower() not in stance_nouns() or _in(local, base + n.idx):
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
        if holder is None or _in(local, base + holder.idx):
            continue
        if not (agentive(holder) or holder.lower_ in ("his", "her", "their", "our")):
            continue
        last = prep if prep is not None else n
        cue = (base + n.idx, base + last.idx + len(last.text))
        content = _content_from_tokens(text, [t for t in _span_tokens(sd, comp, cue[1]) if base + t.idx >= cue[1]], base, local)
        if content is None:
            continue
        out.append(RawClaim(kind_of(text, content, local), content, cue, make_mention(holder, si, base), si, "noun", 0.6))
    return out


# Dependents of a stance verb that make up what is believed, intended or judged.
_ARG_DEPS = ("dobj", "dative", "oprd", "xcomp", "ccomp", "attr", "acomp", "pcomp")
# Prepositions that continue an object ("accused X of Y", "blamed X for Y", "described X as Y").
_ARG_PREPS = ("as", "of", "for", "to", "with")
_STANCE_CONF = {"belief": 0.65, "intention": 0.65, "stance": 0.6}


def _continues_report(cj) -> bool:
    """A clause coordinated with a cue verb after its complement still belongs to the report when
    it has no subject of its own or a pronoun subject ("..., but she knows that ...")."""
    subjs = [g for g in cj.children if g.dep_ in ("nsubj", "nsubjpass")]
    return not subjs or (subjs[0].pos_ == "PRON" and subjs[0].lower_ not in ("i", "we", "you"))


def _own_stance(v, subj) -> bool:
    """A belief, intention or stance is attributed only to someone who can hold it, and only when
    it is the clause's own statement: not the goal of another verb ("refused to dismiss", "declined
    to comment on"), a background relative clause ("X, who has urged ..., said") or a passive
    participle ("Asked about X, she said ...")."""
    if not agentive(subj):
        return False
    if v.dep_ in ("xcomp", "relcl", "acl", "csubj", "pcomp") or (v.tag_ == "VBN" and v.dep_ == "advcl"):
        return False
    if v.dep_ == "advcl" and v.head.lemma_.lower() in ("decline", "refuse"):
        return False
    if v.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
        return False  # a purpose: "spoke on condition of anonymity to discuss X"
    return True


_EVIDENCE_VERBS = {"show", "find", "suggest", "indicate", "reveal", "confirm", "estimate", "project", "predict",
                   "document", "detail", "describe", "put"}


def _is_record(subj) -> bool:
    """A poll, report, video or other record that can show or find something."""
    return subj.pos_ == "NOUN" and (subj.lemma_.lower() in document_nouns() or subj.lemma_.lower() in
                                    ("video", "footage", "photo", "image", "recording", "clip", "model", "forecast"))


def _stance_claim(v, subj, sd, si, base, text, local, check_clause=True):
    """'X believes Y', 'X wants to Y', 'X endorsed Y', 'X called Y a Z', 'X called for Y'.

    The content is the verb's complement: its clause, its to-infinitive, or its object with any
    predicate ("called the plan a disaster") or object preposition ("accused X of Y"); trailing
    adjuncts of the verb (time, place, reason clauses) are not part of it. A verb+preposition cue
    ("called for", "pointed to") takes the preposition into the cue and its object as content."""
    lemma = v.lemma_.lower()
    cue = cue_span(v, base)
    prep = cue_prep(v)
    args = []
    if prep is not None:
        cue = (cue[0], max(cue[1], base + prep.idx + len(prep.text)))
        args = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    kids = sorted((c for c in v.children if c.i > v.i and (prep is None or c.i > prep.i)), key=lambda c: c.i)
    for c in kids:
        if c.dep_ in _ARG_DEPS:
            args.append(c)
        elif c.dep_ == "prep" and c.lower_ in _ARG_PREPS and (args or c.lower_ == "as"):
            args.append(c)
        elif c.dep_ in ("prt", "neg") or (c.dep_ in ("advmod", "npadvmod") and not args):
            continue
        else:
            break
    if not args:
        return _passive_claim(v, sd, si, base, text, local)
    if all(a.ent_type_ in ("DATE", "TIME") for a in args):
        return None  # "voted on Monday": a time, not what was voted on
    deps = {a.dep_ for a in args} | {"as" for a in args if a.dep_ == "prep" and a.lower_ == "as"}
    if any(g.dep_ in ("oprd", "dobj", "appos", "npadvmod") for a in args if a.dep_ == "dobj" for g in a.children) \
            or any(a.dep_ == "dobj" and _in(local, base + sd[a.right_edge.i].idx) for a in args):
        deps.add("oprd")  # "called climate change a hoax": the parser hangs the predicate on the object
    if check_clause and prep is None and lemma in NEEDS_CLAUSE and not deps & {"ccomp", "xcomp", "oprd", "as"}:
        return None
    lo = min(a.left_edge.i for a in args)
    hi = max(a.right_edge.i for a in args)
    toks = [t for t in sd[lo : hi + 1] if base + t.idx >= cue[1]]
    content = _content_from_tokens(text, toks, base, local)
    if content is None:
        return None
    mention = make_mention(subj, si, base)
    conf = _STANCE_CONF.get(stance_class(lemma) or "stance", 0.6)
    return RawClaim(kind_of(text, content, local), content, cue, mention, si, "stance", conf)


def _passive_claim(v, sd, si, base, text, local):
    """'The nominee has been endorsed by dozens of papers': the agent holds a stance on the subject."""
    agent = next((c for c in v.children if c.dep_ == "agent" and c.i > v.i), None)
    patient = next((c for c in v.children if c.dep_ == "nsubjpass" and c.i < v.i), None)
    src = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
    if src is None or patient is None or not agentive(src) or _in(local, base + src.idx):
        return None
    lo = min([v.i] + [c.i for c in v.children if c.dep_ in ("aux", "auxpass", "neg") and patient.i < c.i < v.i])
    cue = (base + sd[lo].idx, base + agent.idx + len(agent.text))
    content = _content_from_tokens(text, list(sd[patient.left_edge.i : patient.right_edge.i + 1]), base, local)
    if content is None:
        return None
    return RawClaim(kind_of(text, content, local), content, cue, make_mention(src, si, base), si, "passive", 0.6)


def _prep_claims(sd, si, base, text, local):
    """'According to X, Y.' / 'Y, according to X.' -> content Y, source X."""
    out = []
    for t, n in prep_cues(sd):
        last = sd[t.i + n - 1]
        objs = [c for c in last.children if c.dep_ == "pobj"] or [c for c in t.children if c.dep_ == "pobj"]
        if not objs:
            continue
        src = objs[0]
        mention = make_mention(src, si, base)
        cue = (base + t.idx, base + last.idx + len(last.text))
        pp_lo, pp_hi = t.i, max(src.right_edge.i, last.i)
        words = [x for x in sd if not x.is_punct]
        if not words:
            continue
        if pp_lo <= words[0].i:  # at the start
            rest = sd[pp_hi + 1 :]
        elif pp_hi >= words[-1].i:  # at the end
            rest = sd[: pp_lo]
        else:
            rest = [x for x in sd]
        rest = [x for x in rest]
        if not rest:
            continue
        content = _content_from_tokens(text, rest, base, local)
        if content is None:
            continue
        out.append(RawClaim(kind_of(text, content, local), content, cue, mention, si, "according", 0.9))
    return out


def _frame_claims(sd, si, base, text, local, found):
    """'In a video ... distributed by X, Y' when Y's verb is not itself a cue: X reports Y."""
    media = {w for k, w in pairs("cue_objects") if k == "medium"}
    first = next((t for t in sd if not t.is_punct), None)
    if first is None or first.lower_ != "in" or first.dep_ != "prep":
        return []
    pobj = next((c for c in first.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.lemma_.lower() not in media:
        return []
    root = first.head
    if is_cue_verb(root):
        return []  # "In a statement, the ministry said ..." is handled by the verb
    src = None
    cue = None
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
    rest = sd[pobj.right_edge.i + 1 :]
    content = _content_from_tokens(text, list(rest), base, local)
    if content is None:
        return []
    mention = make_mention(src, si, base)
    return [RawClaim(kind_of(text, content, local), content, cue, mention, si, "frame", 0.75)]
