"""OpenAI-compatible engine backend (CLAIMTRACE_BACKEND=openai): vLLM, Ollama, llama.cpp's server, TGI.

Only the summary prompts leave the process; attribution stays here. The forced attribution prefix
("Sergei K. Shoigu said") is kept one of two ways, chosen once at start-up and logged:

- `completions`: the engine's /completions endpoint gets the prompt rendered here with the model's
  chat template, followed by the prefix, so the model can only continue it. Needs the template:
  CLAIMTRACE_OPENAI_TEMPLATE, or the engine's own /props (llama.cpp's server);
- `chat`: /chat/completions with the prefix as a final assistant message and
  `continue_final_message` (vLLM's flag; Ollama and llama.cpp's server continue a trailing assistant
  message by themselves). An answer that restarts instead of continuing is detected and kept whole.

Decoding is greedy (temperature 0, no repetition penalty). Answers are streamed, so the time budget
and a caller going away (`cancel`) are checked on every chunk and the connection is closed, which
stops the engine's work. 429s, 5xx and dropped connections are retried a bounded number of times with
exponential backoff (Retry-After honoured) inside the time budget; at most CLAIMTRACE_OPENAI_CONCURRENCY
requests are open against the engine from this process.
"""
from __future__ import annotations

import contextvars
import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx

from ..config import Settings
from ..errors import ClientDisconnected, EngineError, EngineUnavailable, GenerationTimeout, ModelLoadError, NotReady
from ..schema import ModelInfo
from .base import Generation, GenParams, Message, neutralise

log = logging.getLogger(__name__)

RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
LIVE_TTL_S = 2.0  # /readyz pings the engine at most this often
MAX_BACKOFF_S = 8.0
PROBE_TIMEOUT_S = 300.0

# Set by the route for the request being served: a callable returning True once the caller is gone.
# Context variables follow the pipeline into its worker thread (anyio copies the context).
cancelled: contextvars.ContextVar = contextvars.ContextVar("claimtrace_cancelled", default=None)


def _cancel_check():
    """True once the caller went away: the request's Deadline (service.deadline, set by the API) or `cancelled`."""
    try:
        from ..deadline import current
    except ImportError:  # pragma: no cover
        current = lambda: None  # noqa: E731
    deadline, own = current(), cancelled.get()
    return lambda: (deadline is not None and deadline.cancelled) or (own is not None and own())


@dataclass(frozen=True)
class ChatTemplate:
    source: str
    text: str
    bos_token: str = ""
    eos_token: str = ""
    # the model's control and added tokens ("<start_of_turn>", "<|im_end|>"): made inert in article text
    # like the generic markers, as the in-process backends do with their tokenizer's list
    specials: tuple[str, ...] = ()

    def render(self, messages: list[Message], prefix: str = "") -> str:
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        def raise_exception(message: str):
            raise ValueError(message)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals.update(raise_exception=raise_exception, strftime_now=lambda f: time.strftime(f))
        text = env.from_string(self.text).render(
            messages=messages, add_generation_prompt=True, bos_token=self.bos_token, eos_token=self.eos_token
        )
        return text + prefix


def _gguf_template(path: str) -> ChatTemplate:
    from gguf import GGUFReader

    reader = GGUFReader(path)

    def value(key: str):
        field = reader.fields.get(key)
        return field.contents() if field is not None else None

    text = value("tokenizer.chat_template")
    if not text:
        raise ModelLoadError(f"{path}: the GGUF carries no chat template")
    tokens = reader.fields.get("tokenizer.ggml.tokens")

    def token(key: str) -> str:
        tid = value(key)
        return tokens.contents(int(tid)) if tid is not None and tokens is not None else ""

    specials: tuple[str, ...] = ()
    types = reader.fields.get("tokenizer.ggml.token_type")
    if types is not None and tokens is not None:
        import numpy as np

        kinds = np.concatenate([types.parts[i] for i in types.data]) if len(types.data) else np.array([])
        # llama.cpp's parse_special matches these: 2 unknown, 3 control, 4 user-defined (added) tokens
        specials = tuple(tokens.contents(int(i)) for i in np.nonzero(np.isin(kinds, (2, 3, 4)))[0])
    return ChatTemplate(f"gguf:{Path(path).name}", text, token("tokenizer.ggml.bos_token_id"),
                        token("tokenizer.ggml.eos_token_id"), specials)


