"""Association bodies across articles: which ``associations`` rows are the same body.

As ``people`` does for officials, ``bodies`` has one row per association body and
``associations.body_id`` links every mention to it: the Hội Nông dân of Bến Tre province,
the Hội Cựu chiến binh of Phú Giáo district (Bình Dương), the central Mặt trận Tổ quốc.

The rule
--------
A body is its **kind** (GOLD.md's fixed list), its **level** and its **place**:

- ``central``: no place;
- ``province``: the province. The place printed with the mention wins ("Hội Nhà báo Nghệ An",
  "MTTQ Việt Nam tỉnh Thanh Hóa", read by the extraction's own reader of association names,
  ``extract.mentions``), else the meeting's province;
- ``district``: the district and its province: printed with the mention ("Hội Cựu chiến binh
  huyện Phú Giáo"), else the first district named with its unit word ("huyện X") in the
  article's title, then its text, in the meeting's province;
- ``commune``: the commune ("xã Chi Lăng", "phường Long Xuyên", "Thị trấn Phước Vĩnh") and the
  province, found the same way (communes have no gazetteer: a name is the capitalised words
  after the unit word). Two communes of one name in one province are one body.

A province is the unit on the meeting's date (``gazetteer.unit_on``). **The 2025 merger**:
from 1 July 2025 a province that kept its land (Hà Nội; Huế, the former Thừa Thiên Huế) is
the same body as before; a province formed from several is a new body (id suffix ``-2025``),
and each body of the old provinces merged into it links to it (``successor_id``) once it is
in the database. Districts were abolished then: a district body keeps its old province.

Kind ``khác`` (a named association outside the list) is one body per name, the name without
its body, level and place words ("Ban Thường vụ Hội Sinh viên tỉnh" → Hội Sinh viên); kind
``nhiều hội`` is the associations of a place taken together ("các hội quần chúng tỉnh").

A mention that cannot be placed (no level; a provincial body in an article with no province;
a local body whose district or commune the article never names; "MTTQ cấp xã", the bodies of
every commune) has no body: ``body_id`` stays empty rather than pooling different bodies.
Articles judged not relevant have none either.

Ids
---
Readable and derived from the key: ``hoi-nong-dan/tinh/ben-tre``, ``mat-tran-to-quoc/trung-uong``,
``hoi-cuu-chien-binh/huyen/binh-duong/phu-giao``, ``hoi-nong-dan/tinh/vinh-long-2025``. They
depend on the mention alone (its name, kind, level, article and meeting), never on other
articles, so adding articles changes no id; an id already stored keeps its key (a rare
accent-less clash gets a hash suffix, the stored holder keeps the plain id, as in ``people``).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable, Optional

from sqlite_utils import Database

from .. import gazetteer, rules
from ..extract.mentions import COLLECTIVE, OTHER, find_mentions
from ..text import fold, nfc, slug

CENTRAL, PROVINCE, DISTRICT, COMMUNE = "central", "province", "district", "commune"
LEVEL_SLUGS = {CENTRAL: "trung-uong", PROVINCE: "tinh", DISTRICT: "huyen", COMMUNE: "xa"}
POST = "post2025"
PRE = "pre2025"

BODY_COLUMNS = {
    "id": str,
    "name": str,
    "kind": str,
    "level": str,
    "province": str,
    "district": str,
    "commune": str,
    "era": str,
    "province_id": str,
    "successor_id": str,
    "meetings": int,
    "mentions": int,
    "first_date": str,
    "last_date": str,
    "names_as_printed": str,
    "body_key": str,
}

VIEWS = {
    # A body's meetings in date order, with who chaired them: the body page's list.
    "body_meetings": """
select
  s.body_id,
  b.name as body,
  m.date,
  m.province,
  m.level,
  m.kind,
  s.name as name_as_printed,
  s.article_id,
  a.title as article_title,
  (select group_concat(o.name, ', ') from officials o
   where o.article_id = s.article_id and o.role = 'chair') as chairs,
  (select count(*) from officials o where o.article_id = s.article_id) as officials,
  s.id as association_id
