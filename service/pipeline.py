"""The pipeline: ingest -> segment -> attribute -> summarize -> verify -> respond, timed.

This module only calls the stages in order; each stage lives in the module named after it.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager

from .attribute import attribute
from .backends import Backend
from .config import Settings, get_settings
from .errors import InputTooLarge, InvalidInput
from .ingest import ingest
from .respond import respond
from .schema import SummarizeRequest, SummarizeResponse
from .segment import segment
from .summarize import summarize
from .verify import verify


def prompt_versions(request: SummarizeRequest, settings: Settings | None = None) -> dict[str, str]:
    settings = settings or get_settings()
    return {"summarize": settings.summary_prompt} if request.options.summarize else {}


STAGES = ("ingest", "segment", "attribute", "summarize", "verify")


def run(request: SummarizeRequest, backend: Backend, settings: Settings | None = None,
        progress: Callable[[str], None] | None = None) -> SummarizeResponse:
    """Run the stages in order. `progress(stage)` is called as each stage starts; an exception it
    raises (e.g. the caller cancelled) stops the run there."""
    settings = settings or get_settings()
    body = request.text if request.text is not None else request.html
    if len(body) > settings.max_input_chars:
        raise InputTooLarge(f"article has {len(body)} characters; the limit is {settings.max_input_chars}")
    timings: dict[str, float] = {}

    @contextmanager
    def timed(stage: str):
        if progress is not None:
            progress(stage)
        t0 = time.perf_counter()
        yield
        timings[stage] = (time.perf_counter() - t0) * 1000

    t_start = time.perf_counter()
    with timed("ingest"):
        doc = ingest(text=request.text, html=request.html, title=request.title)
    if not any(doc.text[s:e].strip() for s, e in doc.kept()):
        raise InvalidInput("no article text left after removing page boilerplate" if doc.text.strip() else "the HTML contains no text")
    with timed("segment"):
        segments = segment(doc)
    with timed("attribute"):
        attribution = attribute(doc, segments)
    gen = dict(max_new_tokens=settings.max_new_tokens, time_budget_s=settings.generation_timeout_s,
               prompt_version=settings.summary_prompt)
    with timed("summarize"):
        draft = summarize(doc, attribution, request.options, backend, **gen) if request.options.summarize else None
    with timed("verify"):
        summary = verify(draft, doc, attribution, request.options, backend, **gen)
    timings["model"] = summary.stats.get("model_seconds", 0.0) * 1000
    timings["total"] = (time.perf_counter() - t_start) * 1000
    return respond(request, doc, attribution, summary, backend.info, prompt_versions(request, settings), timings)
