"""POST /v1/summarize/stream: the same request and response as /v1/summarize, with progress.

Answered as NDJSON, one event a line, so a page can show which stage is running while the model
works (10-20 s on a CPU):

    {"event": "stage", "stage": "ingest", "elapsed_ms": 0.4}
    ... one per stage (ingest, segment, attribute, summarize, verify) ...
    {"event": "result", "response": {<the /v1/summarize response>}}

or, when the run fails after the stream has started, a last line
`{"event": "error", "status": 504, "error": {"code", "message"}}`. A request that is invalid, or
that arrives while the model is loading or the queue is full, gets the usual error envelope and
status before any event. With CLAIMTRACE_EXPOSE_CACHE the result event also says
`"cache": "hit"|"miss"`, as X-Cache does for /v1/summarize. Closing the connection cancels the run at the next stage boundary.
"""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from ..schema import SummarizeRequest
from .runs import Result, cache_field, error_object, ndjson, queue_of, run_events, with_response

router = APIRouter()


@router.post(
    "/v1/summarize/stream",
    summary="Summarize with progress: NDJSON stage events, then the response",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "stage events, then a result or error event"},
               413: {"description": "body too large"}, 422: {"description": "invalid input"},
               503: {"description": "model not ready or queue full"}},
)
async def summarize_stream(body: SummarizeRequest, request: Request) -> StreamingResponse:
    state = request.app.state.claimtrace
    state.ready_backend()  # 503 before the stream starts
    state.admit(queue_of(body))  # probe: a full queue is a 503 now rather than an event
    state.release(queue_of(body))

    async def events():
        try:
            async for ev in run_events(state, body):
                if isinstance(ev, Result):
                    yield with_response({"event": "result", **cache_field(state, ev.cache)}, ev.body)
                else:
                    yield ndjson({"event": "stage", "stage": ev.name, "elapsed_ms": round(ev.elapsed_ms, 1)})
        except Exception as e:  # noqa: BLE001 - reported as the last event, never a stack trace
            status, err = error_object(e)
            yield ndjson({"event": "error", "status": status, "error": err})

    return StreamingResponse(events(), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
