"""Keeping the server's resident memory bounded (issue 10 item 9).

After a burst of concurrent summary requests the RSS stayed ~500 MiB above its start: glibc
gives each thread that allocates its own malloc arena (up to 8 per core), and memory freed by a
finished request stays mapped in those arenas. Two remedies, both no-ops off glibc:

  * `limit_arenas()` (called by `claimtrace serve` before the model or spaCy load) caps the
    arenas at CLAIMTRACE_MALLOC_ARENAS (default 2, like MALLOC_ARENA_MAX=2);
  * `trim()` (called after each pipeline run, at most every TRIM_INTERVAL_S) hands the freed
    heap back to the kernel with malloc_trim(0) (CLAIMTRACE_MALLOC_TRIM=0 turns it off).
"""
from __future__ import annotations

import ctypes
import logging
import os
import threading
import time

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc mallopt parameter
TRIM_INTERVAL_S = 5.0

_lock = threading.Lock()
_last_trim = 0.0
_libc = None


def _glibc():
    global _libc
    if _libc is None:
        try:
            lib = ctypes.CDLL("libc.so.6")
            lib.malloc_trim.argtypes = [ctypes.c_size_t]
            lib.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
            _libc = lib
        except (OSError, AttributeError):
            _libc = False
    return _libc or None


def limit_arenas(n: int | None = None) -> bool:
    """Cap glibc's malloc arenas for threads created from now on. Returns whether it applied."""
    n = n if n is not None else int(os.environ.get("CLAIMTRACE_MALLOC_ARENAS", "2"))
    lib = _glibc()
    if lib is None or n <= 0:
        return False
    ok = bool(lib.mallopt(M_ARENA_MAX, n))
    log.debug("malloc arenas capped at %d: %s", n, ok)
    return ok


def trim(force: bool = False) -> bool:
    """Return freed heap pages to the kernel (rate-limited). Returns whether it ran."""
    global _last_trim
    lib = _glibc()
    if lib is None or os.environ.get("CLAIMTRACE_MALLOC_TRIM", "1") == "0":
        return False
    now = time.monotonic()
    with _lock:
        if not force and now - _last_trim < TRIM_INTERVAL_S:
            return False
        _last_trim = now
    lib.malloc_trim(0)
    return True
