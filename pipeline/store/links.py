"""Tables derived from the facts, for analysts: provinces, people, bodies and their views.

Called through ``Store`` (section "derived tables for analysts" of ``store/__init__.py``)
at the end of every extraction run, after all articles are written:

- ``provinces``: the 63 units before the 1 July 2025 merger and the 34 after it, from
  ``models/provinces.json`` (generated from the ``vietnamadminunits`` package, see
  ``models/README.md``): code, region, a representative latitude/longitude, and the
  successor after the merger (``successor_id`` links to the successor's row);
  ``meetings.province_id`` links each meeting to its row (the unit as called on the
  meeting's date);
- ``people``: one row per real person (``pipeline.people``); ``officials.person_id``
  links every officials row to it;
- ``bodies``: one row per association body (``bodies.py``); ``associations.body_id``
  links every associations row to it;
- views ``person_appearances`` (each person's appearances in date order: the title
  history), ``meetings_map`` (meetings with the latitude/longitude of their province,
  for the map) and ``meetings_per_month`` (for the chart).

Only the articles judged relevant feed them (``articles.relevant`` is not 0).

The derived columns (``officials.person_id``, ``meetings.province_id``,
``associations.body_id``) are not part of an article's rows (``tables.DERIVED_COLUMNS``):
writing an article leaves them empty until the next refresh.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from typing import Any, Iterator, Optional

from sqlite_utils import Database

from .. import gazetteer, people as people_mod
from . import analyst, bodies
from .sql import in_chunks

PROVINCE_COLUMNS = {
    "id": str,
    "name": str,
    "era": str,
    "full_name": str,
    "type": str,
    "code": str,
    "region": str,
    "latitude": float,
    "longitude": float,
    "successor": str,
    "successor_id": str,
    "predecessors": str,
}

PEOPLE_COLUMNS = {
    "id": str,
    "name": str,
    "home_province": str,
    "level": str,
    "latest_title": str,
    "first_date": str,
    "last_date": str,
    "appearances": int,
    "articles": int,
    "provinces": str,
    "person_key": str,
    "merged_into": str,
}

# Columns added to fact tables: (table, column, referenced table).
LINK_COLUMNS = (("meetings", "province_id", "provinces"), ("officials", "person_id", "people"))

VIEWS = {
    "person_appearances": """
select
  p.id as person_id,
  p.name as person,
  m.date,
  m.province,
  o.title,
  o.role,
  o.name as name_as_printed,
  o.article_id,
  a.title as article_title,
  o.id as official_id
from officials o
join people p on p.id = o.person_id
join articles a on a.id = o.article_id
left join meetings m on m.article_id = o.article_id
where a.relevant is not 0
order by p.name, p.id, m.date is null, m.date, o.article_id
""",
    "meetings_map": """
select
  m.article_id,
  m.date,
  m.province,
  m.province_after_2025,
  m.level,
  m.kind,
  pr.region,
  pr.latitude,
  pr.longitude,
  a.title
from meetings m
join provinces pr on pr.id = m.province_id
join articles a on a.id = m.article_id
where pr.latitude is not null and a.relevant is not 0
order by m.date, m.article_id
""",
    "meetings_per_month": """
select m.month, count(*) as meetings
from meetings m
join articles a on a.id = m.article_id
where m.month is not null and a.relevant is not 0
group by m.month
order by m.month
""",
}


# --------------------------------------------------------------------------- provinces


def province_row_id(entry: dict[str, Any]) -> str:
    """``pre2025-83`` / ``post2025-86``: the era and the GSO code (codes repeat across
    eras, with different units)."""
    return f"{entry['era']}-{entry['code']}"


def province_rows() -> list[dict[str, Any]]:
    """The ``provinces`` rows, from ``models/provinces.json`` (via ``gazetteer``)."""
    entries = gazetteer.provinces()
    post_ids = {e["name"]: province_row_id(e) for e in entries if e["era"] == "post2025"}
    rows = []
    for e in entries:
        rows.append(
            {
                "id": province_row_id(e),
                "name": e["name"],
                "era": e["era"],
                "full_name": e["full_name"],
                "type": e["type"],
                "code": e["code"],
                "region": e["region"],
                "latitude": e.get("lat"),
                "longitude": e.get("lon"),
                "successor": e["successor"],
                "successor_id": post_ids.get(e["successor"]),
                "predecessors": json.dumps(e["predecessors"], ensure_ascii=False)
                if e.get("predecessors") is not None
                else None,
            }
        )
    return rows


def province_id_of(province: Optional[str], date: Optional[str]) -> Optional[str]:
    """The ``provinces`` row of a meeting's province on its date (``gazetteer.unit_on``)."""
    info = gazetteer.unit_on(province, date)
    return province_row_id(info) if info else None


