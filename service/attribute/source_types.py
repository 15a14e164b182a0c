"""Source type of an entity (DESIGN.md §1 types), from its names, head nouns and NER kind.

Order matters and says what wins: anonymity markers, then intelligence, media (named outlets and
media nouns), documents, government, organisations, and people last for named individuals.
"""
from __future__ import annotations

import re

from .lexicon import pairs, words
from .model import Entity

_ORDER = ("intelligence", "media", "document", "government", "organization", "person")


def _tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", s.lower())


def source_type(e: Entity) -> str:
    texts = [m.full or m.text for m in e.mentions if m.kind != "pronoun"] + e.names
    blob = " ".join(texts).lower()
    anon = words("anonymity")
    if e.kind != "person" and any(a in blob for a in anon):
        return "anonymous"
    if e.kind == "person":
        return "person"
    if e.kind == "org" and e.names and set(_tokens(" ".join(e.names))) & _STATE_NAME_WORDS \
            and not re.search(r"\b(press|news)\s+(agency|service)\b", " ".join(e.names).lower()):
        # "Ministry of Youth and Sport", "Port Calder Authority", "Estreli Embassy": the state, even when
        # the name ends like a newspaper's
        return "government"
    media = words("media_orgs")
    for n in e.names + [m.text for m in e.mentions]:
        low = n.lower().replace("’s", "").replace("'s", "").strip()
        low = re.sub(r"^(the|north korea|russia|china)\s+", "", low)
        if low in media or any(low.endswith(" " + x) or low == x for x in media if len(x) > 4):
            return "media"
    if any(n.split() and n.split()[-1].lower() in _MEDIA_NAME_ENDINGS for n in e.names):
        return "media"  # "The Tarsin Herald", "Ardenne Press Agency" handled below too
    if any(re.search(r"\b(press|news)\s+(agency|service)\b", n.lower()) for n in e.names):
        return "media"
    nouns: dict[str, list[str]] = {}
    for kind, w in pairs("source_nouns"):
        nouns.setdefault(kind, []).append(w)
    toks = set(_tokens(blob))
    heads = {m.head for m in e.mentions if m.kind != "pronoun"}
    if toks & set(nouns["intelligence"]) or "intelligence" in blob:
        return "intelligence"
    if "news agency" in blob or "news service" in blob or heads & set(nouns["media"]):
        return "media"
    if e.kind == "org" and e.names:
        # a named organisation is typed by its own name, not by every description merged into it
        name_toks = set(_tokens(" ".join(e.names)))
        if name_toks & _GOV_NAME_WORDS:
            return "government"
        return "organization"
    if heads & set(nouns["document"]):
        return "document"
    if e.kind == "gpe" or heads & set(nouns["government"]) or "white house" in blob or "kremlin" in blob:
        return "government"
    if e.kind == "org" or heads & set(nouns["organization"]):
        return "organization"
    if e.plural and not e.names and _personish(heads) and all(
            m.kind != "generic" or _NUMBERED.match(m.text) for m in e.mentions if m.kind != "pronoun") \
            and any(m.kind == "generic" for m in e.mentions) and not heads & {"official", "officials"}:
        # a counted group of unnamed people ("Two pediatricians at the hospital") is anonymous
        return "anonymous"
    if not e.plural and any(m.indefinite for m in e.mentions if m.kind == "generic") and _personish(heads):
        # an unnamed individual ("a government mediator", "a federation employee") is anonymous
        return "anonymous"
    if heads & set(nouns["person"]) or _personish(heads):
        # unnamed plural officials of a country or body speak for it
        if e.plural and heads & {"official", "officials"}:
            return "government"
        return "person"
    if e.kind == "pronoun":
        if any(m.head in ("he", "she", "him", "his", "her") for m in e.mentions):
            return "person"
        return "organization" if any(m.head in ("it", "its") for m in e.mentions) else "person"
    return "organization" if not e.plural else "person"


_STATE_NAME_WORDS = {"ministry", "embassy", "authority", "government", "department", "parliament", "senate",
                     "congress", "kremlin", "police"}
_NUMBERED = re.compile(r"^(two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s", re.IGNORECASE)
_MEDIA_NAME_ENDINGS = {"herald", "gazette", "tribune", "chronicle", "courier", "times", "post", "journal",
                       "daily", "telegraph", "observer", "lantern", "sport", "news", "tv", "radio", "wire"}
_GOV_NAME_WORDS = {"ministry", "police", "kremlin", "department", "government", "regulator", "inspectorate",
                   "directorate", "bureau", "parliament", "senate", "congress", "court", "army", "military",
                   "service", "office", "administration", "protection", "commission", "authority", "embassy",
                   "agency", "council"}
_PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "woman", "person", "ant", "ent")
_NOT_PERSON = {"center", "council", "paper", "newspaper", "report", "letter", "order", "poster", "government",
               "department", "parliament", "monitor", "regulator", "bureau", "statement", "document", "agent"}


def _personish(heads: set[str]) -> bool:
    return any(h.endswith(_PERSON_SUFFIXES) and h not in _NOT_PERSON for h in heads)
