"""Verify: Draft -> Summary + warnings.

Every summary sentence is checked before it leaves the service: its numbers and proper names
occur in the article, its claim ids exist, its wording is supported by the claims it cites, and
the source of each attributed claim it cites is named. A failing draft is regenerated once with
the failures fed back; sentences that still fail are replaced by extractive sentences built from
the top claims with their attributions, so an unverified sentence is never returned silently.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .attribute import Attribution
from .backends import Backend
from .errors import GenerationTimeout
from .ingest import Document
from .schema import Claim, Source, SummarizeOptions, SummarySentence
from .summarize import NUMBER, Draft, DraftSentence, extractive_sentence, numbers, select_claims, summarize

log = logging.getLogger(__name__)

_LEX = Path(__file__).parent / "lexicons"
_CAPWORD = re.compile(r"\b[A-Z][\w’'-]*[\w]")
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]+")
SUPPORT_MIN = 0.6  # share of the sentence's content words found in its cited claims


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    words = (_LEX / "stopwords.en.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


def _apos(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def _stem(word: str) -> str:
    return word.lower().replace("’", "'")[:5]


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _stopwords()}


@dataclass
class Check:
    ok: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class Summary:
    sentences: list[SummarySentence]
    warnings: list[str]
    stats: dict = field(default_factory=dict)


class Verifier:
    """Checks sentences against one article and its claims."""

    def __init__(self, doc: Document, attribution: Attribution):
        self.text = doc.text
        kept = _apos(" ".join(doc.text[s:e] for s, e in doc.kept()))
        self.numbers = numbers(kept)
        tokens = set(_WORD.findall(kept)) | set(re.findall(r"[\w'-]+", kept))
        # "Drivers'" and "Veldmark-Dobra" also stand for "Drivers", "Veldmark" and "Dobra"
        self.words = tokens | {t.strip("'-") for t in tokens} | {p for t in tokens for p in t.split("-") if p}
        self.claims: dict[str, Claim] = {c.id: c for c in attribution.claims}
        self.sources: dict[str, Source] = {s.id: s for s in attribution.sources}

    def source_named(self, sentence: str, source: Source) -> bool:
        low = sentence.lower()
        names = [source.name] + [m.text for m in source.mentions]
        for name in names:
            words = [w for w in _WORD.findall(name) if w.lower() not in _stopwords() and len(w) > 2]
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
            if claim.kind != "unsourced" and not self.source_named(s.text, source):
                problems.append(f"does not name the source of {cid} ({source.name})")
        return Check(ok=not problems, problems=problems)


def _extractive(verifier: Verifier, attribution: Attribution, used: set[str], n: int) -> list[SummarySentence]:
    out = []
    for claim in select_claims(attribution):
        if len(out) >= n:
            break
        if claim.id in used or len(claim.content.text.split()) < 5:
            continue
        text = extractive_sentence(claim, verifier.sources[claim.source_id])
        out.append(SummarySentence(text=text, claim_ids=[claim.id], verified=True))
        used.add(claim.id)
    return out


def verify(
    draft: Draft | None,
    doc: Document,
    attribution: Attribution,
    options: SummarizeOptions,
    backend: Backend | None = None,
    *,
    max_new_tokens: int = 220,
    time_budget_s: float | None = None,
    prompt_version: str | None = None,
) -> Summary:
    if draft is None:  # summaries not requested
        return Summary(sentences=[], warnings=[], stats={})
    verifier = Verifier(doc, attribution)
    warnings: list[str] = []
    stats = {"attempts": 1, "repairs": list(draft.repairs), "model_seconds": draft.model_seconds}

    def checked(d: Draft) -> list[tuple[DraftSentence, Check]]:
        out = []
        for s in d.sentences:
            if not s.claim_ids:
                s.claim_ids = verifier.guess_ids(s.text, list(verifier.claims))
                if s.claim_ids:
                    stats["repairs"].append("claim ids inferred")
            out.append((s, verifier.check(s)))
        return out

    results = checked(draft)
    failed = [(s, c) for s, c in results if not c.ok]
    if backend is not None and (not results or len(failed) * 2 > len(results)):
        feedback = "\n".join(f"- \"{s.text}\": {'; '.join(c.problems)}" for s, c in failed) or "- it was empty"
        try:
            retry = summarize(
                doc, attribution, options, backend,
                max_new_tokens=max_new_tokens, time_budget_s=time_budget_s, feedback=feedback,
                prompt_version=prompt_version or draft.prompt_version,
            )
            stats["attempts"] += 1
            stats["model_seconds"] += retry.model_seconds
            stats["repairs"] += retry.repairs
            retried = checked(retry)
            if sum(c.ok for _, c in retried) > sum(c.ok for _, c in results):
                results = retried
        except GenerationTimeout:
            warnings.append("summary retry ran out of time; kept the first draft's verified sentences")

    sentences: list[SummarySentence] = []
    used: set[str] = set()
    for s, c in results:
        if c.ok:
            sentences.append(SummarySentence(text=s.text, claim_ids=s.claim_ids, verified=True))
            used.update(s.claim_ids)
            continue
        # replace a failing sentence by the extractive sentence for the same claim when that passes
        cid = next((i for i in s.claim_ids if i not in used), None)
        if cid is not None:
            claim = verifier.claims[cid]
            alt = DraftSentence(text=extractive_sentence(claim, verifier.sources[claim.source_id]), claim_ids=[cid])
            if verifier.check(alt).ok:
                sentences.append(SummarySentence(text=alt.text, claim_ids=[cid], verified=True))
                used.add(cid)
                warnings.append(f"summary sentence replaced by an extractive one ({'; '.join(c.problems)}): {s.text}")
                stats["extractive"] = stats.get("extractive", 0) + 1
                continue
        warnings.append(f"summary sentence dropped ({'; '.join(c.problems)}): {s.text}")
    missing = options.max_sentences - len(sentences) if len(sentences) < min(2, options.max_sentences) else 0
    if missing:
        fill = _extractive(verifier, attribution, used, missing)
        if fill:
            warnings.append(f"{len(fill)} extractive summary sentence(s) added from top claims")
        sentences += fill
    stats["verified"] = sum(c.ok for _, c in results)
    stats["generated"] = len(results)
    return Summary(sentences=sentences[: options.max_sentences], warnings=warnings, stats=stats)
