"""The word lists of ClaimTrace, one file per list (`<name>.<lang>.txt` in this folder), and the one
loader every stage reads them with, once per process.

Format: one item a line; TAB separates columns (`kind<TAB>word`). A line whose first non-blank
character is '#' is a comment — each file opens with one saying what the list is for and where
it comes from — and blank lines are skipped, so a comment never becomes a word.
Keyed by language like textacy's REPORTING_VERBS["en"]; only English exists today, and asking
for another language fails with the list of supported ones.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

LEXICONS = Path(__file__).resolve().parent
SUPPORTED = ("en",)


@cache
def lines(name: str, lang: str = "en") -> tuple[str, ...]:
    """The items of a list, stripped, case kept (for patterns), in file order."""
    if lang not in SUPPORTED:
        raise ValueError(f"language {lang!r} not supported; must be one of {SUPPORTED}")
    out = []
    for raw in (LEXICONS / f"{name}.{lang}.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)


@cache
def words(name: str, lang: str = "en") -> frozenset[str]:
    """A plain list: {item, ...} (lower-cased)."""
    return frozenset(line.lower() for line in lines(name, lang))


@cache
def rows(name: str, lang: str = "en", lower: bool = True) -> tuple[tuple[str, ...], ...]:
    """A list of TAB-separated columns, each stripped (and lower-cased unless `lower=False`), in file order."""
    return tuple(tuple(col.strip().lower() if lower else col.strip() for col in line.split("\t")) for line in lines(name, lang))


@cache
def pairs(name: str, lang: str = "en", lower: bool = True) -> tuple[tuple[str, str], ...]:
    """A two-column list `key<TAB>value` (the value is the rest of the line), in file order."""
    out = []
    for line in lines(name, lang):
        key, value = line.split("\t", 1)
        out.append((key.strip().lower(), value.strip().lower()) if lower else (key.strip(), value.strip()))
    return tuple(out)


def table(name: str, lang: str = "en") -> dict[str, str]:
    """value -> key for `key<TAB>value` lists (first key wins)."""
    out: dict[str, str] = {}
    for key, value in pairs(name, lang):
        out.setdefault(value, key)
    return out
