"""The transformers loop's KV prefix cache, on a tiny random qwen2 (no weights download, seconds)."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from service.backends.base import GenParams  # noqa: E402
from service.backends.hf.decode import greedy  # noqa: E402
from service.backends.hf.prefix_cache import MIN_REUSE, PrefixCache  # noqa: E402
from tests.tiny_model import tiny_qwen2  # noqa: E402


@pytest.fixture(scope="module")
def tiny():
    return tiny_qwen2(256)


def _run(model, ids, cache=None):
    params = GenParams(max_new_tokens=12)
    new, _, stats = greedy(model, ids, params, 0.0, eos=set(), pad=0, decode=lambda t: "", prefix_cache=cache)
    return new, stats


SYSTEM = list(range(10, 40))  # the shared system turn of every call


def test_reused_prefix_gives_the_same_tokens(tiny):
    first = [SYSTEM + [50, 51, 52, 60], SYSTEM + [50, 51, 53, 61, 62]]
    second = [SYSTEM + [70, 71, 72], SYSTEM + [70, 73, 74, 75]]
    single = [SYSTEM + [80, 81]]
    plain = [_run(tiny, x)[0] for x in (first, second, single)]
    cache = PrefixCache()
    got = []
    for x in (first, second, single):
        new, stats = _run(tiny, x, cache)
        got.append((new, stats["prefix_reused_tokens"]))
    assert [g[0] for g in got] == plain
    # the first call has nothing to reuse; the second reuses the system turn; the lone row reuses it too
    assert [g[1] for g in got] == [0, len(SYSTEM), len(SYSTEM)]
    assert cache.hits == 2


def test_short_matches_are_not_reused():
    cache = PrefixCache()
    cache.tokens = list(range(20))
    assert cache.match(list(range(MIN_REUSE - 1)) + [99]) == 0
    assert cache.match(list(range(12)) + [99]) == 12
    assert cache.match(list(range(30))) == 20


def test_reused_kv_equals_a_full_prefill(tiny):
    from transformers import DynamicCache

    cache = PrefixCache()
    cache.prefill(tiny, SYSTEM + [50, 51, 52])
    tokens = SYSTEM + [70, 71, 72, 73]
    got = cache.prefill(tiny, tokens)  # 30 tokens reused, 4 computed on top
    full = DynamicCache(config=tiny.config)
    with torch.inference_mode():
        tiny(input_ids=torch.tensor([tokens]), past_key_values=full, use_cache=True)
    for a, b in zip(got.layers, full.layers, strict=True):
        assert a.keys.shape == b.keys.shape
        torch.testing.assert_close(a.keys, b.keys, atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(a.values, b.values, atol=1e-5, rtol=1e-4)
