"""Repair: Verdict -> Summary (only verified sentences, with a warning for everything changed).

What verify found wrong is fixed here, cheapest first:

1. a sentence the model left untagged gets the claims it most likely rests on (then re-checked); a
   sentence that lost a number, a name or a whole claim of what it cites becomes the extractive
   sentence for the same claims (the claims' own words keep every fact);
2. a sentence whose only fault is an attributed claim it carries without naming the source gets the
   attribution inserted ("…, according to the Chamber of Commerce") at the clause that carries it;
   a cited claim the sentence does not carry loses its citation instead (never "according to" a
   source whose words the sentence does not use);
3. a draft that still mostly fails is regenerated once, with its problems fed back in the wording of
   the repair prompt (prompts/repair.v*.jinja); the better of the two drafts is kept;
4. a failing sentence is replaced by the extractive sentence for the same claims when that passes,
   else dropped; a summary left with fewer than two sentences is filled from the top claims.

The regeneration is a callable the pipeline hands in (it calls summarize), so data flows one way:
summarize -> verify -> repair.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .attribute import Attribution
from .errors import GenerationTimeout
from .ingest import Document
from .prompts import load
from .schema import SummarizeOptions, SummarySentence
from .selection import select_units, target_length
from .summarize import Draft, DraftSentence, extractive_unit, numbers
from .verify import LOST, Check, Verdict, Verifier, content_words, verify

log = logging.getLogger(__name__)

REPAIR_PROMPT = "repair.v1"  # the feedback wording; its id is in every summary's prompt_versions


@dataclass
class Summary:
    sentences: list[SummarySentence]
    warnings: list[str]
    stats: dict = field(default_factory=dict)


def feedback(verdict: Verdict, prompt_version: str | None = None) -> str:
    """The failed sentences and their problems, worded by the repair prompt for the summarize
    prompt's mode (summarize.v1 is free-form; v2+ write one sentence a unit)."""
    mode = load(prompt_version or verdict.draft.prompt_version).params.get("mode", "free")
    failures = [{"text": s.text, "problems": c.problems} for s, c in verdict.failed]
    return load(REPAIR_PROMPT).render(mode=mode, failures=failures)[-1]["content"]


def extractive_for(verifier: Verifier, ids: list[str]) -> DraftSentence:
    """The model-free sentence for these claims, each source named as a reader would."""
    claims = [verifier.claims[i] for i in ids]
    names = {c.id: verifier.reader_name(c) for c in claims}
    return DraftSentence(text=extractive_unit(claims, verifier.sources, names), claim_ids=list(ids))


def _infer_ids(verdict: Verdict, verifier: Verifier, stats: dict) -> Verdict:
    """Untagged sentences (summarize.v1) cite the claims they most likely rest on, then are re-checked."""
    checks: list[tuple[DraftSentence, Check]] = []
    for s, c in verdict.checks:
        if not s.claim_ids:
            ids = verifier.guess_ids(s.text, list(verifier.claims))
            if ids:
                stats["repairs"].append("claim ids inferred")
                s = DraftSentence(text=s.text, claim_ids=ids)
                c = verifier.check(s)
        checks.append((s, c))
    return Verdict(draft=verdict.draft, checks=checks, verifier=verifier)


_UNNAMED = re.compile(r"^(?:does not name the source of|carries) (c\d+)\b")
_CLAUSE = re.compile(r"(;\s+|,\s+(?:while|but|and|whereas)\s+)")


