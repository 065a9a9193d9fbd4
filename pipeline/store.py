"""SQLite storage of extracted articles: the only module that writes SQL.

One table per list of ``schema.Article`` (see ``../shared/GOLD.md``), each joined to
``articles`` on the article id; ``errors`` keeps what could not be read or written.

Writing is idempotent: ``Store.write`` replaces everything an article produced, in one
transaction, and leaves the database untouched when the article's facts have not changed,
so that re-extracting the same corpus gives the same database, row ids included.

Usage::

    with Store("outputs/meetings.db") as store:
        for article in articles:
            store.write(article)
        store.write_error("corpus/bad.html", "not UTF-8", line=None)
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from sqlite_utils import Database

from .schema import Article, Evidence

# Vietnamese letters often carry two marks (ộ, ế, ữ): ``remove_diacritics 2`` folds all of
# them, so a search typed without accents, or with the old tone placement (hoà/hòa,
# uỷ/ủy), still finds the words.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

# Child tables of ``articles``, in the order they are written.
CHILD_TABLES = ("meetings", "officials", "association_counts", "documents", "directives")

EVIDENCE_COLUMNS = {
    "evidence_sentence": str,
    "evidence_start": int,
    "evidence_end": int,
}

TABLES: dict[str, dict[str, Any]] = {
    "articles": {
        "columns": {
            "id": str,
            "path": str,
            "url": str,
            "source": str,
            "published": str,
            "title": str,
            "text": str,
            "extracted_at": str,
        },
        "pk": "id",
        "not_null": ["id"],
    },
    "meetings": {
        "columns": {
            "article_id": str,
            "date": str,
            "year": int,
            "month": str,
            "time_of_day": str,
            "province": str,
            "province_after_2025": str,
            "level": str,
            "kind": str,
            "province_source": str,
            "date_source": str,
            **EVIDENCE_COLUMNS,
        },
        "pk": "article_id",
        "not_null": ["article_id"],
    },
    "officials": {
        "columns": {
            "id": int,
            "article_id": str,
            "name": str,
            "titles": str,
            "title": str,
            "role": str,
            **EVIDENCE_COLUMNS,
        },
        "pk": "id",
        "not_null": ["article_id", "name"],
    },
    "association_counts": {
        "columns": {
            "id": int,
            "article_id": str,
            "count": int,
            "subject": str,
            "kind": str,
            **EVIDENCE_COLUMNS,
        },
        "pk": "id",
        "not_null": ["article_id"],
    },
    "documents": {
        "columns": {
            "id": int,
            "article_id": str,
            "type": str,
            "number": str,
            "date": str,
            "issuer": str,
            **EVIDENCE_COLUMNS,
        },
        "pk": "id",
        "not_null": ["article_id"],
    },
    "directives": {
        "columns": {
            "id": int,
            "article_id": str,
            "speaker": str,
            "text": str,
            **EVIDENCE_COLUMNS,
        },
        "pk": "id",
        "not_null": ["article_id"],
    },
    # No foreign key on errors.article_id: an error is usually about an article that
    # never made it into ``articles``.
    "errors": {
        "columns": {
            "id": int,
            "article_id": str,
            "path": str,
            "line": int,
            "message": str,
            "occurred_at": str,
        },
        "pk": "id",
        "not_null": ["message"],
    },
}

# (table, columns, unique)
INDEXES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("meetings", ("province",), False),
    ("meetings", ("level",), False),
    ("meetings", ("year",), False),
    ("meetings", ("date",), False),
    ("officials", ("article_id", "name"), True),
    ("officials", ("name",), False),
    ("officials", ("role",), False),
    ("association_counts", ("article_id",), False),
    ("association_counts", ("kind",), False),
    ("documents", ("article_id",), False),
    ("documents", ("number",), False),
    ("documents", ("type",), False),
    ("directives", ("article_id",), False),
    ("directives", ("speaker",), False),
    ("errors", ("article_id",), False),
    ("errors", ("path",), False),
)

FTS: dict[str, tuple[str, ...]] = {
    "articles": ("title", "text"),
    "directives": ("text",),
}

# When one name is listed twice in an article, the stronger role wins.
ROLE_RANK = {"chair": 0, "speaker": 1, "attendee": 2, "mentioned": 3}


def _now() -> str:
    """UTC now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.fromtimestamp(int(epoch), timezone.utc)
        if epoch and epoch.isdigit()
        else datetime.now(timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _evidence(evidence: Optional[Evidence]) -> dict[str, Any]:
    if evidence is None:
        return {"evidence_sentence": None, "evidence_start": None, "evidence_end": None}
    return {
        "evidence_sentence": evidence.sentence,
        "evidence_start": evidence.start,
        "evidence_end": evidence.end,
    }


def article_rows(article: Article) -> dict[str, list[dict[str, Any]]]:
    """The rows one article becomes, per table, without row ids or ``extracted_at``.

    The order of each list is the order of the article's facts, which is the order the
    rows get their ids in.
    """
    meeting = article.meeting
    date = meeting.date
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [
            {
                "id": article.id,
                "path": article.path,
                "url": article.url,
                "source": article.source,
                "published": article.published,
                "title": article.title,
                "text": article.text,
            }
        ],
        "meetings": [
            {
                "article_id": article.id,
                "date": date,
                "year": int(date[:4]) if date else None,
                "month": date[:7] if date else None,
                "time_of_day": meeting.time_of_day,
                "province": meeting.province,
                "province_after_2025": meeting.province_after_2025,
                "level": meeting.level,
                "kind": meeting.kind,
                "province_source": meeting.province_source,
                "date_source": meeting.date_source,
                **_evidence(meeting.evidence),
            }
        ],
    }

    # officials: unique per (article_id, name); a repeated name is merged into its first
    # row, keeping the fullest list of titles and the strongest role.
    officials: dict[str, dict[str, Any]] = {}
    for official in article.officials:
        titles = list(official.titles)
        row = officials.get(official.name)
        if row is None:
            officials[official.name] = {
                "article_id": article.id,
                "name": official.name,
                "titles": titles,
                "role": official.role,
                **_evidence(official.evidence),
            }
            continue
        if len(titles) > len(row["titles"]):
            row["titles"] = titles
        if ROLE_RANK.get(official.role, 9) < ROLE_RANK.get(row["role"], 9):
            row["role"] = official.role
        if row["evidence_sentence"] is None and official.evidence is not None:
            row.update(_evidence(official.evidence))
    rows["officials"] = [
        {
            "article_id": row["article_id"],
            "name": row["name"],
            "titles": json.dumps(row["titles"], ensure_ascii=False),
            "title": ", ".join(row["titles"]) or None,
            "role": row["role"],
            "evidence_sentence": row["evidence_sentence"],
            "evidence_start": row["evidence_start"],
            "evidence_end": row["evidence_end"],
        }
        for row in officials.values()
    ]
    rows["association_counts"] = [
        {
            "article_id": article.id,
            "count": count.count,
            "subject": count.subject,
            "kind": count.kind,
            **_evidence(count.evidence),
        }
        for count in article.association_counts
    ]
    rows["documents"] = [
        {
            "article_id": article.id,
            "type": document.type,
            "number": document.number,
            "date": document.date,
            "issuer": document.issuer,
            **_evidence(document.evidence),
        }
        for document in article.documents
    ]
    rows["directives"] = [
        {
            "article_id": article.id,
            "speaker": directive.speaker,
            "text": directive.text,
            **_evidence(directive.evidence),
        }
        for directive in article.directives
    ]
    return rows


