"""A re-run with nothing to extract: no model loaded, no worker started, no links refresh,
the database untouched; and the links still refreshed whenever the facts changed since the
last refresh (``Store.links_fresh``)."""
from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline import engines
from pipeline.run import run
from pipeline.store import Store
from tests import ROOT
from tests.dbcompare import assert_same, make_corpus

N = 6


def extract(inputs, db, jsonl=None, **options):
    return run([str(p) for p in inputs], db, jsonl, log=io.StringIO(), progress=False, **options)


def dump(db: Path) -> dict:
    """Everything in the database, row ids, timestamps and the header's user_version included."""
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type = 'table' order by name")]
        out = {name: con.execute(f"select rowid, * from [{name}] order by rowid").fetchall()
               for name in names if not name.endswith(("_fts_data", "_fts_idx", "_fts_docsize",
                                                       "_fts_config", "_fts"))}
        out["__schema__"] = con.execute("select * from sqlite_master order by name").fetchall()
        out["__user_version__"] = con.execute("pragma user_version").fetchone()[0]
        return out
    finally:
        con.close()


@pytest.fixture()
def extracted(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus = make_corpus(tmp_path / "corpus", N)
    db, jsonl = tmp_path / "m.db", tmp_path / "facts.jsonl"
    first = extract([corpus], db, jsonl, jobs=1)
    assert first.articles == N and first.errors == 0
    return corpus, db, jsonl


@pytest.fixture()
def nothing_loads(monkeypatch) -> list[str]:
    """What a run would load or start: each records its name instead (nothing may run)."""
    called: list[str] = []

    def forbid(name):
        def hook(*args, **kwargs):
            called.append(name)
            raise AssertionError(f"{name} called on a run with nothing to extract")
        return hook

    monkeypatch.setattr("pipeline.engines.open_engine", forbid("open_engine"))
    monkeypatch.setattr("pipeline.run.open_engine", forbid("open_engine"))
    monkeypatch.setattr("pipeline.worker.preload", forbid("worker.preload"))
    monkeypatch.setattr("pipeline.tagging._underthesea", forbid("underthesea"))
    monkeypatch.setattr("pipeline.store.links.refresh", forbid("links.refresh"))
    return called


def test_a_rerun_of_an_unchanged_corpus_loads_starts_and_writes_nothing(extracted, nothing_loads):
    corpus, db, jsonl = extracted
    before, exported = dump(db), jsonl.read_bytes()
    again = extract([corpus], db, jsonl, jobs=2)  # -j 2 would fork workers at once
    assert (again.articles, again.unchanged, again.errors) == (0, N, 0)
    assert nothing_loads == []
    assert dump(db) == before
    assert jsonl.read_bytes() == exported


def test_a_noop_rerun_in_a_fresh_process_imports_no_underthesea_and_forks_nothing(extracted):
    corpus, db, jsonl = extracted
    before = dump(db)
    script = textwrap.dedent(f"""
        import io, json, os, sys
        forks = []
        os.register_at_fork(before=lambda: forks.append(1))
        from pipeline.run import run
        summary = run([{str(corpus)!r}], {str(db)!r}, {str(jsonl)!r}, log=io.StringIO(),
                      jobs=2, progress=False)
        print(json.dumps({{"unchanged": summary.unchanged, "articles": summary.articles,
                          "forks": len(forks),
                          "underthesea": sorted(m for m in sys.modules if m.startswith("underthesea"))}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"unchanged": N, "articles": 0, "forks": 0, "underthesea": []}
    assert dump(db) == before


def test_a_changed_file_is_extracted_and_the_links_follow(extracted, tmp_path: Path):
    corpus, db, jsonl = extracted
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text("Chiều 5/3/2024, Bí thư Tỉnh ủy Bến Tre Trần Văn Tám làm việc với Hội "
                     "Nông dân tỉnh. Toàn tỉnh có 1.200 hội viên.\n", encoding="utf-8")
    again = extract([corpus], db, jsonl, jobs=2)
    assert (again.articles, again.unchanged) == (1, N - 1)
    with Store(db) as store:
        assert store.links_fresh()
    clean = tmp_path / "clean.db"
    extract([corpus], clean, jobs=1)
    assert_same(db, clean)


def test_pruning_without_extracting_refreshes_the_links(extracted, tmp_path: Path, monkeypatch):
    corpus, db, jsonl = extracted
    sorted(corpus.glob("*.txt"))[-1].unlink()
    monkeypatch.setattr("pipeline.worker.preload", lambda: pytest.fail("nothing to extract"))
    again = extract([corpus], db, jsonl, prune=True)
    assert (again.articles, again.pruned) == (0, 1)
    clean = tmp_path / "clean.db"
    monkeypatch.undo()
    extract([corpus], clean, jobs=1)
    assert_same(db, clean)
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == N - 1


def test_links_left_stale_by_a_stopped_run_are_refreshed_by_the_next(extracted, monkeypatch):
    corpus, db, jsonl = extracted
    refreshed = []
    real = Store.refresh_links
    monkeypatch.setattr(Store, "refresh_links", lambda self: refreshed.append(1) or real(self))
    con = sqlite3.connect(db)
    con.execute("pragma user_version = 0")  # as left by a run killed before its refresh
    con.commit()
    con.close()
    extract([corpus], db, jsonl)
    assert refreshed == [1]
    extract([corpus], db, jsonl)
    assert refreshed == [1]  # fresh now: not again


def test_writes_mark_the_links_stale_and_a_refresh_marks_them_fresh(tmp_path: Path, monkeypatch):
    with Store(tmp_path / "m.db") as store:
        assert not store.links_fresh()  # a new database: never refreshed
        store.refresh_links()
        assert store.links_fresh()
        monkeypatch.setattr("pipeline.store.links_fingerprint", lambda: 12345)  # a new links code
        assert not store.links_fresh()
        store.refresh_links()
        assert store.links_fresh()
        store.delete_article("none such")
        assert not store.links_fresh()


def test_the_lazy_engine_opens_only_when_used():
    opened = []

    class Engine:
        batch_size, max_pending = 3, 0

        def close(self):
            opened.append("closed")

    with engines.Lazy(lambda: opened.append("opened") or Engine()) as lazy:
        assert not lazy.started
    assert opened == []
    with engines.Lazy(lambda: opened.append("opened") or Engine()) as lazy:
        assert lazy.batch_size == 3 and lazy.started
    assert opened == ["opened", "closed"]


def test_the_export_is_kept_when_current_and_written_again_when_not(extracted, tmp_path: Path):
    corpus, db, jsonl = extracted
    exported, stat = jsonl.read_text(encoding="utf-8"), jsonl.stat()
    extract([corpus], db, jsonl)
    assert (jsonl.stat().st_ino, jsonl.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    for spoil in (lambda: jsonl.write_text("edited\n", encoding="utf-8"), jsonl.unlink):
        spoil()
        extract([corpus], db, jsonl)
        assert jsonl.read_text(encoding="utf-8") == exported
    other = tmp_path / "other.jsonl"  # another export path, then back
    extract([corpus], db, other)
    assert other.read_text(encoding="utf-8") == exported
    jsonl.write_text("", encoding="utf-8")
    extract([corpus], db, jsonl)
    assert jsonl.read_text(encoding="utf-8") == exported


def test_a_changed_article_makes_the_export_stale(extracted):
    corpus, db, jsonl = extracted
    first = sorted(corpus.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nThêm một đoạn về Hội Nông dân tỉnh.\n",
                     encoding="utf-8")
    with Store(db) as store:
        assert store.export_current(jsonl)
    extract([corpus], db)  # no export in this run: the old file is stale now
    with Store(db) as store:
        assert not store.export_current(jsonl)
    extract([corpus], db, jsonl)
    assert "Thêm một đoạn" in jsonl.read_text(encoding="utf-8")
