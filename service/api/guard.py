"""The outermost ASGI layer: request bodies are capped, timed and checked before any route sees them.

For POST/PUT/PATCH, and any request that declares a body, it reads the body itself, as it
streams (chunked or not):

* over CLAIMTRACE_MAX_BODY_BYTES -> 413 at once (a Content-Length over it is refused before a byte
  is read; a chunked body is refused as soon as the cap is passed), with `Connection: close` so
  the server stops reading the rest;
* not all there within CLAIMTRACE_BODY_TIMEOUT_S -> 408, `Connection: close`;
* a JSON body (no content type, application/json or +json) must be valid UTF-8 and valid JSON
  without lone surrogates, numbers over 100 characters, NaN/Infinity or nesting over 32 levels:
  otherwise 422 saying what and where (field and character offset).

The checked body is then replayed to the app. An exception no handler took becomes a 500 in the
error envelope and is logged with a reference; it is not re-raised, so the server keeps the
keep-alive connection usable (re-raising makes uvicorn drop it without `Connection: close`).
"""
from __future__ import annotations

import json
import logging
import re
import uuid

import anyio

from .envelope import send_error

log = logging.getLogger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_DEPTH = 32
MAX_NUMBER_CHARS = 100
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Rejected(ValueError):
    pass


def _number(convert):
    def parse(s: str):
        if len(s) > MAX_NUMBER_CHARS:
            raise _Rejected(f"a number in the body has {len(s)} characters; at most {MAX_NUMBER_CHARS} are accepted")
        return convert(s)

    return parse


def _constant(name: str):
    raise _Rejected(f"the body is not valid JSON: {name} is not a JSON value")


def _loads(text: str):
    return json.loads(text, parse_int=_number(int), parse_float=_number(float), parse_constant=_constant)


def _path(parts: tuple) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    out = out or "(the body)"
    return out if len(out) <= 120 else out[:117] + "..."


def _walk(obj) -> tuple[str, str, int, int] | str | None:
    """First problem in a parsed body: nesting too deep (a message), or a lone surrogate as
    (message, the field's label, character offset, code point)."""
    stack: list[tuple[object, tuple[str | int, ...], int]] = [(obj, (), 1)]
    while stack:
        node, where, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(node, (dict, list)):
            return f"the body is nested more than {MAX_DEPTH} levels deep (at '{_path(where)}')"
        found = None
        if isinstance(node, str):
            if m := _SURROGATE.search(node):
                found = (f"field '{_path(where)}'", m)
        elif isinstance(node, dict):
            for k, v in reversed(list(node.items())):
                if m := _SURROGATE.search(k):
                    found = (f"a key in '{_path(where)}'", m)
                stack.append((v, where + (k,), depth + 1))
        elif isinstance(node, list):
            stack.extend((v, where + (i,), depth + 1) for i, v in reversed(list(enumerate(node))))
        if found:
            label, m = found
            msg = f"{label} has a lone surrogate U+{ord(m.group()):04X} at character {m.start()}; strings must be valid Unicode"
            return msg, label, m.start(), ord(m.group())
    return None


def _bad_utf8(body: bytes, e: UnicodeDecodeError) -> str:
    where = f"byte 0x{body[e.start]:02X} at byte offset {e.start}"
    try:  # name the field: undecodable bytes become U+DC80..U+DCFF, found like lone surrogates
        problem = _walk(_loads(body.decode("utf-8", "surrogateescape").removeprefix("\ufeff")))
    except (ValueError, RecursionError):
        problem = None
    if isinstance(problem, tuple):
        _, label, offset, _ = problem
        return f"the body is not valid UTF-8: {where} ({label}, character {offset})"
    return f"the body is not valid UTF-8: {where}"


def inspect_json(body: bytes) -> str | None:
    """Why a JSON request body is refused, or None when it is fine."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return _bad_utf8(body, e)
    try:
        obj = _loads(text.removeprefix("\ufeff"))
    except _Rejected as e:
        return str(e)
    except json.JSONDecodeError as e:
        return f"the body is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno} (character {e.pos})"
    except RecursionError:
        return f"the body is nested more than {MAX_DEPTH} levels deep"
    except ValueError as e:  # e.g. a float the parser cannot represent
        return f"the body is not valid JSON: {e}"
    problem = _walk(obj)
    return problem[0] if isinstance(problem, tuple) else problem


def _is_json(scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            mime = value.decode("latin-1").split(";")[0].strip().lower()
            _, _, sub = mime.partition("/")
            return sub == "json" or sub.endswith("+json")
    return True  # FastAPI parses a body without a content type as JSON


def _has_body(scope) -> bool:
    """A GET (or any method) may carry a body too; the server would read and drop it unbounded."""
    for name, value in scope.get("headers", ()):
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"0", b"")):
            return True
    return False


def _content_length(scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.strip().isdigit() else None
    return None


def _head_size(scope) -> int:
    size = len(scope.get("method", "")) + len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    return size + sum(len(k) + len(v) + 4 for k, v in scope.get("headers", ()))


class RequestGuard:
    def __init__(self, app, *, max_body_bytes: int, body_timeout_s: float, max_header_bytes: int | None = None):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_s = body_timeout_s
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            if self.max_header_bytes is not None and _head_size(scope) > self.max_header_bytes:
                # uvicorn's h11 cap only catches a head still incomplete at that size; this catches the rest
                await send_error(tracked, 431, "headers_too_large", f"the request line and headers are over "
                                 f"{self.max_header_bytes} bytes (CLAIMTRACE_MAX_HEADER_BYTES)", close=True)
                return
            if scope["method"] in BODY_METHODS or _has_body(scope):
                body = await self._read_body(scope, receive, tracked)
                if body is None:  # answered (413/408) or the client left
                    return
                if body and scope["method"] in BODY_METHODS and _is_json(scope):
                    problem = inspect_json(body)
                    if problem:
                        await send_error(tracked, 422, "invalid_input", problem)
                        return
                receive = _replay(body, receive)
            await self.app(scope, receive, tracked)
        except Exception:
            ref = uuid.uuid4().hex[:12]
            log.exception("unhandled error (ref %s) on %s %s", ref, scope.get("method"), scope.get("path"))
            if started:  # too late for an error response: let the server close the connection
                raise
            await send_error(tracked, 500, "internal_error", f"internal error (ref {ref}); see the server log")

    async def _read_body(self, scope, receive, send) -> bytes | None:
        cap = self.max_body_bytes
        length = _content_length(scope)
        if length is not None and length > cap:
            await send_error(send, 413, "input_too_large",
                             f"the request body is {length} bytes; the limit is {cap} (CLAIMTRACE_MAX_BODY_BYTES)",
                             close=True)
            return None
        chunks: list[bytes] = []
        size = 0
        deadline = anyio.current_time() + self.body_timeout_s
        while True:
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                await send_error(send, 408, "request_timeout",
                                 f"the request body did not arrive within {self.body_timeout_s:g} s "
                                 "(CLAIMTRACE_BODY_TIMEOUT_S)", close=True)
                return None
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                await send_error(send, 413, "input_too_large",
                                 f"the request body is over the limit of {cap} bytes (CLAIMTRACE_MAX_BODY_BYTES)",
                                 close=True)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive):
    pending = True

    async def replay():
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: http.disconnect when the client goes away

    return replay
