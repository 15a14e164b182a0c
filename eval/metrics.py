"""Scoring (DESIGN.md section 3): per-article COUNTS, then one micro-averaged aggregation over the set.

`score_article(gold, response)` compares one `SummarizeResponse` with one `GoldArticle` and returns an
`ArticleScore`: integer `Counts` plus the details the HTML report shows (misses, false positives...).
`aggregate(counts)` turns summed counts into rates. A rate whose denominator is 0 is `None` ("n/a"),
never 0: an empty prediction set has no precision, a run without summaries has no summary scores.

Matching rules, mirroring BBC Citron / the Gender Gap Tracker so the numbers compare:
- lenient: a predicted attributed claim (direct/indirect/mixed) finds a gold attribution when its
  content overlaps >= 50% of the gold content span. For a discontinuous gold span (a quote split by
  its cue) the union of the predicted claims that share one source counts as one prediction.
  A predicted claim is precise when it overlaps >= 50% of some gold span or >= 50% of itself lies
  inside one.
- exact: start/end equal once whitespace, quote marks and punctuation are trimmed from both sides
  (a split gold span is matched exactly when every piece is). strict: raw offsets equal.
- source / source-type / cue / kind accuracy are measured among lenient-found attributions, on the
  predicted claim that overlaps the gold content most.
- source name accuracy: among the same found attributions, the resolved source's `name` alone (no
  mention text, no span overlap) names the gold source or one of its *named* aliases
  (`is_named_alias`); see `name_alone_matches`.

SCORER_VERSION is bumped by any change here that moves a score; reports record it.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import asdict, dataclass, field, fields

from service.schema import ATTRIBUTED_KINDS, Claim, Source, Span, SummarizeResponse

from .adapters import GoldArticle, GoldAttribution, GoldSpan

SCORER_VERSION = 4  # 1: up to source accuracy; 2: + source_name_accuracy; 3: + summary_wrong_source;
# 4: source name accuracy ignores parentheticals ("Gov. Mike Pence (R-IN)")
CONFIDENCE_SPLIT = 0.8
_TRIM = set(" \t\r\n\u00a0\"'“”‘’«»„‚‹›`.,;:!?—–-()[]…*")


# ---------------------------------------------------------------- counts


@dataclass
class Counts:
    """Integer counts for one article; `+` sums them over a set (micro-averaging)."""

    articles: int = 0
    articles_failed: int = 0
    # attributed content
    gold_attr: int = 0
    gold_found_lenient: int = 0
    gold_found_exact: int = 0
    gold_found_strict: int = 0
    pred_attr: int = 0
    pred_matched_lenient: int = 0
    pred_matched_exact: int = 0
    pred_matched_strict: int = 0
    # among lenient-found attributions
    source_checked: int = 0
    source_correct: int = 0
    source_name_checked: int = 0  # the resolved name alone, against gold source + named aliases
    source_name_correct: int = 0
    source_type_checked: int = 0
    source_type_correct: int = 0
    cue_checked: int = 0
    cue_correct: int = 0
    kind_checked: int = 0
    kind_correct: int = 0
    # unsourced (reporter) statements
    gold_unsourced: int = 0
    gold_unsourced_found: int = 0
    pred_unsourced: int = 0
    pred_unsourced_in_gold_attr: int = 0  # laundering risk: a source's claim stated as fact
    pred_attr_on_gold_unsourced: int = 0  # the reporter's background pinned on a source
    # integrity (anything but 100% / 0 is a bug)
    spans_total: int = 0
    spans_grounded: int = 0
    refs_total: int = 0
    refs_broken: int = 0
    contract_violations: int = 0
    pred_in_junk: int = 0
    # summary
    summaries: int = 0
    summary_sentences: int = 0
    must_mention_total: int = 0
    must_mention_hit: int = 0
    must_attribute_total: int = 0
    must_attribute_ok: int = 0
    must_not_state_total: int = 0
    must_not_state_suspects: int = 0  # a sentence contains the phrase
    must_not_state_violations: int = 0  # ... and does not name the source of a claim it cites
    summary_numbers: int = 0
    unsupported_numbers: int = 0
    summary_names: int = 0
    unsupported_names: int = 0
    summary_attributed_sentences: int = 0  # sentences carrying a gold attribution's content
    summary_wrong_source: int = 0  # ... without naming that attribution's source (wrong or missing source)
    # calibration: predicted attributed claims, correct = found a gold attribution and named its source
    conf_hi_total: int = 0
    conf_hi_correct: int = 0
    conf_lo_total: int = 0
    conf_lo_correct: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def ratio(num: int, den: int) -> float | None:
    """num/den, or None (n/a) when there is nothing to divide by. Never a silent 0."""
    return None if den == 0 else num / den


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def aggregate(counts: Counts) -> dict[str, float | int | None]:
    """Rates from (summed) counts. None = n/a (nothing to measure), to be shown as 'n/a'."""
    c = counts
    m: dict[str, float | int | None] = {}
    for mode in ("lenient", "exact", "strict"):
        p = ratio(getattr(c, f"pred_matched_{mode}"), c.pred_attr)
        r = ratio(getattr(c, f"gold_found_{mode}"), c.gold_attr)
        m[f"content_precision_{mode}"] = p
        m[f"content_recall_{mode}"] = r
        m[f"content_f1_{mode}"] = f1(p, r)
    m["source_accuracy"] = ratio(c.source_correct, c.source_checked)
    m["source_name_accuracy"] = ratio(c.source_name_correct, c.source_name_checked)
    m["source_type_accuracy"] = ratio(c.source_type_correct, c.source_type_checked)
    m["cue_accuracy"] = ratio(c.cue_correct, c.cue_checked)
    m["kind_accuracy"] = ratio(c.kind_correct, c.kind_checked)
    m["unsourced_recall"] = ratio(c.gold_unsourced_found, c.gold_unsourced)
    m["laundering_unsourced_in_attributed"] = c.pred_unsourced_in_gold_attr
    m["attributed_on_gold_unsourced"] = c.pred_attr_on_gold_unsourced
    m["grounding"] = ratio(c.spans_grounded, c.spans_total)
    m["refs_broken"] = c.refs_broken
    m["contract_violations"] = c.contract_violations
    m["articles_failed"] = c.articles_failed
    m["must_mention_coverage"] = ratio(c.must_mention_hit, c.must_mention_total)
    m["must_attribute_rate"] = ratio(c.must_attribute_ok, c.must_attribute_total)
    has_summary = c.summaries > 0
    m["must_not_state_suspects"] = c.must_not_state_suspects if has_summary else None
    m["must_not_state_violations"] = c.must_not_state_violations if has_summary else None
    m["unsupported_numbers"] = c.unsupported_numbers if has_summary else None
    m["unsupported_names"] = c.unsupported_names if has_summary else None
    m["summary_wrong_source"] = c.summary_wrong_source if has_summary else None
    m["accuracy_conf_hi"] = ratio(c.conf_hi_correct, c.conf_hi_total)
    m["accuracy_conf_lo"] = ratio(c.conf_lo_correct, c.conf_lo_total)
    return m


def cost(seconds: list[float], peak_rss_mb: float | None) -> dict[str, float | None]:
    return {
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_max": max(seconds) if seconds else None,
        "seconds_total": sum(seconds) if seconds else None,
        "peak_rss_mb": peak_rss_mb,
    }


# ---------------------------------------------------------------- text helpers


def trim(doc: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding whitespace, quote marks and punctuation."""
    while start < end and doc[start] in _TRIM:
        start += 1
    while end > start and doc[end - 1] in _TRIM:
        end -= 1
    return start, end


