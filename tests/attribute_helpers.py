"""Shared helpers for the segment/attribute tests (not a conftest: the lead owns tests/conftest.py).

The spaCy pipeline is loaded once per process by service.nlp.load_pipeline (lru_cache), so every
test module that uses `run` shares one real parser — the session-scoped behaviour we want.
"""
from __future__ import annotations

from service.attribute import Attribution, attribute
from service.ingest import Document
from service.segment import segment


def run(text: str) -> tuple[Document, Attribution]:
    doc = Document(text=text)
    return doc, attribute(doc, segment(doc))


def attributed(att: Attribution):
    return [c for c in att.claims if c.kind != "unsourced"]


def source_of(att: Attribution, claim):
    return next(s for s in att.sources if s.id == claim.source_id)


def grounded(doc: Document, att: Attribution) -> bool:
    spans = []
    for c in att.claims:
        spans += [c.content] + [x for x in (c.cue, c.source_mention) if x is not None]
    for s in att.sources:
        spans += list(s.mentions)
    return all(doc.text[s.start : s.end] == s.text for s in spans)


def claim_with(att: Attribution, words: str):
    """The first claim whose content holds `words`."""
    return next(c for c in att.claims if words in c.content.text)


def claims_with(att: Attribution, words: str) -> list:
    return [c for c in att.claims if words in c.content.text]


def name_of(att: Attribution, words: str) -> str:
    """The resolved source name of the first claim whose content holds `words`."""
    return source_of(att, claim_with(att, words)).name
