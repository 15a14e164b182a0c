"""Attributions inside one parsed sentence: cue -> content -> source mention.

Rules, in the order they are tried for a cue verb (each why is in the code):
  1. the verb's clause complement (`ccomp`) is the content ("he told reporters that X");
  2. a parenthetical cue (`parataxis`: "The sappers, he said, will work ...") reports its host clause;
  3. quotations in the sentence outside the cue clause ("“A,” she said, “B.”": one claim each);
  4. some verbs report their object ("denied the allegations", "did not mention sending ...").
Prepositional cues ("according to X") and framing phrases ("In a video distributed by X, ...")
take the rest of the sentence as content and their object/agent as source.
"""
from __future__ import annotations

from .cues import CLAUSE_ONLY, OBJECT_CUES, cue_span, is_cue_verb, prep_cues
from .lexicon import pairs
from .model import Mention, RawClaim
from .quotes import fix_open_mark, kind_of, snap, trim
from .sources import make_mention, subject_of


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


def sentence_claims(sd, si: int, base: int, sent_end: int, text: str, regions: list[tuple[int, int]]):
    """Claims of one sentence, plus cues that found no content here ("..., he added.")."""
    claims: list[RawClaim] = []
    dangling: list[tuple[tuple[int, int], Mention | None]] = []
    local = [(qs, qe) for qs, qe in regions if qs < sent_end and qe > base]
    used_regions: set[tuple[int, int]] = set()

    for v in sd:
        if not is_cue_verb(v) or _in(local, base + v.idx):
            continue
        subj = subject_of(v)
        if subj is not None and _in(local, base + subj.idx):
            continue  # a speaker inside someone else's quotation
        if subj is not None and subj.pos_ not in ("NOUN", "PROPN", "PRON", "NUM", "X"):
            subj = None
        mention = make_mention(subj, si, base) if subj is not None else None
        cue = cue_span(v, base)
        lemma = v.lemma_.lower()
        content = None
        rule = ""
        ccomps = [c for c in v.children if c.dep_ == "ccomp"]
        if ccomps:
            c = ccomps[0]
            last = c.right_edge.i
            for cj in v.children:
                if cj.dep_ == "conj" and cj.i > last and cj.pos_ in ("VERB", "AUX") and not is_cue_verb(cj) \
                        and not any(g.dep_ in ("nsubj", "nsubjpass") for g in cj.children):
                    last = cj.right_edge.i  # "said it was X but had no power to ..." (same reported subject)
            toks = list(sd[c.left_edge.i : last + 1])
            content = _content_from_tokens(text, toks, base, local)
            rule = "ccomp"
        elif v.dep_ == "parataxis" and v.head is not v:
            h = v.head
            s = base + sd[h.left_edge.i].idx
            e = base + sd[h.right_edge.i].idx + len(sd[h.right_edge.i].text)
            content = _finish(text, s, e, local)
            rule = "parataxis"
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
            head = [t for t in sd[: subj.left_edge.i] if not t.is_punct]
            if len(head) >= 4 and any(t.pos_ in ("VERB", "AUX") for t in head):
                content = _finish(text, base + head[0].idx, base + head[-1].idx + len(head[-1].text), local)
                rule = "head"
        if content is None and lemma not in CLAUSE_ONLY and lemma not in OBJECT_CUES and subj is not None and subj.i < v.i \
                and v.i + 1 < len(sd) and sd[v.i + 1].pos_ not in ("ADP", "ADV", "PUNCT", "NOUN", "PROPN", "NUM"):
            # the parser missed the complement ("X said many of the examples ... failed to note"):
            # a speech verb followed by a clause still reports what follows it
            tail = [t for t in sd[v.i + 1 : v.right_edge.i + 1]]
            if any(t.pos_ in ("VERB", "AUX") for t in tail) and len(tail) >= 4:
                content = _finish(text, cue[1], base + tail[-1].idx + len(tail[-1].text), local)
                rule = "tail"
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
        claims.append(RawClaim(kind, content, cue, mention, si, rule, conf))

    claims.extend(_prep_claims(sd, si, base, text, local))
    claims.extend(_frame_claims(sd, si, base, text, local, claims))
    return claims, dangling


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
