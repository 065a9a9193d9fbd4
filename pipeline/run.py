"""Extract a corpus, incrementally: ingest → (skip unchanged) → clean + extract → store.

This process reads the inputs (``ingest.iter_articles`` is a generator) and is the one
writer; cleaning and extraction run in an engine (``engines``: this process, ``-j N``
local workers, or a dask cluster). At every step only a bounded number of
articles is held: ``engine.max_pending`` batches in flight and one write batch, so memory
does not grow with the corpus.

Incremental and idempotent:

- an input whose ``worker.content_hash`` is already stored is skipped before extraction, and
  the engine is started only when an input to extract is met: a run with nothing to
  extract loads no model and starts no worker;
- a changed article's rows are replaced in one transaction (``Store.write_rows``); results
  are written ``WRITE_BATCH`` articles per transaction (``Store.batch``), so an article is
  stored whole or not at all, also when the run is killed;
- results are written as their batches come back, not in input order, so that a slow
  article holds back no other's: the database is the same as in input order (up to row
  ids), since nothing stored depends on the order articles were written in (an id is read
  once per run, a file's old errors are forgotten when the file is read);
- a file's earlier errors are cleared when the file is read again, and recorded again
  if it still fails;
- an id met twice in one run (two files, two JSONL lines) is refused the second time, with
  an error naming both;
- with ``prune``, articles (and errors) of inputs not met in this run are deleted: use it
  only when the inputs are the whole corpus;
- the links (people, provinces, the analysts' views) are refreshed when the facts changed
  since their last refresh (``Store.links_fresh``), so also after a run stopped before it;
- the JSONL export is rewritten from the database at the end (all stored articles), unless
  nothing changed since the last export and the file is still that export
  (``Store.export_current``).

One bad article never costs the others: its error is printed as one line naming the
file, recorded in the `errors` table, and the run goes on; so does one over the time
budget (``worker.TIME_BUDGET``). What stops a run is what would fail every article alike
(``RunError``, one line): an output folder that cannot be written (checked before
anything is read), another run holding the database (``store.lock``), a full disk or any
other failure of the database itself; what is stored stays intact.
"""
from __future__ import annotations

import contextlib
import enum
import errno
import itertools
import os
import queue
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Iterable, Iterator, TextIO

from .ingest import IngestError, RawArticle, Skip, Skipped, count_articles, iter_articles
from .engines import Lazy, open_engine
from .progress import Progress, plural
from .store import Store, lock
from .worker import TIME_BUDGET, Extracted, Outcome, content_hash, rules_fingerprint

WRITE_BATCH = 50
"""Articles per write transaction."""

MAX_ENTRIES = 512
"""Inputs per submitted batch at most, counting the skipped ones (keeps a run of mostly
unchanged inputs from piling them up)."""

EXAMPLES = 3
"""Paths named per kind of skipped link in the summary."""


class RunError(Exception):
    """Why a run could not start or had to stop; ``str()`` is the one line to show."""


@dataclass
class Skips:
    """What walking the folders passed over (``ingest.Skipped``): counts, the suffixes of
    unsupported files, a few paths of skipped links."""

    counts: Counter = field(default_factory=Counter)
    suffixes: set[str] = field(default_factory=set)
    examples: dict[Skip, list[str]] = field(default_factory=dict)
    records: Counter = field(default_factory=Counter)
    """WARC records skipped, by why."""

    def add(self, item: Skipped) -> None:
        self.counts[item.why] += 1
        if item.why is Skip.UNSUPPORTED:
            self.suffixes.add(Path(item.path).suffix.lower() or "(none)")
        elif item.why is Skip.RECORD:
            self.records[item.detail] += 1
        else:
            shown = self.examples.setdefault(item.why, [])
            if len(shown) < EXAMPLES:
                shown.append(item.path)

    def clauses(self) -> list[str]:
        out = []
        if self.counts[Skip.UNSUPPORTED]:
            n = self.counts[Skip.UNSUPPORTED]
            types = "unsupported type" if len(self.suffixes) == 1 else "unsupported types"
            out.append(f"{plural(n, 'file')} of {types}: {', '.join(sorted(self.suffixes))}")
        if self.counts[Skip.RECORD]:
            reasons = ", ".join(f"{n} {why}" for why, n in self.records.most_common())
            out.append(f"{plural(self.counts[Skip.RECORD], 'WARC record')} that are no articles ({reasons})")
        for why, one, many in ((Skip.LOOP, "link to a folder already read", "links to folders already read"),
                               (Skip.OUTSIDE, "link out of the input", "links out of the input")):
            n = self.counts[why]
            if n:
                more = ", ..." if n > EXAMPLES else ""
                out.append(f"{n} {one if n == 1 else many}: {', '.join(self.examples[why])}{more}")
        return out


