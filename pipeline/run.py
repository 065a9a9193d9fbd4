"""Extract a corpus, incrementally: ingest → (skip unchanged) → clean + extract → store.

This process reads the inputs (``ingest.iter_articles`` is a generator) and is the one
writer; cleaning and extraction run in an engine (``engines``: this process, ``-j N``
local workers, or a dask cluster). At every step only a bounded number of
articles is held: ``engine.max_pending`` batches in flight and one write batch, so memory
does not grow with the corpus.

Incremental and idempotent:

- an input whose ``worker.content_hash`` is already stored is skipped before extraction;
- a changed article's rows are replaced in one transaction (``Store.write_rows``); results
  are written ``WRITE_BATCH`` articles per transaction, each article in a savepoint, so an
  article is stored whole or not at all, also when the run is killed;
- a file's earlier errors are cleared when the file is read again, and recorded again
  if it still fails;
- with ``prune``, articles (and errors) of inputs not met in this run are deleted: use it
  only when the inputs are the whole corpus;
- the JSONL export is rewritten from the database at the end: all stored articles.

One bad article never costs the others: its error is printed as one line naming the
file, recorded in the `errors` table, and the run goes on.
"""
from __future__ import annotations

import enum
import os
import sys
import time
from collections import Counter, deque
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Iterable, Iterator, TextIO

from .ingest import IngestError, RawArticle, count_articles, iter_articles
from .engines import open_engine
from .progress import Progress
from .store import Store
from .worker import Extracted, Outcome, content_hash, rules_fingerprint

WRITE_BATCH = 50
"""Articles per write transaction."""

MAX_ENTRIES = 512
"""Inputs per submitted batch at most, counting the skipped ones (keeps a run of mostly
unchanged inputs from piling them up)."""


@dataclass
class Summary:
    articles: int = 0
    """Articles extracted and stored (or found identical) in this run."""
    unchanged: int = 0
    """Inputs skipped because their content hash was stored."""
    errors: int = 0
    pruned: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        def n(count: int, word: str) -> str:
            return f"{count} {word}" + ("" if count == 1 else "s")

        pruned = f", {self.pruned} pruned" if self.pruned else ""
        # the rate of extraction only: skipping unchanged inputs is not extracting
        rate = (f" ({self.articles / self.seconds:.1f} articles/s)"
                if self.articles and self.seconds else "")
        return (f"extracted {n(self.articles, 'article')}, {self.unchanged} unchanged, "
                f"{n(self.errors, 'error')}{pruned} in {self.seconds:.1f} s{rate}")


class Step(enum.Enum):
    """What a run does with one input."""

    EXTRACT = "extract"
    SKIP = "skip"  # unchanged since the last run
    ERROR = "error"  # refused by ingest


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
        return f"{self.path}:{self.line}" if self.line else str(self.path)


def run(inputs: Iterable[str | Path], db_path: str | Path | None, jsonl_path: str | Path | None,
        log: TextIO = sys.stderr, *, jobs: int | None = None, prune: bool = False,
        engine: str = "local", scheduler: str | None = None, progress: bool = True) -> Summary:
    """Extract ``inputs`` into the database at ``db_path`` (a temporary one if None) and
    write every stored article to ``jsonl_path`` (if given).

    :param jobs: worker processes (local engine; default: the machine's cores) or local
      dask workers (dask engine without ``scheduler``).
    :param prune: delete the articles whose inputs were not met (see the module docstring).
    :param engine: ``local`` or ``dask``; ``scheduler``: a dask scheduler's address.
    :param progress: a progress bar (terminal) or a line every few seconds on ``log``.
    """
    inputs = list(inputs)
    summary, started = Summary(), time.perf_counter()
    exclude = [p for p in (db_path, jsonl_path) if p]
    with ExitStack() as stack:
        if db_path is None:
            db_path = Path(stack.enter_context(TemporaryDirectory(prefix="pipeline_"))) / "run.db"
        expected = count_articles(inputs, exclude)
        executor = stack.enter_context(open_engine(engine, jobs, scheduler, expected))
        bar = stack.enter_context(Progress(expected, log, enabled=progress))
        store = stack.enter_context(Store(db_path))
        store.begin_run()
        in_flight: Counter[str] = Counter()
        writer = _Writer(store, summary, bar, in_flight)
        _extract(iter_articles(inputs, exclude=exclude), store, executor, writer, in_flight)
        writer.flush()
        if prune:
            summary.pruned = store.prune()
        store.refresh_links()  # people, provinces and the analysts' views follow the facts
        if jsonl_path:
            export_jsonl(store, jsonl_path)
    summary.seconds = time.perf_counter() - started
    return summary


