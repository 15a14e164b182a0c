"""Which claims a summary carries, how long it is, and how each source is named to a reader.

Selection (summarize.v3) ranks claims by what carries the story, not by position alone:

- the lede (first body paragraph) and the headline's topic;
- the main numbers (quantities, not bare years);
- each side of a dispute (two sources, one topic, different numbers): both go in one sentence;
- official responses (denied, announced, said in a statement...) and named sources;
- the main actors: a source the article mentions again and again (by name, role or pronoun) is a party
  to the story, and its claims outrank a one-off voice's;
- colour quotes (no number, no name) and fragments are demoted.

A greedy pass then picks claims by importance x novelty, so a claim restating the headline,
abstract or an earlier claim adds little and is skipped. When more strong claims than sentences
remain, a strong claim rides along with a chosen claim of the same source (one sentence, two claims).

Source names: a source is shown by its canonical name with the short role the article gives it
("Finance Minister Irena Vollmer", "Dana Whitcombe, the union's president,"). A name that is not a
person, organisation, document or group named as a source (a place, a date, a headline or dateline
fragment, a pronoun, "the reporter") is invalid; it is repaired from the claim's mentions, and a
claim whose source cannot be named is not summarized.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .attribute import Attribution
from .attribute.directives import addresses_a_model
from .ingest import Document
from .schema import Claim, Source, SummarizeOptions

WORDS_PER_SENTENCE = 150
MIN_SENTENCES, MAX_SENTENCES = 3, 6
MAX_PAIR_WORDS = 46  # two claims in one sentence only while they stay readable
FILL_MIN = 0.5  # a left-out claim rides along when it scores at least this share of the weakest chosen one
VOICE_FILL_MIN = 0.2  # ... or, from a source the summary has not given yet (a new voice), this share
VOICE_BONUS = 2.0  # a new voice's ride-along value, relative to another claim of a source already given
VOICE_ANY_TOPIC = True  # a new voice may ride along with any single claim, not only one sharing a word
# the story's main actors are the sources the article keeps returning to: each mention of a source beyond
# the first adds this much to its claims' importance (at most PROMINENCE_CAP mentions count)
PROMINENCE = 0.4
PROMINENCE_CAP = 3
SAME_SOURCE = 0.6  # a second unit from a source already given is worth this share of its score

PRONOUNS = frozenset("it he she they we i you him her them his its their this that who".split())
_GENERIC = frozenset("the reporter reporters reporter a an source sources".split())
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_TIME_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"})
_DATE_WORD = re.compile(
    r"^(?:on |last |this |next )?(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?(?: \d{1,2})?$|^(?:yesterday|today|tonight|tomorrow)$", re.I)
DATELINE = re.compile(r"^\s*[A-Z][A-Z.'’ -]{2,}(?:,\s*[A-Z][\w.]+)*(?:\s*\([A-Za-z. ]+\))?\s*[—–-]+\s*")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_NUM = re.compile(r"\d[\d,.]*\d|\d")
_QUANT_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundreds?|thousands?|millions?|"
    r"billions?|half|third|quarter|percent|majority|doubled?|tripled?)\b", re.I)
_OFFICIAL_CUE = re.compile(
    r"\b(?:den(?:y|ied|ies)|reject|announc|confirm|acknowledg|statement|ruled|found|conclud|order|estimat|reported\b|declar|"
    r"warn|vow|insist|admit|dismiss|respond|repl)", re.I)
_WORD = re.compile(r"[A-Za-z0-9]{4,}")
# The publication's notes about the article itself (kept as the newsroom's unsourced claims, never summarized)
_NOTICE = re.compile(r"\s*(?:editor['’]?s note\s*:\s*|update\s*:\s*|correction\s*:\s*)?(?:this (?:story|article|report|post|"
                     r"page|piece) (?:has been|was|is being) (?:updated|corrected|amended|changed|revised)|an? (?:earlier|"
                     r"previous|original) version of this|editor['’]?s note\b|corrections?\s*:)", re.I)
# a sponsor's credit line kept in the body ("Brought to you by Tollan Energy"): page furniture, not news
_SPONSOR = re.compile(r"\s*(?:brought to you by|sponsored by|presented by|paid for by|in partnership with|supported by)\b", re.I)
_NEG = re.compile(r"\b(?:not|no|never|n't|neither|nor|without|den(?:y|ied|ies))\b", re.I)


# ---------------------------------------------------------------- length


def body_words(doc: Document) -> int:
    return sum(len(doc.text[s:e].split()) for s, e in doc.kept())


def target_length(doc: Document, options: SummarizeOptions) -> int:
    """About one sentence per 150 words of body, 3-6; `max_sentences` caps it."""
    n = max(MIN_SENTENCES, min(MAX_SENTENCES, round(body_words(doc) / WORDS_PER_SENTENCE)))
    cap = options.max_sentences
    return min(n, cap) if cap else n


# ---------------------------------------------------------------- source names


@lru_cache(maxsize=4096)
def _entity_labels(name: str) -> tuple[tuple[str, str], ...]:
    from .nlp import load_pipeline

    return tuple((e.label_, e.text) for e in load_pipeline()(name).ents)


def _core(name: str) -> str:
    """A name without articles and possessive endings: "the Kremlin's" -> "Kremlin"."""
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"['’]s?$", "", name).strip(" ,.;:")


def headline_ranges(doc: Document) -> list[tuple[int, int]]:
    """The headline (removed as 'headline') and the dateline ("OSTBERG —") of the first body line."""
    out = [(r.start, r.end) for r in doc.removed if r.reason == "headline"]
    for s, e in doc.kept():
        chunk = doc.text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        m = DATELINE.match(chunk[lead:])
        if m:
            out.append((s + lead, s + lead + m.end()))
        break
    return out


def _in(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def _kind_of_name(name: str) -> str | None:
    """Why a name cannot be a source ('place', 'date', 'pronoun', 'reporter'), or None."""
    core = _core(name)
    low = core.lower()
    if not re.search(r"[A-Za-z]{2}", core) or low in PRONOUNS:
        return "pronoun"
    if low in _GENERIC or low.startswith("the reporter"):
        return "reporter"
    if _DATE_WORD.match(low):
        return "date"
    words = [w for w in re.findall(r"[\w’'.-]+", core) if w.lower() not in ("the", "a", "an")]
    labels = _entity_labels(core)
    for label, text in labels:
        covered = len(text.split()) >= len(words)
        if covered and label in _TIME_LABELS:
            return "date"
        if covered and label in _PLACE_LABELS:
            return "place"
    return None


def name_problem(source: Source, doc: Document, name: str | None = None) -> str | None:
    """Why `name` (default: the source's canonical name) is not a source a reader can be told of."""
    name = source.name if name is None else name
    if source.type == "reporter":
        return "the reporter is not a source"
    why = _kind_of_name(name)
    if why == "place" and source.type == "government" and not name.isupper():
        # a country speaking as a state ("Russia said") is an actor when the article uses it so in
        # the body; a name seen only in the headline or dateline is not
        heads = headline_ranges(doc)
        body = [m for m in source.mentions if _core(m.text).lower() == _core(name).lower() and not _in(heads, m.start, m.end)]
        if body:
            why = None
    if why:
        return f"'{name}' is a {why}, not a source"
    heads = headline_ranges(doc)
    same = [m for m in source.mentions if _core(m.text).lower() == _core(name).lower()]
    if same and all(_in(heads, m.start, m.end) for m in same):
        return f"'{name}' occurs only in the headline or dateline"
    if name.isupper() and len(name) > 3 and any(doc.text[s:e].lstrip().startswith(name) for s, e in heads):
        return f"'{name}' is a dateline"
    return None


def repaired_name(claim: Claim | None, source: Source, doc: Document) -> str | None:
    """A valid name for the source: the canonical one, else the best of its mentions/description."""
    if name_problem(source, doc) is None:
        return source.name
    heads = headline_ranges(doc)
    spans = ([claim.source_mention] if claim is not None and claim.source_mention else []) + list(source.mentions)
    cands = []
    for m in spans:
        if _in(heads, m.start, m.end):
            continue
        text = " ".join(m.text.split()).strip(" ,")
        if name_problem(source, doc, text) is None:
            proper = sum(w[0].isupper() for w in text.split())
            cands.append((proper, len(text), text))
    if source.description and name_problem(source, doc, source.description) is None and len(source.description.split()) <= 8:
        cands.append((0, 0, "the " + source.description if not source.description.lower().startswith(("the ", "a ", "an ")) else source.description))
    if not cands:
        return None
    best = max(cands)[2]
    return re.sub(r"^(?:The|A|An)\b", lambda m: m.group(0).lower(), best) if not best[:1].isupper() or best.split()[0] in ("The", "A", "An") else best


def valid_names(claim: Claim | None, source: Source, doc: Document) -> list[str]:
    """Every text that names this source validly (for the verifier's 'source named' check)."""
    out = []
    for text in [source.name] + [m.text for m in source.mentions]:
        text = " ".join(text.split())
        if text and name_problem(source, doc, text) is None and _core(text).lower() not in PRONOUNS:
            out.append(text)
    fixed = repaired_name(claim, source, doc)
    if fixed:
        out.append(fixed)
    return list(dict.fromkeys(out))


_BY_WHOM = re.compile(r"\s+(?:(?:conducted|commissioned|published|released|issued|written|filed) )?(?:by|from|of) (?:the )?"
                      r"(?:[A-Z][\w’'-]*)(?: (?:[A-Z][\w’'-]*|of|for|and))*(?<![ ,])")
_TITLE_WORD = re.compile(r"^(?:[A-Z][a-z]+\.?|of|the|for|and)$")


def _is_a_name(text: str) -> bool:
    """Two or more capitalised words with no title or role word among them ("Agnes Vole", not "Finance Minister")."""
    from .lexicons import rows

    words = re.findall(r"[\w’'.-]+", text)
    titles = {r[-1].rstrip(".") for r in rows("titles")}
    return len(words) >= 2 and all(w[:1].isupper() for w in words) and not any(
        re.sub(r"['’]s$", "", w).lower().rstrip(".") in titles for w in words)


def _mixed_case(label: str, doc: Document) -> str | None:
    """A transcript's speaker label ("ORTIZ-BRANN") as the article writes the name elsewhere: the fullest
    capitalised run ending in it ("Treasurer Dolores Ortiz-Brann"), outside the headline; None if the
    article never writes it so (then the label stays as it is, never case-changed into a new word)."""
    words = label.split()
    pattern = "(?i:" + r"\s+".join(re.escape(w) for w in words) + ")"
    heads = headline_ranges(doc)
    found = []
    for m in re.finditer(r"(?<![\w-])((?:[A-Z][a-z][\w.’'-]*\s+){0,2})(" + pattern + r")(?![\w-])", doc.text):
        if m.group(2).isupper() or not m.group(2)[:1].isupper() or _in(heads, m.start(), m.end()) \
                or not any(s <= m.start() < e for s, e in doc.kept()):
            continue
        lead = m.group(1).split()
        while lead and (lead[0].lower() in _stopwords() or _DATE_WORD.match(lead[0]) or lead[0] in ("Mr.", "Ms.", "Mrs.", "Dr.")):
            lead.pop(0)  # "When Ortiz-Brann ...", "Monday Ortiz-Brann": not part of the name
        found.append(" ".join(lead + [m.group(2)]))
    return max(found, key=lambda t: (len(t.split()), -len(t)), default=None)


def reader_name(claim: Claim | None, source: Source, doc: Document) -> str | None:
    """The source as a reader would be told it: canonical name with the short role the article gives.

    "Finance Minister Irena Vollmer" (a titled mention), "Dana Whitcombe, the union's president,"
    (a short description), else the canonical name. None when no valid name exists.
    """
    name = repaired_name(claim, source, doc)
    if name is None:
        return None
    if name.isupper() and len(name) > 3:
        # "COACH ADEYEMI": the whole label as written elsewhere, else its last word ("Coach Tunde Adeyemi")
        spoken = _mixed_case(name, doc) or (_mixed_case(name.split()[-1], doc) if " " in name else None)
        if spoken:
            return spoken
    if name == source.name and re.fullmatch(r"(?:the|a|an)(?: [a-z][\w’'-]*){1,2}", name, re.I):
        # a bare description ("A poll", "the filing"): the fuller mention that names it, if short
        fuller = [" ".join(m.text.split()) for m in source.mentions]
        fuller = [t for t in fuller if t.lower().startswith(name.lower()) and t.lower() != name.lower()
                  and len(t.split()) <= 9 and re.search(r"\s[A-Z]", t) and name_problem(source, doc, t) is None]
        if fuller:
            return min(fuller, key=len)
        for m in source.mentions:  # "A poll" + " conducted by the Aster Institute"
            if m.text.lower() == name.lower():
                tail = _BY_WHOM.match(doc.text[m.end : m.end + 80])
                if tail:
                    return " ".join((m.text + tail.group(0)).split())
    if name != source.name or len(re.findall(r"\b[A-Z]", name)) < 2:
        return name
    # a titled mention: "Finance Minister Irena Vollmer", "President Halvor Renn"
    titled = []
    for m in source.mentions:
        text = " ".join(m.text.split())
        if text.endswith(name) and text != name:
            head = text[: -len(name)].strip()
            words = head.split()
            if 1 <= len(words) <= 4 and all(_TITLE_WORD.match(w) for w in words) and words[0][0].isupper() \
                    and words[0] not in ("The", "A", "An", "Mr.", "Ms.", "Mrs.", "Dr.", "Mr", "Ms", "Mrs"):
                titled.append(text)
    if titled:
        return max(titled, key=len)
    desc = " ".join((source.description or "").split())
    if desc and _is_a_name(desc):
        desc = ""  # a name is not a role ("She is Agnieszka Voll, not Agnes Vole" gave the description "Agnes Vole")
    if desc and desc.split()[0] in ("His", "Her", "Its", "Their", "The", "A", "An"):
        desc = desc[0].lower() + desc[1:]  # "Annika Brusk, his lawyer," (a description opening its sentence)
    if desc and not re.search(r"\d", desc) and len(desc.split()) <= 8 and "," not in desc:
        if not desc.lower().startswith(("the ", "a ", "an ", "his ", "her ", "its ", "their ")) and re.match(r"^[a-z]", desc) and not re.search(r"['’]s\b", desc.split()[0]):
            desc = ("an " if desc[0] in "aeiou" else "a ") + desc if not re.match(r"^(?:chief|head|president|director|spokes)", desc) else "the " + desc
        return f"{name}, {desc},"
    return name


# ---------------------------------------------------------------- importance


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pathlib import Path

    words = (Path(__file__).parent / "lexicons" / "stopwords.en.txt").read_text(encoding="utf-8").split()
    return frozenset(w for w in words if not w.startswith("#"))


def _words(text: str) -> set[str]:
    stop = _stopwords()
    return {w.lower()[:6] for w in _WORD.findall(text) if w.lower() not in stop}


def quantities(text: str) -> set[str]:
    """Numbers that are facts (not bare years), normalised; spelled quantities count as one."""
    nums = {n.replace(",", "") for n in _NUM.findall(text) if not _YEAR.match(n.replace(",", ""))}
    return nums | {w.lower() for w in _QUANT_WORDS.findall(text)}


@dataclass
class Scored:
    claim: Claim
    score: float
    why: list[str] = field(default_factory=list)
    prominence: float = 0.0  # the main-actor share of `score`


def _paragraph_index(doc: Document, heads: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Body paragraphs (start, end), in order, without the headline."""
    out = []
    for s, e in doc.kept():
        pos = s
        for part in re.split(r"(\n\s*\n)", doc.text[s:e]):
            if part.strip() and not re.fullmatch(r"\n\s*\n", part) and not _in(heads, pos, pos + len(part.rstrip())):
                out.append((pos, pos + len(part)))
            pos += len(part)
    return out


def score_claims(doc: Document, attribution: Attribution, *, strategy: str = "importance",
                 prominence: float | None = None) -> list[Scored]:
    """Every claim a summary may carry, with its importance. strategy='position' is the v2 prior;
    `prominence` overrides PROMINENCE (0: no main-actor weight, the extractive-v3-noprominence baseline)."""
    prominence = PROMINENCE if prominence is None else prominence
    sources = {s.id: s for s in attribution.sources}
    heads = headline_ranges(doc)
    paragraphs = _paragraph_index(doc, [h for h in heads if doc.text[h[0]:h[1]].strip() and not DATELINE.match(doc.text[h[0]:h[1]])])
    title = doc.title or " ".join(doc.text[s:e] for s, e in heads if not DATELINE.match(doc.text[s:e]))
    title_words = _words(title)
    eligible = []
    for c in attribution.claims:
        src = sources[c.source_id]
        if c.kind != "unsourced" and reader_name(c, src, doc) is None:
            continue  # a claim whose source cannot be named is not summarized
        if _in(heads, c.content.start, c.content.end):
            continue  # the headline itself is not a claim to restate
        if addresses_a_model(c.content.text):
            continue  # "Ignore previous instructions ...": an injected instruction, never summary material
        if _NOTICE.match(c.content.text):
            continue  # "This story has been updated ...": a note about the article, not news
        if c.kind == "unsourced" and _SPONSOR.match(c.content.text) and len(c.content.text.split()) <= 12:
            continue  # "Brought to you by Tollan Energy": a sponsor's credit, not news
        eligible.append(c)
    from .summarize import disputes  # the dispute test is shared with v2

    out = []
    for rank, c in enumerate(eligible):
        text = " ".join(c.content.text.split())
        words = len(text.split())
        src = sources[c.source_id]
        why = []
        para = next((i for i, (s, e) in enumerate(paragraphs) if s <= c.content.start < e), len(paragraphs))
        if strategy == "position":
            score = 2.0 / (1 + rank / 2)
        else:
            score = {0: 2.0, 1: 1.0, 2: 0.5}.get(para, 0.0) + 0.6 / (1 + rank / 3)
            if para == 0:
                why.append("lede")
        digits = {n for n in quantities(NUM_STRIP.sub("", text)) if n[:1].isdigit()}
        if strategy != "position":
            digits |= set(FORECAST_YEAR.findall(text))  # "runs dry around 2041": a forecast is a number fact
        if digits:
            score += 1.0 + 0.25 * min(len(digits) - 1, 2)
            why.append("numbers")
        elif strategy != "position" and (_QUANT_WORDS.search(text) or NUM_STRIP.search(text)):
            score += 0.5  # a spelled quantity or a year (a deadline, a forecast)
        elif re.search(r"\d", text):
            score += 0.3
        shared = len(_words(text) & title_words)
        if strategy != "position" and shared:
            score += 0.5 * min(shared, 3) / 3
            why.append("headline topic")
        if strategy != "position" and re.match(r"(?:it|this|that|they|he|she)\b", text, re.I):
            score -= 0.5  # leans on the sentence before it
        if c.kind != "unsourced":
            score += {"person": 0.6, "government": 0.7, "organization": 0.6, "intelligence": 0.6, "document": 0.7,
                      "media": 0.4, "anonymous": 0.3}.get(src.type, 0.3)
            if strategy != "position" and c.cue is not None and _OFFICIAL_CUE.search(c.cue.text) and src.type in (
                    "government", "organization", "document", "intelligence", "person"):
                score += 0.5
                why.append("official response")
        elif strategy != "position":
            # the reporter's first lede sentence is the news; later reporter statements are background
            first_unsourced = not any(o.kind == "unsourced" for o in eligible[:rank])
            embedded = re.search(r"\b(?:said|says|told|claimed|according to|reported|announced|estimated)\b", text)
            if not (para == 0 and first_unsourced) and not embedded:
                score -= 0.6 if para == 0 else 0.8
        if strategy != "position" and c.kind == "direct":
            score -= 0.4 if digits else 1.0  # a quote is colour unless it carries a number
        score += 0.3 * min(words, 25) / 25 - (1.0 if words < 6 else 0.0)
        if strategy != "position" and c.kind != "unsourced" and c.confidence < 0.65:
            # a summary rests on claims the engine is sure of: the learned tagger's additions (<= 0.6)
            # and rule claims without a resolved source come after every sure claim
            score -= 3.0
        if strategy != "position" and c.source_mention is not None and c.source_mention.text.lower() in PRONOUNS:
            score -= 0.3  # "she acknowledged": the source rests on coreference
        if (counterclaims(c, eligible) if strategy != "position" else disputes(c, eligible)):
            score += 1.0
            why.append("dispute")
        bonus = 0.0
        if strategy != "position" and c.kind != "unsourced":
            # mentions by name, role or pronoun: a source quoted at length ("he said", "she added") counts too
            bonus = prominence * min(max(len(src.mentions) - 1, 0), PROMINENCE_CAP)
            if bonus:
                score += bonus
                why.append("main actor")
        out.append(Scored(c, score, why, bonus))
    return out


NUM_STRIP = re.compile(r"\b(?:19|20)\d\d\b")
FORECAST_YEAR = re.compile(r"\b(?:until|by|around|before|through)\s+(?:at least\s+|about\s+|roughly\s+)?((?:19|20)\d\d)\b")
_UNIT_AFTER = re.compile(r"\d[\d,.]*\s*(%|percent|per cent|million|billion|[a-z]{4,})", re.I)


def _close(a: set[str], b: set[str]) -> bool:
    def vals(ns):
        out = []
        for n in ns:
            try:
                out.append(float(n))
            except ValueError:
                pass
        return [v for v in out if v > 0]

    va, vb = vals(a), vals(b)
    return any(max(x, y) / min(x, y) <= 10 for x in va for y in vb)


def counterclaims(claim: Claim, claims: list[Claim]) -> list[Claim]:
    """The other side of a disputed fact: another source's claim on the same measure with another number
    ("turnout was 68 percent" / "turnout had been closer to 52 percent"), the closest first."""
    if claim.kind == "unsourced":
        return []
    text = claim.content.text
    nums = {n.replace(",", "") for n in _NUM.findall(text)}
    if not nums:
        return []
    words = _words(_NUM.sub(" ", text))
    units = {u.lower() for u in _UNIT_AFTER.findall(text)}
    out = []
    for o in claims:
        if o.source_id == claim.source_id or o.kind == "unsourced":
            continue
        o_nums = {n.replace(",", "") for n in _NUM.findall(o.content.text)}
        if not o_nums or o_nums == nums or (o_nums & nums and len(o_nums) == 1):
            continue
        o_units = {u.lower() for u in _UNIT_AFTER.findall(o.content.text)}
        same_unit = bool(units & o_units)
        shared = len((words & _words(_NUM.sub(" ", o.content.text))) - _words(" ".join(units | o_units)))
        # "40 people" / "200 people": a counted noun is the measure itself, when the figures are within 10x
        counted = (units & o_units) - {"%", "percent", "per cent", "million", "billion"} and _close(nums, o_nums)
        if (same_unit and (shared >= 1 or counted)) or shared >= 3:
            out.append((-(shared + 2 * same_unit), abs(o.content.start - claim.content.start), o))
    return [o for *_, o in sorted(out, key=lambda t: t[:2])]


# ---------------------------------------------------------------- units


@dataclass
class Unit:
    """One summary sentence: one claim, or two (a dispute's two sides, or two claims of one source)."""

    claims: list[Claim]
    kind: str = "single"  # single | dispute | same_source | related

    @property
    def start(self) -> int:
        return min(c.content.start for c in self.claims)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def _pronoun_sourced(c: Claim) -> bool:
    """The claim's own sentence names its source only by a pronoun ("she acknowledged"): coreference."""
    return c.source_mention is not None and c.source_mention.text.lower() in PRONOUNS


def _restates(c: Claim, o: Claim) -> bool:
    """c says again what o says (a headline, abstract or lede restated in the body): most of the
    shorter one's words, the same polarity (a denial of a claim is not its restatement)."""
    a, b = _words(c.content.text), _words(o.content.text)
    return min(len(a), len(b)) >= 3 and _overlap(a, b) > 0.6 and negated(c.content.text) == negated(o.content.text)


def select_units(doc: Document, attribution: Attribution, n: int, *, strategy: str = "importance",
                 pairs: bool = True, fill: bool = True, voices: bool = True, prominence: float | None = None) -> list[Unit]:
    """n summary units, in article order (see the module docstring)."""
    from .summarize import disputes

    scored = sorted(score_claims(doc, attribution, strategy=strategy, prominence=prominence), key=lambda s: -s.score)
    eligible = [s.claim for s in scored]
    by_id = {s.claim.id: s for s in scored}
    units: list[Unit] = []
    covered: set[str] = set()
    covered_q: set[str] = set()
    used: set[str] = set()

    def novelty(c: Claim) -> float:
        w = _words(c.content.text)
        q = quantities(c.content.text)
        fresh = len(w - covered) / max(1, len(w))
        if negated(c.content.text) and not any(negated(o.content.text) for u in units for o in u.claims):
            fresh = 1.0  # a denial of what the summary already says is news, not a repeat
        if q and not (q - covered_q):
            fresh *= 0.5  # its numbers are already in the summary
        return 0.3 + 0.7 * fresh

    def take(unit: Unit) -> None:
        units.append(unit)
        for c in unit.claims:
            used.add(c.id)
            covered.update(_words(c.content.text))
            covered_q.update(quantities(c.content.text))

    pool = list(scored)
    while len(units) < n and pool:
        pool = [s for s in pool if s.claim.id not in used]
        if not pool:
            break
        def value(s: Scored) -> float:
            if strategy == "position":
                return s.score
            same_source = s.claim.kind != "unsourced" and any(o.source_id == s.claim.source_id for u in units for o in u.claims)
            return s.score * novelty(s.claim) * (SAME_SOURCE if same_source else 1.0)

        best = max(pool, key=lambda s: (value(s), -s.claim.content.start))
        c = best.claim
        if any(_restates(c, o) for u in units for o in u.claims):
            used.add(c.id)  # a restatement (headline, abstract, an earlier claim)
            continue
        rivals = counterclaims(c, eligible) if strategy != "position" else disputes(c, eligible)
        other = next((o for o in rivals if o.id not in used), None) if pairs else None
        if other is not None and len((c.content.text + " " + other.content.text).split()) <= MAX_PAIR_WORDS + 10:
            take(Unit(sorted([c, other], key=lambda x: x.content.start), "dispute"))
        else:
            take(Unit([c]))
    if pairs and fill:
        # strong claims left out ride along with a chosen single claim: the same source first
        # ("X said A, and warned B"), else the claim sharing most words ("X said A; Y said B")
        floor = min((by_id[u.claims[0].id].score for u in units), default=0.0)
        while True:
            given = {o.source_id for u in units for o in u.claims if o.kind != "unsourced"}

            def new_voice(x: Scored, given: set[str] = given) -> bool:
                return voices and x.claim.source_id not in given

            pool = [s for s in scored if s.claim.id not in used and s.claim.kind != "unsourced" and not _pronoun_sourced(s.claim)
                    and s.score >= (VOICE_FILL_MIN if new_voice(s) else FILL_MIN) * floor
                    and not any(_restates(s.claim, o) for u in units for o in u.claims)]
            singles = [u for u in units if len(u.claims) == 1]
            if not pool or not singles:
                break
            # a ride-along is there for the voices the units left out: the main-actor weight that chose
            # the units does not choose it (measured: with it, 2 more claims carried, 3 more wrong sources)
            s = max(pool, key=lambda x: (x.score - x.prominence) * novelty(x.claim) * (VOICE_BONUS if new_voice(x) else 1.0))
            if novelty(s.claim) < 0.6:
                break
            w = _words(s.claim.content.text)
            # same source, or another source on the same topic (a shared word): never an unrelated add-on
            fits = [u for u in singles if len((u.claims[0].content.text + " " + s.claim.content.text).split()) <= MAX_PAIR_WORDS
                    and (u.claims[0].source_id == s.claim.source_id or len(w & _words(u.claims[0].content.text)) >= 1
                         or (VOICE_ANY_TOPIC and new_voice(s)))
                    and not reads_as_another(u.claims + [s.claim], eligible)]
            used.add(s.claim.id)
            if not fits:
                continue
            w = _words(s.claim.content.text)
            u = max(fits, key=lambda u: (u.claims[0].source_id == s.claim.source_id, len(w & _words(u.claims[0].content.text)),
                                         -abs(u.start - s.claim.content.start)))
            same = u.claims[0].source_id == s.claim.source_id
            u.claims = sorted([u.claims[0], s.claim], key=lambda x: x.content.start)
            u.kind = "same_source" if same else "related"
            covered.update(w)
            covered_q.update(quantities(s.claim.content.text))
    return sorted(units, key=lambda u: u.start)


def reads_as_another(claims: list[Claim], others: list[Claim]) -> Claim | None:
    """An attributed claim of a third source that a sentence made of `claims` would read as carrying
    (one of its numbers and a word, or most of its words): joining "X said A; Y said B" must not
    repeat C's claim without naming C."""
    def digits(text: str) -> set[str]:  # written numbers, years too: what a reader sees as the same figure
        return {n.replace(",", "") for n in _NUM.findall(text)}

    def stems(text: str) -> set[str]:  # short stems: "expel" and "expelled" are one word to a reader
        return {w[:5] for w in _WORD.findall(text.lower()) if w not in _stopwords() and not w.isdigit()}

    sources = {c.source_id for c in claims}
    words = set().union(*(stems(c.content.text) for c in claims))
    nums = set().union(*(digits(c.content.text) for c in claims))
    for o in others:
        if o.kind == "unsourced" or o.source_id in sources:
            continue
        ow, oq = stems(o.content.text), digits(o.content.text)
        shared = len(words & ow)
        if (oq & nums and shared >= 1) if oq else shared >= max(4, 0.6 * len(ow)):
            return o
    return None


def strip_dateline(text: str) -> str:
    """ "OSTBERG — Buses stayed..." -> "Buses stayed..." (a claim's content may start at the dateline)."""
    return DATELINE.sub("", text, count=1) if DATELINE.match(text) else text


def negated(text: str) -> bool:
    return bool(_NEG.search(text))