@dataclass
class Summary:
    articles: int = 0
    """Articles extracted and stored (or found identical) in this run."""
    unchanged: int = 0
    """Inputs skipped because their content hash was stored."""
    errors: int = 0
    pruned: int = 0
    seconds: float = 0.0
    skipped: Skips = field(default_factory=Skips)

    @property
    def found(self) -> bool:
        """Whether the inputs held anything to read (an article, or a file refused)."""
        return bool(self.articles or self.unchanged or self.errors)

    def line(self) -> str:
        pruned = f", {self.pruned} pruned" if self.pruned else ""
        # the rate of extraction only: skipping unchanged inputs is not extracting
        rate = (f" ({self.articles / self.seconds:.1f} articles/s)"
                if self.articles and self.seconds else "")
        line = (f"extracted {plural(self.articles, 'article')}, {self.unchanged} unchanged, "
                f"{plural(self.errors, 'error')}{pruned} in {self.seconds:.1f} s{rate}")
        if not self.found:
            line = "no articles found in the inputs"
        skipped = self.skipped.clauses()
        return line + (f"; skipped {'; '.join(skipped)}" if skipped else "")


class Step(enum.Enum):
    """What a run does with one input."""

    EXTRACT = "extract"
    SKIP = "skip"  # unchanged since the last run
    ERROR = "error"  # refused by ingest, or an id met twice


class Stored(enum.Enum):
    """What became of one input in the database."""

    STORED = "stored"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class Entry:
    """One input on its way through the run."""

    kind: Step
    id: str | None
    path: str | None
    line: int | None
    hash: str | None = None
    message: str | None = None
    new: bool = False
    """Not in the database when the run met it: nothing to compare or replace."""

    @property
    def where(self) -> str:
        return _where(self.path, self.line)


