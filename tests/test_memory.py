"""service.memory: glibc arena cap and rate-limited malloc_trim (issue 10 item 9)."""
from __future__ import annotations

import platform

import pytest

from service import memory

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")


@glibc
def test_arenas_are_capped():
    assert memory.limit_arenas(2)
    assert not memory.limit_arenas(0)  # 0 leaves glibc's default


@glibc
def test_trim_is_rate_limited():
    assert memory.trim(force=True)
    assert not memory.trim()  # within TRIM_INTERVAL_S of the last one
    assert memory.trim(force=True)
