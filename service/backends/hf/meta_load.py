"""Load a re-encoded model: the skeleton on the meta device (no weight memory), the quantized modules
swapped in, the saved tensors memory-mapped in place (so RSS is the weights as stored, once)."""
from __future__ import annotations

import json
from pathlib import Path

from ...errors import ModelLoadError
from .modules import quantized_modules


def load_quantized(path: Path):
    """Build the model skeleton without allocating weights, swap in the quantized modules, map the tensors."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    Int4Linear, Int8Linear, Int8Embedding = quantized_modules()
    meta = json.loads((path / "claimtrace.json").read_text())
    config = AutoConfig.from_pretrained(path)
    config.tie_word_embeddings = False
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    for name, kind in meta["modules"].items():
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        old = getattr(parent, child)
        if kind == "int8_embedding":
            new = Int8Embedding(old.num_embeddings, old.embedding_dim)
        else:
            cls = Int4Linear if kind == "int4" else Int8Linear
            new = cls(old.in_features, old.out_features, old.bias is not None)
        setattr(parent, child, new)
    expected = set(model.state_dict())
    state = torch.load(str(path / "model.pt"), mmap=True, weights_only=True)  # memory-mapped, 64-byte aligned
    if set(state) != expected:
        raise ModelLoadError(f"quantized cache {path} does not fit the model: missing {sorted(expected - set(state))[:5]}, "
                             f"unexpected {sorted(set(state) - expected)[:5]}")
    for key, tensor in state.items():
        if tensor.data_ptr() % 64:  # the int8 kernel reads aligned vectors
            tensor = tensor.clone()
        module_name, _, leaf = key.rpartition(".")
        module = model.get_submodule(module_name)
        if leaf in module._parameters:
            module._parameters[leaf] = torch.nn.Parameter(tensor, requires_grad=False)
        else:
            module._buffers[leaf] = tensor
    # buffers computed at construction (rotary frequencies) were built on the meta device
    for mod_name, module in model.named_modules():
        for buf_name, buf in list(module.named_buffers(recurse=False)):
            if buf is not None and buf.is_meta:
                if hasattr(module, "rope_init_fn") or "rotary" in mod_name:
                    fresh = type(module)(config=model.config)
                    for b_name, b in fresh.named_buffers(recurse=False):
                        setattr(module, b_name, b)
                    break
                raise ModelLoadError(f"buffer {mod_name}.{buf_name} was not loaded from {path}")
    return model


def model_bytes(model, per_token: bool = True) -> int:
    """Weight bytes one decode step reads (the token embedding is only indexed), or all loaded."""
    total = 0
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        if "rotary" not in name and not (per_token and "embed_tokens" in name):
            total += t.numel() * t.element_size()
    return total