def ensure_provinces(db: Database) -> None:
    """Create and fill ``provinces`` (a no-op when it already holds the same rows)."""
    table = db.table("provinces")
    rows = province_rows()
    with db.atomic():
        table.create(PROVINCE_COLUMNS, pk="id", not_null=["id", "name"],
                     foreign_keys=[("successor_id", "provinces", "id")], if_not_exists=True)
        stored = {r["id"]: r for r in table.rows}
        wanted = {r["id"]: r for r in rows}
        if stored != wanted:
            # successors (post2025 rows) first: pre2025 rows reference them
            changed = [r for r in rows if stored.get(r["id"]) != r]
            changed.sort(key=lambda r: r["era"] != "post2025")
            table.upsert_all(changed, pk="id")
            gone = [(pid,) for pid in stored if pid not in wanted]
            if gone:
                if "province_id" in db.table("meetings").columns_dict:
                    db.conn.executemany(
                        "update meetings set province_id = null where province_id = ?", gone
                    )
                db.conn.executemany("update provinces set successor_id = null where successor_id = ?", gone)
                db.conn.executemany("delete from provinces where id = ?", gone)
        table.create_index(["name"], index_name="idx_provinces_name", if_not_exists=True)


# --------------------------------------------------------------------------- schema


def _ensure_link_columns(db: Database) -> None:
    db.table("people").create(PEOPLE_COLUMNS, pk="id", not_null=["id", "name"],
                              foreign_keys=[("merged_into", "people", "id")], if_not_exists=True)
    # refresh_people looks the stored ids of each name group up by key
    db.table("people").create_index(["person_key"], index_name="idx_people_person_key",
                                    if_not_exists=True)
    for table, column, target in LINK_COLUMNS:
        if column not in db.table(table).columns_dict:
            # ALTER TABLE keeps the rows and their ids; SQLite allows a REFERENCES clause
            # on an added column whose default is NULL.
            db.execute(f"alter table [{table}] add column [{column}] text references [{target}](id)")
        db.table(table).create_index([column], index_name=f"idx_{table}_{column}",
                                     if_not_exists=True)


def ensure_views(db: Database) -> None:
    """(Re)create the analyst views (cheap: views hold no rows)."""
    for name, sql in VIEWS.items():
        db.execute(f"drop view if exists [{name}]")
        db.execute(f"create view [{name}] as {sql.strip()}")


# --------------------------------------------------------------------------- meetings


def link_meetings(db: Database) -> int:
    """Set ``meetings.province_id``; returns how many rows changed. One UPDATE with
    :func:`province_id_of` as an SQL function: nothing is held per meeting."""
    db.conn.create_function("province_id_of", 2, province_id_of, deterministic=True)
    cursor = db.execute(
        "update meetings set province_id = province_id_of(province, date) "
        "where province_id is not province_id_of(province, date)"
    )
    return max(cursor.rowcount, 0)


# --------------------------------------------------------------------------- people


# How many rows (people upserts + officials updates) are written at a time.
BATCH = 5000

# group_key(name) = people.group_order(people.name_key(name)): the name group, in the
# order ids are handed out; SQLite sorts with its own storage (temp files), not ours.
_APPEARANCES = """
select group_key(o.name) as grp, o.id, o.article_id, o.name, o.titles, o.person_id,
       m.date, m.province, m.level
from officials o
join articles a on a.id = o.article_id
left join meetings m on m.article_id = o.article_id
where a.relevant is not 0
order by grp, o.id
"""
# The officials of articles judged not relevant (GOLD.md: they have no facts, but a
# hand-made or older record may) belong to no person and make none.
_NOT_RELEVANT = """
update officials set person_id = null
where person_id is not null
  and article_id in (select id from articles where relevant is 0)
"""


def _first_key(appearance: dict) -> str:
    """An officials row's place for tie-breaks: its article, then its row within the
    article. Not the row id alone, which depends on the order articles were written in."""
    return f"{appearance['article_id']}\x1f{appearance['id']:020d}"


def _group_key(name: str) -> str:
    return people_mod.group_order(people_mod.name_key(name))


