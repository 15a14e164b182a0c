"""Backends behind one interface (base.Backend). `load_backend` is the one place a backend is chosen:
the service, the CLI, the eval runner, the bench and the tests all call it."""
from __future__ import annotations

import importlib
import os

from ..config import Settings
from .base import Backend, Generation, GenParams, LoadReport, Message
from .hf.threads import prefer_passive_wait

if os.environ.get("CLAIMTRACE_BACKEND", "transformers") == "transformers":
    prefer_passive_wait()  # before anything imports torch (hf/threads.py); no-op if the env chose

__all__ = ["BACKENDS", "Backend", "GenParams", "Generation", "LoadReport", "Message", "load_backend", "load_report"]

# CLAIMTRACE_BACKEND value -> (module, class); imported lazily (torch, llama_cpp and httpx are heavy)
BACKENDS = {
    "transformers": ("transformers", "TransformersBackend"),
    "llamacpp": ("llamacpp", "LlamaCppBackend"),
    "openai": ("openai", "OpenAIBackend"),
    "fake": ("fake", "FakeBackend"),
}


def load_backend(settings: Settings, kind: str | None = None) -> Backend:
    """The backend `kind` (default: settings.backend), built from the settings."""
    kind = kind or settings.backend
    if kind not in BACKENDS:
        raise ValueError(f"unknown backend {kind!r}; one of {', '.join(BACKENDS)}")
    module, name = BACKENDS[kind]
    cls = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return cls(settings)


def load_report(backend: Backend) -> LoadReport:
    """The backend's LoadReport; one without weights of its own (fake, a remote engine) gets an empty one."""
    report = getattr(backend, "load", None)
    return report if isinstance(report, LoadReport) else LoadReport(source=backend.info.backend)
