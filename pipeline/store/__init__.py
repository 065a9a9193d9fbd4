"""SQLite storage of extracted articles: the only package that writes SQL.

``tables`` defines every table (one per kind of fact, see ``../shared/GOLD.md``, each joined
to ``articles`` on the article id; ``spans``, the evidence layer; ``errors``, what could not be
read or written), ``rows`` turns an article into its rows, this module writes them and keeps
the bookkeeping of incremental runs, and ``links`` derives the analysts' tables (provinces,
people, views) from all the facts.

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

import contextlib
import hashlib
import os
import sqlite3
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional

from sqlite_utils import Database

from ..schema import Article
from .rows import article_record, article_rows
from .sql import in_chunks
from .tables import (
    CHILD_TABLES, DERIVED_COLUMNS, FACT_TABLES, FTS, FTS_TOKENIZE, INDEXES, RECORDS_TABLE,
    STATE_COLUMNS, TABLES,
)

__all__ = ["Store", "article_record", "article_rows", "CHILD_TABLES", "FACT_TABLES", "FTS_TOKENIZE",
           "TABLES"]


_PACKAGE = Path(__file__).resolve().parents[1]
LINK_FILES = ("store/links.py", "store/analyst.py", "store/tables.py", "people.py", "text.py",
              "gazetteer/*.py", "rules/*.py", "rules/*.json", "datasette/labels.yaml")
"""What the derived tables (``links``) are made with, besides the facts."""


@lru_cache(maxsize=1)
def links_fingerprint() -> int:
    """A digest of ``LINK_FILES`` as a positive 31-bit integer, kept in the database header
    once the links are refreshed (``Store.links_fresh``): a new version of that code or data
    refreshes them again. Here, not in ``links``, so that checking imports nothing more."""
    digest = hashlib.sha256()
    for pattern in LINK_FILES:
        for file in sorted(_PACKAGE.glob(pattern)):
            digest.update(file.relative_to(_PACKAGE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return int(digest.hexdigest()[:8], 16) & 0x7FFFFFFF or 1


def _file_mark(path: str | os.PathLike[str]) -> Optional[int]:
    """A file's place and version (path, device, inode, size, modification time) as a
    positive 31-bit integer; None if there is no such file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    key = f"{Path(path).resolve()}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}"
    return int(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8], 16) & 0x7FFFFFFF or 1


def _now() -> str:
    """UTC now, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.fromtimestamp(int(epoch), timezone.utc)
        if epoch and epoch.isdigit()
        else datetime.now(timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


INDEXED_BY_STORE = "articles"
"""The table whose full-text index the store feeds itself (sqlite-utils' triggers keep the
others, and this one's updates and deletes): fed row by row from an insert trigger, the
articles' long texts cost twice what one statement per batch costs (with a savepoint per
article, as the store then had, FTS5 wrote its pending index out at each). New articles
enter the index at the end of ``Store.batch``, or at once when written outside one."""


class BatchLost(sqlite3.OperationalError):
    """A write in ``Store.batch`` failed and the batch's transaction was rolled back."""


class _Database(Database):
    """sqlite-utils' ``Database`` whose transactions begin ``IMMEDIATE``: the write lock is
    taken at ``BEGIN``, so that another writer makes this one wait (``busy_timeout``) before
    its transaction starts. A deferred transaction that reads first and then must upgrade
    its lock fails with "database is locked" at once, whatever the timeout."""

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction:  # nested: sqlite-utils' savepoint
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


