"""The tables of the database: the one list of fact tables, and every table's columns,
keys, indexes and full-text indexes. ``store`` creates them, ``rows`` fills them, the
Datasette plugin and the evidence page read which tables hold facts from here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..schema import ROLE_ORDER, Article, Evidence

# Vietnamese letters often carry two marks (ộ, ế, ữ): ``remove_diacritics 2`` folds all of
# them, so a search typed without accents, or with the old tone placement (hoà/hòa,
# uỷ/ủy), still finds the words.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

EVIDENCE_COLUMNS = {
    "evidence_sentence": str,
    "evidence_start": int,
    "evidence_end": int,
}


def evidence_row(evidence: Optional[Evidence]) -> dict[str, Any]:
    if evidence is None:
        return {"evidence_sentence": None, "evidence_start": None, "evidence_end": None}
    return {"evidence_sentence": evidence.sentence, "evidence_start": evidence.start,
            "evidence_end": evidence.end}


@dataclass(frozen=True)
class FactTable:
    """One kind of fact and its table.

    :param field: the ``schema.Article`` field holding the facts (a list, or the meeting).
    :param columns: the fact's own columns (``article_id`` before and the evidence columns
      after are added for every fact table).
    :param rows: the table's rows of one article's facts, without those added columns'
      ``article_id``/evidence when ``evidence`` is False.
    :param pk: ``id`` (a row per fact) or ``article_id`` (one row per article).
    :param spans: the kinds of ``Doc.spans`` that point to this table's rows.
    """

    name: str
    field: str
    columns: dict[str, type]
    rows: Callable[[Article], list[dict[str, Any]]]
    pk: str = "id"
    indexes: tuple[tuple[str, ...], ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    spans: tuple[str, ...] = ()


# --------------------------------------------------------------------------- the facts


def _meeting_rows(article: Article) -> list[dict[str, Any]]:
    if not article.relevant:
        return []  # a page set aside is no meeting: no row, no map point (GOLD.md)
    m = article.meeting
    return [{
        "date": m.date,
        "year": int(m.date[:4]) if m.date else None,
        "month": m.date[:7] if m.date else None,
        "time_of_day": m.time_of_day,
        "province": m.province,
        "province_after_2025": m.province_after_2025,
        "level": m.level,
        "kind": m.kind,
        "province_source": m.province_source,
        "date_source": m.date_source,
        **evidence_row(m.evidence),
    }]


def _official_rows(article: Article) -> list[dict[str, Any]]:
    # Unique per (article_id, name): a name listed twice (the chain lists each person
    # once, a hand-made record may not) is merged into its first row, with the fullest
    # titles and the role that comes first in GOLD.md's order.
    merged: dict[str, dict[str, Any]] = {}
    for o in article.officials:
        row = merged.get(o.name)
        if row is None:
            merged[o.name] = {"name": o.name, "titles": list(o.titles), "role": o.role,
                              **evidence_row(o.evidence)}
            continue
        if len(o.titles) > len(row["titles"]):
            row["titles"] = list(o.titles)
        if ROLE_ORDER.get(o.role, 9) < ROLE_ORDER.get(row["role"], 9):
            row["role"] = o.role
        if row["evidence_sentence"] is None and o.evidence is not None:
            row.update(evidence_row(o.evidence))
    return [{**row, "titles": json.dumps(row["titles"], ensure_ascii=False),
             "title": ", ".join(row["titles"]) or None} for row in merged.values()]


def _count_rows(article: Article) -> list[dict[str, Any]]:
    return [{"count": c.count, "subject": c.subject, "kind": c.kind, **evidence_row(c.evidence)}
            for c in article.association_counts]


def _document_rows(article: Article) -> list[dict[str, Any]]:
    return [{"type": d.type, "number": d.number, "date": d.date, "issuer": d.issuer,
             **evidence_row(d.evidence)} for d in article.documents]


def _directive_rows(article: Article) -> list[dict[str, Any]]:
    return [{"speaker": d.speaker, "text": d.text, **evidence_row(d.evidence)}
            for d in article.directives]


def _association_rows(article: Article) -> list[dict[str, Any]]:
    return [{"name": a.name, "kind": a.kind, "level": a.level, **evidence_row(a.evidence)}
            for a in article.associations]


FACT_TABLES: tuple[FactTable, ...] = (
    FactTable("meetings", "meeting", {
        "date": str, "year": int, "month": str, "time_of_day": str, "province": str,
        "province_after_2025": str, "level": str, "kind": str, "province_source": str,
        "date_source": str,
    }, _meeting_rows, pk="article_id",
        indexes=(("province",), ("level",), ("year",), ("date",)),
        spans=("date", "province", "published", "source")),
    FactTable("officials", "officials", {"name": str, "titles": str, "title": str, "role": str},
              _official_rows, indexes=(("name",), ("role",)), unique=(("article_id", "name"),),
              spans=("official", "title")),
    FactTable("association_counts", "association_counts", {"count": int, "subject": str, "kind": str},
              _count_rows, indexes=(("article_id",), ("kind",)), spans=("count",)),
    FactTable("documents", "documents", {"type": str, "number": str, "date": str, "issuer": str},
              _document_rows, indexes=(("article_id",), ("number",), ("type",)), spans=("document",)),
    FactTable("directives", "directives", {"speaker": str, "text": str},
              _directive_rows, indexes=(("article_id",), ("speaker",)), fts=("text",),
              spans=("directive",)),
    FactTable("associations", "associations", {"name": str, "kind": str, "level": str},
              _association_rows, indexes=(("article_id",), ("kind",), ("level",)),
              spans=("association",)),
)
"""Every kind of fact, in the order an article's rows are written."""

