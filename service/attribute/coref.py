"""Coreference of source mentions: one entity per real-world source, with its fullest name.

Deliberately small and explainable (no neural coref on a 2-core CPU budget):
  * people merge by name tokens ("Mr. Shoigu" ⊂ "Sergei K. Shoigu"; "Mr. Kim" ⊂ "Kim Jong-un");
  * organisations by normalised name, containment or acronym ("KCNA");
  * pronouns go to the most salient compatible antecedent: nearest sentence first, its subject
    first, with number (they/it) and gender (he/she, Mr./Ms.) agreement;
  * definite descriptions ("the agency", "the minister") to the last entity whose name, title or
    description contains the head noun, else the last compatible one nearby;
  * an indefinite lede source ("a Russian official said Tuesday") to the first named person who is
    quoted in the next paragraphs — the newswire habit of naming the speaker after the lede.

Cost is bounded per mention, so an article costs time linear in its length (issue 10: 10,000
"he said." took 328 s): antecedents come from the last MAX_CANDIDATES mentions of the window,
names and descriptions are matched against the MAX_RECENT_ENTITIES most recently mentioned
entities, and per-entity facts (normalised mention texts, name/description tokens, person-like
heads) are kept up to date as mentions attach instead of being recomputed for every lookup.
The caps are far above what a news article needs; `Resolver.capped` records that one was hit.
"""
from __future__ import annotations

from dataclasses import replace

import re
from functools import lru_cache

from ..deadline import check
from .lexicon import pairs, pronoun_words, words
from .model import Entity, Mention
from .sources import KIN_NOUNS, TITLES

_NORM = re.compile(r"[^a-z0-9 ]+")
PERSON_PRONOUNS = pronoun_words({"male", "female"})
IT_PRONOUNS = pronoun_words({"neuter"})
THEY_PRONOUNS = pronoun_words({"they"})
REL_PRONOUNS = {"who", "which", "that"}

_WHO = re.compile(r",? who\b")
_THEY_USER = re.compile(r"\buses they(/them)? pronouns\b|\bgoes by they\b", re.I)

# What a source speaks in: "X said in a statement" ... "The statement added" is X again
MEDIA = frozenset({"statement", "post", "tweet", "release", "email"})  # a filing, letter or memo is a document source of its own
_MEDIUM = re.compile(r"\b(" + "|".join(sorted(MEDIA)) + r")\b", re.I)


def medium_of(cue_text: str) -> str | None:
    """The medium a cue names ("said in a statement" -> "statement"), or None."""
    got = _MEDIUM.search(cue_text)
    return got.group(1).lower() if got else None


MAX_CANDIDATES = 64  # pronoun/definite antecedent candidates: the nearest mentions of the window
MAX_RECENT_ENTITIES = 256  # entities scanned for a name or description match, latest mentioned first
MAX_VIEW_MENTIONS = 500  # mentions (and names) of one entity read to type it while resolving


@lru_cache(maxsize=16384)
def norm(s: str) -> str:
    s = s.lower().replace("’s", "").replace("'s", "")
    s = _NORM.sub(" ", s)
    toks = [t for t in s.split() if t not in ("the", "a", "an")]
    return " ".join(toks)


@lru_cache(maxsize=1)
def _title_tokens() -> frozenset[str]:
    return frozenset(x.strip(".") for x in TITLES)


_ONE_OF_GROUP = {"one", "another", "the other", "a second", "a third", "the second", "the third", "the first"}
_NUMBERED_GROUP = re.compile(r"^(?:two|three|four|five|six|several|\d+)\s", re.IGNORECASE)
_PART_OF = re.compile(r"^(?:one|two|three|some|several|many|most|each|another) of (?:(?:the|those|these) )?(.{6,})$")  # on norm() text, which drops "the"
_AGED = re.compile(r"^(?:[Tt]he )?(\d{1,3})-year-old$")
_AGE_OF = re.compile(r"\b((?:[A-Z][\w'’-]+ ){0,2}[A-Z][\w'’-]+), (?:who is |aged )?(\d{1,3}),")


def ages_of(text: str) -> dict[str, str]:
    """Ages the article gives named people ("Oskar Marn, who is 81,", "Graham Tulliver, 61,"), age ->
    name, for ages only one person has."""
    seen: dict[str, set[str]] = {}
    for m in _AGE_OF.finditer(text):
        if len(m.group(1).split()) >= 2:
            seen.setdefault(m.group(2), set()).add(m.group(1))
    return {age: next(iter(names)) for age, names in seen.items() if len(names) == 1}


@lru_cache(maxsize=16384)
def _name_tokens(name: str) -> frozenset[str]:
    titles = _title_tokens()
    return frozenset(t for t in norm(name).split() if t not in titles)


@lru_cache(maxsize=16384)
def _acronym(name: str) -> str:
    return "".join(w[0] for w in norm(name).split() if w not in ("of", "and", "for"))


