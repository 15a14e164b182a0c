"""Attribution scoring: one response against one gold article. Finds each gold attribution among the
predicted claims (lenient, exact, strict; then its source, type, cue and kind), checks each predicted
claim against the gold (precision, calibration), the reporter's unsourced statements, and the
response's own integrity (grounded spans, references, one reporter). The matching rules are in
eval/metrics.py's docstring; summaries are checked in summary_checks.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from service.schema import ATTRIBUTED_KINDS, Claim, Source, Span, SummarizeResponse

from .adapters import GoldArticle, GoldAttribution, GoldSpan
from .counts import Counts, aggregate
from .matching import gold_names_for_name_accuracy, name_alone_matches, names_match, norm_text, trim
from .summary_checks import score_summary

CONFIDENCE_SPLIT = 0.8


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
    out = ArticleScore(id=gold.id, counts=Counts(articles=1))
    sources = {s.id: s for s in response.sources}
    attributed = [cl for cl in response.claims if cl.kind in ATTRIBUTED_KINDS]
    unsourced = [cl for cl in response.claims if cl.kind == "unsourced"]
    _score_gold_attributions(gold, doc, attributed, sources, out)
    _score_predicted_attributions(gold, doc, attributed, sources, out)
    _score_unsourced(gold, attributed, unsourced, out)
    _score_integrity(doc, response, sources, out)
    if response.summary:
        score_summary(gold, doc, response, out.counts, out.summary_problems)
    return out


def _score_gold_attributions(gold: GoldArticle, doc: str, attributed: list[Claim], sources: dict[str, Source],
                             out: ArticleScore) -> None:
    """Recall side: is each gold attribution found, and if so with the right source, type, cue, kind?"""
    c = out.counts
    c.gold_attr = len(gold.attributions)
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


def _score_predicted_attributions(gold: GoldArticle, doc: str, attributed: list[Claim],
                                  sources: dict[str, Source], out: ArticleScore) -> None:
    """Precision side: does each predicted claim match a gold attribution (and name its source, for the
    calibration split), or lie in junk?"""
    c = out.counts
    c.pred_attr = len(attributed)
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
        if cl.confidence >= CONFIDENCE_SPLIT:
            c.conf_hi_total += 1
            c.conf_hi_correct += correct
        else:
            c.conf_lo_total += 1
            c.conf_lo_correct += correct
        if any(j.overlap(s, e) * 2 >= max(plen, 1) for j in gold.junk):
            c.pred_in_junk += 1


def _score_unsourced(gold: GoldArticle, attributed: list[Claim], unsourced: list[Claim], out: ArticleScore) -> None:
    """The reporter's own statements: found, pinned on a source, or a source's claim stated as fact."""
    c = out.counts
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


def _score_integrity(doc: str, response: SummarizeResponse, sources: dict[str, Source], out: ArticleScore) -> None:
    """Grounded spans, references that resolve, and the contract's one-reporter rule."""
    c = out.counts
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


def failed_article(gold: GoldArticle, error: str) -> ArticleScore:
    """An article the service failed on: every gold label is a miss, the failure is counted."""
    c = Counts(articles=1, articles_failed=1, gold_attr=len(gold.attributions))
    if gold.labels_unsourced:
        c.gold_unsourced = len(gold.unsourced)
    s = ArticleScore(id=gold.id, counts=c, error=error)
    s.matches = [Match(i, False, False, False) for i in range(len(gold.attributions))]
    s.unsourced_missed = list(range(c.gold_unsourced))
    return s