_HONORIFICS = {"the", "a", "an", "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "s"}


def name_tokens(name: str) -> tuple[str, ...]:
    """Case/punctuation-insensitive tokens of a name, without articles and honorifics."""
    norm = unicodedata.normalize("NFKC", name).lower().replace("’", "'")
    return tuple(t for t in re.findall(r"[^\W_]+", norm) if t not in _HONORIFICS)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return n > 0 and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def names_match(a: str, b: str) -> bool:
    """'Shoigu' ~ 'Sergei K. Shoigu' ~ 'Mr. Shoigu': token subsequence either way."""
    ta, tb = name_tokens(a), name_tokens(b)
    return bool(ta and tb) and (_contains(ta, tb) or _contains(tb, ta))


_DESCRIPTION_START = {
    # an alias opening with one of these is a description or a pronoun, not a name
    "a", "an", "one", "some", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my",
    "your", "he", "she", "it", "they", "we", "i", "you", "him", "them", "us", "who", "both", "another",
}


def is_named_alias(alias: str) -> bool:
    """An alias *names* its source when it contains a proper name: a capitalised word other than a
    leading article, pronoun, possessive or determiner ("Mr. Shoigu", "Kremlin", "Veldmark's foreign
    minister", "The Health Ministry", "A Chirp spokesman", "a Russian official"). Pronouns and bare
    descriptions do not: "he", "It", "Its spokeswoman", "The company", "the minister", "One of them"."""
    words = [w for w in re.findall(r"[^\W_][\w'’.&-]*", unicodedata.normalize("NFKC", alias))]
    for i, w in enumerate(words):
        if not w[:1].isupper():
            continue
        if i == 0 and (w.lower() == "the" or re.sub(r"['’]s$", "", w).lower().strip(".") in _DESCRIPTION_START):
            continue
        return True
    return False


def _name_alone_tokens(name: str) -> tuple[str, ...]:
    """name_tokens without one-letter initials ("Sergei K. Shoigu") and without bracketed
    parentheticals ("Gov. Mike Pence (R-IN)")."""
    name = re.sub(r"\([^()]*\)", " ", name)
    return tuple(t for t in name_tokens(name) if len(t) > 1 or t.isdigit())


def _capitalised(name: str) -> bool:
    return any(w[:1].isupper() for w in re.findall(r"[^\W_][\w'’-]*", name)
               if w.lower() not in _HONORIFICS and w.lower() not in _DESCRIPTION_START)


def name_alone_matches(predicted: str, gold: str) -> bool:
    """The predicted source name names `gold` by itself. After `name_tokens` normalisation (case,
    punctuation, articles, honorifics) and dropping one-letter initials, the token sequences are equal,
    or one ends the other and the shorter is a name (two or more words, or a capitalised word: "Shoigu"
    ~ "Sergei K. Shoigu" ~ "Defence Minister Sergei Shoigu", but not "the ministry" ~ "Health
    Ministry"), or one begins the other with two or more words ("Two diplomats" ~ "Two diplomats who
    spoke on condition of anonymity"). A name merely contained in the other does not count ("Russia" is
    not "Russia's foreign ministry", "A report" is not "A report by the Lindqvist Institute")."""
    tp, tg = _name_alone_tokens(predicted), _name_alone_tokens(gold)
    if not tp or not tg:
        return False
    if tp == tg:
        return True
    (short, short_text), long_ = ((tp, predicted), tg) if len(tp) < len(tg) else ((tg, gold), tp)
    n = len(short)
    if long_[-n:] == short and (n >= 2 or _capitalised(short_text)):
        return True
    return n >= 2 and long_[:n] == short


def gold_names_for_name_accuracy(g: GoldAttribution) -> tuple[str, ...]:
    """The gold source plus its named aliases. PolNeAR has no aliases: its names are the Source text."""
    if g.source is None:
        return ()
    return (g.source, *(a for a in g.names if a != g.source and is_named_alias(a)))


def norm_text(s: str) -> str:
    """For summary checks: NFKC, lower, straight quotes, '5,000' -> '5000', single spaces."""
    s = unicodedata.normalize("NFKC", s).lower()
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"(?<=\d)[,\u202f\u00a0](?=\d{3}\b)", "", s)
    return re.sub(r"\s+", " ", s).strip()


