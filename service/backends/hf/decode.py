"""Batched greedy decoding on a transformers model, rather than `model.generate`: one prefill of the
prompts' common prefix (the system turn), one batched prefill of the rest, then one forward per
step for the rows still running. A row leaves the batch as soon as it emits EOS or a stop string,
and the time budget is checked every step."""
from __future__ import annotations

import time
from collections.abc import Callable

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
    stats = {"prompt_tokens": sum(len(x) for x in ids), "prefill_tokens": shared + sum(len(r) for r in rests)}
    reused_before = prefix_cache.reused_tokens if prefix_cache is not None else 0
    with torch.inference_mode():
        tp = time.perf_counter()
        if shared and prefix_cache is not None:
            cache = prefix_cache.prefill(model, ids[0][:shared])
            if n > 1:
                cache.batch_repeat_interleave(n)
        elif shared:
            prefix = torch.tensor([ids[0][:shared]], dtype=torch.long)
            model(input_ids=prefix, past_key_values=cache, use_cache=True, logits_to_keep=1)
            cache.batch_repeat_interleave(n)
        out = model(
            input_ids=suffix, attention_mask=mask, position_ids=positions, past_key_values=cache,
            use_cache=True, logits_to_keep=1,
        )
        stats["prefill_s"] = time.perf_counter() - tp
        if prefix_cache is not None:
            stats["prefix_reused_tokens"] = prefix_cache.reused_tokens - reused_before
        check_time()
        new_ids: list[list[int]] = [[] for _ in range(n)]
        stopped = ["length"] * n
        active = list(range(n))  # original row of each batch row
        next_pos = torch.tensor([shared + len(r) for r in rests], dtype=torch.long)
        logits = out.logits[:, -1, :]
        steps, td = 0, time.perf_counter()
        while True:
            tokens = logits.argmax(dim=-1).tolist()
            keep = []
            for b, row in enumerate(active):
                tok = tokens[b]
                if tok in eos:
                    stopped[row] = "eos"
                    continue
                new_ids[row].append(tok)
                if params.stop:
                    text = decode(new_ids[row])
                    if any(s in text for s in params.stop):
                        stopped[row] = "stop"
                        continue
                if len(new_ids[row]) >= params.max_new_tokens:
                    stopped[row] = "length"
                    continue
                keep.append(b)
            if not keep:
                break
            if len(keep) < len(active):
                index = torch.tensor(keep, dtype=torch.long)
                cache.batch_select_indices(index)
                mask = mask[index]
                next_pos = next_pos[index]
                active = [active[b] for b in keep]
                tokens = [tokens[b] for b in keep]
            mask = torch.cat([mask, torch.ones((len(active), 1), dtype=torch.long)], dim=1)
            out = model(
                input_ids=torch.tensor(tokens, dtype=torch.long)[:, None], attention_mask=mask,
                position_ids=next_pos[:, None], past_key_values=cache, use_cache=True,
            )
            next_pos = next_pos + 1
            logits = out.logits[:, -1, :]
            steps += 1
            check_time()
        stats["decode_s"] = time.perf_counter() - td
        stats["decode_steps"] = steps
    return new_ids, stopped, stats