def _person_like(e: Entity) -> bool:
    if e.kind == "person":
        return True
    if e.kind == "generic" and not e.plural:
        return any(_person_head(m.head) for m in e.mentions)
    return False


@lru_cache(maxsize=1)
def _anaphor_kinds() -> dict[str, str]:
    return dict(pairs("anaphors"))


def anaphor_kind(head: str) -> str | None:
    """person | org for a head noun that refers back ("the ministry", "the minister"), else None."""
    return _anaphor_kinds().get(head)


def _person_head(head: str) -> bool:
    return _anaphor_kinds().get(head) == "person" or head in _PERSON_HEADS


@lru_cache(maxsize=1)
def _people_heads() -> frozenset[str]:
    """Source nouns that name people ("scientist", "resident"): source_nouns rows typed person."""
    return frozenset(lemma for kind, lemma in pairs("source_nouns") if kind == "person")


_PERSON_HEADS = {"official", "spokesman", "spokeswoman", "aide", "lawyer", "analyst", "expert", "source", "person", "man", "woman", "diplomat"}


def _thing_like(e: Entity) -> bool:
    return e.kind in ("org", "gpe") or (e.kind == "generic" and not e.plural and not _person_like(e))


class Resolver:
    def __init__(self, ages: dict[str, str] | None = None) -> None:
        self.ages = ages or {}  # "81" -> "Oskar Marn": ages the article gives its people (ages_of)
        self.entities: list[Entity] = []
        self.history: list[tuple[Mention, int]] = []  # resolved mentions in text order
        self.capped = False  # a candidate scan stopped at MAX_CANDIDATES / MAX_RECENT_ENTITIES
        # per entity, kept current by _attach (entities change only there while resolving)
        self._recent: dict[int, int] = {}  # entity -> sentence of its latest mention, oldest first
        self._keys: list[set[str]] = []  # norm() of its mention texts
        self._hay: list[set[str]] = []  # tokens of its names, description, titles and mention heads
        self._name_toks: list[set[str]] = []  # tokens of its names
        self._names: list[dict[str, None]] = []  # its distinct names, first-seen order
        self._personish: list[bool] = []  # some mention head names a person ("official", "aide")
        self._they: list[bool] = []  # a person the article says uses they/them
        self._issued: dict[int, tuple[int, str]] = {}  # entity -> (sentence, what it last spoke in: "statement")
        self._inside: tuple[int, int] | None = None  # content of the claim whose mention is being resolved
        self.claims: list[tuple[tuple[int, int], Mention]] = []  # (content, source mention) of every claim

    def _new(self, m: Mention, kind: str) -> int:
        e = Entity(kind=kind, plural=m.plural, gender=m.gender)
        self.entities.append(e)
        for table in (self._keys, self._hay, self._name_toks):
            table.append(set())
        self._names.append({})
        self._personish.append(False)
        self._they.append(False)
        return len(self.entities) - 1

    def _attach(self, m: Mention, idx: int) -> None:
        e = self.entities[idx]
        hay = self._hay[idx]
        m.entity = idx
        e.mentions.append(m)
        if m.name and m.kind in ("person", "org", "gpe"):
            e.names.append(m.name)
            self._names[idx].setdefault(m.name, None)
            toks = norm(m.name).split()
            hay.update(toks)
            self._name_toks[idx].update(toks)
        if m.gender and not e.gender and not self._own_words(m, idx):
            e.gender = m.gender
        if m.description and not e.description:
            e.description = m.description
            hay.update(norm(m.description).split())
        e.titles.update(m.titles)
        for t in m.titles:
            hay.update(norm(t).split())
        if m.kind == "person":
            hay.update(m.role_heads)  # "Vale defender Jamie Kirby": a later "the defender"
            hay.update(_words_before_name(m))  # "independent candidate Sam Pellow": "The independent"
        hay.update(norm(m.head).split())
        self._keys[idx].add(norm(m.text))
        if not self._personish[idx] and (_person_head(m.head) or _WHO.search(m.full)):
            self._personish[idx] = True  # "a senior ranger in Selu National Park, who spoke ...": a person
        if not self._they[idx] and _THEY_USER.search(m.full):
            self._they[idx] = True
        self.history.append((m, idx))
        self._recent.pop(idx, None)
        self._recent[idx] = m.sent

    def _own_words(self, m: Mention, idx: int) -> bool:
        """A pronoun in the speaker's own reported words taken as the speaker ("Geert Halloran said
        she had been impossible to argue with"): a guess, too weak to give the speaker a gender."""
        return m.kind == "pronoun" and any(lo <= m.start < hi and cm.entity == idx for (lo, hi), cm in self.claims)

    def _recent_entities(self):
        """Entity indices, most recently mentioned first (at most MAX_RECENT_ENTITIES). Scanning
        these is the same as scanning the history backwards when the test is on the entity alone."""
        for n, idx in enumerate(reversed(self._recent)):
            if n >= MAX_RECENT_ENTITIES:
                self.capped = True
                return
            yield idx

    def _person_like(self, idx: int) -> bool:  # _person_like(entities[idx]), from the kept facts
        e = self.entities[idx]
        return e.kind == "person" or (e.kind == "generic" and not e.plural and self._personish[idx])

    @staticmethod
    def _number_clash(m: Mention, e: Entity) -> bool:
        """"the officials" is never one named person ("Minister Lejla Varnik ..., according to the
        officials"), nor "the minister" a group."""
        return e.kind == "person" and m.plural != e.plural

    def _thing_like(self, idx: int) -> bool:
        e = self.entities[idx]
        return e.kind in ("org", "gpe") or (e.kind == "generic" and not e.plural and not self._person_like(idx))

    def _view(self, idx: int) -> Entity:
        """The entity, or for a huge one its first MAX_VIEW_MENTIONS mentions and distinct names
        (typing reads every mention; a repeated mention must not make each lookup slower)."""
        e = self.entities[idx]
        if len(e.mentions) <= MAX_VIEW_MENTIONS and len(e.names) <= MAX_VIEW_MENTIONS:
            return e
        self.capped = True
        return Entity(kind=e.kind, names=list(self._names[idx])[:MAX_VIEW_MENTIONS], mentions=e.mentions[:MAX_VIEW_MENTIONS],
                      gender=e.gender, plural=e.plural, description=e.description, titles=set(e.titles))

    def add(self, m: Mention, inside: tuple[int, int] | None = None, medium: str | None = None) -> None:
        """`inside`: the content of the claim m is the source of. A speaker is not someone named in
        their own reported words ("Mr. Garvey, he said, 'chose the easy option'"), so a pronoun's
        antecedent is never taken from there."""
        check()  # the request's CPU budget / client still there (service.deadline)
        self._inside = inside
        idx = self._resolve(m)
        self._attach(m, idx)
        if medium:  # "Ostrava FC said in a statement": a later "The statement said" is Ostrava FC
            self._issued[idx] = (m.sent, medium)

    def _resolve(self, m: Mention) -> int:
        # "One of the people close to the player" after "three people close to the player": that group
        part = _PART_OF.match(norm(m.text))
        if part:
            group = part.group(1)
            last = group.split()[-1]
            for idx in self._recent_entities():
                e = self.entities[idx]
                # ("One of the people" is one of "People familiar with the matter": the same head)
                if e.plural and e.merged_into is None and any(
                        norm(x.text).endswith(group) or x.kind != "pronoun" and x.head == last and " " not in group
                        for x in self._view(idx).mentions):
                    return idx
        if norm(m.text) in _ONE_OF_GROUP:
            # "One said ...", "Another said ..." after "Two officials at the ministry": one of that group
            for mm, idx in self._candidates(m, 3):
                e = self.entities[idx]
                if e.plural and e.kind == "generic" and not e.names and _NUMBERED_GROUP.match(mm.text):
                    return idx
        if m.kind == "person" and m.name:
            toks = _name_tokens(m.name)
            if len(toks) == 1:
                # a surname alone is first the person whose name ends with it ("Marn" is Oskar Marn
                # before it is Liv Marn-Achebe)
                last = next(iter(toks))
                for idx in self._recent_entities():
                    e = self.entities[idx]
                    if e.kind == "person" and (not m.gender or not e.gender or m.gender == e.gender) and any(
                            len(n.split()) >= 2 and norm(n).split()[-1] == last for n in self._names[idx]):
                        return idx
            if len(toks) >= 2:
                # the same full name first, wherever it was: "Lucien Ferrant said" is the son named
                # before, not a nearer "Ms. Ferrant" who only shares his surname
                for idx in self._recent_entities():
                    e = self.entities[idx]
                    if e.kind == "person" and any(_name_tokens(n) == toks for n in self._names[idx]):
                        return idx
            for idx in self._recent_entities():
                e = self.entities[idx]
                if e.kind != "person" or not toks:
                    continue
                names = self._names[idx]
                if len(toks) >= 2:
                    # a full name is matched against full names: "Johan Marn" is not "Oskar Marn",
                    # though "Oskar Marn" is also "Marn"
                    full = [n for n in names if len(_name_tokens(n)) >= 2]
                    names = full or names
                for n in names:
                    et = _name_tokens(n)
                    if et and (toks <= et or et <= toks):
                        if m.gender and e.gender and m.gender != e.gender:
                            continue
                        return idx
            if len(toks) == 1 and not m.titles and not m.gender:
                # "Ostmere now expects ..." after "Ostmere Shipping said": a lone word NER calls a
                # person is the company whose name it opens, when no person has it
                got = self._named_org(replace(m, kind="org"))
                if got is not None:
                    return got
            return self._new(m, "person")
        if m.kind in ("org", "gpe") and m.name:
            got = None
            if m.kind == "org" and len(m.name.split()) == 1:
                # "Marsh, whose surname ..." after "Verity Marsh": the person, before "Marsh End"
                got = self._surname(m.name)
            if got is None:
                got = self._named_org(m)
            if got is not None:
                return got
            return self._new(m, m.kind)
        if m.kind == "pronoun":
            got = self._pronoun(m)
            if got is not None:
                return got
            return self._new(m, "pronoun")
        # "one of them": a member of the group last referred to as "they"
        if norm(m.text) in ("one of them", "one of those", "some of them", "two of them", "many of them"):
            for mm, idx in self._candidates(m, 4):
                if self.entities[idx].plural:
                    return idx
        # "The 81-year-old" after "Oskar Marn, who is 81,": the person of that age
        age = _AGED.match(m.text.strip())
        if age and age.group(1) in self.ages:
            toks = _name_tokens(self.ages[age.group(1)])
            for idx in self._recent_entities():
                e = self.entities[idx]
                if e.kind == "person" and any(_name_tokens(n) == toks for n in self._names[idx]):
                    return idx
        elif age:
            # no age given: the named person just before ("Norrvik's chairman, Bertil Hake, said ...
            # The 66-year-old told reporters")
            for mm, idx in self._candidates(m, 2):
                if self.entities[idx].kind == "person" and self._names[idx] and not self.entities[idx].plural:
                    return idx
        # generic noun phrase
        if m.definite:
            got = self._definite(m)
            if got is not None:
                return got
        elif m.head == "police" and not m.indefinite and not _modifiers(m):
            # bare "police said" after "Carvossa Police": the force the article names
            for idx in self._recent_entities():
                if self.entities[idx].kind == "org" and _fits_name("police", self._name_toks[idx]):
                    return idx
        key = norm(m.text)
        for idx in self._recent_entities():
            if self.entities[idx].kind == "generic" and key in self._keys[idx]:
                return idx
        return self._new(m, "generic")

    def _surname(self, name: str) -> int | None:
        """"Velic" labelled an organisation after "Ostrava FC striker Jarno Velic": a lone word that
        is the surname of a person named before is that person."""
        key = norm(name)
        for idx in self._recent_entities():
            e = self.entities[idx]
            if e.kind == "person" and any(len(n.split()) >= 2 and norm(n).split()[-1] == key for n in self._names[idx]):
                return idx
        return None

    def _named_org(self, m: Mention) -> int | None:
        """An earlier organisation or place with the same name, its acronym, or (organisations only)
        a name containing this one as whole words ("Tessaly" in "Tessaly Microsystems"). A place
        never absorbs the bodies named after it: "Ostrel" is not "Ostrel’s Defense Ministry", and
        "Tarsin General Hospital" is not "Tarsin Provincial Health Ministry"."""
        key = norm(m.name)
        ktoks = key.split()
        for idx in self._recent_entities():  # the same name or acronym anywhere first ("Quillwave" is
            e = self.entities[idx]           # the company, not the nearer "Quillwave Workers Alliance")
            if e.kind not in ("org", "gpe"):
                continue
            for n in self._names[idx]:
                k2 = norm(n)
                if key == k2 or key.replace(" ", "") == _acronym(n) or k2.replace(" ", "") == _acronym(m.name):
                    return idx
        for idx in self._recent_entities():
            e = self.entities[idx]
            if e.kind not in ("org", "gpe"):
                continue
            names = self._names[idx]
            if m.kind != "org" or e.kind != "org" or not e.names:
                continue
            best = norm(max(names, key=lambda n: (len(n.split()), len(n)))).split()  # e.best_name()
            short, long_ = (ktoks, best) if len(ktoks) <= len(best) else (best, ktoks)
            if short and len(" ".join(short)) > 3 and (long_[: len(short)] == short or long_[-len(short):] == short) \
                    and not _OTHER_BODY.intersection(long_) - set(short):
                return idx
        return None

    def _candidates(self, m: Mention, window: int):
        """Resolved mentions before m, nearest sentence first, subjects first within a sentence:
        the last MAX_CANDIDATES of the window (the history is in text order)."""
        prior = []
        for mm, idx in reversed(self.history):
            if m.sent - mm.sent > window:
                break
            if mm.start < m.start:
                if len(prior) >= MAX_CANDIDATES:
                    self.capped = True
                    break
                prior.append((mm, idx))
        prior.sort(key=lambda p: (-p[0].sent, not p[0].subject, p[0].start if p[0].sent != m.sent else -p[0].start))
        return prior

    def _pronoun(self, m: Mention) -> int | None:
        low = m.head
        inside = self._inside
        cands = self._candidates(m, 4)
        if low in REL_PRONOUNS:
            # "carers at Larchfield, who asked ...": the whole noun phrase just before, not a name inside it
            before = [(mm, idx) for mm, idx in cands if mm.sent == m.sent and mm.end <= m.start]
            if before:
                end = max(mm.end for mm, _ in before)
                return min((p for p in before if p[0].end == end), key=lambda p: p[0].start)[1]
            return None
        fallback = None  # "they": an organisation only when no group of people is as near
        for mm, idx in cands:
            if inside is not None and inside[0] <= mm.start < inside[1] and mm.sent == m.sent:
                continue  # within the sentence only: a content span running over sentences may hold the speaker's intro
            e = self.entities[idx]
            if fallback is not None and mm.sent != fallback[0]:
                return fallback[1]
            if low in PERSON_PRONOUNS:
                if self._person_like(idx) and not e.plural and (not m.gender or not e.gender or e.gender == m.gender):
                    if m.gender and not e.gender and mm.sent == m.sent:
                        # "Harriet Quance told the jury that Mr. Stallard's business owed ... and that he
                        # had ...": someone of that sentence known to be male beats one of unknown gender
                        # (known from its own words, "Mr." or "her son", not from pronouns attached to it)
                        sure = next((j for mm2, j in cands if mm2.sent == mm.sent and j != idx and self._person_like(j)
                                     and not self.entities[j].plural
                                     and any(x.kind != "pronoun" and x.gender == m.gender for x in self._view(j).mentions)),
                                    None)
                        if sure is not None:
                            return sure
                    return idx
            elif low in IT_PRONOUNS:
                if self._thing_like(idx):
                    return idx
            elif low in THEY_PRONOUNS:
                if e.plural or self._they[idx]:
                    return idx
                if e.kind in ("org", "gpe") and fallback is None:
                    fallback = (mm.sent, idx)
            else:
                return None
        return fallback[1] if fallback is not None else None

    def _definite(self, m: Mention) -> int | None:
        """"The agency", "the Ostreli ministry", "the directorate": an earlier entity whose names,
        titles, description or mention heads contain the head noun and every modifier (a demonym
        matches its place: "Ostreli" ~ "Ostrel"). A bare description ("the company", "the
        minister") may also take the nearest compatible entity — but a modified one ("the city's
        mayor", "the national statistics office") names someone new when nothing earlier matches."""
        if m.head in MEDIA and not _modifiers(m):
            spoke = [(sent, idx) for idx, (sent, medium) in self._issued.items()
                     if m.head == medium and 0 <= m.sent - sent <= 6 and self.entities[idx].merged_into is None]
            if spoke:
                return max(spoke)[1]
        if m.head == "team" and not _modifiers(m):
            # "Scientists working on the mission believe ... The team says ...": a research or
            # rescue team is the group of people just named
            for mm, idx in self._candidates(m, 3):
                e = self.entities[idx]
                if e.kind == "generic" and e.plural and (self._personish[idx] or mm.head in _people_heads()):
                    return idx
        want = _anaphor_kinds().get(m.head)
        if want is None and m.plural and m.head.endswith("s"):
            want = _anaphor_kinds().get(m.head[:-1])  # "the officials", "the researchers"
        if want is None and m.head in KIN_NOUNS:
            want = "person"  # "According to his daughter" after "Their daughter, Liv Marn-Achebe,"
        if want is None and m.head in _document_heads():
            want = "org"  # "the memo", "the poll": a thing, matched by its head below ("an internal memo seen by ...")
        mods = _modifiers(m)
        for idx in self._recent_entities():  # = the history backwards, each entity at its latest mention
            e = self.entities[idx]
            if e.merged_into is not None or self._number_clash(m, e):
                continue
            toks = self._hay[idx]  # norm() tokens of names, description, titles and mention heads
            # "the union" / "the judge" far below "the Calder Harbour Workers' Union" / "Judge Ines
            # Talbrook": the entity's own name or title carries the head noun, so distance does not
            # matter; anything weaker stays within 12 sentences
            named = _fits_name(m.head, self._name_toks[idx]) and e.kind == "org" or m.head in e.titles
            if m.sent - self._recent[idx] > 12 and not named:
                continue
            if not (m.head in toks or named) or not all(_mod_in(w, toks) for w in mods):
                continue
            if m.plural and e.plural and e.kind == "generic" and any(x.head == m.head for x in self._view(idx).mentions):
                return idx  # "the officials" after "two officials who spoke on condition of anonymity"
            if want is None:
                # an unlisted head noun ("the directorate", "the bureau") only by an organisation's own name
                if e.kind == "org" and _fits_name(m.head, self._name_toks[idx]):
                    return idx
                # "the defender", "the critic", "The independent": the role the article gave a named
                # person ("Vale defender Jamie Kirby", "the critic Dana Whitcombe")
                if e.kind == "person" and not m.plural and any(_has_role(x, m.head) for x in self._view(idx).mentions):
                    return idx
                continue
            own = _fits_name(m.head, self._name_toks[idx])  # "the agency" ~ "... News Agency"
            # "the agency" after "Oskaria's state news agency, OSNA": the article's own word for it
            own = own or any(x.description_head == m.head or x.kind != "pronoun" and x.head == m.head
                             for x in self._view(idx).mentions)
            if ((want == "person") == self._person_like(idx) or want == "org" and self._thing_like(idx)) \
                    and (own or _compatible(m.head, self._view(idx))):
                return idx
        if want is None or mods or m.text.split()[0].lower() in _POSSESSIVE_DETS:
            return None  # "our chairman", "her son": someone related to the nearest person, never them
        for mm, idx in self._candidates(m, 3):
            e = self.entities[idx]
            if self._number_clash(m, e):
                continue
            if want == "person" and e.kind == "person":
                return idx
            if want == "org" and e.kind == "org" and _compatible(m.head, self._view(idx)) \
                    and (m.head not in _sectors() or _fits_name(m.head, self._name_toks[idx])):
                return idx  # ("the union" is never the airline it is striking against)
        return None