FACTS = {t.name: t for t in FACT_TABLES}

SPAN_TABLE = {kind: t.name for t in FACT_TABLES for kind in t.spans}
"""Which fact table a kind of span belongs to (its ``fact`` indexes that table's rows of
the article, in row order)."""

# --------------------------------------------------------------------------- every table

ARTICLE_COLUMNS = {"id": str, "path": str, "url": str, "source": str, "published": str,
                   "title": str, "relevant": int, "relevance": float, "relevance_reasons": str,
                   "text": str, "extracted_at": str}
SPAN_COLUMNS = {"id": int, "article_id": str, "kind": str, "start": int, "end": int,
                "label": str, "fact": int}
ERROR_COLUMNS = {"id": int, "article_id": str, "path": str, "line": int, "message": str,
                 "occurred_at": str}


def _fact_columns(t: FactTable) -> dict[str, type]:
    key = {"article_id": str} if t.pk == "article_id" else {"id": int, "article_id": str}
    return {**key, **t.columns, **EVIDENCE_COLUMNS}


TABLES: dict[str, dict[str, Any]] = {
    "articles": {"columns": ARTICLE_COLUMNS, "pk": "id", "not_null": ["id"]},
    **{t.name: {"columns": _fact_columns(t), "pk": t.pk, "not_null": ["article_id"]}
       for t in FACT_TABLES},
    "spans": {"columns": SPAN_COLUMNS, "pk": "id", "not_null": ["article_id", "kind"]},
    # No foreign key on errors.article_id: an error is usually about an article that
    # never made it into ``articles``.
    "errors": {"columns": ERROR_COLUMNS, "pk": "id", "not_null": ["message"]},
}

CHILD_TABLES = (*(t.name for t in FACT_TABLES), "spans")
"""The tables of an article's rows besides ``articles``, in the order they are written."""

# (table, columns, unique)
INDEXES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    *((t.name, cols, False) for t in FACT_TABLES for cols in t.indexes),
    *((t.name, cols, True) for t in FACT_TABLES for cols in t.unique),
    ("spans", ("article_id",), False),
    ("spans", ("kind",), False),
    ("errors", ("article_id",), False),
    ("errors", ("path",), False),
)

FTS: dict[str, tuple[str, ...]] = {
    "articles": ("title", "text"),
    **{t.name: t.fts for t in FACT_TABLES if t.fts},
}

# Bookkeeping of incremental runs, not facts (so not in TABLES): ``articles.content_hash``
# (see ``pipeline.worker.content_hash``) and ``records``, the article's JSON record (the
# GOLD.md shape, without the text) from which the JSONL export is written.
STATE_COLUMNS = {"content_hash": str}
RECORDS_TABLE = "records"

# Links derived from all the facts after a run (``links.refresh``), not part of an
# article's rows: ``officials.person_id`` → people, ``meetings.province_id`` → provinces,
# ``associations.body_id`` → bodies.
DERIVED_COLUMNS = {"officials": ("person_id",), "meetings": ("province_id",),
                   "associations": ("body_id",)}
