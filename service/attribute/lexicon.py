"""The attribute package's name for the one lexicon loader (service/lexicons/__init__.py)."""
from __future__ import annotations

from ..lexicons import LEXICONS, SUPPORTED, lines, pairs, rows, table, words

__all__ = ["LEXICONS", "SUPPORTED", "gendered_titles", "lines", "pairs", "pronoun_words", "rows", "table",
           "title_words", "words"]

_CASES = ("subject", "object", "determiner", "possessive", "reflexive")


def title_words(*kinds: str) -> frozenset[str]:
    """Words of lexicons/titles.en.txt (kind, gender, word) of these kinds."""
    return frozenset(w for kind, _, w in rows("titles") if kind in kinds)


def gendered_titles(gender: str) -> frozenset[str]:
    """Title words that say a person's gender ("mr.", "queen"): gender m | f."""
    return frozenset(w for _, g, w in rows("titles") if g == gender)


def pronoun_words(kinds: set[str], cases: tuple[str, ...] = _CASES) -> frozenset[str]:
    """Words of lexicons/pronouns.en.txt (kind, case, word) of these kinds and cases."""
    return frozenset(w for kind, case, w in rows("pronouns") if kind in kinds and case in cases)