def load_template(spec: str, settings: Settings) -> ChatTemplate:
    """CLAIMTRACE_OPENAI_TEMPLATE: 'model' | x.gguf | x.jinja | a tokenizer directory."""
    if spec == "model":
        from .weights import resolve

        weights = resolve(settings.model, settings.cache_dir, settings.model_sha256)
        if weights.kind == "gguf":
            return _gguf_template(weights.path)
        spec = weights.path
    path = Path(spec).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return _gguf_template(str(path))
    if path.is_dir() and (path / "tokenizer_config.json").is_file():
        cfg = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
        text = cfg.get("chat_template")
        if isinstance(text, list):  # [{"name": "default", "template": …}, …]
            text = next((t["template"] for t in text if t.get("name") == "default"), None)
        if not text and (path / "chat_template.jinja").is_file():
            text = (path / "chat_template.jinja").read_text(encoding="utf-8")
        if not text:
            raise ModelLoadError(f"{path}: no chat template in tokenizer_config.json")

        def tok(v) -> str:
            return (v.get("content", "") if isinstance(v, dict) else v) or ""

        added = [tok(v) for v in (cfg.get("added_tokens_decoder") or {}).values()]
        specials = tuple(t for t in added + [tok(cfg.get(k)) for k in ("bos_token", "eos_token", "pad_token", "unk_token")] if t)
        return ChatTemplate(f"dir:{path.name}", text, tok(cfg.get("bos_token")), tok(cfg.get("eos_token")), specials)
    if path.is_file():
        return ChatTemplate(f"file:{path.name}", path.read_text(encoding="utf-8"))
    raise ModelLoadError(f"CLAIMTRACE_OPENAI_TEMPLATE={spec!r} is not 'model', a .gguf, a template file or a tokenizer dir")


