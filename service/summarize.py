"""Summarize: attributed claims -> Draft (prompt building, one model call, parsing).

The model sees the claims the attribution stage found (id, source, kind, content) and must end
each sentence with the ids it rests on. Parsing is separate from prompt building and counts
every repair, so eval can report strict and repaired rates side by side.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .attribute import Attribution
from .attribute.directives import addresses_a_model
from .backends import Backend, GenParams
from .config import get_settings
from .ingest import Document
from .prompts import load
from .schema import Claim, Source, SummarizeOptions

log = logging.getLogger(__name__)

MAX_PROMPT_CLAIMS = 16  # keeps the prompt near 1k tokens on long articles (prefill ~130 tok/s)
MAX_CLAIM_CHARS = 320

_TAG = re.compile(r"\s*\[\s*(c\d+)\s*\]")
_TAG_LOOSE = re.compile(r"\[\s*((?:c?\d+\s*[,;]?\s*)+)\]")  # "[c2, c5]" or "[2]"
_TAGGED = re.compile(r".+?(?:(?:\s*\[c\d+\])+|$)")
_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_ABBREV = re.compile(r"(?:\b[A-Z]|\b(?:Mr|Ms|Mrs|Dr|St|Jr|Sr|Gen|Sen|Rep|Gov|Col|Lt|No|U\.S|U\.N|U\.K))\.$")


def split_sentences(text: str) -> list[str]:
    """Split at sentence ends, but not after an initial ("K.") or a title ("Mr.", "U.N.")."""
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        if not _ABBREV.search(text[start : m.start()]):
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return [p for p in out if p.strip()]


_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass
class DraftSentence:
    text: str
    claim_ids: list[str]


@dataclass
class Draft:
    sentences: list[DraftSentence]
    raw: str
    prompt_version: str
    repairs: list[str] = field(default_factory=list)
    prompt_claims: list[str] = field(default_factory=list)
    model_seconds: float = 0.0
    new_tokens: int = 0


def select_claims(attribution: Attribution, limit: int = MAX_PROMPT_CLAIMS) -> list[Claim]:
    """Claims worth summarizing, best first.

    News puts what matters first, so position is the main prior; claims carrying a number or
    a named source get a boost (they are what readers quote and what a summary must not launder),
    fragments are demoted, and near-duplicates of an already chosen claim are skipped.
    """
    names = {s.id: s.name.lower() for s in attribution.sources}
    scored = []
    for rank, c in enumerate(attribution.claims):
        if names.get(c.source_id) in _PRONOUNS:
            continue  # an unresolved "it said" cannot be attributed by name in a summary
        if addresses_a_model(c.content.text):
            continue  # "Ignore previous instructions ...": an injected instruction, never summary material
        words = len(c.content.text.split())
        score = 2.0 / (1 + rank / 2)
        score += 1.0 if re.search(r"\d", c.content.text) else 0.0
        score += 0.6 if c.kind != "unsourced" else 0.0
        score += 0.3 * min(words, 25) / 25 - (1.0 if words < 6 else 0.0)
        scored.append((score, rank, c))
    # a fact two sources disagree on is news in itself: both sides rank above plain claims
    eligible = [c for _, _, c in scored]
    scored = [(sc + (1.0 if disputes(c, eligible) else 0.0), rank, c) for sc, rank, c in scored]
    chosen: list[Claim] = []
    for _, _, c in sorted(scored, key=lambda t: (-t[0], t[1])):
        words = _words(c.content.text)
        if any(len(words & _words(o.content.text)) > 0.6 * max(1, min(len(words), len(_words(o.content.text)))) for o in chosen):
            continue
        chosen.append(c)
        if len(chosen) >= limit:
            break
    return _with_disputes(chosen, eligible, limit)


NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def numbers(text: str) -> set[str]:
    """Numbers in a text, normalised so "5,000" == "5000" (shared with verify)."""
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def disputes(claim: Claim, claims: list[Claim]) -> list[Claim]:
    """Claims from other sources about the same thing with other numbers ("police said 40,
    organisers said 200"): a summary giving one of them must give the other with its source."""
    nums, words = numbers(claim.content.text), _words(NUMBER.sub(" ", claim.content.text))
    if not nums or claim.kind == "unsourced":
        return []
    scored = []
    for o in claims:
        if o.source_id == claim.source_id or o.kind == "unsourced":
            continue
        o_nums = numbers(o.content.text)
        shared = len(words & _words(NUMBER.sub(" ", o.content.text)))
        if o_nums and o_nums != nums and shared >= 2:
            scored.append((-shared, o.content.start, o))
    return [o for *_, o in sorted(scored, key=lambda t: t[:2])]  # the closest topic first


def _with_disputes(chosen: list[Claim], claims: list[Claim], limit: int) -> list[Claim]:
    """Swap the weakest plain claims for the other side of any disputed fact already chosen."""
    chosen = list(chosen)
    for c in list(chosen):
        for other in disputes(c, claims)[:1]:
            if other in chosen:
                continue
            plain = [x for x in reversed(chosen) if x is not c and not disputes(x, claims)]
            if len(chosen) >= limit and not plain:
                continue
            if len(chosen) >= limit:
                chosen.remove(plain[0])
            chosen.append(other)
    return chosen


_PRONOUNS = frozenset("it he she they we i you him her them".split())


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]{4,}", text)}


