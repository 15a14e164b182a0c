"""transformers + torch backend on the CPU.

Decode on a CPU is bound by memory bandwidth: every new token reads every weight once. So by
default (`CLAIMTRACE_QUANT=int4`) the GGUF's weights stay near their shipped size instead of
being widened to bf16 (3.1 GB read per token):

- Q4_K tensors become torch's packed int4 (group size 32, one scale and zero per group), an
  exact re-encoding of Q4_K's sub-blocks (scale d·sc, minimum dmin·m), run by
  `aten._weight_int4pack_mm_for_cpu` (AVX-512 kernel, bf16 activations);
- Q6_K tensors (lm_head, half the ffn_down and attn_v) become int8 per output channel, run by
  `aten._weight_int8pack_mm`; the token embedding becomes int8 per row;
- norms and biases stay as shipped (f32 -> bf16).

The conversion reads the GGUF blocks directly (a few seconds, no full dequantization) and is
saved once in the cache directory, keyed by the GGUF's SHA-256, the format and the torch version
(the packed int4 layout is torch's own); later starts map it in seconds. `CLAIMTRACE_QUANT=none`
keeps the earlier path: the GGUF dequantized by transformers to `CLAIMTRACE_DTYPE` safetensors.

Generation is a small greedy loop rather than `model.generate`: one batched prefill that shares
the prompts' common prefix, then one forward per step for the rows still running; a row leaves
the batch as soon as it emits EOS or a stop string, and the time budget is checked every step.
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
from .base import GenParams, Generation, LoadReport, Message, has_markup, neutralise, template_pieces
from .weights import Weights, resolve

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when the dequantized conversion below changes what it writes
QUANT_FORMAT = 2  # bump when the packed conversion changes what it writes
GROUP = 32  # Q4_K sub-block size = int4 group size
QUANT_ARCHS = {"qwen2"}  # GGUF tensor names mapped below; others fall back to the dequantized path


def _torch_dtype(name: str):
    import torch

    return {"bfloat16": torch.bfloat16, "float32": torch.float32, "float16": torch.float16}[name]


def converted_dir(cache_dir: Path, weights: Weights, dtype: str) -> Path:
    return cache_dir / "hf" / f"{weights.sha256}-{dtype}-v{CACHE_FORMAT}"


def quantized_dir(cache_dir: Path, weights: Weights, quant: str) -> Path:
    import torch

    version = torch.__version__.split("+")[0]
    return cache_dir / "hf" / f"{weights.sha256}-{quant}-q{QUANT_FORMAT}-torch{version}"


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


# ---------------------------------------------------------------------------------------------
# Weight-only quantized modules (bf16 activations)


def _modules():
    import torch
    from torch import nn

    class Int4Linear(nn.Module):
        """y = x @ W.T + b with W in torch's packed int4 (groups of 32 along the input)."""

        def __init__(self, in_features: int, out_features: int, bias: bool):
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.register_buffer("packed", torch.empty(0, dtype=torch.uint8))
            self.register_buffer("scales_zeros", torch.empty(0, dtype=torch.bfloat16))
            self.register_buffer("bias", torch.empty(0, dtype=torch.bfloat16) if bias else None)

        def forward(self, x):
            shape = x.shape
            y = torch.ops.aten._weight_int4pack_mm_for_cpu(
                x.reshape(-1, shape[-1]).to(torch.bfloat16).contiguous(), self.packed, GROUP, self.scales_zeros
            )
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*shape[:-1], self.out_features)

    class Int8Linear(nn.Module):
        """y = x @ (q * s).T + b with q int8 per output channel."""

        def __init__(self, in_features: int, out_features: int, bias: bool):
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.register_buffer("qweight", torch.empty(0, dtype=torch.int8))
            self.register_buffer("scales", torch.empty(0, dtype=torch.bfloat16))
            self.register_buffer("bias", torch.empty(0, dtype=torch.bfloat16) if bias else None)

        def forward(self, x):
            shape = x.shape
            y = torch.ops.aten._weight_int8pack_mm(
                x.reshape(-1, shape[-1]).to(torch.bfloat16).contiguous(), self.qweight, self.scales
            )
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*shape[:-1], self.out_features)

    class Int8Embedding(nn.Module):
        def __init__(self, num_embeddings: int, dim: int):
            super().__init__()
            self.num_embeddings, self.embedding_dim = num_embeddings, dim
            self.register_buffer("qweight", torch.empty(0, dtype=torch.int8))
            self.register_buffer("scales", torch.empty(0, dtype=torch.bfloat16))

        def forward(self, ids):
            return self.qweight[ids].to(torch.bfloat16) * self.scales[ids].unsqueeze(-1)

    return Int4Linear, Int8Linear, Int8Embedding


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


