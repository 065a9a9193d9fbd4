"""Counts of associations: "toàn tỉnh có 1.475 hội quần chúng", "thành lập mới 12 hội".

Only numbers of associations or of their units count (GOLD.md): not members who are
people (hội viên), delegates, money or years.
"""
from __future__ import annotations

import re

from ..nlp import Doc
from ..schema import AssociationCount
from .common import evidence

WORD_NUMBERS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
}
MULTIPLIERS = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}
NUMBER = r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)(?:\s+(?P<mult>nghìn|ngàn|triệu))?"
# The counted noun phrase: a kind of association or of its units.
SUBJECT = (
    r"(?P<subject>(?:tổ chức\s+)?(?:chi hội|hội thành viên|hiệp hội|liên hiệp hội|tổ chức hội|tổ chức thành viên|"
    r"đơn vị hội viên|hội)(?![\wÀ-ỹ])(?!\s+(?:viên|nghị|thảo|thi|trường|diễn|chợ|đồng|ý|nhập|tụ|họp|sách|báo|đủ|ngộ))"
    r"(?:\s+(?:quần chúng|các cấp|đặc thù|trực thuộc|thành viên|mới|(?-i:[A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*)?)))?)"
)
COUNT = re.compile(rf"(?<![\w.,])(?:hơn|gần|trên|khoảng|có|gồm|với|thêm|lên)?\s*{NUMBER}\s+{SUBJECT}", re.I)
# "nâng tổng số hội viên lên 34 đơn vị": organisations counted as members.
MEMBER_UNITS = re.compile(rf"(?:số|tổng số)\s+[^.;]*?hội[^.;]*?\s{NUMBER}\s+(?P<subject>đơn vị)", re.I)
KINDS = [
    ("new", re.compile(r"thành lập mới|thành lập|phát triển thêm|kết nạp|mới(?![\wÀ-ỹ])|cho phép thành lập|công nhận", re.I)),
    ("dissolved", re.compile(r"giải thể|chấm dứt hoạt động|thu hồi", re.I)),
    ("merged", re.compile(r"sáp nhập|hợp nhất|chấm dứt tư cách pháp nhân", re.I)),
]
TOTAL = re.compile(r"(?:tổng số|tổng cộng|hiện có|toàn tỉnh có|lên)[^.;,]*$", re.I)
AWARDED = re.compile(r"được (?:tặng|trao|khen|nhận)|đạt giải|nhận (?:giải|bằng khen|cờ)|được công nhận (?:là|danh hiệu)", re.I)
NOT_COUNT_BEFORE = re.compile(r"(?:đại biểu|tập thể|cá nhân|giải|khen|lượt|đoàn viên|người)\s*$", re.I)


def association_counts(doc: Doc) -> list[AssociationCount]:
    found: list[AssociationCount] = []
    seen: set[tuple[int, int]] = set()
    for rx in (COUNT, MEMBER_UNITS):
        for m in rx.finditer(doc.text):
            value = _value(m["num"], m["mult"])
            if value is None or value == 0:
                continue
            if rx is COUNT and not _plain_number_context(doc.text, m):
                continue
            span = (m.start("num"), m.end("subject"))
            if any(a <= span[0] < b for a, b in seen):
                continue
            seen.add(span)
            after = re.split(r"[,;.\n]", doc.text[span[1]: span[1] + 80])[0]
            if AWARDED.search(after):
                continue  # "5 hội được tặng Bằng khen": winners of an award, not a count
            kind = "total" if TOTAL.search(doc.text[max(0, span[0] - 30): span[0]]) else _kind(doc.text, span[0], after)
            if any(f.count == value and f.kind == kind for f in found):
                continue  # the same fact said twice
            found.append(
                AssociationCount(
                    count=value, subject=_head(m["subject"]), kind=kind,
                    evidence=evidence(doc, span[0], span[1]),
                )
            )
    return found


def _value(num: str, mult: str | None) -> int | None:
    num = num.lower()
    value = WORD_NUMBERS.get(num)
    if value is None:
        value = int(num.replace(".", ""))
    return value * MULTIPLIERS.get((mult or "").lower(), 1)


def _plain_number_context(text: str, m: re.Match) -> bool:
    """Not "Cụm thi đua số 1", "Hội nghị lần thứ 5", "năm 2019 hội ..."."""
    before = text[max(0, m.start("num") - 25): m.start("num")]
    if re.search(r"(?:số|thứ|lần|khóa|khoá|năm|ngày|tháng|quý)\s*$", before, re.I):
        return False
    if NOT_COUNT_BEFORE.search(before):
        return False
    num = m["num"]
    if num.isdigit() and len(num) == 4 and num.startswith(("19", "20")):
        return False
    # Word numbers are only counts before a capitalised "Hội" or a plural context.
    return True


def _head(subject: str) -> str:
    return re.sub(r"\s+", " ", subject).strip()


def _kind(text: str, at: int, after: str = "") -> str:
    """The kind from the nearest kind word before the number in its clause ("thành lập
    mới 3 hội, giải thể 1 hội": 3 new, 1 dissolved), else right after the counted noun
    ("12 hội được thành lập mới"); a count with none is a total."""
    clause_start = max(text.rfind(c, 0, at) for c in ";.\n") + 1
    # Within the clause, only the part that governs this number ("giải thể 5 hội và phê
    # duyệt điều lệ cho 7 hội": the 7 were not dissolved).
    window = re.split(r",|\svà\s", text[clause_start:at])[-1]
    best = None
    for kind, rx in KINDS:
        for m in rx.finditer(window):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind)
    if best:
        return best[1]
    for kind, rx in KINDS:
        if rx.search(after):
            return kind
    return "total"
