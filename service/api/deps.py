"""Application state shared by the routes: settings, the backend (once loaded), queue, cache."""
from __future__ import annotations

import hashlib
import json
import logging
import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..backends import Backend
from ..config import Settings
from ..errors import NotReady, Overloaded
from ..store import ResultsStore

log = logging.getLogger(__name__)


@dataclass
class Queue:
    """One admission queue: its limit, the requests in it now, and how long recent ones took.

    Over the limit a request gets 503 with Retry-After = requests in the queue x the median
    duration of the last 32 that finished (or `typical_s` until one has)."""

    name: str
    limit: int
    typical_s: float
    in_flight: int = 0
    durations: deque = field(default_factory=lambda: deque(maxlen=32))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self) -> int:
        typical = statistics.median(self.durations) if self.durations else self.typical_s
        return max(1, min(3600, math.ceil(max(1, self.in_flight) * typical)))

    def admit(self) -> None:
        with self._lock:
            if self.in_flight >= self.limit:
                wait = self.retry_after()
                raise Overloaded(f"{self.in_flight} {self.name} requests are already running (the limit is "
                                 f"{self.limit}); try again in about {wait} s", retry_after=wait)
            self.in_flight += 1

    def release(self, seconds: float | None = None) -> None:
        with self._lock:
            self.in_flight -= 1
            if seconds is not None:
                self.durations.append(seconds)


@dataclass
class AppState:
    settings: Settings
    backend: Backend | None = None
    load_error: str | None = None
    cache: ResultsStore | None = None  # store.open_store: sqlite or Redis, same calls
    # summary requests wait for the model; claims-only requests (summarize=false) have their own queue
    queues: dict[str, Queue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.queues.setdefault("model", Queue("summary", self.settings.max_queue, typical_s=20.0))
        self.queues.setdefault("cpu", Queue("claims-only", self.settings.max_cpu_queue, typical_s=1.0))

    @property
    def in_flight(self) -> int:
        return sum(q.in_flight for q in self.queues.values())

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

    def admit(self, kind: str = "model") -> None:
        self.queues[kind].admit()

    def release(self, kind: str = "model", seconds: float | None = None) -> None:
        self.queues[kind].release(seconds)

    @contextmanager
    def admitted(self, kind: str) -> Iterator[None]:
        """Hold a place in queue `kind` ("model" or "cpu") for the block; a success records its duration."""
        self.admit(kind)
        t0, ok = time.monotonic(), False
        try:
            yield
            ok = True
        finally:
            self.release(kind, time.monotonic() - t0 if ok else None)

    def cache_key(self, payload: dict, prompt_versions: dict[str, str]) -> str:
        info = self.ready_backend().info.model_dump()
        blob = json.dumps({"request": payload, "model": info, "prompts": prompt_versions}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()
