"""Mentions -> entities: every claim's source mention plus background names, pronouns and described
bodies, resolved in text order (coref.Resolver), then the cataphora and spokesperson passes."""
from __future__ import annotations

import re
from dataclasses import replace

from .coref import Resolver, ages_of, definite_cataphora, lede_cataphora, medium_of, merge, norm, spokes_bodies, surname_people
from .model import Mention
from .layout import CHAIR_WORDS, is_chair
from .sources import TITLES, aged, make_mention, org_suffixed, org_suffixes, street, who_antecedent


def _background_mentions(sents, parsed, taken: set[tuple[int, int]]):
    """Names and pronouns outside claims: antecedents for later pronouns and name merging."""
    out = []
    # last words of multi-word names ("Gustav" "Rehn"): a lone "Rehn conceded" is that name again
    surnames = {t.lower_ for sd in parsed for t in sd
                if t.pos_ == "PROPN" and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in t.children)}
    for i, (s, sd) in enumerate(zip(sents, parsed)):
        heads = set()
        quoted = _quoted_tokens(sd)
        for ent in sd.ents:
            if ent.root.i in quoted:
                continue  # "... and Mum counted.": a name inside someone's quotation is no antecedent
            if street(ent):
                continue  # "his warehouse on Quay Lane": a place NER may call a person, no antecedent
            if ent.label_ in ("PERSON", "ORG") or (ent.label_ == "GPE" and ent.root.dep_ in ("nsubj", "nsubjpass")):
                heads.add(ent.root.i)
            elif org_suffixed(ent):
                # "the Vessaran Space Agency's Corvid mission", labelled a facility: a body's name,
                # what a later "the agency" points to
                heads.add(ent.root.i)
        for t in sd:
            # a described body as a subject ("The ministry declined to comment") is what a later
            # "It said ..." points back to, though it made no claim itself
            if aged(t) and (t.dep_ in ("nsubj", "nsubjpass") or t.i <= 5 and t.head.i > t.i):
                heads.add(t.i)  # "The 81-year-old dismisses the story.": a person, for a later "he says"
            if t.pos_ == "NOUN" and t.dep_ in ("nsubj", "nsubjpass") and _subject_anaphor(t) and t.i not in quoted:
                heads.add(t.i)  # (not one inside a quotation: "what a small agency can do" is no antecedent)
            # a name the small NER model missed, as a subject ("Wealdshire Police have arrested
            # ..., the force said"): the body "the force" points back to
            # (a multi-word name: a lone capitalised word may just open the sentence)
            if t.pos_ == "PROPN" and t.dep_ in ("nsubj", "nsubjpass") and not t.ent_type_ \
                    and any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in t.children):
                heads.add(t.i)
            # a titled name NER missed, wherever it stands ("the 12-year tenure of Mayor Gustav
            # Rehn"), and that name's surname as a subject ("Rehn conceded shortly before 1 a.m.")
            if t.ent_type_ not in ("PERSON", "ORG") and t.dep_ != "compound" and t.is_title and (
                    t.pos_ == "PROPN" and any(c.dep_ == "compound" and c.lower_ in TITLES for c in t.children)
                    or t.pos_ in ("PROPN", "NOUN") and t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in surnames):
                heads.add(t.i)
            # the noun phrase a "who" clause is about, so that "who" resolves to it (the parser
            # may hang the clause on a name inside the phrase: "carers at Larchfield, who ...")
            # a document introduced by who made it, wherever it stands ("rests on a report released
            # on Friday by the Northgate Centre", "In a filing with the exchange, ..."): what a later
            # "The report says" / "The filing lists" points back to, and what names it
            if t.pos_ == "NOUN" and _authored_document(t):
                heads.add(t.i)
            if t.lower_ == "who" and t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "relcl":
                heads.add(who_antecedent(t.head).i)
            # subject pronouns and his/her chain a referent forward; objects ("telling him") and
            # their/its are too ambiguous to serve as antecedents
            # (not inside a quotation: the speaker's "He never said a word" is about someone else,
            # and binding it would give the nearest person the wrong gender)
            if t.pos_ == "PRON" and t.i not in quoted and (
                    t.lower_ in ("he", "she", "it", "they") and t.dep_ in ("nsubj", "nsubjpass")
                    or t.lower_ in ("his", "her") and t.dep_ == "poss"):
                heads.add(t.i)
        for h in sorted(heads):
            m = make_mention(sd[h], i, s.start)
            if m.kind == "generic" and sd[h].pos_ == "NOUN" and sd[h].lower_ in surnames and sd[h].is_title:
                m = replace(m, kind="person", name=sd[h].text)  # "Rehn conceded", tagged a common noun
            if (m.start, m.end) in taken:
                continue
            out.append(m)
    return out


