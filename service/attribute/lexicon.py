"""Load the word lists in service/lexicons/ (one item a line, '#' comments), once per process.

Keyed by language like textacy's REPORTING_VERBS["en"]; only English exists today, and asking
for another language fails with the list of supported ones.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

LEXICONS = Path(__file__).resolve().parent.parent / "lexicons"
SUPPORTED = ("en",)


def _lines(name: str, lang: str) -> list[str]:
    if lang not in SUPPORTED:
        raise ValueError(f"language {lang!r} not supported; must be one of {SUPPORTED}")
    out = []
    for raw in (LEXICONS / f"{name}.{lang}.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@cache
def words(name: str, lang: str = "en") -> frozenset[str]:
    """A plain list: {item, ...} (lower-cased)."""
    return frozenset(line.lower() for line in _lines(name, lang))


@cache
def pairs(name: str, lang: str = "en") -> tuple[tuple[str, str], ...]:
    """A two-column list `key<TAB>value`, in file order."""
    out = []
    for line in _lines(name, lang):
        key, value = line.split("\t", 1)
        out.append((key.strip().lower(), value.strip().lower()))
    return tuple(out)


def table(name: str, lang: str = "en") -> dict[str, str]:
    """value -> key for `key<TAB>value` lists (first key wins)."""
    out: dict[str, str] = {}
    for key, value in pairs(name, lang):
        out.setdefault(value, key)
    return out