def with_attribution(verifier: Verifier, s: DraftSentence, check: Check) -> DraftSentence | None:
    """The sentence with "according to <source>" added for each claim it carries unnamed, at the end of
    the clause that carries it; None when it has other problems too (those need a new sentence)."""
    # "not supported" may only mean the carried claim is not cited yet: citing it is part of the fix,
    # and the caller re-checks the result
    # (and "does not carry" is what un-citing the claim below fixes)
    missing = [_UNNAMED.match(p) for p in check.problems if not p.startswith(("not supported by its cited claims", "does not carry "))]
    if not missing or not all(missing):
        return None
    text, ids = s.text.rstrip(), list(s.claim_ids)
    for cid in dict.fromkeys(m.group(1) for m in missing):
        claim = verifier.claims[cid]
        words = content_words(claim.content.text)
        if cid in ids and len(ids) > 1 and len(content_words(text) & words) < max(2, 0.3 * len(words)):
            ids.remove(cid)  # cited but not carried: the citation is wrong, not the sentence's source
            continue
        name = (verifier.reader_name(claim) or "").strip(" ,")
        if not name:
            return None
        name = re.sub(r"^(?:The|A|An)\b", lambda m: m.group(0).lower(), name)  # "according to a national review"
        end = text[-1] if text[-1] in ".!?" else ""
        parts = _CLAUSE.split(text[: len(text) - len(end)])
        clauses = parts[0::2]
        best = max(range(len(clauses)), key=lambda i: (len(content_words(clauses[i]) & words), i))
        clauses[best] = f"{clauses[best].rstrip(' ,')}, according to {name}"
        parts[0::2] = clauses
        text = "".join(parts) + end
        if cid not in ids:
            ids.append(cid)
    return DraftSentence(text=text, claim_ids=ids)


_INSERTED = "summary sentence repaired: attribution inserted"
_UNCITED = "summary sentence repaired: citation of a claim it does not carry removed"


def _name_sources(verdict: Verdict, verifier: Verifier, stats: dict, warnings: list[str]) -> Verdict:
    """Sentences that fail only for an unnamed source get it inserted (free, before any regeneration)."""
    checks: list[tuple[DraftSentence, Check]] = []
    for s, c in verdict.checks:
        named = with_attribution(verifier, s, c) if not c.ok else None
        fixed = verifier.check(named) if named is not None else None
        if fixed is not None and fixed.ok:
            what = _INSERTED if named.text != s.text else _UNCITED
            warnings.append(f"{what} ({'; '.join(c.problems)}): {s.text}")
            stats["attribution_inserted"] = stats.get("attribution_inserted", 0) + 1
            s, c = named, fixed
        checks.append((s, c))
    return Verdict(draft=verdict.draft, checks=checks, verifier=verifier)


_KEPT = "summary sentence replaced by an extractive one"


def _keep_facts(verdict: Verdict, verifier: Verifier, stats: dict, warnings: list[str]) -> Verdict:
    """A sentence that lost a number, a name or a whole claim of its unit is replaced by the extractive
    sentence for the same claims, when that passes (free, before any regeneration and before a citation
    of a claim it left out could be removed): the model may shorten a claim, never lose its facts.
    summarize.v3+ only, whose citations are the selection's unit, not the model's choice."""
    if load(verdict.draft.prompt_version).params.get("mode") != "per_unit":
        return verdict  # v1 cites claims itself and v2 is kept as it was for A/B runs
    checks: list[tuple[DraftSentence, Check]] = []
    for s, c in verdict.checks:
        # only what losing part of a claim explains (its facts, its source's name, its qualifiers, negations
        # and hedges: "drops ..."): a sentence that also invents something is the regeneration's to fix
        if not c.ok and s.claim_ids and any(p.startswith(LOST) for p in c.problems) \
                and all(p.startswith((*LOST, "drops ")) or _UNNAMED.match(p) for p in c.problems):
            alt = extractive_for(verifier, s.claim_ids)
            fixed = verifier.check(alt)
            if fixed.ok:
                warnings.append(f"{_KEPT} ({'; '.join(c.problems)}): {s.text}")
                stats["extractive"] = stats.get("extractive", 0) + 1
                s, c = alt, fixed
        checks.append((s, c))
    return Verdict(draft=verdict.draft, checks=checks, verifier=verifier)


