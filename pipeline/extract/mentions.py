"""Where a story names an association body: its kind, its level and the name as printed.

"Hội Nông dân tỉnh An Giang", "Ban Thường vụ Hội CCB Việt Nam", "Tỉnh đoàn Thái Bình",
"Ủy ban MTTQ Việt Nam phường Long Xuyên", "các tổ chức chính trị - xã hội": the kinds and
their printed names, the collectives and the level words are data
(``rules/associations.json``). Shared by the relevance scorer (are associations what the
story is about?) and the associations component (which of them took part).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..gazetteer import district_at_start, province_at_start
from ..gazetteer.matcher import Matcher
from ..intervals import Covered
from ..nlp import Doc
from ..rules import Rules
from ..text import alternation, word_start
from .component import Component

COLLECTIVE = "nhiều hội"
OTHER = "khác"
SHORT = "short"  # a short name, resolved to the kind of a full one nearby


@dataclass(frozen=True)
class Mention:
    kind: str
    name: str  # as printed, with the body and level words printed with it
    start: int
    end: int
    level: str | None  # None when the text does not say
    place: str | None = None  # the province or unit named with it


class Mentions:
    """The association finder of one set of rules."""

    def __init__(self, rules: Rules):
        r = rules.associations
        items = [(form, kind, [], [], False) for kind, forms in r.kinds.items() for form in forms]
        items += [(form, COLLECTIVE, [], [], False) for form in r.collective]
        items += [(form, SHORT, [], [], False) for form in r.short]
        self.matcher = Matcher(items)
        self.short = r.short
        self.not_associations = Matcher([(w, None, [], [], False) for w in r.not_associations])
        self.other = re.compile(rf"{word_start(r.other_head)}((?:\s+[A-ZĐ]\w*){{1,5}})")
        # "Hội Bảo trợ người khuyết tật": the lower-case words of the name, up to a stop
        stops = alternation(r.other_name_stops)
        self.other_tail = re.compile(rf"(?:\s+(?!(?:{stops})(?!\w))[a-zà-ỹđ]\w*){{0,{r.other_name_words}}}")
        self.body_prefix = re.compile(rf"(?:{alternation(r.body_prefixes)})\s+$", re.I)
        central = alternation(r.central_before)
        self.central_before = re.compile(rf"(?<!\w)(?:{central})\s+$")
        self.central_inside = re.compile(rf"(?<!\w)(?:{central})(?!\w)")
        self.central_after = re.compile(rf"^\s+(?:{alternation(r.central_after)})(?!\w)")
        units = alternation(r.unit_level)
        self.unit_after = re.compile(rf"^\s+({units})(?!\w)")
        self.unit_level = r.unit_level
        self.prefixed = r.prefixed
        self.abbreviation = re.compile(r"^\s*\(([^()]{1,12})\)")

    def find(self, text: str) -> list[Mention]:
        """Every association named in ``text``, in order (a name inside another's is not
        repeated: "Hội LHPN" in "Trung ương Hội LHPN Việt Nam" is one mention)."""
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for start, end, kind, _variant, printed in self.matcher.find(text):
            found.append(self._qualified(text, start, end, kind, printed))
            taken.append((start, end))
        in_name, blocked = Covered(taken), None
        for m in self.other.finditer(text):
            start, end = m.start(), m.end()
            if in_name(start):
                continue
            if blocked is None:  # looked for only when a name of another body may be here
                blocked = Covered((s, e) for s, e, *_ in self.not_associations.find(text))
            if blocked(start):
                continue
            end = self.other_tail.match(text, end).end()
            found.append(self._qualified(text, start, end, OTHER, text[start:end]))
        found.sort(key=lambda m: m.start)
        return [m for m in (self._resolved(m, found) for m in found) if m is not None]

    def _resolved(self, mention: Mention, found: list[Mention]) -> Mention | None:
        """A short name ("Liên hiệp hội", "Tỉnh hội") takes the kind of the nearest full
        name of one of its kinds, before it, else after it; with none it is dropped."""
        if mention.kind != SHORT:
            return mention
        allowed = next((kinds for form, kinds in self.short.items()
                        if mention.name.lower().endswith(form.lower()) or form.lower() in mention.name.lower()), ["*"])
        full = [m for m in found if m.kind not in (SHORT, COLLECTIVE, OTHER)
                and ("*" in allowed or m.kind in allowed)]
        before = [m for m in full if m.start < mention.start]
        after = [m for m in full if m.start > mention.start]
        pick = before[-1] if before else (after[0] if after else None)
        return replace(mention, kind=pick.kind) if pick else None

    def _qualified(self, text: str, start: int, end: int, kind: str, printed: str) -> Mention:
        """The mention widened to the body and level words printed with it."""
        level = self.prefixed.get(printed)
        before = text[max(0, start - 40): start]
        body = self.body_prefix.search(before)
        if body:
            start -= len(before) - body.start()
            before = text[max(0, start - 40): start]
        if self.central_before.search(before) or self.central_inside.search(text[start:end]):
            level = "central"
        # "Hội Liên hiệp Phụ nữ (LHPN)": an abbreviation printed after the name
        abbreviation = self.abbreviation.match(text[end:end + 16])
        if abbreviation and abbreviation.group(1).isupper():
            end += abbreviation.end()
        place = None
        after = text[end:end + 80]
        central = self.central_after.match(after)
        if central:
            level, end = "central", end + central.end()
            after = text[end:end + 80]
            named = _place_at(text, end)  # "Ủy ban MTTQ Việt Nam TPHCM": the city's
            if named and named[2] == "province":
                place, end, level = named
                after = text[end:end + 80]
        unit = self.unit_after.match(after)
        if unit:  # "MTTQ Việt Nam tỉnh X": the unit decides
            level = self.unit_level[unit.group(1)]
            end += unit.end()
            named = _place_at(text, end)
            if named:
                place, end, named_level = named
                if unit.group(1).lower() in ("thành phố", "tp", "tp.") and named_level:
                    level = named_level
        elif level != "central":
            named = _place_at(text, end)
            if named and named[2] == "province":
                place, end, level = named
        return Mention(kind, " ".join(text[start:end].split()), start, end, level, place)


def _place_at(text: str, at: int) -> tuple[str, int, str] | None:
    """A province or district named right at ``at`` (after one space): (name, its end,
    its level)."""
    window = text[at: at + 60]
    lead = len(window) - len(window.lstrip(" \t"))
    if lead == 0 and window[:1] not in ("",):
        return None
    rest = window[lead:]
    p = province_at_start(rest)
    if p:
        return p.name, at + lead + p.end, "province"
    d = district_at_start(rest, require_prefix=False)
    if d:
        return d.name, at + lead + d.end, "district"
    return None


@lru_cache(maxsize=4)
def _default() -> Mentions:
    return Mentions(Rules.default())


def find_mentions(text: str) -> list[Mention]:
    """``Mentions(Rules.default()).find(text)``."""
    return _default().find(text)


def _mentions(rules: Rules):
    finder = Mentions(rules)

    def mentions(doc: Doc) -> None:
        doc.facts["mentions"] = finder.find(doc.text)
    return mentions


MENTIONS = Component("mentions", requires=(), assigns=("mentions",), factory=_mentions)
