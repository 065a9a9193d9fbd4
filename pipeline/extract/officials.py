"""Officials: who took part in the meeting, with their titles as printed and their role.

A person is a run of capitalised syllables that starts with a known surname, and counts
as an official only when the text ties a title or an honorific to it: "Title Name",
"đồng chí Name, Title, Title", "Name - Title", "các đồng chí: Name, Title; Name, Title",
"các Ủy viên Ban Thường vụ: Name-Title; ...", "Name được bầu giữ chức Title". A byline
or a photo credit has neither, so it never becomes one. Title words, surnames and
honorifics are data (`models/officials.json`); titles are matched with the tone-mark
placement folded (Uỷ viên = Ủy viên).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gazetteer import find_districts, find_provinces, fold, fold_in_place
from ..nlp import Doc, Sentence
from ..resources import load_json
from ..schema import Official
from .common import evidence

_DATA = load_json("officials.json")
_SURNAMES = {fold(s) for s in _DATA["surnames"]}
_NOT_NAMES = tuple(fold(s) for s in _DATA["not_names"])
_B, _E = r"(?<![\wÀ-ỹ])", r"(?![\wÀ-ỹ])"


def _alternation(words) -> str:
    return "|".join(re.escape(fold(w)) for w in sorted(set(words), key=len, reverse=True))


# Searched in folded text (lower case, one tone placement); offsets are the original's.
_PREFIX = rf"(?:(?:{_alternation(_DATA['title_prefixes'])})\s+)?"
TITLE_HEAD = re.compile(rf"{_B}{_PREFIX}(?:{_alternation(_DATA['title_heads'])}){_E}")
HONORIFIC = re.compile(rf"(?<![\wÀ-ỹ/])(?:{_alternation(_DATA['honorifics'])})\s*$")
_STOP_WORDS = re.compile(rf"\s(?:{_alternation(_DATA['title_stops'])}){_E}")
# "và" joins two titles' words only before a capital ("Bộ Kế hoạch và Đầu tư"); before a
# lower-case word it ends the title ("Phó Trưởng Ban và lãnh đạo các vụ").
_AND = re.compile(r"\svà\s+(\w)")


def _stop(title: str) -> int | None:
    """Where a title ends: the first stop word (tone-folded) or "và" before a lower-case word."""
    found = [m.start() for m in [_STOP_WORDS.search(" " + fold_in_place(title))] if m]
    found += [m.start() for m in _AND.finditer(" " + title) if m.group(1).islower()][:1]
    return min(found) if found else None
APPOINTED = re.compile(r"^\s*(?:được\s+(?:bầu|bổ nhiệm|chỉ định|cử)\s+)?(?:giữ chức(?:\s+vụ)?|làm)\s+")
# "Huyện ủy Đồng Phú", "huyện Lâm Hà": a capitalised run after these is a place, not a person.
PLACE_BEFORE = re.compile(
    r"(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường|thị trấn|(?:tỉnh|thành|huyện|quận|thị|đảng) ủy(?: xã)?)\s+$"
)
WORD = re.compile(r"[\wÀ-ỹ][\wÀ-ỹ’'&]*")
# Words allowed before the first title of a list segment ("Tham dự có Bí thư ...").
LEAD_IN = re.compile(
    r"^(?:(?:tham dự|cùng dự|đến dự|về dự|tới dự|dự|có|còn|gồm|cùng|và|với|về phía [^,]*|phía|do|"
    r"đồng chí|các đồng chí|ông|bà|đ/c|hội nghị|đại hội|buổi \S+|sự tham dự của|tham gia|các|"
    r"một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\d+)\s*)*$"
)
# A title list ends where a connector leads into it: "... do Bí thư Đảng đoàn, Chủ tịch X".
LEAD_END = re.compile(r"(?:^|\s)(?:do|có|gồm|là|của|đồng chí|ông|bà|đ/c|cùng|với|và các|các)\s*$")
ROLE_ORDER = {"chair": 0, "attendee": 1, "speaker": 2, "mentioned": 3}
CHAIR = re.compile(r"chủ trì", re.I)
# "Chủ trì hội nghị có A; B; C", "Chiều 5/4, chủ trì ... có": everyone the sentence names.
CHAIR_LIST = re.compile(r"^(?:[^,]*\d[^,]*,\s*)?chủ trì|^.{0,40}chủ trì hội nghị có", re.I)
LEADS = re.compile(r"làm trưởng đoàn|dẫn đầu", re.I)
ATTEND = re.compile(
    rf"{_B}(?:tham dự|cùng dự|đến dự|về dự|tới dự|dự(?!\s+(?:thảo|án|kiến|báo|khuyết|toán|trữ|thi|định)){_E}|"
    rf"tham gia cùng|có sự tham gia|về phía [^,;]+ có|đại biểu [^,;]+ có|thưa){_E}",
    re.I,
)
SPEAK = re.compile(
    r"phát biểu|báo cáo|cho biết|kiến nghị|trình bày|nhấn mạnh|đề nghị|khẳng định|yêu cầu|chỉ đạo|"
    r"kết luận|gợi mở|kêu gọi|thông tin|chia sẻ|nêu rõ|mong muốn|lưu ý|biểu dương|ghi nhận|thay mặt",
    re.I,
)
CONCLUDES = re.compile(r"phát biểu kết luận|kết luận (?:hội nghị|cuộc họp|buổi)|phát biểu khai mạc", re.I)
# Meetings a leader runs (a congress or a ceremony is the association's own).
LED_KINDS = {"làm việc", "buổi làm việc", "gặp mặt", "hội nghị", "giao ban", "hội nghị giao ban",
             "cuộc họp", "thăm", "kiểm tra", "sơ kết", "tổng kết", "đối thoại", "tọa đàm"}
MEETING = re.compile(r"làm việc|gặp mặt|hội nghị|giao ban|cuộc họp|thăm|kiểm tra|đối thoại", re.I)


@dataclass
class Mention:
    name: str
    start: int
    end: int
    sentence: Sentence
    titles: list[str] = field(default_factory=list)
    honorific: bool = False


def officials(doc: Doc, meeting_kind: str | None = None) -> list[Official]:
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
        current.titles = _merge_titles(current.titles, m.titles)
        if ROLE_ORDER[role] < ROLE_ORDER[current.role]:
            current.role = role
    result = list(by_name.values())
    _fallback_chair(result, [m for m in mentions if fold(m.name) in known], meeting_kind)
    return result


def _merge_titles(old: list[str], new: list[str]) -> list[str]:
    """The fullest list over all mentions: every title printed with the name, in the
    order first printed, once ("Bí thư Tỉnh ủy" and "Bí thư Tỉnh ủy Trà Vinh" are one)."""
    merged = list(old)
    for t in new:
        key = fold(t)
        if not any(key in fold(m) or fold(m) in key for m in merged):
            merged.append(t)
    return merged


# --- finding names -------------------------------------------------------------------

def name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of personal names: 2-4 capitalised syllables starting with a surname,
    not a place ("Hà Nội", "Lâm Đồng") nor a body ("Việt Nam", "Đoàn Kiểm tra")."""
    words = [(w.start(), w.end(), w.group()) for w in WORD.finditer(text)]
    spans, i = [], 0
    while i < len(words):
        if not words[i][2][0].isupper():
            i += 1
            continue
        j = i + 1
        while j < len(words) and words[j][2][0].isupper() and text[words[j - 1][1]: words[j][0]].strip() == "":
            j += 1
        spans.extend(_names_in_run(text, words[i:j]))
        i = j
    return spans


