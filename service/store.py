"""The results store behind one interface: the cache of responses and permalinks by response id.

`open_store(settings)` picks the backend from CLAIMTRACE_STORE_URL:

- unset or `sqlite:///path`: the embedded sqlite file (cache.ResultsCache), the default;
- `redis://host:port/db` (or `rediss://`): shared by every replica behind a load balancer.

Both offer the same calls (cache.ResultsCache defines them; RedisStore mirrors it):

    store.get(key) -> str | None                 # the cached response JSON for a request key
    store.put(key, body, document_text=None)     # body is the response JSON; its "id" is indexed
    store.by_id(response_id) -> (body, document_text | None) | None   # GET /v1/results/{id}

The permalink route (api/results.py) reads `request.app.state.claimtrace.cache.by_id(id)`, so it
serves from whichever store is configured.

A Redis store never fails a request: when Redis is down or restarting every call degrades to
"no cache" (get -> None, put dropped) with one warning, and Redis is tried again after a short pause.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Protocol

from .config import Settings

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE_S = 2.0  # a down Redis is not retried on every request


class ResultsStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, body: str, document_text: str | None = None) -> None: ...

    def by_id(self, response_id: str) -> tuple[str, str | None] | None: ...


def response_id_of(body: str) -> str | None:
    try:
        rid = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
    return rid if isinstance(rid, str) and rid else None


class RedisStore:
    """Responses under `<prefix>r:<key>`, the id index `<prefix>id:<id>` -> key and the article text
    `<prefix>t:<id>`; all expire after `ttl_s` (and Redis' own maxmemory policy can evict them)."""

    def __init__(self, url: str, *, ttl_s: int = 30 * 86400, prefix: str = "claimtrace:", timeout_s: float = 1.0):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url = url
        self.ttl_s = ttl_s
        self.prefix = prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                           health_check_interval=10, decode_responses=True,
                                           retry=Retry(NoBackoff(), 1))  # once at once: a connection from before a restart
        self._errors = (redis.RedisError, OSError)
        self._down_since: float | None = None
        self._lock = threading.Lock()
        self.failures = 0  # store calls that degraded (read by tests and /metrics)

    @property
    def available(self) -> bool:
        return self._down_since is None

    def _call(self, what: str, fn, default=None):
        with self._lock:
            down = self._down_since
        if down is not None and time.monotonic() - down < RETRY_AFTER_FAILURE_S:
            self.failures += 1
            return default
        try:
            out = fn()
        except self._errors as e:
            with self._lock:
                first = self._down_since is None
                self._down_since = time.monotonic()
                self.failures += 1
            if first:
                log.warning("results store %s unavailable (%s on %s): serving without a cache until it is back",
                            _safe(self.url), type(e).__name__, what)
            return default
        with self._lock:
            if self._down_since is not None:
                log.warning("results store %s is back", _safe(self.url))
            self._down_since = None
        return out

    def get(self, key: str) -> str | None:
        return self._call("get", lambda: self._redis.get(f"{self.prefix}r:{key}"))

    def put(self, key: str, body: str, document_text: str | None = None) -> None:
        rid = response_id_of(body)

        def write():
            pipe = self._redis.pipeline(transaction=True)
            pipe.set(f"{self.prefix}r:{key}", body, ex=self.ttl_s)
            if rid:
                pipe.set(f"{self.prefix}id:{rid}", key, ex=self.ttl_s)
                if document_text is not None:  # else keep a text stored earlier for the same result
                    pipe.set(f"{self.prefix}t:{rid}", document_text, ex=self.ttl_s)
                else:
                    pipe.expire(f"{self.prefix}t:{rid}", self.ttl_s)
            pipe.execute()

        self._call("put", write)

    def by_id(self, response_id: str) -> tuple[str, str | None] | None:
        def read():
            key = self._redis.get(f"{self.prefix}id:{response_id}")
            body = self._redis.get(f"{self.prefix}r:{key}") if key else None
            return (body, self._redis.get(f"{self.prefix}t:{response_id}")) if body is not None else None

        return self._call("by_id", read)

    def ping(self) -> bool:
        return bool(self._call("ping", self._redis.ping, False))


def _safe(url: str) -> str:
    """The URL without a password, for logs."""
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


def open_store(settings: Settings) -> ResultsStore:
    url = settings.store_url
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        log.info("results store: redis at %s", _safe(url))
        return RedisStore(url, ttl_s=settings.store_ttl_s)
    from .cache import ResultsCache

    path = settings.cache_dir / "results.sqlite3"
    if url:
        if not url.startswith("sqlite:///"):
            raise ValueError(f"CLAIMTRACE_STORE_URL={url!r}: expected redis://… or sqlite:///path")
        from pathlib import Path

        path = Path(url.removeprefix("sqlite:///"))
    return ResultsCache(path)
