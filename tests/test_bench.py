"""tools/bench.py: a small run of every phase, checked through its JSON report."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests import SHARED
from tools import bench

pytestmark = pytest.mark.slow


def test_bench_small_run(tmp_path, capsys):
    report_path, keep = tmp_path / "bench.json", tmp_path / "keep"
    status = bench.main([
        "--shared", str(SHARED), "--articles", "12", "--json", str(report_path),
        "--keep", str(keep), "--warmup", "2", "--trace-sample", "2",
    ])
    assert status == 0

    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["articles"] == 12
    pipeline, ner = report["phases"]["pipeline"], report["phases"]["ner"]
    for phase in (pipeline, ner):
        assert phase["articles"] == 12
        assert phase["articles_per_second"] > 0
        assert phase["peak_rss_mb"] > 0
    assert ner["sentences"] > 0 and ner["sentences_per_second"] > 0

    assert pipeline["db_articles"] == 12 and pipeline["db_mb"] > 0
    db = keep / "bench.db"
    con = sqlite3.connect(db)
    try:
        ids = [row[0] for row in con.execute("SELECT id FROM articles ORDER BY id")]
    finally:
        con.close()
    assert len(ids) == 12 and all(i.startswith("bench_000") for i in ids)

    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("bench: 12 articles, pipeline ")
    assert "underthesea ner()" in out[-1]