def _names_in_run(text, run) -> list[tuple[int, int]]:
    # A name never starts inside a place name ("Tỉnh ủy Kiên Giang Mai Văn Huỳnh"), nor
    # inside a district's name printed after its administrative word ("Huyện ủy Đồng Phú").
    base = run[0][0]
    places = [(base + p.start, base + p.end) for p in find_provinces(text[base: run[-1][1]])]
    if PLACE_BEFORE.search(fold_in_place(text[max(0, base - 20): base])):
        places += [(base + d.start, base + d.end) for d in find_districts(text[base: run[-1][1]], require_prefix=False)
                   if d.start == 0]
    spans, k = [], 0
    while k < len(run):
        word = run[k][2]
        if any(a <= run[k][0] < b for a, b in places):
            k += 1
            continue
        if fold(word) in _SURNAMES and not word.isupper() and len(run) - k >= 2:
            if fold(text[run[k][0]: run[-1][1] + 12]).startswith(_NOT_NAMES):
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

def _head(segment: str, anchored: bool = False):
    folded = fold_in_place(segment)
    return TITLE_HEAD.match(folded) if anchored else TITLE_HEAD.search(folded)


def _mentions(sentence: Sentence) -> list[Mention]:
    text = sentence.text
    spans = name_spans(text)
    result = []
    for n, (start, end) in enumerate(spans):
        prev_end = spans[n - 1][1] if n else 0
        next_start = spans[n + 1][0] if n + 1 < len(spans) else len(text)
        before = text[prev_end:start]
        pre, honorific = _titles_before(before)
        header = _header_titles(text[:start], prev_end)
        post = _titles_after(text[end:next_start], next_start < len(text))
        result.append(Mention(text[start:end], sentence.start + start, sentence.start + end, sentence,
                              _merge_titles([], header + pre + post), honorific))
    return result