def _extractive(verifier: Verifier, attribution: Attribution, used: set[str], n: int) -> list[SummarySentence]:
    out = []
    for unit in select_units(verifier.doc, attribution, n + len(used)):
        if len(out) >= n:
            break
        ids = [c.id for c in unit.claims]
        if any(i in used for i in ids) or sum(len(c.content.text.split()) for c in unit.claims) < 5:
            continue
        alt = extractive_for(verifier, ids)
        if not verifier.check(alt).ok:
            continue
        out.append(SummarySentence(text=alt.text, claim_ids=ids, verified=True))
        used.update(ids)
    return out


def repair(
    verdict: Verdict | None,
    doc: Document,
    attribution: Attribution,
    options: SummarizeOptions,
    regenerate: Callable[[str], Draft] | None = None,
    verifier: Verifier | None = None,
) -> Summary:
    """The summary to return: verified sentences only (see the module docstring)."""
    if verdict is None:  # summaries not requested
        return Summary(sentences=[], warnings=[], stats={})
    verifier = verifier or verdict.verifier or Verifier(doc, attribution)
    draft = verdict.draft
    warnings: list[str] = []
    stats = {"attempts": 1, "repairs": list(draft.repairs), "model_seconds": draft.model_seconds}

    verdict = _name_sources(_keep_facts(_infer_ids(verdict, verifier, stats), verifier, stats, warnings), verifier, stats, warnings)
    if regenerate is not None and (not verdict.checks or len(verdict.failed) * 2 > len(verdict.checks)):
        try:
            retry = regenerate(feedback(verdict))
            stats["attempts"] += 1
            stats["model_seconds"] += retry.model_seconds
            stats["repairs"] += retry.repairs
            retry_warnings: list[str] = []
            retried = _name_sources(_keep_facts(_infer_ids(verify(retry, doc, attribution, verifier), verifier, stats),
                                                verifier, stats, retry_warnings), verifier, stats, retry_warnings)
            if retried.passed > verdict.passed:
                verdict = retried
                warnings = [w for w in warnings if not w.startswith((_INSERTED, _UNCITED, _KEPT))] + retry_warnings
        except GenerationTimeout:
            warnings.append("summary retry ran out of time; kept the first draft's verified sentences")

    sentences: list[SummarySentence] = []
    used: set[str] = set()
    for s, c in verdict.checks:
        if c.ok:
            sentences.append(SummarySentence(text=s.text, claim_ids=s.claim_ids, verified=True))
            used.update(s.claim_ids)
            continue
        # replace a failing sentence by the extractive sentence for the same claims when that passes
        fresh = [i for i in s.claim_ids if i not in used]
        # alone, the claim with more facts (numbers, then length) first: one sentence keeps one of them
        alone = sorted(fresh, key=lambda i: (-len(numbers(verifier.claims[i].content.text)),
                                             -len(verifier.claims[i].content.text)))
        for ids in ([fresh] if len(fresh) > 1 else []) + [[i] for i in alone]:
            alt = extractive_for(verifier, ids)
            if verifier.check(alt).ok:
                sentences.append(SummarySentence(text=alt.text, claim_ids=ids, verified=True))
                used.update(ids)
                warnings.append(f"summary sentence replaced by an extractive one ({'; '.join(c.problems)}): {s.text}")
                stats["extractive"] = stats.get("extractive", 0) + 1
                break
        else:
            warnings.append(f"summary sentence dropped ({'; '.join(c.problems)}): {s.text}")
    length = target_length(doc, options)
    missing = length - len(sentences) if len(sentences) < min(2, length) else 0
    if missing:
        fill = _extractive(verifier, attribution, used, missing)
        if fill:
            warnings.append(f"{len(fill)} extractive summary sentence(s) added from top claims")
        sentences += fill
    stats["verified"] = verdict.passed
    stats["generated"] = len(verdict.checks)
    return Summary(sentences=sentences[:length], warnings=warnings, stats=stats)
