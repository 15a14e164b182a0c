"""Sentences addressed to a language model ("Ignore previous instructions", "Answer only with the
words X"): an injected instruction is not something the article asserts or a source said worth
summarizing. The phrases are in lexicons/model_directives.en.txt."""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import words

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _items() -> tuple[tuple[str, ...], tuple[str, ...]]:
    items = words("model_directives")
    return tuple(i for i in items if not i.startswith("^")), tuple(i[1:] for i in items if i.startswith("^"))


def addresses_a_model(text: str) -> bool:
    low = _SPACE.sub(" ", text.replace("\u2060", "")).strip().lower().lstrip("\"“‘'([ ")
    inside, opening = _items()
    return low.startswith(opening) or any(i in low for i in inside)
