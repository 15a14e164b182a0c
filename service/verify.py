"""Verify: Draft -> Verdict (each sentence with the problems found in it).

Every summary sentence is checked before it leaves the service: its numbers and proper names
occur in the article, its claim ids exist, its wording is supported by the claims it cites, and
the source of each attributed claim it cites is named. It only checks: what fails is regenerated,
repaired or replaced by the next stage (repair.py), so an unverified sentence is never returned.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .attribute import Attribution
from .ingest import Document
from .lexicons import words as lexicon_words
from .schema import Claim, Source
from .selection import _kind_of_name, reader_name, valid_names
from .summarize import NUMBER, Draft, DraftSentence, numbers

log = logging.getLogger(__name__)

_CAPWORD = re.compile(r"\b[A-Z][\w’'-]*[\w]")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]+")
SUPPORT_MIN = 0.6  # share of the sentence's content words found in its cited claims
LAUNDER_MIN = 0.5  # share of another claim's content words a sentence carries before it must name that source
_QUALIFIER = re.compile(
    r"\b(?:as (?:many|much|few|little) as|up to|about|nearly|almost|more than|less than|fewer than|at least|at most|"
    r"around|roughly|some|over|under|approximately|an estimated|close to|estimated|only|just|no more than|as high as)\s*$", re.I)
_UNIT = re.compile(r"^\s*(?:%|percent|per cent|percentage points?|million|billion|trillion|thousand|hundred)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|without|n't|den(?:y|ies|ied)|refused|declined|rejected)\b|n't\b", re.I)
# "would" is left out: in reported speech it is mostly the tense shift of "will" ("said it would build")
_HEDGE = re.compile(r"\b(?:may|might|could|possibly|probably|perhaps|reportedly|allegedly|appear(?:s|ed)?|seem(?:s|ed)?)\b", re.I)
# a date word is dropped from a summary sentence without loss ("on Wednesday"); any other name is a fact
_DATE_NAME = re.compile(r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|"
                        r"june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|i)$", re.I)
_NAME_TOKEN = re.compile(r"\b[A-Z][\w’'-]*[A-Za-z0-9]")
CARRY_MIN = 1 / 3  # share of a number-free cited claim's content words a sentence must keep to carry it
# how lost_facts' and borrowed's problems begin: repair replaces such a sentence by its claims' own words
LOST = ("loses ", "does not carry ", "borrows ")
_SAID_BY = re.compile(r"((?:[A-Z][\w.’'-]*\s+){0,4}[A-Z][\w.’'-]*)\s+(?:said|says|told|claimed|reported|announced|stated|added)\b")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return lexicon_words("stopwords")  # the one loader: the file's header comment is no stopword


def _apos(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def _stem(word: str) -> str:
    return word.lower().replace("’", "'")[:5]


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _stopwords()}


_DETERMINER = frozenset("the a an its his her their our this that these those".split())


def _names_for_a_reader(mention: str, own: set[str]) -> bool:
    """Whether a mention of a source names it to a reader who has only the summary: a proper name
    ("Sorvenna's Agriculture Ministry", "Ms. Halász") does, and so does a description whose noun is the
    source's own ("the ministry" for the Agriculture Ministry); a common noun the article's coreference
    gave it ("the government" for the Agriculture Ministry, "the minister", "its spokesman") does not:
    in a summary it reads as another actor, so "the government suspended all wheat exports" does not
    give the ministry's claim its source."""
    words = [w for w in re.findall(r"[\w’'.-]+", mention)]
    if any(w[:1].isupper() and w.lower() not in _DETERMINER for w in words):
        return True
    head = re.sub(r"['’]s?$", "", words[-1].lower()) if words else ""
    own_words = {re.sub(r"['’]s?$", "", w.lower()) for n in own for w in re.findall(r"[\w’'.-]+", n)}
    return bool(head) and head in own_words


@dataclass
class Check:
    ok: bool
    problems: list[str] = field(default_factory=list)