from associations s
join bodies b on b.id = s.body_id
join articles a on a.id = s.article_id
left join meetings m on m.article_id = s.article_id
where a.relevant is not 0
order by b.id, m.date is null, m.date, s.article_id
""",
}

BATCH = 5000  # mention → key rows written to the temp table at a time


# --------------------------------------------------------------------------- the rule


@dataclass(frozen=True)
class Body:
    """One association body: kind, level and place (see the module docstring)."""

    kind: str
    level: str
    province: Optional[str] = None  # a pre-2025 name, or a post-2025 one when era is POST
    era: Optional[str] = None
    district: Optional[str] = None
    commune: Optional[str] = None
    other: Optional[str] = None  # kind khác: the association's own name

    @cached_property
    def key(self) -> str:
        """``kind|level|province[|2025][|district][|commune]``, folded."""
        kind = f"{OTHER}:{self.other}" if self.other else self.kind
        parts = [kind, self.level, self.province, "2025" if self.era == POST else None,
                 self.district, self.commune]
        return "|".join(fold(p) for p in parts if p)

    def plain_id(self) -> str:
        province = (slug(self.province) + ("-2025" if self.era == POST else "")
                    if self.province else None)
        parts = [slug(self.other or self.kind), LEVEL_SLUGS[self.level], province,
                 slug(self.district) if self.district else None,
                 slug(self.commune) if self.commune else None]
        return "/".join(p for p in parts if p)

    def display_name(self) -> str:
        """In Vietnamese: "Hội Nông dân tỉnh Bến Tre", "Hội Cựu chiến binh huyện Phú Giáo,
        tỉnh Bình Dương", "Hội Nông dân (trung ương)"."""
        what = self.other or ("Các hội, đoàn thể" if self.kind == COLLECTIVE else self.kind)
        if self.level == CENTRAL:
            return f"{what} (trung ương)"
        province = _province_phrase(self.province, self.era)
        if self.level == PROVINCE:
            return f"{what} {province}"
        if self.level == DISTRICT:
            return f"{what} {_district_phrase(self.district, self.province)}, {province}"
        return f"{what} {self.commune}, {province}"

    def successor(self) -> Optional["Body"]:
        """The body a provincial body of a merged province became on 1 July 2025."""
        if self.level != PROVINCE or self.era != PRE:
            return None
        after = gazetteer.province_info(gazetteer.successor(self.province) or "", POST)
        if not after or len(after.get("predecessors") or []) < 2:
            return None
        return Body(self.kind, PROVINCE, after["name"], POST, other=self.other)

    def province_entry(self) -> Optional[dict]:
        return gazetteer.province_info(self.province, self.era) if self.province else None


def body_id(body: Body, taken: Optional[dict[str, str]] = None) -> str:
    """The body's readable id; ``taken`` maps ids in use to their keys: when the plain id
    belongs to another key (names that differ only by accents), a short hash of the key is
    appended."""
    plain = body.plain_id()
    if taken is None or taken.get(plain, body.key) == body.key:
        return plain
    return plain + "-" + hashlib.sha1(body.key.encode("utf-8")).hexdigest()[:6]


def body_of(name: str, kind: str, level: Optional[str], province: Optional[str],
            date: Optional[str], article_text: Callable[[], str] = lambda: "") -> Optional[Body]:
    """The body one ``associations`` row names, or None when it cannot be placed.

    :param province: the meeting's province, as called on its ``date``.
    :param article_text: the article's title and text (only read for a district or commune
      body whose name does not say where it is).
    """
    if level not in LEVEL_SLUGS or not name:
        return None
    other = _other_name(name) if kind == OTHER else None
    if level == CENTRAL:
        return Body(kind, CENTRAL, other=other)
    if _many_units(name):
        return None
    printed = _printed_place(name)
    if level == PROVINCE:
        unit = gazetteer.unit_on(printed if _is_province(printed) else province, date)
        if unit is None:
            return None
        where, era = _body_province(unit)
        return Body(kind, PROVINCE, where, era, other=other)
    if level == DISTRICT:
        allowed = _old_provinces(province, date)
        found = _district_in(name, allowed, printed) or _district_in(article_text(), allowed)
        if found is None:
            return None
        district, old_province = found
        return Body(kind, DISTRICT, old_province, PRE, district=district, other=other)
    # commune
    unit_word = _commune_word(name)
    commune = _commune_in(name, unit_word) or _commune_in(article_text(), unit_word)
    unit = gazetteer.unit_on(province, date)
    if commune is None or unit is None:
        return None
    where, era = _body_province(unit)
    return Body(kind, COMMUNE, where, era, commune=commune, other=other)


