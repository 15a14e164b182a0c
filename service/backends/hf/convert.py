"""CLAIMTRACE_QUANT=none: a GGUF dequantized once by transformers and saved as safetensors."""
from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

from ..weights import Weights

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when the dequantized conversion below changes what it writes


def torch_dtype(name: str):
    import torch

    return {"bfloat16": torch.bfloat16, "float32": torch.float32, "float16": torch.float16}[name]


def converted_dir(cache_dir: Path, weights: Weights, dtype: str) -> Path:
    return cache_dir / "hf" / f"{weights.sha256}-{dtype}-v{CACHE_FORMAT}"


def convert_gguf(weights: Weights, target: Path, dtype: str) -> None:
    """Dequantize a GGUF once and save it as a safetensors model directory."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(weights.path)
    t0 = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch_dtype(dtype))
    # save_pretrained refuses a model that still carries its GGUF quantizer
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    (tmp / "claimtrace.json").write_text(json.dumps({"source_sha256": weights.sha256, "name": weights.name}))
    tmp.rename(target)
    log.info("converted %s to %s safetensors in %.1f s", gguf.name, dtype, time.perf_counter() - t0)
