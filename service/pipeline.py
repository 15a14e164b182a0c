"""The pipeline: ingest -> segment -> attribute -> summarize -> verify -> repair -> respond, timed.

This module only calls the stages in order; each stage lives in the module named after it. Data
flows one way: verify only checks, and repair's one regeneration is a summarize call handed to it.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext

from . import memory
from .attribute import attribute
from .backends import Backend
from .config import Settings, get_settings
from .deadline import Deadline, active
from .errors import InputTooLarge, InvalidInput
from .ingest import ingest
from .repair import REPAIR_PROMPT, repair
from .respond import respond
from .schema import SummarizeRequest, SummarizeResponse
from .segment import segment
from .summarize import summarize
from .verify import verify


def prompt_versions(request: SummarizeRequest, settings: Settings | None = None) -> dict[str, str]:
    settings = settings or get_settings()
    return {"summarize": settings.summary_prompt, "repair": REPAIR_PROMPT} if request.options.summarize else {}


# the stages a caller sees in progress events; repair is timed on its own but reported under verify
# (to a reader both are "checking every summary sentence")
STAGES = ("ingest", "segment", "attribute", "summarize", "verify")


def run(request: SummarizeRequest, backend: Backend, settings: Settings | None = None,
        progress: Callable[[str], None] | None = None, deadline: Deadline | None = None) -> SummarizeResponse:
    """Run the stages in order. `progress(stage)` is called as each stage starts; an exception it
    raises (e.g. the caller cancelled) stops the run there.

    `deadline` (default: CLAIMTRACE_CPU_BUDGET_S from now) is checked before each stage and, through
    `service.deadline.check()`, inside any stage that calls it: over its budget the run stops with
    CpuBudgetExceeded (504), once cancelled with ClientDisconnected. Model calls do not count
    against the budget (they have CLAIMTRACE_GENERATION_TIMEOUT_S)."""
    settings = settings or get_settings()
    deadline = deadline if deadline is not None else Deadline(settings.cpu_budget_s)
    openai = sys.modules.get("service.backends.openai")  # that backend closes its stream when told
    token = None
    if openai is not None:
        outer = openai.cancelled.get()
        token = openai.cancelled.set(lambda: deadline.cancelled or bool(outer and outer()))
    obs = sys.modules.get("service.api.observability")  # the API's /metrics: stage latencies and tokens/s
    if obs is not None:
        backend = obs.metered(backend)
    try:
        with active(deadline):
            response = _run(request, backend, settings, progress, deadline)
        if obs is not None:
            obs.observe_stages(response.timings_ms)
        return response
    finally:
        if token is not None:
            openai.cancelled.reset(token)
        memory.trim()  # give the request's freed heap back to the kernel (rate-limited; issue 10 item 9)


def _run(request: SummarizeRequest, backend: Backend, settings: Settings,
         progress: Callable[[str], None] | None, deadline: Deadline) -> SummarizeResponse:
    body = request.text if request.text is not None else request.html
    if len(body) > settings.max_input_chars:
        raise InputTooLarge(f"article has {len(body)} characters; the limit is {settings.max_input_chars}")
    timings: dict[str, float] = {}

    @contextmanager
    def timed(stage: str, announce: bool = True):
        deadline.check()  # over budget or abandoned: stop before the next stage
        if progress is not None and announce:
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
    # the model stages have their own budget (generation_timeout_s): the CPU budget clock stops
    def model_clock():
        return deadline.paused() if request.options.summarize else nullcontext()

    with timed("summarize"), model_clock():
        draft = summarize(doc, attribution, request.options, backend, **gen) if request.options.summarize else None
    with timed("verify"):
        verdict = verify(draft, doc, attribution)

    def regenerate(feedback: str):
        return summarize(doc, attribution, request.options, backend, feedback=feedback, **gen)

    with timed("repair", announce=False), model_clock():
        summary = repair(verdict, doc, attribution, request.options, regenerate)
    deadline.check()
    timings["model"] = summary.stats.get("model_seconds", 0.0) * 1000
    timings["total"] = (time.perf_counter() - t_start) * 1000
    return respond(request, doc, attribution, summary, backend.info, prompt_versions(request, settings), timings)
