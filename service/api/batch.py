"""POST /v1/batch: several articles in one request, answered as NDJSON in input order.

Request: {"items": [<a /v1/summarize request>, ...]}, at most CLAIMTRACE_MAX_BATCH items. The
items run one after another (one queue slot at a time), and each line is written as soon as its
item finishes:

    {"index": 0, "status": 200, "response": {<the /v1/summarize response>}}
    {"index": 1, "status": 422, "error": {"code": "invalid_input", "message": "..."}}

An item that is invalid or fails gets an error line with its index; the others still run. When
the client closes the connection, the item under way stops at its next stage boundary and the
remaining items are never started. Each item takes its place in the admission queue as it
starts; an item refused there (the server is full) gets a 503 line and the batch goes on.
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputTooLarge, InvalidInput
from ..schema import SummarizeRequest
from .runs import Result, cache_field, error_object, ndjson, run_events, with_response

log = logging.getLogger(__name__)
router = APIRouter()


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Any] = Field(description="summarize requests, each as for POST /v1/summarize")


@router.post(
    "/v1/batch",
    summary="Summarize several articles; NDJSON lines in input order as each finishes",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}},
                     "description": "one line per item, in input order: a response or an error with the item's index"},
               413: {"description": "more items than CLAIMTRACE_MAX_BATCH"}, 422: {"description": "invalid batch"},
               503: {"description": "model not ready"}},
)
async def batch(body: BatchRequest, request: Request) -> StreamingResponse:
    state = request.app.state.claimtrace
    limit = state.settings.max_batch
    if not body.items:
        raise InvalidInput("items: the batch is empty")
    if len(body.items) > limit:
        raise InputTooLarge(f"the batch has {len(body.items)} items; the limit is {limit} (CLAIMTRACE_MAX_BATCH)")
    state.ready_backend()  # 503 before the stream starts
    items = body.items

    async def lines():
        done = 0
        try:
            for index, raw in enumerate(items):
                try:
                    if not isinstance(raw, dict):
                        raise InvalidInput("each item must be an object like a /v1/summarize request")
                    item = SummarizeRequest.model_validate(raw)
                    result = None
                    async for ev in run_events(state, item):
                        if isinstance(ev, Result):
                            result = ev
                    assert result is not None
                    line = with_response({"index": index, "status": 200, **cache_field(state, result.cache)}, result.body)
                except (ValidationError, Exception) as e:  # noqa: BLE001 - one bad item never fails the others
                    status, err = error_object(e)
                    line = ndjson({"index": index, "status": status, "error": err})
                yield line
                done += 1
        finally:
            if done < len(items):
                log.info("batch stopped after %d of %d items (client went away)", done, len(items))

    return StreamingResponse(lines(), media_type="application/x-ndjson",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
