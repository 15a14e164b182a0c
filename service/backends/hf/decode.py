"""Batched greedy decoding on a transformers model, rather than `model.generate`: one prefill of the
prompts' common prefix (the system turn), one batched prefill of the rest, then one forward per
step for the rows still running. A row leaves the batch as soon as it emits EOS or a stop string,
and the time budget is checked every step.

The pieces (`prefill`, `advance`, `select`, `step`) are shared with hf/scheduler.py, which decodes
the rows of concurrent calls in one batch: a call alone takes exactly the tensor operations
`greedy` takes, so its tokens are the same."""
from __future__ import annotations

import time
from collections.abc import Callable, Generator

from ...errors import GenerationTimeout
from ..base import GenParams
from .kv_cache import new_cache
from .prefix_cache import PrefixCache


def greedy(model, ids: list[list[int]], params: GenParams, t0: float, *, eos: set[int], pad: int,
           decode: Callable[[list[int]], str], prefix_cache: PrefixCache | None = None):
    """Batched greedy decoding; returns (new token ids per row, why each stopped, timing stats).

    With `prefix_cache`, the rows' shared prefix is taken from the previous call's where they match."""
    import torch

    n = len(ids)
    budget = params.time_budget_s

    def check_time():
        if budget and time.perf_counter() - t0 >= budget:
            raise GenerationTimeout(f"generation exceeded its time budget of {budget:.0f} s")

    with torch.inference_mode():
        state = drain(prefill(model, ids, pad, prefix_cache))
        cache, mask, next_pos, logits, stats = state
        check_time()
        new_ids: list[list[int]] = [[] for _ in range(n)]
        stopped = ["length"] * n
        active = list(range(n))  # original row of each batch row
        steps, td = 0, time.perf_counter()
        while True:
            tokens = logits.argmax(dim=-1).tolist()
            keep = [b for b, row in enumerate(active) if advance(new_ids[row], stopped, row, tokens[b], params, eos, decode)]
            if not keep:
                break
            if len(keep) < len(active):
                mask, next_pos = select(cache, mask, next_pos, keep)
                active = [active[b] for b in keep]
                tokens = [tokens[b] for b in keep]
            mask, next_pos, logits = step(model, cache, mask, next_pos, tokens)
            steps += 1
            check_time()
        stats["decode_s"] = time.perf_counter() - td
        stats["decode_steps"] = steps
    return new_ids, stopped, stats


def drain(gen: Generator[None, None, tuple]) -> tuple:
    """Run a generator to its end and return its value (a prefill taken in one go)."""
    while True:
        try:
            next(gen)
        except StopIteration as done:
            return done.value


def prefill(model, ids: list[list[int]], pad: int, prefix_cache: PrefixCache | None = None,
            chunk: int | None = None) -> Generator[None, None, tuple]:
    """The prefill of `ids`' rows, one forward per `next()`; returns (cache, mask, next_pos, logits of
    each row's last position, stats). Call inside torch.inference_mode().

    `chunk` None: the shared prefix in one forward, the rows' rests in one batched forward (what
    `greedy` does). A number: about that many tokens per forward, so a caller can run other work
    (hf/scheduler.py's decode steps) between the pieces; the KV is the same up to rounding."""
    import torch

    n = len(ids)
    # the prompts share the chat template's system turn: prefill it once for every row
    shared = 0
    if n > 1:
        while shared < min(len(x) for x in ids) - 1 and len({x[shared] for x in ids}) == 1:
            shared += 1
    elif prefix_cache is not None:  # one row: its system turn may still be the previous call's
        shared = min(prefix_cache.match(ids[0]), len(ids[0]) - 1)
    rests = [x[shared:] for x in ids]
    width = max(len(r) for r in rests)
    # layout per row: [shared prefix][left padding][own tokens]; padding is masked out
    suffix = torch.full((n, width), pad, dtype=torch.long)
    mask = torch.zeros((n, shared + width), dtype=torch.long)
    mask[:, :shared] = 1
    positions = torch.zeros((n, width), dtype=torch.long)
    for i, r in enumerate(rests):
        suffix[i, width - len(r):] = torch.tensor(r, dtype=torch.long)
        mask[i, shared + width - len(r):] = 1
        positions[i, width - len(r):] = torch.arange(shared, shared + len(r))
    cache = new_cache(model.config)
    stats: dict = {"prompt_tokens": sum(len(x) for x in ids), "prefill_tokens": shared + sum(len(r) for r in rests)}
    reused_before = prefix_cache.reused_tokens if prefix_cache is not None else 0
    tp = time.perf_counter()
    if shared and prefix_cache is not None:
        cache = yield from prefix_cache.prefill_steps(model, ids[0][:shared], chunk)
        if n > 1:
            cache.batch_repeat_interleave(n)
    elif shared:
        for a, b in _pieces(shared, chunk):
            prefix = torch.tensor([ids[0][a:b]], dtype=torch.long)
            model(input_ids=prefix, past_key_values=cache, use_cache=True, logits_to_keep=1)
            yield
        cache.batch_repeat_interleave(n)
    # a chunk of the rests is `chunk` tokens over all rows: columns of the padded suffix
    for a, b in _pieces(width, None if chunk is None else max(1, chunk // n)):
        out = model(
            input_ids=suffix[:, a:b], attention_mask=mask[:, : shared + b], position_ids=positions[:, a:b],
            past_key_values=cache, use_cache=True, logits_to_keep=1,
        )
        if b < width:
            yield
    stats["prefill_s"] = time.perf_counter() - tp
    if prefix_cache is not None:
        stats["prefix_reused_tokens"] = prefix_cache.reused_tokens - reused_before
    next_pos = torch.tensor([shared + len(r) for r in rests], dtype=torch.long)
    return cache, mask, next_pos, out.logits[:, -1, :], stats


def _pieces(length: int, chunk: int | None) -> list[tuple[int, int]]:
    """[a, b) ranges covering 0..length, `chunk` long (one range when chunk is None)."""
    step = length if chunk is None else chunk
    return [(a, min(a + step, length)) for a in range(0, length, step)]


def advance(new: list[int], stopped: list[str], row: int, tok: int, params: GenParams, eos: set[int],
            decode: Callable[[list[int]], str]) -> bool:
    """Take `tok` as row `row`'s next token (appended to `new`); False once the row is done, with the
    reason in stopped[row]."""
    if tok in eos:
        stopped[row] = "eos"
        return False
    new.append(tok)
    if params.stop:
        text = decode(new)
        if any(s in text for s in params.stop):
            stopped[row] = "stop"
            return False
    if len(new) >= params.max_new_tokens:
        stopped[row] = "length"
        return False
    return True


def select(cache, mask, next_pos, keep: list[int]):
    """Keep only the batch rows `keep` (in place in `cache`); returns the mask and positions to match."""
    import torch

    index = torch.tensor(keep, dtype=torch.long)
    cache.batch_select_indices(index)
    return mask[index], next_pos[index]


def step(model, cache, mask, next_pos, tokens: list[int]):
    """One decode forward: feed each row its token; returns (mask, next positions, next logits)."""
    import torch

    mask = torch.cat([mask, torch.ones((len(tokens), 1), dtype=torch.long)], dim=1)
    out = model(
        input_ids=torch.tensor(tokens, dtype=torch.long)[:, None], attention_mask=mask,
        position_ids=next_pos[:, None], past_key_values=cache, use_cache=True,
    )
    return mask, next_pos + 1, out.logits[:, -1, :]
