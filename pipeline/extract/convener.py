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
from bisect import bisect_left

from ..nlp import Doc
from ..rules import Rules
from ..schema import Association, Official
from ..text import alternation, caseless_literals, fold
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
        self.elected_after = re.compile(rf"^[\s,]*(?:{alternation(r.elected_before, folded=True)})\s+")
        self.reelected = re.compile(rf"(?<!\w)(?:{alternation(r.reelected, folded=True)})(?!\w)")
        self.concludes = re.compile(alternation(roles.concludes), re.I)
        self.led_kinds = set(roles.led_kinds)
        self.meeting = re.compile(alternation(roles.meeting_words), re.I)
        self.verbs = re.compile(alternation(roles.attend + roles.speak), re.I)
        # "Thủ tướng làm việc với ...": a title printed alone as the subject of a working visit
        self.works_with = re.compile(rf"^\s*(?:đã\s+)?(?:{alternation(roles.chair)})(?!\w)", re.I)
        # "X ... đã đến thăm và chúc mừng Hội LHPN": the visitor, after the name and titles
        self.visits = re.compile(rf"^[\s,.;–-]*(?:đã\s+|cũng\s+)?(?:{alternation(roles.visits)})(?!\w)", re.I)
        bodies = alternation(r.convening_bodies)
        self.holds = re.compile(rf"(?<!\w)(?:{alternation(rules.associations.convener_after)})(?!\w)", re.I)
        # a body that starts a clause ("Sáng 16-6, tại ..., Tỉnh ủy, HĐND, UBND ... tổ chức")
        self.body = re.compile(rf"(?:^|(?<=[,;] ))(?:(?:Ban Thường vụ|Thường trực|Ban Thường trực)\s+)?({bodies})(?!\w)")
        self.led_with = re.compile(rf"(?<!\w)(?:{alternation(r.led_with)})(?!\w)", re.I)
        self.accompany = caseless_literals(roles.accompany, whole=True)  # in ``caseless`` text
        self.accompanied = re.compile(rf"(?<!\w)(?:{alternation([a for a in roles.accompany if a.endswith('với')])})"
                                      rf"\s+(?:(?:{alternation(rules.officials.honorifics)})\s+)?$", re.I)

    def __call__(self, doc: Doc) -> None:
        officials: list[Official] = doc.facts["officials"]
        if not officials or any(o.role == "chair" for o in officials):
            return
        conveners = doc.facts.get("conveners") or []
        said = doc.facts.get("conveners.said")
        # A visitor who comes to the host chairs before the host's head; a delegation
        # ("Cùng đi có ...") before a body that is only the story's subject.
        chair = (self._guest_of_honour(doc, officials)
                 or (said and self._head_of_convener(doc, officials, conveners))
                 or self._delegation_head(doc, officials)
                 or self._head_of_convener(doc, officials, conveners)
                 or self._head_of_party_convener(doc, officials)
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
        # "đề cử đồng chí X, Phó Bí thư Thành ủy, giữ chức Chủ tịch ...": after the titles
        for span in doc.spans_of("official"):
            after = fold(doc.text[self._after_titles(doc, span):span.end + 400])
            post = self.elected_after.match(after)
            if post:
                elected |= {(span.fact, fold(t)) for t in officials[span.fact].titles
                            if after[post.end():].startswith(fold(t))}
        return [(i, t) for i, o in enumerate(officials) for t in o.titles
                if self.head.match(fold(t)) and not self.not_head.search(fold(t))
                and (i, fold(t)) not in elected]

    @staticmethod
    def _after_titles(doc: Doc, span) -> int:
        """Where the titles printed right after an official's name end."""
        end = span.end
        for title in doc.spans_of("title", span.start, span.end + 400):
            if title.fact == span.fact and title.start - end < 12:
                end = max(end, title.end)
            elif title.start > end + 12:
                break
        return end

    def _head_of_party_convener(self, doc: Doc, officials: list[Official]) -> Official | None:
        """The head of the Party or State body that holds the meeting in the lead sentence
        ("Tỉnh ủy, HĐND, UBND ... tổ chức Họp mặt": "Bí thư Tỉnh ủy"), the first one named;
        or, in a lead that opens "Tại buổi làm việc với ...", the first official named."""
        lead = doc.facts.get("lead")
        if lead is None:
            return None
        spans = doc.spans_of("official", lead.start, lead.end)
        opens = self.led_with.search(lead.text)
        if opens and spans and opens.start() < spans[0].start - lead.start:
            return officials[spans[0].fact]
        verb = self.holds.search(lead.text)
        titled = [(t.start - lead.start, t.end - lead.start) for t in doc.spans_of("title", lead.start, lead.end)]
        body = next((b for b in self.body.finditer(lead.text, 0, verb.start() if verb else 0)
                     if not any(a <= b.start() < z for a, z in titled)), None)
        if body is None:
            return None
        name = fold(body.group(1))
        for o in officials:
            for t in o.titles:
                head = self.head.match(fold(t))
                if head and not self.not_head.search(fold(t)) and fold(t)[head.end():].startswith(name):
                    return o
        return None

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

    def _guest_of_honour(self, doc: Doc, officials: list[Official]) -> Official | None:
        """The official who visits ("X, Chủ tịch UBTƯ MTTQ Việt Nam đã đến thăm và chúc
        mừng ...") in the headline or the lead sentence: the verb right after the name and
        the titles printed with it."""
        lead = doc.facts.get("lead")
        for span in doc.spans_of("official"):
            sentence = doc.sentence_at(span.start)
            if sentence is None or not (sentence.index == 0 or lead is not None and sentence.index == lead.index):
                continue
            if self.visits.match(doc.text[self._after_titles(doc, span):sentence.end]):
                return officials[span.fact]
        return None

    def _delegation_head(self, doc: Doc, officials: list[Official]) -> Official | None:
        """Who leads a visit whose companions are listed ("Cùng đi có ..."): the one named
        after "cùng đi với", else the first official named outside those lists who heads
        no association (a leader who comes to it, not its host)."""
        lists = {s.index for s in doc.sentences if self.accompany.search(s.low)}
        if not lists:
            return None
        spans = doc.spans_of("official")
        for span in spans:
            sentence = doc.sentence_at(span.start)
            if (sentence and sentence.index in lists
                    and self.accompanied.search(sentence.text, max(0, span.start - sentence.start - 60),
                                                span.start - sentence.start)):
                return officials[span.fact]
        listed = {span.fact for span in spans
                  if (sentence := doc.sentence_at(span.start)) and sentence.index in lists}
        for span in spans:
            o = officials[span.fact]
            if span.fact not in listed and not any(
                    self.head.match(fold(t)) and self.mentions.find(t) for t in o.titles):
                return o
        return None

    def _concluder(self, doc: Doc, officials: list[Official]) -> Official | None:
        """The leader who concludes or opens the meeting: named after the verb."""
        ends: dict[int, int | None] = {}  # per sentence, where its first such verb ends
        for span in doc.spans_of("official"):
            sentence = doc.sentence_at(span.start)
            if sentence is None:
                continue
            if sentence.index not in ends:
                verb = self.concludes.search(sentence.text)
                ends[sentence.index] = verb.end() if verb else None
            end = ends[sentence.index]
            if end is not None and end <= span.start - sentence.start:
                return officials[span.fact]
        return None

    def _leader(self, doc: Doc, officials: list[Official]) -> Official | None:
        """For a meeting a leader runs, the first official named before the meeting itself
        ("X có buổi gặp mặt ...", not "Tại buổi làm việc, X phát biểu": a speaker is not
        thereby the one who leads)."""
        if doc.facts.get("meeting.kind") not in self.led_kinds:
            return None
        seen: dict[int, tuple[list[int], int | None]] = {}
        for span in doc.spans_of("official"):
            sentence = doc.sentence_at(span.start)
            if sentence is None:
                continue
            if sentence.index not in seen:  # once per sentence: linear in a long one
                # no role verb before the meeting ("X phát biểu tại hội nghị", "Dự có X ..."),
                # names and titles blanked ("Chủ tịch danh dự" attends nothing)
                verb = self.verbs.search(_blanked(doc, sentence))
                seen[sentence.index] = ([m.start() for m in self.meeting.finditer(sentence.text)],
                                        verb.end() if verb else None)
            meetings, verb_end = seen[sentence.index]
            i = bisect_left(meetings, span.end - sentence.start)
            if i < len(meetings) and (verb_end is None or verb_end > meetings[i]):
                return officials[span.fact]
        return None


def _blanked(doc: Doc, sentence) -> str:
    """The sentence with the names and titles in it blanked."""
    text = list(sentence.text)
    for kind in ("official", "title"):
        for span in doc.spans_of(kind, sentence.start, sentence.end):
            text[span.start - sentence.start: span.end - sentence.start] = "_" * (span.end - span.start)
    return "".join(text)


CONVENER = Component("convener", requires=("officials", "span:official", "span:title", "conveners", "conveners.said", "meeting.kind", "associations"),
                     assigns=("officials", "associations"), factory=Convener)