_POSSESSIVE_DETS = {"his", "her", "its", "their", "our", "my", "your"}
# Words that make a longer name another body than the short one it starts or ends with: "Quillwave
# Workers Alliance" is not the company Quillwave, "Brisa Line" is Brisa.
_OTHER_BODY = {"workers", "employees", "staff", "alliance", "union", "federation", "association", "council",
               "party", "foundation", "trust", "committee", "campaign", "society", "institute", "fund",
               "club", "fans", "supporters", "shareholders", "pensioners", "residents", "victims", "families"}
_DETS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your"}
_CLASS_GROUPS = {"government": "state", "intelligence": "state", "organization": "org", "media": "org",
                 "document": "document", "person": "person"}


# Words that re-point at a thing already named rather than tell it apart: "the same poll", "the most
# recent report", "the company's own plan".
_REFERRING = {"same", "new", "latest", "recent", "most", "earlier", "previous", "own", "full", "final", "original",
              # a role's standing, not which holder: "Rehn conceded ... the outgoing mayor said"
              "outgoing", "incumbent", "embattled", "longtime", "veteran", "acting", "interim", "departing",
              "defeated", "former"}


@lru_cache(maxsize=1)
def _document_heads() -> frozenset[str]:
    from .source_types import document_heads  # late import: source_types is independent of coref

    return document_heads() | words("document_anaphors")