def _segments(chunk: str) -> list[str]:
    return [s.strip() for s in re.split(r",|\s[-–—]\s", chunk)]


def _title_to_end(segment: str) -> tuple[str, str] | None:
    """(what precedes it, the title) when `segment` ends with a whole title: the first
    title word after which no verb or preposition ends the title."""
    folded = fold_in_place(segment)
    for head in TITLE_HEAD.finditer(folded):
        if _stop(segment[head.start():]) is None:
            return fold(segment[: head.start()]), _trim(segment[head.start():])
    return None


def _titles_before(before: str) -> tuple[list[str], bool]:
    """Titles printed right before a name ("UVTV Tỉnh ủy, Trưởng ban Dân vận Tỉnh ủy X")."""
    chunk = re.split(r"[;:]", before)[-1]
    honorific = bool(HONORIFIC.search(fold_in_place(chunk.rstrip())))
    segments = _segments(chunk)
    titles: list[str] = []
    for k in range(len(segments) - 1, -1, -1):
        found = _title_to_end(segments[k]) if segments[k] else None
        if not found or not found[1]:
            break
        lead, title = found
        if lead and not LEAD_IN.match(lead):
            if k == len(segments) - 1 or LEAD_END.search(lead):
                # "Phát biểu tại buổi làm việc, Chủ tịch UBND tỉnh X": the title starts at its head.
                titles.insert(0, title)
            break
        titles.insert(0, title)
        if lead:
            break
    return titles, honorific


def _header_titles(before: str, prev_end: int) -> list[str]:
    """A title list before a colon covers every name of the list after it:
    "các nguyên Ủy viên Bộ Chính trị, nguyên Chủ tịch Quốc hội: A, B, C",
    "Chín Phó chủ tịch Ủy ban MTTQ tỉnh, gồm: Ông A; bà B; ông C"."""
    colon = before.rfind(":")
    if colon < 0:
        return []
    header = before[:colon]
    # Only what follows the last name before the colon, from its last "các" on.
    last_name_end = max([e for _, e in name_spans(header)] or [0])
    header = header[last_name_end:]
    cac = list(re.finditer(r"(?:^|\s)các\s", header))
    if cac:
        header = header[cac[-1].end():]
    titles = []
    for seg in _segments(header):
        head = _head(seg)
        if head and LEAD_IN.match(fold(seg[: head.start()])):
            title = _trim(seg[head.start():])
            if title:
                titles.append(title)
    return titles