def _phrase_in(phrase: str, text: str) -> bool:
    """Case-insensitive, whitespace-fuzzy, word-bounded containment on normalised text."""
    p = norm_text(phrase)
    if not p:
        return False
    pattern = r"\s*".join(re.escape(w) for w in p.split(" "))
    left = r"(?<!\w)" if p[0].isalnum() else ""
    right = r"(?!\w)" if p[-1].isalnum() else ""
    return re.search(left + pattern + right, norm_text(text)) is not None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][\w'’-]*")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+")


def _numbers(s: str) -> set[str]:
    return {re.sub(r",(?=\d{3}\b)", "", m.group()).rstrip(".,") for m in _NUMBER.finditer(s)}


# ---------------------------------------------------------------- per-article scoring


@dataclass
class Match:
    """How one gold attribution fared (for the report)."""

    gold_index: int
    found_lenient: bool
    found_exact: bool
    found_strict: bool
    claim_id: str | None = None
    source_ok: bool | None = None
    source_name_ok: bool | None = None
    source_type_ok: bool | None = None
    cue_ok: bool | None = None
    kind_ok: bool | None = None


@dataclass
class ArticleScore:
    id: str
    counts: Counts
    matches: list[Match] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)  # predicted claim ids matching no gold
    unsourced_missed: list[int] = field(default_factory=list)  # gold unsourced indexes
    laundered: list[str] = field(default_factory=list)  # predicted unsourced claim ids inside gold content
    ungrounded: list[str] = field(default_factory=list)
    broken_refs: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    summary_problems: list[str] = field(default_factory=list)
    seconds: float | None = None
    error: str | None = None

    def metrics(self) -> dict[str, float | int | None]:
        return aggregate(self.counts)


