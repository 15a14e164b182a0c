"""HTTP routes: thin wrappers around the pipeline and the app state."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import pipeline
from ..deadline import Deadline
from ..errors import InputTooLarge
from ..schema import ModelInfo, SummarizeRequest, SummarizeResponse
from .deps import AppState
from .envelope import error_responses
from .watch import run_watched

router = APIRouter()


def _state(request: Request) -> AppState:
    return request.app.state.claimtrace


@router.get("/healthz", summary="Process is up")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", summary="Model is loaded and requests can be served", responses=error_responses(503))
def readyz(request: Request) -> dict:
    backend = _state(request).ready_backend()
    if (check_live := getattr(backend, "check_live", None)) is not None:  # a remote engine: is it reachable?
        check_live()
    return {"status": "ready"}


@router.get("/v1/model", response_model=ModelInfo, summary="The model serving requests", responses=error_responses(503))
def model(request: Request) -> ModelInfo:
    return _state(request).ready_backend().info


@router.post(
    "/v1/summarize",
    response_model=SummarizeResponse,
    summary="Summarize an article and attribute every claim to its source",
    responses=error_responses(408, 413, 422, 503, 504),
)
async def summarize(body: SummarizeRequest, request: Request) -> Response:
    state = _state(request)
    settings = state.settings
    backend = state.ready_backend()
    article = body.text if body.text is not None else body.html
    assert article is not None  # SummarizeRequest's validator requires exactly one of text/html
    if len(article) > settings.max_input_chars:  # characters, not bytes (the byte cap is CLAIMTRACE_MAX_BODY_BYTES)
        raise InputTooLarge(f"article has {len(article)} characters; the limit is {settings.max_input_chars}")
    payload = body.model_dump(mode="json")
    key = state.cache_key(payload, pipeline.prompt_versions(body, settings))

    def headers(cache: str) -> dict[str, str] | None:  # off by default: a hit tells who else sent this article
        return {"X-Cache": cache} if settings.expose_cache else None

    if state.cache is not None and (hit := state.cache.get(key)) is not None:
        return Response(content=hit, media_type="application/json", headers=headers("hit"))
    deadline = Deadline(settings.cpu_budget_s)
    with state.admitted("model" if body.options.summarize else "cpu"):
        result = await run_watched(request, deadline, pipeline.run, body, backend, settings, deadline=deadline)
    text = result.model_dump_json()
    if state.cache is not None:
        state.cache.put(key, text, document_text=body.text)  # a permalink can draw the article
    return Response(content=text, media_type="application/json", headers=headers("miss"))
