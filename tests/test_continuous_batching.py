"""Continuous batching (hf/scheduler.py) on a tiny random qwen2: concurrent calls share decode steps.

The plumbing is checked here, model-free of the real weights: a call alone gets greedy()'s tokens
exactly, concurrent calls get the tokens they get one after another (fp32: left padding and batch
rows change the sums' order only, far below these logits' gaps), and a timeout, a cancellation
or an error ends only its own request."""
from __future__ import annotations

import threading
import time

import pytest

torch = pytest.importorskip("torch")

from service.backends.base import GenParams  # noqa: E402
from service.backends.hf import scheduler as sched  # noqa: E402
from service.backends.hf.decode import greedy  # noqa: E402
from service.backends.hf.prefix_cache import PrefixCache  # noqa: E402
from service.errors import ClientDisconnected, GenerationTimeout  # noqa: E402
from tests.tiny_model import tiny_qwen2  # noqa: E402

SYSTEM = list(range(10, 40))
CALLS = [
    [SYSTEM + [50, 51, 52, 60], SYSTEM + [50, 51, 53, 61, 62], SYSTEM + [3]],
    [SYSTEM + [80, 81]],
    [SYSTEM + [1] * 150, SYSTEM + [2, 3]],  # a long prefill, taken in pieces beside the others' decodes
    [[5, 6, 7], [8, 9, 10, 11, 12, 13]],  # no system turn
    [SYSTEM + [70, 71, 72, 73, 74]],
]
PARAMS = GenParams(max_new_tokens=24)


@pytest.fixture(scope="module")
def tiny():
    return tiny_qwen2(1024)


class Slow:
    """The model, a little slower per forward (so requests overlap), failing when told."""

    def __init__(self, model, delay: float = 0.0, fail_on: int | None = None, fail_decode_after: int | None = None):
        self.model, self.config, self.delay = model, model.config, delay
        self.fail_on, self.fail_decode_after, self.decodes = fail_on, fail_decode_after, 0

    def __call__(self, **kw):
        ids = kw["input_ids"]
        if self.fail_on is not None and ids.shape[1] > 1 and (ids == self.fail_on).any():  # in a prefill
            raise ValueError("bad token")
        if ids.shape[1] == 1:
            self.decodes += 1
            if self.fail_decode_after is not None and self.decodes > self.fail_decode_after:
                self.fail_decode_after = None
                raise RuntimeError("decode step failed")
        time.sleep(self.delay)
        return self.model(**kw)


def _greedy(model, ids, params=PARAMS, cache=None):
    new, stopped, _ = greedy(model, ids, params, time.perf_counter(), eos=set(), pad=0, decode=lambda t: "",
                             prefix_cache=cache)
    return new, stopped


def _scheduler(model, cache=None, eos=frozenset()):
    return sched.Scheduler(model, eos=set(eos), pad=0, decode=lambda t: "", prefix_cache=cache)


def _at_once(s, calls, params=PARAMS, cancelled=None):
    """Submit every call before the worker has finished the first: they decode together."""
    reqs = [s.submit(ids, params[i] if isinstance(params, list) else params, (cancelled or {}).get(i))
            for i, ids in enumerate(calls)]
    out = []
    for r in reqs:
        try:
            out.append(r.future.result(timeout=120))
        except Exception as e:  # noqa: BLE001 - the test looks at it
            out.append(e)
    return out


def test_a_call_alone_gets_greedys_tokens(tiny):
    s = _scheduler(tiny, PrefixCache())
    try:
        cache = PrefixCache()
        for ids in CALLS:  # one after another: each runs alone, with the prefix cache as the backend keeps it
            want = _greedy(tiny, ids, cache=cache)
            new, stopped, stats = s.generate(ids, PARAMS)
            assert (new, stopped) == want
            assert stats["batched_rows_max"] == len(ids) or stats["decode_steps"] == 0
    finally:
        s.close()


def test_concurrent_calls_get_their_sequential_tokens(tiny):
    want = [_greedy(tiny, ids) for ids in CALLS]
    s = _scheduler(Slow(tiny, delay=0.002), PrefixCache())
    try:
        got = _at_once(s, CALLS)
    finally:
        s.close()
    assert [g[:2] for g in got] == want
    # they did share steps: the later calls joined rows already running
    assert max(g[2]["batched_rows_max"] for g in got) > max(len(c) for c in CALLS)
    assert s.steps < sum(g[2]["decode_steps"] for g in got)


