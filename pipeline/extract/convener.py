"""Who chairs when nobody is said to (GOLD.md's ``role``): the head of the convening body,
else the leader who concludes or opens the meeting, else, for a meeting a leader runs, the
first official named with the meeting itself.

The convening body is an association that holds the meeting (its congress, "Hội Nông dân
tỉnh tổ chức ..."; the associations component's ``conveners``); its head is the official
whose title heads a body of that kind ("Chủ tịch Hội Nông dân tỉnh", "Chủ tịch Tỉnh hội"),
not a deputy. The head words and role verbs are data (``rules/officials.json``).
"""
from __future__ import annotations

import re

from ..nlp import Doc
from ..rules import Rules
from ..schema import Association, Official
from ..text import alternation, fold
from .component import Component
from .mentions import Mentions


class Convener:
    """The chair fallback of one set of rules."""

    def __init__(self, rules: Rules):
        roles = rules.officials.roles
        self.mentions = Mentions(rules)
        r = rules.officials
        self.head = re.compile(rf"^(?:{alternation(r.heads, folded=True)})(?!\w)\s*")
        self.not_head = re.compile(rf"(?<!\w)(?:{alternation(r.not_head, folded=True)})(?!\w)")
        self.elected = re.compile(rf"(?<!\w)(?:{alternation(r.elected_before, folded=True)})\s*$")
        self.reelected = re.compile(rf"(?<!\w)(?:{alternation(r.reelected, folded=True)})(?!\w)")
        self.concludes = re.compile(alternation(roles.concludes), re.I)
        self.led_kinds = set(roles.led_kinds)
        self.meeting = re.compile(alternation(roles.meeting_words), re.I)
        self.verbs = re.compile(alternation(roles.attend + roles.speak), re.I)
        # "Thủ tướng làm việc với ...": a title printed alone as the subject of a working visit
        self.works_with = re.compile(rf"^\s*(?:đã\s+)?(?:{alternation(roles.chair)})(?!\w)", re.I)

    def __call__(self, doc: Doc) -> None:
        officials: list[Official] = doc.facts["officials"]
        if not officials or any(o.role == "chair" for o in officials):
            return
        chair = (self._head_of_convener(doc, officials, doc.facts.get("conveners") or [])
                 or self._visitor(doc, officials)
                 or self._concluder(doc, officials) or self._leader(doc, officials))
        if chair is not None:
            chair.role = "chair"
            self._chairs_body(doc, chair)

    def _chairs_body(self, doc: Doc, chair: Official) -> None:
        """The association the chair heads takes part: it convenes the meeting
        ("Chủ tịch UBTƯ MTTQVN Nguyễn Thiện Nhân" chairing: the Front's central body)."""
        for title in chair.titles:
            head = self.head.match(fold(title))
            if not head or self.not_head.search(fold(title)):
                continue
            found = [m for m in self.mentions.find(title) if m.start <= head.end()]
            if not found:
                continue
            body = found[0]
            taking = doc.facts.get("associations") or []
            if not any(a.kind == body.kind and (a.level == body.level or body.level is None) for a in taking):
                level = body.level or doc.facts.get("meeting.level")
                taking.append(Association(name=body.name, kind=body.kind, level=level))
                doc.facts["associations"] = taking
            return

    def _head_of_convener(self, doc: Doc, officials: list[Official], conveners) -> Official | None:
        """The official who heads a body that convenes the meeting (the first such body
        that has one)."""
        heads = self._heads(doc, officials)
        for body in conveners:
            short = next((w for w in ("Tỉnh hội", "Thành hội", "Huyện hội") if w in body.name), None)
            for i, title in heads:
                head = self.head.match(fold(title))
                rest = fold(title)[head.end():]
                # "Chủ tịch Hội", "Chủ tịch Tỉnh hội": the story's association
                if rest in ("hội", "tỉnh hội", "thành hội", "huyện hội") or short and short.lower() in title.lower():
                    return officials[i]
                if any(m.kind == body.kind and m.start <= head.end()
                       and (m.level is None or body.level is None or m.level == body.level)
                       for m in self.mentions.find(title)):
                    return officials[i]
        return None

    def _heads(self, doc: Doc, officials: list[Official]) -> list[tuple[int, str]]:
        """(official, title) of every head post an official holds as the meeting opens:
        printed with a head word, not honorary or former, not one elected to there."""
        elected = set()
        for span in doc.spans_of("title"):
            sentence = doc.sentence_at(span.start)
            before = fold(sentence.text[max(0, span.start - sentence.start - 30): span.start - sentence.start]) if sentence else ""
            if self.elected.search(before) and not self.reelected.search(before):
                elected.add((span.fact, fold(span.label)))
        return [(i, t) for i, o in enumerate(officials) for t in o.titles
                if self.head.match(fold(t)) and not self.not_head.search(fold(t))
                and (i, fold(t)) not in elected]

    def _visitor(self, doc: Doc, officials: list[Official]) -> Official | None:
        """The leader who works with others ("Thủ tướng làm việc với ..."), named by a title
        alone in the headline or the lead sentence."""
        lead = doc.facts.get("lead")
        story = doc.facts["story"]
        for text in (story.title or "", lead.text if lead else ""):
            folded = fold(text)
            for o in officials:
                for title in o.titles:
                    t = fold(title)
                    at = folded.find(t)
                    if t and at >= 0 and self.works_with.match(folded[at + len(t):]):
                        return o
        return None

    def _concluder(self, doc: Doc, officials: list[Official]) -> Official | None:
        """The leader who concludes or opens the meeting."""
        for span in doc.spans_of("official"):
            sentence = doc.sentence_at(span.start)
            if sentence and self.concludes.search(sentence.text[: span.start - sentence.start]):
                return officials[span.fact]
        return None

    def _leader(self, doc: Doc, officials: list[Official]) -> Official | None:
        """For a meeting a leader runs, the first official named before the meeting itself
        ("X có buổi gặp mặt ...", not "Tại buổi làm việc, X phát biểu": a speaker is not
        thereby the one who leads)."""
        if doc.facts.get("meeting.kind") not in self.led_kinds:
            return None
        for span in doc.spans_of("official"):
            sentence = doc.sentence_at(span.start)
            if sentence and self.meeting.search(sentence.text, span.end - sentence.start) \
                    and not self.verbs.search(sentence.text):
                return officials[span.fact]
        return None


CONVENER = Component("convener", requires=("officials", "span:official", "conveners", "meeting.kind", "associations"),
                     assigns=("officials", "associations"), factory=Convener)
