"""Counts of associations: "toàn tỉnh có 1.475 hội quần chúng", "thành lập mới 12 hội".

Only numbers of associations or of their units count (GOLD.md): not members who are
people (hội viên), delegates, money or years. The counted nouns, number words and the
words of each kind are data (``rules/counts.json``).
"""
from __future__ import annotations

import re

from ..intervals import Spans
from ..nlp import Doc
from ..rules import Rules
from ..schema import AssociationCount
from ..text import B, DIGITS, E, Sought, alternation, caseless_regex, words_start
from .common import evidence
from .component import Component

_CLAUSE_END = re.compile(r"[,;.\n]")
_CLAUSE_START = re.compile(r",|\svà\s")
_SPACES = re.compile(r"\s+")


class Counts:
    """The count patterns of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.counts
        self.number_words = r.number_words
        self.multipliers = r.multipliers
        number = (rf"(?P<num>\d{{1,3}}(?:\.\d{{3}})+|\d+|{alternation(r.number_words)})"
                  rf"(?:\s+(?P<mult>{alternation(r.multipliers)}))?")
        subject = (
            rf"(?P<subject>(?:tổ chức\s+)?(?:{alternation(r.nouns)}){E}(?!\s+(?:{alternation(r.nouns_not_before)}))"
            rf"(?:\s+(?:{alternation(r.modifiers)}|(?-i:[A-ZĐ]\w*(?:\s+[A-ZĐ]\w*)?)))?)"
        )
        # spaces only after a lead word: a leading "\\s*" would rescan every run of blanks (the
        # other stories of a listing page are blanked out) once per position, quadratically
        self.count = re.compile(rf"(?<![\w.,/])(?:(?:{alternation(r.number_lead_words)})\s*)?{number}\s+{subject}", re.I)
        # "15/20 hội": 15 of 20
        self.fraction = re.compile(rf"(?<![\w.,/])(?P<num>\d+)(?P<mult>)\s*/\s*\d+\s+{subject}", re.I)
        # "sáp nhập 2 đơn vị": units, counted only when a kind word governs them
        self.governed = re.compile(rf"(?<![\w.,/]){number}\s+(?P<subject>{alternation(r.governed_nouns)}){E}", re.I)
        # "sáp nhập Hội Nhà báo 3 tỉnh", "hội luật gia của 75 xã": places counted for their associations
        self.places = re.compile(rf"{B}(?:hội|đoàn){E}(?!\s+(?:{alternation(r.nouns_not_before)}){E})"
                                 rf"(?:\s+[\w]+){{0,4}}?\s+(?:của\s+)?{number}\s+"
                                 rf"(?P<subject>{alternation(r.places)}){E}", re.I)
        # "nâng tổng số hội viên lên 34 đơn vị": organisations counted as members.
        self.member_units = re.compile(
            rf"(?:{alternation(r.member_units.before)})\s+[^.;]*?hội[^.;]*?\s{number}\s+"
            rf"(?P<subject>{re.escape(r.member_units.noun)})", re.I)
        self.member_noun = re.compile(re.escape(r.member_units.noun), re.I)
        self.governed_noun = caseless_regex(alternation(r.governed_nouns))  # in caseless text
        # Each pattern sought where a looser one of the same starts matches (text.Sought),
        # each branch from a literal so that sre skips ahead, in caseless text.
        nb, mult = r"[\w.,/]", rf"(?:\s+(?:{alternation(r.multipliers)}))?"
        any_number = rf"(?:\d[\d.]*|{alternation(r.number_words)}){mult}"
        noun = rf"(?:tổ chức\s+)?(?:{alternation(r.nouns)}){E}"
        number_start = words_start(DIGITS, nb, rf"[\d.]*{mult}") + "|" + words_start(r.number_words, nb, mult)
        lead_start = words_start(r.number_lead_words, nb, rf"\s*{any_number}")
        fraction_start = words_start(DIGITS, nb, r"\d*\s*/\s*\d+")
        body_start = words_start(["hội", "đoàn"])
        at = {
            self.count: rf"(?:{lead_start}|{number_start})\s+{noun}",
            self.fraction: rf"(?:{fraction_start})\s+{noun}",
            self.governed: rf"(?:{number_start})\s+(?:{alternation(r.governed_nouns)}){E}",
            self.places: rf"(?:{body_start}){E}(?:\s+\w+){{0,4}}?\s+(?:của\s+)?{any_number}"
                         rf"\s+(?:{alternation(r.places)}){E}",
        }
        self.sought = {rx: Sought(rx, caseless_regex(a), caseless=True, digits=True) for rx, a in at.items()}
        self.kinds = [(kind, re.compile(rf"{alternation(words)}(?!\w)" if kind == "new" else alternation(words), re.I))
                      for kind, words in r.kinds.items()]
        self.total = re.compile(rf"(?:{alternation(r.total_before)})[^.;,]*$", re.I)
        self.awarded = re.compile(alternation(r.awarded), re.I)
        self.not_count_before = re.compile(rf"(?:{alternation(r.not_count_before)})\s*$", re.I)
        self.ordinal_before = re.compile(rf"(?:{alternation(r.ordinal_before)})\s*$", re.I)

    def __call__(self, doc: Doc) -> None:
        found = self.association_counts(doc)
        for i, c in enumerate(found):
            doc.add_span("count", c.evidence.start, c.evidence.end, f"{c.count} {c.subject} ({c.kind})", i)
        doc.facts["association_counts"] = found

    def association_counts(self, doc: Doc) -> list[AssociationCount]:
        found: list[AssociationCount] = []
        seen, said = Spans(), set()
        # literal tests spare a scan: a fraction has its "/", member units and governed units
        # their noun
        low = doc.low
        absent = {self.fraction: "/" not in doc.text, self.member_units: not self.member_noun.search(doc.text),
                  self.governed: not self.governed_noun.search(low)}
        for rx in (self.fraction, self.count, self.member_units, self.governed, self.places):
            if absent.get(rx):
                continue
            sought = self.sought.get(rx)
            for m in (sought.finditer(doc.text, low) if sought else rx.finditer(doc.text)):
                value = self._value(m["num"], m["mult"])
                if value is None or value == 0:
                    continue
                if rx is not self.member_units and not self._plain_number_context(doc.text, m):
                    continue
                span = (m.start("num"), m.end("subject"))
                if seen.covers(span[0]):
                    continue
                seen.add(*span)
                after = _CLAUSE_END.split(doc.text[span[1]: span[1] + 80])[0]
                if self.awarded.search(after):
                    continue  # "5 hội được tặng Bằng khen": winners of an award, not a count
                kind = ("total" if self.total.search(doc.text[max(0, span[0] - 30): span[0]])
                        else self._kind(doc.text, span[0], after))
                if rx in (self.governed, self.places) and kind == "total":
                    continue  # a unit or a place no kind word governs: not a count of associations
                if (value, kind) in said:
                    continue  # the same fact said twice
                said.add((value, kind))
                found.append(
                    AssociationCount(
                        count=value, subject=_head(m["subject"]), kind=kind,
                        evidence=evidence(doc, span[0], span[1]),
                    )
                )
        return found

    def _value(self, num: str, mult: str | None) -> int | None:
        num = num.lower()
        value = self.number_words.get(num)
        if value is None:
            value = int(num.replace(".", ""))
        return value * self.multipliers.get((mult or "").lower(), 1)

    def _plain_number_context(self, text: str, m: re.Match) -> bool:
        """Not "Cụm thi đua số 1", "Hội nghị lần thứ 5", "năm 2019 hội ..."."""
        before = text[max(0, m.start("num") - 25): m.start("num")]
        if self.ordinal_before.search(before) or self.not_count_before.search(before):
            return False
        num = m["num"]
        return not (num.isdigit() and len(num) == 4 and num.startswith(("19", "20")))

    def _kind(self, text: str, at: int, after: str = "") -> str:
        """The kind from the nearest kind word before the number in its clause ("thành lập
        mới 3 hội, giải thể 1 hội": 3 new, 1 dissolved), else right after the counted noun
        ("12 hội được thành lập mới"); a count with none is a total."""
        clause_start = max(text.rfind(c, 0, at) for c in ";.\n") + 1
        # Within the clause, only the part that governs this number ("giải thể 5 hội và phê
        # duyệt điều lệ cho 7 hội": the 7 were not dissolved).
        window = _CLAUSE_START.split(text[clause_start:at])[-1]
        best = None
        for kind, rx in self.kinds:
            for m in rx.finditer(window):
                if best is None or m.end() > best[0]:
                    best = (m.end(), kind)
        if best:
            return best[1]
        for kind, rx in self.kinds:
            if rx.search(after):
                return kind
        return "total"


def _head(subject: str) -> str:
    return _SPACES.sub(" ", subject).strip()


COUNTS = Component("counts", requires=(), assigns=("association_counts", "span:count"), factory=Counts)
