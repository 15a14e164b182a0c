"""Attribution stage: Document + Segments -> Attribution (claims, sources, warnings).

attribute() only calls the steps, in the order Citron's get_quotes reads:
parse sentences -> cues/content/source mentions per sentence (claims.py) -> quote continuations
(quotes running on after "he said.") -> coreference of mentions (coref.py) -> source types ->
unsourced sentences -> schema Claim/Source objects with ids in text order.
Every span is built with Span.of(doc.text, ...), so it is grounded by construction.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from dataclasses import dataclass

from ..deadline import check
from ..ingest import Document
from ..nlp import load_pipeline
from ..schema import Claim, Source, Span
from ..segment import Segments
from .claims import _local_regions, sentence_claims
from .coref import Resolver, definite_cataphora, lede_cataphora, spokes_bodies
from .intervals import Spans
from .learned import combine, tagger_claims
from .layout import colon_paragraphs, dash_signatures, speaker_labels
from .model import Mention, RawClaim
from .source_types import document_heads, source_type
from .sources import PRONOUNS, make_mention, who_antecedent
from .unsourced import asserts, content_span

log = logging.getLogger(__name__)
REPORTER = "the reporter"
# Per-article caps (issue 10): far above a news article (the most in the eval and PolNeAR texts is
# 193 claims and 4 warnings), they bound the response of a pathological one; hitting one is a warning.
MAX_CLAIMS = 1000
MAX_WARNINGS = 50


@dataclass(frozen=True)
class Attribution:
    claims: list[Claim]
    sources: list[Source]
    warnings: list[str]


@dataclass
class RuleStage:
    """What the rule engine saw and found: parsed sentences and its raw claims."""

    sents: list
    parsed: list
    regions: list[tuple[int, int]]
    raw: list[RawClaim]


def attribute(doc: Document, segments: Segments, mode: str | None = None) -> Attribution:
    """`mode`: rules | tagger | combined (default: CLAIMTRACE_ATTRIBUTION)."""
    if mode is None:
        from ..config import get_settings

        mode = get_settings().attribution
    text = doc.text
    warnings = list(segments.warnings)
    st = rule_stage(doc, segments)
    raw = st.raw
    if mode != "rules":
        learned = tagger_claims(doc, st)
        raw = combine(raw, learned) if mode == "combined" else learned
        raw = [c for c in raw if not _touches_removed(doc, c.content)]
        raw.sort(key=lambda c: (c.content[0], c.content[1]))
    raw = [c for c in raw if not (c.mention is not None and _SELF.match(c.mention.text))]
    entities = _resolve(raw, st.sents, st.parsed)
    unsourced = _unsourced(raw, st.sents, st.parsed, text, st.regions)
    return _build(text, raw, unsourced, entities, warnings)


PARSE_BATCH_SENTENCES = 256
PARSE_BATCH_CHARS = 20_000  # above almost every article: one batch, as before; a huge one is cut


def _parse(nlp, texts: list[str]) -> list:
    """spaCy docs of `texts`, parsed in batches of at most PARSE_BATCH_SENTENCES sentences and
    PARSE_BATCH_CHARS characters with the request's deadline checked between them: the parse is
    most of a long article's time and nothing stops it from outside (service.deadline)."""
    parsed: list = []
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and j - i < PARSE_BATCH_SENTENCES and (j == i or size + len(texts[j]) <= PARSE_BATCH_CHARS):
            size += len(texts[j])
            j += 1
        check()
        parsed.extend(nlp.pipe(texts[i:j], batch_size=PARSE_BATCH_SENTENCES))
        i = j
    return parsed


# The publication speaking of itself ("An earlier version of this article said ...", "An earlier
# entry said ..."): a correction is the newsroom's own statement, so the sentence is unsourced.
_SELF = re.compile(r"(?i)^(an? |the )?(earlier|previous|original|initial) (version|entry|post|update|edition|report)"
                   r"( of this (article|story|report|post|page|blog))?$|^this (article|story|report)$"
                   r"|^(correction|clarification|editor[’']?s note|update)$")