class _Taken:
    """``{id: key}`` of the people ids in use, for ``people.assign_ids``: read from the
    ``people`` table (rows stored before this run, and those written since), plus the
    ids handed out since the last write. Holds nothing per stored person."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: dict[str, str] = {}

    def get(self, pid: str, default: Optional[str] = None) -> Optional[str]:
        if pid in self.pending:
            return self.pending[pid]
        row = self.db.execute("select person_key from people where id = ?", [pid]).fetchone()
        return row[0] if row is not None and row[0] is not None else default

    def __getitem__(self, pid: str) -> str:
        value = self.get(pid)
        if value is None:
            raise KeyError(pid)
        return value

    def __setitem__(self, pid: str, key: str) -> None:
        self.pending[pid] = key


def _stored_people(db: Database, keys: list[str]) -> tuple[dict[str, str], dict[str, dict]]:
    """The stored people of some keys: ``{key: id}`` (a key stored under two ids keeps
    the later row's, as a dict over the whole table would) and ``{id: row}``."""
    known: dict[str, str] = {}
    rows: dict[str, dict] = {}
    for chunk, marks in in_chunks(keys):
        cursor = db.execute(f"select * from people where person_key in ({marks}) order by rowid", chunk)
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(columns, values))
            known[row["person_key"]] = row["id"]
            rows[row["id"]] = row
    return known, rows


def refresh_people(db: Database) -> dict[str, int]:
    """Recompute ``people`` and ``officials.person_id`` from all officials rows.

    Ids are stable: a key already in ``people`` keeps its id, a new key gets the id
    ``people.person_id`` derives from it. An id whose appearances all went to another
    person (e.g. a post-merger person joined to the one person of an old province once
    that one appears) is kept with ``merged_into`` naming the person it became (the one
    that got most of its appearances), so links to it still lead somewhere. People
    without appearances and not merged are deleted.

    Streams: the officials rows come sorted by folded name (SQLite sorts them, spilling
    to its temp files), and each name group is resolved (``people.resolve_name``, then
    ``people.assign_ids``) and written before the next is read, in one transaction. What
    stays in memory is one name group and a batch of writes; ids in use are looked up in
    ``people``, and where the appearances of ids that are no longer live went is
    collected in temp tables, settled in SQL after the pass.

    :returns: counts ``people``, ``changed`` (officials rows whose person_id changed),
      ``merged``.
    """
    db.conn.create_function("group_key", 1, _group_key, deterministic=True)
    columns = list(PEOPLE_COLUMNS)
    upsert_sql = "insert into people ({}) values ({}) on conflict(id) do update set {}".format(
        ", ".join(f"[{c}]" for c in columns), ", ".join("?" * len(columns)),
        ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id"),
    )
    taken = _Taken(db)
    memo: dict[tuple, people_mod.Anchor] = {}
    upserts: list[list[Any]] = []
    live: list[tuple[str]] = []
    changes: list[tuple[str, int]] = []
    moved: list[tuple[str, str, int, str]] = []  # (old id, new id, appearances, first)
    changed = 0

    def flush() -> None:
        nonlocal changed
        if upserts:  # people first: officials rows reference them
            db.conn.executemany(upsert_sql, upserts)
        if live:
            db.conn.executemany("insert into temp._people_live (id) values (?)", live)
        if changes:  # in row order: officials pages are visited once, in order
            changes.sort(key=lambda change: change[1])
            db.conn.executemany("update officials set person_id = ? where id = ?", changes)
        if moved:
            db.conn.executemany("insert into temp._people_moved values (?, ?, ?, ?)", moved)
        changed += len(changes)
        for pending in (upserts, live, changes, moved):
            pending.clear()
        taken.pending.clear()  # now in the table

    with db.atomic():
        db.execute("drop table if exists temp._people_live")
        db.execute("drop table if exists temp._people_moved")
        db.execute("create temp table _people_live (id text primary key)")
        db.execute("create temp table _people_moved (old text, new text, n integer, first text)")
        changed += max(db.execute(_NOT_RELEVANT).rowcount, 0)
        # A name group's keys are its own: none is written before its group is read, so
        # with no stored people there are none to look up (a first refresh).
        none_stored = db.execute("select 1 from people limit 1").fetchone() is None
        cursor = db.execute(_APPEARANCES)
        fields = [d[0] for d in cursor.description]
        for grp, group in itertools.groupby(cursor, key=lambda values: values[0]):
            nkey = grp[:-1]  # group_order appends "|"
            rows = [dict(zip(fields, values)) for values in group]
            found = people_mod.resolve_name(nkey, rows, memo)
            keys = [person.key for person in found]
            known, stored = ({}, {}) if none_stored else _stored_people(db, keys)
            people_mod.assign_ids(found, known, taken)
            ids = {person.id for person in found}
            went: dict[tuple[str, str], list] = {}
            for person in found:
                row = dict(people_mod.person_row(person), merged_into=None)
                if stored.get(person.id) != row:
                    upserts.append([row[c] for c in columns])
                live.append((person.id,))
                for appearance in person.appearances:
                    old = appearance["person_id"]
                    if old == person.id:
                        continue
                    changes.append((person.id, appearance["id"]))
                    if old and old not in ids:  # an id this name no longer has
                        first = _first_key(appearance)
                        counts = went.setdefault((old, person.id), [0, first])
                        counts[0] += 1
                        counts[1] = min(counts[1], first)
            moved.extend((old, new, n, first) for (old, new), (n, first) in went.items())
            if len(upserts) + len(changes) >= BATCH:
                flush()
            if len(memo) > 100_000:
                memo.clear()
        flush()

        # Stored people that are no longer live: merged into the person that got most of
        # their appearances (ties: the one that got the earliest appearance, by article id
        # and row order within the article), or still merged into a live person; else
        # deleted.
        db.execute("drop table if exists temp._people_gone")
        db.execute("""
            create temp table _people_gone as
            select p.id as id, coalesce((
                select new from temp._people_moved m where m.old = p.id
                group by new order by sum(n) desc, min(first), new limit 1
              ), p.merged_into) as target
            from people p
            where p.id not in (select id from temp._people_live)""")
        db.execute("""
            update temp._people_gone set target = null
            where target is not null and target not in (select id from temp._people_live)""")
        db.execute("""
            update people
            set appearances = 0, articles = 0,
                merged_into = (select target from temp._people_gone g where g.id = people.id)
            where id in (select id from temp._people_gone where target is not null)
              and (appearances is not 0 or articles is not 0 or merged_into is not
                   (select target from temp._people_gone g where g.id = people.id))""")
        db.execute("""
            delete from people
            where id in (select id from temp._people_gone where target is null)""")
        merged = db.execute(
            "select count(*) from temp._people_gone where target is not null").fetchone()[0]
        count = db.execute("select count(*) from temp._people_live").fetchone()[0]
        for name in ("_people_live", "_people_moved", "_people_gone"):
            db.execute(f"drop table temp.[{name}]")
    return {"people": count, "changed": changed, "merged": merged}


