"""Where the meeting was held, who convened it (its level), what it was, and the outlet.

The province is named ("tại TP Vinh (Nghệ An)", "tỉnh Gia Lai", "Tỉnh ủy Trà Vinh") or
implied by the outlet ("Theo baodongkhoi.vn", "BBK -", "(QBĐT)") or by a district
("huyện Nghi Xuân"). Provinces, outlets and districts are gazetteers, meeting words and
level markers are data (``rules/meetings.json``).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from ..gazetteer import find_districts, find_domains, find_provinces, province_of_outlet, successor
from ..nlp import Doc, Sentence
from ..rules import Rules
from ..text import B, E, alternation, caseless_literals, fold, matches_at
from .common import evidence
from .component import Component
from .mentions import Mentions

# "[^\S\n]*", not "\s*": from each line break, "\s*" would rescan the blank lines after it
# (the other stories of a listing page are blanked out), quadratically
TAG = re.compile(r"(?:^|\n)[^\S\n]*(?:\(([^()\n]{2,20})\)\s*[-–—]|([A-ZĐ]{2,6})\s*[-–—])")
_LINE_BREAK = re.compile(r"\n")


def tags(text: str) -> Iterator[re.Match[str]]:
    """``TAG.finditer(text)``, tried only where a tag can start: at the text's start (both
    of its branches) and at a line break."""
    first = TAG.match(text)
    if first is not None:
        yield first
    yield from matches_at(_LINE_BREAK, TAG, text, pos=first.end() if first is not None else 1)


class Meeting:
    """The meeting's patterns of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.meetings
        # Searched in the sentence made ``caseless``: re.I's matches, sre skipping ahead to
        # the words' first letters (it cannot under re.I).
        self.meeting_words = caseless_literals(r.meeting_kinds, whole=True)
        self.not_venue = re.compile(rf"(?:{alternation(r.not_venue_before)})\s*$", re.I)
        self.venue = re.compile(rf"{B}(?:{alternation(r.venue_words)})\s+([^,;.]*(?:\([^)]*\))?)")
        # "MTTQ Việt Nam tỉnh X", "chính trị - xã hội": a marker followed by these is local.
        local = alternation(r.local_after)
        self.markers = [(level, re.compile(rf"{B}(?:{alternation(words)}){E}(?!\s+(?:{local}){E})"))
                        for level, words in r.markers.items()]
        self.photo_credit = re.compile(rf"{re.escape(rules.chrome.photo_credit)}\s*:[^\n]*$")
        self.mentions = Mentions(rules)

    def outlet(self, doc: Doc) -> tuple[str | None, str | None, tuple[int, int] | None]:
        """(source, province implied by the outlet, where it is printed): a known domain,
        else a known or printed short tag ("(PLVN) -", "BBK -"), else any domain printed."""
        text = doc.text
        # A photo credit ("Ảnh: X/qdnd.vn") names the photographer's paper, not this one.
        domains = [(m.group(1).lower().removeprefix("www."), m.start(1), m.end(1))
                   for m in find_domains(text)
                   if not self.photo_credit.search(text[max(0, m.start() - 40): m.start()])]
        for domain, start, end in domains:
            hit = province_of_outlet(domain)
            if hit:
                return domain, hit[1], (start, end)
        for m in tags(text):
            group = 1 if m.group(1) else 2
            tag = m.group(group).strip()
            hit = province_of_outlet(tag)
            if hit:
                return hit[0] or tag, hit[1], (m.start(group), m.end(group))
            if m.group(1) and len(tag.split()) <= 3:
                return tag, None, (m.start(group), m.end(group))
        if domains:
            return domains[0][0], None, domains[0][1:]
        return None, None, None

    def lead_sentence(self, doc: Doc, date_offset: int | None) -> Sentence | None:
        """The sentence that reports the meeting: the one with its date, else the first
        that names a kind of meeting."""
        if date_offset is not None:
            s = doc.sentence_at(date_offset)
            if s:
                return s
        for s in doc.sentences:
            if self.meeting_words.search(s.low) and len(s.text.split()) > 6:
                return s
        return doc.sentences[0] if doc.sentences else None

    def kind(self, lead: Sentence | None) -> str | None:
        if lead is None:
            return None
        m = self.meeting_words.search(lead.low)
        return lead.text[m.start(): m.end()].lower() if m else None

    def province(self, doc: Doc, lead: Sentence | None, outlet_province: str | None
                 ) -> tuple[str | None, str, tuple[int, int] | None]:
        """The province where the meeting was held, how it was found, and where it is
        printed (None when it is implied by the outlet)."""
        text = doc.text
        mentions = [p for p in find_provinces(text) if not self.not_venue.search(text[max(0, p.start - 12): p.start])]
        if lead:
            venue = self.venue.search(lead.text)
            if venue:
                at = lead.start + venue.start(1)
                inside = [p for p in mentions if at <= p.start < at + len(venue.group(1))]
                if inside:
                    return inside[-1].name, "venue", (inside[-1].start, inside[-1].end)
        if outlet_province:
            return outlet_province, "outlet", None
        if mentions:
            # Early mentions weigh more: the headline and lead name the place; the body
            # may mention delegations from elsewhere.
            weight: Counter[str] = Counter()
            for p in mentions:
                weight[p.name] += 3 if (lead and p.start < lead.end) else 1
            best = max(weight.items(), key=lambda kv: (kv[1], -min(p.start for p in mentions if p.name == kv[0])))
            first = next(p for p in mentions if p.name == best[0])
            return best[0], "named", (first.start, first.end)
        for d in find_districts(text):
            if d.province:
                return d.province, "district", (d.start, d.end)
        return None, "", None

    def level(self, doc: Doc, lead: Sentence | None) -> str:
        """The level of the convening body: the first level marker of the lead sentence,
        outside the titles printed with a person's name (a central guest at a provincial
        congress does not make it central; "Đoàn Chủ tịch UBTƯ MTTQ" with no one named does)."""
        if lead is None:
            return "province"
        text = lead.text
        for t in doc.spans_of("title", lead.start, lead.end):
            a, b = t.start - lead.start, min(t.end, lead.end) - lead.start
            text = text[:a] + " " * (b - a) + text[b:]
        return self.marked_level(text) or "province"

    def marked_level(self, text: str) -> str | None:
        """The level of the first level marker in ``text`` ("Tỉnh ủy": province; "Thành ủy
        Pleiku", a city that is not centrally run: district), or None."""
        text = " ".join(text.split())
        best = None
        for lvl, rx in self.markers:
            m = rx.search(text)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), lvl, m.end())
        if best is None:
            return None
        if best[1] == "province" and fold(text[best[0]: best[2]]).startswith("thành"):
            districts = find_districts(text[best[2]: best[2] + 40], require_prefix=False)
            if districts and districts[0].start <= 1 and not find_provinces(text[best[2]: best[2] + 40]):
                return "district"
        return best[1]

    def convener_level(self, doc: Doc) -> str | None:
        """The level of the body that convenes the meeting: the chair's (a chair's title
        names a body: "Chủ tịch Hội NCT phường", "Phó Bí thư Thường trực Tỉnh ủy"), else
        the convening association's."""
        for o in doc.facts.get("officials") or []:
            if o.role == "chair":
                # A post that heads a body before a membership ("Ủy viên Trung ương Đảng,
                # Bí thư Tỉnh ủy": the province)
                titles = sorted((t for t in o.titles if not fold(t).startswith(("nguyên", "cựu"))),
                                key=lambda t: fold(t).startswith("ủy viên"))
                for title in titles:
                    found = self.mentions.find(title)
                    level = found[0].level if found and found[0].level else self.marked_level(title)
                    if level:
                        return level
                break
        # a body said to hold the meeting; the story's subject alone is often its national
        # organisation named for context ("kỷ niệm ngày thành lập Hội CCB Việt Nam")
        said = doc.facts.get("conveners") if doc.facts.get("conveners.said") else None
        return next((body.level for body in said or [] if body.level), None)