class Store:
    """The SQLite database of extracted articles.

    :param path: the database file; its parent directory is created if missing.

    The schema is created (idempotently) on opening; ``ensure_schema`` may be called again.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.ensure_schema()

    # -- schema -------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the tables, indexes, full-text indexes and their triggers if missing."""
        with self.db.atomic():
            for name, spec in TABLES.items():
                foreign_keys = (
                    [("article_id", "articles", "id")] if name in CHILD_TABLES else None
                )
                self.db.table(name).create(
                    spec["columns"],
                    pk=spec["pk"],
                    not_null=spec["not_null"],
                    foreign_keys=foreign_keys,
                    if_not_exists=True,
                )
            for table, columns, unique in INDEXES:
                self.db.table(table).create_index(
                    list(columns),
                    index_name="idx_{}_{}".format(table, "_".join(columns)),
                    unique=unique,
                    if_not_exists=True,
                )
        for table, columns in FTS.items():
            if not self.db.table(f"{table}_fts").exists():
                self.db.table(table).enable_fts(
                    list(columns), create_triggers=True, tokenize=FTS_TOKENIZE
                )

    # -- writing ------------------------------------------------------------------------

    def write(self, article: Article, extracted_at: Optional[str] = None) -> bool:
        """Store one article: upsert its row and replace all its child rows.

        Runs in one transaction: on any error nothing of this article is changed and the
        exception propagates (earlier articles stay written). Earlier ``errors`` rows for
        this article id or path are cleared.

        When the article's rows are identical to those stored, nothing but the errors is
        touched (row ids and ``extracted_at`` stay), so a re-run gives the same database.

        :param extracted_at: timestamp to record; defaults to now (UTC, or
          ``SOURCE_DATE_EPOCH``).
        :returns: True when rows were written, False when they were already up to date.
        """
        rows = article_rows(article)
        with self.db.atomic():
            self._clear_errors(article.id, article.path)
            if self._stored_rows(article.id) == rows:
                return False
            article_row = dict(rows["articles"][0], extracted_at=extracted_at or _now())
            self.db.table("articles").upsert(article_row, pk="id")
            # children first-deleted in reverse order, then inserted in order
            for table in reversed(CHILD_TABLES):
                self.db.table(table).delete_where("article_id = ?", [article.id])
            for table in CHILD_TABLES:
                if rows[table]:
                    self.db.table(table).insert_all(rows[table])
        return True

    def write_error(
        self,
        path: Optional[str],
        message: str,
        line: Optional[int] = None,
        article_id: Optional[str] = None,
    ) -> None:
        """Record an error; the same (path, line, message) is recorded once."""
        path = None if path is None else str(path)
        with self.db.atomic():
            existing = self.db.execute(
                "select 1 from errors where path is ? and line is ? and message = ?",
                [path, line, message],
            ).fetchone()
            if existing:
                return
            self.db.table("errors").insert(
                {
                    "article_id": article_id,
                    "path": path,
                    "line": line,
                    "message": message,
                    "occurred_at": _now(),
                }
            )

    def delete_article(self, article_id: str) -> None:
        """Remove an article and all its rows (e.g. a file gone from the corpus)."""
        with self.db.atomic():
            for table in reversed(CHILD_TABLES):
                self.db.table(table).delete_where("article_id = ?", [article_id])
            self.db.table("articles").delete_where("id = ?", [article_id])

    # -- reading ------------------------------------------------------------------------

    def article_ids(self) -> list[str]:
        """Ids of the stored articles, sorted."""
        return [row[0] for row in self.db.execute("select id from articles order by id")]

    def _stored_rows(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """The stored rows of one article in ``article_rows``' shape."""
        stored: dict[str, list[dict[str, Any]]] = {}
        article = list(self.db.table("articles").rows_where("id = ?", [article_id]))
        for row in article:
            row.pop("extracted_at", None)
        stored["articles"] = article
        for table in CHILD_TABLES:
            order = "article_id" if table == "meetings" else "id"
            found = list(
                self.db.table(table).rows_where(
                    "article_id = ?", [article_id], order_by=order
                )
            )
            if table != "meetings":
                for row in found:
                    row.pop("id", None)
            stored[table] = found
        return stored

    def _clear_errors(self, article_id: str, path: Optional[str]) -> None:
        self.db.table("errors").delete_where(
            "article_id = ? or (? is not null and path = ?)", [article_id, path, path]
        )

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

