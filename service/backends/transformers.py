"""transformers + torch backend on the CPU (the default runtime); its parts are in hf/.

Decode on a CPU is bound by memory bandwidth: every new token reads every weight once. So by
default (`CLAIMTRACE_QUANT=int4`) the GGUF's weights stay near their shipped size instead of
being widened to bf16 (3.1 GB read per token): hf/reencode.py re-encodes Q4_K as torch's packed
int4 and the rest as int8 once, hf/meta_load.py maps the result in seconds on later starts, and
hf/modules.py runs it with `aten._weight_int4pack_mm_for_cpu` / `aten._weight_int8pack_mm`.
`CLAIMTRACE_QUANT=none` keeps the earlier path: the GGUF dequantized by transformers to
`CLAIMTRACE_DTYPE` safetensors (hf/convert.py). Generation is hf/decode.py's batched greedy loop,
one call at a time; hf/threads.py makes torch's OpenMP threads sleep rather than spin while they
wait (a shared 2-core machine), unless OMP_WAIT_POLICY is set. With
`CLAIMTRACE_CONTINUOUS_BATCHING=1` hf/scheduler.py decodes the rows of concurrent calls together in
one forward per step (a call alone gets the same tokens either way).
"""
from __future__ import annotations

import logging
import threading
import time

from ..config import Settings
from ..errors import ModelLoadError
from ..schema import ModelInfo
from .base import Generation, GenParams, LoadReport, Message, has_markup, neutralise, template_pieces
from .hf.convert import convert_gguf, converted_dir, torch_dtype
from .hf.decode import greedy
from .hf.meta_load import load_quantized, model_bytes
from .hf.prefix_cache import PrefixCache
from .hf.reencode import QUANT_ARCHS, gguf_arch, quantize_gguf, quantized_dir
from .hf.scheduler import Scheduler
from .hf.threads import prefer_passive_wait
from .weights import resolve

# before torch is imported (below, in the backend's __init__): libgomp reads its wait policy once
OMP_WAIT = prefer_passive_wait()

__all__ = ["TransformersBackend", "quantized_dir"]

log = logging.getLogger(__name__)