def _where(path: str | None, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


def run(inputs: Iterable[str | Path], db_path: str | Path | None, jsonl_path: str | Path | None,
        log: TextIO = sys.stderr, *, jobs: int | None = None, prune: bool = False,
        engine: str = "local", scheduler: str | None = None, progress: bool = True,
        budget: float | None = TIME_BUDGET) -> Summary:
    """Extract ``inputs`` into the database at ``db_path`` (a temporary one if None) and
    write every stored article to ``jsonl_path`` (if given).

    :param jobs: worker processes (local engine; default: the machine's cores) or local
      dask workers (dask engine without ``scheduler``).
    :param prune: delete the articles whose inputs were not met (see the module docstring).
    :param engine: ``local`` or ``dask``; ``scheduler``: a dask scheduler's address.
    :param progress: a progress bar (terminal) or a line every few seconds on ``log``.
    :param budget: seconds one article may take to extract (None: no limit).
    :raises RunError: the run could not start, or had to stop (one line to show).
    """
    inputs = list(inputs)
    summary, started = Summary(), time.perf_counter()
    exclude = _outputs(db_path, jsonl_path)
    with ExitStack() as stack:
        if db_path is None:
            db_path = Path(stack.enter_context(TemporaryDirectory(prefix="pipeline_"))) / "run.db"
        _check_writable(Path(db_path), Path(jsonl_path) if jsonl_path else None)
        try:
            stack.enter_context(lock.hold(db_path))
        except lock.Busy as busy:
            raise RunError(str(busy)) from None
        try:
            expected = count_articles(inputs, exclude)
            # Opened at the first article to extract, once the stored hashes have told
            # unchanged inputs apart: a run with nothing to extract loads no model and
            # starts no worker.
            executor = stack.enter_context(
                Lazy(lambda: open_engine(engine, jobs, scheduler, expected, budget)))
            bar = stack.enter_context(Progress(expected, log, enabled=progress))
            store = stack.enter_context(Store(db_path))
            store.begin_run()
            writer = _Writer(store, summary, bar)
            _extract(_entries(iter_articles(inputs, exclude=exclude), store, summary.skipped),
                     executor, writer)
            writer.flush()
            if prune:
                summary.pruned = store.prune()
            if not store.links_fresh():  # facts changed since (or a run stopped before) the last refresh
                store.refresh_links()  # people, provinces and the analysts' views follow the facts
        except Exception as exc:
            why = _fatal(exc)
            if why is None:
                raise
            raise RunError(f"{db_path}: {why}: the run stopped after storing "
                           f"{plural(summary.articles, 'article')}; the database is intact"
                           ) from None
        if jsonl_path and not store.export_current(jsonl_path):  # else: nothing changed since
            export_jsonl(store, jsonl_path)
            with contextlib.suppress(sqlite3.Error):  # the mark only spares a later rewrite
                store.exported(jsonl_path)
    summary.seconds = time.perf_counter() - started
    return summary


def _outputs(db: str | Path | None, jsonl: str | Path | None) -> list[Path]:
    """The files a run writes, with SQLite's and the lock's beside the database: never
    read as inputs, nor reported as skipped, when they lie in an input folder."""
    files = []
    if db:
        db = Path(db)
        files += [db, *(db.with_name(db.name + end) for end in ("-wal", "-shm", "-journal"))]
        files.append(lock.lock_path(db))
    if jsonl:
        jsonl = Path(jsonl)
        files += [jsonl, jsonl.with_name(jsonl.name + ".partial")]
    return files


def export_jsonl(store: Store, path: str | Path) -> int:
    """Write every stored article's record to ``path`` (replaced atomically; on failure the
    old file stays and the partial one is removed)."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    count = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8") as out:
            for record in store.records():
                out.write(record + "\n")
                count += 1
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise RunError(f"{path}: cannot write the JSONL export ({exc.strerror or exc}); "
                       "the database is complete") from None
    return count


# --------------------------------------------------------------------------- stopping

# Failures of the database or the disk: every later article would fail alike.
_FATAL_SQLITE = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY,
                 sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CORRUPT,
                 sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM,
                 sqlite3.SQLITE_PERM}
_FATAL_ERRNO = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


def _fatal(exc: BaseException) -> str | None:
    """Why ``exc`` must stop the run (the disk or the database failed, not one article),
    or None."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _FATAL_SQLITE:
            return str(exc)
    if isinstance(exc, OSError) and exc.errno in _FATAL_ERRNO:
        return exc.strerror or str(exc)
    return None


def _check_writable(db: Path, jsonl: Path | None) -> None:
    """Fail before reading anything when an output cannot be written."""
    for path in (db, jsonl):
        if path is None:
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=path.parent):
                pass
            if path == db and path.exists():
                path.open("r+b").close()
        except OSError as exc:
            raise RunError(f"{path}: cannot write there ({exc.strerror or exc}); "
                           "nothing was extracted") from None


# --------------------------------------------------------------------------- the loop


