"""Attribution stage: Document + Segments -> Attribution (claims, sources, warnings).

attribute() and rule_stage() only call the steps (each in its own module), in the order Citron's get_quotes reads:
parse sentences -> cues/content/source mentions per sentence (claims.py) -> quote continuations
(quotes running on after "he said.") -> the reporter's tails (tails.py) -> coreference of mentions (coref.py) -> source types ->
unsourced sentences -> schema Claim/Source objects with ids in text order.
Every span is built with Span.of(doc.text, ...), so it is grounded by construction.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..ingest import Document
from ..nlp import load_pipeline
from ..segment import Segments
from .build import MAX_CLAIMS, MAX_WARNINGS, REPORTER, Attribution, build_attribution
from .claims import sentence_claims
from .continuations import quote_continuations
from .filters import dedupe, drop_nested, drop_self_references, touches_removed
from .layout import colon_paragraphs, dash_signatures, drop_chair_chatter, speaker_labels
from .learned import combine, tagger_claims
from .model import RawClaim
from .parse import parse_sentences
from .resolve import resolve_entities
from .tails import refusal_heads, reporter_tails, source_asides
from .unsourced import unsourced_spans

__all__ = ["MAX_CLAIMS", "MAX_WARNINGS", "REPORTER", "Attribution", "RuleStage", "attribute", "rule_stage"]


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
        raw = [c for c in raw if not touches_removed(doc, c.content)]
        raw.sort(key=lambda c: (c.content[0], c.content[1]))
    raw = drop_chair_chatter(drop_self_references(raw), st.sents, st.parsed, text)
    raw, tails = reporter_tails(raw, st.sents, st.parsed, text, st.regions)
    entities = resolve_entities(raw, st.sents, st.parsed, text)
    unsourced = sorted(unsourced_spans(raw, st.sents, st.parsed, text, st.regions) + tails
                       + source_asides(raw, st.sents, st.parsed, st.regions)
                       + refusal_heads(raw, st.sents, st.parsed, st.regions))
    return build_attribution(text, raw, unsourced, entities, warnings)


def rule_stage(doc: Document, segments: Segments) -> RuleStage:
    text = doc.text
    sents = list(segments.sentences)
    regions = [(q.start, q.end) for q in segments.quotes]
    nlp = load_pipeline()
    parsed = parse_sentences(nlp, [text[s.start : s.end] for s in sents])

    raw: list[RawClaim] = []
    dangling: dict[int, list] = {}
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        found, loose = sentence_claims(sd, i, s.start, s.end, text, regions)
        raw.extend(found)
        if loose:
            dangling[i] = loose
    raw = drop_nested(dedupe(raw))
    raw.extend(dash_signatures(sents, parsed, text, regions, raw))
    raw.extend(colon_paragraphs(sents, text, regions, raw, dangling))
    raw = drop_nested(raw + speaker_labels(sents, parsed, text, regions, raw))
    raw.extend(quote_continuations(raw, dangling, sents, regions))
    raw = [c for c in raw if not touches_removed(doc, c.content)]
    raw.sort(key=lambda c: (c.content[0], c.content[1]))
    return RuleStage(sents, parsed, regions, raw)


