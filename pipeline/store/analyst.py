"""Database objects for analysts browsing in Datasette, derived from the facts.

``refresh(db)`` is called at the end of the links refresh (after ``people`` and
``provinces`` exist) and is idempotent. It creates or replaces:

- lookup tables ``vi_<vocabulary>`` (``value``, ``label``, ``label_en``): the Vietnamese
  label of every stored code (``chair`` → ``chủ trì``), from
  ``pipeline/datasette/labels.yaml``; the stored codes stay the API;
- ``vi_meeting_kinds`` (``printed``, ``kind``): every printed meeting kind and the one
  kind it is counted as ("hội nghị giao ban" and "giao ban" → "giao ban");
- full-text indexes ``people_fts`` (name, latest title, province), ``officials_fts``
  (name, title) and ``bodies_fts`` (name, names as printed), kept up to date by triggers,
  so that "search all" finds people and association bodies;
- views ``meetings_vi`` (meetings with the normalised kind and the province after the
  merger as a row of ``provinces``), ``province_meetings`` (meetings per province of
  both eras, for the choropleth), both over the articles judged relevant only, and
  ``relevance_signals`` (one row per signal behind each article's relevance score, to
  facet the articles set aside by why).

Views use plain SQL only (no collation or function of the Datasette plugin), so the
database stays readable by any SQLite client.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml
from sqlite_utils import Database

from ..text import fold, nfc
from .tables import FTS_TOKENIZE

LABELS = Path(__file__).resolve().parents[1] / "datasette" / "labels.yaml"
FTS = {"people": ("name", "latest_title", "home_province"), "officials": ("name", "title"),
       "bodies": ("name", "names_as_printed")}


@lru_cache(maxsize=1)
def labels() -> dict:
    """``labels.yaml``: ``vocabularies`` and ``meeting_kinds``."""
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _kind_index() -> tuple[dict[str, str], tuple[str, ...]]:
    spec = labels()["meeting_kinds"]
    index = {}
    for kind, printed in spec["kinds"].items():
        for form in [kind, *printed]:
            index[fold(form)] = kind
    return index, tuple(fold(p) for p in spec["prefixes"])


def normalise_kind(printed: Optional[str]) -> Optional[str]:
    """The kind a printed meeting kind is counted as (``labels.yaml``, ``meeting_kinds``)."""
    if not printed or not printed.strip():
        return None
    index, prefixes = _kind_index()
    folded = fold(printed)
    if folded in index:
        return index[folded]
    for prefix in prefixes:
        rest = folded[len(prefix):].strip()
        if folded.startswith(prefix + " ") and rest in index:
            return index[rest]
    return nfc(printed.strip()).lower()


VIEWS = {
    "meetings_vi": """
select
  m.article_id,
  m.date,
  m.year,
  m.month,
  m.time_of_day,
  m.province,
  m.province_after_2025,
  m.level,
  coalesce(k.kind, m.kind) as kind,
  m.kind as kind_as_printed,
  m.province_id,
  case when p.era = 'post2025' then p.id else p.successor_id end as province_after_2025_id
from meetings m
join articles a on a.id = m.article_id
left join vi_meeting_kinds k on k.printed = m.kind
left join provinces p on p.id = m.province_id
where a.relevant is not 0
""",
    # Before the merger: meetings held in each of the 63 units. After: every meeting
    # counted in the unit its province became (to compare the two maps). Meetings of
    # articles judged relevant only, as everywhere analysts count.
    "province_meetings": """
with kept as (
  select m.province_id from meetings m join articles a on a.id = m.article_id
  where a.relevant is not 0 and m.province_id is not null
)
select
  p.id as province_id,
  p.era,
  p.name,
  p.region,
  p.latitude,
  p.longitude,
  (select count(*) from kept where kept.province_id = p.id) as held_here,
  case when p.era = 'pre2025'
    then (select count(*) from kept where kept.province_id = p.id)
    else (select count(*) from kept join provinces mp on mp.id = kept.province_id
          where mp.id = p.id or mp.successor_id = p.id)
  end as meetings
from provinces p
""",
    # One row per signal behind an article's relevance score (``relevance_reasons``, each
    # "signal: words (+weight)" or "N signal (+weight)"), for faceting the set-aside
    # articles by why they were set aside.
    "relevance_signals": """
with parsed as (
  select a.id as article_id, a.title, a.relevant, a.relevance, r.key as position,
         r.value as reason,
         case when instr(r.value, ' (+') > 0 then instr(r.value, ' (+')
              else instr(r.value, ' (-') end as at
  from articles a, json_each(case when json_valid(a.relevance_reasons)
                                  then a.relevance_reasons else '[]' end) r
)
select
  article_id,
  title,
  relevant,
  relevance,
  case
    when reason like '% association(s) taking part (%' then 'association(s) taking part'
    when reason like '% association name(s) (%' then 'association name(s)'
    when instr(substr(reason, 1, at), ': ') > 0 then substr(reason, 1, instr(reason, ': ') - 1)
    else substr(reason, 1, at - 1)
  end as signal,
  case when instr(substr(reason, 1, at), ': ') > 0
    then substr(reason, instr(reason, ': ') + 2, at - instr(reason, ': ') - 2) end as words,
  case when reason glob '[0-9]* *' then cast(reason as integer) end as count,
  cast(replace(substr(reason, at + 2), ')', '') as real) as weight,
  reason
from parsed
where at > 0
order by article_id, position
""",
}


def _lookup_tables(db: Database) -> None:
    for name, vocabulary in labels()["vocabularies"].items():
        table = db.table(f"vi_{name}")
        rows = [{"value": value, "label": vi, "label_en": en}
                for value, (vi, en) in vocabulary["values"].items()]
        table.create({"value": str, "label": str, "label_en": str}, pk="value",
                     if_not_exists=True)
        if list(table.rows_where(order_by="rowid")) != rows:
            table.delete_where()
            table.insert_all(rows)


def _meeting_kinds(db: Database) -> None:
    table = db.table("vi_meeting_kinds")
    table.create({"printed": str, "kind": str}, pk="printed", if_not_exists=True)
    printed = {r[0] for r in db.execute("select distinct kind from meetings where kind != ''")}
    for kind, forms in labels()["meeting_kinds"]["kinds"].items():
        printed.update(forms)
    wanted = {p: normalise_kind(p) for p in printed}
    stored = {r["printed"]: r["kind"] for r in table.rows}
    if stored != wanted:
        table.delete_where()
        table.insert_all([{"printed": p, "kind": k} for p, k in sorted(wanted.items())])


def _fts(db: Database) -> None:
    for table, columns in FTS.items():
        triggers = {t.name for t in db.table(table).triggers}
        complete = {f"{table}_ai", f"{table}_ad", f"{table}_au"} <= triggers
        if db.table(f"{table}_fts").exists() and complete:
            continue
        if db.table(f"{table}_fts").exists():
            db.table(table).disable_fts()
        db.table(table).enable_fts(list(columns), create_triggers=True, tokenize=FTS_TOKENIZE)


def refresh(db: Database) -> None:
    """Create or replace everything above (idempotent: an unchanged database stays so)."""
    with db.atomic():
        _lookup_tables(db)
        _meeting_kinds(db)
        for name, sql in VIEWS.items():
            db.execute(f"drop view if exists [{name}]")
            db.execute(f"create view [{name}] as {sql.strip()}")
    _fts(db)  # enable_fts commits on its own