_CUE_VERB = re.compile(r"^(?:did not|does not|didn't|would not|declined to) \w+|^\w+ed\b|^(?:said|told|wrote|says)\b", re.I)


def cue_verb(claim: Claim) -> str:
    """The claim's reporting verb as a summary can use it: "said", "denied", "did not mention"."""
    cue = " ".join(claim.cue.text.split()) if claim.cue else ""
    m = _CUE_VERB.match(cue)
    passive = re.search(r"\bby\b", cue)  # "distributed by", "was announced by": the source is not the verb's subject
    verb = m.group(0).lower() if m and not passive else "said"
    return "said" if verb == "told" else verb  # "told" needs an object: "X told reporters"


def attribution_prefix(claim: Claim, source: Source, name: str | None = None) -> str:
    """How a summary sentence about this claim must begin: who said it, with a faithful verb.
    `name` overrides the canonical name (summarize.v3 passes the reader's name with its role)."""
    if claim.kind == "unsourced":
        return ""
    name = name or source.name
    cue = " ".join(claim.cue.text.split()) if claim.cue else ""
    if cue.lower().startswith("according to"):
        return f"According to {name.rstrip(',')},"
    return f"{name[0].upper() + name[1:]} {cue_verb(claim)}"


def _context(doc: Document, claim: Claim) -> str:
    """The sentence(s) a claim sits in: the words it leans on, without its neighbours' claims."""
    text = doc.text
    start = text.rfind("\n", 0, claim.content.start) + 1
    end = text.find("\n", claim.content.end)
    end = len(text) if end < 0 else end
    pos, out = start, []
    for piece in split_sentences(text[start:end]):
        p_start = text.index(piece, pos)
        p_end = p_start + len(piece)
        pos = p_end
        if p_end > claim.content.start and p_start < claim.content.end:
            out.append(piece)
    return " ".join(" ".join(out).split()) or " ".join(claim.content.text.split())


def _length(doc: Document, options: SummarizeOptions) -> int:
    from .selection import target_length

    return target_length(doc, options)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CLAIM_CHARS else text[: MAX_CLAIM_CHARS - 1].rsplit(" ", 1)[0] + "…"


