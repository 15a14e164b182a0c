"""Continuous batching: the rows of concurrent generate() calls decode in one forward per step.

Decode on a CPU reads every weight once per step whatever the batch, so four requests decoding
together cost little more than one. One worker thread owns the model; calls queue a `Request` and
wait on its future. Between decode steps the worker prefills the next waiting request, in chunks
of `CHUNK_TOKENS` while others decode (so their steps go on), then merges its rows into the running
batch (hf/kv_cache.py `batch_merge`: left-padded KV, masks padded to match, explicit positions).
A row leaves on EOS/stop/length as in hf/decode.py; a request resolves when its last row has. A
request over its time budget fails with GenerationTimeout and a cancelled one (its client went away:
`service.deadline`) with ClientDisconnected, and only that request's rows leave the batch.

A request alone runs hf/decode.py's own pieces in greedy()'s order (prefill in one go, then
advance/select/step), so its tokens are greedy()'s. Rows batched with other requests' rows could
round differently (left padding, more rows per matmul); on 4 bench articles decoded at once every
row's greedy ids equalled its ids decoded alone (bench/batching.py)."""
from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import Future
from dataclasses import dataclass, field

from ...errors import ClientDisconnected, GenerationTimeout
from ..base import GenParams
from .decode import advance, prefill, select, step
from .prefix_cache import PrefixCache

log = logging.getLogger(__name__)

CHUNK_TOKENS = 128  # prefill tokens per forward while other requests decode (a few decode steps' time)
MAX_ROWS = 32  # rows decoding at once; a request waits while its rows would go over


@dataclass(eq=False)
class Request:
    ids: list[list[int]]
    params: GenParams
    cancelled: Callable[[], bool] = lambda: False
    future: Future = field(default_factory=Future)
    t0: float = 0.0  # when the worker took it (the budget counts from there, as from the lock before)
    new_ids: list[list[int]] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    running: int = 0  # rows still in the batch
    prefilling: Generator[None, None, tuple] | None = None  # the prefill (hf/decode.py) while it runs

    def failure(self) -> Exception | None:
        if self.cancelled():
            return ClientDisconnected("request abandoned: the client went away during generation")
        budget = self.params.time_budget_s
        if budget and time.perf_counter() - self.t0 >= budget:
            return GenerationTimeout(f"generation exceeded its time budget of {budget:.0f} s")
        return None


class Batch:
    """The rows decoding now, of any number of requests: KV cache, mask (width = cache length), each
    row's next position and next input token, and whose row it is."""

    def __init__(self, cache, mask, next_pos, tokens: list[int], rows: list[tuple[Request, int]]):
        self.cache, self.mask, self.next_pos, self.tokens, self.rows = cache, mask, next_pos, tokens, rows

    def keep(self, keep: list[int]) -> None:
        if len(keep) < len(self.rows):
            self.mask, self.next_pos = select(self.cache, self.mask, self.next_pos, keep)
            self.rows = [self.rows[b] for b in keep]
            self.tokens = [self.tokens[b] for b in keep]

    def merge(self, other: Batch) -> None:
        import torch

        width = max(self.mask.shape[1], other.mask.shape[1])
        self.cache.batch_merge(other.cache)
        self.mask = torch.cat([_pad_left(self.mask, width), _pad_left(other.mask, width)])
        self.next_pos = torch.cat([self.next_pos, other.next_pos])
        self.tokens += other.tokens
        self.rows += other.rows


def _pad_left(mask, width: int):
    import torch

    if mask.shape[1] == width:
        return mask
    return torch.cat([torch.zeros((mask.shape[0], width - mask.shape[1]), dtype=mask.dtype), mask], dim=1)