def document_text(gold: GoldArticle, response: SummarizeResponse) -> str:
    return response.document.text if response.document.text is not None else gold.text


def _source_ok(g: GoldAttribution, claim: Claim, source: Source | None) -> bool:
    if source is not None and any(names_match(source.name, n) for n in g.names):
        return True
    m = claim.source_mention
    if m is not None:
        if any(names_match(m.text, n) for n in g.names):
            return True
        if any(sp.overlap(m.start, m.end) > 0 for sp in g.source_spans):
            return True
    return False


def _cue_ok(g: GoldAttribution, claim: Claim) -> bool:
    c = claim.cue
    if c is None:
        return False
    if g.cue is not None and g.cue.overlap(c.start, c.end) > 0:
        return True
    return g.cue_text is not None and norm_text(c.text).strip(".,") == norm_text(g.cue_text).strip(".,")


def _exact(doc: str, gspan: GoldSpan, preds: list[Claim], strict: bool) -> bool:
    def key(s: int, e: int) -> tuple[int, int]:
        return (s, e) if strict else trim(doc, s, e)

    pred_keys = {key(c.content.start, c.content.end) for c in preds}
    return all(key(s, e) in pred_keys for s, e in gspan.pieces)


def score_article(gold: GoldArticle, response: SummarizeResponse) -> ArticleScore:
    doc = document_text(gold, response)
    c = Counts(articles=1)
    out = ArticleScore(id=gold.id, counts=c)
    sources = {s.id: s for s in response.sources}
    attributed = [cl for cl in response.claims if cl.kind in ATTRIBUTED_KINDS]
    unsourced = [cl for cl in response.claims if cl.kind == "unsourced"]

    # -- attributed content: recall side
    c.gold_attr = len(gold.attributions)
    c.pred_attr = len(attributed)
    claim_correct: dict[str, bool] = {}
    for gi, g in enumerate(gold.attributions):
        glen = len(g.content)
        overl = {cl.id: g.content.overlap(cl.content.start, cl.content.end) for cl in attributed}
        best = max(attributed, key=lambda cl: overl[cl.id], default=None)
        found = best is not None and 2 * overl[best.id] >= glen
        if not found and len(g.content.pieces) > 1:
            by_source: dict[str, int] = {}
            for cl in attributed:
                by_source[cl.source_id] = by_source.get(cl.source_id, 0) + overl[cl.id]
            found = bool(by_source) and 2 * max(by_source.values()) >= glen
        touching = [cl for cl in attributed if overl[cl.id] > 0]
        mt = Match(
            gold_index=gi,
            found_lenient=found,
            found_exact=_exact(doc, g.content, touching, strict=False),
            found_strict=_exact(doc, g.content, touching, strict=True),
        )
        c.gold_found_lenient += mt.found_lenient
        c.gold_found_exact += mt.found_exact
        c.gold_found_strict += mt.found_strict
        if found and best is not None:
            mt.claim_id = best.id
            src = sources.get(best.source_id)
            if g.source is not None:
                mt.source_ok = _source_ok(g, best, src)
                c.source_checked += 1
                c.source_correct += mt.source_ok
                mt.source_name_ok = src is not None and any(
                    name_alone_matches(src.name, n) for n in gold_names_for_name_accuracy(g))
                c.source_name_checked += 1
                c.source_name_correct += mt.source_name_ok
            if g.source_type is not None:
                mt.source_type_ok = src is not None and src.type == g.source_type
                c.source_type_checked += 1
                c.source_type_correct += mt.source_type_ok
            if g.cue is not None or g.cue_text is not None:
                mt.cue_ok = _cue_ok(g, best)
                c.cue_checked += 1
                c.cue_correct += mt.cue_ok
            if g.kind is not None:
                mt.kind_ok = best.kind == g.kind
                c.kind_checked += 1
                c.kind_correct += mt.kind_ok
        out.matches.append(mt)

    # -- attributed content: precision side
    for cl in attributed:
        s, e = cl.content.start, cl.content.end
        plen = e - s
        lenient = exact = strict = False
        correct = False
        for g in gold.attributions:
            ov = g.content.overlap(s, e)
            if ov and (2 * ov >= len(g.content) or 2 * ov >= plen):
                lenient = True
                if g.source is None or _source_ok(g, cl, sources.get(cl.source_id)):
                    correct = True
            targets = g.content.pieces  # a split gold span is matched exactly piece by piece
            if any(trim(doc, s, e) == trim(doc, *t) for t in targets):
                exact = True
            if any((s, e) == t for t in targets):
                strict = True
        c.pred_matched_lenient += lenient
        c.pred_matched_exact += exact
        c.pred_matched_strict += strict
        if not lenient:
            out.false_positives.append(cl.id)
        claim_correct[cl.id] = correct
        if cl.confidence >= CONFIDENCE_SPLIT:
            c.conf_hi_total += 1
            c.conf_hi_correct += correct
        else:
            c.conf_lo_total += 1
            c.conf_lo_correct += correct
        if any(j.overlap(s, e) * 2 >= max(plen, 1) for j in gold.junk):
            c.pred_in_junk += 1

    # -- unsourced
    c.gold_unsourced = len(gold.unsourced) if gold.labels_unsourced else 0
    c.pred_unsourced = len(unsourced)
    if gold.labels_unsourced:
        for ui, u in enumerate(gold.unsourced):
            hit = any(2 * u.overlap(cl.content.start, cl.content.end) >= len(u) for cl in unsourced)
            c.gold_unsourced_found += hit
            if not hit:
                out.unsourced_missed.append(ui)
        for cl in attributed:
            plen = max(cl.content.end - cl.content.start, 1)
            if any(2 * u.overlap(cl.content.start, cl.content.end) >= plen for u in gold.unsourced):
                c.pred_attr_on_gold_unsourced += 1
    for cl in unsourced:
        plen = max(cl.content.end - cl.content.start, 1)
        if any(2 * g.content.overlap(cl.content.start, cl.content.end) >= plen for g in gold.attributions):
            c.pred_unsourced_in_gold_attr += 1
            out.laundered.append(cl.id)

    # -- grounding and referential integrity
    spans: list[tuple[str, Span]] = []
    for cl in response.claims:
        spans.append((f"{cl.id}.content", cl.content))
        if cl.cue is not None:
            spans.append((f"{cl.id}.cue", cl.cue))
        if cl.source_mention is not None:
            spans.append((f"{cl.id}.source_mention", cl.source_mention))
    for s in response.sources:
        spans.extend((f"{s.id}.mentions[{i}]", m) for i, m in enumerate(s.mentions))
    c.spans_total = len(spans)
    for where, sp in spans:
        if sp.grounded_in(doc):
            c.spans_grounded += 1
        else:
            out.ungrounded.append(f"{where} [{sp.start},{sp.end}) {sp.text[:40]!r}")
    claim_ids = {cl.id for cl in response.claims}
    for cl in response.claims:
        c.refs_total += 1
        if cl.source_id not in sources:
            out.broken_refs.append(f"{cl.id}.source_id {cl.source_id!r}")
    for i, sent in enumerate(response.summary):
        for cid in sent.claim_ids:
            c.refs_total += 1
            if cid not in claim_ids:
                out.broken_refs.append(f"summary[{i}].claim_ids {cid!r}")
    c.refs_broken = len(out.broken_refs)
    reporters = [s for s in response.sources if s.type == "reporter"]
    if len(reporters) > 1:
        out.violations.append(f"{len(reporters)} reporter sources (one per article)")
    for cl in response.claims:
        src = sources.get(cl.source_id)
        if src is None:
            continue
        if (cl.kind == "unsourced") != (src.type == "reporter"):
            out.violations.append(f"{cl.id}: kind {cl.kind} with source {src.id} of type {src.type}")
    c.contract_violations = len(out.violations)

    # -- summary
    if response.summary:
        _score_summary(gold, doc, response, c, out)
    return out


