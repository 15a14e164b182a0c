"""Rule-stage clean-ups: duplicate claims, cues inside another claim's content, removed junk."""
from __future__ import annotations

import re

from ..ingest import Document
from .intervals import Spans
from .model import RawClaim


def dedupe(raw: list[RawClaim]) -> list[RawClaim]:
    out: list[RawClaim] = []
    seen = set()
    for c in raw:
        key = (c.content, c.mention.start if c.mention else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def drop_nested(raw: list[RawClaim]) -> list[RawClaim]:
    """A cue inside another claim's reported content is part of what was reported ("X said the
    examples failed to note that ..."), not a second attribution — unless it introduces its own
    quotation or the outer claim only frames a scene ("In a video ..., Kim is seen telling ...")."""
    outer = Spans((o.content[0], o.content[1], id(o)) for o in raw if o.rule != "frame")
    out = []
    for c in raw:
        nested = c.cue is not None and c.kind != "direct" and outer.contains(c.cue[0], c.cue[1], skip=id(c))
        if not nested:
            out.append(c)
    return out


_REMOVED: tuple = (None, None)  # (doc.removed, its Spans): one index per document, not per claim


def touches_removed(doc: Document, span: tuple[int, int]) -> bool:
    global _REMOVED
    held, spans = _REMOVED
    if held is not doc.removed:
        spans = Spans((r.start, r.end, None) for r in doc.removed)
        _REMOVED = (doc.removed, spans)
    return spans.overlaps(span[0], span[1])


# The publication speaking of itself ("An earlier version of this article said ...", "An earlier
# entry said ..."): a correction is the newsroom's own statement, so the sentence is unsourced.
_SELF = re.compile(r"(?i)^(an? |the )?(earlier|previous|original|initial) (version|entry|post|update|edition|report)"
                   r"( of this (article|story|report|post|page|blog))?$|^this (article|story|report)$"
                   r"|^(correction|clarification|editor[’']?s note|update)$")


def drop_self_references(raw: list[RawClaim]) -> list[RawClaim]:
    return [c for c in raw if not (c.mention is not None and _SELF.match(c.mention.text))]