def _quoted_tokens(sd) -> set[int]:
    """Indexes of the tokens inside a quotation opened earlier in their sentence."""
    inside: set[int] = set()
    opened = False
    for x in sd:
        if opened:
            inside.add(x.i)
        if x.text == "“":
            opened = True
        elif x.text == "”":
            opened = False
        elif x.text == '"':
            opened = not opened
    return inside


def _authored_document(t) -> bool:
    from .source_types import AUTHOR_WORDS, document_heads

    if t.lemma_.lower() not in document_heads() or any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in t.children):
        return False
    return any(c.dep_ in ("acl", "prep") and c.i > t.i and c.lower_ in AUTHOR_WORDS for c in t.children)


def _subject_anaphor(t) -> bool:
    from .coref import anaphor_kind

    return anaphor_kind(t.lemma_.lower()) is not None and any(
        c.dep_ in ("det", "poss") for c in t.children)


def _first_use(sents, parsed) -> dict[str, int]:
    """Each lower-cased word (and lemma) -> where the article first uses it."""
    out: dict[str, int] = {}
    for s, sd in zip(sents, parsed):
        for t in sd:
            for w in (t.lower_, t.lemma_.lower()):
                out.setdefault(w, s.start + t.idx)
    return out


_IN_MEDIUM = re.compile(r"^\W*in an? (?:[\w’'-]+ ){0,3}?(statement|post|tweet|release|email)\b", re.I)


def _opening_medium(text: str, start: int, mention_start: int) -> str | None:
    """"In a statement read to the court, the chief executive said ...": the sentence opens with
    the medium the speaker used, so a later "the statement said" is that speaker."""
    if mention_start <= start:
        return None
    got = _IN_MEDIUM.search(text[start:mention_start])
    return got.group(1).lower() if got else None


_ORGISH = {"the", "of", "and", "&"}


# Staff a team or company has and a person does not: "Callow Rovers striker Dane Ashby", "Rovers
# manager Pel Varney", "Brisa Line employees". ("Trump adviser" and "Clinton aide" stay people's.)
_STAFF = {"striker", "midfielder", "defender", "goalkeeper", "keeper", "winger", "forward", "player", "players",
          "coach", "manager", "captain", "boss", "employee", "employees", "staff", "worker", "workers",
          "shareholder", "shareholders", "chief", "ceo", "cfo", "chairman", "chairwoman", "fans", "supporters",
          "squad", "executive", "executives", "director", "directors"}
_STAFF_LEMMAS = frozenset(_STAFF | {w.rstrip("s") for w in _STAFF})  # matched against lemmas ("fans" -> "fan")


def _bodies_by_use(parsed) -> set[str]:
    """norm() names (and their last words) written as a modifier of a staff noun: bodies, whatever
    NER called them."""
    out: set[str] = set()
    for sd in parsed:
        for t in sd:
            if t.dep_ == "compound" and (t.pos_ == "PROPN" or t.is_title) and t.head.lemma_.lower() in _STAFF_LEMMAS \
                    and t.head.i == t.i + 1 and t.ent_type_ not in ("GPE", "NORP"):
                first = t
                while first.i > 0 and sd[first.i - 1].dep_ == "compound" and sd[first.i - 1].is_title \
                        and sd[first.i - 1].head.i in (t.i, t.head.i):
                    first = sd[first.i - 1]
                name = norm(sd[first.i : t.i + 1].text)
                out.add(name)
            elif t.dep_ == "poss" and t.pos_ == "PROPN" and t.head.lemma_.lower() in _OWNED and t.ent_type_ not in ("GPE", "NORP"):
                # "Kellmoor Health's chief executive", "Brisa's shares": what only a company has
                first = t
                while first.i > 0 and sd[first.i - 1].dep_ == "compound" and sd[first.i - 1].head.i == t.i:
                    first = sd[first.i - 1]
                out.add(norm(sd[first.i : t.i + 1].text))
    return out


