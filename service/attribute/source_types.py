"""Source type of an entity (DESIGN.md §1 types), from its names, head nouns and NER kind.

Order matters and says what wins: anonymity markers, then intelligence, media (named outlets and
media nouns), documents, government, organisations, and people last for named individuals.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

from .lexicon import pairs, table, title_words, words
from .model import Entity
from .sources import COMPANY_ROLES, SPOKES

_ORDER = ("intelligence", "media", "document", "government", "organization", "person")


def _tokens(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", s.lower())


@cache
def _noun_types() -> dict[str, str]:
    return table("source_nouns")  # word -> its class (first listed wins)


def _descriptor_type(e: Entity) -> str | None:
    """What the article itself calls the source: the head of an apposition ("Save Grenwood, a
    group that ...", "Lidia Marek, an analyst at ...") or a common noun before the name ("the
    sports daily Ruvan Sport", "Councilor Hattie Moore"). It outranks the NER label."""
    nt = _noun_types()
    for m in e.mentions:
        if m.kind == "pronoun":
            continue
        if m.description_head:
            dtoks = set(_tokens(m.description or ""))
            t = "intelligence" if dtoks & ({"intelligence"} | set(_INTEL)) else \
                "media" if re.search(r"\b(news|press) (agency|service)\b", (m.description or "").lower()) else \
                nt.get(m.description_head)
            if t is None and m.description_head.endswith(_PERSON_SUFFIXES) and m.description_head not in _NOT_PERSON:
                t = "person"
            if t is not None:
                return t
        for w in reversed(m.role_heads):  # the head noun first: "Council leader Martin X" is a leader
            if w in nt and nt[w] != "document":
                return nt[w]
        if any(t in _PERSON_TITLES for t in m.titles):
            return "person"
    return None


def name_type(name: str) -> str:
    """Type of a body known only by its name ("Kolt Breweries", "the ministry", "Estrel News Agency")."""
    low = name.lower().replace("’s", "").replace("'s", "").strip()
    low = re.sub(r"^the\s+", "", low)
    toks = set(_tokens(low))
    if "intelligence" in toks or toks & set(_INTEL) or re.search(r"\b(security|secret)\s+service\b", low):
        return "intelligence"  # "Kestrian Security Service": the domestic intelligence agency's usual name
    if re.search(r"\b(press|news)\s+(agency|service)\b", low):
        return "media"
    if _media_name(low):
        return "media"
    if toks & _SUPRANATIONAL:
        return "organization"  # "World Health Organization", "Continental Health Agency"
    if toks & _STATE_NAME_WORDS:
        return "government"  # "Ministry of Youth and Sport" even though it ends like a paper's name
    if low.split() and low.split()[-1] in _MEDIA_NAME_ENDINGS:
        return "media"
    if toks & _GOV_NAME_WORDS or _government_council(low):
        return "government"
    if len(toks) == 1:
        t = _noun_types().get(next(iter(toks)))
        if t in ("government", "media", "organization", "intelligence"):
            return t
    return "organization"


def _media_name(low: str) -> bool:
    low = re.sub(r"^(the|north korea|russia|china)\s+", "", low)
    media = words("media_orgs")
    return low in media or any(low.endswith(" " + x) for x in media if len(x) > 4)


def _government_council(low: str) -> bool:
    """A council is the state when it is a city/state/national one ("the City Council", "Security
    Council", "Council of Ministers"); "Council of Northern Democracies" is an organisation."""
    return bool(re.search(r"\b(city|town|county|state|national|municipal|security|regional|district|village|borough|"
                          r"provincial|federal|legislative|executive|privy|parish)\s+council\b|\bcouncil of ministers\b", low))


def source_type(e: Entity) -> str:
    texts = [m.full or m.text for m in e.mentions if m.kind != "pronoun"] + e.names
    blob = " ".join(texts).lower()
    anon = words("anonymity")
    named = [m for m in e.mentions if m.kind != "pronoun"]
    heads = {m.head for m in named}
    # a named organisation is never anonymous, whatever the phrases around its name say ("a source
    # close to the club, who asked not to be named" is someone else)
    if e.kind != "person" and not (e.kind == "org" and e.names) and any(a in blob for a in anon):
        return "anonymous"
    desc = _descriptor_type(e)
    if e.kind in ("person", "org") and desc is not None and e.names:
        # "The mine's operator, Valcor Metals": a company's role is not a person's
        company_role = e.kind == "org" and any(m.description_head in COMPANY_ROLES for m in named)
        # "A spokeswoman for Kolt Breweries" merged into the company: her role does not make it a person
        company_role = company_role or e.kind == "org" and any(m.head in SPOKES and m.org_of for m in named)
        if desc == "person" and not company_role or e.kind == "person" and desc in ("organization", "government", "media", "intelligence"):
            return desc
    if e.kind == "person":
        return "person"
    labels = [m for m in named if _SPEAKER_LABEL.match(m.text)]
    if labels and 2 * len(labels) >= len(named) and not any(_media_name(m.text.lower()) for m in labels) \
            and desc not in ("organization", "government", "media", "intelligence"):
        # (not "Oskaria's state news agency, OSNA": an acronym the article says is a body)
        return "person"  # a transcript's speaker label ("RAMASWAMY:", "MS. ORTIZ-BRANN:"): someone speaking
    spokes = [m for m in named if m.org_of and m.head in SPOKES]
    if spokes and not e.names and all(m.head in SPOKES for m in named):
        # an unnamed spokesperson speaks for the body: "A Chirp spokesman" is Chirp's voice
        return name_type(spokes[0].org_of)
    if any(_FINANCIAL_ACCOUNTS.search(m.text) for m in named):
        return "document"  # "the company's annual accounts": financial statements, not a social-media account
    if heads & _ACCOUNT_HEADS and not e.names:
        return "anonymous"  # an unnamed social-media account: no one stands behind it
    if _counted_people(e, named, heads):
        return "anonymous"  # "Three former night carers at Larchfield", "Three regional delegates"
    if e.kind == "org" and e.names:
        t = name_type(" ".join(e.names[:1]))
        if t == "organization" and desc in ("government", "media", "intelligence") or t == "government" and desc == "intelligence":
            return desc  # "the State Protection Bureau, Morvania's counterintelligence agency"
        if t == "organization" and any(name_type(n) in ("government", "media", "intelligence") for n in e.names[1:]):
            return next(name_type(n) for n in e.names[1:] if name_type(n) != "organization")
        if t != "organization":
            return t
        if "intelligence" in blob:
            return "intelligence"
        return "organization"
    nouns: dict[str, list[str]] = {}
    for kind, w in pairs("source_nouns"):
        nouns.setdefault(kind, []).append(w)
    toks = set(_tokens(blob))
    if toks & set(nouns["intelligence"]) or "intelligence" in blob:
        return "intelligence"
    if "news agency" in blob or "news service" in blob or heads & set(nouns["media"]) or any(
            _media_name(m.text.lower().replace("’s", "").replace("'s", "").strip()) for m in named):
        return "media"
    if heads & (set(nouns["document"]) | words("document_anaphors")):  # "the extradition request", "the plan"
        return "document"
    if desc in ("government", "media", "organization", "intelligence") and not _personish(heads, nouns):
        return desc
    if e.kind == "gpe" or heads & set(nouns["government"]) or "white house" in blob or "kremlin" in blob:
        return "government"
    if e.kind == "org" or heads & set(nouns["organization"]):
        return "organization"
    it_only = any(m.head in ("it", "its") for m in e.mentions) and not any(
        m.head in ("he", "she", "him", "his", "her") for m in e.mentions)
    if it_only and not e.plural:
        return "organization"  # "the contractor ... it": a firm, not a person
    if e.plural and not e.names and _personish(heads, nouns):
        at = next((m.org_of for m in named if m.org_of), None)
        if all(m.kind != "generic" or _NUMBERED.match(m.text) for m in named) \
                and any(m.kind == "generic" for m in named) and not heads & {"official", "officials"}:
            # a counted group of unnamed people ("Two pediatricians at the hospital") is anonymous
            return "anonymous"
        if at is not None:
            return name_type(at)
    if not e.plural and any(m.indefinite for m in named if m.kind == "generic") and _personish(heads, nouns):
        # an unnamed individual ("a government mediator", "a federation employee") is anonymous
        return "anonymous"
    if _personish(heads, nouns):
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
# An all-caps speaker label of a transcript, with an optional title: "RAMASWAMY", "MS. ORTIZ-BRANN"
_SPEAKER_LABEL = re.compile(r"^(?:(?:MR|MS|MRS|DR|SEN|REP|GOV)\.?\s+)?[A-Z][A-Z'’-]{3,}$")
_FINANCIAL_ACCOUNTS = re.compile(r"\b(?:annual|financial|audited|published|latest|quarterly|statutory)\s+accounts\b", re.I)
_NUMBERED = re.compile(r"^(two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s", re.IGNORECASE)
_MEDIA_NAME_ENDINGS = {"herald", "gazette", "tribune", "chronicle", "courier", "times", "post", "journal",
                       "daily", "telegraph", "observer", "lantern", "sport", "news", "tv", "radio", "wire"}
_GOV_NAME_WORDS = {"ministry", "police", "kremlin", "department", "government", "regulator", "inspectorate",
                   "directorate", "bureau", "parliament", "senate", "congress", "court", "army", "military",
                   "service", "office", "administration", "protection", "commission", "authority", "embassy",
                   "agency", "ministries", "prosecutor", "prosecutors", "legislature", "assembly", "cabinet",
                   "pentagon", "regime", "municipality"}
# International bodies are organisations, not one state's government.
_SUPRANATIONAL = {"international", "world", "global", "continental", "intergovernmental", "united", "nations",
                  "worldwide", "transnational"}
_INTEL = ("cia", "nsa", "fsb", "gru", "mi5", "mi6", "mossad", "counterintelligence", "espionage")
_ACCOUNT_HEADS = {"account", "accounts", "handle", "user", "username", "poster"}
_PERSON_TITLES = title_words("honorific", "person")
_PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "woman", "person", "ant", "ent")
_NOT_PERSON = {"center", "council", "paper", "newspaper", "report", "letter", "order", "poster", "government",
               "department", "parliament", "monitor", "regulator", "bureau", "statement", "document", "agent"}


