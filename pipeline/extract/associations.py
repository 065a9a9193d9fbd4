"""Associations: which association bodies took part in the meeting (GOLD.md's
``associations``): those that convene or hold it, that the leaders meet or work with, that
it is about (their congress, review, merger, founding anniversary).

An association named in the headline or in the lead sentence (the one that reports the
meeting) takes part, and so does one named as the convener or counterpart of a meeting
anywhere in the story ("Hội Nông dân tỉnh tổ chức Đại hội ...", "làm việc với Hội LHPN
tỉnh", "Đại hội đại biểu Hội CCB huyện"); one named only in a person's title ("Chủ tịch
Hội Nông dân tỉnh"), in a list of guests ("Dự có ... lãnh đạo Hội LHPN") or in passing is
not. Each body is listed once (kind, level, place), by its fullest name; a body whose
level is not printed takes the level of that kind's body named with one, else the
meeting's.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from ..intervals import Covered
from ..nlp import Doc
from ..rules import Rules
from ..schema import Association
from ..text import B, E, alternation, fold, word_start
from .common import evidence
from .component import Component
from .mentions import COLLECTIVE, OTHER, Mention


class Associations:
    """The associations component of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.associations
        self.convener = re.compile(rf"^\s*(?:đã\s+)?(?:{alternation(r.convener_after)}){E}", re.I)
        self.congress = re.compile(rf"{B}(?:{alternation(r.congress_before)})\s*$", re.I)
        self.counterpart = re.compile(rf"{B}(?:{alternation(r.counterpart_before)})\s*$", re.I)
        self.guests = re.compile(rf"^\W*(?:{alternation(r.guest_openers)}){E}", re.I)
        self.subject_min_mentions = r.subject_min_mentions
        self.list_min_kinds = r.list_min_kinds
        bare = word_start("Hội", r"[\w.]")  # from its first letter: sre skips ahead to one
        self.bare = re.compile(rf"{bare}(?!\w)(?!\s+(?:[A-ZĐÂĂÊÔƠƯ]|(?:{alternation(r.bare_not_before)}){E}))")

    def __call__(self, doc: Doc) -> None:
        found, conveners = self.associations(doc, doc.facts["mentions"])
        for i, (association, mention) in enumerate(found):
            doc.add_span("association", mention.start, mention.end, association.name, i)
        doc.facts["associations"] = [a for a, _ in found]
        doc.facts["conveners"] = [m for _, m in conveners]
        # said to hold the meeting, not only the story's subject
        doc.facts["conveners.said"] = any(said for said, _ in conveners)

    def associations(self, doc: Doc, named: list[Mention]
                     ) -> tuple[list[tuple[Association, Mention]], list[tuple[bool, Mention]]]:
        """The associations taking part (each with the mention it was read from) and the
        ones among them that convene the meeting (its own congress, "X tổ chức ..."; else
        the story's subject), each with whether it is said to; ``named``: every
        association the story names."""
        titles = doc.spans_of("title")
        in_title = Covered((t.start, t.end) for t in titles)
        mentions = [m for m in named if not in_title(m.start)]
        if not mentions:
            return [], []
        lead = doc.facts.get("lead")
        headline_end = doc.sentences[0].end if doc.sentences and _is_headline(doc) else 0
        taking_part, conveners, counted, where, bodies = [], [], Counter(), {}, Counter()
        is_congress = "đại hội" in fold(doc.facts.get("meeting.kind") or "")
        by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            sentence = doc.sentence_at(m.start)
            if sentence is None:
                continue
            guest = bool(self.guests.match(sentence.text))
            in_lead = lead is not None and sentence.index == lead.index
            in_headline = m.start < headline_end
            at, end = m.start - sentence.start, m.end - sentence.start
            holds = self._holds(sentence.text, at, end)
            congress = self._congress(sentence.text, at)
            if ((in_headline or in_lead) and not guest or holds or congress
                    or self._counterpart(sentence.text, at)):
                taking_part.append(m)
            # Its own congress convenes it only when the meeting is a congress ("Đoàn đại
            # biểu dự Đại hội Hội CTĐ Việt Nam" at a farewell meeting is not).
            if m.kind != COLLECTIVE and (holds or congress and is_congress):
                conveners.append((0 if holds else 1, len(conveners), m))
            if not guest:
                by_sentence.setdefault(sentence.index, []).append(m)
                if m.kind not in (COLLECTIVE, OTHER):
                    counted[m.kind] += 1
                    where.setdefault(m.kind, set()).add(sentence.index)
                    bodies[(m.kind, m.level)] += 1
        # The association the story is about, named again and again (in more than one
        # sentence: a list of someone's past posts is not a subject; a bare "Hội" names
        # it again); it convenes the meeting when no other body is said to.
        bare = self._count_bare(doc, mentions, in_title, counted, where)
        meeting_level = doc.facts.get("meeting.level")
        if counted:
            kind, n = counted.most_common(1)[0]
            if (n >= self.subject_min_mentions and (len(where[kind]) > 1 or bare[kind] > 1)
                    and any(k == kind for k, _ in bodies)):
                # its body named most often ("Hội NCT phường", not the district's, a guest),
                # as often: the one at the meeting's level, else one whose level is printed
                level = max((lv for k, lv in bodies if k == kind),
                            key=lambda lv: (bodies[(kind, lv)], lv == meeting_level, lv is not None))
                subject = next(m for m in mentions if m.kind == kind and m.level == level)
                if not any(m.kind == kind and (m.level == level or m.level is None or level is None)
                           for m in taking_part):
                    taking_part.append(subject)
                if not conveners:
                    conveners.append((2, 0, subject))
        # A collective that the story spells out: its members instead.
        if any(m.kind == COLLECTIVE for m in taking_part):
            for listed in by_sentence.values():
                kinds = {m.kind for m in listed if m.kind != COLLECTIVE}
                if len(kinds) >= self.list_min_kinds:
                    taking_part = [m for m in taking_part if m.kind != COLLECTIVE]
                    taking_part += [m for m in listed if m.kind != COLLECTIVE]
                    break
        taking_part.sort(key=lambda m: m.start)
        # At a local meeting, the national body of a kind whose local body takes part is
        # named for context ("Hội CCB tỉnh ... kỷ niệm ngày thành lập Hội CCB Việt Nam").
        if meeting_level and meeting_level != "central":
            local = {m.kind for m in taking_part if m.level not in (None, "central")}
            taking_part = [m for m in taking_part if not (m.level == "central" and m.kind in local)]
        # The body that holds the meeting ("X tổ chức ...") first, then a congress's.
        return (_once_each(taking_part, mentions, meeting_level, doc),
                [(rank < 2, m) for rank, _, m in sorted(conveners)])

    def _count_bare(self, doc: Doc, mentions: list[Mention], in_title, counted: Counter, where: dict) -> Counter:
        """Each bare "Hội" outside titles counts for the kind named last before it (and
        the bare ones are counted by kind)."""
        bare: Counter = Counter()
        full = [m for m in mentions if m.kind not in (COLLECTIVE, OTHER)]
        starts = [m.start for m in full]
        for word in self.bare.finditer(doc.text):
            at = bisect_right(starts, word.start()) - 1
            if at < 0 or in_title(word.start()) or full[at].end > word.start():
                continue
            sentence = doc.sentence_at(word.start())
            if sentence is not None and not self.guests.match(sentence.text):
                counted[full[at].kind] += 1
                bare[full[at].kind] += 1
                where.setdefault(full[at].kind, set()).add(sentence.index)
        return bare

    def _holds(self, sentence: str, start: int, end: int) -> bool:
        """Whether the mention at [start, end) of its sentence holds the meeting ("X tổ
        chức hội nghị")."""
        return bool(self.convener.match(sentence[end:end + 40]))

    def _congress(self, sentence: str, start: int) -> bool:
        """Whether the mention at ``start`` is named as holding a congress ("Đại hội đại
        biểu X")."""
        return bool(self.congress.search(sentence[max(0, start - 40):start]))

    def _counterpart(self, sentence: str, start: int) -> bool:
        """Whether the mention at ``start`` is the counterpart ("làm việc với X")."""
        return bool(self.counterpart.search(sentence[max(0, start - 40):start]))