class Verifier:
    """Checks sentences against one article and its claims."""

    def __init__(self, doc: Document, attribution: Attribution):
        self.doc = doc
        self.text = doc.text
        kept = _apos(" ".join(doc.text[s:e] for s, e in doc.kept()))
        self.numbers = numbers(kept)
        tokens = set(_WORD.findall(kept)) | set(re.findall(r"[\w'-]+", kept))
        # "Drivers'" and "Veldmark-Dobra" also stand for "Drivers", "Veldmark" and "Dobra"
        self.words = tokens | {t.strip("'-") for t in tokens} | {p for t in tokens for p in t.split("-") if p}
        self.claims: dict[str, Claim] = {c.id: c for c in attribution.claims}
        self.sources: dict[str, Source] = {s.id: s for s in attribution.sources}
        # words in the names of two or more sources ("Saltmere" in "Port of Saltmere Authority" and
        # "Saltmere Dockworkers' Union"): such a word names neither of them
        owners: dict[str, set[str]] = {}
        for src in attribution.sources:
            for w in _WORD.findall(src.name):
                owners.setdefault(w.lower(), set()).add(src.id)
        self.shared_name_words = frozenset(w for w, ids in owners.items() if len(ids) > 1)

    def names(self, claim: Claim | None, source: Source) -> list[str]:
        """The texts that name this source validly: never a place, date, dateline or headline fragment,
        nor a mention that is only a common noun another source could be (see `_names_for_a_reader`)."""
        key = (claim.id if claim else None, source.id)
        if not hasattr(self, "_names"):
            self._names: dict = {}
        if key not in self._names:
            own = {source.name, reader_name(claim, source, self.doc) or ""} - {""}
            self._names[key] = [n for n in valid_names(claim, source, self.doc) if n in own or _names_for_a_reader(n, own)]
        return self._names[key]

    def reader_name(self, claim: Claim) -> str | None:
        return reader_name(claim, self.sources[claim.source_id], self.doc) if claim.kind != "unsourced" else None

    def source_named(self, sentence: str, source: Source, claim: Claim | None = None) -> bool:
        low = sentence.lower()
        for name in self.names(claim, source):
            words = [w for w in _WORD.findall(name) if w.lower() not in _stopwords() and len(w) > 2
                     and w.lower() not in self.shared_name_words]
            # a person is named by a surname, an organisation by any distinctive word of its name
            if name.lower() in low or any(re.search(rf"\b{re.escape(w.lower())}", low) for w in words):
                return True
        return False

    def unsupported_tokens(self, sentence: str) -> list[str]:
        sentence = _apos(sentence)
        bad = [n for n in NUMBER.findall(sentence) if n.replace(",", "") not in self.numbers]
        for w in _CAPWORD.findall(sentence):
            if w not in self.words and w.lower() not in self.words and w.lower() not in _stopwords():
                bad.append(w)
        return bad

    def support(self, sentence: str, ids: list[str]) -> float:
        words = content_words(sentence)
        if not words:
            return 1.0
        cited = set()
        for cid in ids:
            claim = self.claims[cid]
            cited |= content_words(claim.content.text)
            source = self.sources[claim.source_id]
            cited |= content_words(source.name + " " + " ".join(m.text for m in source.mentions))
            cited |= content_words(source.description or "")
            if claim.cue:
                cited |= content_words(claim.cue.text)
        cited |= content_words("said says told according statement reported added claimed warned denied")
        return len(words & cited) / len(words)

    def guess_ids(self, sentence: str, pool: list[str]) -> list[str]:
        """Claims a sentence most likely rests on, for a sentence the model left untagged."""
        words = content_words(sentence)
        scored = sorted(
            ((len(words & content_words(self.claims[c].content.text)), c) for c in pool), reverse=True
        )
        if not scored or scored[0][0] == 0:
            return []
        best = scored[0][0]
        return [c for n, c in scored[:2] if n >= max(2, best * 0.6)]

    def laundered(self, sentence: str, ids: list[str]) -> list[Claim]:
        """Attributed claims a sentence carries without citing them: their source must be named too."""
        words = content_words(sentence)
        cited = [self.claims[i] for i in ids if i in self.claims]
        cited_words = set().union(*(content_words(c.content.text) for c in cited)) if cited else set()
        for c in cited:  # naming the cited source ("Harlan Referees' Association said") carries no other claim
            cited_words |= self._voice_words(c)
        cited_nums = set().union(*(numbers(c.content.text) for c in cited)) if cited else set()
        sent_nums = {n for n in numbers(sentence) if len(n) > 1 or n not in "0123456789"} - cited_nums
        out = []
        for c in self.claims.values():
            if c.id in ids or c.kind == "unsourced":
                continue
            cw = content_words(c.content.text)
            shared = words & cw
            by_number = bool(sent_nums & numbers(c.content.text)) and len(shared) >= 2
            by_words = len(shared) >= 4 and len(shared) >= LAUNDER_MIN * len(cw) and len(shared - cited_words) >= 2
            if by_number or by_words:
                out.append(c)
        return out

    def _voice_words(self, claim) -> set[str]:
        """Content words of the names a claim's source goes by: its name, its mentions, its reader name."""
        src = self.sources[claim.source_id]
        return content_words(" ".join([src.name, *(m.text for m in src.mentions), self.reader_name(claim) or ""]))

    def lost_facts(self, sentence: str, ids: list[str]) -> list[str]:
        """What a sentence lost of the claims it cites: a number, a name (a capitalised word inside the
        claim, such as the "Velsland Football Federation" an unsourced lede sentence names as its source;
        weekdays and months aside), or, for a claim without numbers, nearly all its words (the second
        claim of a two-claim sentence left out). The claim's own words always keep them, so repair
        replaces such a sentence by its extractive one: a rewrite may shorten, never lose a fact."""
        problems = []
        sent = _apos(" ".join(sentence.split()))
        sent_nums = numbers(sent)
        sent_words = {re.sub(r"'s?$", "", w.lower()) for w in re.findall(r"[\w'-]+", sent)}  # "Russia's" has "Russia"
        sent_words |= {p for w in sent_words for p in w.split("-") if p}
        for cid in ids:
            claim = self.claims.get(cid)
            if claim is None:
                continue
            text = _apos(" ".join(claim.content.text.split()))
            nums = numbers(text)
            lost = sorted(nums - sent_nums, key=text.find)
            if lost:
                problems.append(f"loses {', '.join(lost)} of {cid}")
            names = []
            for m in _NAME_TOKEN.finditer(text):
                before = text[: m.start()].rstrip()
                if not before or before[-1] in ".!?:\"“(" or before.endswith("—"):
                    continue  # a sentence's first word is capitalised anyway
                word = re.sub(r"'s?$", "", m.group(0))
                if _DATE_NAME.match(word.rstrip(".")) or word.lower() in _stopwords() or len(word) < 2:
                    continue
                if word.lower() not in sent_words and word.lower().split("-")[0] not in sent_words:
                    names.append(word)
            if names:
                problems.append(f"loses the name{'s' if len(names) > 1 else ''} {', '.join(dict.fromkeys(names))} of {cid}")
            if not nums:
                cw = content_words(text)
                if len(cw) >= 3 and len(content_words(sent) & cw) < CARRY_MIN * len(cw):
                    problems.append(f"does not carry {cid}")
        return problems

    def borrowed(self, sentence: str, ids: list[str]) -> list[str]:
        """Words a sentence has from another source's claim and not from its own claims ("Morvania expelled
        four Estreli diplomats" for the reporter's "ordered four Estreli diplomats to leave", when the news
        agency's claim is that Estrel "would expel an equal number of Morvanian diplomats"): with four
        words shared, the sentence reads as that source's claim, unnamed; its own claims' words do not.
        A claim the sentence carries outright (`laundered`) is left to naming its source."""
        cited = [self.claims[i] for i in ids if i in self.claims]
        if not cited:
            return []
        own = content_words("said says told according statement reported added claimed warned denied")
        for c in cited:
            own |= self._voice_words(c) | content_words(" ".join(
                [c.content.text, c.cue.text if c.cue else "", self.sources[c.source_id].description or ""]))
        words = content_words(sentence)
        new = words - own
        if not new:
            return []
        sources = {c.source_id for c in cited}
        carried = {o.id for o in self.laundered(sentence, ids)}  # those must name their source instead
        for o in self.claims.values():
            if o.kind == "unsourced" or o.source_id in sources or o.id in ids or o.id in carried:
                continue
            ow = content_words(o.content.text)
            if new & ow and len(words & ow) >= 4:
                return [f"borrows {', '.join(sorted(new & ow))} from {o.id}"]
        return []

    def faithfulness(self, sentence: str, ids: list[str]) -> list[str]:
        """Qualifiers and units of numbers, negations and hedges of the cited claims survive."""
        problems = []
        cited = [self.claims[i] for i in ids if i in self.claims]
        if not cited:
            return problems
        src = " ".join(" ".join(c.content.text.split()) for c in cited)
        cues = " ".join(c.cue.text for c in cited if c.cue)
        sent = " ".join(sentence.split())
        for m in NUMBER.finditer(sent):
            n = m.group(0)
            for cm in re.finditer(rf"(?<![\d,.]){re.escape(n)}(?![\d,]|\.\d)", src):
                q = _QUALIFIER.search(src[max(0, cm.start() - 24): cm.start()])
                if q and not _QUALIFIER.search(sent[max(0, m.start() - 24): m.start()]):
                    problems.append(f"drops the qualifier '{q.group(0).strip()}' of {n}")
                u = _UNIT.match(src[cm.end():])
                if u and not _UNIT.match(sent[m.end():]):
                    problems.append(f"drops the unit '{u.group(0).strip()}' of {n}")
                break
        if _NEGATION.search(src) and not _NEGATION.search(sent):
            problems.append("drops a negation of its claim")
        elif _NEGATION.search(sent) and not _NEGATION.search(src + " " + cues):
            problems.append("adds a negation its claim does not have")
        if _HEDGE.search(src) and not _HEDGE.search(sent):
            problems.append(f"drops the hedge '{_HEDGE.search(src).group(0)}'")
        return problems

    def bad_subjects(self, sentence: str) -> list[str]:
        """Names a sentence gives as who said something that are places, dates or datelines."""
        out = []
        for m in _SAID_BY.finditer(sentence):
            name = m.group(1).strip()
            if name.split()[0] in ("The", "A", "An") and len(name.split()) == 1:
                continue
            if _kind_of_name(name) in ("place", "date") or (name.isupper() and len(name) > 3):
                out.append(name)
        return out

    def check(self, s: DraftSentence) -> Check:
        problems = []
        if not s.claim_ids:
            problems.append("cites no claim")
        bad = self.unsupported_tokens(s.text)
        if bad:
            problems.append("names or numbers not in the article: " + ", ".join(dict.fromkeys(bad)))
        if s.claim_ids and self.support(s.text, s.claim_ids) < SUPPORT_MIN:
            problems.append("not supported by its cited claims " + " ".join(s.claim_ids))
        for cid in s.claim_ids:
            claim = self.claims[cid]
            source = self.sources[claim.source_id]
            if claim.kind != "unsourced" and not self.source_named(s.text, source, claim):
                problems.append(f"does not name the source of {cid} ({self.reader_name(claim) or source.name})")
        for claim in self.laundered(s.text, s.claim_ids):
            source = self.sources[claim.source_id]
            # the cited sources' own names name them, not this one ("Agriculture Minister Petra Halász
            # denied ..." does not name the Agriculture Ministry whose claim the sentence carries)
            masked = s.text
            for cid in s.claim_ids:
                cited = self.claims[cid]
                if cited.source_id != claim.source_id and cited.kind != "unsourced":
                    names = {self.reader_name(cited) or "", self.sources[cited.source_id].name} - {""}
                    for name in sorted(names, key=len, reverse=True):  # the fullest first: "Agriculture Minister X", then "X"
                        masked = re.sub(re.escape(name.strip(" ,")), " ", masked, flags=re.I)
            if not self.source_named(masked, source, claim):
                problems.append(f"carries {claim.id} without naming its source ({self.reader_name(claim) or source.name})")
        for name in self.bad_subjects(s.text):
            problems.append(f"gives '{name}' (a place, date or dateline) as a source")
        problems += self.faithfulness(s.text, s.claim_ids)
        problems += self.lost_facts(s.text, s.claim_ids)
        problems += self.borrowed(s.text, s.claim_ids)
        return Check(ok=not problems, problems=problems)


@dataclass
class Verdict:
    """A draft with each sentence's check, in draft order. Verify never changes the draft."""

    draft: Draft
    checks: list[tuple[DraftSentence, Check]]
    verifier: Verifier | None = field(default=None, repr=False)  # for repair's re-checks (its name cache is warm)

    @property
    def passed(self) -> int:
        return sum(c.ok for _, c in self.checks)

    @property
    def failed(self) -> list[tuple[DraftSentence, Check]]:
        return [(s, c) for s, c in self.checks if not c.ok]


def verify(draft: Draft | None, doc: Document, attribution: Attribution, verifier: Verifier | None = None) -> Verdict | None:
    """Check every sentence of a draft (None: summaries not requested). A pure checker: fixing what
    fails (regeneration, inserted attributions, extractive fallbacks) is the repair stage's job."""
    if draft is None:
        return None
    verifier = verifier or Verifier(doc, attribution)
    return Verdict(draft=draft, checks=[(s, verifier.check(s)) for s in draft.sentences], verifier=verifier)
