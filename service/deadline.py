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

A backstop for code that never checks: the API's watcher calls `interrupt_if_overdue()`, which,
once a request is `GRACE_S` past its budget (or past its cancellation) and still running a CPU
stage, raises the same error inside the worker thread (CPython's PyThreadState_SetAsyncExc). It
lands at the next Python bytecode of that thread; never during a model call (`paused`), never while
the thread is importing a module (it waits for the import to end), and never after the thread has
left `active()` (a lock orders the two). Long C calls are not interrupted.
"""
from __future__ import annotations

import ctypes
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import ClientDisconnected, CpuBudgetExceeded


GRACE_S = 2.0  # how long a stage may run past its budget or cancellation before the backstop fires


class Deadline:
    __slots__ = ("budget_s", "_spent", "_since", "_cancelled", "_cancelled_at", "_thread", "_lock", "_last_interrupt")

    def __init__(self, budget_s: float | None = None):
        self.budget_s = budget_s
        self._spent = 0.0  # CPU-stage seconds used before the current running period
        self._since: float | None = time.monotonic()  # None while paused
        self._cancelled: str | None = None
        self._cancelled_at = 0.0
        self._thread: int | None = None  # the worker thread while it runs inside active()
        self._lock = threading.Lock()
        self._last_interrupt = 0.0

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

    def interrupt_if_overdue(self, grace_s: float = GRACE_S) -> bool:
        """From another thread: if the bound worker is `grace_s` past the budget or the cancellation and
        still in a CPU stage, raise the error in it (again every `grace_s` while it swallows it)."""
        now = time.monotonic()
        if now - self._last_interrupt < grace_s:
            return False
        if self._cancelled is not None:
            overdue = now - self._cancelled_at > grace_s
        else:
            overdue = self.budget_s is not None and self.elapsed() > self.budget_s + grace_s
        if not overdue:
            return False
        with self._lock:
            error = self._error()
            if self._thread is None or self._since is None or error is None:  # gone, or in a model call
                return False
            if _importing(self._thread):  # never break an import half-way (a broken module stays broken)
                return False
            # an exception class (raised without arguments) carrying this request's message
            kind = type(error.__class__.__name__, (error.__class__,), {"__init__": _init_with(error.message)})
            tid = ctypes.c_ulong(self._thread)
            hit = ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, ctypes.py_object(kind))
            if hit == 1 and _importing(self._thread):  # it entered an import meanwhile: take it back
                ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, None)
                return False
            self._last_interrupt = now
            return hit == 1

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the budget clock (for model calls, which the backstop never interrupts); nests harmlessly."""
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


def _importing(thread_id: int) -> bool:
    frame = sys._current_frames().get(thread_id)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _init_with(message: str):
    def __init__(self, *args):
        super(type(self), self).__init__(message)

    return __init__


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
    if deadline is not None:
        with deadline._lock:
            deadline._thread = threading.get_ident()
    try:
        yield deadline
    finally:
        if deadline is not None:
            with deadline._lock:  # after this no interrupt can be aimed at this thread
                deadline._thread = None
        _current.reset(token)
