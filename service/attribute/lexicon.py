"""The attribute package's name for the one lexicon loader (service/lexicons/__init__.py)."""
from __future__ import annotations

from ..lexicons import LEXICONS, SUPPORTED, lines, pairs, rows, table, words

__all__ = ["LEXICONS", "SUPPORTED", "lines", "pairs", "rows", "table", "words"]