def _score_summary(gold: GoldArticle, doc: str, response: SummarizeResponse, c: Counts, out: ArticleScore) -> None:
    c.summaries = 1
    sentences = [s.text for s in response.summary]
    c.summary_sentences = len(sentences)
    whole = " ".join(sentences)
    spec = gold.summary
    if spec is not None:
        for item in spec.must_mention:
            c.must_mention_total += 1
            if any(_phrase_in(alt, whole) for alt in item.split("|")):
                c.must_mention_hit += 1
            else:
                out.summary_problems.append(f"must_mention missing: {item}")
        for ma in spec.must_attribute:
            c.must_attribute_total += 1
            facts = ma.fact.split("|")
            carriers = [s for s in sentences if any(_phrase_in(f, s) for f in facts)]
            if any(any(_phrase_in(src, s) for src in ma.source.split("|")) for s in carriers):
                c.must_attribute_ok += 1
            elif not carriers:
                out.summary_problems.append(f"must_attribute fact absent: {ma.fact}")
            else:
                out.summary_problems.append(f"must_attribute unattributed: {ma.fact} (wants {ma.source})")
        for phrase in spec.must_not_state:
            c.must_not_state_total += 1
            carriers = [s for s in response.summary if _phrase_in(phrase, s.text)]
            if not carriers:
                continue
            c.must_not_state_suspects += 1
            if all(_names_cited_source(s, response) for s in carriers):
                out.summary_problems.append(f"must_not_state suspect (attributed): {phrase}")
            else:
                c.must_not_state_violations += 1
                out.summary_problems.append(f"must_not_state VIOLATION (stated as fact): {phrase}")
    _score_sources(gold, doc, sentences, c, out)
    doc_numbers = _numbers(doc)
    doc_norm = unicodedata.normalize("NFKC", doc).replace("’", "'")
    for sent in sentences:
        for n in sorted(_numbers(sent)):
            c.summary_numbers += 1
            if n not in doc_numbers:
                c.unsupported_numbers += 1
                out.summary_problems.append(f"number not in article: {n}")
        for part in _SENT_SPLIT.split(sent):
            for k, m in enumerate(_NAME.finditer(part)):
                word = re.sub(r"['’]s$", "", m.group()).rstrip("'’-")
                if k == 0 and m.start() == 0 and word.lower() in doc_norm.lower():
                    continue  # sentence-initial capital: a name only if the article never has the word
                c.summary_names += 1
                if not re.search(r"(?<!\w)" + re.escape(word.replace("’", "'")) + r"(?!\w)", doc_norm):
                    c.unsupported_names += 1
                    out.summary_problems.append(f"name not in article: {word}")


