"""Officials: who took part in the meeting, with their titles as printed and their role.

A person is a run of capitalised syllables that starts with a known surname, and counts
as an official only when the text ties a title or an honorific to it: "Title Name",
"đồng chí Name, Title, Title", "Name - Title", "các đồng chí: Name, Title; Name, Title",
"TITLES: Name, Name". A byline or a photo credit has neither, so it never becomes one.
Title words, surnames and honorifics are data (`models/officials.json`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gazetteer import find_provinces, fold
from ..nlp import Doc, Sentence
from ..resources import load_json
from ..schema import Official
from .common import evidence

_DATA = load_json("officials.json")
_SURNAMES = {fold(s) for s in _DATA["surnames"] if " " not in s}
_NOT_NAMES = tuple(fold(s) for s in _DATA["not_names"])


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_PREFIX = rf"(?:(?:{_alternation(_DATA['title_prefixes'])})\s+)?"
TITLE_HEAD = re.compile(rf"(?<![\wÀ-ỹ]){_PREFIX}(?:{_alternation(_DATA['title_heads'])})(?![\wÀ-ỹ])", re.I)
HONORIFIC = re.compile(rf"(?<![\wÀ-ỹ/])(?:{_alternation(_DATA['honorifics'])})\s*$")
STOP = re.compile(rf"\s(?:{_alternation(_DATA['title_stops'])})(?![\wÀ-ỹ])(?!\s+[A-ZĐ][a-zà-ỹ]*\s+[A-ZĐ])")
WORD = re.compile(r"[\wÀ-ỹ][\wÀ-ỹ’'&]*")
# Words allowed before the first title in a list segment ("Tham dự có Bí thư ...").
LEAD_IN = re.compile(
    r"^(?:(?:tham dự|cùng dự|đến dự|về dự|tới dự|dự|có|còn|gồm|cùng|và|với|về phía [^,]*|phía|"
    r"đồng chí|các đồng chí|ông|bà|đ/c|hội nghị|đại hội|buổi \w+|sự tham dự của|tham gia)\s*)*$",
    re.I,
)
ROLE_ORDER = {"chair": 0, "attendee": 1, "speaker": 2, "mentioned": 3}
CHAIR = re.compile(r"chủ trì", re.I)
LEADS = re.compile(r"làm trưởng đoàn|dẫn đầu", re.I)
ATTEND = re.compile(
    r"(?<![\wÀ-ỹ])(?:tham dự|cùng dự|đến dự|về dự|tới dự|dự(?!\s+(?:thảo|án|kiến|báo|khuyết|toán|trữ|thi|định))|"
    r"tham gia cùng|có sự tham gia|tới sự|đón)(?![\wÀ-ỹ])",
    re.I,
)
SPEAK = re.compile(
    r"phát biểu|báo cáo|cho biết|kiến nghị|trình bày|nhấn mạnh|đề nghị|khẳng định|yêu cầu|chỉ đạo|"
    r"kết luận|gợi mở|kêu gọi|thông tin|chia sẻ|nêu rõ|mong muốn|lưu ý",
    re.I,
)
CONCLUDES = re.compile(r"(?:phát biểu\s+)?kết luận|phát biểu khai mạc|khai mạc", re.I)


@dataclass
class Mention:
    name: str
    start: int
    end: int
    sentence: Sentence
    titles: list[str] = field(default_factory=list)
    honorific: bool = False


def officials(doc: Doc) -> list[Official]:
    mentions = [m for s in doc.sentences for m in _mentions(s)]
    known = {fold(m.name) for m in mentions if m.titles or m.honorific}
    by_name: dict[str, Official] = {}
    for m in mentions:
        key = fold(m.name)
        if key not in known:
            continue
        role = _role(m)
        current = by_name.get(key)
        if current is None:
            by_name[key] = Official(
                name=m.name, titles=m.titles, role=role, evidence=evidence(doc, m.start, m.end)
            )
            continue
        if _fuller(m.titles, current.titles):
            current.titles = m.titles
        if ROLE_ORDER[role] < ROLE_ORDER[current.role]:
            current.role = role
    result = list(by_name.values())
    _fallback_chair(doc, result, mentions)
    return result


def _fuller(new: list[str], old: list[str]) -> bool:
    return (len(new), len(" ".join(new))) > (len(old), len(" ".join(old)))


# --- finding names -------------------------------------------------------------------

def _name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of personal names: 2-4 capitalised syllables starting with a surname,
    not a place ("Hà Nội", "Hồ Chí Minh") nor a body ("Việt Nam")."""
    words = [(w.start(), w.end(), w.group()) for w in WORD.finditer(text)]
    spans, i = [], 0
    while i < len(words):
        if not words[i][2][0].isupper():
            i += 1
            continue
        j = i
        while j < len(words) and words[j][2][0].isupper() and _adjacent(text, words[j - 1], words[j], j > i):
            j += 1
        spans.extend(_names_in_run(text, words[i:j]))
        i = max(j, i + 1)
    return spans


