"""One story per page: where a page holds several stories, which one is its main story.

Tag, category and home pages list headlines with their leads; a story page may be followed
by other stories' headlines and leads, with or without a "Tin khác" marker. A story starts
with a headline followed by a datelined lead ("Headline" then "(BBK) - Sáng 5/3, ..."), or
with a crawler's ``date YYYY-MM-DD`` line, or, in a run of several datelined leads in a row,
with each of them. The main story is the one the page's headline names, else the first
complete one (with more than a lead), else the first (GOLD.md); the others are set aside:
the chain reads the main story only, and their spans are kept so that the evidence page
can grey them out.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple

from .text import fold

# A lead that opens with its dateline: an outlet tag, then a time of day and a date.
DATELINE = re.compile(
    r"^\W{0,3}(?:\(?[A-ZĐ][\wĐđ.]{1,12}\)?\s*[-–—:]\s*)?"
    r"(?:(?:sáng|chiều|tối|trưa|đêm)(?:\s+nay|\s+qua)?|ngày|hôm\s+(?:nay|qua))"
    r"\s*(?:ngày\s*)?\(?\s*\d{1,2}\s*[/.\-]\s*\d{1,2}",
    re.I,
)
CRAWLER_DATE = re.compile(r"^\s*date\s+\d{4}-\d{2}(?:-\d{2})?\b")
# A line with a full date or a clock time is a timestamp or a byline, not a headline.
STAMPED = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}\s*(?::|h)\s*\d{2}(?!\d)|\d{1,2} tháng \d{1,2}")
OUTLET_TAG = re.compile(r"^\W{0,2}(?:\([^()]{2,12}\)|[A-ZĐ]{2,6})\s*[-–—]")
DATE_IN_LEAD = re.compile(r"(?<![\d/])\d{1,2}\s*[/\-]\s*\d{1,2}(?![\d:])|\bngày\s+\d{1,2}\b", re.I)
# What a photo's caption or a speech's salutation says: such a line heads no story.
PHOTO_LINE = re.compile(
    r"^\W*(?:quang cảnh|toàn cảnh|thưa|kính thưa|các đại biểu|đại biểu)|phát biểu|trao|tặng|chụp ảnh|"
    r"dự và chỉ đạo|chủ trì|tại (?:hội nghị|buổi|đại hội|lễ)|^\W*\(", re.I)
CAPTION = re.compile(r"\bẢnh\s*:", re.I)  # a photo caption is not a headline
HEADLINE_WORDS = (4, 35)
LEAD_WORDS = 12


@dataclass(frozen=True)
class Block:
    """A story of the page: its character span and its first line."""

    start: int
    end: int
    first_line: str
    complete: bool  # more than a headline and a lead


class Line(NamedTuple):
    start: int
    end: int
    text: str
    headline: bool  # _is_headline(text), told once per line
    body: bool  # _is_body(text)


def _lines(text: str) -> list[Line]:
    lines = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        headline = _is_headline(line)
        lines.append(Line(m.start(), m.end(), line, headline, not headline and _words_at_least(line, LEAD_WORDS)))
    return lines


def split(text: str, headline: str | None = None) -> tuple[Block, list[Block]]:
    """(the main story, the other stories set aside) of a cleaned page."""
    lines = _lines(text)
    if not lines:
        return Block(0, len(text), "", True), []
    starts = sorted(set(_story_starts(lines, headline)) | set(_teaser_starts(lines)))
    blocks = []
    for k, i in enumerate(starts):
        j = starts[k + 1] if k + 1 < len(starts) else len(lines)
        body = [line for line in lines[i:j] if line.body]
        blocks.append(Block(lines[i].start, lines[j - 1].end, lines[i].text.strip(), len(body) >= 2))
    if len(blocks) <= 1:
        return Block(0, len(text), lines[0].text.strip(), True), []
    main = _main(blocks, headline)
    removed = [b for b in blocks if b is not main]
    return main, removed


REPEAT_WINDOW = 64
"""Lines back that a headline printed again is looked for in (a page repeats its headline
above the lead, not pages later; a bound keeps a long listing page linear)."""


def _repeats(line: str, headline_key: str | None, printed: Iterable[str], fold_: Callable[[str], str]) -> bool:
    key = fold_(line)
    return bool(headline_key and key in headline_key) or any(key in fold_(p) for p in printed)


def _story_starts(lines: list[Line], headline: str | None) -> list[int]:
    """Indexes of the lines that start a story (the first line always does).

    A headline followed by a datelined lead starts a new story once the current one has
    two paragraphs, or one that is a datelined lead (an item of a list of headlines and
    leads; a summary above a story's lead is not), unless it repeats the page's headline
    or an earlier line (pages print their headline again above the lead); a crawler's
    date line does once the current story has two paragraphs; a datelined lead right after
    another, of another day, does too."""
    starts, body_lines, dated = [0], 0, False
    headline_key = fold(headline) if headline else None
    printed: deque[str] = deque(maxlen=REPEAT_WINDOW)
    folded = lru_cache(maxsize=REPEAT_WINDOW + 1)(fold)  # only lines a headline is compared with
    for i, (_, _, line, is_headline, body) in enumerate(lines):
        if i and body_lines and (
                CRAWLER_DATE.match(line) and body_lines >= 2
                or is_headline and (body_lines >= 2 or dated) and not _repeats(line, headline_key, printed, folded)
                and _lead_follows(lines, i)
                or body and _other_day(line, lines[i - 1].text)):
            starts.append(i)
            body_lines = 0
        if body and not body_lines:
            dated = bool(DATELINE.match(line))
        body_lines += body
        printed.append(line)
    return starts


def _teaser_starts(lines: list[Line]) -> list[int]:
    """Other stories' headlines and leads after the story, with no marker before them: a
    run of at least two (headline, lead) pairs that ends the page, after a story of at
    least two paragraphs; or a page that is only such pairs, three or more (a listing:
    a headline, a summary, a photo's headline and the lead are one story). A story's own
    sub-headings each head several paragraphs, and its photo captions are followed by
    more of the same meeting, not by another story's dated lead."""
    pairs, i = [], len(lines) - 1
    while i >= 1:
        lead, head = lines[i], lines[i - 1]
        if head.headline and (_is_lead(lead) or lead.body and not PHOTO_LINE.search(head.text)):
            pairs.append(i - 1)
            i -= 2
        else:
            break
    if i < 1:  # the whole page is headlines and leads: a listing, of three at least
        return sorted(pairs) if len(pairs) >= 3 else []
    before = [line for line in lines[: i + 1] if line.body]
    return sorted(pairs) if len(pairs) >= 2 and len(before) >= 2 else []


def _is_lead(line: Line) -> bool:
    """A paragraph that opens a story: it says when (a date in its first words) or opens
    with the outlet's tag."""
    if not line.body:
        return False
    head = " ".join(line.text.split()[:30])
    return bool(DATELINE.match(line.text) or OUTLET_TAG.match(line.text) or DATE_IN_LEAD.search(head))


def _is_body(line: str) -> bool:
    return _words_at_least(line, LEAD_WORDS) and not _is_headline(line)


def _words_at_least(line: str, n: int) -> bool:
    """Whether ``line`` has ``n`` words or more, splitting no further than needed."""
    return len(line.split(maxsplit=n - 1)) >= n


def _other_day(line: str, previous: str) -> bool:
    """Two datelined leads in a row, of different days."""
    a, b = DATELINE.match(line), DATELINE.match(previous)
    return bool(a and b) and _day(a.group()) != _day(b.group())


def _day(dateline: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+", dateline)[-2:])


def _is_headline(line: str) -> bool:
    words = len(line.split(maxsplit=HEADLINE_WORDS[1]))  # one more than the most: too many
    stripped = line.strip()
    return (HEADLINE_WORDS[0] <= words <= HEADLINE_WORDS[1] and not stripped.endswith((".", ":", ";", ","))
            and ". " not in stripped and not CAPTION.search(line)
            and not DATELINE.match(line) and not STAMPED.search(line))


def _lead_follows(lines: list[Line], i: int) -> bool:
    """A datelined lead right after line ``i`` (a timestamp line may stand between)."""
    for k in (i + 1, i + 2):
        if k >= len(lines):
            return False
        line = lines[k].text
        if DATELINE.match(line) and len(line.split()) >= LEAD_WORDS:
            return True
        if not (STAMPED.search(line) and len(line.split()) <= LEAD_WORDS):
            return False
    return False


def _main(blocks: list[Block], headline: str | None) -> Block:
    if headline:
        key = fold(headline)[:60]
        for b in blocks:
            if key and key in fold(b.first_line):
                return b
    return next((b for b in blocks if b.complete), blocks[0])


def mask(text: str, removed: list[Block]) -> str:
    """The text with the stories set aside blanked out (same length: offsets hold)."""
    chars = list(text)
    for b in removed:
        for k in range(b.start, b.end):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)