def _counted_people(e: Entity, named, heads: set[str]) -> bool:
    """A group of unnamed people introduced by a count ("Three regional delegates", "Two former night
    carers at Larchfield"): anonymous, whatever the parser made of the place in their phrase.
    Counted officials speak for their body (handled by the caller) and a counted thing is no group."""
    if not e.plural or e.names:
        return False
    generic = sorted((m for m in named if m.kind in ("generic", "org")), key=lambda m: m.start)
    if not generic or not _NUMBERED.match(generic[0].text) or heads & {"official", "officials"}:
        return False
    things = _thing_nouns()
    return not (heads & things) and generic[0].head not in things


@cache
def _thing_nouns() -> frozenset[str]:
    """Source nouns for bodies and records, not people (lexicons/source_nouns)."""
    return frozenset(w for k, w in pairs("source_nouns") if k in ("organization", "document", "government", "media"))


def _personish(heads: set[str], nouns: dict[str, list[str]] | None = None) -> bool:
    people = set(nouns["person"]) if nouns else set()
    return any(h in people or h.endswith(_PERSON_SUFFIXES) and h not in _NOT_PERSON for h in heads)


# Words after a document's head noun that say who made it ("a poll conducted by X", "a filing with
# the exchange"): build names the document by that phrase, resolve takes it as an antecedent.
AUTHOR_WORDS = {"by", "from", "published", "released", "conducted", "commissioned", "filed", "issued", "prepared",
                "seen", "obtained", "reviewed", "with", "submitted", "lodged", "sent", "leaked", "compiled", "drafted"}


@lru_cache(maxsize=1)
def document_heads() -> frozenset[str]:
    """Head nouns of documents, polls and reports (lexicons/source_nouns.en.txt, type document)."""
    return frozenset(w for k, w in pairs("source_nouns") if k == "document")
