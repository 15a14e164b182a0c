"""transformers + torch backend on the CPU.

GGUF weights are dequantized by transformers at load, which costs ~1 minute every start; the
first start therefore saves the dequantized model as safetensors in the cache directory, keyed
by the GGUF's SHA-256 and the dtype, and later starts load that in seconds.
"""
from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from pathlib import Path

from ..config import Settings
from ..errors import GenerationTimeout, ModelLoadError
from ..schema import ModelInfo
from .base import GenParams, Generation, Message
from .weights import Weights, resolve

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when the conversion below changes what it writes


def _torch_dtype(name: str):
    import torch

    return {"bfloat16": torch.bfloat16, "float32": torch.float32, "float16": torch.float16}[name]


def converted_dir(cache_dir: Path, weights: Weights, dtype: str) -> Path:
    return cache_dir / "hf" / f"{weights.sha256}-{dtype}-v{CACHE_FORMAT}"


def _convert_gguf(weights: Weights, target: Path, dtype: str) -> None:
    """Dequantize a GGUF once and save it as a safetensors model directory."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(weights.path)
    t0 = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=_torch_dtype(dtype))
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


class TransformersBackend:
    def __init__(self, settings: Settings):
        import torch

        torch.set_num_threads(settings.threads)
        self.settings = settings
        t0 = time.perf_counter()
        weights = resolve(settings.model, settings.cache_dir, settings.model_sha256)
        self.weights = weights
        self.load_source = weights.kind
        if weights.kind == "gguf":
            target = converted_dir(settings.cache_dir, weights, settings.dtype)
            if not (target / "claimtrace.json").exists():
                self.load_source = "gguf-convert"
                _convert_gguf(weights, target, settings.dtype)
            else:
                self.load_source = "safetensors-cache"
            path = str(target)
        else:
            path = weights.path
        from transformers import AutoModelForCausalLM, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModelForCausalLM.from_pretrained(path, dtype=_torch_dtype(settings.dtype))
        except OSError as e:  # hub id without network, broken directory
            raise ModelLoadError(f"cannot load model {settings.model!r}: {e}") from e
        self.model.eval()
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "left"  # batched decoding needs prompts aligned on the right
        self.load_seconds = time.perf_counter() - t0
        self.info = ModelInfo(name=weights.name, backend="transformers", dtype=settings.dtype, sha256=weights.sha256)
        self._lock = threading.Lock()  # one generate() at a time; torch already uses every core
        log.info("model %s ready in %.2f s (%s)", weights.name, self.load_seconds, self.load_source)

    def render(self, messages: list[Message], prefix: str = "") -> str:
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return text + prefix

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        import torch

        texts = [self.render(m, params.prefix(i)) for i, m in enumerate(prompts)]
        enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        kwargs = dict(
            max_new_tokens=params.max_new_tokens,
            do_sample=False,
            pad_token_id=self.tokenizer.pad_token_id,
        )
        if params.stop:
            kwargs["stop_strings"] = list(params.stop)
            kwargs["tokenizer"] = self.tokenizer
        if params.time_budget_s:
            kwargs["max_time"] = params.time_budget_s
        with self._lock, torch.inference_mode():
            t0 = time.perf_counter()
            out = self.model.generate(**enc, **kwargs)
            seconds = time.perf_counter() - t0
        if params.time_budget_s and seconds >= params.time_budget_s:
            raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s")
        width = enc["input_ids"].shape[1]
        results = []
        for i in range(len(texts)):
            new = out[i, width:]
            n_new = int((new != self.tokenizer.pad_token_id).sum())
            text = self.tokenizer.decode(new, skip_special_tokens=True)
            stopped = "length" if n_new >= params.max_new_tokens else "eos"
            for s in params.stop:
                if s in text:
                    text, stopped = text.split(s, 1)[0], "stop"
            results.append(
                Generation(
                    text=params.prefix(i) + text,
                    prompt_tokens=int(enc["attention_mask"][i].sum()),
                    new_tokens=n_new,
                    seconds=seconds,
                    stopped_by=stopped,
                )
            )
        return results
