"""Run blocking pipeline work in the threadpool while watching the client.

If the client disconnects while the work runs, the request's `Deadline` is cancelled and the
work stops at its next `check()` (before the next stage, or inside a stage that checks). The
caller still awaits the thread, so the request's queue place is held until the work has
really stopped (nothing is interrupted preemptively: see service/deadline.py). A request still
running `deadline.GRACE_S` past its budget or cancellation is logged once: a loop without a check.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from ..deadline import GRACE_S, Deadline

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_S = 0.1


async def run_watched(request: Request, deadline: Deadline, fn: Callable[..., T], /, *args, **kwargs) -> T:
    async def watch() -> None:
        logged = False
        while True:
            if not deadline.cancelled and await request.is_disconnected():
                log.info("client went away: cancelling %s %s", request.method, request.url.path)
                deadline.cancel("the client disconnected")
            if not logged and deadline.overdue():
                logged = True
                log.warning("%s %s is still running %.0f s past its CPU budget or cancellation: a stage loop "
                            "does not call deadline.check()", request.method, request.url.path, GRACE_S)
            await anyio.sleep(POLL_S)

    result: list[T] = []
    error: list[Exception] = []
    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        try:
            result.append(await run_in_threadpool(fn, *args, **kwargs))
        except Exception as e:  # re-raised below, outside the task group (no ExceptionGroup)
            error.append(e)
        finally:
            tg.cancel_scope.cancel()
    if error:
        raise error[0]
    return result[0]
