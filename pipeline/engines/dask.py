"""The dask engine: extraction on a dask.distributed cluster, storage here.

    python -m pipeline extract corpus --engine dask --scheduler tcp://HOST:8786

Batches of raw articles are submitted to the cluster (at most ``max_pending`` in flight, so
memory stays flat however large the corpus); each comes back as the rows and records of
its articles, which this process writes to the database exactly as a local run does: the
same content hashes decide what is skipped, so runs stay incremental and idempotent.

Every worker needs this project installed (``pip install /path/to/project``, the same
version as here): tasks refer to ``pipeline.worker.extract_batch`` by name. underthesea's
taggers are not meant to be shared between threads: start workers with one thread each
(``dask worker ADDRESS --nworkers N --nthreads 1``).

Without ``--scheduler`` a ``LocalCluster`` of ``-j`` single-threaded worker processes is
started on this machine (and stopped at the end).
"""
from __future__ import annotations

from .. import worker
from ..ingest import RawArticle
from ..worker import Failed, Outcome

BATCH_SIZE = 32
"""Articles per dask task: enough to make the scheduler's per-task overhead negligible."""


class DaskEngine:
    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 batch_size: int = BATCH_SIZE, timeout: str = "30s", budget: float | None = None):
        from distributed import Client, LocalCluster

        self.batch_size, self.budget = batch_size, budget
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout=timeout)
        else:
            from . import available_cores

            self.cluster = LocalCluster(n_workers=workers or available_cores(),
                                        threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster, timeout=timeout)
        threads = sum(self.client.nthreads().values()) or 1
        self.max_pending = 2 * threads

    def submit(self, raws: list[RawArticle]) -> "_Result":
        return _Result(self.client.submit(worker.extract_batch, raws, self.budget, pure=False),
                       len(raws))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Result:
    """A dask future; a batch the cluster gave up on (its workers died, e.g. ``KilledWorker``)
    becomes one error per article, so the run goes on."""

    def __init__(self, future, size: int):
        self.future, self.size = future, size

    def add_done_callback(self, fn) -> None:
        self.future.add_done_callback(lambda _: fn(self))

    def result(self) -> list[Outcome]:
        try:
            return self.future.result()
        except Exception as exc:
            message = f"extraction failed on the dask cluster: {type(exc).__name__}: {exc}"
            return [Failed(message)] * self.size