def _adjacent(text, prev, cur, inside) -> bool:
    """Two words belong to one capitalised run only when separated by plain spaces."""
    return not inside or text[prev[1]: cur[0]].strip() == ""


def _names_in_run(text, run) -> list[tuple[int, int]]:
    spans, k = [], 0
    while k < len(run):
        word = run[k][2]
        if fold(word) in _SURNAMES and not word.isupper() and len(run) - k >= 2:
            rest = text[run[k][0]: run[-1][1]]
            place = find_provinces(rest)
            if place and place[0].start == 0:
                k += len(place[0].matched.split())
                continue
            if fold(rest).startswith(_NOT_NAMES):
                k += 1
                continue
            end = min(len(run), k + 4)
            # Acronyms ("UBND") never end a name.
            while end > k + 1 and run[end - 1][2].isupper() and len(run[end - 1][2]) > 1:
                end -= 1
            if end - k >= 2:
                spans.append((run[k][0], run[end - 1][1]))
                k = end
                continue
        k += 1
    return spans


# --- titles around a name ------------------------------------------------------------

def _mentions(sentence: Sentence) -> list[Mention]:
    text = sentence.text
    spans = _name_spans(text)
    result = []
    for n, (start, end) in enumerate(spans):
        prev_end = spans[n - 1][1] if n else 0
        next_start = spans[n + 1][0] if n + 1 < len(spans) else len(text)
        before = text[prev_end:start]
        pre, header, honorific = _titles_before(before)
        post = _titles_after(text[end:next_start], text[end:])
        titles = header + pre + post
        result.append(
            Mention(text[start:end], sentence.start + start, sentence.start + end, sentence,
                    _dedupe(titles), honorific)
        )
    # A title list before a colon covers every name of the list after it:
    # "các nguyên Ủy viên Bộ Chính trị, nguyên Chủ tịch Quốc hội: A, B, C".
    shared: list[str] = []
    for m in result:
        local_before = text[: m.start - sentence.start]
        colon = local_before.rfind(":")
        if colon >= 0 and ";" not in local_before[colon:]:
            header = _header_titles(local_before[:colon])
            if header:
                shared = header
            if shared:
                m.titles = _dedupe(shared + [t for t in m.titles if t not in shared])
        else:
            shared = []
    return result


def _titles_before(before: str) -> tuple[list[str], list[str], bool]:
    """Titles printed right before a name ("UVTV Tỉnh ủy, Trưởng ban Dân vận Tỉnh ủy X")."""
    chunk = re.split(r"[;:()]|\s[-–]\s", before)[-1]
    honorific = bool(HONORIFIC.search(chunk.rstrip()))
    segments = [s.strip() for s in chunk.split(",")]
    titles: list[str] = []
    for k in range(len(segments) - 1, -1, -1):
        seg = segments[k]
        last = k == len(segments) - 1
        if last and not seg:
            break
        head = TITLE_HEAD.search(seg)
        if not head:
            break
        lead = seg[: head.start()].strip()
        if not last and not LEAD_IN.match(lead):
            break
        if last and lead and not LEAD_IN.match(lead):
            # "Phát biểu tại buổi làm việc, Chủ tịch UBND tỉnh X": cut at the title.
            titles.insert(0, _trim(seg[head.start():]))
            break
        title = _trim(seg[head.start():], allow_stop=not last)
        if not title:
            break
        titles.insert(0, title)
        if lead:
            break
    return titles, [], honorific


