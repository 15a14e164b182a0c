"""Quotations left without a cue ("..., he added." or a quote running on after the last one): the
speaker of an adjacent cue, or of the quotation just before."""
from __future__ import annotations

from bisect import bisect_right

from .intervals import Spans
from .model import RawClaim


def quote_continuations(raw, dangling, sents, regions):
    """Quotations left without a cue: the speaker of an adjacent cue or the previous quote."""
    out = []
    covered = Spans((c.content[0], c.content[1], None) for c in raw)
    added: list[tuple[int, int]] = []  # quotations claimed here; in text order they cannot cover a later one
    ordered = all(a[1] <= b[0] for a, b in zip(regions, regions[1:]))

    def is_covered(q):
        if covered.overlaps(q[0], q[1]) or covered.contains(q[0], q[1]):
            return True
        return not ordered and any(s <= q[0] and q[1] <= e or (s < q[1] and q[0] < e) for s, e in added)

    sent_of = _sentence_of(regions, sents)
    # 2. below: the direct/mixed claim ending last before a quotation (the first such in raw order)
    quoted = sorted((c.content[1], -k, k) for k, c in enumerate(raw) if c.kind in ("direct", "mixed"))
    quoted_ends = [e for e, _, _ in quoted]
    for q in regions:
        if q not in sent_of or is_covered(q) or q[1] - q[0] < 12:  # at least 12 characters
            continue
        i = sent_of[q]
        # 1. a cue without content in the same or the next sentence of the paragraph ("..., he added.")
        for j in (i, i + 1):
            if j in dangling and (j == i or sents[j].paragraph == sents[i].paragraph):
                cue, mention = dangling[j][0]
                out.append(RawClaim("direct", q, cue, mention, j, "dangling", 0.85))
                added.append(q)
                break
        else:
            # 2. the speaker of the quotation just before (same or previous paragraph)
            p = _last_before(q[0], raw, quoted, quoted_ends, out, ordered)
            if p is not None:
                if i - p.sent <= 1 and sents[i].paragraph - sents[p.sent].paragraph <= 1 and q[0] == sents[i].start:
                    out.append(RawClaim("direct", q, p.cue, p.mention, i, "continuation", 0.75))
                    added.append(q)
    return out


def _sentence_of(regions, sents) -> dict:
    """Quotation -> index of the first sentence its opening mark is in."""
    starts = [s.start for s in sents]
    if any(a.end > b.start for a, b in zip(sents, sents[1:])):  # not in text order: scan
        sent_of = {}
        for i, s in enumerate(sents):
            for q in regions:
                if s.start <= q[0] < s.end:
                    sent_of.setdefault(q, i)
        return sent_of
    sent_of = {}
    for q in regions:
        i = bisect_right(starts, q[0]) - 1
        if i >= 0 and q[0] < sents[i].end:
            sent_of.setdefault(q, i)
    return sent_of


def _last_before(pos, raw, quoted, quoted_ends, out, ordered):
    """max((c for c in raw + out if c.content[1] <= pos and c.kind in ("direct", "mixed")),
    key=content end) — the first of equals in raw + out order — or None."""
    k = bisect_right(quoted_ends, pos)
    best = raw[quoted[k - 1][2]] if k else None
    later = out[-1:] if ordered else out  # in text order the last one added ends last
    for c in later:
        if c.content[1] <= pos and c.kind in ("direct", "mixed") and (best is None or c.content[1] > best.content[1]):
            best = c
    return best
