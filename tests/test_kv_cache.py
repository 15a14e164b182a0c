"""The in-place KV cache (hf/kv_cache.py) against transformers' DynamicCache, on a tiny random qwen2."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from service.backends.base import GenParams  # noqa: E402
from service.backends.hf import decode  # noqa: E402
from service.backends.hf.kv_cache import CHUNK, growing_cache  # noqa: E402
from service.backends.hf.prefix_cache import PrefixCache  # noqa: E402
from tests.tiny_model import tiny_qwen2  # noqa: E402


@pytest.fixture(scope="module")
def tiny():
    return tiny_qwen2(1024)


SYSTEM = list(range(10, 40))
CALLS = [[SYSTEM + [50, 51, 52, 60], SYSTEM + [50, 51, 53, 61, 62], SYSTEM + [3]],
         [SYSTEM + [80, 81]],
         [SYSTEM + [1] * (CHUNK - 20), SYSTEM + [2, 3]]]  # crosses a buffer's first CHUNK while decoding


def _run(model, eos, prefix_cache=None):
    return [decode.greedy(model, ids, GenParams(max_new_tokens=30), 0.0, eos=eos, pad=0, decode=lambda t: "",
                          prefix_cache=prefix_cache)[:2] for ids in CALLS]


def test_same_tokens_as_the_dynamic_cache(tiny, monkeypatch):
    from transformers import DynamicCache

    with monkeypatch.context() as m:
        m.setattr(decode, "new_cache", lambda config: DynamicCache(config=config))
        free = _run(tiny, set())
        eos = {free[0][0][0][4]}  # the first row stops at its 5th token, so the batch shrinks while decoding
        plain = _run(tiny, eos)
    assert any(stop == "eos" for stop in plain[0][1])
    assert _run(tiny, eos) == plain
    assert _run(tiny, eos, PrefixCache()) == plain


def test_kv_equals_the_dynamic_caches(tiny):
    from transformers import DynamicCache

    ids = torch.tensor([SYSTEM + [5] * (CHUNK - 10)])
    caches = [DynamicCache(config=tiny.config), growing_cache(tiny.config)]
    with torch.inference_mode():
        for cache in caches:
            tiny(input_ids=ids, past_key_values=cache, use_cache=True)
            for step in range(12):  # one position at a time, past the first buffer's end
                tiny(input_ids=torch.tensor([[7 + step]]), position_ids=torch.tensor([[ids.shape[1] + step]]),
                     past_key_values=cache, use_cache=True)
    dyn, grow = caches
    assert grow.get_seq_length() == dyn.get_seq_length() == ids.shape[1] + 12
    for a, b in zip(dyn.layers, grow.layers):  # noqa: B905
        assert torch.equal(a.keys, b.keys) and torch.equal(a.values, b.values)
    grow.crop(-5)
    grow.batch_repeat_interleave(2)
    assert grow.get_seq_length() == ids.shape[1] + 7 and grow.layers[0].keys.shape[0] == 2
    assert torch.equal(grow.layers[1].keys[1], dyn.layers[1].keys[0, :, :-5])
