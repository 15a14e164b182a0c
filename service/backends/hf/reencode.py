"""A qwen2 GGUF's blocks re-encoded for torch's int4/int8 kernels (no full dequantization).

Q4_K tensors become torch's packed int4 (group size 32, one scale and zero per group), an exact
re-encoding of Q4_K's sub-blocks (scale d·sc, minimum dmin·m); Q6_K tensors (lm_head, half the
ffn_down and attn_v) become int8 per output channel; the token embedding becomes int8 per row;
norms and biases stay as shipped (f32 -> bf16). Saved once in the cache directory, keyed by the
GGUF's SHA-256, the format and the torch version (the packed int4 layout is torch's own).
"""
from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from ..weights import Weights
from .modules import GROUP

log = logging.getLogger(__name__)

QUANT_FORMAT = 2  # bump when the packed conversion changes what it writes
QUANT_ARCHS = {"qwen2"}  # GGUF tensor names mapped below; others fall back to the dequantized path


def quantized_dir(cache_dir: Path, weights: Weights, quant: str) -> Path:
    import torch

    version = torch.__version__.split("+")[0]
    return cache_dir / "hf" / f"{weights.sha256}-{quant}-q{QUANT_FORMAT}-torch{version}"


def _gguf_names(n_layers: int) -> dict[str, str]:
    """qwen2 GGUF tensor name -> transformers module path (no permutation needed for qwen2)."""
    names = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}
    per_layer = {
        "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
        "attn_output": "self_attn.o_proj", "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
        "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
    }
    for i in range(n_layers):
        for g, h in per_layer.items():
            names[f"blk.{i}.{g}"] = f"model.layers.{i}.{h}"
    return names


def _q4k_to_int4(blocks, rows: int, cols: int):
    """Q4_K blocks -> (q [rows, cols] 0..15, scale, minimum [rows, cols/32]); value = scale*q - minimum."""
    import numpy as np
    from gguf.quants import Q4_K

    b = np.asarray(blocks, dtype=np.uint8).reshape(-1, 144)
    d = b[:, 0:2].copy().view(np.float16).astype(np.float32)
    dmin = b[:, 2:4].copy().view(np.float16).astype(np.float32)
    sc, m = Q4_K.get_scale_min(b[:, 4:16])
    scale = (d * sc.astype(np.float32)).reshape(rows, cols // GROUP)
    minimum = (dmin * m.astype(np.float32)).reshape(rows, cols // GROUP)
    qs = b[:, 16:].reshape(-1, 4, 1, 32) >> np.array([0, 4], dtype=np.uint8).reshape(1, 1, 2, 1)
    q = (qs & np.uint8(0x0F)).reshape(rows, cols)
    return q, scale, minimum


def _int8_rows(w):
    """[rows, cols] float -> (int8, per-row bf16 scale)."""
    import torch

    scale = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-12)
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale.to(torch.bfloat16)


def quantize_gguf(weights: Weights, target: Path, quant: str) -> None:
    """Re-encode a qwen2 GGUF's tensors for the int4/int8 kernels and save them with config and tokenizer."""
    import numpy as np
    import torch
    from gguf import GGMLQuantizationType, GGUFReader
    from gguf.quants import dequantize
    from transformers import AutoConfig, AutoTokenizer

    gguf = Path(weights.path)
    t0 = time.perf_counter()
    config = AutoConfig.from_pretrained(gguf.parent, gguf_file=gguf.name)
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    reader = GGUFReader(str(gguf))
    names = _gguf_names(config.num_hidden_layers)
    tensors: dict[str, torch.Tensor] = {}
    kinds: dict[str, str] = {}
    gguf_tensors = {t.name: t for t in reader.tensors}
    if "output.weight" not in gguf_tensors:  # tied embeddings: lm_head reads the token embedding
        gguf_tensors["output.weight"] = gguf_tensors["token_embd.weight"]
    for name, t in gguf_tensors.items():
        base, _, leaf = name.rpartition(".")
        module = names[base]
        rows = int(t.shape[-1]) if len(t.shape) > 1 else int(t.shape[0])
        cols = int(t.shape[0]) if len(t.shape) > 1 else 1
        if leaf == "bias" or len(t.shape) == 1:
            tensors[f"{module}.{leaf}"] = torch.from_numpy(dequantize(t.data, t.tensor_type).copy()).to(torch.bfloat16)
            continue
        if base == "token_embd":
            w = torch.from_numpy(dequantize(t.data, t.tensor_type).reshape(rows, cols).copy())
            tensors[f"{module}.qweight"], tensors[f"{module}.scales"] = _int8_rows(w)
            kinds[module] = "int8_embedding"
            continue
        if quant == "int4" and t.tensor_type == GGMLQuantizationType.Q4_K and cols % GROUP == 0:
            q, scale, minimum = _q4k_to_int4(t.data, rows, cols)
            packed = torch.ops.aten._convert_weight_to_int4pack_for_cpu(torch.from_numpy(q.astype(np.int32)), 8)
            # torch's int4 kernel computes (q - 8) * scale + zero; Q4_K is q * scale - minimum
            zero = scale * 8.0 - minimum
            sz = torch.from_numpy(np.stack([scale, zero], axis=-1)).transpose(0, 1).contiguous()
            tensors[f"{module}.packed"], tensors[f"{module}.scales_zeros"] = packed, sz.to(torch.bfloat16)
            kinds[module] = "int4"
        else:
            w = torch.from_numpy(dequantize(t.data, t.tensor_type).reshape(rows, cols).copy())
            tensors[f"{module}.qweight"], tensors[f"{module}.scales"] = _int8_rows(w)
            kinds[module] = "int8"
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # torch's zip format aligns every tensor to 64 bytes, which the int8 kernel needs, and maps in lazily
    torch.save(tensors, str(tmp / "model.pt"))
    config.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    meta = {"source_sha256": weights.sha256, "name": weights.name, "quant": quant, "torch": torch.__version__,
            "modules": kinds}
    (tmp / "claimtrace.json").write_text(json.dumps(meta, indent=1))
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    log.info("re-encoded %s for %s kernels in %.1f s", gguf.name, quant, time.perf_counter() - t0)


def gguf_arch(path: str) -> str | None:
    try:
        from gguf import GGUFReader

        field = GGUFReader(path).fields["general.architecture"]
        return bytes(field.parts[field.data[0]]).decode()
    except Exception:  # noqa: BLE001 - unknown architecture: the caller falls back
        return None