class TransformersBackend:
    def __init__(self, settings: Settings):
        import torch

        torch.set_num_threads(settings.threads)
        self.settings = settings
        t0 = time.perf_counter()
        weights = resolve(settings.model, settings.cache_dir, settings.model_sha256)
        source = weights.kind
        quant = settings.quant
        ready = quant != "none" and weights.kind == "gguf" and (quantized_dir(settings.cache_dir, weights, quant) / "claimtrace.json").exists()
        if quant != "none" and not ready and (weights.kind != "gguf" or gguf_arch(weights.path) not in QUANT_ARCHS):
            log.warning("CLAIMTRACE_QUANT=%s needs a GGUF of %s; loading %s unquantized", quant,
                        ", ".join(sorted(QUANT_ARCHS)), weights.name)
            quant = "none"
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if quant != "none":
            target = quantized_dir(settings.cache_dir, weights, quant)
            if not (target / "claimtrace.json").exists():
                source = f"gguf-{quant}-convert"
                quantize_gguf(weights, target, quant)
            else:
                source = f"{quant}-cache"
            self.tokenizer = AutoTokenizer.from_pretrained(target)
            self.model = load_quantized(target)
            dtype = f"{quant}+bfloat16"
        else:
            if weights.kind == "gguf":
                target = converted_dir(settings.cache_dir, weights, settings.dtype)
                if not (target / "claimtrace.json").exists():
                    source = "gguf-convert"
                    convert_gguf(weights, target, settings.dtype)
                else:
                    source = "safetensors-cache"
                path = str(target)
            else:
                path = weights.path
            try:
                self.tokenizer = AutoTokenizer.from_pretrained(path)
                self.model = AutoModelForCausalLM.from_pretrained(path, dtype=torch_dtype(settings.dtype))
            except OSError as e:  # hub id without network, broken directory
                raise ModelLoadError(f"cannot load model {settings.model!r}: {e}") from e
            dtype = settings.dtype
        self.model.eval()
        self.quant = quant
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        eos = self.model.generation_config.eos_token_id if self.model.generation_config else None
        eos = eos if isinstance(eos, list) else [eos] if eos is not None else []
        self._eos = {int(e) for e in eos} | ({self.tokenizer.eos_token_id} - {None})
        self.load = LoadReport(seconds=time.perf_counter() - t0, source=source, weight_bytes=model_bytes(self.model),
                               loaded_bytes=model_bytes(self.model, per_token=False), path=weights.path)
        self.info = ModelInfo(name=weights.name, backend="transformers", dtype=dtype, sha256=weights.sha256)
        # used under self._lock only, or by the scheduler's worker thread only (continuous batching)
        self._prefix = PrefixCache() if settings.prefix_cache else None
        self._lock = threading.Lock()  # one generate() at a time; torch already uses every core
        self._scheduler = Scheduler(self.model, eos=self._eos, pad=self.tokenizer.pad_token_id, decode=self._decode,
                                    prefix_cache=self._prefix) if settings.continuous_batching else None
        self.omp_wait = OMP_WAIT
        log.info("model %s ready in %.2f s (%s; OpenMP wait %s)", weights.name, self.load.seconds, source, OMP_WAIT)

    def render(self, messages: list[Message], prefix: str = "") -> str:
        text = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return text + prefix

    def encode(self, messages: list[Message], prefix: str = "") -> list[int]:
        """Prompt token ids. Only the chat template's own markup may become control tokens: message
        texts (the article's words) and the forced prefix are tokenized with special-token parsing
        off, after neutralise() (which also covers added tokens that are not "special", such as
        <tool_call>). A prompt without any such string is tokenized whole, exactly as before."""
        specials = self._added_strings()
        if not has_markup(messages, prefix, specials):
            return self.tokenizer(self.render(messages, prefix), add_special_tokens=False)["input_ids"]
        pieces = template_pieces(lambda ms: self.render(ms), messages, prefix)
        if pieces is None:  # a template that rewrites the texts: render the neutralised texts whole
            safe = [dict(m, content=neutralise(m["content"], specials)) for m in messages]
            return self.tokenizer(self.render(safe, neutralise(prefix, specials)), add_special_tokens=False)["input_ids"]
        ids: list[int] = []
        for piece, is_text in pieces:
            if is_text:
                ids += self.tokenizer(neutralise(piece, specials), add_special_tokens=False, split_special_tokens=True)["input_ids"]
            else:
                ids += self.tokenizer(piece, add_special_tokens=False)["input_ids"]
        return ids

    def _added_strings(self) -> tuple[str, ...]:
        got = getattr(self, "_added", None)
        if got is None:
            got = tuple(t.content for t in self.tokenizer.added_tokens_decoder.values())
            self._added = got
        return got

    def _decode(self, toks: list[int]) -> str:
        return self.tokenizer.decode(toks, skip_special_tokens=True)

    def _greedy(self, ids: list[list[int]], params: GenParams):
        if self._scheduler is not None:
            t0 = time.perf_counter()
            out = self._scheduler.generate(ids, params, _cancel_check())
            return (*out, time.perf_counter() - t0)
        with self._lock:
            t0 = time.perf_counter()
            out = greedy(self.model, ids, params, t0, eos=self._eos, pad=self.tokenizer.pad_token_id,
                         decode=self._decode, prefix_cache=self._prefix)
            return (*out, time.perf_counter() - t0)

    def close(self) -> None:
        """Stop the decode worker (continuous batching); calls still waiting fail."""
        if self._scheduler is not None:
            self._scheduler.close()

    def generate_ids(self, prompts: list[list[Message]], params: GenParams) -> list[list[int]]:
        """The new token ids generate() would decode into text (bench/greedy_check.py pins them)."""
        return self._greedy([self.encode(m, params.prefix(i)) for i, m in enumerate(prompts)], params)[0] if prompts else []

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        if not prompts:
            return []
        ids = [self.encode(m, params.prefix(i)) for i, m in enumerate(prompts)]
        new_ids, stopped, stats, seconds = self._greedy(ids, params)
        results = []
        for i, toks in enumerate(new_ids):
            text = self.tokenizer.decode(toks, skip_special_tokens=True)
            for s in params.stop:
                if s in text:
                    text = text.split(s, 1)[0]
            results.append(
                Generation(
                    text=params.prefix(i) + text,
                    prompt_tokens=len(ids[i]),
                    new_tokens=len(toks),
                    seconds=seconds,
                    stopped_by=stopped[i],
                    extra=stats,
                )
            )
        return results


def _cancel_check():
    """True once the calling request's client went away (the API cancels its `service.deadline`)."""
    from ..deadline import current

    deadline = current()
    return (lambda: deadline.cancelled) if deadline is not None else None
