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

There is no preemptive backstop. An earlier one raised the error inside the worker thread
(PyThreadState_SetAsyncExc) when a stage ran past its budget without checking; such an exception
lands at any bytecode of any library the thread is in — between a lock's acquire and its `try`,
inside a `finally`, half-way through an update of state shared by every request (spaCy's string
store, lru caches, logging's handler locks) — so it could leave locks held and shared state torn,
and it never reached C code anyway. Instead every loop whose length grows with the article
checks: attribution per parsed sentence and per mention, HTML text collection per node, and the
pipeline before each stage (tests/test_api_hardening.py times pathological articles against their
budget). The API's watcher logs a request that runs `GRACE_S` past its budget without stopping, so
a loop that misses its check shows up in the log.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import ClientDisconnected, CpuBudgetExceeded


GRACE_S = 2.0  # past its budget or cancellation by this much, a still-running request is logged as not checking


class Deadline:
    __slots__ = ("budget_s", "_spent", "_since", "_cancelled", "_cancelled_at", "_lock")

    def __init__(self, budget_s: float | None = None):
        self.budget_s = budget_s
        self._spent = 0.0  # CPU-stage seconds used before the current running period
        self._since: float | None = time.monotonic()  # None while paused
        self._cancelled: str | None = None
        self._cancelled_at = 0.0
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        """Seconds counted against the budget so far."""
        since = self._since
        return self._spent + (time.monotonic() - since if since is not None else 0.0)

    def cancel(self, reason: str = "the client disconnected") -> None:
        """Ask the work to stop at its next check (thread-safe: attribute writes)."""
        if self._cancelled is None:
            self._cancelled_at = time.monotonic()
            self._cancelled = reason

    @property
    def cancelled(self) -> bool:
        return self._cancelled is not None

    def _error(self) -> ClientDisconnected | CpuBudgetExceeded | None:
        if self._cancelled is not None:
            return ClientDisconnected(f"request abandoned: {self._cancelled}")
        if self.budget_s is not None and self._since is not None and self.elapsed() > self.budget_s:
            return CpuBudgetExceeded(
                f"the article took more than the {self.budget_s:g} s budget for its CPU stages "
                "(CLAIMTRACE_CPU_BUDGET_S); send a shorter article"
            )
        return None

    def check(self) -> None:
        error = self._error()
        if error is not None:
            raise error

    def overdue(self, grace_s: float = GRACE_S) -> bool:
        """`grace_s` past the budget or the cancellation (for the watcher's log; nothing is interrupted)."""
        if self._cancelled is not None:
            return time.monotonic() - self._cancelled_at > grace_s
        return self.budget_s is not None and self._since is not None and self.elapsed() > self.budget_s + grace_s

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the budget clock (for model calls, which have their own budget); nests harmlessly."""
        if self._since is None:
            yield
            return
        with self._lock:
            self._spent += time.monotonic() - self._since
            self._since = None
        try:
            yield
        finally:
            with self._lock:
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