class Store:
    """The SQLite database of extracted articles.

    :param path: the database file; its parent directory is created if missing.

    The schema is created (idempotently) on opening; ``ensure_schema`` may be called again.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = _Database(self.path)
        self.db.execute("PRAGMA foreign_keys = ON")
        # WAL: readers (Datasette) go on reading while a run writes, and a killed run
        # leaves only uncommitted frames, which the next opening discards. NORMAL sync is
        # crash-safe in WAL mode (only a power cut can lose the last commits).
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        # A checkpoint every 40 MB of WAL, not SQLite's 4 MB: each one syncs the file and
        # rewrites the pages changed since the last (54 of them in a run of 10,000 pages,
        # 0.2 s). The WAL is emptied at the end anyway, when the last connection closes.
        self.db.execute("PRAGMA wal_autocheckpoint = 10000")
        self._unindexed: Optional[set[str]] = None  # in a batch: the new articles' ids
        self._lost: Optional[BaseException] = None  # in a batch: the write that rolled it back
        self.ensure_schema()
        self._ensure_state_schema()

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
            # enable_fts is several commits: a run killed half-way through it leaves the
            # index without its triggers, which is repaired (rebuilt) here.
            triggers = {t.name for t in self.db.table(table).triggers}
            needed = {f"{table}_ad", f"{table}_au"} | ({f"{table}_ai"} if table != INDEXED_BY_STORE else set())
            if not self.db.table(f"{table}_fts").exists() or not needed <= triggers:
                if self.db.table(f"{table}_fts").exists():
                    self.db.table(table).disable_fts()
                self.db.table(table).enable_fts(
                    list(columns), create_triggers=True, tokenize=FTS_TOKENIZE
                )
            if table == INDEXED_BY_STORE:  # (also a database written before the store fed it)
                self.db.execute(f"drop trigger if exists [{table}_ai]")

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
        return self.write_rows(
            article_rows(article), article_record(article), extracted_at=extracted_at
        )

    @contextlib.contextmanager
    def batch(self) -> Iterator["Store"]:
        """One transaction for the ``write_rows`` of several articles; the new ones enter
        the full-text index at its end, in one statement (``INDEXED_BY_STORE``).

        An article's rows are written straight into the batch's transaction, not in a
        savepoint of their own (its cost, and FTS5 writing its pending index out at each,
        were a quarter of the writing): a ``write_rows`` that fails rolls the whole batch
        back and raises, and so does any later write in it and its end (``BatchLost``).
        The caller then writes those articles again one at a time, as a run does."""
        if self._unindexed is not None:  # within a batch: that one indexes
            yield self
            return
        with self.db.atomic():
            self._unindexed, self._lost = set(), None
            try:
                yield self
                self._raise_if_lost()
                self._index(self._unindexed)
            finally:
                self._unindexed = self._lost = None

    @contextlib.contextmanager
    def _one_article(self) -> Iterator[None]:
        """Where one article's writes run: in a batch, its transaction (a failure loses the
        batch, ``batch``); else a transaction of their own."""
        if self._unindexed is None:
            with self.db.atomic():
                yield
            return
        self._raise_if_lost()
        try:
            yield
        except BaseException as exc:
            self._lost = exc
            self.db.rollback()
            raise

    def _raise_if_lost(self) -> None:
        if self._lost is not None:
            raise BatchLost(f"the batch was rolled back: {self._lost}") from self._lost

    def _index(self, article_ids) -> None:
        """Put these articles (those that are stored) into the full-text index."""
        columns = ", ".join(f"[{c}]" for c in FTS[INDEXED_BY_STORE])
        for chunk, marks in in_chunks(sorted(article_ids)):
            self.db.conn.execute(
                f"insert into [{INDEXED_BY_STORE}_fts] (rowid, {columns}) select rowid, {columns} "
                f"from [{INDEXED_BY_STORE}] where id in ({marks})", chunk)

    def _index_pending(self) -> None:
        """Index the batch's new articles now: before a trigger deletes one from the index."""
        if self._unindexed:
            self._index(self._unindexed)
            self._unindexed.clear()

    def write_rows(
        self,
        rows: dict[str, list[dict[str, Any]]],
        record: str,
        *,
        content_hash: Optional[str] = None,
        extracted_at: Optional[str] = None,
        line: Optional[int] = None,
        clear_errors: bool = True,
        new: bool = False,
    ) -> bool:
        """``write`` for an article already turned into rows (``article_rows``) and its
        JSON record (``article_record``), e.g. by a worker process.

        :param content_hash: the input's hash (``pipeline.worker.content_hash``), kept so
          that a later run can skip the unchanged input.
        :param line: the JSONL line the article came from: only that line's errors (and
          the article id's) are cleared, not those of the other lines of the file.
        :param clear_errors: False when the caller clears errors itself (a run clears a
          file's errors when it reads the file again: ``meet_file``).
        :param new: the caller saw the article absent (``stored_hash`` is None): unless it
          has been written since, there is nothing to compare or delete.
        """
        article_id, path = rows["articles"][0]["id"], rows["articles"][0]["path"]
        with self._one_article():
            if clear_errors:
                self._clear_errors(article_id, path, line)
            if new:
                new = self.db.execute(
                    "select 1 from articles where id = ?", [article_id]
                ).fetchone() is None
            if not new and self._stored_rows(article_id) == rows and self._stored_record(article_id) == record:
                self.db.execute(
                    "update articles set content_hash = ? where id = ? and content_hash is not ?",
                    [content_hash, article_id, content_hash],
                )
                return False
            self._facts_changed()
            article_row = dict(
                rows["articles"][0], extracted_at=extracted_at or _now(), content_hash=content_hash
            )
            inserted = new or self.db.execute(
                "select 1 from articles where id = ?", [article_id]).fetchone() is None
            if not inserted and self._unindexed and article_id in self._unindexed:
                self._index_pending()  # written again in its batch: the update trigger needs it indexed
            self._upsert_article(article_row)
            if inserted:  # (an update: its trigger re-indexes it)
                if self._unindexed is not None:
                    self._unindexed.add(article_id)
                else:
                    self._index([article_id])
            # children first-deleted in reverse order, then inserted in order
            for table in (RECORDS_TABLE, *reversed(CHILD_TABLES)) if not new else ():
                self.db.execute(f"delete from [{table}] where article_id = ?", [article_id])
            for table in CHILD_TABLES:
                self._insert(table, rows[table])
            self._insert(RECORDS_TABLE, [{"article_id": article_id, "record": record}])
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
            self._index_pending()  # the delete trigger takes it out of the index
            self._facts_changed()
            for table in (RECORDS_TABLE, *reversed(CHILD_TABLES)):
                self.db.table(table).delete_where("article_id = ?", [article_id])
            self.db.table("articles").delete_where("id = ?", [article_id])

    # -- reading ------------------------------------------------------------------------

    def _stored_rows(self, article_id: str) -> dict[str, list[dict[str, Any]]]:
        """The stored rows of one article in ``article_rows``' shape."""
        stored: dict[str, list[dict[str, Any]]] = {}
        article = list(self.db.table("articles").rows_where("id = ?", [article_id]))
        for row in article:
            row.pop("extracted_at", None)
            for column in STATE_COLUMNS:
                row.pop(column, None)
        stored["articles"] = article
        for table in CHILD_TABLES:
            order = "id" if TABLES[table]["pk"] == "id" else "article_id"
            found = list(
                self.db.table(table).rows_where(
                    "article_id = ?", [article_id], order_by=order
                )
            )
            for row in found:
                if order == "id":
                    row.pop("id", None)
                for column in DERIVED_COLUMNS.get(table, ()):
                    row.pop(column, None)
            stored[table] = found
        return stored

    def _clear_errors(self, article_id: str, path: Optional[str], line: Optional[int] = None) -> None:
        self.db.execute(
            "delete from errors where article_id = ? or (? is not null and path = ? and line is ?)",
            [article_id, path, path, line],
        )

    # -- incremental runs ---------------------------------------------------------------
    # A run marks every input it meets (``begin_run``, ``meet``, ``meet_file``), skips the inputs
    # whose ``content_hash`` is stored, and may then ``prune`` what it did not meet.

    def _ensure_state_schema(self) -> None:
        with self.db.atomic():
            articles = self.db.table("articles")
            existing = articles.columns_dict
            for name, type_ in STATE_COLUMNS.items():
                if name not in existing:
                    articles.add_column(name, type_)
            self.db.table(RECORDS_TABLE).create(
                {"article_id": str, "record": str},
                pk="article_id",
                not_null=["article_id"],
                foreign_keys=[("article_id", "articles", "id")],
                if_not_exists=True,
            )

    def stored_hash(self, article_id: str) -> Optional[str]:
        """The ``content_hash`` stored for an article: None when the article is not stored,
        "" when it was stored without one."""
        row = self.db.execute(
            "select coalesce(content_hash, '') from articles where id = ?", [article_id]
        ).fetchone()
        return row[0] if row else None

    def stored_hashes(self, article_ids: list[str]) -> dict[str, str]:
        """``stored_hash`` of many articles in one query each ``sql.IN_CHUNK``: the stored ones only."""
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(article_ids):
            found.update(self.db.execute(
                f"select id, coalesce(content_hash, '') from articles where id in ({marks})", chunk).fetchall())
        return found

    def begin_run(self) -> None:
        """Start remembering the inputs met (in temporary tables: memory stays flat)."""
        self.db.execute("create temp table if not exists seen_ids "
                        "(id text primary key, path text, line integer)")
        self.db.execute("create temp table if not exists seen_paths (path text primary key)")
        self.db.execute("delete from temp.seen_ids")
        self.db.execute("delete from temp.seen_paths")

    def meet(self, article_id: str, path: Optional[str], line: Optional[int]) -> Optional[tuple[str, Optional[int]]]:
        """Remember an article id met in this run (``prune`` keeps it); if it was met
        before, return where (path, line)."""
        return self.meet_many([(article_id, path, line)])[0]

    def meet_many(self, met: list[tuple[str, Optional[str], Optional[int]]]) -> list[Optional[tuple[str, Optional[int]]]]:
        """``meet`` for many (id, path, line) in order, in one transaction (not one each):
        for each, where its id was met first in this run, or None."""
        if not met:
            return []
        with self.db.atomic():
            first: dict[str, tuple[str, Optional[int]]] = {}
            for chunk, marks in in_chunks(sorted({article_id for article_id, _, _ in met})):
                first.update((r[0], (r[1], r[2])) for r in self.db.conn.execute(
                    f"select id, path, line from temp.seen_ids where id in ({marks})", chunk))
            found = []
            for article_id, path, line in met:
                found.append(first.get(article_id))
                first.setdefault(article_id, (path, line))
            self.db.conn.executemany("insert or ignore into temp.seen_ids values (?, ?, ?)", met)
        return found

    def meet_file(self, path: str) -> None:
        """A file read in this run: remembered (``prune`` keeps its errors) and its old
        errors forgotten (they are recorded again if it still fails)."""
        with self.db.atomic():
            self.db.execute("insert or ignore into temp.seen_paths values (?)", [path])
            self.db.execute("delete from errors where path = ?", [path])

    def prune(self) -> int:
        """Delete the articles (with all their rows) and the errors of the inputs not met
        since ``begin_run``; returns how many articles went."""
        gone = "select id from articles where id not in (select id from temp.seen_ids)"
        with self.db.atomic():
            self._index_pending()  # the delete trigger takes them out of the index
            count = self.db.execute(f"select count(*) from ({gone})").fetchone()[0]
            if count:
                self._facts_changed()
            for table in (RECORDS_TABLE, *reversed(CHILD_TABLES)):
                self.db.execute(f"delete from [{table}] where article_id in ({gone})")
            self.db.execute(f"delete from articles where id in ({gone})")
            self.db.execute(
                "delete from errors where path is null "
                "or path not in (select path from temp.seen_paths)"
            )
        return count

    def records(self) -> Iterator[str]:
        """Every stored article's JSON record, by article id (streamed)."""
        cursor = self.db.execute(
            f"select r.record from [{RECORDS_TABLE}] r join articles a on a.id = r.article_id "
            "order by a.id"
        )
        for (record,) in cursor:
            yield record

    def _stored_record(self, article_id: str) -> Optional[str]:
        row = self.db.execute(
            f"select record from [{RECORDS_TABLE}] where article_id = ?", [article_id]
        ).fetchone()
        return row[0] if row else None

    def _upsert_article(self, row: dict[str, Any]) -> None:
        columns = list(row)
        updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != "id")
        self.db.execute(
            "insert into articles ({}) values ({}) on conflict(id) do update set {}".format(
                ", ".join(f"[{c}]" for c in columns), ", ".join("?" * len(columns)), updates
            ),
            [row[c] for c in columns],
        )

    def _insert(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        self.db.conn.executemany(
            "insert into [{}] ({}) values ({})".format(
                table, ", ".join(f"[{c}]" for c in columns), ", ".join("?" * len(columns))
            ),
            [[row[c] for c in columns] for row in rows],
        )

    # -- derived tables for analysts (links.py) -------------------------------------------
    # ``provinces``, ``people``, ``bodies``, ``officials.person_id``, ``meetings.province_id``,
    # ``associations.body_id`` and the views ``person_appearances``, ``meetings_map``,
    # ``meetings_per_month``, ``body_meetings``; recomputed from all the facts by
    # ``refresh_links()`` at the end of every extraction run.

    # Whether they are up to date is kept in SQLite's ``user_version`` (the database header,
    # written in the transaction of the change): the links' fingerprint once refreshed, 0 as
    # soon as a fact is written or deleted. A table would be one more for Datasette to show;
    # the header is read without touching any table.

    def refresh_links(self) -> dict[str, int]:
        """Provinces, meetings → provinces, people, officials → people, association bodies,
        associations → bodies and the views, all at once: the one call to make after a
        run's last write (idempotent)."""
        from . import links

        counts = links.refresh(self.db)
        with self.db.atomic():  # only once all of it is done: a run killed before refreshes again
            self.db.execute(f"PRAGMA user_version = {links_fingerprint()}")
        return counts

    def links_fresh(self) -> bool:
        """Whether the derived tables follow the stored facts: no fact was written or
        deleted since the last ``refresh_links``, made with the same code and data."""
        return self.db.execute("PRAGMA user_version").fetchone()[0] == links_fingerprint()

    def _facts_changed(self) -> None:
        """Within the transaction that changes facts: the links no longer follow them, nor
        does the last JSONL export."""
        for pragma in ("user_version", "application_id"):
            if self.db.execute(f"PRAGMA {pragma}").fetchone()[0] != 0:
                self.db.execute(f"PRAGMA {pragma} = 0")

    # -- the JSONL export -----------------------------------------------------------------
    # SQLite's ``application_id`` (the header again) holds a digest of the last export's
    # file as written (``_file_mark``), 0 as soon as a fact changes: a run that changed
    # nothing, whose export is still that very file, need not write it again.

    def export_current(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` is the export of the stored articles, untouched since written."""
        mark = _file_mark(path)
        return mark is not None and self.db.execute("PRAGMA application_id").fetchone()[0] == mark

    def exported(self, path: str | os.PathLike[str]) -> None:
        """Remember ``path`` as the export of the stored articles (just written)."""
        with self.db.atomic():
            self.db.execute(f"PRAGMA application_id = {_file_mark(path) or 0}")

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