def _words_before_name(x: Mention) -> set[str]:
    """"independent candidate Sam Pellow" -> {"independent", "candidate"}: the lower-case words the
    article put before a person's name."""
    if x.kind != "person" or not x.name or x.name not in x.text:
        return set()
    return {w for w in norm(x.text[: x.text.index(x.name)]).split() if w.isalpha() and w not in _DETS}


def _has_role(x: Mention, head: str) -> bool:
    """Did the article give this mention's person the role `head` ("Vale defender Jamie Kirby", "the
    critic Dana Whitcombe", "Jamie Kirby, the defender")?"""
    return head in x.role_heads or x.description_head == head or head in _words_before_name(x)


def _modifiers(m: Mention) -> list[str]:
    toks = [t for t in norm(m.text).split() if t not in _DETS and t not in _REFERRING]
    if toks and toks[-1] in (m.head, m.head + "s"):
        toks = toks[:-1]
    elif m.head in toks:
        toks.remove(m.head)
    return toks


def _head_in(head: str, name_toks: set[str]) -> bool:
    """The head noun is a word of the name, or its stem ("the regulator" ~ "... Regulatory Office")."""
    return head in name_toks or len(head) >= 6 and any(t.startswith(head) and len(t) - len(head) <= 2 for t in name_toks)