# What a company has and a person has not, after a possessive name.
_OWNED = {"ceo", "cfo", "executive", "shareholders", "shareholder", "employees", "subsidiary", "headquarters",
          "shares", "stock", "revenue", "profit", "board", "chairman", "chairwoman", "workforce", "customers"}


def _retype_by_article(mentions: list[Mention], parsed) -> None:
    """What the whole article says a mention's name is, where NER or the tagger read it alone wrongly
    (set on the mentions before they are resolved)."""
    full = [norm(m.name).split() for m in mentions if m.kind == "person" and m.name and len(m.name.split()) >= 2]
    surnames = {n[-1] for n in full}
    firsts: dict[str, set[str]] = {}
    for n in full:
        firsts.setdefault(n[0], set()).add(" ".join(n))
    for m in mentions:
        toks = norm(m.name).split() if m.name else []
        if m.kind == "org" and len(toks) == 2 and toks[-1] in surnames and not _ORGISH.intersection(toks) \
                and m.name.split()[0][:1].isupper() and not any(t in org_suffixes() for t in toks):
            # "Mairi Brannock" labelled an organisation beside "Callum Brannock" and "Shona Brannock":
            # a first name and a family's surname
            m.kind = "person"
    for m in mentions:
        word = norm(m.text)
        if " " in m.text.strip() or not m.text[:1].isupper():
            continue
        if m.kind == "generic" and word in surnames:
            # "Okonjo thanked volunteers and said ..." (tagged an adjective) after "Adaeze Okonjo": a
            # lone capitalised word that is a named person's surname is that person
            m.kind, m.name = "person", m.text.strip()
        elif m.kind in ("generic", "org", "gpe") and m.subject and word not in surnames and len(firsts.get(word, ())) == 1:
            # "Shona says she will come back" in a profile that named "His daughter, Shona Brannock":
            # a first name the article gave one person, as a subject, is that person
            m.kind, m.name = "person", m.text.strip()
    bodies = _bodies_by_use(parsed)
    for m in mentions:
        if m.kind == "person" and m.name and not m.titles and (norm(m.name) in bodies or len(m.name.split()) >= 2
                                                                and norm(m.name).split()[-1] in bodies):
            m.kind = "org"  # "Callow Rovers said ..." after "Callow Rovers striker Dane Ashby"


def resolve_entities(raw, sents, parsed, text: str):
    claim_mentions = [c.mention for c in raw if c.mention is not None]
    taken = {(m.start, m.end) for m in claim_mentions}
    mentions = claim_mentions + _background_mentions(sents, parsed, taken)
    # one Mention object per span: claims sharing a span share the object
    uniq: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        uniq.setdefault((m.start, m.end), m)
    for c in raw:
        if c.mention is not None:
            c.mention = uniq[(c.mention.start, c.mention.end)]
    inside = {}  # mention span -> the content of its (first) claim
    media = {}  # mention span -> what its claim was said in ("said in a statement")
    for c in raw:
        if c.mention is not None:
            inside.setdefault((c.mention.start, c.mention.end), c.content)
            if c.cue is not None and (medium := medium_of(text[c.cue[0]:c.cue[1]]) or _opening_medium(text, sents[c.sent].start, c.mention.start)):
                media.setdefault((c.mention.start, c.mention.end), medium)
    _retype_by_article(list(uniq.values()), parsed)
    resolver = Resolver(ages_of(text))
    resolver.claims = [(c.content, c.mention) for c in raw if c.mention is not None]
    for m in sorted(uniq.values(), key=lambda m: m.start):
        resolver.add(m, inside.get((m.start, m.end)), media.get((m.start, m.end)))
    quoted = {c.mention.entity for c in raw if c.mention is not None}
    lede_cataphora(resolver.entities, quoted, [s.paragraph for s in sents])
    definite_cataphora(resolver.entities, _first_use(sents, parsed))
    spokes_bodies(resolver.entities)
    surname_people(resolver.entities)
    debate_opponents(raw, resolver.entities, text)
    named_chairs(resolver.entities, text)
    return resolver.entities