# The tables the refresh writes; their foreign keys are checked at its end.
WRITTEN = ("provinces", "meetings", "people", "officials", "bodies", "associations")


@contextlib.contextmanager
def _foreign_keys_checked_at_end(db: Database, tables: tuple[str, ...]) -> Iterator[None]:
    """One transaction whose foreign keys are checked once, over ``tables``, before it
    commits, instead of at every row it writes: that check of each row (the people it
    names, the officials naming a new person) was a quarter of the people refresh, in
    cache misses. A violation rolls the transaction back and raises ``IntegrityError``, as
    the row's own check would have."""
    enforced = db.execute("PRAGMA foreign_keys").fetchone()[0] and not db.conn.in_transaction
    if enforced:
        db.execute("PRAGMA foreign_keys = OFF")  # (a no-op within a transaction)
    try:
        with db.atomic():
            yield
            for table in tables:
                bad = db.execute(f'PRAGMA foreign_key_check("{table}")').fetchone()
                if bad is not None:
                    raise sqlite3.IntegrityError(
                        f"FOREIGN KEY constraint failed: {bad[0]} row {bad[1]} names no {bad[2]} row")
    finally:
        if enforced:
            db.execute("PRAGMA foreign_keys = ON")


def refresh(db: Database) -> dict[str, int]:
    """Everything above, in order: provinces, link columns, meetings → provinces, people,
    association bodies (``bodies.py``), views, in one transaction: a reader sees the links
    before or after, never half (nor an empty ``people`` or ``bodies``), also when the run
    is killed during the refresh. Then the analysts' tables. Idempotent; a re-run on an
    unchanged database changes nothing. Only articles judged relevant feed people, bodies
    and views (``articles.relevant``; NULL, a row written before relevance, counts as
    relevant)."""
    with _foreign_keys_checked_at_end(db, WRITTEN):
        ensure_provinces(db)
        _ensure_link_columns(db)
        linked = link_meetings(db)
        counts = refresh_people(db)
        body_counts = bodies.refresh(db)
        ensure_views(db)
    analyst.refresh(db)
    return dict(counts, meetings_linked=linked, bodies=body_counts["bodies"],
                bodies_linked=body_counts["linked"], bodies_unplaced=body_counts["unplaced"],
                bodies_changed=body_counts["changed"])
