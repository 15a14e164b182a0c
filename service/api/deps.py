"""Application state shared by the routes: settings, the backend (once loaded), queue, cache."""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field

from ..backends import Backend
from ..cache import ResultsCache
from ..config import Settings
from ..errors import NotReady, Overloaded

log = logging.getLogger(__name__)


@dataclass
class AppState:
    settings: Settings
    backend: Backend | None = None
    load_error: str | None = None
    cache: ResultsCache | None = None
    in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def load(self) -> None:
        """Load the model (in a background thread at start-up)."""
        from ..backends import load_backend

        try:
            self.backend = load_backend(self.settings)
        except Exception as e:  # noqa: BLE001 - reported by /readyz and the log, never a stack trace
            log.critical("model failed to load: %s", e)
            self.load_error = str(e)

    def ready_backend(self) -> Backend:
        if self.backend is None:
            if self.load_error:
                raise NotReady(f"model failed to load: {self.load_error}", retry_after=60)
            raise NotReady("model is still loading", retry_after=10)
        return self.backend

    def admit(self) -> None:
        with self._lock:
            if self.in_flight >= self.settings.max_queue:
                raise Overloaded(f"{self.in_flight} requests already queued; try again shortly", retry_after=30)
            self.in_flight += 1

    def release(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def cache_key(self, payload: dict, prompt_versions: dict[str, str]) -> str:
        info = self.ready_backend().info.model_dump()
        blob = json.dumps({"request": payload, "model": info, "prompts": prompt_versions}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()