def export_jsonl(store: Store, path: str | Path) -> int:
    """Write every stored article's record to ``path`` (replaced atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for record in store.records():
            out.write(record + "\n")
            count += 1
    os.replace(partial, path)
    return count


# --------------------------------------------------------------------------- the loop


def _extract(items: Iterable[RawArticle | IngestError], store: Store, engine, writer: "_Writer",
             in_flight: Counter[str]) -> None:
    """Batches to the engine, results to the writer in input order; at most
    ``engine.max_pending`` batches wait beyond the one being written."""
    pending: deque = deque()

    def drain(limit: int) -> None:
        while len(pending) > limit:
            entries, future = pending.popleft()
            results = iter(future.result() if future is not None else ())
            for entry in entries:
                writer.add(entry, next(results) if entry.kind is Step.EXTRACT else None)

    entries: list[Entry] = []
    raws: list[RawArticle] = []
    for entry, raw in _entries(items, store, in_flight):
        entries.append(entry)
        if raw is not None:
            raws.append(raw)
        if len(raws) >= engine.batch_size or len(entries) >= MAX_ENTRIES:
            pending.append((entries, engine.submit(raws) if raws else None))
            entries, raws = [], []
            drain(engine.max_pending)
    if entries:
        pending.append((entries, engine.submit(raws) if raws else None))
    drain(0)


def _entries(items: Iterable[RawArticle | IngestError], store: Store,
             in_flight: Counter[str]) -> Iterator[tuple[Entry, RawArticle | None]]:
    """What to do with each input. An unchanged input is skipped, unless its id was met
    earlier in this run (two files, one id): then, as in a clean run, the later one must
    win, so it is extracted again."""
    fingerprint = rules_fingerprint()
    for item in items:
        if isinstance(item, IngestError):
            yield Entry(Step.ERROR, item.id, item.path, item.line, message=str(item)), None
            continue
        try:
            digest = content_hash(item, fingerprint)
            stored = store.stored_hash(item.id)
            in_flight[item.id] += 1
            if stored == digest and in_flight[item.id] == 1 and not store.seen(item.id):
                yield Entry(Step.SKIP, item.id, item.path, item.line), None
            else:
                yield Entry(Step.EXTRACT, item.id, item.path, item.line, hash=digest,
                            new=stored is None), item
        except Exception as exc:  # e.g. an id SQLite cannot take
            where = f"{item.path}:{item.line}" if item.line else item.path
            yield Entry(Step.ERROR, item.id, item.path, item.line,
                        message=f"{where}: cannot read: {type(exc).__name__}: {exc}"), None


# --------------------------------------------------------------------------- writing


class _Writer:
    """Stores results ``WRITE_BATCH`` at a time, in input order, in one transaction each."""

    def __init__(self, store: Store, summary: Summary, progress: Progress, in_flight: Counter[str]):
        self.store, self.summary, self.progress = store, summary, progress
        self.in_flight = in_flight
        self.buffer: list[tuple[Entry, Outcome | None]] = []
        self.last_path: str | None = None

    def add(self, entry: Entry, result: Outcome | None) -> None:
        self.buffer.append((entry, result))
        if len(self.buffer) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        last_path = self.last_path
        try:
            with self.store.db.atomic():
                outcomes = [self._store(entry, result) for entry, result in self.buffer]
                self.store.mark_seen([e.id for e, _ in self.buffer], [e.path for e, _ in self.buffer])
        except Exception:
            # The batch's transaction was lost (an error SQLite rolls back entirely):
            # again, one article per transaction.
            self.last_path, outcomes = last_path, []
            for entry, result in self.buffer:
                try:
                    with self.store.db.atomic():
                        outcomes.append(self._store(entry, result))
                except Exception as exc:
                    outcomes.append((Stored.ERROR, _safe(f"{entry.where}: cannot store: "
                                                         f"{type(exc).__name__}: {exc}")))
            with self.store.db.atomic():  # met, stored or not: --prune must keep them
                self.store.mark_seen([e.id for e, _ in self.buffer], [e.path for e, _ in self.buffer])
        for entry, _ in self.buffer:
            if entry.kind is not Step.ERROR and entry.id in self.in_flight:
                self.in_flight[entry.id] -= 1
                if self.in_flight[entry.id] <= 0:
                    del self.in_flight[entry.id]
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

    def _store(self, entry: Entry, result: Outcome | None) -> tuple[Stored, str | None]:
        store = self.store
        if entry.path != self.last_path:
            self.last_path = entry.path
            if entry.path is not None:
                store.clear_path_errors(entry.path)
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
            if not store.db.conn.in_transaction:
                raise  # the whole batch is lost: flush retries it article by article
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
