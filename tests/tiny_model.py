"""A tiny random qwen2 for the KV-cache tests (no weights download; seconds to build)."""
from __future__ import annotations


def tiny_qwen2(max_positions: int):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=96, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_positions)
    return Qwen2ForCausalLM(config).eval()
