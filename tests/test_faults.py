"""Faults of real runs, through the real command line: a run killed with SIGKILL at random
moments, and Datasette browsing the database while a run writes to it (WAL)."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.dbcompare import articles_stored, assert_same, check_whole_articles, make_corpus
from tests.servers import datasette
from tests import ROOT

pytestmark = pytest.mark.slow

METADATA = ROOT / "pipeline" / "datasette" / "metadata.yaml"


def extract_cmd(corpus: Path, db: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", str(corpus), "--db", str(db),
            "--jsonl", str(db.with_suffix(".jsonl")), "--no-progress", *options]




def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_kill_9_at_random_moments_then_complete(tmp_path: Path):
    corpus = make_corpus(tmp_path / "corpus", 400)
    db = tmp_path / "killed.db"
    rng = random.Random(20250108)
    kills = 0
    for attempt in range(4):
        before = articles_stored(db)
        process = subprocess.Popen(extract_cmd(corpus, db, "-j", str(1 + attempt % 2)),
                                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        # wait until this run writes (or is done), then kill it a random moment later
        deadline = time.monotonic() + 60
        while process.poll() is None and articles_stored(db) <= before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.8))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)  # the run itself, as `kill -9 PID` would
            kills += 1
        process.wait()
        kill_group(process)  # its workers, if any outlived it
        check_whole_articles(db)
    assert kills >= 2, "the runs ended before they could be killed"

    final = subprocess.run(extract_cmd(corpus, db), cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert final.returncode == 0, final.stderr
    clean = tmp_path / "clean.db"
    proc = subprocess.run(extract_cmd(corpus, clean), cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert_same(db, clean)
    assert db.with_suffix(".jsonl").read_bytes() == clean.with_suffix(".jsonl").read_bytes()


def get_json(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read().decode("utf-8"))


def test_datasette_reads_while_a_run_writes(tmp_path: Path):
    corpus = make_corpus(tmp_path / "corpus", 300)
    db = tmp_path / "meetings.db"
    first = make_corpus(tmp_path / "first", 2, prefix="first")
    subprocess.run(extract_cmd(first, db), cwd=ROOT, check=True, capture_output=True)

    sql = urllib.parse.urlencode({"sql": "select count(*) as n from articles", "_shape": "array"})
    with datasette(db) as root:
        base = f"{root}/meetings"
        run = subprocess.Popen(extract_cmd(corpus, db, "-j", "2"), cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        counts, statuses = [], []
        while run.poll() is None or len(counts) < 5:
            for path in (f".json?{sql}", "/meetings.json?_size=5", "/articles.json?_size=3&_col=title"):
                status, body = get_json(base + path)
                statuses.append(status)
                if path.startswith(".json"):
                    counts.append(body[0]["n"])
            time.sleep(0.1)
        assert run.wait(timeout=300) == 0, run.stderr.read()
        run.stderr.close()
        status, body = get_json(f"{base}.json?{sql}")
        statuses.append(status)
        counts.append(body[0]["n"])
    assert set(statuses) == {200} and len(statuses) >= 15
    assert counts == sorted(counts), "a reader saw the article count go back"
    assert counts[0] < 302 and counts[-1] == 302
    assert len(set(counts)) >= 3, f"the reads did not overlap the run: {counts}"
