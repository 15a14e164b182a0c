"""Raw claims + entities -> the schema's Claim and Source objects: ids in text order, source names,
types and descriptions, confidences, the per-article caps and warnings."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import Claim, Source, Span
from .model import RawClaim
from .source_types import AUTHOR_WORDS, document_heads, source_type

REPORTER = "the reporter"
# Per-article caps (issue 10): far above a news article (the most in the eval and PolNeAR texts is
# 193 claims and 4 warnings), they bound the response of a pathological one; hitting one is a warning.
MAX_CLAIMS = 1000
MAX_WARNINGS = 50


@dataclass(frozen=True)
class Attribution:
    claims: list[Claim]
    sources: list[Source]
    warnings: list[str]



def _confidence(c: RawClaim, entities) -> float:
    conf = c.confidence
    if c.mention is None:
        conf = min(conf, 0.4)
    else:
        e = entities[c.mention.entity] if c.mention.entity is not None else None
        if c.mention.kind == "pronoun":
            conf -= 0.1 if e is not None and e.kind != "pronoun" else 0.4
        if e is not None and c.mention.kind == "generic" and e.kind == "person" and c.mention.indefinite:
            conf -= 0.2  # lede cataphora
    return round(max(0.05, min(0.99, conf)), 2)


def build_attribution(text, raw, unsourced, entities, warnings) -> Attribution:
    # Entities that own claims become sources, numbered in order of first claim.
    items = [(c.content[0], "a", c) for c in raw] + [(u[0], "u", u) for u in unsourced]
    items.sort(key=lambda x: (x[0], x[1]))
    capped = len(items) - MAX_CLAIMS
    items = items[:MAX_CLAIMS]
    src_ids: dict[object, str] = {}
    sources: list[Source] = []
    claims: list[Claim] = []

    def source_for(key, make):
        if key not in src_ids:
            src_ids[key] = f"s{len(src_ids) + 1}"
            sources.append(make(src_ids[key]))
        return src_ids[key]

    for _, tag, item in items:
        cid = f"c{len(claims) + 1}"
        if tag == "u":
            sid = source_for("reporter", lambda i: Source(id=i, name=REPORTER, type="reporter", mentions=[]))
            claims.append(Claim(id=cid, kind="unsourced", content=Span.of(text, *item), source_id=sid, confidence=0.8))
            continue
        c: RawClaim = item
        if c.mention is None or c.mention.entity is None:
            key = ("unknown", c.content)
            sid = source_for(key, lambda i: Source(id=i, name="unknown source", type="anonymous", mentions=[]))
            warnings.append(f"no source found for claim at {c.content[0]}")
        else:
            idx = c.mention.entity
            while entities[idx].merged_into is not None:
                idx = entities[idx].merged_into
            e = entities[idx]
            sid = source_for(idx, lambda i: _source(text, i, e))
        claims.append(Claim(
            id=cid, kind=c.kind, content=Span.of(text, *c.content),
            cue=Span.of(text, *c.cue) if c.cue else None,
            source_mention=Span.of(text, c.mention.start, c.mention.end) if c.mention else None,
            source_id=sid, confidence=_confidence(c, entities),
        ))
    if len(warnings) > MAX_WARNINGS:
        warnings[MAX_WARNINGS:] = [f"{len(warnings) - MAX_WARNINGS} more warnings not listed"]
    if capped > 0:
        warnings.append(f"claims capped: the article has {capped + MAX_CLAIMS} claims; the first {MAX_CLAIMS} "
                        "in text order are returned")
    return Attribution(claims=claims, sources=sources, warnings=warnings)


# a trailing time is when, not which ("a filing with the exchange on Wednesday")
_WHEN = re.compile(r"(?:\s+(?:published|released|issued|filed|conducted|sent|seen))?\s+(?:on|last|this|earlier this|late last)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                   r"week|month|year|spring|summer|autumn|fall|winter)$", re.I)


def _authored(m) -> str | None:
    """The restrictive noun phrase that says who made the document ("a poll conducted by X"), up to
    an apposition ("A report released last year by the X Institute, an independent research group,
    ..." -> its first part), or None ("The report, dated March 14, ...")."""
    parts = m.full.split(",")
    full = _WHEN.sub("", parts[0].rstrip())
    extra = full[len(m.text):] if full.startswith(m.text) else ""
    if extra and "\n" not in full and len(full.split()) <= 14 and any(w in AUTHOR_WORDS for w in extra.lower().split()):
        return full
    # "The poll, conducted by Meridian Research for the Tribune," : who made it, in apposition
    second = parts[1].strip() if len(parts) > 1 else ""
    if full == m.text and _BY_WHOM.match(second) and "\n" not in second and len(second.split()) <= 12:
        return f"{full}, {_WHEN.sub('', second).rstrip()}"
    return None


_BY_WHOM = re.compile(r"^(?:conducted|carried out|commissioned|published|released|written|compiled|prepared|produced|issued)\s+(?:\w+\s+){0,2}by\s+[A-Z]")


def _source(text: str, sid: str, e) -> Source:
    name = e.best_name()
    if not e.names:
        named = [m for m in e.mentions if m.kind != "pronoun"]
        name = named[0].text if named else e.mentions[0].text
        # a document or poll is known by its whole noun phrase: "a report released last year by
        # the Lowlands Climate Institute", not "a report"
        docs = document_heads()
        full = next((a for m in named if (m.head in docs or m.head[:-1] in docs) and (a := _authored(m))), None)
        if full:
            name = full.strip(" ,;:")
        elif named and named[0].head in docs:
            name = _WHEN.sub("", name)
    desc = e.description
    if desc:
        for art in ("a ", "an ", "the "):
            if desc.lower().startswith(art):
                desc = desc[len(art):]
                break
    mentions = sorted({(m.start, m.end) for m in e.mentions})
    return Source(id=sid, name=name, type=source_type(e), description=desc,
                  mentions=[Span.of(text, s, e_) for s, e_ in mentions])