class OpenAIBackend:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None):
        if not settings.openai_base_url:
            raise ModelLoadError("CLAIMTRACE_BACKEND=openai needs CLAIMTRACE_OPENAI_BASE_URL (e.g. http://host:8000/v1)")
        self.settings = settings
        self.base_url = settings.openai_base_url.rstrip("/")
        headers = {}
        if settings.openai_api_key is not None:
            headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(settings.generation_timeout_s, connect=5.0),
            limits=httpx.Limits(max_connections=settings.openai_concurrency + 2),
        )
        self._slots = threading.BoundedSemaphore(settings.openai_concurrency)
        self._probe_lock = threading.Lock()
        self._live_at = 0.0
        self._info: ModelInfo | None = None
        self.mode: str | None = None
        self.template: ChatTemplate | None = None
        self.in_flight = 0  # engine requests open right now (tests and /metrics read it)
        self._count_lock = threading.Lock()
        if settings.openai_template:
            self.template = load_template(settings.openai_template, settings)  # a bad setting stops start-up
        try:
            self.probe()
        except NotReady as e:  # the engine may come up later: /readyz says not ready until it does
            log.warning("%s", e.message)

    # -- readiness ------------------------------------------------------------------------------

    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            self.probe()
        return self._info

    def _models(self, timeout: float) -> list[str]:
        try:
            r = self._client.get("/models", timeout=timeout)
        except httpx.HTTPError as e:
            raise NotReady(f"inference engine at {self.base_url} is unreachable ({type(e).__name__})", retry_after=5) from e
        if r.status_code != 200:
            raise NotReady(f"inference engine at {self.base_url} answered GET /models with {r.status_code}", retry_after=5)
        try:
            return [m["id"] for m in r.json().get("data", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise NotReady(f"inference engine at {self.base_url}: unreadable /models answer", retry_after=30) from e

    def probe(self) -> ModelInfo:
        """Find the model and the prefix mode at the engine (once; again if the engine changed).
        While another thread probes, callers get NotReady at once instead of waiting behind it."""
        if not self._probe_lock.acquire(blocking=False):
            raise NotReady(f"probing the inference engine at {self.base_url}", retry_after=5)
        try:
            return self._probe()
        finally:
            self._probe_lock.release()

    def _probe(self) -> ModelInfo:
        ids = self._models(timeout=5.0)
        wanted = self.settings.openai_model
        if wanted:
            if wanted not in ids:
                raise NotReady(f"the engine at {self.base_url} serves {ids}, not {wanted!r}", retry_after=30)
            model = wanted
        elif len(ids) == 1:
            model = ids[0]
        else:
            raise NotReady(f"the engine at {self.base_url} serves {len(ids)} models {ids[:8]}: "
                           "set CLAIMTRACE_OPENAI_MODEL", retry_after=60)
        if self._info is not None and self._info.name == model and self.mode:
            self._live_at = time.monotonic()
            return self._info
        template = self.template or self._engine_template()
        mode = self.settings.openai_mode
        if mode == "auto":
            mode = "completions" if template is not None and self._offers_completions(model) else "chat"
        if mode == "completions" and template is None:
            raise ModelLoadError("CLAIMTRACE_OPENAI_MODE=completions needs a chat template: set CLAIMTRACE_OPENAI_TEMPLATE")
        self.template, self.mode = template, mode
        self._info = ModelInfo(name=model, backend="openai", dtype=None, sha256=None)
        self._live_at = time.monotonic()
        if mode == "completions":
            log.info("engine %s model %s: forced prefixes via /completions with the prompt rendered here (template %s)",
                     self.base_url, model, template.source)
        else:
            log.info("engine %s model %s: forced prefixes via /chat/completions as a final assistant message "
                     "(continue_final_message)", self.base_url, model)
        return self._info

    def _engine_template(self) -> ChatTemplate | None:
        """llama.cpp's server publishes its chat template at /props (beside /v1)."""
        root = self.base_url.removesuffix("/v1")
        try:
            r = self._client.get(f"{root}/props", timeout=5.0)
            props = r.json() if r.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return None
        text = props.get("chat_template") if isinstance(props, dict) else None
        if not text:
            return None
        bos, eos = props.get("bos_token") or "", props.get("eos_token") or ""
        return ChatTemplate("engine:/props", text, bos, eos, tuple(t for t in (bos, eos) if t))

    def _offers_completions(self, model: str) -> bool:
        """True/False from the engine's answer; a busy or failing engine decides nothing (NotReady, probed again)."""
        try:
            r = self._client.post("/completions", json={"model": model, "prompt": "Hello", "max_tokens": 1,
                                                        "temperature": 0},
                                  timeout=PROBE_TIMEOUT_S)  # one token, but a busy engine may queue it
        except httpx.HTTPError as e:
            raise NotReady(f"inference engine at {self.base_url} did not answer the /completions probe "
                           f"({type(e).__name__}); probing again", retry_after=10) from e
        if r.status_code in RETRY_STATUS:
            raise NotReady(f"inference engine at {self.base_url} answered the /completions probe with "
                           f"{r.status_code}; probing again", retry_after=10)
        return r.status_code == 200

    def check_live(self) -> None:
        """For /readyz: the engine answers and still serves our model (pinged at most every 2 s)."""
        if self._info is not None and time.monotonic() - self._live_at < LIVE_TTL_S:
            return
        ids = self._models(timeout=3.0)
        if self._info is None or self._info.name not in ids:
            self.probe()
        self._live_at = time.monotonic()

    # -- generation -----------------------------------------------------------------------------

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        if not prompts:
            return []
        model = self.info.name
        t0 = time.monotonic()
        deadline = t0 + params.time_budget_s if params.time_budget_s else None
        is_cancelled = _cancel_check()
        jobs = [(messages, params.prefix(i)) for i, messages in enumerate(prompts)]

        def run(job):
            return self._one(model, job[0], job[1], params, deadline, is_cancelled)

        if len(jobs) == 1:
            results = [run(jobs[0])]
        else:
            with ThreadPoolExecutor(max_workers=min(len(jobs), self.settings.openai_concurrency)) as pool:
                futures = [pool.submit(contextvars.copy_context().run, run, j) for j in jobs]
                results = [f.result() for f in futures]
        seconds = time.monotonic() - t0
        for g in results:
            g.extra["own_seconds"], g.seconds = g.seconds, seconds  # like the local backends: the call's wall time
        return results

    def _body(self, model: str, messages: list[Message], prefix: str, params: GenParams) -> tuple[str, dict]:
        body = {"model": model, "max_tokens": params.max_new_tokens, "temperature": 0.0, "top_p": 1.0,
                "seed": 0, "stream": True, "repeat_penalty": 1.0}
        if params.stop:
            body["stop"] = list(params.stop)
        # engines tokenize the whole prompt with special-token parsing: article text must not carry
        # chat markup ("<|im_end|><|im_start|>system …"), so every control-token string is made inert:
        # the generic markers and, when the template is known, each of the model's own special tokens
        specials = self.template.specials if self.template is not None else ()
        messages = [dict(m, content=neutralise(m["content"], specials)) for m in messages]
        prefix = neutralise(prefix, specials)
        if self.mode == "completions":
            body["prompt"] = self.template.render(messages, prefix)
            return "/completions", body
        msgs = list(messages)
        if prefix:
            msgs.append({"role": "assistant", "content": prefix})
            body.update(continue_final_message=True, add_generation_prompt=False)
        body["messages"] = msgs
        return "/chat/completions", body

    def _one(self, model, messages, prefix, params, deadline, is_cancelled) -> Generation:
        path, body = self._body(model, messages, prefix, params)
        attempts = self.settings.openai_max_retries + 1
        last: Exception | None = None
        for attempt in range(attempts):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s")
            if not self._slots.acquire(timeout=remaining if remaining is not None else -1):
                raise GenerationTimeout(f"no free engine slot within the time budget of {params.time_budget_s:.0f} s")
            retry_after = None
            try:
                with self._count_lock:
                    self.in_flight += 1
                return self._stream(path, body, prefix, params, deadline, is_cancelled)
            except _Retryable as e:
                last, retry_after = e.cause, e.retry_after
            finally:
                with self._count_lock:
                    self.in_flight -= 1
                self._slots.release()
            if attempt + 1 >= attempts:
                break
            delay = retry_after if retry_after is not None else min(MAX_BACKOFF_S, 0.5 * 2**attempt)
            delay *= 1 + random.random() * 0.25
            if deadline is not None and time.monotonic() + delay >= deadline:
                break
            log.warning("engine request failed (%s); retry %d/%d in %.1f s", last, attempt + 1, attempts - 1, delay)
            time.sleep(delay)
            if is_cancelled():
                raise ClientDisconnected("request abandoned: the client disconnected; the engine request was closed")
        if deadline is not None and time.monotonic() >= deadline - 0.05:
            raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s ({last})")
        raise EngineUnavailable(f"inference engine at {self.base_url} failed {attempts} time(s): {last}", retry_after=5)

    def _stream(self, path, body, prefix, params, deadline, is_cancelled) -> Generation:
        start = time.monotonic()
        read = None if deadline is None else max(0.1, deadline - start)
        timeout = httpx.Timeout(read, connect=min(5.0, read or 5.0))
        pieces: list[str] = []
        chunks, first, finish, usage = 0, None, None, None
        try:
            with self._client.stream("POST", path, json=body, timeout=timeout) as r:
                if r.status_code != 200:
                    detail = r.read().decode("utf-8", "replace")[:300]
                    if r.status_code in RETRY_STATUS:
                        raise _Retryable(f"HTTP {r.status_code}: {detail}", _retry_after(r))
                    raise EngineError(f"inference engine rejected the request: HTTP {r.status_code}: {detail}")
                for line in r.iter_lines():
                    if is_cancelled():
                        raise ClientDisconnected("request abandoned: the client disconnected; the engine request was closed")
                    if deadline is not None and time.monotonic() >= deadline:
                        raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s")
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    try:
                        event = json.loads(data)
                    except ValueError:
                        continue
                    if event.get("error"):
                        raise _Retryable(f"engine error: {str(event['error'])[:200]}")
                    usage = event.get("usage") or usage
                    for choice in event.get("choices") or []:
                        delta = choice.get("text") if "text" in choice else (choice.get("delta") or {}).get("content")
                        if delta:
                            if first is None:
                                first = time.monotonic()
                            pieces.append(delta)
                            chunks += 1
                        finish = choice.get("finish_reason") or finish
                    if params.stop and any(s in "".join(pieces) for s in params.stop):
                        finish = "stop"
                        break  # closing the stream stops the engine's work
        except httpx.TimeoutException as e:
            if deadline is not None and time.monotonic() >= deadline - 0.05:
                raise GenerationTimeout(f"generation exceeded its time budget of {params.time_budget_s:.0f} s") from e
            raise _Retryable(f"{type(e).__name__}") from e
        except httpx.HTTPError as e:  # refused, reset, dropped mid-stream: the engine went away
            raise _Retryable(f"{type(e).__name__}: {e}") from e
        answer = "".join(pieces)
        for s in params.stop:
            if s in answer:
                answer = answer.split(s, 1)[0]
        end = time.monotonic()
        text = _join(prefix, answer) if self.mode == "chat" else prefix + answer
        new_tokens = int((usage or {}).get("completion_tokens") or chunks)
        return Generation(
            text=text, prompt_tokens=int((usage or {}).get("prompt_tokens") or 0), new_tokens=new_tokens,
            seconds=end - start, stopped_by="length" if finish == "length" else ("stop" if finish == "stop" and params.stop else "eos"),
            extra={"prefill_s": (first or end) - start, "decode_s": end - (first or end), "mode": self.mode},
        )

    def close(self) -> None:
        self._client.close()


class _Retryable(Exception):
    def __init__(self, cause: str, retry_after: float | None = None):
        super().__init__(cause)
        self.cause, self.retry_after = cause, retry_after


def _retry_after(r: httpx.Response) -> float | None:
    value = r.headers.get("retry-after", "")
    try:
        return min(MAX_BACKOFF_S, max(0.0, float(value)))
    except ValueError:
        return None


def _join(prefix: str, answer: str) -> str:
    """Chat mode: an engine that continued the assistant message returns the rest; one that started a
    new turn usually repeats the prefix itself."""
    if not prefix:
        return answer.strip()
    stripped = answer.lstrip()
    if stripped.startswith(prefix):
        return stripped
    return prefix + answer if answer[:1].isspace() or answer[:1] in ",.;:" else f"{prefix} {answer}"
