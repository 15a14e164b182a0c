"""One pipeline run as a stream of events, for the progress endpoint and the batch endpoint.

The pipeline runs in a worker thread and reports each stage as it starts. The caller iterates
`run_events`; if it stops iterating (the client went away, or pressed cancel), the run's
Deadline is cancelled: the pipeline stops at its next check (before each stage, and inside the
stages that call `deadline.check()`), and nothing further is computed. The queue place (`AppState.admit`) is held until the thread is done.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from pydantic import ValidationError

from .. import pipeline
from ..deadline import Deadline
from ..errors import ClaimTraceError
from ..schema import SummarizeRequest
from .deps import AppState

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The caller stopped listening; raised inside the pipeline at a stage boundary."""


@dataclass
class Stage:
    name: str
    elapsed_ms: float  # since the run started


@dataclass
class Result:
    body: str  # the response JSON, exactly as POST /v1/summarize returns it
    cache: str  # "hit" | "miss"


def error_object(exc: BaseException) -> tuple[int, dict]:
    """(status, {"code", "message"}) for an exception, never a stack trace."""
    if isinstance(exc, ClaimTraceError):
        return exc.status, {"code": exc.code, "message": exc.message}
    if isinstance(exc, ValidationError):
        return 422, {"code": "invalid_input", "message": validation_message(exc)}
    ref = uuid.uuid4().hex[:12]  # the message names no internal exception class (issue 10 item 3)
    log.error("unhandled error (ref %s) in a streamed run", ref, exc_info=exc)
    return 500, {"code": "internal_error", "message": f"internal error (ref {ref}); see the server log"}


def validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def cache_key(state: AppState, body: SummarizeRequest) -> str:
    return state.cache_key(body.model_dump(mode="json"), pipeline.prompt_versions(body, state.settings))


def queue_of(body: SummarizeRequest) -> str:
    """The admission queue of a request: summaries wait for the model, claims-only runs do not."""
    return "model" if body.options.summarize else "cpu"


def cache_field(state: AppState, cache: str) -> dict:
    """{"cache": "hit"|"miss"} only where the operator exposes it (CLAIMTRACE_EXPOSE_CACHE): a hit
    tells a caller that someone else sent the same article."""
    return {"cache": cache} if getattr(state.settings, "expose_cache", False) else {}


async def run_events(state: AppState, body: SummarizeRequest) -> AsyncIterator[Stage | Result]:
    """Stage events as the pipeline reaches them, then one Result. Errors are raised."""
    backend = state.ready_backend()
    key = cache_key(state, body)
    if state.cache is not None and (hit := state.cache.get(key)) is not None:
        yield Result(hit, "hit")
        return
    loop = asyncio.get_running_loop()
    stages: asyncio.Queue[Stage] = asyncio.Queue()
    cancel = threading.Event()
    deadline = Deadline(getattr(state.settings, "cpu_budget_s", None))  # checked before and inside stages
    t0 = time.perf_counter()

    def progress(stage: str) -> None:
        if cancel.is_set():
            raise Cancelled(f"cancelled before {stage}")
        loop.call_soon_threadsafe(stages.put_nowait, Stage(stage, (time.perf_counter() - t0) * 1000))

    kind = queue_of(body)

    def work() -> str:
        started, ok = time.monotonic(), False
        try:
            result = pipeline.run(body, backend, state.settings, progress=progress, deadline=deadline)
            text = result.model_dump_json()
            if state.cache is not None:
                state.cache.put(key, text, document_text=body.text)
            ok = True
            return text
        finally:
            state.release(kind, time.monotonic() - started if ok else None)

    state.admit(kind)
    try:
        future = loop.run_in_executor(None, work)
    except BaseException:
        state.release(kind)
        raise
    getter: asyncio.Future | None = None
    try:
        while True:
            getter = asyncio.ensure_future(stages.get())
            done, _ = await asyncio.wait({getter, future}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield getter.result()
                continue
            getter.cancel()
            while not stages.empty():
                yield stages.get_nowait()
            yield Result(future.result(), "miss")
            return
    finally:
        cancel.set()  # a no-op once the run has finished
        deadline.cancel("the client went away")
        if getter is not None and not getter.done():
            getter.cancel()
        if not future.done():
            log.info("run cancelled by the client; it stops at the next stage boundary")
            future.add_done_callback(lambda f: f.exception())  # consume Cancelled quietly


def ndjson(obj: dict) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def with_response(prefix: dict, body: str) -> bytes:
    """An NDJSON line carrying a response JSON without re-encoding it: {...prefix, "response": body}."""
    head = json.dumps(prefix, ensure_ascii=False, separators=(",", ":"))[:-1]
    return f'{head},"response":{body}}}\n'.encode()
