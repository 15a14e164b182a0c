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
"""
from __future__ import annotations

import re

from .lexicon import pairs
from .model import Entity, Mention
from .sources import TITLES

_NORM = re.compile(r"[^a-z0-9 ]+")
PERSON_PRONOUNS = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
IT_PRONOUNS = {"it", "its", "itself"}
THEY_PRONOUNS = {"they", "them", "their", "themselves"}
REL_PRONOUNS = {"who", "which", "that"}


def norm(s: str) -> str:
    s = s.lower().replace("’s", "").replace("'s", "")
    s = _NORM.sub(" ", s)
    toks = [t for t in s.split() if t not in ("the", "a", "an")]
    return " ".join(toks)


def _name_tokens(name: str) -> set[str]:
    return {t for t in norm(name).split() if t not in {x.strip(".") for x in TITLES}}


def _acronym(name: str) -> str:
    return "".join(w[0] for w in norm(name).split() if w not in ("of", "and", "for"))


def _person_like(e: Entity) -> bool:
    if e.kind == "person":
        return True
    if e.kind == "generic" and not e.plural:
        kinds = dict((w, k) for w, k in pairs("anaphors"))
        return any(kinds.get(m.head) == "person" or m.head in _PERSON_HEADS for m in e.mentions)
    return False


_PERSON_HEADS = {"official", "spokesman", "spokeswoman", "aide", "lawyer", "analyst", "expert", "source", "person", "man", "woman", "diplomat"}


def _thing_like(e: Entity) -> bool:
    return e.kind in ("org", "gpe") or (e.kind == "generic" and not e.plural and not _person_like(e))


class Resolver:
    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.history: list[tuple[Mention, int]] = []  # resolved mentions in text order

    def _new(self, m: Mention, kind: str) -> int:
        e = Entity(kind=kind, plural=m.plural, gender=m.gender)
        self.entities.append(e)
        return len(self.entities) - 1

    def _attach(self, m: Mention, idx: int) -> None:
        e = self.entities[idx]
        m.entity = idx
        e.mentions.append(m)
        if m.name and m.kind in ("person", "org", "gpe"):
            e.names.append(m.name)
        if m.gender and not e.gender:
            e.gender = m.gender
        if m.description and not e.description:
            e.description = m.description
        e.titles.update(m.titles)
        self.history.append((m, idx))

    def add(self, m: Mention) -> None:
        idx = self._resolve(m)
        self._attach(m, idx)

    def _resolve(self, m: Mention) -> int:
        if m.kind == "person" and m.name:
            toks = _name_tokens(m.name)
            for _, idx in reversed(self.history):
                e = self.entities[idx]
                if e.kind != "person" or not toks:
                    continue
                for n in e.names:
                    et = _name_tokens(n)
                    if et and (toks <= et or et <= toks):
                        if m.gender and e.gender and m.gender != e.gender:
                            continue
                        return idx
            return self._new(m, "person")
        if m.kind in ("org", "gpe") and m.name:
            key = norm(m.name)
            for _, idx in reversed(self.history):
                e = self.entities[idx]
                if e.kind not in ("org", "gpe"):
                    continue
                for n in e.names:
                    k2 = norm(n)
                    if key == k2 or (len(key) > 3 and (key in k2 or k2 in key)) or key.replace(" ", "") == _acronym(n) or k2.replace(" ", "") == _acronym(m.name):
                        return idx
            return self._new(m, m.kind)
        if m.kind == "pronoun":
            got = self._pronoun(m)
            if got is not None:
                return got
            return self._new(m, "pronoun")
        # generic noun phrase
        if m.definite:
            got = self._definite(m)
            if got is not None:
                return got
        key = norm(m.text)
        for _, idx in reversed(self.history):
            e = self.entities[idx]
            if e.kind == "generic" and any(norm(x.text) == key for x in e.mentions):
                return idx
        return self._new(m, "generic")

    def _candidates(self, m: Mention, window: int):
        """Resolved mentions before m, nearest sentence first, subjects first within a sentence."""
        prior = [(mm, idx) for mm, idx in self.history if mm.start < m.start and m.sent - mm.sent <= window]
        prior.sort(key=lambda p: (-p[0].sent, not p[0].subject, p[0].start if p[0].sent != m.sent else -p[0].start))
        return prior

    def _pronoun(self, m: Mention) -> int | None:
        low = m.head
        for mm, idx in self._candidates(m, 4):
            e = self.entities[idx]
            if low in PERSON_PRONOUNS:
                if _person_like(e) and not e.plural and (not m.gender or not e.gender or e.gender == m.gender):
                    return idx
            elif low in IT_PRONOUNS:
                if _thing_like(e):
                    return idx
            elif low in THEY_PRONOUNS:
                if e.plural or e.kind in ("org", "gpe"):
                    return idx
            elif low in REL_PRONOUNS:
                if mm.sent == m.sent:
                    return idx
            else:
                return None
        return None

    def _definite(self, m: Mention) -> int | None:
        kinds = dict(pairs("anaphors"))
        want = kinds.get(m.head)
        if want is None:
            return None
        for mm, idx in reversed(self.history):
            if m.sent - mm.sent > 12:
                break
            e = self.entities[idx]
            hay = " ".join(e.names + [e.description or ""] + sorted(e.titles) + [x.head for x in e.mentions]).lower()
            if m.head in hay.split() or m.head in norm(hay):
                if (want == "person") == _person_like(e) or want == "org" and _thing_like(e):
                    return idx
        for mm, idx in self._candidates(m, 3):
            e = self.entities[idx]
            if want == "person" and e.kind == "person":
                return idx
            if want == "org" and e.kind == "org":
                return idx
        return None


def lede_cataphora(entities: list[Entity], quoted: set[int], para_of_sent: list[int]) -> None:
    """Merge an indefinite lede speaker ("a Russian official") into the first named quoted person."""
    for i, e in enumerate(entities):
        if e.merged_into is not None or e.kind != "generic" or e.plural:
            continue
        if not e.mentions or not all(m.indefinite for m in e.mentions) or not _person_like(e):
            continue
        first = min(e.mentions, key=lambda m: m.start)
        if para_of_sent[first.sent] > 1 or "anonym" in first.full.lower():
            continue
        best = None
        for j in quoted:
            f = entities[j]
            if j == i or f.kind != "person" or f.merged_into is not None:
                continue
            start = min(m.start for m in f.mentions)
            lastp = max(para_of_sent[m.sent] for m in f.mentions)
            if min(para_of_sent[m.sent] for m in f.mentions) - para_of_sent[first.sent] <= 4 and lastp >= para_of_sent[first.sent]:
                if best is None or start < best[0]:
                    best = (start, j)
        if best is not None:
            merge(entities, i, best[1])


def merge(entities: list[Entity], src: int, dst: int) -> None:
    a, b = entities[src], entities[dst]
    for m in a.mentions:
        m.entity = dst
    b.mentions.extend(a.mentions)
    b.names.extend(a.names)
    a.mentions = []
    a.merged_into = dst