def _is_headline(doc: Doc) -> bool:
    story = doc.facts.get("story")
    first = doc.sentences[0].text if doc.sentences else ""
    return bool(story and story.title and first and story.title[:40] in first)


def _once_each(chosen: list[Mention], every: list[Mention], meeting_level: str | None,
               doc: Doc) -> list[tuple[Association, Mention]]:
    """One entry per body (kind, level, place), with the fullest name printed for it; a
    level not printed is the level printed for that kind elsewhere, else the meeting's."""
    printed_level: dict[str, str] = {}
    for m in every:
        if m.level and m.kind not in printed_level:
            printed_level[m.kind] = m.level
    bodies: dict[tuple, tuple[Association, Mention]] = {}
    for m in chosen:
        level = m.level or printed_level.get(m.kind) or meeting_level
        # one body per kind, level and place; an association of another kind by its name
        key = (m.kind, level, m.place if m.kind != COLLECTIVE else None, fold(m.name) if m.kind == OTHER else None)
        loose = next((k for k in bodies if k[:2] == key[:2] and k[3] == key[3] and (k[2] is None or key[2] is None)),
                     None)
        key = loose or key
        current = bodies.get(key)
        if current is None or len(m.name) > len(current[0].name):
            name = m.name if current is None or len(m.name) > len(current[0].name) else current[0].name
            bodies[key] = (Association(name=name, kind=m.kind, level=level,
                                       evidence=evidence(doc, m.start, m.end)), m)
    return list(bodies.values())


ASSOCIATIONS = Component("associations", requires=("mentions", "lead", "span:title", "meeting.level"),
                         assigns=("associations", "conveners", "conveners.said", "span:association"), factory=Associations)