class Scheduler:
    def __init__(self, model, *, eos: set[int], pad: int, decode: Callable[[list[int]], str],
                 prefix_cache: PrefixCache | None = None):
        self.model, self.eos, self.pad, self.decode, self.prefix_cache = model, eos, pad, decode, prefix_cache
        self._waiting: collections.deque[Request] = collections.deque()
        self._wake = threading.Condition()
        self._closed = False
        self._batch: Batch | None = None
        self._prefill: Request | None = None
        self.steps = 0  # decode forwards run (tests and stats read it)
        self._thread = threading.Thread(target=self._run, name="claimtrace-decode", daemon=True)
        self._thread.start()

    # -- the callers' side ------------------------------------------------------------------------
    def submit(self, ids: list[list[int]], params: GenParams, cancelled: Callable[[], bool] | None = None) -> Request:
        req = Request(ids=ids, params=params, cancelled=cancelled or (lambda: False))
        with self._wake:
            if self._closed:
                raise RuntimeError("the decode scheduler is closed")
            self._waiting.append(req)
            self._wake.notify()
        return req

    def generate(self, ids: list[list[int]], params: GenParams, cancelled: Callable[[], bool] | None = None):
        """(new token ids per row, why each stopped, stats), as hf/decode.py's greedy returns them."""
        return self.submit(ids, params, cancelled).future.result()

    def close(self, timeout: float = 30.0) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout)

    # -- the worker -------------------------------------------------------------------------------
    def _run(self) -> None:
        import torch

        try:
            with torch.inference_mode():
                while self._next():
                    pass
        except BaseException as e:  # a bug here must not leave callers waiting forever
            log.exception("decode scheduler stopped")
            self._fail_all(e)
            raise
        self._fail_all(RuntimeError("the decode scheduler is closed"))

    def _next(self) -> bool:
        """One unit of work: a piece of a prefill and/or one decode step. False once closed."""
        with self._wake:
            while not self._closed and self._batch is None and self._prefill is None and not self._waiting:
                self._wake.wait()
            if self._closed:
                return False
            if self._prefill is None and self._waiting and self._room(self._waiting[0]):
                self._start(self._waiting.popleft())
        self._drop_failed()
        if self._prefill is not None:
            self._prefill_piece(self._prefill)
        if self._batch is not None:
            self._decode_step()
        return True

    def _room(self, req: Request) -> bool:
        return self._batch is None or len(self._batch.rows) + len(req.ids) <= MAX_ROWS

    def _start(self, req: Request) -> None:
        req.t0 = time.perf_counter()
        req.new_ids = [[] for _ in req.ids]
        req.stopped = ["length"] * len(req.ids)
        # alone: in one go, as greedy() does; beside running decodes: in pieces between their steps
        chunk = None if self._batch is None else CHUNK_TOKENS
        req.prefilling = prefill(self.model, req.ids, self.pad, self.prefix_cache, chunk)
        self._prefill = req

    def _prefill_piece(self, req: Request) -> None:
        try:
            assert req.prefilling is not None
            next(req.prefilling)
            return
        except StopIteration as done:
            cache, mask, next_pos, logits, stats = done.value
        except Exception as e:  # noqa: BLE001 - this request fails, the others go on
            self._prefill = None
            req.future.set_exception(e)
            return
        self._prefill = None
        req.prefilling = None
        req.stats = stats
        error = req.failure()
        if error is not None:
            req.future.set_exception(error)
            return
        req.stats["decode_steps"] = 0
        req.stats["decode_t0"] = time.perf_counter()
        rows = [(req, i) for i in range(len(req.ids))]
        tokens = logits.argmax(dim=-1).tolist()
        new = Batch(cache, mask, next_pos, tokens, rows)
        req.running = len(rows)
        new.keep(self._advance(new, tokens))
        if not new.rows:
            return
        if self._batch is None:
            self._batch = new
        else:
            self._batch.merge(new)
        req.stats["batched_rows_max"] = max(req.stats.get("batched_rows_max", 0), len(self._batch.rows))

    def _advance(self, batch: Batch, tokens: list[int]) -> list[int]:
        """Each row takes its token; the batch rows that go on. Finished requests resolve."""
        keep = []
        for b, (req, i) in enumerate(batch.rows):
            if advance(req.new_ids[i], req.stopped, i, tokens[b], req.params, self.eos, self.decode):
                keep.append(b)
            else:
                req.running -= 1
                if req.running == 0:
                    self._finish(req)
        return keep

    def _finish(self, req: Request) -> None:
        t = req.stats.pop("decode_t0")
        req.stats["decode_s"] = time.perf_counter() - t
        req.future.set_result((req.new_ids, req.stopped, req.stats))

    def _decode_step(self) -> None:
        batch = self._batch
        assert batch is not None
        try:
            batch.mask, batch.next_pos, logits = step(self.model, batch.cache, batch.mask, batch.next_pos, batch.tokens)
        except Exception as e:  # noqa: BLE001 - every request in this forward fails; the worker goes on
            self._batch = None
            for req in {r for r, _ in batch.rows}:
                req.future.set_exception(e)
            return
        self.steps += 1
        seen = set()
        for req, _ in batch.rows:
            if req not in seen:
                seen.add(req)
                req.stats["decode_steps"] += 1
                req.stats["batched_rows_max"] = max(req.stats["batched_rows_max"], len(batch.rows))
        batch.tokens = logits.argmax(dim=-1).tolist()
        self._drop_failed()  # over budget after this step, as greedy() checks after every step
        if self._batch is not None:
            batch.keep(self._advance(batch, batch.tokens))
            if not batch.rows:
                self._batch = None

    def _drop_failed(self) -> None:
        """Fail the requests over their budget or cancelled, and take their rows out of the batch."""
        with self._wake:
            waiting = [r for r in self._waiting if r.cancelled()]
            for r in waiting:
                self._waiting.remove(r)
        for r in waiting:
            r.future.set_exception(ClientDisconnected("request abandoned before generation started"))
        req = self._prefill
        if req is not None and (error := req.failure()) is not None:
            self._prefill = None
            if req.prefilling is not None:
                req.prefilling.close()
            req.future.set_exception(error)
        batch = self._batch
        if batch is None:
            return
        failed = {r: e for r in {r for r, _ in batch.rows} if (e := r.failure()) is not None}
        if not failed:
            return
        for r, e in failed.items():
            r.future.set_exception(e)
        keep = [b for b, (r, _) in enumerate(batch.rows) if r not in failed]
        if keep:
            batch.keep(keep)
        else:
            self._batch = None

    def _fail_all(self, error: BaseException) -> None:
        with self._wake:
            self._closed = True
            pending = list(self._waiting)
            self._waiting.clear()
        if self._prefill is not None:
            pending.append(self._prefill)
        if self._batch is not None:
            pending += list({r for r, _ in self._batch.rows})
        self._prefill, self._batch = None, None
        for r in pending:
            if not r.future.done():
                r.future.set_exception(error if isinstance(error, Exception) else RuntimeError(str(error)))
