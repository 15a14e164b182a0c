"""HTTP routes: thin wrappers around the pipeline and the app state."""
from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from .. import pipeline
from ..schema import ModelInfo, SummarizeRequest, SummarizeResponse
from .deps import AppState

router = APIRouter()


def _state(request: Request) -> AppState:
    return request.app.state.claimtrace


@router.get("/healthz", summary="Process is up")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="Model is loaded and requests can be served")
def readyz(request: Request) -> dict:
    backend = _state(request).ready_backend()
    if (check_live := getattr(backend, "check_live", None)) is not None:  # a remote engine: is it reachable?
        check_live()
    return {"status": "ready"}


@router.get("/v1/model", response_model=ModelInfo, summary="The model serving requests")
def model(request: Request) -> ModelInfo:
    return _state(request).ready_backend().info


@router.post(
    "/v1/summarize",
    response_model=SummarizeResponse,
    summary="Summarize an article and attribute every claim to its source",
    responses={413: {"description": "body too large"}, 422: {"description": "invalid input"},
               503: {"description": "model not ready or queue full"}, 504: {"description": "generation timed out"}},
)
async def summarize(body: SummarizeRequest, request: Request) -> Response:
    state = _state(request)
    backend = state.ready_backend()
    payload = body.model_dump(mode="json")
    key = state.cache_key(payload, pipeline.prompt_versions(body, state.settings))
    if state.cache is not None and (hit := state.cache.get(key)) is not None:
        return Response(content=hit, media_type="application/json", headers={"X-Cache": "hit"})
    state.admit()
    try:
        result = await run_in_threadpool(pipeline.run, body, backend, state.settings)
    finally:
        state.release()
    text = result.model_dump_json()
    if state.cache is not None:
        state.cache.put(key, text)
    return Response(content=text, media_type="application/json", headers={"X-Cache": "miss"})
