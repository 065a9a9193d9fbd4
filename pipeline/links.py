"""Tables derived from the facts, for analysts: provinces, people and their views.

Called through ``Store`` (section "derived tables for analysts" of ``pipeline/store.py``)
at the end of every extraction run, after all articles are written:

- ``provinces``: the 63 units before the 1 July 2025 merger and the 34 after it, from
  ``models/provinces.json`` (generated from the ``vietnamadminunits`` package, see
  ``models/README.md``): code, region, a representative latitude/longitude, and the
  successor after the merger (``successor_id`` links to the successor's row);
  ``meetings.province_id`` links each meeting to its row (the unit as called on the
  meeting's date);
- ``people``: one row per real person (``pipeline.people``); ``officials.person_id``
  links every officials row to it;
- views ``person_appearances`` (each person's appearances in date order: the title
  history), ``meetings_map`` (meetings with the latitude/longitude of their province,
  for the map) and ``meetings_per_month`` (for the chart).

The derived columns (``officials.person_id``, ``meetings.province_id``) are not part of an
article's rows (``store.DERIVED_COLUMNS``): writing an article leaves them empty until the
next refresh.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Optional

from sqlite_utils import Database

from . import gazetteer, people as people_mod

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
where pr.latitude is not null
order by m.date, m.article_id
""",
    "meetings_per_month": """
select month, count(*) as meetings
from meetings
where month is not null
group by month
order by month
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
    """The ``provinces`` row of a meeting's province on its date: the pre-2025 unit
    before 1 July 2025 (Huế in the first half of 2025 is Thừa Thiên Huế), the
    post-2025 one from then on (or when the date is unknown and only that one exists)."""
    if not province:
        return None
    canonical = gazetteer.canonical(province)
    if canonical is None:
        return None
    post = bool(date) and str(date)[:10] >= gazetteer.MERGER_DATE.isoformat()
    if post:
        info = gazetteer.province_info(gazetteer.successor(canonical) or canonical, "post2025")
    else:
        info = gazetteer.province_info(canonical, "pre2025")
        if info is None:
            later = gazetteer.province_info(canonical, "post2025") or {}
            preds = later.get("predecessors") or []
            info = (
                gazetteer.province_info(preds[0], "pre2025")
                if len(preds) == 1 and date
                else later or None
            )
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
    """Set ``meetings.province_id``; returns how many rows changed."""
    changes = []
    for article_id, province, date, current in db.execute(
        "select article_id, province, date, province_id from meetings"
    ):
        wanted = province_id_of(province, date)
        if wanted != current:
            changes.append((wanted, article_id))
    if changes:
        db.conn.executemany("update meetings set province_id = ? where article_id = ?", changes)
    return len(changes)


# --------------------------------------------------------------------------- people


def refresh_people(db: Database) -> dict[str, int]:
    """Recompute ``people`` and ``officials.person_id`` from all officials rows.

    Ids are stable: a key already in ``people`` keeps its id, a new key gets the id
    ``people.person_id`` derives from it. An id whose appearances all went to another
    person (e.g. a post-merger person joined to the one person of an old province once
    that one appears) is kept with ``merged_into`` naming the person it became, so links
    to it still lead somewhere. People without appearances and not merged are deleted.

    :returns: counts ``people``, ``changed`` (officials rows whose person_id changed),
      ``merged``.
    """
    appearances = [
        {
            "id": row[0], "article_id": row[1], "name": row[2], "titles": row[3],
            "person_id": row[4], "date": row[5], "province": row[6], "level": row[7],
        }
        for row in db.execute(
            "select o.id, o.article_id, o.name, o.titles, o.person_id, m.date, m.province, "
            "m.level from officials o left join meetings m on m.article_id = o.article_id"
        )
    ]
    existing = {
        pid: key
        for pid, key in db.execute("select id, person_key from people where person_key is not null")
    }
    resolved = people_mod.resolve(appearances, existing)
    new_of: dict[int, str] = {}
    rows = []
    for person in resolved:
        rows.append(dict(people_mod.person_row(person), merged_into=None))
        for appearance in person.appearances:
            new_of[appearance["id"]] = person.id
    live = {row["id"] for row in rows}

    # where did the appearances of ids that are no longer live go?
    went: dict[str, Counter] = {}
    for appearance in appearances:
        old = appearance["person_id"]
        if old and old not in live:
            went.setdefault(old, Counter())[new_of[appearance["id"]]] += 1
    stored = {row["id"]: row for row in db.table("people").rows}
    merged_rows = []
    for pid, row in stored.items():
        if pid in live:
            continue
        target = went[pid].most_common(1)[0][0] if pid in went else row.get("merged_into")
        if target in live:
            merged_rows.append(dict(row, appearances=0, articles=0, merged_into=target))

    changes = [(new_of[a["id"]], a["id"]) for a in appearances if a["person_id"] != new_of[a["id"]]]
    with db.atomic():
        table = db.table("people")
        upserts = [r for r in rows + merged_rows if stored.get(r["id"]) != r]
        if upserts:
            table.upsert_all(upserts, pk="id", alter=False)
        if changes:
            db.conn.executemany("update officials set person_id = ? where id = ?", changes)
        keep = live | {r["id"] for r in merged_rows}
        gone = [pid for pid in stored if pid not in keep]
        if gone:
            db.conn.executemany("delete from people where id = ?", [(pid,) for pid in gone])
    return {"people": len(rows), "changed": len(changes), "merged": len(merged_rows)}


def refresh(db: Database) -> dict[str, int]:
    """Everything above, in order: provinces, link columns, meetings → provinces, people,
    views. Idempotent; a re-run on an unchanged database changes nothing."""
    ensure_provinces(db)
    with db.atomic():
        _ensure_link_columns(db)
    with db.atomic():
        linked = link_meetings(db)
    counts = refresh_people(db)
    with db.atomic():
        ensure_views(db)
    return dict(counts, meetings_linked=linked)
