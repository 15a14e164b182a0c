"""Respond: assemble the SummarizeResponse and enforce DESIGN.md's invariants on it.

A span that does not equal the text at its offsets is a bug upstream; it is never returned:
the claim (or mention) is dropped and the drop is reported in `warnings`.
"""
from __future__ import annotations

import hashlib
import json
import logging

from .attribute import Attribution
from .ingest import Document
from .repair import Summary
from .schema import DocumentInfo, ModelInfo, SummarizeRequest, SummarizeResponse

log = logging.getLogger(__name__)


def response_id(text: str, model: ModelInfo, prompt_versions: dict[str, str], request: SummarizeRequest) -> str:
    key = {
        "text": text,
        "html": request.html is not None,
        "title": request.title,
        "model": [model.name, model.backend, model.dtype, model.sha256],
        "prompts": prompt_versions,
        "options": request.options.model_dump(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def respond(
    request: SummarizeRequest,
    doc: Document,
    attribution: Attribution,
    summary: Summary,
    model: ModelInfo,
    prompt_versions: dict[str, str],
    timings_ms: dict[str, float],
) -> SummarizeResponse:
    text = doc.text
    warnings = list(doc.warnings) + list(attribution.warnings) + list(summary.warnings)
    claims = []
    for c in attribution.claims:
        spans = [c.content, c.cue, c.source_mention]
        if all(s is None or s.grounded_in(text) for s in spans):
            claims.append(c)
        else:
            log.error("ungrounded span in claim %s", c.id)
            warnings.append(f"claim {c.id} dropped: a span did not match the text at its offsets")
    sources = []
    for s in attribution.sources:
        good = [m for m in s.mentions if m.grounded_in(text)]
        if len(good) != len(s.mentions):
            warnings.append(f"source {s.id}: {len(s.mentions) - len(good)} ungrounded mention(s) dropped")
        sources.append(s.model_copy(update={"mentions": good}))
    source_ids = {s.id for s in sources}
    missing = {c.source_id for c in claims} - source_ids
    if missing:
        raise RuntimeError(f"claims refer to unknown sources {sorted(missing)}")  # a bug, not bad input
    claim_ids = {c.id for c in claims}
    sentences = [s.model_copy(update={"claim_ids": [i for i in s.claim_ids if i in claim_ids]}) for s in summary.sentences]
    return SummarizeResponse(
        id=response_id(text, model, prompt_versions, request),
        model=model,
        prompt_versions=prompt_versions,
        document=DocumentInfo(text=text if doc.from_html else None, length=len(text), title=request.title,
                              url=request.url, removed=list(doc.removed)),
        summary=sentences,
        claims=claims,
        sources=sources,
        warnings=warnings,
        timings_ms={k: round(v, 1) for k, v in timings_ms.items()},
    )
