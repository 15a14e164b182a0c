"""Cross-request batching: concurrent generate() calls are merged into one backend call.

Requests run in a threadpool, and the backend holds a lock, so without this four concurrent
articles are generated one after another. `BatchingBackend` wraps any backend: the first caller
waits `window_s` for others, then generates every waiting caller's prompts in one batched call
(rows of equal parameters only) and hands each caller its own slice. Callers that arrive while a
batch runs form the next batch.

Wiring (service/api/deps.py, AppState.load):
    self.backend = BatchingBackend(load_backend(self.settings))
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from . import load_report
from .base import Backend, Generation, GenParams, Message


@dataclass
class _Call:
    prompts: list[list[Message]]
    params: GenParams
    done: threading.Event = field(default_factory=threading.Event)
    result: list[Generation] | None = None
    error: BaseException | None = None


class BatchingBackend:
    def __init__(self, backend: Backend, window_s: float = 0.05, max_rows: int = 16):
        self.backend = backend
        self.info = backend.info
        self.load = load_report(backend)
        self.window_s = window_s
        self.max_rows = max_rows
        self._cond = threading.Condition()
        self._waiting: list[_Call] = []
        self._running = False

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        call = _Call(prompts, params)
        with self._cond:
            self._waiting.append(call)
            self._cond.notify_all()
            while not call.done.is_set():
                if not self._running:
                    self._running = True
                    break  # this thread leads the next batch
                self._cond.wait()
            else:
                return self._unwrap(call)
        try:
            while not call.done.is_set():  # lead until this caller's own prompts are done
                self._lead()
        finally:
            with self._cond:
                self._running = False
                self._cond.notify_all()
        return self._unwrap(call)

    def _lead(self) -> None:
        with self._cond:  # let concurrent callers join
            self._cond.wait_for(lambda: self._rows() >= self.max_rows, timeout=self.window_s)
            first = self._waiting[0]
            batch, rest, rows = [], [], 0
            for c in self._waiting:
                key_ok = _same(c.params, first.params)
                if key_ok and (not batch or rows + len(c.prompts) <= self.max_rows):
                    batch.append(c)
                    rows += len(c.prompts)
                else:
                    rest.append(c)
            self._waiting = rest
        prompts = [p for c in batch for p in c.prompts]
        prefixes = tuple(c.params.prefix(i) for c in batch for i in range(len(c.prompts)))
        params = GenParams(max_new_tokens=first.params.max_new_tokens, stop=first.params.stop,
                           time_budget_s=first.params.time_budget_s, prefixes=prefixes)
        try:
            out = self.backend.generate(prompts, params)
            at = 0
            for c in batch:
                c.result = out[at : at + len(c.prompts)]
                at += len(c.prompts)
        except BaseException as e:  # noqa: BLE001 - every caller in the batch sees the error
            for c in batch:
                c.error = e
        for c in batch:
            c.done.set()

    def _rows(self) -> int:
        return sum(len(c.prompts) for c in self._waiting)

    @staticmethod
    def _unwrap(call: _Call) -> list[Generation]:
        if call.error is not None:
            raise call.error
        assert call.result is not None
        return call.result


def _same(a: GenParams, b: GenParams) -> bool:
    return (a.max_new_tokens, a.stop, a.time_budget_s) == (b.max_new_tokens, b.stop, b.time_budget_s)
