"""A request's time budget and cancellation, checked cooperatively between (and inside) stages.

The API creates one `Deadline` per request and hands it to `pipeline.run`, which makes it the
*current* deadline of the worker thread. Any stage can then call the module-level `check()` —
cheap, no arguments, a no-op when no deadline is active — in its loops:

    from ..deadline import check
    for sentence in sentences:
        check()
        ...

`check()` raises `CpuBudgetExceeded` (504) once the CPU stages have used more than their budget,
and `ClientDisconnected` (499) once the client went away (`Deadline.cancel`, called from the
event loop). Time spent inside `paused()` — the model calls, which have their own budget,
CLAIMTRACE_GENERATION_TIMEOUT_S — does not count against the CPU budget; cancellation still does.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import ClientDisconnected, CpuBudgetExceeded


class Deadline:
    __slots__ = ("budget_s", "_spent", "_since", "_cancelled")

    def __init__(self, budget_s: float | None = None):
        self.budget_s = budget_s
        self._spent = 0.0  # CPU-stage seconds used before the current running period
        self._since: float | None = time.monotonic()  # None while paused
        self._cancelled: str | None = None

    def elapsed(self) -> float:
        """Seconds counted against the budget so far."""
        since = self._since
        return self._spent + (time.monotonic() - since if since is not None else 0.0)

    def cancel(self, reason: str = "the client disconnected") -> None:
        """Ask the work to stop at its next check (thread-safe: one attribute write)."""
        self._cancelled = reason

    @property
    def cancelled(self) -> bool:
        return self._cancelled is not None

    def check(self) -> None:
        if self._cancelled is not None:
            raise ClientDisconnected(f"request abandoned: {self._cancelled}")
        if self.budget_s is not None and self._since is not None and self.elapsed() > self.budget_s:
            raise CpuBudgetExceeded(
                f"the article took more than the {self.budget_s:g} s budget for its CPU stages "
                "(CLAIMTRACE_CPU_BUDGET_S); send a shorter article"
            )

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the budget clock (for model calls); nests harmlessly."""
        if self._since is None:
            yield
            return
        self._spent += time.monotonic() - self._since
        self._since = None
        try:
            yield
        finally:
            self._since = time.monotonic()


_current: ContextVar[Deadline | None] = ContextVar("claimtrace_deadline", default=None)


def current() -> Deadline | None:
    return _current.get()


def check() -> None:
    """Raise if the current request is over its CPU budget or was cancelled; no-op outside a request."""
    d = _current.get()
    if d is not None:
        d.check()


@contextmanager
def active(deadline: Deadline | None) -> Iterator[Deadline | None]:
    """Make `deadline` the current one for the code inside (one thread/context)."""
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)
