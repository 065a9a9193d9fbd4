"""Offsets against sets of spans in logarithmic time, so that a finder stays linear in a
long text: whether an offset lies inside any span, and a growing set of spans that must
not overlap."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Iterable


class Covered:
    """Whether an offset lies in any of some (possibly overlapping) [start, end) spans."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach: list[int] = []  # the furthest end of the spans up to each one
        furthest = -1
        for _, b in ordered:
            furthest = max(furthest, b)
            self.reach.append(furthest)

    def __call__(self, at: int) -> bool:
        i = bisect_right(self.starts, at) - 1
        return i >= 0 and self.reach[i] > at


class Disjoint:
    """A set of [start, end) spans none of which overlap: ``add`` takes a span only if it
    overlaps none already taken."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return False
        if i < len(self.starts) and self.starts[i] < end:
            return False
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        return True


class Spans:
    """A growing set of [start, end) spans (they may overlap): whether an offset lies in
    one of them. Only spans that start within the longest span's length before an offset
    can hold it, so a look costs the few spans near it."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        insort(self.spans, (start, end))
        self.longest = max(self.longest, end - start)

    def covers(self, at: int) -> bool:
        i = bisect_right(self.spans, (at, float("inf")))
        while i > 0 and self.spans[i - 1][0] > at - self.longest:
            i -= 1
            if self.spans[i][1] > at:
                return True
        return False
