"""API keys, per-key rate limits and per-key concurrency caps (active when CLAIMTRACE_API_KEYS_FILE is set).

The keys file holds one key a line as `<sha256 hex of the key> <label>` (`#` comments and blank
lines ignored), so it holds no secret; `claimtrace keys add LABEL` makes a key, prints it once and
appends its line. The file is re-read when it changes, so a new key works without a restart.

Every route needs `Authorization: Bearer <key>` except /healthz, /readyz and the static page
(`/`, `/static…`). A missing or unknown key is a 401 in the usual error shape. The presented key is
hashed and compared with every stored hash in constant time (hmac.compare_digest, no early exit);
neither the key nor its hash is ever logged, only the label.

Per key: a token bucket (CLAIMTRACE_RATE_LIMIT_PER_MIN requests a minute, bursts of
CLAIMTRACE_RATE_BURST) and at most CLAIMTRACE_KEY_CONCURRENCY requests at once; over either, 429
with Retry-After. Buckets live in this process: behind a load balancer each replica enforces its
own share (N replicas allow up to N times the rate).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

PUBLIC = ("/healthz", "/readyz", "/")
PUBLIC_PREFIXES = ("/static/", "/static-docs/")
_LINE = re.compile(r"^([0-9a-f]{64})\s+(\S.*)$")
_LABEL = re.compile(r"^[A-Za-z0-9._@:-]{1,64}$")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_keys(text: str) -> list[tuple[str, str]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise ValueError(f"keys file line {n}: expected '<sha256 hex> <label>'")
        out.append((m.group(1), m.group(2).strip()))
    return out


def add_key(path: Path, label: str) -> str:
    """Make a new key for `label`, append its hash line to `path` and return the key (shown once)."""
    if not _LABEL.match(label):
        raise ValueError("a label is 1-64 characters of A-Z a-z 0-9 . _ @ : -")
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = parse_keys(path.read_text(encoding="utf-8")) if path.exists() else []
    if any(lbl == label for _, lbl in existing):
        raise ValueError(f"label {label!r} already has a key in {path}")
    key = "ct_" + secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(f"{hash_key(key)} {label}\n")
    return key


class KeyRing:
    """The keys file, re-read when its mtime or size changes (checked at most once a second)."""

    def __init__(self, path: Path):
        self.path = path
        self._stamp: tuple | None = None
        self._checked = 0.0
        self._entries: list[tuple[bytes, str]] = []
        self._lock = threading.Lock()
        self._reload(force=True)

    def _reload(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._checked < 1.0:
            return
        self._checked = now
        try:
            st = self.path.stat()
        except FileNotFoundError:
            if force:
                raise ValueError(f"CLAIMTRACE_API_KEYS_FILE {self.path} does not exist (claimtrace keys add LABEL makes it)") from None
            self._entries, self._stamp = [], None  # removed: nobody gets in
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return
        try:
            entries = [(bytes.fromhex(h), label) for h, label in parse_keys(self.path.read_text(encoding="utf-8"))]
        except (OSError, ValueError) as e:
            if force:
                raise
            log.error("keys file %s unreadable (%s); keeping the %d keys loaded before", self.path, e, len(self._entries))
            return
        self._entries, self._stamp = entries, stamp
        log.info("loaded %d API key(s) from %s", len(entries), self.path)

    def label_for(self, key: str) -> str | None:
        with self._lock:
            self._reload()
            entries = self._entries
        digest = hashlib.sha256(key.encode("utf-8")).digest()
        found = None
        for stored, label in entries:  # every entry is compared: the time does not depend on which matched
            if hmac.compare_digest(stored, digest):
                found = label
        return found


class Bucket:
    __slots__ = ("tokens", "at", "running")

    def __init__(self, burst: float):
        self.tokens, self.at, self.running = burst, time.monotonic(), 0


class Limiter:
    def __init__(self, per_min: float, burst: int, concurrency: int):
        self.rate = per_min / 60.0
        self.burst = float(burst)
        self.concurrency = concurrency
        self._buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, label: str) -> tuple[bool, int, str]:
        """(admitted, retry-after seconds, reason)."""
        with self._lock:
            b = self._buckets.get(label)
            if b is None:
                b = self._buckets[label] = Bucket(self.burst)
            now = time.monotonic()
            b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
            b.at = now
            if b.running >= self.concurrency:
                return False, 1, f"{b.running} requests with this key are already running (the cap is {self.concurrency})"
            if b.tokens < 1.0:
                wait = math.ceil((1.0 - b.tokens) / self.rate) if self.rate > 0 else 3600
                return False, max(1, wait), f"rate limit of {self.rate * 60:g} requests a minute for this key"
            b.tokens -= 1.0
            b.running += 1
            return True, 0, ""

    def release(self, label: str) -> None:
        with self._lock:
            b = self._buckets.get(label)
            if b is not None:
                b.running -= 1


async def _deny(send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]]) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=True).encode("ascii")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())] + headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class ApiKeys:
    """Pure ASGI middleware: authenticate, then admit under the key's bucket and concurrency cap."""

    def __init__(self, app, keys: KeyRing, limiter: Limiter):
        self.app, self.keys, self.limiter = app, keys, limiter

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or _public(scope["path"]) or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        auth = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"), "")
        scheme, _, key = auth.partition(" ")
        label = self.keys.label_for(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
        if label is None:
            why = "missing API key: send Authorization: Bearer <key>" if not auth else "invalid API key"
            return await _deny(send, 401, "unauthorized", why, [(b"www-authenticate", b'Bearer realm="claimtrace"')])
        ok, retry_after, reason = self.limiter.acquire(label)
        if not ok:
            log.warning("key %s limited: %s", label, reason, extra={"key": label})
            return await _deny(send, 429, "rate_limited", f"{reason}; try again in {retry_after} s",
                               [(b"retry-after", str(retry_after).encode())])
        scope.setdefault("state", {})["key_label"] = label
        try:
            await self.app(scope, receive, send)
        finally:
            self.limiter.release(label)


def _public(path: str) -> bool:
    return path in PUBLIC or path.startswith(PUBLIC_PREFIXES)


def install(app, settings) -> None:
    """Require keys when CLAIMTRACE_API_KEYS_FILE is set (a missing or bad file stops start-up)."""
    if not settings.api_keys_file:
        return
    keys = KeyRing(Path(settings.api_keys_file))
    limiter = Limiter(settings.rate_limit_per_min, settings.rate_burst, settings.key_concurrency)
    app.state.api_keys = keys
    app.add_middleware(ApiKeys, keys=keys, limiter=limiter)