def build_prompt(  # summarize.v1: one free-form call over the claim list
    doc: Document, attribution: Attribution, options: SummarizeOptions, feedback: str | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    claims = sorted(select_claims(attribution), key=lambda c: c.content.start)
    sources = {s.id: s for s in attribution.sources}
    rows = [
        {"id": c.id, "kind": c.kind, "source": sources[c.source_id].name, "content": _clip(c.content.text)}
        for c in claims
    ]
    named = [r["source"] for r in rows if r["kind"] != "unsourced"]
    messages = load("summarize.v1").render(
        title=doc.title,
        claims=rows,
        max_sentences=_length(doc, options),
        style=options.style,
        example_source=named[0] if named else "The ministry",
    )
    if feedback:  # the wording is the repair prompt's (prompts/repair.v*.jinja)
        messages[-1]["content"] += "\n\n" + feedback
    return messages, [c.id for c in claims]


def parse(raw: str, known_ids: set[str]) -> tuple[list[DraftSentence], list[str]]:
    """Model text -> sentences with claim ids. Returns (sentences, repairs applied)."""
    repairs: list[str] = []
    text = raw.strip()
    if text.startswith("```"):
        text = re.sub(r"\A```\w*\n?|```\s*\Z", "", text).strip()
        repairs.append("code fence removed")
    loose = _TAG_LOOSE.sub(lambda m: "".join(f"[c{n.lstrip('c')}]" for n in re.findall(r"c?\d+", m.group(1))), text)
    if loose != text:
        repairs.append("claim tags normalised")
        text = loose
    pieces: list[str] = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.lower().startswith(("summary:", "here is", "here's")):
            continue
        # a run of claim tags closes a sentence; untagged text is split at sentence ends
        for m in _TAGGED.finditer(line):
            pieces += [m.group(0)] if _TAG.search(m.group(0)) else split_sentences(m.group(0))
    sentences = []
    for piece in pieces:
        ids = _TAG.findall(piece)
        body = _TAG.sub("", piece).strip()
        if not re.search(r"[A-Za-z]", body):
            continue
        unknown = [i for i in ids if i not in known_ids]
        if unknown:
            repairs.append(f"unknown claim ids dropped: {', '.join(unknown)}")
        ids = list(dict.fromkeys(i for i in ids if i in known_ids))
        if body and body[-1] not in ".!?”\"":
            body += "."
        sentences.append(DraftSentence(text=body, claim_ids=ids))
    return sentences, repairs


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    parts = split_sentences(text)
    return parts[0].strip() if parts else text


def summarize(
    doc: Document,
    attribution: Attribution,
    options: SummarizeOptions,
    backend: Backend,
    *,
    max_new_tokens: int,
    time_budget_s: float | None = None,
    feedback: str | None = None,
    prompt_version: str | None = None,
) -> Draft:
    prompt = load(prompt_version or get_settings().summary_prompt)  # one default: CLAIMTRACE_SUMMARY_PROMPT
    limit = min(max_new_tokens, prompt.params.get("max_new_tokens", max_new_tokens))
    stop = tuple(prompt.params.get("stop", ()))
    if prompt.params.get("mode") == "per_unit":
        return _per_unit(doc, attribution, options, backend, prompt, limit, stop, time_budget_s, feedback)
    if prompt.params.get("mode") == "per_claim":
        return _per_claim(doc, attribution, options, backend, prompt, limit, stop, time_budget_s, feedback)
    messages, ids = build_prompt(doc, attribution, options, feedback)
    gen = backend.generate([messages], GenParams(max_new_tokens=limit, stop=stop, time_budget_s=time_budget_s))[0]
    sentences, repairs = parse(gen.text, {c.id for c in attribution.claims})
    return Draft(
        sentences=sentences[: _length(doc, options)],
        raw=gen.text,
        prompt_version=prompt.version,
        repairs=repairs + (["extra sentences cut"] if len(sentences) > _length(doc, options) else []),
        prompt_claims=ids,
        model_seconds=gen.seconds,
        new_tokens=gen.new_tokens,
    )


def _per_claim(doc, attribution, options, backend, prompt, limit, stop, time_budget_s, feedback) -> Draft:
    """summarize.v2: the top claims, one forced-prefix sentence each, in one batched call."""
    sources = {s.id: s for s in attribution.sources}
    claims = sorted(select_claims(attribution, _length(doc, options)), key=lambda c: c.content.start)
    prompts, prefixes = [], []
    for c in claims:
        source = sources[c.source_id]
        prefix = attribution_prefix(c, source)
        prompts.append(prompt.render(
            source=source.name, description=source.description, content=_clip(c.content.text),
            sentence=_context(doc, c), prefix=prefix, style=options.style,
        ))
        prefixes.append(prefix)
    return _generate_each(backend, prompt, [[c] for c in claims], prompts, prefixes, limit, stop, time_budget_s, feedback)


def _per_unit(doc, attribution, options, backend, prompt, limit, stop, time_budget_s, feedback) -> Draft:
    """summarize.v3+: units chosen by importance (selection.py), one forced-prefix sentence each, batched.
    The prefix names the source as a reader would ("Finance Minister Irena Vollmer said")."""
    from .selection import reader_name, select_units, strip_dateline, target_length

    sources = {s.id: s for s in attribution.sources}
    units = select_units(doc, attribution, target_length(doc, options))
    prompts, prefixes = [], []
    for u in units:
        c = u.claims[0]
        source = sources[c.source_id]
        name = reader_name(c, source, doc) if c.kind != "unsourced" else None
        prefix = attribution_prefix(c, source, name)
        ctx = {"source": name or source.name, "description": source.description, "content": _clip(strip_dateline(c.content.text)),
               "sentence": strip_dateline(_context(doc, c)), "prefix": prefix, "style": options.style,
               "content2": None, "source2": None, "joiner": ""}
        if len(u.claims) > 1:
            c2 = u.claims[1]
            s2 = sources[c2.source_id]
            name2 = reader_name(c2, s2, doc) if c2.kind != "unsourced" else None
            ctx.update(content2=_clip(strip_dateline(c2.content.text)), source2=name2 or s2.name,
                       joiner=unit_joiner(c, c2, s2, name2), sentence=" ".join(dict.fromkeys(
                           [strip_dateline(_context(doc, c)), strip_dateline(_context(doc, c2))])))
        prompts.append(prompt.render(**ctx))
        prefixes.append(prefix)
    return _generate_each(backend, prompt, [u.claims for u in units], prompts, prefixes, limit, stop, time_budget_s, feedback)


def _generate_each(backend, prompt, groups: list[list[Claim]], prompts, prefixes, limit, stop, time_budget_s,
                   feedback) -> Draft:
    """One forced-prefix sentence per group of claims, all in one batched call (summarize.v2 and v3)."""
    if not groups:
        return Draft(sentences=[], raw="", prompt_version=prompt.version)
    if feedback:  # the wording is the repair prompt's (prompts/repair.v*.jinja)
        for messages in prompts:
            messages[-1]["content"] += "\n" + feedback
    gens = backend.generate(
        prompts, GenParams(max_new_tokens=limit, stop=stop, time_budget_s=time_budget_s, prefixes=tuple(prefixes))
    )
    sentences, repairs = [], []
    for claims, g, prefix in zip(groups, gens, prefixes):
        text = _first_sentence(_TAG.sub("", g.text))
        rest = text[len(prefix):] if prefix and text.startswith(prefix) else ""
        first = rest.split(" ", 2)[1] if rest.startswith(" ") and len(rest.split(" ", 2)) > 1 else ""
        if first and first.lower() in _LOWER_FIRST and first[0].isupper():
            text = prefix + " " + first.lower() + rest[1 + len(first):]  # "said The government" -> "said the government"
        if g.stopped_by == "length":
            repairs.append(f"{claims[0].id}: cut at the token limit")
        if text and text[-1] not in ".!?”\"":
            text += "."
        sentences.append(DraftSentence(text=text, claim_ids=[c.id for c in claims]))
    return Draft(
        sentences=sentences,
        raw="\n".join(g.text for g in gens),
        prompt_version=prompt.version,
        repairs=repairs,
        prompt_claims=[c.id for claims in groups for c in claims],
        model_seconds=max((g.seconds for g in gens), default=0.0),
        new_tokens=sum(g.new_tokens for g in gens),
    )


_LOWER_FIRST = frozenset("a an the as about more most many some several there this that these those it its their our".split())


def _content(claim: Claim, lower_first: bool) -> str:
    from .selection import strip_dateline

    content = strip_dateline(" ".join(claim.content.text.split())).rstrip(" ,;:.")
    first = content.split(" ", 1)[0]
    if lower_first and first.lower() in _LOWER_FIRST:
        content = first.lower() + content[len(first) :]  # "… said as many as", not "said As many as"
    return content


def extractive_sentence(claim: Claim, source: Source, name: str | None = None) -> str:
    """A summary sentence made only of article words: the claim with its attribution."""
    prefix = attribution_prefix(claim, source, name)
    if prefix and claim.cue is not None and claim.content.start <= claim.cue.start and claim.cue.end <= claim.content.end:
        prefix = ""  # the claim's own words attribute it ("..., according to figures published by X, ..."): said once
    content = _content(claim, bool(prefix))
    body = f"{prefix} {content}" if prefix else content[:1].upper() + content[1:]
    return body if body[-1:] in ".!?”\"" else body + "."


def unit_joiner(first: Claim, second: Claim, source2: Source, name2: str | None) -> str:
    """What links two claims in one sentence: ", while <B> said " (two sources) or " and denied "."""
    if first.source_id == second.source_id:
        return f", and {cue_verb(second)} " if second.kind != "unsourced" else "; "
    prefix2 = attribution_prefix(second, source2, name2)
    if not prefix2:
        return "; "
    lower = (name2 or source2.name)[:1].islower()  # "our treasury's analysis", "documents filed in ...": as written
    prefix2 = prefix2[0].lower() + prefix2[1:] if lower or prefix2.startswith(("The ", "A ", "An ", "According ")) else prefix2
    from .selection import counterclaims

    return f", while {prefix2} " if second in counterclaims(first, [second]) else f"; {prefix2} "


def extractive_unit(claims: list[Claim], sources: dict[str, Source], names: dict[str, str | None]) -> str:
    """The model-free sentence for one summary unit (one claim, or two joined)."""
    first = claims[0]
    if len(claims) == 1:
        return extractive_sentence(first, sources[first.source_id], names.get(first.id))
    second = claims[1]
    head = extractive_sentence(first, sources[first.source_id], names.get(first.id)).rstrip(".")
    joiner = unit_joiner(first, second, sources[second.source_id], names.get(second.id))
    tail = _content(second, True)
    if joiner == "; ":
        tail = tail[:1].lower() + tail[1:] if tail.split(" ", 1)[0].lower() in _LOWER_FIRST else tail
    body = f"{head}{joiner}{tail}"
    return body if body[-1:] in ".!?”\"" else body + "."