def _header_titles(before_colon: str) -> list[str]:
    chunk = re.split(r"[;()]", before_colon)[-1]
    segments = [s.strip() for s in chunk.split(",")]
    titles = []
    for seg in segments:
        head = TITLE_HEAD.search(seg)
        if head:
            t = _trim(seg[head.start():])
            if t:
                titles.append(re.sub(r"^các\s+", "", t))
    return titles


def _titles_after(until_next: str, rest: str) -> list[str]:
    """Titles printed after a name: ", Title, Title" or " - Title" or "(Title)"."""
    m = re.match(r"\s*(?:,|\(|[-–—]|\s-\s)\s*", until_next)
    if not m:
        return []
    body = until_next[m.end():]
    body = re.split(r"[;:)]", body)[0]
    titles = []
    for seg in re.split(r",|\s[-–—]\s|(?<=[\wÀ-ỹ])[-–](?=[A-ZĐÀ-Ỹ])", body):
        seg = seg.strip()
        head = TITLE_HEAD.match(seg)
        if not head:
            break
        stop = STOP.search(" " + seg)
        title = _trim(seg)
        if title:
            titles.append(title)
        if stop or len(until_next) < len(rest) and seg is not None and seg == body.strip():
            pass
        if stop:
            break
    # A trailing segment that is the title of the next name belongs to that name.
    if titles and len(until_next) < len(rest):
        tail = until_next.rstrip()
        last = titles[-1]
        if tail.endswith(last):
            titles.pop()
    return titles


def _trim(title: str, allow_stop: bool = True) -> str:
    """Cut a title at the first verb or preposition that ends it ("... chủ trì hội nghị")."""
    stop = STOP.search(" " + title)
    if stop:
        title = title[: max(0, stop.start() - 1)] if stop.start() > 0 else ""
    title = re.sub(r"\s+", " ", title).strip(" ,.-–")
    words = title.split()
    return " ".join(words[:16])


def _dedupe(titles: list[str]) -> list[str]:
    seen, out = set(), []
    for t in titles:
        k = fold(t)
        if t and k not in seen:
            seen.add(k)
            out.append(t)
    return out


# --- roles ---------------------------------------------------------------------------

def _role(m: Mention) -> str:
    text = m.sentence.text
    at = m.start - m.sentence.start
    clause_start = text.rfind(";", 0, at) + 1
    clause_end = text.find(";", at)
    clause = text[clause_start: clause_end if clause_end >= 0 else len(text)]
    head = re.sub(r"^[^,]*\d[^,]*,\s*", "", text).lstrip()
    if head.lower().startswith("chủ trì") or re.search(r"^.{0,40}chủ trì hội nghị có", text, re.I):
        return "chair"
    chair = CHAIR.search(clause)
    if chair and clause_start + chair.start() > at:
        return "chair"
    lead = LEADS.search(text, at)
    if lead:
        between = text[at: lead.start()]
        if not _name_spans(between[len(m.name):]):
            return "chair"
    if ATTEND.search(text):
        return "attendee"
    if SPEAK.search(text):
        return "speaker"
    return "mentioned"


def _fallback_chair(doc: Doc, found: list[Official], mentions: list[Mention]) -> None:
    """When nobody is said to chair, the leader who concludes or opens the meeting does."""
    if not found or any(o.role == "chair" for o in found):
        return
    by_key = {fold(o.name): o for o in found}
    for m in mentions:
        before = m.sentence.text[: m.start - m.sentence.start]
        if CONCLUDES.search(before) and fold(m.name) in by_key:
            by_key[fold(m.name)].role = "chair"
            return