@lru_cache(maxsize=1)
def _sectors() -> dict[str, frozenset[str]]:
    return {head: frozenset(ws.split()) for head, ws in pairs("anaphor_sectors")}


def _fits_name(head: str, name_toks: set[str]) -> bool:
    """"The <head>" can name the body with these name words: the name carries the head noun ("the
    agency" ~ "... News Agency") or a word of what the head describes ("the lender" ~ "Tolvane
    Bank", "the operator" ~ "Pallis Regional Rail"; lexicons/anaphor_sectors)."""
    return _head_in(head, name_toks) or not _sectors().get(head, frozenset()).isdisjoint(name_toks)


def _mod_in(word: str, toks: set[str]) -> bool:
    if word in toks:
        return True
    return len(word) >= 4 and any(len(t) >= 4 and (t.startswith(word) or word.startswith(t)) for t in toks)


@lru_cache(maxsize=4096)
def _noun_class(head: str) -> str | None:
    for kind, w in pairs("source_nouns"):
        if w == head:
            return _CLASS_GROUPS.get(kind)
    return None


def _compatible(head: str, e: Entity) -> bool:
    """Can "the <head>" refer to entity e? A report is not the agency that wrote it, a company is
    not a ministry; unknown classes are compatible."""
    from .source_types import source_type  # late import: source_types is independent of coref

    want = _noun_class(head) or ("document" if head in _document_heads() else None)
    if want is None:
        return True
    have = _CLASS_GROUPS.get(source_type(e))
    return have is None or have == want or (want == "org" and have == "state" and head in ("group", "organization"))


