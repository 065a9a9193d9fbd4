"""The dask engine on a real ``distributed.LocalCluster`` (two worker processes), through the
command line: same database as the local engine, and just as incremental."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbcompare import assert_same, make_corpus
from tests import ROOT

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("distributed")


def extract(corpus: Path, db: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(corpus), "--db", str(db),
                           "--jsonl", str(db.with_suffix(".jsonl")), "--no-progress", *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def test_dask_engine_gives_the_local_database(scheduler, tmp_path: Path):
    corpus = make_corpus(tmp_path / "corpus", 60)
    (corpus / "empty.txt").write_bytes(b"")
    local, remote = tmp_path / "local.db", tmp_path / "dask.db"
    proc = extract(corpus, local, "-j", "1")
    assert proc.returncode == 1 and "empty.txt" in proc.stderr  # the empty file
    proc = extract(corpus, remote, "--engine", "dask", "--scheduler", scheduler)
    assert proc.returncode == 1 and "empty.txt" in proc.stderr
    assert "extracted 60 articles, 0 unchanged, 1 error " in proc.stderr
    assert_same(local, remote)
    assert local.with_suffix(".jsonl").read_bytes() == remote.with_suffix(".jsonl").read_bytes()

    # idempotent and incremental on the cluster too
    (corpus / "a00007.txt").write_text("Chiều 8/1/2025, Bí thư Tỉnh ủy Nguyễn Văn Tám làm việc "
                                       "với các hội quần chúng tỉnh Bến Tre.\n", encoding="utf-8")
    (corpus / "a00008.txt").unlink()
    proc = extract(corpus, remote, "--engine", "dask", "--scheduler", scheduler, "--prune")
    assert "extracted 1 article, 58 unchanged, 1 error, 1 pruned" in proc.stderr, proc.stderr
    proc = extract(corpus, local, "--prune")
    assert_same(local, remote)


def test_scheduler_needs_the_dask_engine(tmp_path: Path):
    proc = extract(tmp_path, tmp_path / "m.db", "--scheduler", "tcp://127.0.0.1:1")
    assert proc.returncode == 2 and "--scheduler needs --engine dask" in proc.stderr


def test_the_time_budget_holds_on_dask_workers(scheduler, tmp_path: Path):
    """A dask worker runs tasks in a thread, where no signal can stop them: the budget
    stops the long article there too (an exception raised in the working thread)."""
    corpus = make_corpus(tmp_path / "corpus", 3)
    names = "Bí thư Tỉnh ủy Nguyễn Văn An Phó Chủ tịch UBND tỉnh Trần Thị Bình "
    (corpus / "hostile.txt").write_text(names * (2_000_000 // len(names.encode())), encoding="utf-8")
    proc = extract(corpus, tmp_path / "m.db", "--engine", "dask", "--scheduler", scheduler,
                   "--time-budget", "0.2")
    assert proc.returncode == 1
    assert f"{corpus / 'hostile.txt'}: took longer than 0.2 s to extract" in proc.stderr
    assert "extracted 3 articles, 0 unchanged, 1 error " in proc.stderr


def test_budget_in_a_thread_leaves_no_exception_behind():
    import threading
    import time

    from pipeline.engines.budget import OverBudget, limit

    outcomes = []

    def work(seconds):
        try:
            with limit(0.2):
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    pass
            outcomes.append("done")
        except OverBudget:
            outcomes.append("over")
        time.sleep(0.4)  # past the budget: nothing may go off here
        outcomes.append("after")

    for seconds in (5, 0.01):
        thread = threading.Thread(target=work, args=(seconds,))
        thread.start()
        thread.join(timeout=10)
    assert outcomes == ["over", "after", "done", "after"]
