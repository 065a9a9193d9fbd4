"""Local engines: where a batch of raw articles is cleaned and extracted.

An engine has ``submit(raws)``, returning a future whose ``result()`` is the list of
``worker.extract_batch`` results in order, ``batch_size`` (articles per submitted batch),
``max_pending`` (batches in flight beyond the one being written: what bounds memory) and
``close()``. ``pipeline.distributed.DaskEngine`` is the same for a dask cluster.

``InlineEngine``
    this process, one article after the other (``-j 1``, and runs too small to be worth
    starting workers).
``ProcessEngine``
    ``-j N`` worker processes (``concurrent.futures``). On Linux they are forked after the
    models are loaded, so they start in milliseconds and share the models' memory. A worker
    that dies (a crash in native code, the OOM killer) costs no more than the articles that
    kill it: its batch is retried one article at a time in a fresh pool, and an article
    that kills a worker again is recorded as an error.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import worker
from .ingest import RawArticle

SMALL_RUN = 32
"""Articles per core below which a run with the default ``-j`` runs inline."""

DIED = "extraction failed: the worker process died (a crash, or out of memory) on this article"


class InlineEngine:
    batch_size = 16
    max_pending = 0

    def submit(self, raws: list[RawArticle]) -> Future:
        future: Future = Future()
        future.set_result(worker.extract_batch(raws))
        return future

    def close(self) -> None:
        pass

    def __enter__(self) -> "InlineEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ProcessEngine:
    """:param jobs: worker processes.
    :param batch_size: articles per task; a few are enough to make the inter-process
      traffic negligible, while keeping the workers evenly busy."""

    def __init__(self, jobs: int, batch_size: int = 8):
        self.jobs, self.batch_size = jobs, batch_size
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
        # start every worker now, before the parent opens the database
        list(pool.map(int, range(self.jobs)))
        return pool

    def submit(self, raws: list[RawArticle]) -> "_Guarded":
        return _Guarded(self, raws, self._submit(worker.extract_batch, raws))

    def _submit(self, fn, arg) -> Future:
        try:
            return self._pool.submit(fn, arg)
        except BrokenProcessPool:
            self._restart()
            return self._pool.submit(fn, arg)

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def retry_alone(self, raw: RawArticle) -> tuple:
        try:
            return self._submit(worker.extract_one, raw).result()
        except BrokenProcessPool:
            self._restart()
            return ("failed", DIED)

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

    def result(self) -> list[tuple]:
        try:
            return self.future.result()
        except BrokenProcessPool:
            return [self.engine.retry_alone(raw) for raw in self.raws]


def open_engine(engine: str = "local", jobs: int | None = None, scheduler: str | None = None,
                expected: int | None = None):
    """The engine for a run. ``jobs`` defaults to the machine's cores, but then a run of
    fewer than ``SMALL_RUN`` articles per core (``expected``) runs inline: starting workers
    would cost more than it saves."""
    if engine == "dask":
        from .distributed import DaskEngine

        return DaskEngine(scheduler, workers=jobs)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r} (expected 'local' or 'dask')")
    if jobs is None:
        jobs = available_cores()
        if expected is not None and expected < SMALL_RUN * jobs:
            jobs = 1
    return InlineEngine() if jobs <= 1 else ProcessEngine(jobs)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