def lede_cataphora(entities: list[Entity], quoted: set[int], para_of_sent: list[int]) -> None:
    """Merge an indefinite lede speaker ("a Russian official") into the first named quoted person."""
    stats: dict[int, tuple[int, int, int]] = {}  # per quoted person, computed once (not per lede speaker)
    for i, e in enumerate(entities):
        if e.merged_into is not None or e.kind != "generic" or e.plural:
            continue
        named = [m for m in e.mentions if m.kind != "pronoun"]  # "A security researcher says she found ..."
        if not named or not all(m.indefinite for m in named) or not _person_like(e):
            continue
        first = min(named, key=lambda m: m.start)
        if para_of_sent[first.sent] > 1 or "anonym" in first.full.lower():
            continue
        best = None
        for j in quoted:
            f = entities[j]
            if j == i or f.kind != "person" or f.merged_into is not None:
                continue
            if j not in stats:
                stats[j] = _spread(f, para_of_sent)
            start, firstp, lastp = stats[j]
            if firstp - para_of_sent[first.sent] <= 4 and lastp >= para_of_sent[first.sent]:
                if best is None or start < best[0]:
                    best = (start, j)
        if best is not None:
            merge(entities, i, best[1])
            stats.pop(best[1], None)  # it has the lede's mentions now


