"""llama.cpp backend (llama-cpp-python, the `bench` extra): the same verified GGUF, run as shipped.

Selected with CLAIMTRACE_BACKEND=llamacpp. Prompts are rendered with the chat template stored in
the GGUF, the forced prefix is appended after the assistant header, decoding is greedy, and a
prompt that shares its beginning with the previous one (the system turn) reuses its KV cache.
llama-cpp-python runs one sequence at a time, so a batch is generated prompt by prompt.
"""
from __future__ import annotations

import logging
import threading
import time

from ..config import Settings
from ..errors import GenerationTimeout, ModelLoadError
from ..schema import ModelInfo
from .base import Generation, GenParams, LoadReport, Message, has_markup, neutralise, template_pieces
from .weights import resolve

log = logging.getLogger(__name__)

N_CTX = 4096


class LlamaCppBackend:
    def __init__(self, settings: Settings):
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as e:
            raise ModelLoadError(
                "CLAIMTRACE_BACKEND=llamacpp needs llama-cpp-python: pip install -e '.[bench]' "
                '(builds from source; CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DLLAMA_CURL=OFF")'
            ) from e
        t0 = time.perf_counter()
        weights = resolve(settings.model, settings.cache_dir, settings.model_sha256)
        if weights.kind != "gguf":
            raise ModelLoadError(f"the llama.cpp backend needs a .gguf model, got {settings.model!r}")
        self.llm = Llama(model_path=weights.path, n_ctx=N_CTX, n_threads=settings.threads,
                         n_threads_batch=settings.threads, n_batch=512, verbose=False)
        meta = self.llm.metadata
        template = meta.get("tokenizer.chat_template")
        if not template:
            raise ModelLoadError(f"{weights.name}: the GGUF carries no chat template")

        def token(key: str) -> str:
            tid = meta.get(key)
            return self.llm.detokenize([int(tid)], special=True).decode("utf-8", "replace") if tid is not None else ""

        self._format = Jinja2ChatFormatter(template=template, eos_token=token("tokenizer.ggml.eos_token_id"),
                                           bos_token=token("tokenizer.ggml.bos_token_id"), add_generation_prompt=True)
        self._eos = {self.llm.token_eos()}
        self.load = LoadReport(seconds=time.perf_counter() - t0, source="gguf", weight_bytes=gguf_bytes(weights.path),
                               loaded_bytes=gguf_bytes(weights.path, per_token=False), path=weights.path)
        self.info = ModelInfo(name=weights.name, backend="llamacpp", dtype="gguf", sha256=weights.sha256)
        self._lock = threading.Lock()  # one llama context: generate() calls never interleave
        log.info("model %s ready in %.2f s (llama.cpp)", weights.name, self.load.seconds)

    def render(self, messages: list[Message], prefix: str = "") -> str:
        return self._format(messages=messages).prompt + prefix

    def encode(self, messages: list[Message], prefix: str = "") -> list[int]:
        """Prompt tokens: the template's markup with special-token parsing, message texts and the
        forced prefix without it (special=False) and neutralised (llama.cpp still matches
        user-defined tokens such as <tool_call> in plain text), so article words never become
        control tokens. A prompt without such strings is tokenized whole, exactly as before."""
        if not has_markup(messages, prefix):
            return self.llm.tokenize(self.render(messages, prefix).encode("utf-8"), add_bos=False, special=True)
        pieces = template_pieces(lambda ms: self._format(messages=ms).prompt, messages, prefix)
        if pieces is None:
            safe = [dict(m, content=neutralise(m["content"])) for m in messages]
            pieces = [(self._format(messages=safe).prompt, False), (prefix, True)]
        tokens: list[int] = []
        for piece, is_text in pieces:
            if piece:
                text = neutralise(piece) if is_text else piece
                tokens += self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=not is_text)
        return tokens

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        results = []
        with self._lock:
            t0 = time.perf_counter()
            for i, messages in enumerate(prompts):
                results.append(self._one(self.encode(messages, params.prefix(i)), params, t0))
            seconds = time.perf_counter() - t0
        for i, g in enumerate(results):
            g.text = params.prefix(i) + g.text
            g.extra["own_seconds"], g.seconds = g.seconds, seconds  # like transformers: the call's wall time
        return results

    def _one(self, tokens: list[int], params: GenParams, t0: float) -> Generation:
        budget = params.time_budget_s
        if len(tokens) + params.max_new_tokens > N_CTX:
            raise ModelLoadError(f"prompt of {len(tokens)} tokens does not fit the {N_CTX}-token context")
        start = time.perf_counter()
        out: list[int] = []
        stopped, first = "length", None
        answer = ""
        for tok in self.llm.generate(tokens, temp=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0, reset=True):
            if first is None:
                first = time.perf_counter()
            if tok in self._eos:
                stopped = "eos"
                break
            out.append(tok)
            answer = self.llm.detokenize(out).decode("utf-8", "ignore")
            if params.stop and any(s in answer for s in params.stop):
                stopped = "stop"
                break
            if len(out) >= params.max_new_tokens:
                break
            if budget and time.perf_counter() - t0 >= budget:
                raise GenerationTimeout(f"generation exceeded its time budget of {budget:.0f} s")
        for s in params.stop:
            if s in answer:
                answer = answer.split(s, 1)[0]
        end = time.perf_counter()
        first = first or end
        return Generation(
            text=answer, prompt_tokens=len(tokens), new_tokens=len(out), seconds=end - start, stopped_by=stopped,
            extra={"prefill_s": first - start, "decode_s": end - first, "decode_steps": max(len(out) - 1, 0)},
        )


def gguf_bytes(path: str, per_token: bool = True) -> int:
    """Bytes of the GGUF's tensors a decode step reads (the token embedding is only indexed), or all."""
    from gguf import GGUFReader

    return sum(int(t.n_bytes) for t in GGUFReader(path).tensors if not (per_token and t.name == "token_embd.weight"))
