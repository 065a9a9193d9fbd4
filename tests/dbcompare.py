"""Helpers shared by the incremental-run tests: a corpus generator and a logical dump.

``logical_dump`` is what "the same database" means for an incremental run: every table's
rows, sorted, without surrogate row ids (``id`` of the child tables and ``errors``: an
article re-extracted gets new ones) and without the wall-clock columns (``extracted_at``,
``occurred_at``); the full-text indexes are compared by their content and checked with
FTS5's own integrity check.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from tests import ROOT

CORPUS = ROOT / "corpus"
DEV = ROOT.parent / "shared" / "dev"

IGNORED = {"extracted_at", "occurred_at"}
FTS = {"articles_fts": "title, text", "directives_fts": "text"}


def source_texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) + (sorted(DEV.glob("*.txt")) if DEV.is_dir() else [])
    return [f.read_text(encoding="utf-8") for f in files]


def make_corpus(folder: Path, n: int, prefix: str = "a") -> Path:
    """``n`` articles as .txt files (the seed and dev texts repeated under new ids)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = source_texts()
    for i in range(n):
        (folder / f"{prefix}{i:05d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
    return folder


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def logical_dump(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "and name not like '%_fts' and name not like '%_fts_%' order by name")]
        out: dict[str, list[tuple]] = {}
        for table in tables:
            info = con.execute(f'pragma table_info("{table}")').fetchall()
            pk = [r[1] for r in info if r[5]]
            columns = [r[1] for r in info if r[1] not in IGNORED
                       and not (r[1] == "id" and r[2].upper() == "INTEGER" and pk == ["id"])]
            select = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(con.execute(f'select {select} from "{table}"').fetchall(), key=repr)
        for fts, columns in FTS.items():
            con.execute(f"insert into {fts}({fts}) values('integrity-check')")
            out[fts] = sorted(con.execute(f"select {columns} from {fts}").fetchall(), key=repr)
        out["__schema__"] = sorted(
            con.execute("select type, name, tbl_name, sql from sqlite_master").fetchall(), key=repr)
        return out
    finally:
        con.close()


def assert_same(a: Path, b: Path) -> None:
    left, right = logical_dump(a), logical_dump(b)
    assert set(left) == set(right)
    for table in left:
        assert left[table] == right[table], f"table {table} differs"


def check_whole_articles(db: Path) -> None:
    """integrity_check passes, and no article is half-written."""
    con = sqlite3.connect(db)
    try:
        assert con.execute("pragma integrity_check").fetchall() == [("ok",)]
        # a meeting row for every relevant article (a page set aside has none), a record each
        half = con.execute(
            "select count(*) from articles a where a.relevant and not exists "
            "(select 1 from meetings m where m.article_id = a.id) "
            "or not exists (select 1 from records r where r.article_id = a.id) "
            "or a.content_hash is null").fetchone()[0]
        assert half == 0, f"{half} half-written articles"
        orphans = con.execute(
            "select count(*) from meetings where article_id not in (select id from articles)"
        ).fetchone()[0]
        assert orphans == 0
    finally:
        con.close()


def articles_stored(db: Path) -> int:
    """Articles in ``db`` as a reader sees them now (0 while it cannot be read)."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("select count(*) from articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


_KILLED_IN = """
import os, signal, sys
import {module} as target
real, calls = target.{function}, []
def {function}(*args, **kwargs):
    calls.append(1)
    if len(calls) == {nth}:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
target.{function} = {function}
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def cli_killed_in(module: str, function: str, nth: int, *args: str) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` killed (SIGKILL) at the ``nth`` call of ``module.function``."""
    script = _KILLED_IN.format(module=module, function=function, nth=nth)
    return subprocess.run([sys.executable, "-c", script, *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