_CHAIR_NAMED = re.compile(
    r"\b(?i:(?:moderated|hosted|presented|conducted|chaired) by|the (?:moderator|host|interviewer|presenter) was)"
    r"\s+((?:[A-Z][\w'’-]+\s){1,2}[A-Z][\w'’-]+)")
_CHAIR_LABELS = CHAIR_WORDS - {"q", "question"}  # labels a named moderator or host speaks under


def named_chairs(entities, text: str) -> None:
    """"It was moderated by Yusuf Arkwright of Brennmark Public Radio" / "The moderator was Hal
    Simms": the MODERATOR label's turns are that person's. Only one such introduction counts."""
    found = {m.group(1) for m in _CHAIR_NAMED.finditer(text)}
    if len(found) != 1:
        return
    norm_name = next(iter(found)).lower()
    person = next((j for j, e in enumerate(entities) if e.merged_into is None and e.kind == "person"
                   and any(n.lower() == norm_name for n in e.names)), None)
    if person is None:
        return
    for i, e in enumerate(entities):
        if i != person and e.merged_into is None and e.mentions \
                and all(m.text.strip().lower() in _CHAIR_LABELS for m in e.mentions):
            merge(entities, i, person)


_OPPONENT = re.compile(r"^your (?:opponent|rival|challenger)$", re.I)


def debate_opponents(raw, entities, text: str) -> None:
    """"MODERATOR: Senator Hale, ... Your opponent says you voted ...": in a transcript with two
    debaters, "your opponent" in a turn is the debater who does not answer it. The debaters are the
    speakers of the label turns (the moderator aside); the one addressed speaks the next turn."""
    turns = sorted((c.mention.start, c.mention.entity) for c in raw
                   if c.cue is not None and text[c.cue[0]:c.cue[1]] == ":" and c.mention is not None
                   and c.mention.entity is not None and c.mention.kind != "pronoun")
    speakers = {e for _, e in turns if not is_chair(" ".join(_names_of(entities[e])))}
    if len(speakers) != 2:
        return
    for c in raw:
        m = c.mention
        if m is None or m.entity is None or not _OPPONENT.match(m.text.strip()):
            continue
        nxt = _addressee(text, m.start, speakers, entities)
        if nxt is None:
            nxt = next((e for start, e in turns if start > m.start and e in speakers), None)
        if nxt is None:
            continue
        other = next(iter(speakers - {nxt}))
        if m.entity == other:
            continue
        if m.entity in speakers:  # coreference took the addressee: move this one mention across
            entities[m.entity].mentions.remove(m)
            entities[other].mentions.append(m)
            m.entity = other
        else:
            merge(entities, m.entity, other)


def _addressee(text: str, at: int, speakers: set[int], entities) -> int | None:
    """The debater a turn opens by addressing ("Councillor Lomond, the bus fleet ..."), or None."""
    para = text.rfind("\n", 0, at) + 1
    colon = text.find(":", para, at)
    opening = text[colon + 1 if colon >= 0 else para : at].split(",")[0].split()
    if not 1 <= len(opening) <= 4:
        return None
    words = {w.lower().strip(".") for w in opening}
    hit = [e for e in speakers if {w for n in entities[e].names for w in n.lower().split()} & words]
    return hit[0] if len(hit) == 1 else None


def _names_of(e) -> list[str]:
    return e.names + [x.text for x in e.mentions[:3]]
