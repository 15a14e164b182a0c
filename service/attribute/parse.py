"""The spaCy parse of the sentences, in batches with the request's deadline checked between them."""
from __future__ import annotations

from ..deadline import check

# The parser's (Penn Treebank) tags of a finite verb: past, present, modal
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
PARSE_BATCH_SENTENCES = 256
PARSE_BATCH_CHARS = 20_000  # above almost every article: one batch, as before; a huge one is cut


def parse_sentences(nlp, texts: list[str]) -> list:
    """spaCy docs of `texts`, parsed in batches of at most PARSE_BATCH_SENTENCES sentences and
    PARSE_BATCH_CHARS characters with the request's deadline checked between them: the parse is
    most of a long article's time and nothing stops it from outside (service.deadline)."""
    parsed: list = []
    i = 0
    while i < len(texts):
        j, size = i, 0
        while j < len(texts) and j - i < PARSE_BATCH_SENTENCES and (j == i or size + len(texts[j]) <= PARSE_BATCH_CHARS):
            size += len(texts[j])
            j += 1
        check()
        parsed.extend(nlp.pipe(texts[i:j], batch_size=PARSE_BATCH_SENTENCES))
        i = j
    return parsed