# --- components -------------------------------------------------------------------------


def _outlet(rules: Rules):
    meeting = Meeting(rules)

    def outlet(doc: Doc) -> None:
        source, province, where = meeting.outlet(doc)
        doc.facts["source"] = source or doc.facts["story"].source_hint
        doc.facts["outlet_province"] = province
        if where:
            doc.add_span("source", *where, source or "")

    return outlet


def _lead(rules: Rules):
    meeting = Meeting(rules)

    def lead(doc: Doc) -> None:
        dates = doc.spans_of("date")
        sentence = meeting.lead_sentence(doc, dates[0].start if dates else None)
        doc.facts["lead"] = sentence
        doc.facts["meeting.kind"] = meeting.kind(sentence)
        doc.facts["meeting.evidence"] = evidence(doc, sentence.start, sentence.end) if sentence else None

    return lead


def _place(rules: Rules):
    meeting = Meeting(rules)

    def place(doc: Doc) -> None:
        name, how, where = meeting.province(doc, doc.facts["lead"], doc.facts["outlet_province"])
        doc.facts["meeting.province"] = name
        doc.facts["meeting.province_after_2025"] = successor(name) if name else None
        doc.facts["meeting.province_source"] = how or None
        if where:
            doc.add_span("province", *where, name or "")

    return place


def _level(rules: Rules):
    meeting = Meeting(rules)

    def level(doc: Doc) -> None:
        doc.facts["meeting.level"] = meeting.level(doc, doc.facts["lead"])

    return level


def _convener_level(rules: Rules):
    meeting = Meeting(rules)

    def convener_level(doc: Doc) -> None:
        doc.facts["meeting.level"] = meeting.convener_level(doc) or doc.facts["meeting.level"]

    return convener_level


OUTLET = Component("outlet", requires=("story",), assigns=("source", "outlet_province", "span:source"),
                   factory=_outlet)
LEAD = Component("lead", requires=("span:date",), assigns=("lead", "meeting.kind", "meeting.evidence"),
                 factory=_lead)
PLACE = Component("place", requires=("lead", "outlet_province"),
                  assigns=("meeting.province", "meeting.province_after_2025", "meeting.province_source",
                           "span:province"), factory=_place)
LEVEL = Component("level", requires=("lead", "span:title"), assigns=("meeting.level",), factory=_level)
CONVENER_LEVEL = Component("convener_level", requires=("officials", "conveners", "conveners.said", "meeting.level"),
                           assigns=("meeting.level",), factory=_convener_level)
