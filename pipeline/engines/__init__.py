"""Engines: where a batch of raw articles is cleaned and extracted.

An engine has ``submit(raws)``, returning a handle whose ``result()`` is the list of
``worker.extract_batch`` outcomes in order (``worker.Extracted`` or ``worker.Failed``) and
whose ``add_done_callback(fn)`` calls ``fn(handle)`` when the batch is back (from any
thread: batches come back in any order, and the run writes each as soon as it is back),
``batch_size`` (articles per submitted batch), ``max_pending`` (batches in flight beyond the
one being written: what bounds memory) and ``close()``; it is a context manager. Every
engine extracts each article within the run's time budget (``worker.extract_one``).

- ``local.InlineEngine``: this process, one article after the other;
- ``local.ProcessEngine``: ``-j N`` worker processes on this machine;
- ``dask.DaskEngine``: a dask.distributed cluster.

``Lazy`` opens one of them on first use: a run that finds nothing to extract loads no
model, forks no worker and connects to no cluster.
"""
from __future__ import annotations

import os
from typing import Any, Callable

SMALL_RUN = 32
"""Articles per core below which a run with the default ``-j`` runs inline."""


def open_engine(engine: str = "local", jobs: int | None = None, scheduler: str | None = None,
                expected: int | None = None, budget: float | None = None):
    """The engine for a run. ``jobs`` defaults to the machine's cores, but then a run of
    fewer than ``SMALL_RUN`` articles per core (``expected``) runs inline: starting workers
    would cost more than it saves. ``budget``: seconds per article (None: no limit)."""
    if engine == "dask":
        from .dask import DaskEngine

        return DaskEngine(scheduler, workers=jobs, budget=budget)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r} (expected 'local' or 'dask')")
    from .local import InlineEngine, ProcessEngine

    if jobs is None:
        jobs = available_cores()
        if expected is not None and expected < SMALL_RUN * jobs:
            jobs = 1
    return InlineEngine(budget) if jobs <= 1 else ProcessEngine(jobs, budget)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Lazy:
    """An engine opened when a batch is first submitted (``open_``: a function returning
    the engine, e.g. ``lambda: open_engine(...)``); closed only if it was opened."""

    def __init__(self, open_: Callable[[], Any]):
        self._open, self._engine = open_, None

    @property
    def started(self) -> bool:
        return self._engine is not None

    @property
    def engine(self):
        if self._engine is None:
            self._engine = self._open()
        return self._engine

    @property
    def batch_size(self) -> int:
        return self.engine.batch_size

    @property
    def max_pending(self) -> int:
        return self.engine.max_pending

    def submit(self, raws):
        return self.engine.submit(raws)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()

    def __enter__(self) -> "Lazy":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
