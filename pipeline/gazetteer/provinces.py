"""Provinces before and after the 1 July 2025 merger (``rules/provinces.json``)."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .. import rules
from ..text import fold, strip_accents
from .matcher import Matcher, first_word

MERGER_DATE = _dt.date(2025, 7, 1)  # provinces merged 63 -> 34 (Resolution 202/2025/QH15)


def provinces(era: str | None = None) -> list[rules.ProvinceEntry]:
    """Entries of provinces.json (all, or one era: "pre2025" / "post2025")."""
    return [e for e in rules.provinces() if era is None or e["era"] == era]


@lru_cache(maxsize=1)
def _province_index():
    by_name: dict[str, dict[str, rules.ProvinceEntry]] = {}
    for e in provinces():
        by_name.setdefault(e["name"], {})[e["era"]] = e
    lookup: dict[str, str] = {}  # folded name / variant -> canonical name

    def add(key: str, name: str):
        k = fold(key)
        if lookup.get(k, name) != name:
            raise ValueError(f"province variant {key!r} names both {lookup[k]!r} and {name!r}")
        lookup[k] = name

    for name, eras in by_name.items():
        add(name, name)
        for e in eras.values():
            add(e["full_name"], name)
            for v in e["variants"]:
                add(v, name)
    return by_name, lookup


def province_info(name: str, era: str | None = None) -> rules.ProvinceEntry | None:
    """The provinces.json entry for a province (any variant); `era` picks one when the name
    exists in both eras (default: the pre-2025 entry if there is one)."""
    c = canonical(name)
    if c is None:
        return None
    eras = _province_index()[0][c]
    if era is not None:
        return eras.get(era)
    return eras.get("pre2025") or eras.get("post2025")


@lru_cache(maxsize=1)
def unit_prefix_re() -> re.Pattern[str]:
    """The words before a unit's name ("tỉnh", "TP.", "huyện": ``places.json``)."""
    alts = "|".join(rules.Rules.default().places.unit_prefixes)
    return re.compile(rf"^(?:{alts})\s*", re.IGNORECASE)


def clean_name(name: str) -> str:
    s = fold(name)
    s = re.sub(r"\s*[-–—]\s*", " - ", s)
    return s.strip(" ,.;:()")


@lru_cache(maxsize=1 << 12)  # the links refresh asks for the same few names again and again
def canonical(name: str) -> str | None:
    """Canonical province name (GOLD spelling) for any printed variant, with or without a
    "tỉnh"/"thành phố"/"TP." prefix: "TP.HCM" -> "Hồ Chí Minh", "Hoà Bình" -> "Hòa Bình",
    "Bắc Cạn" -> "Bắc Kạn", "TT-Huế" -> "Thừa Thiên Huế". None when it is not a province."""
    if not name:
        return None
    _, lookup = _province_index()
    s = clean_name(name)
    prefix = unit_prefix_re()
    # (Bare "Hồ Chí Minh" is the city here: a lookup is not running text.)
    for cand in (s, prefix.sub("", s), s.replace(" - ", "-"), s.replace(" - ", " ")):
        if cand in lookup:
            return lookup[cand]
    # Last resort, unaccented ("Ben Tre", "ha noi"): only when exactly one name fits.
    bare = strip_accents(prefix.sub("", s)).lower()
    hits = {n for k, n in lookup.items() if strip_accents(k).lower() == bare}
    return hits.pop() if len(hits) == 1 else None


def successor(province: str) -> str | None:
    """The province's name after the 1 July 2025 merger ("Bến Tre" -> "Vĩnh Long"); the same
    name when it kept it ("Hà Nội" -> "Hà Nội") or is already a post-2025 name."""
    c = canonical(province)
    if c is None:
        return None
    eras = _province_index()[0][c]
    if "pre2025" in eras:
        return eras["pre2025"]["successor"]
    return c


def is_post_merger(date) -> bool:
    """Whether a date (ISO string or date; None: unknown) falls on or after the merger."""
    return bool(date) and str(date)[:10] >= MERGER_DATE.isoformat()


def unit_on(province: Optional[str], date=None) -> Optional[rules.ProvinceEntry]:
    """The unit a province as printed names on a date (the one rule for "a province on a
    date"): from 1 July 2025 the post-2025 unit (a merged province's successor); before it
    (or undated) the pre-2025 unit. A post-2025-only name goes back to its one predecessor
    on a pre-merger date ("Huế" → Thừa Thiên Huế); undated, or with several predecessors,
    it stays the post-2025 unit. None when it is no province."""
    c = canonical(province) if province else None
    if c is None:
        return None
    if is_post_merger(date):
        return province_info(successor(c) or c, "post2025")
    pre = province_info(c, "pre2025")
    if pre is not None:
        return pre
    later = province_info(c, "post2025") or {}
    preds = later.get("predecessors") or []
    if len(preds) == 1 and date:
        return province_info(preds[0], "pre2025")
    return later or None


@dataclass(frozen=True)
class Match:
    """A province named in a text. `start`/`end` index the NFC form of the text (the same
    offsets when the text is NFC already). `era` is "pre2025", "post2025" or "both" (the
    name exists in both eras, e.g. "Hà Nội"); `variant` is the listed spelling that matched
    and `text` the span as printed."""
    name: str
    start: int
    end: int
    era: str
    variant: str
    text: str

    @property
    def successor(self) -> str | None:
        return successor(self.name)


@lru_cache(maxsize=1)
def _province_matcher() -> Matcher:
    items = []
    for e in provinces():
        first = fold(first_word(e["name"]))
        for v in e["variants"]:
            # The person-name rule only for spellings that start like the name itself
            # ("Hòa Bình"), not for "TP. Hồ Chí Minh" after "Đoàn TNCS Hồ Chí Minh".
            person = fold(first_word(v)) == first
            items.append((v, e["name"], e.get("not_before", []), e.get("not_after", []), person))
    return Matcher(items)


def province_at_start(text: str) -> Match | None:
    """``find_provinces(text)``'s first match if it starts at 0 (a place printed right
    there), else None; without the search when no spelling can start there."""
    if not _province_matcher().can_start(text):
        return None
    found = find_provinces(text)
    return found[0] if found and found[0].start == 0 else None


def _era_of(name: str) -> str:
    eras = _province_index()[0][name]
    return "both" if len(eras) == 2 else next(iter(eras))


def find_provinces(text: str) -> list[Match]:
    """Provinces named in `text`, in order. Whole words only; each word that starts
    upper-case in the listed spelling must start upper-case as printed ("hòa bình thế
    giới" is peace, not the province); the longest match wins ("Thừa Thiên Huế" over
    "Huế"); a name right after a capitalised surname or middle name is taken for a person
    ("Nguyễn Hòa Bình"); bare "Hồ Chí Minh" (the President) is not matched, only the
    city's forms ("TP.HCM", "TP Hồ Chí Minh", "thành phố Hồ Chí Minh", "Sài Gòn")."""
    return [Match(name=p, start=s, end=e, era=_era_of(p), variant=v, text=t)
            for s, e, p, v, t in _province_matcher().find(text)]