def _extract(entries: Iterable[tuple[Entry, RawArticle | None]], engine, writer: "_Writer") -> None:
    """Batches to the engine, each batch's results to the writer as soon as it is back;
    at most ``engine.max_pending`` batches wait beyond the one being written."""
    back: queue.SimpleQueue = queue.SimpleQueue()
    in_flight = 0

    def write_one_back() -> None:
        nonlocal in_flight
        done, handle = back.get()
        in_flight -= 1
        results = iter(handle.result())
        for entry in done:
            writer.add(entry, next(results) if entry.kind is Step.EXTRACT else None)

    def send(batch: list[Entry], raws: list[RawArticle]) -> None:
        nonlocal in_flight
        if not raws:  # nothing to extract: written at once
            for entry in batch:
                writer.add(entry, None)
            return
        in_flight += 1
        engine.submit(raws).add_done_callback(lambda handle: back.put((batch, handle)))
        while in_flight > engine.max_pending:
            write_one_back()

    batch: list[Entry] = []
    raws: list[RawArticle] = []
    for entry, raw in entries:
        batch.append(entry)
        if raw is not None:
            raws.append(raw)
        # engine.batch_size only once there is something to extract (it opens a Lazy engine)
        if (raws and len(raws) >= engine.batch_size) or len(batch) >= MAX_ENTRIES:
            send(batch, raws)
            batch, raws = [], []
    send(batch, raws)
    while in_flight:
        write_one_back()


def _entries(items: Iterable[RawArticle | IngestError | Skipped], store: Store,
             skipped: Skips) -> Iterator[tuple[Entry, RawArticle | None]]:
    """What to do with each input, in input order: extract it, skip it (unchanged), or
    record its error. An id already met in this run is refused."""
    fingerprint = rules_fingerprint()
    last_path = None
    for item, stored, first in _with_stored_hashes(items, store):
        if isinstance(item, Skipped):
            skipped.add(item)
            continue
        if item.path != last_path:  # a file's items come one after the other
            last_path = item.path
            store.meet_file(_safe(item.path))
        if isinstance(item, IngestError):
            if item.id is not None and first is _UNKNOWN:
                store.meet(*_met(item))
            yield Entry(Step.ERROR, item.id, item.path, item.line, message=str(item)), None
            continue
        where = _where(item.path, item.line)
        try:
            if first is _UNKNOWN:
                first = store.meet(*_met(item))
            if first is not None and tuple(first) != (item.path, item.line):
                message = (f"{where}: id {item.id!r} was already read from {_where(*first)} "
                           "in this run: refused (an id names one article)")
                yield Entry(Step.ERROR, item.id, item.path, item.line, message=message), None
                continue
            digest = content_hash(item, fingerprint)
            if stored is _UNKNOWN:
                stored = store.stored_hash(item.id)
            if stored == digest:
                yield Entry(Step.SKIP, item.id, item.path, item.line), None
            else:
                yield Entry(Step.EXTRACT, item.id, item.path, item.line, hash=digest,
                            new=stored is None), item
        except Exception as exc:  # e.g. an id SQLite cannot take
            if _fatal(exc):
                raise
            yield Entry(Step.ERROR, item.id, item.path, item.line,
                        message=f"{where}: cannot read: {type(exc).__name__}: {exc}"), None


LOOKUP_BATCH = 256
"""Inputs whose stored hashes are read in one query (a re-run of an unchanged corpus is
mostly these lookups and reading the inputs)."""

_UNKNOWN = object()


def _met(item: RawArticle | IngestError) -> tuple[str, str | None, int | None]:
    """What ``Store.meet`` remembers of an input: its id, path and line (an error's made
    safe for SQLite)."""
    if isinstance(item, RawArticle):
        return item.id, item.path, item.line
    return _safe(item.id), _safe(item.path), item.line


