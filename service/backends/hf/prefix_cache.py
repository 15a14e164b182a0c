"""The KV of the last prompt prefix, kept across generate() calls.

Every summary prompt opens with the same chat-template system turn, and the three per-claim prompts
of one article share more. llama.cpp keeps its KV from the previous prompt and re-evaluates only
what differs; this does the same for the transformers loop: the common prefix of a call's rows is
matched against the prefix the previous call computed, the matching tokens' keys and values are
copied from it, and only the rest is prefilled. Causal attention makes a token's keys and values
depend on the tokens before it alone, so the result is the KV a full prefill would give (the greedy
output on the seed's prompts is identical, test_prefix_cache checks the mechanics model-free).
"""
from __future__ import annotations

import copy

MIN_REUSE = 8  # fewer matching tokens than this: not worth the copy


class PrefixCache:
    def __init__(self) -> None:
        self.tokens: list[int] = []
        self._cache = None  # a KV cache (kv_cache.new_cache) of exactly len(self.tokens) positions, batch 1
        self.hits = 0  # calls that reused a prefix
        self.reused_tokens = 0

    def match(self, tokens: list[int]) -> int:
        """How many leading tokens of `tokens` the kept prefix already covers (0 below MIN_REUSE)."""
        n = 0
        for a, b in zip(self.tokens, tokens):  # noqa: B905 - the shorter one bounds the match
            if a != b:
                break
            n += 1
        return n if n >= MIN_REUSE else 0

    def prefill(self, model, tokens: list[int]):
        """A batch-1 KV cache holding the KV of `tokens`, reusing the kept prefix; keeps a copy for the next call."""
        import torch

        with torch.inference_mode():
            gen = self.prefill_steps(model, tokens)
            while True:
                try:
                    next(gen)
                except StopIteration as done:
                    return done.value

    def prefill_steps(self, model, tokens: list[int], chunk: int | None = None):
        """`prefill` one forward per `next()` (a generator returning the cache): the tokens after the
        match in one forward, or `chunk` at a time (hf/scheduler.py runs decode steps in between)."""
        import torch

        from .kv_cache import new_cache

        hit = self.match(tokens)
        if hit:
            cache = copy.deepcopy(self._cache)
            cache.crop(hit - len(self.tokens))  # a negative count: the kept tokens after the match go
            self.hits += 1
            self.reused_tokens += hit
        else:
            cache = new_cache(model.config)
        step = max(1, len(tokens) - hit if chunk is None else chunk)
        for a in range(hit, len(tokens), step):
            b = min(a + step, len(tokens))
            rest = torch.tensor([tokens[a:b]], dtype=torch.long)
            model(input_ids=rest, position_ids=torch.arange(a, b)[None], past_key_values=cache,
                  use_cache=True, logits_to_keep=1)
            if b < len(tokens):
                yield
        self.tokens, self._cache = list(tokens), copy.deepcopy(cache)
        return cache
