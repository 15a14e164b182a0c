"""The one error body: {"error": {"code", "message"}}, as a Response or sent straight over ASGI.

Rendered with ensure_ascii, so a message quoting a caller's bad input (a lone surrogate, say) can
never fail to encode.
"""
from __future__ import annotations

import json
from http import HTTPStatus

from starlette.responses import Response

# status -> code, for errors that do not come from a ClaimTraceError
CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "request_timeout",
         413: "input_too_large", 415: "unsupported_media_type", 422: "invalid_input", 429: "overloaded",
         500: "internal_error", 503: "overloaded", 504: "timeout"}


def code_for(status: int) -> str:
    if status in CODES:
        return CODES[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=True).encode("ascii")


def error_response(status: int, code: str, message: str, *, retry_after: int | None = None,
                   headers: dict[str, str] | None = None, close: bool = False) -> Response:
    h = dict(headers or {})
    if retry_after:
        h["Retry-After"] = str(retry_after)
    if close:
        h["Connection"] = "close"
    return Response(error_body(code, message), status_code=status, media_type="application/json", headers=h)


async def send_error(send, status: int, code: str, message: str, *, close: bool = False,
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send a whole error response over ASGI; `close` adds Connection: close, so the server drops the
    connection after it (used when the request body was not read to its end)."""
    body = error_body(code, message)
    h = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        h.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": h + list(headers or [])})
    await send({"type": "http.response.body", "body": body, "more_body": False})


_WHEN = {400: "malformed HTTP request", 404: "no such route", 405: "method not allowed on this route",
         408: "the request body did not arrive within CLAIMTRACE_BODY_TIMEOUT_S",
         413: "over CLAIMTRACE_MAX_INPUT_CHARS characters, or a body over CLAIMTRACE_MAX_BODY_BYTES",
         422: "invalid input: bad JSON or UTF-8, a lone surrogate, blank or both/neither text/html, unknown fields, bad options",
         500: "internal error (details only in the server log)",
         503: "model not ready, or its queue is full (Retry-After from the queue length)",
         504: "the model call or the CPU stages went over their time budget"}


def error_responses(*statuses: int) -> dict:
    """OpenAPI `responses` entries for these statuses, each with the error envelope's schema."""
    from ..schema import ErrorResponse

    return {s: {"model": ErrorResponse, "description": _WHEN.get(s, "error")} for s in statuses}