def _spread(e: Entity, para_of_sent: list[int]) -> tuple[int, int, int]:
    """(first offset, first paragraph, last paragraph) of an entity's mentions."""
    paras = [para_of_sent[m.sent] for m in e.mentions]
    return min(m.start for m in e.mentions), min(paras), max(paras)


def merge(entities: list[Entity], src: int, dst: int) -> None:
    a, b = entities[src], entities[dst]
    for m in a.mentions:
        m.entity = dst
    b.mentions.extend(a.mentions)
    b.names.extend(a.names)
    a.mentions = []
    a.merged_into = dst


def spokes_bodies(entities: list[Entity]) -> None:
    """An unnamed spokesperson speaks for the body: "A company spokeswoman" after "Osterhaven Energy
    says ..." is Osterhaven Energy's voice, so the two are one source. The body is the organisation
    the mention names ("a spokesman for Harrowgate", "A Chirp spokesman") or, for a common noun
    ("a company spokeswoman", "the ministry's spokesman"), the nearest organisation before it whose
    name or kind fits. A spokesperson who is named anywhere ("..., Lars Eide,") stays a person."""
    from .sources import SPOKES

    for i, e in enumerate(entities):
        if e.merged_into is not None or e.kind != "generic" or e.names or e.plural:
            continue
        named = [m for m in e.mentions if m.kind != "pronoun"]
        if not named or not all(m.head in SPOKES for m in named):
            continue
        first = min(named, key=lambda m: m.start)
        body = next((m.org_of for m in named if m.org_of), None)
        if body is None:
            j = _body_just_before(entities, i, first)
            if j is not None:
                merge(entities, i, j)
            continue
        j = _body_entity(entities, i, body, first)
        if j is None:
            j = _described_voice(entities, i, body, first)
        if j is not None:
            merge(entities, i, j)


def _body_just_before(entities: list[Entity], i: int, at: Mention) -> int | None:
    """"The Coast and Mountain Rescue Service said ... A spokesman said ...": a spokesperson of no
    named body speaks for the one organisation that was the subject of this or the previous sentence."""
    near = {j for j, f in enumerate(entities) if j != i and f.merged_into is None and f.kind == "org"
            and any(m.subject and at.sent - 1 <= m.sent <= at.sent and m.start < at.start for m in f.mentions)}
    return next(iter(near)) if len(near) == 1 else None


def _body_entity(entities: list[Entity], i: int, body: str, at: Mention) -> int | None:
    proper = any(w[:1].isupper() for w in body.split() if w.lower() not in _DETS)
    key = norm(body)
    head = key.split()[-1] if key else ""
    best: tuple[bool, int, int] | None = None  # (name does not fit, distance before the mention, entity)
    for j, f in enumerate(entities):
        if j == i or f.merged_into is not None or f.kind != "org" or not f.names:
            continue
        before = [m for m in f.mentions if m.start < at.start]
        if proper:
            toks = set(key.split())
            fits = any(norm(n) == key or key.replace(" ", "") == _acronym(n) or toks <= set(norm(n).split())
                       for n in f.names)
            if fits:
                return j  # a name is a name wherever it stands
            continue
        if not before or at.sent - max(m.sent for m in before) > 12:
            continue
        fits = _fits_name(head, _name_words(f))
        if not (fits or _compatible(head, f)) or head in _sectors() and not fits:
            continue  # ("a league spokesman" is not the club the league's team plays next)
        # "a spokeswoman for the operator": the body named as an operator ("... Regional Rail")
        # before a nearer one that is merely an organisation (the union in the dispute)
        key = (not fits, at.start - max(m.start for m in before), j)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def _described_voice(entities: list[Entity], i: int, body: str, at: Mention) -> int | None:
    """"A spokesman for the minister" after "Finance Minister Leo Brandt": the person the role names;
    "A spokeswoman for the ministry" after "The ministry said ...": that body, named or not. The
    nearest before the spokesperson, within 12 sentences."""
    toks = norm(body).split()
    if not toks or toks[0] not in ("the", "its", "his", "her", "their") and len(toks) > 1 or any(w[:1].isupper() for w in body.split()):
        return None
    head = toks[-1]
    best: tuple[int, int] | None = None
    for j, f in enumerate(entities):
        if j == i or f.merged_into is not None:
            continue
        before = [m for m in f.mentions if m.start < at.start and at.sent - m.sent <= 12]
        if not before:
            continue
        if f.kind == "person":
            fits = head in {t.lower().rstrip(".") for t in f.titles} or any(_has_role(m, head) for m in f.mentions)
        else:
            fits = f.kind in ("org", "generic") and not f.plural and any(m.head == head and m.kind != "pronoun" for m in before)
        if fits:
            key = (at.start - max(m.start for m in before), j)
            if best is None or key < best:
                best = key
    return best[1] if best else None


