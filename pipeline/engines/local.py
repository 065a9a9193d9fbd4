"""Local engines: this process, or worker processes on this machine.

``InlineEngine``
    this process, one article after the other (``-j 1``, and runs too small to be worth
    starting workers).
``ProcessEngine``
    ``-j N`` worker processes (``concurrent.futures``). On Linux they are forked after the
    models are loaded, so they start in milliseconds and share the models' memory. A worker
    that dies (a crash in native code, the OOM killer) costs no more than the articles that
    kill it: its batch is retried one article at a time in a fresh pool, and an article
    that kills a worker again is recorded as an error.

The time budget runs in the process that extracts (``worker.extract_one``): a worker over
it answers ``Failed`` for that article and goes on with the next. A worker stuck in native
code that no signal interrupts exits at twice the budget (``worker.STUCK_AFTER``): it is
then a worker that died, as above.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .. import worker
from ..ingest import RawArticle
from ..worker import Failed, Outcome

DIED = ("extraction failed: the worker process died on this article (a crash, out of memory, "
        "or stuck past twice the time budget where no signal reaches)")


class InlineEngine:
    batch_size = 16
    max_pending = 0

    def __init__(self, budget: float | None = None):
        self.budget = budget

    def submit(self, raws: list[RawArticle]) -> Future:
        future: Future = Future()
        future.set_result(worker.extract_batch(raws, self.budget))
        return future

    def close(self) -> None:
        pass

    def __enter__(self) -> "InlineEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ProcessEngine:
    """:param jobs: worker processes.
    :param budget: seconds per article (None: no limit).
    :param batch_size: articles per task (``BATCH_SIZE``)."""

    BATCH_SIZE = 16
    """Articles per task: enough that the parent's work per task (the futures, its threads'
    wake-ups, the pipes) stays small beside its SQLite writes (from 8 to 16 it fell by a
    tenth: 0.19 to 0.17 of the workers' CPU time over the bench stream; 32 did no better),
    while keeping the workers evenly busy, and few enough that a slow article holds back
    only a handful of others, for its budget at most."""

    def __init__(self, jobs: int, budget: float | None = None, batch_size: int = BATCH_SIZE):
        self.jobs, self.budget, self.batch_size = jobs, budget, batch_size
        self.max_pending = 4 * jobs
        self._fork = sys.platform.startswith("linux")
        if self._fork:
            worker.preload()  # inherited by the forked workers
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("fork" if self._fork else "spawn")
        pool = ProcessPoolExecutor(self.jobs, mp_context=context,
                                   initializer=worker.init_local_worker,
                                   initargs=(os.getpid(),))
        # start every worker now (forked with the parent's models); a run opens its engine
        # lazily, so the database is open by then: the workers never touch it
        list(pool.map(int, range(self.jobs)))
        return pool

    def submit(self, raws: list[RawArticle]) -> "_Guarded":
        return _Guarded(self, raws, self._submit(worker.extract_batch, raws))

    def _submit(self, fn, arg) -> Future:
        try:
            return self._pool.submit(fn, arg, self.budget)
        except BrokenProcessPool:
            self._restart()
            return self._pool.submit(fn, arg, self.budget)

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def retry_alone(self, raw: RawArticle) -> Outcome:
        try:
            return self._submit(worker.extract_one, raw).result()
        except BrokenProcessPool:
            self._restart()
            return Failed(DIED)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "ProcessEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Guarded:
    """A batch's future; if its worker died, the batch is retried article by article."""

    def __init__(self, engine: ProcessEngine, raws: list[RawArticle], future: Future):
        self.engine, self.raws, self.future = engine, raws, future

    def add_done_callback(self, fn) -> None:
        self.future.add_done_callback(lambda _: fn(self))

    def result(self) -> list[Outcome]:
        try:
            return self.future.result()
        except BrokenProcessPool:
            return [self.engine.retry_alone(raw) for raw in self.raws]