def rule_stage(doc: Document, segments: Segments) -> RuleStage:
    text = doc.text
    sents = list(segments.sentences)
    regions = [(q.start, q.end) for q in segments.quotes]
    nlp = load_pipeline()
    parsed = _parse(nlp, [text[s.start : s.end] for s in sents])

    raw: list[RawClaim] = []
    dangling: dict[int, list] = {}
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        found, loose = sentence_claims(sd, i, s.start, s.end, text, regions)
        raw.extend(found)
        if loose:
            dangling[i] = loose
    raw = _drop_nested(_dedupe(raw))
    raw.extend(dash_signatures(sents, parsed, text, regions, raw))
    raw.extend(colon_paragraphs(sents, text, regions, raw, dangling))
    raw = _drop_nested(raw + speaker_labels(sents, parsed, text, regions, raw))
    raw.extend(_continuations(raw, dangling, sents, regions))
    raw = [c for c in raw if not _touches_removed(doc, c.content)]
    raw.sort(key=lambda c: (c.content[0], c.content[1]))
    return RuleStage(sents, parsed, regions, raw)


def _dedupe(raw: list[RawClaim]) -> list[RawClaim]:
    out: list[RawClaim] = []
    seen = set()
    for c in raw:
        key = (c.content, c.mention.start if c.mention else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _drop_nested(raw: list[RawClaim]) -> list[RawClaim]:
    """A cue inside another claim's reported content is part of what was reported ("X said the
    examples failed to note that ..."), not a second attribution — unless it introduces its own
    quotation or the outer claim only frames a scene ("In a video ..., Kim is seen telling ...")."""
    outer = Spans((o.content[0], o.content[1], id(o)) for o in raw if o.rule != "frame")
    out = []
    for c in raw:
        nested = c.cue is not None and c.kind != "direct" and outer.contains(c.cue[0], c.cue[1], skip=id(c))
        if not nested:
            out.append(c)
    return out


_REMOVED: tuple = (None, None)  # (doc.removed, its Spans): one index per document, not per claim


def _touches_removed(doc: Document, span: tuple[int, int]) -> bool:
    global _REMOVED
    held, spans = _REMOVED
    if held is not doc.removed:
        spans = Spans((r.start, r.end, None) for r in doc.removed)
        _REMOVED = (doc.removed, spans)
    return spans.overlaps(span[0], span[1])


def _continuations(raw, dangling, sents, regions):
    """Quotations left without a cue: the speaker of an adjacent cue or the previous quote."""
    out = []
    covered = Spans((c.content[0], c.content[1], None) for c in raw)
    added: list[tuple[int, int]] = []  # quotations claimed here; in text order they cannot cover a later one
    ordered = all(a[1] <= b[0] for a, b in zip(regions, regions[1:]))

    def is_covered(q):
        if covered.overlaps(q[0], q[1]) or covered.contains(q[0], q[1]):
            return True
        return not ordered and any(s <= q[0] and q[1] <= e or (s < q[1] and q[0] < e) for s, e in added)

    sent_of = _sentence_of(regions, sents)
    # 2. below: the direct/mixed claim ending last before a quotation (the first such in raw order)
    quoted = sorted((c.content[1], -k, k) for k, c in enumerate(raw) if c.kind in ("direct", "mixed"))
    quoted_ends = [e for e, _, _ in quoted]
    for q in regions:
        if q not in sent_of or is_covered(q) or q[1] - q[0] < 12:  # at least 12 characters
            continue
        i = sent_of[q]
        # 1. a cue without content in the same or the next sentence of the paragraph ("..., he added.")
        for j in (i, i + 1):
            if j in dangling and (j == i or sents[j].paragraph == sents[i].paragraph):
                cue, mention = dangling[j][0]
                out.append(RawClaim("direct", q, cue, mention, j, "dangling", 0.85))
                added.append(q)
                break
        else:
            # 2. the speaker of the quotation just before (same or previous paragraph)
            p = _last_before(q[0], raw, quoted, quoted_ends, out, ordered)
            if p is not None:
                if i - p.sent <= 1 and sents[i].paragraph - sents[p.sent].paragraph <= 1 and q[0] == sents[i].start:
                    out.append(RawClaim("direct", q, p.cue, p.mention, i, "continuation", 0.75))
                    added.append(q)
    return out


def _sentence_of(regions, sents) -> dict:
    """Quotation -> index of the first sentence its opening mark is in."""
    starts = [s.start for s in sents]
    if any(a.end > b.start for a, b in zip(sents, sents[1:])):  # not in text order: scan
        sent_of = {}
        for i, s in enumerate(sents):
            for q in regions:
                if s.start <= q[0] < s.end:
                    sent_of.setdefault(q, i)
        return sent_of
    sent_of = {}
    for q in regions:
        i = bisect_right(starts, q[0]) - 1
        if i >= 0 and q[0] < sents[i].end:
            sent_of.setdefault(q, i)
    return sent_of


def _last_before(pos, raw, quoted, quoted_ends, out, ordered):
    """max((c for c in raw + out if c.content[1] <= pos and c.kind in ("direct", "mixed")),
    key=content end) — the first of equals in raw + out order — or None."""
    k = bisect_right(quoted_ends, pos)
    best = raw[quoted[k - 1][2]] if k else None
    later = out[-1:] if ordered else out  # in text order the last one added ends last
    for c in later:
        if c.content[1] <= pos and c.kind in ("direct", "mixed") and (best is None or c.content[1] > best.content[1]):
            best = c
    return best


def _background_mentions(sents, parsed, taken: set[tuple[int, int]]):
    """Names and pronouns outside claims: antecedents for later pronouns and name merging."""
    out = []
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        heads = set()
        for ent in sd.ents:
            if ent.label_ in ("PERSON", "ORG") or (ent.label_ == "GPE" and ent.root.dep_ in ("nsubj", "nsubjpass")):
                heads.add(ent.root.i)
        for t in sd:
            # a described body as a subject ("The ministry declined to comment") is what a later
            # "It said ..." points back to, though it made no claim itself
            if t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass") and _subject_anaphor(t):
                heads.add(t.i)
            # the noun phrase a "who" clause is about, so that "who" resolves to it (the parser
            # may hang the clause on a name inside the phrase: "carers at Larchfield, who ...")
            if t.lower_ == "who" and t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "relcl":
                heads.add(who_antecedent(t.head).i)
            # subject pronouns and his/her chain a referent forward; objects ("telling him") and
            # their/its are too ambiguous to serve as antecedents
            if t.pos_ == "PRON" and (t.lower_ in ("he", "she", "it", "they") and t.dep_ in ("nsubj", "nsubjpass")
                                     or t.lower_ in ("his", "her") and t.dep_ == "poss"):
                heads.add(t.i)
        for h in sorted(heads):
            m = make_mention(sd[h], i, s.start)
            if (m.start, m.end) in taken:
                continue
            out.append(m)
    return out


def _subject_anaphor(t) -> bool:
    from .coref import anaphor_kind

    return anaphor_kind(t.lemma_.lower()) is not None and any(
        c.dep_ in ("det", "poss") for c in t.children)


def _resolve(raw, sents, parsed):
    claim_mentions = [c.mention for c in raw if c.mention is not None]
    taken = {(m.start, m.end) for m in claim_mentions}
    mentions = claim_mentions + _background_mentions(sents, parsed, taken)
    # one Mention object per span: claims sharing a span share the object
    uniq: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        uniq.setdefault((m.start, m.end), m)
    for c in raw:
        if c.mention is not None:
            c.mention = uniq[(c.mention.start, c.mention.end)]
    inside = {}  # mention span -> the content of its (first) claim
    for c in raw:
        if c.mention is not None:
            inside.setdefault((c.mention.start, c.mention.end), c.content)
    resolver = Resolver()
    for m in sorted(uniq.values(), key=lambda m: m.start):
        resolver.add(m, inside.get((m.start, m.end)))
    quoted = {c.mention.entity for c in raw if c.mention is not None}
    lede_cataphora(resolver.entities, quoted, [s.paragraph for s in sents])
    definite_cataphora(resolver.entities)
    spokes_bodies(resolver.entities)
    return resolver.entities


def _unsourced(raw, sents, parsed, text, regions):
    out = []
    claimed = Spans([(c.content[0], c.content[1], None) for c in raw] + [(c.cue[0], c.cue[1], None) for c in raw if c.cue])
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        if claimed.overlaps(s.start, s.end):  # a claim's content or cue is in the sentence
            continue
        if not asserts(sd, text, s.start, s.end, _local_regions(regions, s.start, s.end)):
            continue
        out.append(content_span(text, s.start, s.end))
    return out


def _confidence(c: RawClaim, entities) -> float:
    conf = c.confidence
    if c.mention is None:
        conf = min(conf, 0.4)
    else:
        e = entities[c.mention.entity] if c.mention.entity is not None else None
        if c.mention.kind == "pronoun":
            conf -= 0.1 if e is not None and e.kind != "pronoun" else 0.4
        if e is not None and c.mention.kind == "generic" and e.kind == "person" and c.mention.indefinite:
            conf -= 0.2  # lede cataphora
    return round(max(0.05, min(0.99, conf)), 2)


def _build(text, raw, unsourced, entities, warnings) -> Attribution:
    # Entities that own claims become sources, numbered in order of first claim.
    items = [(c.content[0], "a", c) for c in raw] + [(u[0], "u", u) for u in unsourced]
    items.sort(key=lambda x: (x[0], x[1]))
    capped = len(items) - MAX_CLAIMS
    items = items[:MAX_CLAIMS]
    src_ids: dict[object, str] = {}
    sources: list[Source] = []
    claims: list[Claim] = []

    def source_for(key, make):
        if key not in src_ids:
            src_ids[key] = f"s{len(src_ids) + 1}"
            sources.append(make(src_ids[key]))
        return src_ids[key]

    for _, tag, item in items:
        cid = f"c{len(claims) + 1}"
        if tag == "u":
            sid = source_for("reporter", lambda i: Source(id=i, name=REPORTER, type="reporter", mentions=[]))
            claims.append(Claim(id=cid, kind="unsourced", content=Span.of(text, *item), source_id=sid, confidence=0.8))
            continue
        c: RawClaim = item
        if c.mention is None or c.mention.entity is None:
            key = ("unknown", c.content)
            sid = source_for(key, lambda i: Source(id=i, name="unknown source", type="anonymous", mentions=[]))
            warnings.append(f"no source found for claim at {c.content[0]}")
        else:
            idx = c.mention.entity
            while entities[idx].merged_into is not None:
                idx = entities[idx].merged_into
            e = entities[idx]
            sid = source_for(idx, lambda i: _source(text, i, e))
        claims.append(Claim(
            id=cid, kind=c.kind, content=Span.of(text, *c.content),
            cue=Span.of(text, *c.cue) if c.cue else None,
            source_mention=Span.of(text, c.mention.start, c.mention.end) if c.mention else None,
            source_id=sid, confidence=_confidence(c, entities),
        ))
    if len(warnings) > MAX_WARNINGS:
        warnings[MAX_WARNINGS:] = [f"{len(warnings) - MAX_WARNINGS} more warnings not listed"]
    if capped > 0:
        warnings.append(f"claims capped: the article has {capped + MAX_CLAIMS} claims; the first {MAX_CLAIMS} "
                        "in text order are returned")
    return Attribution(claims=claims, sources=sources, warnings=warnings)


_AUTHOR_WORDS = {"by", "from", "published", "released", "conducted", "commissioned", "filed", "issued", "prepared",
                 "seen", "obtained", "reviewed", "with", "submitted", "lodged", "sent", "leaked", "compiled", "drafted"}


def _authored(m) -> str | None:
    """The restrictive noun phrase that says who made the document ("a poll conducted by X"), up to
    an apposition ("A report released last year by the X Institute, an independent research group,
    ..." -> its first part), or None ("The report, dated March 14, ...")."""
    full = m.full.split(",", 1)[0].rstrip()
    extra = full[len(m.text):] if full.startswith(m.text) else ""
    if extra and "\n" not in full and len(full.split()) <= 14 and any(w in _AUTHOR_WORDS for w in extra.lower().split()):
        return full
    return None


def _source(text: str, sid: str, e) -> Source:
    name = e.best_name()
    if not e.names:
        named = [m for m in e.mentions if m.kind != "pronoun"]
        name = named[0].text if named else e.mentions[0].text
        # a document or poll is known by its whole noun phrase: "a report released last year by
        # the Lowlands Climate Institute", not "a report"
        docs = document_heads()
        full = next((a for m in named if (m.head in docs or m.head[:-1] in docs) and (a := _authored(m))), None)
        if full:
            name = full.strip(" ,;:")
    desc = e.description
    if desc:
        for art in ("a ", "an ", "the "):
            if desc.lower().startswith(art):
                desc = desc[len(art):]
                break
    mentions = sorted({(m.start, m.end) for m in e.mentions})
    return Source(id=sid, name=name, type=source_type(e), description=desc,
                  mentions=[Span.of(text, s, e_) for s, e_ in mentions])
