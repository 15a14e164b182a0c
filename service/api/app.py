"""FastAPI application factory and the one place errors become JSON."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..backends import Backend
from ..config import Settings, get_settings
from ..errors import ClaimTraceError
from ..store import open_store
from .deps import AppState
from .envelope import code_for, error_response
from .guard import RequestGuard
from .routes import router

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, retry_after: int | None = None, **kw) -> Response:
    return error_response(status, code, message, retry_after=retry_after, **kw)


# pydantic messages that name our classes ("... instance of SummarizeOptions") get a plain wording
_PLAIN = {"model_type": "Input should be a JSON object", "model_attributes_type": "Input should be a JSON object",
          "dict_type": "Input should be a JSON object"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        kind = err.get("type", "")
        loc = tuple(err.get("loc", ()))
        if kind == "json_invalid":
            ctx = err.get("ctx") or {}
            parts.append(f"the body is not valid JSON: {ctx.get('error', 'decode error')}")
            continue
        if loc == ("body",) and kind == "missing":
            parts.append("the request body is missing; send a JSON object")
            continue
        where = ".".join(str(p) for p in loc if p != "body")
        msg = _PLAIN.get(kind) or err.get("msg", "invalid").removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None, backend: Backend | None = None, *, cache: bool = True) -> FastAPI:
    settings = settings or get_settings()
    state = AppState(settings=settings, backend=backend)
    if cache:
        state.cache = open_store(settings)  # sqlite in cache_dir, or Redis (CLAIMTRACE_STORE_URL) shared by replicas

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if state.backend is None:
            # load in the background so /healthz answers while the weights load
            threading.Thread(target=state.load, name="model-load", daemon=True).start()
        yield

    app = FastAPI(
        title="ClaimTrace",
        version="0.1.0",
        description="Summarize a news article with a local model and attribute every claim to its source.",
        lifespan=lifespan,
        redirect_slashes=False,  # a trailing slash is a 404, never a redirect built from the Host header
    )
    app.state.claimtrace = state
    # bodies are capped, timed and checked as they stream (api/guard.py); CORS, added after, wraps it
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_body_bytes, body_timeout_s=settings.body_timeout_s,
                       max_header_bytes=settings.max_header_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["*"])

    @app.exception_handler(ClaimTraceError)
    async def domain_error(_: Request, exc: ClaimTraceError) -> Response:
        return _error(exc.status, exc.code, exc.message, exc.retry_after)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        return _error(422, "invalid_input", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # 404, 405 and any HTTPException a route raises: the same envelope, never {"detail": ...}
        where = f"{request.method} {request.url.path[:200]}"
        if exc.status_code == 404:
            message = f"{where}: no such route (paths have no trailing slash)"
        elif exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow", "")
            message = f"{where}: method not allowed" + (f"; allowed: {allow}" if allow else "")
        else:
            message = exc.detail if isinstance(exc.detail, str) else "request refused"
        return _error(exc.status_code, code_for(exc.status_code), message, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        # normally RequestGuard answers first (and keeps the connection); this is the last resort,
        # after which the server closes the connection, so say so
        log.exception("unhandled error")
        return _error(500, "internal_error", "internal error; see the server log", close=True)

    app.include_router(router)
    from . import batch, page, progress, results  # the newsroom page, permalinks, batch, offline docs

    for extra in (progress.router, batch.router, results.router, page.router):
        app.include_router(extra)
    page.install(app)
    from . import auth, observability

    auth.install(app, settings)  # API keys and per-key limits, when CLAIMTRACE_API_KEYS_FILE is set
    observability.install(app, state)  # outermost: X-Request-ID, access log, GET /metrics
    return app