_STOP = frozenset("that this with from have been were will would could said says their there they them than then "
                  "also about after into over more most some such which while what when where other only".split())


def _fact_words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", norm_text(text)) if w not in _STOP}


def carried_attributions(sentence: str, gold: GoldArticle, doc: str) -> list[GoldAttribution]:
    """Gold attributions whose content a summary sentence carries: one of its numbers and a word of
    it, or (for a claim without numbers) most of its words. A claim with numbers none of which the
    sentence has is another fact (the other side of a dispute), not carried."""
    s_words, s_nums = _fact_words(sentence), _numbers(sentence)
    out = []
    for g in gold.attributions:
        content = g.content.text(doc)
        g_words, g_nums = _fact_words(content), _numbers(content)
        shared = len(s_words & g_words)
        if g_nums:
            if g_nums & s_nums and shared >= 1:
                out.append(g)
        elif shared >= max(4, 0.6 * len(g_words)):
            out.append(g)
    return out


def _names_gold_source(sentence: str, g: GoldAttribution) -> bool:
    """The sentence names the gold source: a name or alias, or the head word of one ("commission")."""
    words = set(name_tokens(sentence))
    for name in g.names or ((g.source,) if g.source else ()):
        toks = name_tokens(name)
        if not toks or toks[0] in _DESCRIPTION_START and len(toks) == 1:
            continue  # "he", "it": a pronoun alias names no one in a summary
        if _phrase_in(name, sentence) or (toks and toks[-1] in words and len(toks[-1]) > 2):
            return True
    return False


