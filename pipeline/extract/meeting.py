"""Where the meeting was held, who convened it (its level), what it was, and the outlet.

The province is named ("tại TP Vinh (Nghệ An)", "tỉnh Gia Lai", "Tỉnh ủy Trà Vinh") or
implied by the outlet ("Theo baodongkhoi.vn", "BBK -", "(QBĐT)") or by a district
("huyện Nghi Xuân"). Provinces, outlets and districts are data (`models/`).
"""
from __future__ import annotations

import re
from collections import Counter

from ..gazetteer import find_districts, find_provinces, province_of_outlet, successor
from ..nlp import Doc, Sentence
from ..resources import load_json
from ..schema import Official

_LEVELS = load_json("levels.json")
DOMAIN = re.compile(r"(?<![\w@/.])((?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org))(?![\w.])", re.I)
TAG = re.compile(r"(?:^|\n)\s*(?:\(([^()\n]{2,20})\)\s*[-–—]|([A-ZĐ]{2,6})\s*[-–—])")
MEETING_WORDS = re.compile(rf"(?<![\wÀ-ỹ])(?:{'|'.join(map(re.escape, _LEVELS['meeting_kinds']))})(?![\wÀ-ỹ])", re.I)
NOT_VENUE = re.compile(r"điểm cầu\s*$", re.I)


def outlet(doc: Doc) -> tuple[str | None, str | None]:
    """(source, province implied by the outlet): a known domain, else a known or printed
    short tag ("(PLVN) -", "BBK -"), else any domain the story prints."""
    text = doc.text
    # A photo credit ("Ảnh: X/qdnd.vn") names the photographer's paper, not this one.
    domains = [m.group(1).lower().removeprefix("www.") for m in DOMAIN.finditer(text)
               if not re.search(r"Ảnh\s*:[^\n]*$", text[max(0, m.start() - 40): m.start()])]
    for domain in domains:
        hit = province_of_outlet(domain)
        if hit:
            return domain, hit[1]
    for m in TAG.finditer(text):
        tag = (m.group(1) or m.group(2)).strip()
        hit = province_of_outlet(tag)
        if hit:
            return hit[0] or tag, hit[1]
        if m.group(1) and len(tag.split()) <= 3:
            return tag, None
    return (domains[0], None) if domains else (None, None)


def lead_sentence(doc: Doc, date_offset: int | None) -> Sentence | None:
    """The sentence that reports the meeting: the one with its date, else the first
    that names a kind of meeting."""
    if date_offset is not None:
        s = doc.sentence_at(date_offset)
        if s:
            return s
    for s in doc.sentences:
        if MEETING_WORDS.search(s.text) and len(s.text.split()) > 6:
            return s
    return doc.sentences[0] if doc.sentences else None


def province(doc: Doc, lead: Sentence | None, outlet_province: str | None) -> tuple[str | None, str]:
    """The province where the meeting was held, and how it was found."""
    text = doc.text
    mentions = [p for p in find_provinces(text) if not NOT_VENUE.search(text[max(0, p.start - 12): p.start])]
    if lead:
        venue = re.search(r"(?<![\wÀ-ỹ])tại\s+([^,;.]*(?:\([^)]*\))?)", lead.text)
        if venue:
            at = lead.start + venue.start(1)
            inside = [p for p in mentions if at <= p.start < at + len(venue.group(1))]
            if inside:
                return inside[-1].name, "venue"
    if outlet_province:
        return outlet_province, "outlet"
    if mentions:
        # Early mentions weigh more: the headline and lead name the place; the body
        # may mention delegations from elsewhere.
        weight: Counter[str] = Counter()
        for p in mentions:
            weight[p.name] += 3 if (lead and p.start < lead.end) else 1
        best = max(weight.items(), key=lambda kv: (kv[1], -min(p.start for p in mentions if p.name == kv[0])))
        return best[0], "named"
    for d in find_districts(text):
        if d.province:
            return d.province, "district"
    return None, ""


def level(lead: Sentence | None, people: list[Official]) -> str:
    """The level of the convening body: the first level marker of the lead sentence,
    outside the titles printed with a person's name (a central guest at a provincial
    congress does not make it central; "Đoàn Chủ tịch UBTƯ MTTQ" with no one named does)."""
    if lead is None:
        return "province"
    text = " ".join(lead.text.split())
    for o in people:
        near = [m.start() for m in re.finditer(re.escape(o.name), text)]
        for t in sorted(o.titles, key=len, reverse=True):
            for m in re.finditer(re.escape(t), text):
                if any(abs(m.start() - n) < 120 for n in near):
                    text = text[: m.start()] + " " * len(t) + text[m.end():]
    best = None
    for lvl, words in _LEVELS["markers"].items():
        # "MTTQ Việt Nam tỉnh X", "chính trị - xã hội": a marker followed by these is local.
        local = "|".join(map(re.escape, _LEVELS["local_after"]))
        rx = re.compile(rf"(?<![\wÀ-ỹ])(?:{'|'.join(map(re.escape, words))})(?![\wÀ-ỹ])(?!\s+(?:{local})(?![\wÀ-ỹ]))")
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), lvl)
    return best[1] if best else "province"


def kind(lead: Sentence | None) -> str | None:
    if lead is None:
        return None
    m = MEETING_WORDS.search(lead.text)
    return m.group(0).lower() if m else None


def after_merger(name: str | None) -> str | None:
    return successor(name) if name else None