def _quantize_gguf(weights: Weights, target: Path, quant: str) -> None:
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


def _load_quantized(path: Path):
    """Build the model skeleton without allocating weights, swap in the quantized modules, map the tensors."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    Int4Linear, Int8Linear, Int8Embedding = _modules()
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
        if quant != "none" and not ready and (weights.kind != "gguf" or _gguf_arch(weights.path) not in QUANT_ARCHS):
            log.warning("CLAIMTRACE_QUANT=%s needs a GGUF of %s; loading %s unquantized", quant,
                        ", ".join(sorted(QUANT_ARCHS)), weights.name)
            quant = "none"
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if quant != "none":
            target = quantized_dir(settings.cache_dir, weights, quant)
            if not (target / "claimtrace.json").exists():
                source = f"gguf-{quant}-convert"
                _quantize_gguf(weights, target, quant)
            else:
                source = f"{quant}-cache"
            self.tokenizer = AutoTokenizer.from_pretrained(target)
            self.model = _load_quantized(target)
            dtype = f"{quant}+bfloat16"
        else:
            if weights.kind == "gguf":
                target = converted_dir(settings.cache_dir, weights, settings.dtype)
                if not (target / "claimtrace.json").exists():
                    source = "gguf-convert"
                    _convert_gguf(weights, target, settings.dtype)
                else:
                    source = "safetensors-cache"
                path = str(target)
            else:
                path = weights.path
            try:
                self.tokenizer = AutoTokenizer.from_pretrained(path)
                self.model = AutoModelForCausalLM.from_pretrained(path, dtype=_torch_dtype(settings.dtype))
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
        self._lock = threading.Lock()  # one generate() at a time; torch already uses every core
        log.info("model %s ready in %.2f s (%s)", weights.name, self.load.seconds, source)

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

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        if not prompts:
            return []
        ids = [self.encode(m, params.prefix(i)) for i, m in enumerate(prompts)]
        with self._lock:
            t0 = time.perf_counter()
            new_ids, stopped, stats = self._greedy(ids, params, t0)
            seconds = time.perf_counter() - t0
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

    def _greedy(self, ids: list[list[int]], params: GenParams, t0: float):
        """Batched greedy decoding; returns (new token ids per row, why each stopped, timing stats)."""
        import torch
        from transformers import DynamicCache

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
        rests = [x[shared:] for x in ids]
        width = max(len(r) for r in rests)
        pad = self.tokenizer.pad_token_id
        # layout per row: [shared prefix][left padding][own tokens]; padding is masked out
        suffix = torch.full((n, width), pad, dtype=torch.long)
        mask = torch.zeros((n, shared + width), dtype=torch.long)
        mask[:, :shared] = 1
        positions = torch.zeros((n, width), dtype=torch.long)
        for i, r in enumerate(rests):
            suffix[i, width - len(r):] = torch.tensor(r, dtype=torch.long)
            mask[i, shared + width - len(r):] = 1
            positions[i, width - len(r):] = torch.arange(shared, shared + len(r))
        cache = DynamicCache(config=self.model.config)
        stats = {"prompt_tokens": sum(len(x) for x in ids), "prefill_tokens": shared + sum(len(r) for r in rests)}
        with torch.inference_mode():
            tp = time.perf_counter()
            if shared:
                prefix = torch.tensor([ids[0][:shared]], dtype=torch.long)
                self.model(input_ids=prefix, past_key_values=cache, use_cache=True, logits_to_keep=1)
                cache.batch_repeat_interleave(n)
            out = self.model(
                input_ids=suffix, attention_mask=mask, position_ids=positions, past_key_values=cache,
                use_cache=True, logits_to_keep=1,
            )
            stats["prefill_s"] = time.perf_counter() - tp
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
                    if tok in self._eos:
                        stopped[row] = "eos"
                        continue
                    new_ids[row].append(tok)
                    if params.stop:
                        text = self.tokenizer.decode(new_ids[row], skip_special_tokens=True)
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
                out = self.model(
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


def model_bytes(model, per_token: bool = True) -> int:
    """Weight bytes one decode step reads (the token embedding is only indexed), or all loaded."""
    total = 0
    for name, t in list(model.named_parameters()) + list(model.named_buffers()):
        if "rotary" not in name and not (per_token and "embed_tokens" in name):
            total += t.numel() * t.element_size()
    return total


def _gguf_arch(path: str) -> str | None:
    try:
        from gguf import GGUFReader

        field = GGUFReader(path).fields["general.architecture"]
        return bytes(field.parts[field.data[0]]).decode()
    except Exception:  # noqa: BLE001 - unknown architecture: the caller falls back
        return None
