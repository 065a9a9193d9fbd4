"""People across articles: which ``officials`` rows are the same real person.

Pure functions over plain rows (no SQL here: ``links.refresh_people`` streams the rows one
name at a time through :func:`resolve_name` and :func:`assign_ids` and writes the result;
:func:`resolve` does both over a list at once). An *appearance* is one ``officials`` row
with the meeting it belongs to::

    {"id": 12, "name": "Trần Thanh Lâm", "titles": ["Phó Bí thư Thường trực Tỉnh ủy"],
     "date": "2025-01-08", "province": "Bến Tre", "level": "province"}

The rule
--------
1. **Name.** Appearances are compared on ``gazetteer.fold(name)``: NFC, lower case,
   white space collapsed, new-style tone placement folded (``Thuỷ`` = ``Thủy``). Two
   different names are never one person.
2. **Anchor.** Each appearance's titles say where the person serves (:func:`anchor_of`):

   - a title naming a province ("Bí thư Tỉnh ủy Trà Vinh") or a local body ("Tỉnh ủy",
     "UBND tỉnh", "Huyện ủy", "xã", ...) anchors the person in that province, or in the
     meeting's province when the title names none. The *tier* is ``province`` for a
     provincial body (and for "Thành ủy"/"thành phố" of a centrally-run city) and
     ``local`` for a district or commune body. A local post wins over central
     membership: "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy" serves in the province;
   - otherwise a central body ("Trung ương", "Bộ Chính trị", "Ban Bí thư", "Quốc hội",
     "Chính phủ", "Bộ trưởng", "... Việt Nam") anchors the person ``central``;
   - otherwise (no title, or a title that names no body: "Chủ tịch Hội Nông dân") the
     appearance is *weak*: it only hints at the meeting's province.
   Titles printed as former posts ("nguyên ...") are ignored. The title itself
   (Phó Bí thư → Bí thư) is not part of the anchor: a promotion keeps the person.
3. **Merger.** Provinces are anchored by their pre-2025 name. After the 1 July 2025
   merger, an appearance anchored in a new province joins the one person of that name
   anchored in one of the units merged into it ("Bí thư Tỉnh ủy Vĩnh Long" in 2025 and
   "Bí thư Tỉnh ủy Bến Tre" in 2023); with none or several such people it is a person
   of the new province.
4. **Weak appearances** join, in this order: the person of that name anchored in the
   meeting's province (tier ``province`` first); else the only person of that name;
   else a person of that name in the meeting's province (``unknown`` without one).
5. **One person** = one (folded name, anchor); ``central`` and each (province, tier) are
   different anchors, so two "Nguyễn Văn Hùng" who serve two provinces, or a province
   and the centre, or a province and one of its districts, stay two people. Known
   limits: a career move between anchors (district → province, province → centre)
   starts a new person; two people of one name in the same body are one.

Ids
---
:func:`person_id` derives a readable id from the key (``tran-thanh-lam--ben-tre``,
``truong-thi-mai--central``), so a re-run, or a rebuild from scratch, gives the same ids;
an id already in the database is kept for its key (a rare accent-less clash gets a
hash suffix, and the existing holder keeps the plain id). See ``store.links.refresh_people``
for ids that disappear because their appearances joined another person (``merged_into``).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, MutableMapping, NamedTuple, Optional

from . import gazetteer
from .rules import Rules
from .text import B, E, alternation, fold, nfc, slug

CENTRAL = "central"
UNKNOWN = "unknown"
TIER_PROVINCE = "province"
TIER_LOCAL = "local"


class _Markers:
    """The body words of ``rules/people.json``, matched in folded titles."""

    def __init__(self, rules: Rules):
        r = rules.people

        def words(items, not_before=None):
            alts = [re.escape(w) + (rf"(?!\s+(?:{alternation(not_before[w])}))" if not_before and w in not_before else "")
                    for w in sorted({fold(x) for x in items}, key=lambda w: (-len(w), w))]
            return re.compile(rf"{B}(?:{'|'.join(alts)}){E}")

        self.province = words(r.province_markers)
        self.city = words(r.city_markers)
        self.local = words(r.local_markers, r.local_not_before)
        self.central = words(r.central_markers)
        self.former = re.compile(rf"^\s*(?:{alternation(r.former)}){E}")


_MARKERS: _Markers | None = None


def _markers() -> _Markers:
    global _MARKERS
    if _MARKERS is None:
        _MARKERS = _Markers(Rules.default())
    return _MARKERS


@dataclass(frozen=True)
class Anchor:
    """Where one appearance says the person serves.

    ``scope`` is ``central``, ``local`` (``province`` and ``tier`` set) or ``weak``
    (``province`` is then the meeting's province, a hint only). ``era`` is ``pre2025`` or
    ``post2025``: which list of provinces ``province`` comes from.
    """

    scope: str
    province: Optional[str] = None
    tier: Optional[str] = None
    era: str = "pre2025"


@dataclass
class Person:
    """One resolved person: its key, id and the appearances (official row ids)."""

    key: str
    name_key: str
    anchor: str  # CENTRAL, UNKNOWN or a province name
    tier: Optional[str]
    era: str
    id: str = ""
    appearances: list[Mapping[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def name_key(name: str) -> str:
    """The form names are compared in: ``gazetteer.fold`` (Thuỷ = Thủy, case, spaces)."""
    return fold(name)


def _titles(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value] if value.strip() else []
        return [str(t) for t in parsed] if isinstance(parsed, list) else [value]
    return [str(t) for t in value]


_is_post_merger = gazetteer.is_post_merger


def _province_on(name: Optional[str], date: Optional[str]) -> tuple[Optional[str], str]:
    """(province, era) of the unit a province as printed names on a date
    (``gazetteer.unit_on``)."""
    unit = gazetteer.unit_on(name, date)
    return (unit["name"], unit["era"]) if unit else (None, "pre2025")


def _predecessors(post_name: str) -> list[str]:
    info = gazetteer.province_info(post_name, "post2025") or {}
    return list(info.get("predecessors") or [])


def _is_city(province: Optional[str]) -> bool:
    info = gazetteer.province_info(province) if province else None
    return bool(info) and info.get("type", "").startswith("thành phố")


def anchor_of(titles: Iterable[str] | str | None, province: Optional[str],
              date: Optional[str] = None) -> Anchor:
    """The anchor of one appearance: its titles, the meeting's province and date.

    >>> anchor_of(["Bí thư Tỉnh ủy"], "Bến Tre", "2025-01-08")
    Anchor(scope='local', province='Bến Tre', tier='province', era='pre2025')
    >>> anchor_of(["Thường trực Ban Bí thư"], None).scope
    'central'
    >>> anchor_of([], "Bến Tre").scope
    'weak'
    """
    current = [signs for signs in map(_title_signs, _titles(titles)) if not signs.former]
    named = next((signs.province for signs in current if signs.province is not None), None)
    has_province = named is not None or any(signs.province_word for signs in current)
    has_city = any(signs.city_word for signs in current)
    has_local = any(signs.local_word for signs in current)
    where, era = _province_on(named or province, date)
    if has_province or has_city or has_local:
        if where is None:
            return Anchor("weak", None, None, era)
        city_is_province = has_city and _is_city(where)
        tier = TIER_PROVINCE if (has_province or city_is_province) else TIER_LOCAL
        if named is not None and not has_local and not has_city:
            tier = TIER_PROVINCE
        return Anchor("local", where, tier, era)
    if any(signs.central_word for signs in current):
        return Anchor(CENTRAL)
    return Anchor("weak", where, None, era)


class _TitleSigns(NamedTuple):
    former: bool  # "nguyên Bí thư ..."
    province: Optional[str]  # the province the title names
    province_word: bool
    city_word: bool
    local_word: bool
    central_word: bool


@lru_cache(maxsize=4096)
def _title_signs(title: str) -> _TitleSigns:
    """What ``anchor_of`` reads in one title; kept, since many appearances print the same
    titles."""
    markers, folded = _markers(), fold(title)
    found = gazetteer.find_provinces(title)
    return _TitleSigns(bool(markers.former.match(folded)), found[0].name if found else None,
                       bool(markers.province.search(folded)), bool(markers.city.search(folded)),
                       bool(markers.local.search(folded)), bool(markers.central.search(folded)))


def person_key(name: str, anchor: str, tier: Optional[str] = None, era: str = "pre2025") -> str:
    """The stable key of a person: folded name | anchor [| tier] [| era]."""
    parts = [name_key(name), anchor]
    if tier == TIER_LOCAL:
        parts.append(TIER_LOCAL)
    if era == "post2025" and anchor not in (CENTRAL, UNKNOWN):
        parts.append("2025")
    return "|".join(parts)


def person_id(key: str, taken: Optional[Mapping[str, str]] = None) -> str:
    """A readable id for a key: ``tran-thanh-lam--ben-tre`` (``--local``, ``--2025``
    suffixes for the district/commune tier and post-merger-only anchors). ``taken``
    maps ids already used to their keys: when the plain id belongs to another key (two
    names that differ only by accents), a short hash of the key is appended."""
    name, *rest = key.split("|")
    plain = "--".join([slug(name), *(slug(part) for part in rest)])
    if taken is None or taken.get(plain, key) == key:
        return plain
    return plain + "-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:6]


# --------------------------------------------------------------------------- resolving


def resolve(appearances: Iterable[Mapping[str, Any]],
            existing: Optional[Mapping[str, str]] = None) -> list[Person]:
    """Group appearances into people (the rule in the module docstring), all at once.

    A thin wrapper over :func:`resolve_name` (one name at a time) and :func:`assign_ids`;
    ``links.refresh_people`` streams the same two steps one name group at a time.

    :param appearances: officials rows with their meeting: ``id``, ``name``, ``titles``
      (a list or its JSON), ``date``, ``province`` (the meeting's) and optionally
      ``level``.
    :param existing: ids already in the database, ``{person_id: key}``; a key found
      there keeps its id.
    :returns: the people, sorted by key, each with its appearances in date order.
    The result depends only on the set of appearances (not on their order).
    """
    existing = dict(existing or {})
    by_name: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in appearances:
        by_name[name_key(row["name"])].append(row)
    taken = dict(existing)
    known = {key: pid for pid, key in existing.items()}
    memo: dict[tuple, Anchor] = {}
    people: list[Person] = []
    for nkey in sorted(by_name, key=group_order):
        found = resolve_name(nkey, by_name[nkey], memo)
        assign_ids(found, known, taken)
        people.extend(found)
    return people


def group_order(nkey: str) -> str:
    """The sort key of a name group: in this order, the groups' person keys
    (``name|anchor...``) come out in plain key order, which is the order new ids are
    handed out in (so a clash between two names with the same slug is settled the same
    way whether the groups are resolved together or one at a time). ``links.refresh_people``
    has SQLite sort the officials rows by it."""
    return nkey + "|"


def anchored(row: Mapping[str, Any], memo: Optional[dict[tuple, Anchor]] = None) -> Anchor:
    """:func:`anchor_of` for one appearance; ``memo`` caches anchors by (titles, meeting
    province, before/after the merger), which many appearances share."""
    titles = row.get("titles")
    if memo is None:
        return anchor_of(titles, row.get("province"), row.get("date"))
    key = (titles if isinstance(titles, (str, type(None))) else json.dumps(list(titles)),
           row.get("province"), _is_post_merger(row.get("date")))
    anchor = memo.get(key)
    if anchor is None:
        anchor = memo[key] = anchor_of(titles, row.get("province"), row.get("date"))
    return anchor


def resolve_name(nkey: str, rows: Iterable[Mapping[str, Any]],
                 memo: Optional[dict[tuple, Anchor]] = None) -> list[Person]:
    """The people among the appearances of one folded name (``name_key``): the rule in
    the module docstring, steps 2-5. Identity never spans two names, so each name group
    is resolved on its own. Ids are left empty (:func:`assign_ids`).

    :returns: the people sorted by key, each with its appearances in date order.
    """
    group = sorted(((row, anchored(row, memo)) for row in rows), key=lambda item: _order(item[0]))
    found: dict[str, Person] = {}

    def get(anchor: str, tier: Optional[str], era: str) -> Person:
        key = person_key(nkey, anchor, tier, era)
        if key not in found:
            found[key] = Person(key=key, name_key=nkey, anchor=anchor, tier=tier, era=era)
        return found[key]

    # 1. central and pre-merger local anchors
    for row, anchor in group:
        if anchor.scope == CENTRAL:
            get(CENTRAL, None, "pre2025").appearances.append(row)
        elif anchor.scope == "local" and anchor.era == "pre2025":
            get(anchor.province, anchor.tier, "pre2025").appearances.append(row)
    # 2. post-merger local anchors: join the one person of a merged unit
    for row, anchor in group:
        if anchor.scope == "local" and anchor.era == "post2025":
            _post_merger(nkey, found, get, anchor).appearances.append(row)
    # 3. weak appearances
    for row, anchor in group:
        if anchor.scope == "weak":
            _weak(found, get, anchor).appearances.append(row)
    return [found[key] for key in sorted(found)]


def assign_ids(people: Iterable[Person], known: Mapping[str, str],
               taken: MutableMapping[str, str]) -> None:
    """Set ``Person.id``: a key in ``known`` (``{key: id}`` already stored) keeps its id,
    a new key gets :func:`person_id`, suffixed when another key holds the plain id.
    ``taken`` (``{id: key}``: the stored ids and those handed out so far) is shared across
    name groups and updated here; call in :func:`group_order` of the groups, people in key
    order, for the same ids as resolving everything at once."""
    for person in people:
        person.id = known.get(person.key) or person_id(person.key, taken)
        taken[person.id] = person.key


def _order(row: Mapping[str, Any]) -> tuple:
    return (row.get("date") or "9999", str(row.get("article_id") or ""), row.get("id") or 0)


def _post_merger(nkey: str, found: dict[str, Person], get, anchor: Anchor) -> Person:
    own = found.get(person_key(nkey, anchor.province, anchor.tier, "post2025"))
    if own is not None:
        return own
    preds = set(_predecessors(anchor.province))
    candidates = [p for p in found.values()
                  if p.era == "pre2025" and p.anchor in preds and p.tier == anchor.tier]
    if len(candidates) == 1:
        return candidates[0]
    return get(anchor.province, anchor.tier, "post2025")


def _weak(found: dict[str, Person], get, anchor: Anchor) -> Person:
    here = [p for p in found.values() if p.anchor not in (CENTRAL, UNKNOWN)
            and anchor.province is not None and _same_place(p, anchor)]
    for tier in (TIER_PROVINCE, TIER_LOCAL, None):
        matches = [p for p in here if p.tier == tier]
        if len(matches) == 1:
            return matches[0]
    if len(found) == 1:
        return next(iter(found.values()))
    if anchor.province is None:
        return get(UNKNOWN, None, "pre2025")
    return get(anchor.province, TIER_PROVINCE, anchor.era)


def _same_place(person: Person, anchor: Anchor) -> bool:
    if person.era == anchor.era:
        return person.anchor == anchor.province
    if anchor.era == "post2025":  # a person of an old unit, a meeting in the new one
        return person.anchor in _predecessors(anchor.province)
    return anchor.province in _predecessors(person.anchor)


# --------------------------------------------------------------------------- summaries


def person_row(person: Person) -> dict[str, Any]:
    """The ``people`` row of a resolved person (without ``merged_into``)."""
    rows = sorted(person.appearances, key=_order)
    printed = [nfc(r["name"]) for r in rows]
    names = Counter(printed)
    # the most printed form; ties go to the latest printed
    last_index = {n: i for i, n in enumerate(printed)}
    name = max(names, key=lambda n: (names[n], last_index[n]))
    dated = [r for r in rows if r.get("date")]
    titled = [(r, titles) for r in rows if (titles := _titles(r.get("titles")))]
    # The latest dated appearance with a title; an undated one only when none is dated.
    dated_titled = [item for item in titled if item[0].get("date")]
    latest = (dated_titled or titled or [None])[-1]
    provinces = sorted({r["province"] for r in rows if r.get("province")})
    home = None if person.anchor in (CENTRAL, UNKNOWN) else person.anchor
    level = CENTRAL if person.anchor == CENTRAL else person.tier
    return {
        "id": person.id,
        "name": name,
        "home_province": home,
        "level": level,
        "latest_title": ", ".join(latest[1]) if latest else None,
        "first_date": dated[0]["date"] if dated else None,
        "last_date": dated[-1]["date"] if dated else None,
        "appearances": len(rows),
        "articles": len({r.get("article_id") for r in rows}),
        "provinces": ", ".join(provinces) or None,
        "person_key": person.key,
    }
