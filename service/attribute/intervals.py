"""Overlap and containment queries over a fixed set of character spans, by bisection.

The attribution steps ask "does any claim overlap this sentence?" or "is this cue inside some
other claim's content?" once per sentence or claim; scanning every claim for each made a long
article cost quadratic time (issue 10). `Spans` sorts the spans once and answers each query in
O(log n) with prefix maxima of the span ends.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable


class Spans:
    def __init__(self, items: Iterable[tuple[int, int, Hashable]]):
        """items: (start, end, key); `key` names the owner, for `contains(..., skip=key)`."""
        rows = sorted(items, key=lambda r: r[0])
        self.starts = [r[0] for r in rows]
        # prefix maxima of the end: the best two with distinct keys, so one owner can be skipped
        self._best: list[tuple[tuple[int, Hashable], tuple[int, Hashable] | None]] = []
        first: tuple[int, Hashable] | None = None
        second: tuple[int, Hashable] | None = None
        for _start, end, key in rows:
            if first is None or end > first[0]:
                if first is not None and first[1] != key:
                    second = first
                first = (end, key)
            elif key != first[1] and (second is None or end > second[0]):
                second = (end, key)
            self._best.append((first, second))

    def overlaps(self, start: int, end: int) -> bool:
        """Some span s with s.start < end and start < s.end."""
        k = bisect_left(self.starts, end)
        return k > 0 and self._best[k - 1][0][0] > start

    def contains(self, start: int, end: int, skip: Hashable = None) -> bool:
        """Some span s (whose key is not `skip`) with s.start <= start and end <= s.end."""
        k = bisect_right(self.starts, start)
        if k == 0:
            return False
        first, second = self._best[k - 1]
        if first[1] != skip or skip is None:
            return first[0] >= end
        return second is not None and second[0] >= end