def _name_words(e: Entity) -> set[str]:
    """norm() tokens of an entity's names (the Resolver keeps these per entity while resolving)."""
    return {t for n in e.names for t in norm(n).split()}


def definite_cataphora(entities: list[Entity], first_use: dict[str, int] | None = None) -> None:
    """"The union says ..." in a headline or abstract before the body names "the Saltmere Dockworkers'
    Union": a definite description that found nothing earlier goes to the first organisation after
    it whose own name carries the head noun. `first_use` (word -> first character offset in the
    article): a description whose head word the article used before ("the ministry's count",
    then "The ministry declined ...") points back to that, not forward."""
    for i, e in enumerate(entities):
        if e.merged_into is not None or e.kind != "generic" or e.names or e.plural:
            continue
        named = [m for m in e.mentions if m.kind != "pronoun"]
        if not named or not all(m.definite for m in named):
            continue
        first = min(named, key=lambda m: m.start)
        if first_use is not None and first_use.get(first.head, first.start) < first.start:
            continue
        mods = _modifiers(first)  # "the port authority": every modifier must be in the name too
        if _anaphor_kinds().get(first.head) == "person":
            _role_cataphora(entities, i, first)
            continue
        if _anaphor_kinds().get(first.head) != "org":
            continue
        best: tuple[int, int] | None = None
        for j, f in enumerate(entities):
            if j == i or f.merged_into is not None or f.kind != "org" or not f.mentions:
                continue
            start = min(m.start for m in f.mentions)
            toks = _name_words(f)
            if start > first.start and _fits_name(first.head, toks) and all(_mod_in(w, toks) for w in mods) \
                    and (best is None or start < best[0]):
                best = (start, j)
        if best is not None:
            merge(entities, i, best[1])


def _roles(f: Entity) -> set[str]:
    out = {t.lower().rstrip(".") for t in f.titles}
    for m in f.mentions:
        out.update(m.role_heads)
        if m.description_head:
            out.add(m.description_head)
    return out


def _role_cataphora(entities: list[Entity], i: int, first: Mention) -> None:
    """"Our chairman has already said ..." before the story names "Marrowfield chairman Piet Varga":
    a role description that found no one earlier is the one person named later in that role.
    Two people in the role leave it alone."""
    later = [j for j, f in enumerate(entities) if j != i and f.merged_into is None and f.kind == "person"
             and f.names and first.head in _roles(f)]
    if len(later) == 1 and min(m.start for m in entities[later[0]].mentions) > first.start:
        merge(entities, i, later[0])


def surname_people(entities: list[Entity]) -> None:
    """A person known only by a surname ("PREWITT:" labelling a transcript's turns before the
    moderator names "Commissioner Dale Prewitt", "Mr. Prewitt") is the one person of the article
    with that full name, wherever the full name comes."""
    full: dict[str, set[int]] = {}
    for j, f in enumerate(entities):
        if f.merged_into is None and f.kind == "person":
            for n in f.names:
                toks = norm(n).split()
                if len(toks) >= 2:
                    full.setdefault(toks[-1], set()).add(j)
    for i, e in enumerate(entities):
        if e.merged_into is not None or e.kind not in ("person", "org", "generic"):
            continue
        # its names, or for a transcript label the parser gave no name ("PREWITT") the label itself
        names = e.names or [m.text for m in e.mentions if m.kind != "pronoun" and m.text.isupper()]
        if not names or e.kind == "generic" and len(names) < sum(m.kind != "pronoun" for m in e.mentions):
            continue
        keys = {tuple(norm(n).split()) for n in names}
        if any(len(k) != 1 for k in keys) or len(keys) != 1:
            continue
        owners = full.get(next(iter(keys))[0], set()) - {i}
        if len(owners) == 1:
            merge(entities, i, owners.pop())
