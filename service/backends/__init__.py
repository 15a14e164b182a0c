"""Backends behind one interface (base.Backend); `load_backend` picks one from the settings."""
from __future__ import annotations

from ..config import Settings
from .base import Backend, GenParams, Generation, Message

__all__ = ["Backend", "GenParams", "Generation", "Message", "load_backend"]


def load_backend(settings: Settings) -> Backend:
    if settings.backend == "fake":
        from .fake import FakeBackend

        return FakeBackend()
    if settings.backend == "openai":
        from .openai import OpenAIBackend

        return OpenAIBackend(settings)
    if settings.backend == "llamacpp":
        from .llamacpp import LlamaCppBackend

        return LlamaCppBackend(settings)
    from .transformers import TransformersBackend

    return TransformersBackend(settings)