# --------------------------------------------------------------------------- helpers


def _is_province(place: Optional[str]) -> bool:
    return bool(place) and gazetteer.canonical(place) is not None


def _body_province(unit: dict) -> tuple[str, str]:
    """(province, era) of a body in ``unit``: after the merger a province formed from one
    old province is that province's body still (Hà Nội; Huế is Thừa Thiên Huế's)."""
    if unit["era"] == POST:
        before = unit.get("predecessors") or []
        if len(before) == 1:
            return before[0], PRE
        return unit["name"], POST
    return unit["name"], PRE


def _old_provinces(province: Optional[str], date: Optional[str]) -> set[str]:
    """The pre-2025 provinces a meeting's province covers (a merged one: all of them)."""
    unit = gazetteer.unit_on(province, date)
    if unit is None:
        return set()
    if unit["era"] == POST:
        return set(unit.get("predecessors") or [])
    return {unit["name"]}


@lru_cache(maxsize=1 << 11)  # the same bodies are named in article after article
def _printed_place(name: str) -> Optional[str]:
    """The province or district the extraction's reader finds printed with a name."""
    found = find_mentions(name)
    return found[0].place if found else None


@lru_cache(maxsize=1)
def _association_rules():
    return rules.Rules.default().associations


@lru_cache(maxsize=1)
def _many_units_re() -> re.Pattern[str]:
    # "MTTQ Việt Nam cấp xã", "các cấp Hội": the bodies of every unit, not one body
    return re.compile(r"(?<!\w)(?:cấp xã|cấp huyện|cơ sở|các cấp)(?!\w)")


def _many_units(name: str) -> bool:
    return bool(_many_units_re().search(fold(name)))


def _district_in(text: str, allowed: set[str], printed: Optional[str] = None) -> Optional[tuple[str, str]]:
    """(district, its pre-2025 province): ``printed`` if it is one, else the first district
    named after its unit word in ``text`` that lies in ``allowed`` (any province when the
    meeting's is unknown, if the name is in one province only)."""
    matches = []
    if printed and not _is_province(printed):
        matches = [m for m in gazetteer.find_districts(printed, require_prefix=False)
                   if m.start == 0 and m.end == len(printed)]
    matches = matches or gazetteer.find_districts(text or "", require_prefix=True)
    for m in matches:
        inside = [p for p in m.provinces if p in allowed] if allowed else list(m.provinces)
        if len(inside) == 1:
            return m.name, inside[0]
    return None


_COMMUNE_WORDS = ("xã", "phường", "thị trấn")
_WORD = re.compile(r"[^\W_]+")


def _commune_word(name: str) -> Optional[str]:
    """The commune's unit word printed in a name ("Hội NCT phường": phường)."""
    found = re.search(r"(?<!\w)(?<!thị )(xã|phường|thị trấn)(?!\w)", fold(name))
    return found.group(1) if found else None


def _commune_in(text: str, unit: Optional[str] = None) -> Optional[str]:
    """The first commune named in ``text`` (of the unit word ``unit`` when given): "xã Chi
    Lăng", "Phường 3", "Thị trấn Phước Vĩnh" → "xã Chi Lăng", "phường 3", "thị trấn Phước
    Vĩnh" (the capitalised words, or a number, after the unit word; "Thị xã X" is a
    district)."""
    words_re = "|".join(re.escape(w) for w in ([unit] if unit else _COMMUNE_WORDS))
    for m in re.finditer(rf"(?<!\w)(?<![Tt]hị )({words_re})\s+", text or "", re.IGNORECASE):
        words: list[str] = []
        at = m.end()
        while len(words) < 4:
            w = _WORD.match(text, at)
            if not w or not (w.group()[0].isupper() or (not words and w.group().isdigit())):
                break
            words.append(w.group())
            if w.group().isdigit():
                break
            at = w.end()
            if text[at:at + 1] != " ":
                break
            at += 1
        if words:
            return f"{m.group(1).lower()} {' '.join(words)}"
    return None


