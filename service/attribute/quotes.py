"""Quote regions versus claim content: snap content to quote marks and name the claim kind.

Content found on the parse rarely starts or ends exactly at a quote mark (the tokenizer attaches
marks unpredictably), so content that starts or ends inside a quote region is widened to the
whole region — which is also how a quote running over two paragraphs becomes one claim. Then:
content that is exactly a quotation is `direct`, content that contains one is `mixed`, and
anything else `indirect`.
"""
from __future__ import annotations

import re

_LEAD = re.compile(r"^(?:\s|[,:;—–-]|that\s)+", re.IGNORECASE)
_TRAIL = re.compile(r"(?:\s|[,:;—–-])+$")


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip leading 'that'/punctuation and trailing punctuation (and a final period)."""
    while True:
        m = _LEAD.match(text[s:e])
        if not m or m.end() == 0:
            break
        s += m.end()
    while e > s:
        m = _TRAIL.search(text[s:e])
        if m and m.start() < e - s:
            e = s + m.start()
            continue
        if text[e - 1] == ".":  # the sentence's period (also an abbreviation's final dot: "U.S.")
            e -= 1
            continue
        break
    return s, e


def snap(content: tuple[int, int], regions: list[tuple[int, int]]) -> tuple[int, int]:
    s, e = content
    for qs, qe in regions:
        if qs < s < qe or (qs < e < qe) or (s <= qs < e and qe > e and qe - e <= 3):
            if qs < s < qe:
                s = qs
            if qs < e < qe:
                e = qe
            if s <= qs < e < qe and qe - e <= 3:
                e = qe
    # an opening mark right before the content belongs to it
    return s, e


def kind_of(text: str, content: tuple[int, int], regions: list[tuple[int, int]]) -> str:
    s, e = content
    inside = [(qs, qe) for qs, qe in regions if qs < e and qe > s]
    if not inside:
        return "indirect"
    covered = 0
    for qs, qe in inside:
        covered += min(e, qe) - max(s, qs)
    letters = sum(1 for ch in text[s:e] if ch.isalnum())
    outside = sum(1 for i in range(s, e) if text[i].isalnum() and not any(qs <= i < qe for qs, qe in inside))
    if letters and outside == 0:
        return "direct"
    return "mixed"


def fix_open_mark(text: str, s: int, e: int, regions: list[tuple[int, int]]) -> tuple[int, int]:
    """If content begins just after an opening mark of a region, include that mark."""
    for qs, qe in regions:
        if qs < s and text[qs:s].strip("“\"«„ ") == "" and qe >= e:
            return qs, max(e, qe) if qe - e <= 3 else e
    return s, e
