"""Dates: the page's publication date, the meeting's date and time of day.

Vietnamese news writes a meeting's date as "Chiều 8-1-2025", "Ngày 25/8", "sáng 15.4",
"Sáng nay (10/8)", usually without the year; the year then comes from the text itself
(GOLD.md): the publication date, a deadline, a congress's term, or the years the story
talks about ("quý I/2024", "năm 2019 ... năm 2020"). The words are data
(``rules/dates.json``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..nlp import Doc
from ..rules import Rules
from ..text import DIGITS, Sought, alternation, caseless, caseless_regex, word_start, words_start
from .component import Component

D, M, Y = r"(\d{1,2})", r"(\d{1,2})", r"(\d{4})"
SEP = r"\s*[/\-.]\s*"
FULL_DATE = re.compile(rf"(?<![\d/])\b{D}{SEP}{M}{SEP}{Y}\b")
WORDY_DATE = re.compile(rf"\bngày\s+{D}\s+tháng\s+{M}\s+năm\s+{Y}\b", re.I)
# The same, sought from a first digit or letter (text.Sought): sre skips ahead to one.
FULL_DATES = Sought(FULL_DATE, re.compile(words_start(DIGITS, r"[\w/]", rf"\d?{SEP}\d{{1,2}}{SEP}\d{{4}}\b")),
                    digits=True)
WORDY_DATES = Sought(WORDY_DATE, caseless_regex(word_start("ngày") + r"\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\b"),
                     caseless=True)
ISO_META = re.compile(r"^\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\b")
CLOCK = re.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{2}(?!\d)")
# A document's number right before: "số 118-QĐ/TW ngày", "số 979 ngày" (is_document_date).
_DOCUMENT_NUMBER_BEFORE = re.compile(
    r"(?:\d+[-/][\w/\-]*[^\W\d_][\w/\-]*|\bsố\s+\d+)[ \t]*,?[ \t]*(?:ngày[ \t]*)?$", re.I)
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Found:
    value: str | None
    start: int = 0
    end: int = 0
    how: str = ""


def iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def is_document_date(text: str, at: int) -> bool:
    """'Quyết định số 118-QĐ/TW ngày 22-8-2023', 'Quyết định số 979 ngày 6-4-2018': a date
    right after a document number."""
    before = text[max(0, at - 40): at]
    return bool(_DOCUMENT_NUMBER_BEFORE.search(before))


class Dates:
    """The date patterns of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.dates
        self.timestamp_words = caseless_regex("|".join(r.timestamp_words))  # in caseless text
        tod = alternation(r.times_of_day)
        self.time_of_day = re.compile(rf"\s*(?:{tod})\b", re.I)
        self.stated_times = set(r.stated_times_of_day)
        # "Chiều 8-1-2025", "Sáng ngày 5/3", "Sáng nay (10/8)", "Ngày 25/8", "ngày 04-12-2023",
        # "Sáng qua 16.8", "Hôm qua, 25/5", "hai ngày 12 và 13/5/2021" (the first day)
        # Searched in the story made ``caseless``.
        after_tod = r"(?:\s+(?:nay|qua|hôm qua))?(?:\s+ngày)?"
        day_month = (rf"[\s,]*\(?\s*{D}(?:\s*(?:và|,|-|–)\s*\d{{1,2}})?"
                     rf"\s*[/\-.]\s*{M}(?:\s*[/\-.]\s*{Y})?(?![\d/\-])")
        self.meeting_date_re = caseless_regex(
            rf"(?:(?<![^\W\d_])({tod}){after_tod}|\bhôm\s+(?:nay|qua)|\bngày"
            rf"|\b(?:trong\s+)?(?:\d|hai|ba)\s+ngày){day_month}"
        )
        # Sought where the same pattern but for its groups matches, each branch written from
        # its first letter, so that sre skips to where one can start (its ``\d`` spelled 0-9).
        self.meeting_dates = Sought(self.meeting_date_re, caseless_regex("(?:" + "|".join([
            words_start(r.times_of_day, r"[^\W\d_]", after_tod),
            word_start("hôm") + r"\s+(?:nay|qua)", word_start("ngày"),
            word_start("trong") + r"\s+(?:\d|hai|ba)\s+ngày",
            words_start(["hai", "ba", *DIGITS], then=r"\s+ngày"),
        ]) + ")" + day_month), digits=True)
        self.deadline = re.compile(rf"\b(?:{alternation(r.deadline_words)})\s+(?:ngày\s+)?{D}{SEP}{M}{SEP}{Y}", re.I)
        self.term = re.compile(rf"(?:{alternation(r.term_words)})\s*\(?\s*(\d{{4}})\s*[-–—]\s*(\d{{4}})", re.I)
        self.congress = re.compile(alternation(r.congress_words), re.I)
        self.year_mention = caseless_regex(rf"(?:{'|'.join(r.year_mentions)})\s*(\d{{4}})\b")  # in caseless text
        self.period = re.compile(rf"(?:{alternation(r.period_words)})\s+\d{{4}}\s*[-–—]\s*\d{{4}}", re.I)

    # -- the page's own date ---------------------------------------------------------------

    def publication_date(self, doc: Doc) -> Found:
        """The article's own timestamp: a crawler's `date YYYY-MM-DD` line, or a full date
        on a short line with a clock time or dateline words, or alone on its line (not
        the first), near the top of the page."""
        text = doc.text
        for n, line in enumerate(_LINE.finditer(text[:3000])):
            s = line.group()
            meta = ISO_META.match(s)
            if meta:
                if meta.group(3):
                    return Found(iso(int(meta[1]), int(meta[2]), int(meta[3])), line.start(), line.end(), "date line")
                continue
            low = caseless(s)
            for dates in (FULL_DATES, WORDY_DATES):
                for m in dates.finditer(s, low):
                    before, after = s[: m.start()], s[m.end():]
                    stamp = CLOCK.search(after[:12]) or CLOCK.search(before[-12:]) or self.timestamp_words.search(low)
                    short = len(before.split()) <= 6
                    # A line that is only a date ("29.12.2021"), below the page's first line
                    # (where a bare date is the site's banner: GOLD.md)
                    bare = n > 0 and not (before + after).strip(" |-–,")
                    if stamp or bare or (short and len(after.split()) <= 3 and dates is WORDY_DATES):
                        if stamp and not short and not self.timestamp_words.search(low):
                            continue
                        value = iso(int(m[3]), int(m[2]), int(m[1]))
                        if value:
                            return Found(value, line.start() + m.start(), line.start() + m.end(), "timestamp")
        return Found(None)

    # -- the meeting's date ----------------------------------------------------------------

    def meeting_date(self, doc: Doc, published: str | None) -> tuple[Found, str | None]:
        """The meeting's date (ISO) and time of day, from the first date expression of the
        story that is not the page's own timestamp nor a document's date of issue."""
        text, low = doc.text, doc.low
        for m in self.meeting_dates.finditer(low, low):  # the text is caseless already
            if is_document_date(text, m.start()) or self._on_timestamp_line(text, m.start()):
                continue
            tod = text[m.start(1): m.end(1)].lower() if m.group(1) else None
            tod = tod if tod in self.stated_times else None
            day, month = int(m.group(2)), int(m.group(3))
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            if m.group(4):
                return Found(iso(int(m.group(4)), month, day), m.start(), m.end(), "stated"), tod
            sentence = doc.sentence_at(m.start())
            year, how = self.infer_year(text, day, month, published,
                                        sentence.text if sentence else text[m.start(): m.start() + 300])
            value = iso(year, month, day) if year else None
            return Found(value, m.start(), m.end(), how), tod
        return Found(None), None

    def _on_timestamp_line(self, text: str, at: int) -> bool:
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line = text[line_start: line_end if line_end >= 0 else len(text)]
        meta = ISO_META.match(line)
        if meta:  # a crawler's date prefix may share its line with the story's first sentence
            if at - line_start < meta.end():
                return True
            line, line_start = line[meta.end():], line_start + meta.end()
        return (
            len(line.split()) <= 10 and bool(CLOCK.search(line) or self.timestamp_words.search(caseless(line)))
            and not self.time_of_day.match(line[at - line_start:])
        )

    def infer_year(self, text: str, day: int, month: int, published: str | None,
                   sentence: str = "") -> tuple[int | None, str]:
        """The year of a day/month, from the text itself (GOLD.md's rules, in order). A
        congress's term gives the year only when the meeting is that congress: the date's
        ``sentence`` names it."""
        if published:
            y, m, d = (int(x) for x in published.split("-"))
            return (y if (month, day) <= (m, d) else y - 1), "published"
        meta = re.search(r"^\s*date\s+(\d{4})-(\d{2})", text, re.M)
        if meta:
            y, m = int(meta[1]), int(meta[2])
            return (y if month <= m else y - 1), "page month"
        deadline = self.deadline.search(text)
        if deadline:
            y, m, d = int(deadline[3]), int(deadline[2]), int(deadline[1])
            return (y if (month, day) < (m, d) else y - 1), "deadline"
        if self.congress.search(sentence):
            terms = [int(t[1]) for t in self.term.finditer(sentence)] or [int(t[1]) for t in self.term.finditer(text)]
            if terms:
                return max(terms), "congress term"
        years = self._story_years(text)
        if not years:
            return None, ""
        latest = max(years)
        # A meeting early in a year reviews the year before and plans this one
        # ("tổng kết năm 2016, trọng tâm năm 2017" on 10/2 → 2017); late in the year it
        # reviews the current one and plans the next (22/11, "năm 2019 ... năm 2020" → 2019).
        if latest - 1 in years and month >= 7:
            return latest - 1, "story years"
        return latest, "story years"

    def _story_years(self, text: str) -> set[int]:
        text = self.period.sub(" ", text)
        years = {int(y) for y in self.year_mention.findall(caseless(text))}
        for m in FULL_DATES.finditer(text):
            if not is_document_date(text, m.start()):
                years.add(int(m[3]))
        return {y for y in years if 1945 <= y <= 2100}


# --- components -------------------------------------------------------------------------


def _published(rules: Rules):
    dates = Dates(rules)

    def published(doc: Doc) -> None:
        story = doc.facts["story"]
        if story.published:
            doc.facts["published"] = story.published
            return
        found = dates.publication_date(doc)
        doc.facts["published"] = found.value
        if found.value:
            doc.add_span("published", found.start, found.end, found.value)

    return published


def _meeting_date(rules: Rules):
    dates = Dates(rules)

    def meeting_date(doc: Doc) -> None:
        found, time_of_day = dates.meeting_date(doc, doc.facts["published"])
        doc.facts["meeting.date"] = found.value
        doc.facts["meeting.time_of_day"] = time_of_day
        doc.facts["meeting.date_source"] = found.how or None
        if found.value or found.end:
            doc.add_span("date", found.start, found.end, found.value or "")

    return meeting_date


PUBLISHED = Component("published", requires=("story",), assigns=("published", "span:published"),
                      factory=_published)
MEETING_DATE = Component(
    "meeting_date", requires=("published",),
    assigns=("meeting.date", "meeting.time_of_day", "meeting.date_source", "span:date"),
    factory=_meeting_date)