def _titles_after(until_next: str, another_follows: bool) -> list[str]:
    """Titles printed after a name: ", Title, Title", " - Title", "(Title)",
    "được bầu giữ chức Title"."""
    appointed = APPOINTED.match(until_next)
    if appointed:
        body = until_next[appointed.end():]
    else:
        m = re.match(r"\s*(?:,|\(|[-–—])\s*", until_next)
        if not m:
            return []
        body = until_next[m.end():]
    body = re.split(r"[;:]", body)[0]
    titles = []
    for seg in _split_titles(body):
        seg = seg.strip().rstrip(")")
        if not _head(seg, anchored=True):
            break
        title = _trim(seg)
        if title:
            titles.append(title)
        if _stop(seg) is not None:
            break
    # A last segment right before the next name is that name's title, not this one's.
    if titles and another_follows and until_next.rstrip().endswith(titles[-1]):
        titles.pop()
    return titles


def _split_titles(body: str) -> list[str]:
    """Split at commas and dashes; a hyphen inside a word ("Đài PT-TH") splits only where
    a title follows it ("Rah Lan Chung-Phó Bí thư Tỉnh ủy")."""
    parts = []
    for piece in re.split(r",|\s[-–—]\s", body):
        cuts = [0] + [m.end() for m in re.finditer(r"(?<=\w)[-–]", piece) if _head(piece[m.end():], anchored=True)]
        parts += [piece[a:b].rstrip("-–") for a, b in zip(cuts, cuts[1:] + [len(piece)])]
    return parts


def _trim(title: str) -> str:
    """Cut a title at the first verb or preposition that ends it ("... chủ trì hội nghị")."""
    stop = _stop(title)
    if stop is not None:
        title = title[: max(0, stop)]
    title = re.sub(r"\s+", " ", title).strip(" ,.-–")
    if title.count("(") > title.count(")"):
        title = title[: title.rfind("(")].strip()
    return " ".join(title.split()[:16])


# --- roles ---------------------------------------------------------------------------

def _role(m: Mention) -> str:
    text = m.sentence.text
    at = m.start - m.sentence.start
    clause_start = text.rfind(";", 0, at) + 1
    clause_end = text.find(";", at)
    clause = text[clause_start: clause_end if clause_end >= 0 else len(text)]
    if CHAIR_LIST.search(text):
        return "chair"
    chair = CHAIR.search(clause)
    if chair and clause_start + chair.start() > at:
        return "chair"
    lead = LEADS.search(text, at)
    if lead and not name_spans(text[at + len(m.name): lead.start()]):
        return "chair"
    if ATTEND.search(text):
        return "attendee"
    if SPEAK.search(text):
        return "speaker"
    return "mentioned"


def _fallback_chair(found: list[Official], mentions: list[Mention], meeting_kind: str | None) -> None:
    """When nobody is said to chair: the leader who concludes or opens the meeting, else,
    for a meeting a leader runs, the first official named with the meeting itself."""
    if not found or any(o.role == "chair" for o in found):
        return
    by_key = {fold(o.name): o for o in found}
    for m in mentions:
        if CONCLUDES.search(m.sentence.text[: m.start - m.sentence.start]):
            by_key[fold(m.name)].role = "chair"
            return
    if meeting_kind not in LED_KINDS:
        return
    for m in mentions:
        text = m.sentence.text
        # "X có buổi gặp mặt ...", not "Tại buổi làm việc, X phát biểu": a speaker is not
        # thereby the one who leads.
        if MEETING.search(text) and not ATTEND.search(text) and not SPEAK.search(text):
            by_key[fold(m.name)].role = "chair"
            return
