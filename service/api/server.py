"""How `claimtrace serve` runs uvicorn: connection limits and timeouts, and errors in the envelope.

uvicorn (pinned, h11 protocol) is given:

* `timeout_keep_alive` = CLAIMTRACE_KEEP_ALIVE_S: an idle keep-alive connection is closed;
* `h11_max_incomplete_event_size` = CLAIMTRACE_MAX_HEADER_BYTES: a request line + headers cap;
* `limit_concurrency` = CLAIMTRACE_MAX_CONNECTIONS: over it uvicorn answers 503;
* a header-read timeout, CLAIMTRACE_HEADER_TIMEOUT_S, which uvicorn lacks: `GuardedH11Protocol`
  closes a connection that has not sent a complete request head that long after it opened or
  after its last response (trickled headers, half-open connections);

and the body-read timeout and byte cap live in api/guard.py. The 400 and 503 that uvicorn writes
itself are sent in the error envelope too.
"""
from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http import h11_impl
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import Settings
from .envelope import error_body

log = logging.getLogger(__name__)


async def _over_connection_limit(scope, receive, send) -> None:
    """uvicorn's limit_concurrency answer, in the envelope (replaces its text/plain one)."""
    body = error_body("overloaded", "too many open connections (CLAIMTRACE_MAX_CONNECTIONS); try again shortly")
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", b"1"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class GuardedH11Protocol(H11Protocol):
    header_timeout_s: float = 10.0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timeout)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.info("closing a connection that sent no complete request head within %.0f s", self.header_timeout_s)
            self.transport.close()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # a request head has arrived
            self._cancel_head_timer()
        elif self._head_timer is None and not self.transport.is_closing():
            self._arm_head_timer()  # waiting for the next head (timed from now, not from each byte)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_timer()  # the next request's head has the same time limit

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        # h11 refused the request (malformed, or a head over CLAIMTRACE_MAX_HEADER_BYTES): envelope, then close
        body = error_body("bad_request", "invalid HTTP request (malformed, or its headers are over the size limit)")
        event = h11.Response(status_code=400, reason=b"Bad Request", headers=[
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close")])
        try:
            self.transport.write(self.conn.send(event))
            self.transport.write(self.conn.send(h11.Data(data=body)))
            self.transport.write(self.conn.send(h11.EndOfMessage()))
        except h11.LocalProtocolError:  # the connection state does not allow a response any more
            pass
        self.transport.close()


def protocol_class(settings: Settings) -> type[GuardedH11Protocol]:
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"header_timeout_s": settings.header_timeout_s})


def uvicorn_options(settings: Settings) -> dict:
    """Keyword arguments for uvicorn.run / uvicorn.Config (besides the app)."""
    h11_impl.service_unavailable = _over_connection_limit  # used by H11Protocol over limit_concurrency
    return dict(
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        http=protocol_class(settings),
        timeout_keep_alive=settings.keep_alive_s,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        limit_concurrency=settings.max_connections,
    )