def _score_sources(gold: GoldArticle, doc: str, sentences: list[str], c: Counts, out: ArticleScore) -> None:
    """Wrong or missing source: a sentence carries a gold attribution without naming its source
    ("CITY said the government would cut…" when the finance minister said it)."""
    for sent in sentences:
        carried = [g for g in carried_attributions(sent, gold, doc) if g.source is not None]
        if not carried:
            continue
        c.summary_attributed_sentences += 1
        missing = [g for g in carried if not _names_gold_source(sent, g)]
        if missing:
            c.summary_wrong_source += 1
            out.summary_problems.append(f"wrong or missing source (wants {missing[0].source}): {sent}")


def _names_cited_source(sentence, response: SummarizeResponse) -> bool:
    """The sentence cites an attributed claim and names its source (the head word of the name,
    e.g. 'commission' for "Meridia's Central Election Commission", or the whole name)."""
    claims = {cl.id: cl for cl in response.claims}
    sources = {s.id: s for s in response.sources}
    words = set(name_tokens(sentence.text))
    for cid in sentence.claim_ids:
        cl = claims.get(cid)
        src = sources.get(cl.source_id) if cl else None
        if cl is None or cl.kind not in ATTRIBUTED_KINDS or src is None:
            continue
        toks = name_tokens(src.name)
        if toks and toks[-1] in words:
            return True
    return False


def failed_article(gold: GoldArticle, error: str) -> ArticleScore:
    """An article the service failed on: every gold label is a miss, the failure is counted."""
    c = Counts(articles=1, articles_failed=1, gold_attr=len(gold.attributions))
    if gold.labels_unsourced:
        c.gold_unsourced = len(gold.unsourced)
    s = ArticleScore(id=gold.id, counts=c, error=error)
    s.matches = [Match(i, False, False, False) for i in range(len(gold.attributions))]
    s.unsourced_missed = list(range(c.gold_unsourced))
    return s