@lru_cache(maxsize=4096)
def _other_name(name: str) -> str:
    """A ``khác`` association's own name: without its body words ("Ban Thường vụ"), an
    abbreviation in brackets, "Việt Nam" and its level and place words ("Hội Sinh viên
    tỉnh Hà Nội" → "Hội Sinh viên"). The "xã" of "Hợp tác xã" stays: a unit word counts only
    before a capitalised name or, except "xã", at the end."""
    r = _association_rules()
    text = nfc(" ".join(name.split()))
    for prefix in sorted(r.body_prefixes, key=len, reverse=True):
        if text.lower().startswith(prefix.lower() + " "):
            text = text[len(prefix) + 1:]
            break
    text = re.sub(r"\s*\([^()]*\)", "", text)
    cuts = [len(text)]
    for word in r.central_after:
        m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
        if m and m.start() > 0:
            cuts.append(m.start())
    provinces = gazetteer.find_provinces(text)
    if provinces and provinces[0].start > 0:
        cuts.append(provinces[0].start)
    for word in sorted(r.unit_level, key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(word)}(?=\s+[A-ZĐ0-9À-Ỹ]|$)", text):
            if m.start() > 0 and not (word.lower() == "xã" and m.end() == len(text)):
                cuts.append(m.start())
    core = text[:min(cuts)].strip(" ,-–")
    return core or text


def _province_phrase(province: Optional[str], era: Optional[str]) -> str:
    entry = gazetteer.province_info(province, era) if province else None
    unit = "thành phố" if entry and entry.get("type", "").startswith("thành phố") else "tỉnh"
    return f"{unit} {province}" + (" (từ 1/7/2025)" if era == POST else "")


@lru_cache(maxsize=1)
def _district_types() -> dict[tuple[str, str], str]:
    return {(d["name"], d["province"]): d.get("type", "huyện").lower() for d in rules.districts()}


def _district_phrase(district: Optional[str], province: Optional[str]) -> str:
    return f"{_district_types().get((district, province), 'huyện')} {district}"


# --------------------------------------------------------------------------- storing


def ensure_schema(db: Database) -> None:
    """``bodies`` and ``associations.body_id`` (added with ALTER TABLE: rows and ids stay)."""
    db.table("bodies").create(
        BODY_COLUMNS, pk="id", not_null=["id", "name", "kind", "level", "body_key"],
        foreign_keys=[("province_id", "provinces", "id"), ("successor_id", "bodies", "id")],
        if_not_exists=True)
    for columns in (("body_key",), ("kind",), ("level",), ("province",)):
        db.table("bodies").create_index(list(columns), index_name=f"idx_bodies_{columns[0]}",
                                        if_not_exists=True)
    if "body_id" not in db.table("associations").columns_dict:
        db.execute("alter table associations add column body_id text references bodies(id)")
    db.table("associations").create_index(["body_id"], index_name="idx_associations_body_id",
                                          if_not_exists=True)


# The mentions of relevant articles; the text only where a local body may need it.
_MENTIONS = """
select s.id, s.name, s.kind, s.level, m.date, m.province,
       case when s.level in ('district', 'commune') then coalesce(a.title, '') || char(10) || coalesce(a.text, '') end
from associations s
join articles a on a.id = s.article_id
left join meetings m on m.article_id = s.article_id
where a.relevant is not 0
order by s.id
"""

_UPDATED = ("name", "kind", "level", "province", "district", "commune", "era", "province_id",
            "meetings", "mentions", "first_date", "last_date", "names_as_printed", "body_key")


def _mention_keys(db: Database) -> dict[str, Body]:
    """Fill ``temp._body_of`` (association id → body key); the bodies by key."""
    found: dict[str, Body] = {}
    memo: dict[tuple, Optional[Body]] = {}
    pending: list[tuple[int, str]] = []
    for row_id, name, kind, level, date, province, text in db.execute(_MENTIONS):
        if text is None:  # central and provincial bodies depend on these only
            memo_key = (name, kind, level, province, gazetteer.is_post_merger(date), bool(date))
            if memo_key not in memo:
                memo[memo_key] = body_of(name, kind, level, province, date)
            body = memo[memo_key]
        else:
            body = body_of(name, kind, level, province, date, lambda: text)
        if body is None:
            continue
        found.setdefault(body.key, body)
        pending.append((row_id, body.key))
        if len(pending) >= BATCH:
            db.conn.executemany("insert into temp._body_of values (?, ?)", pending)
            pending.clear()
        if len(memo) > 100_000:
            memo.clear()
    db.conn.executemany("insert into temp._body_of values (?, ?)", pending)
    return found


