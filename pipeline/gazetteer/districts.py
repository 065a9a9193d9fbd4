"""District-level units before 2025 (``rules/districts.json``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import rules
from .matcher import Matcher
from .provinces import clean_name


@lru_cache(maxsize=1)
def _district_index() -> dict[str, set[str]]:
    idx: dict[str, set[str]] = {}
    for d in rules.districts():
        for n in [d["name"], *d.get("aliases", [])]:
            idx.setdefault(clean_name(n), set()).add(d["province"])
    return idx


@dataclass(frozen=True)
class DistrictMatch:
    name: str
    province: str | None  # None when ambiguous
    provinces: tuple[str, ...]
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _district_prefix_re() -> re.Pattern[str]:
    alts = "|".join(rules.Rules.default().places.district_prefixes)
    return re.compile(rf"(?:{alts})[ \t\u00a0]*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _district_matcher() -> Matcher:
    items = []
    for d in rules.districts():
        for n in [d["name"], *d.get("aliases", [])]:
            items.append((n, d["name"], [], [], True))
    return Matcher(items)


def find_districts(text: str, require_prefix: bool = True) -> list[DistrictMatch]:
    """District-level units named in `text`. With require_prefix (the default) only names
    printed after "huyện", "thị xã", "thành phố", "quận", "TP", "TX" count, because many
    district names are also common words or names of communes elsewhere."""
    prefix = _district_prefix_re()

    def accept(t, s, e, payload):
        return not require_prefix or bool(prefix.search(t, max(0, s - 12), s))

    idx = _district_index()
    out = []
    for s, e, name, _v, printed in _district_matcher().find(text, accept):
        provs = tuple(sorted(idx.get(clean_name(name), ())))
        out.append(DistrictMatch(name=name, province=provs[0] if len(provs) == 1 else None,
                                 provinces=provs, start=s, end=e, text=printed))
    return out


def district_at_start(text: str, require_prefix: bool = True) -> DistrictMatch | None:
    """``find_districts(text, require_prefix)``'s first match if it starts at 0, else None;
    without the search when no name can start there."""
    if not _district_matcher().can_start(text):
        return None
    found = find_districts(text, require_prefix)
    return found[0] if found and found[0].start == 0 else None