def test_rows_leave_on_eos_and_length_while_others_go_on(tiny):
    free = [_greedy(tiny, ids) for ids in CALLS]
    eos = {free[0][0][0][4], free[2][0][1][7]}  # two rows stop early, mid-batch
    want = [greedy(tiny, ids, PARAMS, 0.0, eos=eos, pad=0, decode=lambda t: "")[:2] for ids in CALLS]
    params = [GenParams(max_new_tokens=n) for n in (24, 5, 24, 11, 30)]
    want_len = [greedy(tiny, ids, p, 0.0, eos=eos, pad=0, decode=lambda t: "")[:2] for ids, p in zip(CALLS, params, strict=True)]
    s = _scheduler(Slow(tiny, delay=0.002), eos=eos)
    try:
        assert [g[:2] for g in _at_once(s, CALLS)] == want
        assert [g[:2] for g in _at_once(s, CALLS, params)] == want_len
    finally:
        s.close()
    assert any("eos" in w[1] for w in want)


def test_one_requests_timeout_does_not_fail_the_others(tiny):
    want = [_greedy(tiny, ids) for ids in CALLS]
    long = GenParams(max_new_tokens=400, time_budget_s=0.3)
    s = _scheduler(Slow(tiny, delay=0.003))
    try:
        got = _at_once(s, CALLS, [PARAMS, long, PARAMS, PARAMS, PARAMS])
        again = s.generate(CALLS[1], PARAMS)  # the worker goes on
    finally:
        s.close()
    assert isinstance(got[1], GenerationTimeout)
    assert [g[:2] for i, g in enumerate(got) if i != 1] == [w for i, w in enumerate(want) if i != 1]
    assert again[:2] == want[1]


def test_a_cancelled_request_leaves_the_batch(tiny):
    want = [_greedy(tiny, ids) for ids in CALLS]
    s = _scheduler(Slow(tiny, delay=0.003))
    steps = {"n": 0}

    def gone_after_a_few_checks():
        steps["n"] += 1
        return steps["n"] > 6

    try:
        got = _at_once(s, CALLS, GenParams(max_new_tokens=60), {0: gone_after_a_few_checks, 4: lambda: True})
        rest = [s.generate(ids, PARAMS)[:2] for ids in CALLS[1:4]]
    finally:
        s.close()
    assert isinstance(got[0], ClientDisconnected) and isinstance(got[4], ClientDisconnected)
    assert all(isinstance(g, tuple) for g in got[1:4])
    assert rest == want[1:4]


def test_errors_reach_their_callers_and_the_worker_goes_on(tiny):
    want = [_greedy(tiny, ids) for ids in CALLS]
    s = _scheduler(Slow(tiny, delay=0.002, fail_on=81))  # CALLS[1]'s prefill fails
    try:
        got = _at_once(s, CALLS)
    finally:
        s.close()
    assert isinstance(got[1], ValueError)
    assert [g[:2] for i, g in enumerate(got) if i != 1] == [w for i, w in enumerate(want) if i != 1]

    flaky = Slow(tiny, delay=0.002, fail_decode_after=5)  # one decode forward fails: its requests do
    s = _scheduler(flaky)
    try:
        got = _at_once(s, CALLS[:2])
        assert all(isinstance(g, RuntimeError) for g in got)
        assert s.generate(CALLS[1], PARAMS)[:2] == want[1]
    finally:
        s.close()


def test_many_threads_no_deadlock(tiny):
    want = {i: _greedy(tiny, ids, GenParams(max_new_tokens=8)) for i, ids in enumerate(CALLS)}
    s = _scheduler(Slow(tiny), PrefixCache())
    got: dict[int, object] = {}

    def client(k):
        i = k % len(CALLS)
        got[k] = s.generate(CALLS[i], GenParams(max_new_tokens=8))[:2]

    threads = [threading.Thread(target=client, args=(k,)) for k in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads)
    finally:
        s.close()
    assert got == {k: want[k % len(CALLS)] for k in range(12)}


def test_close_stops_the_worker_and_fails_what_waits(tiny):
    s = _scheduler(Slow(tiny, delay=0.01))
    reqs = [s.submit(ids, GenParams(max_new_tokens=200)) for ids in CALLS]
    time.sleep(0.05)
    s.close()
    assert not s._thread.is_alive()
    for r in reqs:
        with pytest.raises(RuntimeError):
            r.future.result(timeout=5)
    with pytest.raises(RuntimeError):
        s.submit(CALLS[0], PARAMS)


def test_the_backend_reads_its_requests_cancellation():
    from service.backends.transformers import _cancel_check
    from service.config import Settings
    from service.deadline import Deadline, active

    assert Settings().continuous_batching is False  # off by default until measured on the real model
    assert _cancel_check() is None
    d = Deadline()
    with active(d):
        check = _cancel_check()
    assert check is not None and not check()
    d.cancel()
    assert check()
