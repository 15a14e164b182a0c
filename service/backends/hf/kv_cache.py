"""A KV cache that grows in place: each layer's keys and values live in a preallocated buffer and a
decode step writes its one position into it, instead of `DynamicLayer`'s `torch.cat` of the whole
cache per layer per step (56 copies of the growing cache per token on qwen2-1.5B).

Attention reads a view of the filled positions, so it sees exactly the tensors the dynamic cache
would hold (same values, same length; only the stride between heads differs). The buffer grows by
CHUNK positions when full (one copy per CHUNK steps).

Built inside a function so importing this package does not import torch."""
from __future__ import annotations

import functools

CHUNK = 256  # positions added when a layer's buffer is full


def new_cache(config):
    """The KV cache generation uses (hf/decode.py, hf/prefix_cache.py)."""
    return growing_cache(config)


def growing_cache(config):
    """A DynamicCache for `config` whose layers write into preallocated buffers."""
    return _growing_cache_class()(config.get_text_config(decoder=True).num_hidden_layers)


@functools.cache
def _growing_cache_class():
    import torch
    from transformers import DynamicCache
    from transformers.cache_utils import Cache, DynamicLayer

    class GrowingLayer(DynamicLayer):
        # the filled positions are views of _k/_v; `keys`/`values` stay the tensors callers expect
        def __init__(self):
            super().__init__()
            self._len = 0

        @property
        def keys(self):
            return None if self._k is None else self._k[:, :, : self._len]

        @keys.setter
        def keys(self, value):  # DynamicLayer's own code assigns whole tensors (reset, lazy init)
            self._k = value
            self._len = 0 if value is None or value.dim() < 4 else value.shape[-2]

        @property
        def values(self):
            return None if self._v is None else self._v[:, :, : self._len]

        @values.setter
        def values(self, value):
            self._v = value

        def update(self, key_states, value_states, *args, **kwargs):
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            n, new = self._len, key_states.shape[-2]
            if self._k is None or self._k.dim() < 4 or n + new > self._k.shape[-2]:
                self._grow(key_states, value_states, n + new)
            self._k[:, :, n : n + new].copy_(key_states)
            self._v[:, :, n : n + new].copy_(value_states)
            self._len = n + new
            return self.keys, self.values

        def _grow(self, key_states, value_states, need: int) -> None:
            cap = -(-(need + 1) // CHUNK) * CHUNK
            b, h, _, d = key_states.shape
            k = torch.empty((b, h, cap, d), dtype=key_states.dtype, device=key_states.device)
            v = torch.empty((b, h, cap, value_states.shape[-1]), dtype=value_states.dtype, device=value_states.device)
            n = self._len
            if n:
                k[:, :, :n].copy_(self._k[:, :, :n])
                v[:, :, :n].copy_(self._v[:, :, :n])
            self._k, self._v = k, v

        def get_seq_length(self) -> int:
            return self._len if self.is_initialized else 0

        def crop(self, tokens_to_remove: int) -> None:
            if tokens_to_remove > 0:
                raise ValueError("crop takes a negative count of tokens to remove")
            if tokens_to_remove and self.is_initialized:
                self._len = max(self._len + tokens_to_remove, 0)

        # these assign the buffers, not `keys`/`values`, so the filled length stays as it is
        def batch_repeat_interleave(self, repeats: int) -> None:
            if self._len:
                self._k = self._k.repeat_interleave(repeats, dim=0)
                self._v = self._v.repeat_interleave(repeats, dim=0)

        def batch_select_indices(self, indices) -> None:
            if self._len:
                self._k, self._v = self._k[indices], self._v[indices]

        def merge_rows(self, other) -> None:
            # zeros, not empty memory, in the padding: masked weights are 0 and 0 * NaN would be NaN
            n = max(self._len, other._len)
            cap = -(-(n + 1) // CHUNK) * CHUNK
            bufs = []
            for a, b in ((self._k, other._k), (self._v, other._v)):
                out = torch.zeros((a.shape[0] + b.shape[0], a.shape[1], cap, a.shape[3]), dtype=a.dtype, device=a.device)
                out[: a.shape[0], :, n - self._len : n].copy_(a[:, :, : self._len])
                out[a.shape[0] :, :, n - other._len : n].copy_(b[:, :, : other._len])
                bufs.append(out)
            self._k, self._v = bufs
            self._len = n

    class GrowingCache(DynamicCache):
        def __init__(self, n_layers: int):
            Cache.__init__(self, layers=[GrowingLayer() for _ in range(n_layers)])

        def batch_merge(self, other) -> None:
            """Append `other`'s rows to this batch (hf/scheduler.py: concurrent calls decode together).

            The shorter side is left-padded with zeros to the longer length, so every row's positions
            stay right-aligned as in a batched prefill; the caller pads the attention masks to match
            (the padding is masked, and explicit position_ids keep each row's RoPE positions)."""
            for mine, theirs in zip(self.layers, other.layers, strict=True):
                mine.merge_rows(theirs)  # type: ignore[union-attr] # every layer is a GrowingLayer

    return GrowingCache