def _with_stored_hashes(items: Iterable, store: Store) -> Iterator[tuple[object, object, object]]:
    """Each item with its article's stored hash (``Store.stored_hash``) and where its id
    was met before in this run (``Store.meet``: None the first time), both read
    ``LOOKUP_BATCH`` at a time; ``_UNKNOWN`` when the batch could not be read at once (an id
    SQLite cannot take: each is then looked up alone, and fails alone)."""
    items = iter(items)
    while chunk := list(itertools.islice(items, LOOKUP_BATCH)):
        ids = [item.id for item in chunk if isinstance(item, RawArticle)]
        met = [item for item in chunk if isinstance(item, RawArticle)
               or isinstance(item, IngestError) and item.id is not None]
        try:
            found = store.stored_hashes(ids)
        except Exception as exc:
            if _fatal(exc):
                raise
            found = None
        try:
            firsts = dict(zip(map(id, met), store.meet_many([_met(item) for item in met])))
        except Exception as exc:
            if _fatal(exc):
                raise
            firsts = {}
        for item in chunk:
            stored = _UNKNOWN if found is None or not isinstance(item, RawArticle) else found.get(item.id)
            yield item, stored, firsts.get(id(item), _UNKNOWN)


# --------------------------------------------------------------------------- writing


class _Writer:
    """Stores results ``WRITE_BATCH`` at a time, in one transaction each."""

    def __init__(self, store: Store, summary: Summary, progress: Progress):
        self.store, self.summary, self.progress = store, summary, progress
        self.buffer: list[tuple[Entry, Outcome | None]] = []

    def add(self, entry: Entry, result: Outcome | None) -> None:
        self.buffer.append((entry, result))
        if len(self.buffer) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        try:
            with self.store.batch():
                outcomes = [self._store(entry, result) for entry, result in self.buffer]
        except Exception as exc:
            if _fatal(exc):
                raise
            # The batch's transaction was lost (an error SQLite rolls back entirely):
            # again, one article per transaction.
            outcomes = [self._store_alone(entry, result) for entry, result in self.buffer]
        self.buffer = []
        errors = 0
        for outcome, message in outcomes:
            if outcome is Stored.ERROR:
                errors += 1
                self.progress.message(f"error: {message}")
            elif outcome is Stored.UNCHANGED:
                self.summary.unchanged += 1
            else:
                self.summary.articles += 1
        self.summary.errors += errors
        self.progress.update(len(outcomes), errors)

    def _store_alone(self, entry: Entry, result: Outcome | None) -> tuple[Stored, str | None]:
        try:
            with self.store.db.atomic():
                return self._store(entry, result)
        except Exception as exc:
            if _fatal(exc):
                raise
            with self.store.db.atomic():
                return self._error(entry, f"{entry.where}: cannot store: {type(exc).__name__}: {exc}")

    def _store(self, entry: Entry, result: Outcome | None) -> tuple[Stored, str | None]:
        store = self.store
        if entry.kind is Step.SKIP:
            return (Stored.UNCHANGED, None)
        if entry.kind is Step.ERROR:
            return self._error(entry, entry.message or "refused")
        if not isinstance(result, Extracted):
            return self._error(entry, f"{entry.where}: {result.message}")
        try:
            store.write_rows(result.rows, result.record, content_hash=entry.hash, clear_errors=False,
                             new=entry.new)
        except Exception as exc:
            if _fatal(exc) or not store.db.conn.in_transaction:
                raise  # the disk, or the whole batch is lost: flush decides
            return self._error(entry, f"{entry.where}: cannot store: {type(exc).__name__}: {exc}")
        return (Stored.STORED, None)

    def _error(self, entry: Entry, message: str) -> tuple[Stored, str]:
        message = _safe(message)
        self.store.write_error(entry.path and _safe(entry.path), message, line=entry.line,
                               article_id=entry.id and _safe(entry.id))
        return (Stored.ERROR, message)


def _safe(text: str) -> str:
    """Text SQLite and any terminal can take (no unpaired surrogates)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
