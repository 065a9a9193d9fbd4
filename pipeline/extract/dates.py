"""Dates: the page's publication date, the meeting's date and time of day.

Vietnamese news writes a meeting's date as "Chiều 8-1-2025", "Ngày 25/8", "sáng 15.4",
"Sáng nay (10/8)", usually without the year; the year then comes from the text itself
(GOLD.md): the publication date, a deadline, a congress's term, or the years the story
talks about ("quý I/2024", "năm 2019 ... năm 2020").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..nlp import Doc

D, M, Y = r"(\d{1,2})", r"(\d{1,2})", r"(\d{4})"
SEP = r"\s*[/\-.]\s*"
FULL_DATE = re.compile(rf"(?<![\d/])\b{D}{SEP}{M}{SEP}{Y}\b")
WORDY_DATE = re.compile(rf"\bngày\s+{D}\s+tháng\s+{M}\s+năm\s+{Y}\b", re.I)
ISO_META = re.compile(r"^\s*date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\b")
CLOCK = re.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{2}(?!\d)")
# A line that is only a timestamp, dateline or page counter around the date.
TIMESTAMP_WORDS = re.compile(
    r"cập nhật|ngày đăng|đăng lúc|thứ\s+(hai|ba|tư|năm|sáu|bảy)|chủ nhật|lượt (xem|đọc)|gmt|\bSA\b|\bCH\b",
    re.I,
)
TIME_OF_DAY = r"(sáng|chiều|tối|trưa|đêm)"
# "Chiều 8-1-2025", "Sáng ngày 5/3", "Sáng nay (10/8)", "Ngày 25/8", "ngày 04-12-2023"
MEETING_DATE = re.compile(
    rf"(?:(?<![^\W\d_]){TIME_OF_DAY}(?:\s+nay)?(?:\s+ngày)?|\bngày)\s*\(?\s*{D}\s*[/\-.]\s*{M}"
    rf"(?:\s*[/\-.]\s*{Y})?(?![\d/\-])",
    re.I,
)
DEADLINE = re.compile(rf"\b(?:trước|chậm nhất|hạn)\s+(?:ngày\s+)?{D}{SEP}{M}{SEP}{Y}", re.I)
TERM = re.compile(r"nhiệm kỳ\s*\(?\s*(\d{4})\s*[-–—]\s*(\d{4})", re.I)
YEAR_MENTION = re.compile(
    r"(?:\bnăm|quý\s+[IV]+\s*/|quý\s+[IV]+\s+năm|tháng\s+(?:đầu|cuối)\s+năm|đầu năm|cuối năm)\s*(\d{4})\b",
    re.I,
)
PERIOD = re.compile(r"giai đoạn\s+\d{4}\s*[-–—]\s*\d{4}", re.I)


@dataclass(frozen=True)
class Found:
    value: str | None
    start: int = 0
    end: int = 0
    how: str = ""


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def publication_date(doc: Doc) -> Found:
    """The article's own timestamp: a crawler's `date YYYY-MM-DD` line, or a full date
    on a short line with a clock time or dateline words, near the top of the page."""
    text = doc.text
    for line in re.finditer(r"[^\n]+", text[:3000]):
        s = line.group()
        meta = ISO_META.match(s)
        if meta:
            if meta.group(3):
                return Found(_iso(int(meta[1]), int(meta[2]), int(meta[3])), line.start(), line.end(), "date line")
            continue
        for rx in (FULL_DATE, WORDY_DATE):
            for m in rx.finditer(s):
                before, after = s[: m.start()], s[m.end():]
                stamp = CLOCK.search(after[:12]) or CLOCK.search(before[-12:]) or TIMESTAMP_WORDS.search(s)
                short = len(before.split()) <= 6
                if stamp or (short and len(after.split()) <= 3 and rx is WORDY_DATE):
                    if stamp and not short and not TIMESTAMP_WORDS.search(s):
                        continue
                    iso = _iso(int(m[3]), int(m[2]), int(m[1]))
                    if iso:
                        return Found(iso, line.start() + m.start(), line.start() + m.end(), "timestamp")
    return Found(None)


def meeting_date(doc: Doc, published: str | None) -> tuple[Found, str | None]:
    """The meeting's date (ISO) and time of day, from the first date expression of the
    story that is not the page's own timestamp nor a document's date of issue."""
    text = doc.text
    for m in MEETING_DATE.finditer(text):
        if _is_document_date(text, m.start()) or _on_timestamp_line(text, m.start()):
            continue
        tod = m.group(1).lower() if m.group(1) else None
        tod = tod if tod in ("sáng", "chiều", "tối") else None
        day, month = int(m.group(2)), int(m.group(3))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        if m.group(4):
            return Found(_iso(int(m.group(4)), month, day), m.start(), m.end(), "stated"), tod
        year, how = infer_year(text, day, month, published)
        value = _iso(year, month, day) if year else None
        return Found(value, m.start(), m.end(), how), tod
    return Found(None), None


def _is_document_date(text: str, at: int) -> bool:
    """'Quyết định số 118-QĐ/TW ngày 22-8-2023': a date right after a document number."""
    before = text[max(0, at - 40): at]
    return bool(re.search(r"\d+[-/][\w/\-]*[^\W\d_][\w/\-]*[ \t]*,?[ \t]*(?:ngày[ \t]*)?$", before, re.I))


def _on_timestamp_line(text: str, at: int) -> bool:
    line_start = text.rfind("\n", 0, at) + 1
    line_end = text.find("\n", at)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    meta = ISO_META.match(line)
    if meta:  # a crawler's date prefix may share its line with the story's first sentence
        if at - line_start < meta.end():
            return True
        line, line_start = line[meta.end():], line_start + meta.end()
    return (
        len(line.split()) <= 10 and bool(CLOCK.search(line) or TIMESTAMP_WORDS.search(line))
        and not re.match(rf"\s*{TIME_OF_DAY}\b", line[at - line_start:], re.I)
    )


def infer_year(text: str, day: int, month: int, published: str | None) -> tuple[int | None, str]:
    """The year of a day/month, from the text itself (GOLD.md's rules, in order)."""
    if published:
        y, m, d = (int(x) for x in published.split("-"))
        return (y if (month, day) <= (m, d) else y - 1), "published"
    meta = re.search(r"^\s*date\s+(\d{4})-(\d{2})", text, re.M)
    if meta:
        y, m = int(meta[1]), int(meta[2])
        return (y if month <= m else y - 1), "page month"
    deadline = DEADLINE.search(text)
    if deadline:
        y, m, d = int(deadline[3]), int(deadline[2]), int(deadline[1])
        return (y if (month, day) < (m, d) else y - 1), "deadline"
    if re.search(r"đại hội", text, re.I):
        terms = [int(t[1]) for t in TERM.finditer(text)]
        if terms:
            return max(terms), "congress term"
    years = _story_years(text)
    if not years:
        return None, ""
    latest = max(years)
    # A meeting early in a year reviews the year before and plans this one
    # ("tổng kết năm 2016, trọng tâm năm 2017" on 10/2 → 2017); late in the year it
    # reviews the current one and plans the next (22/11, "năm 2019 ... năm 2020" → 2019).
    if latest - 1 in years and month >= 7:
        return latest - 1, "story years"
    return latest, "story years"


def _story_years(text: str) -> set[int]:
    text = PERIOD.sub(" ", text)
    years = {int(y) for y in YEAR_MENTION.findall(text)}
    for m in FULL_DATE.finditer(text):
        if not _is_document_date(text, m.start()):
            years.add(int(m[3]))
    return {y for y in years if 1945 <= y <= 2100}