def refresh_bodies(db: Database) -> dict[str, int]:
    """Recompute ``bodies`` and ``associations.body_id`` from every association row of the
    relevant articles. Run inside the links refresh's transaction (``links.refresh``): a
    reader sees the old bodies or the new ones, never half, also when the run is killed.

    Ids are stable (the module docstring); a body left without mentions is deleted (its id
    comes back with its key). Idempotent: an unchanged database is not written to.

    :returns: counts ``bodies``, ``linked`` (rows with a body), ``unplaced`` (rows of
      relevant articles without one), ``changed`` (rows whose body_id changed).
    """
    from .links import province_row_id

    ensure_schema(db)
    for name in ("_body_of", "_body_keys"):
        db.execute(f"drop table if exists temp.[{name}]")
    db.execute("create temp table _body_of (association_id integer primary key, key text not null)")
    db.execute("create temp table _body_keys (key text primary key, id text unique, name text,"
               " kind text, level text, province text, district text, commune text, era text,"
               " province_id text, successor_key text)")
    found = _mention_keys(db)
    db.execute("create index temp._body_of_key on _body_of (key)")

    # ids in key order: the order a rebuild from scratch hands them out in
    stored = {key: bid for bid, key in db.execute("select id, body_key from bodies")}
    taken = {bid: key for key, bid in stored.items()}
    rows = []
    for key in sorted(found):
        body = found[key]
        bid = stored.get(key) or body_id(body, taken)
        taken[bid] = key
        entry = body.province_entry()
        successor = body.successor()
        rows.append((key, bid, body.display_name(), body.kind, body.level, body.province,
                     body.district, body.commune, body.era if body.province else None,
                     province_row_id(entry) if entry else None,
                     successor.key if successor else None))
    db.conn.executemany(f"insert into temp._body_keys values ({', '.join('?' * 11)})", rows)

    columns = ", ".join(("id", *_UPDATED))
    changed_row = " or ".join(f"bodies.[{c}] is not excluded.[{c}]" for c in _UPDATED)
    db.execute(f"""
        insert into bodies ({columns})
        select k.id, k.name, k.kind, k.level, k.province, k.district, k.commune, k.era,
               k.province_id, count(distinct s.article_id), count(*), min(m.date), max(m.date),
               (select group_concat(printed, '; ') from (
                  select s2.name as printed from temp._body_of b2
                  join associations s2 on s2.id = b2.association_id
                  where b2.key = k.key group by s2.name order by count(*) desc, s2.name)),
               k.key
        from temp._body_keys k
        join temp._body_of b on b.key = k.key
        join associations s on s.id = b.association_id
        left join meetings m on m.article_id = s.article_id
        where true
        group by k.key
        on conflict(id) do update set {', '.join(f'[{c}] = excluded.[{c}]' for c in _UPDATED)}
        where {changed_row}""")
    db.execute("""
        update bodies set successor_id = (
            select n.id from temp._body_keys k join temp._body_keys n on n.key = k.successor_key
            where k.id = bodies.id)
        where successor_id is not (
            select n.id from temp._body_keys k join temp._body_keys n on n.key = k.successor_key
            where k.id = bodies.id)""")
    new_id = ("(select k.id from temp._body_of b join temp._body_keys k on k.key = b.key "
              "where b.association_id = associations.id)")
    changed = db.execute(
        f"update associations set body_id = {new_id} where body_id is not {new_id}").rowcount
    db.execute("delete from bodies where id not in (select id from temp._body_keys)")
    counts = {
        "bodies": len(found),
        "linked": db.execute("select count(*) from temp._body_of").fetchone()[0],
        "unplaced": db.execute(
            "select count(*) from associations s join articles a on a.id = s.article_id "
            "where a.relevant is not 0 and s.body_id is null").fetchone()[0],
        "changed": max(changed, 0),
    }
    for name in ("_body_of", "_body_keys"):
        db.execute(f"drop table temp.[{name}]")
    return counts


def ensure_views(db: Database) -> None:
    for name, sql in VIEWS.items():
        db.execute(f"drop view if exists [{name}]")
        db.execute(f"create view [{name}] as {sql.strip()}")


def refresh(db: Database) -> dict[str, int]:
    """``refresh_bodies`` and the views over bodies (in the caller's transaction)."""
    counts = refresh_bodies(db)
    ensure_views(db)
    return counts

