"""FastAPI application factory and the one place errors become JSON."""
from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from ..backends import Backend
from ..cache import ResultsCache
from ..config import Settings, get_settings
from ..errors import ClaimTraceError
from .deps import AppState
from .routes import router

log = logging.getLogger(__name__)


def _error(status: int, code: str, message: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def create_app(settings: Settings | None = None, backend: Backend | None = None, *, cache: bool = True) -> FastAPI:
    settings = settings or get_settings()
    state = AppState(settings=settings, backend=backend)
    if cache:
        state.cache = ResultsCache(settings.cache_dir / "results.sqlite3")

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
    )
    app.state.claimtrace = state
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["*"])

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        # reject oversized bodies before reading them; JSON escaping can double a text's size
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > 2 * settings.max_input_chars + 10_000:
            return _error(413, "input_too_large", f"request body of {length} bytes is over the limit")
        return await call_next(request)

    @app.exception_handler(ClaimTraceError)
    async def domain_error(_: Request, exc: ClaimTraceError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.retry_after)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            parts.append(f"{where}: {msg}" if where else msg)
        return _error(422, "invalid_input", "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return _error(500, "internal_error", f"internal error ({type(exc).__name__}); see the server log")

    app.include_router(router)
    from . import batch, page, progress, results  # the newsroom page, permalinks, batch, offline docs

    for extra in (progress.router, batch.router, results.router, page.router):
        app.include_router(extra)
    page.install(app)
    return app
