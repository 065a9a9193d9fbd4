"""End to end through the real command line: `python -m pipeline extract|schema|evaluate`.

Every test runs the CLI in a subprocess, on real inputs: the five seed articles in
``corpus/`` (copied to a tmp folder), files written here in odd encodings, and, for
``evaluate``, the shared seeds/dev texts read at run time from ``../shared``.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.schema import Article
from tests import ROOT, SHARED

CORPUS = ROOT / "corpus"

SEED_000 = "000_a48eaa3ae488d65b"
SEED_002 = "002_ba60cd44bef404bb"
TABLES = ["articles", "meetings", "officials", "association_counts", "documents", "directives", "errors"]

# A meeting sentence written for these tests (invented names and numbers).
MY_STORY = (
    "Chiều 8/1/2025, Phó Bí thư Tỉnh ủy Nguyễn Văn Tám chủ trì buổi làm việc với các hội "
    "quần chúng tỉnh Bến Tre. Toàn tỉnh có 120 hội.\n"
)


def cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600, env=env,
    )


def rows(db: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def dump(db: Path, exclude_columns: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every table of the database (FTS shadow tables included), rows sorted."""
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute("select name from sqlite_master where type = 'table' order by name")]
        out = {}
        for name in names:
            cur = con.execute(f'select * from "{name}"')
            cols = [d[0] for d in cur.description]
            keep = [i for i, c in enumerate(cols) if c not in exclude_columns]
            out[name] = sorted((tuple(r[i] for i in keep) for r in cur.fetchall()), key=repr)
        out["__schema__"] = sorted(
            con.execute("select type, name, tbl_name, sql from sqlite_master").fetchall(), key=repr
        )
        return out
    finally:
        con.close()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese files are written: base letters precomposed
    (ă, â, ê, ô, ơ, ư, đ), tone marks as separate combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in decomposed if c in tones)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    if not CORPUS.is_dir() or len(list(CORPUS.glob("*.txt"))) != 5:
        pytest.skip(f"{CORPUS} does not hold the 5 seed articles")
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture()
def extracted(corpus_copy: Path, tmp_path: Path):
    db, jsonl = tmp_path / "out" / "m.db", tmp_path / "out" / "f.jsonl"
    proc = cli("extract", str(corpus_copy), "--db", str(db), "--jsonl", str(jsonl))
    return proc, db, jsonl


# --- extract on the seeds ------------------------------------------------------------------


def test_extract_seeds_exit_code_and_tables(extracted):
    proc, db, jsonl = extracted
    assert proc.returncode == 0, proc.stderr
    names = {r[0] for r in rows(db, "select name from sqlite_master where type = 'table'")}
    assert set(TABLES) <= names
    assert rows(db, "select count(*) from articles") == [(5,)]
    assert rows(db, "select count(*) from meetings") == [(5,)]
    assert rows(db, "select count(*) from errors") == [(0,)]
    # every child row belongs to a stored article
    for table in TABLES[1:-1]:
        orphans = rows(db, f"select count(*) from {table} where article_id not in (select id from articles)")
        assert orphans == [(0,)], table


def test_extract_seeds_jsonl_validates(extracted):
    proc, db, jsonl = extracted
    assert proc.returncode == 0, proc.stderr
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    ids = []
    for line in lines:
        article = Article.model_validate_json(line)
        ids.append(article.id)
    assert sorted(ids) == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert sorted(ids) == [r[0] for r in rows(db, "select id from articles order by id")]


def _record(jsonl: Path, article_id: str) -> dict:
    for line in jsonl.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] == article_id:
            return record
    raise AssertionError(f"{article_id} not in {jsonl}")


def test_seed_002_ignores_related_article_teasers(extracted):
    proc, db, jsonl = extracted
    assert proc.returncode == 0, proc.stderr
    source = (CORPUS / f"{SEED_002}.txt").read_text(encoding="utf-8")
    # The precondition that makes this test meaningful: the names are on the page.
    assert "Phạm Minh Chính" in source and "35-CT/TW" in source
    record = _record(jsonl, SEED_002)
    assert record["officials"], "seed 002 reports a meeting with named officials"
    assert "Phạm Minh Chính" not in [o["name"] for o in record["officials"]]
    assert "35-CT/TW" not in [d["number"] for d in record["documents"]]
    # and the same in the database
    assert rows(db, "select count(*) from officials where article_id = ? and name = ?",
                (SEED_002, "Phạm Minh Chính")) == [(0,)]
    assert rows(db, "select count(*) from documents where article_id = ? and number = ?",
                (SEED_002, "35-CT/TW")) == [(0,)]


def test_seed_000_facts(extracted):
    proc, db, jsonl = extracted
    assert proc.returncode == 0, proc.stderr
    record = _record(jsonl, SEED_000)
    meeting = record["meeting"]
    assert meeting["province"] == "Bến Tre"
    assert meeting["province_after_2025"] == "Vĩnh Long"
    assert meeting["date"] == "2025-01-08"
    assert meeting["time_of_day"] == "chiều"
    docs = {d["number"]: d for d in record["documents"]}
    assert "118-QĐ/TW" in docs
    assert docs["118-QĐ/TW"]["date"] == "2023-08-22"
    assert docs["118-QĐ/TW"]["type"] == "Quyết định"
    counts = {(c["count"], c["kind"]) for c in record["association_counts"]}
    assert (1475, "total") in counts
    assert (12, "new") in counts
    # the database holds the same facts
    assert rows(db, "select province, province_after_2025, date, year, time_of_day from meetings "
                    "where article_id = ?", (SEED_000,)) == [("Bến Tre", "Vĩnh Long", "2025-01-08", 2025, "chiều")]
    assert rows(db, "select date from documents where article_id = ? and number = ?",
                (SEED_000, "118-QĐ/TW")) == [("2023-08-22",)]
    assert {r for r in rows(db, "select count, kind from association_counts where article_id = ?", (SEED_000,))} \
        >= {(1475, "total"), (12, "new")}


# --- idempotence ---------------------------------------------------------------------------


def test_extract_twice_gives_identical_database(corpus_copy: Path, tmp_path: Path):
    """Re-running on the same db changes nothing. No column is excluded: Store.write leaves
    an unchanged article untouched, so even ``extracted_at`` must stay. To make that
    checkable within one second, the two runs are given different clocks
    (SOURCE_DATE_EPOCH): a rewritten row would show the second run's time."""
    import os

    db, jsonl = tmp_path / "m.db", tmp_path / "f.jsonl"
    env1 = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env2 = dict(os.environ, SOURCE_DATE_EPOCH="1800000000")
    first = cli("extract", str(corpus_copy), "--db", str(db), "--jsonl", str(jsonl), env=env1)
    assert first.returncode == 0, first.stderr
    before, jsonl_before = dump(db), jsonl.read_bytes()
    second = cli("extract", str(corpus_copy), "--db", str(db), "--jsonl", str(jsonl), env=env2)
    assert second.returncode == 0, second.stderr
    after = dump(db)
    assert set(after) == set(before)
    for table in before:
        assert after[table] == before[table], f"table {table} changed on re-run"
    assert jsonl.read_bytes() == jsonl_before


def test_extract_into_fresh_databases_is_deterministic(corpus_copy: Path, tmp_path: Path):
    """Two fresh databases from the same inputs. Excluded: ``extracted_at`` and
    ``occurred_at``, which record the wall-clock time of each run and so legitimately differ
    between two separate first runs; everything else (row ids included) must be equal."""
    dumps = []
    for n in (1, 2):
        db = tmp_path / f"m{n}.db"
        proc = cli("extract", str(corpus_copy), "--db", str(db), "--jsonl", str(tmp_path / f"f{n}.jsonl"))
        assert proc.returncode == 0, proc.stderr
        dumps.append(dump(db, exclude_columns=frozenset({"extracted_at", "occurred_at"})))
    # FTS shadow tables store the indexed rows, not timestamps; but the rowid-keyed
    # docsize/data blobs are compared as well.
    assert dumps[0] == dumps[1]
    assert (tmp_path / "f1.jsonl").read_bytes() == (tmp_path / "f2.jsonl").read_bytes()


# --- bad input -----------------------------------------------------------------------------


@pytest.fixture()
def bad_folder(tmp_path: Path) -> Path:
    if not (CORPUS / f"{SEED_000}.txt").is_file():
        pytest.skip(f"{CORPUS} does not hold seed {SEED_000}")
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CORPUS / f"{SEED_000}.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\xff\xfe\x00\x03\x00>\x00" * 20)
    (folder / "utf16.txt").write_bytes(MY_STORY.encode("utf-16"))
    assert (folder / "utf16.txt").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    (folder / "legacy.txt").write_bytes(to_cp1258(MY_STORY))
    good_line = json.dumps({"id": "jsonl-good", "text": MY_STORY}, ensure_ascii=False)
    (folder / "lines.jsonl").write_text(good_line + "\n" + '{"id": "jsonl-bad", "text": "Chiều 8/1\n',
                                        encoding="utf-8")
    return folder


BAD = {"empty.txt": None, "binary.txt": None, "lines.jsonl": 2}
GOOD_IDS = {"good", "utf16", "legacy", "jsonl-good"}


def test_bad_input_reported_and_good_articles_kept(bad_folder: Path, tmp_path: Path):
    db = tmp_path / "m.db"
    proc = cli("extract", str(bad_folder), "--db", str(db), "--jsonl", str(tmp_path / "f.jsonl"))
    assert proc.returncode != 0
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith("error")]
    assert len(error_lines) == len(BAD), proc.stderr
    for name, line in BAD.items():
        naming = [e for e in error_lines if name in e]
        assert len(naming) == 1, f"expected one stderr line naming {name}:\n{proc.stderr}"
        if line is not None:
            assert f"{name}:{line}" in naming[0]
    for good in ("good.txt", "utf16.txt", "legacy.txt"):
        assert not any(good in e for e in error_lines), proc.stderr

    errors = rows(db, "select path, line, message from errors")
    assert len(errors) == len(BAD)
    for name, line in BAD.items():
        hits = [e for e in errors if e[0] and Path(e[0]).name == name]
        assert len(hits) == 1, errors
        assert hits[0][1] == line
        assert hits[0][2]

    ids = {r[0] for r in rows(db, "select id from articles")}
    assert ids == GOOD_IDS
    # the legacy encodings were decoded into the same text as the one written
    for article_id in ("utf16", "legacy", "jsonl-good"):
        (text,) = rows(db, "select text from articles where id = ?", (article_id,))[0]
        assert "Nguyễn Văn Tám" in text and "quần chúng" in text
        assert rows(db, "select date, province from meetings where article_id = ?", (article_id,)) == \
            [("2025-01-08", "Bến Tre")]
        assert rows(db, "select name from officials where article_id = ?", (article_id,)) == [("Nguyễn Văn Tám",)]
    jsonl_ids = {json.loads(l)["id"] for l in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()}
    assert jsonl_ids == GOOD_IDS


def test_existing_articles_survive_a_later_bad_run(corpus_copy: Path, bad_folder: Path, tmp_path: Path):
    db = tmp_path / "m.db"
    first = cli("extract", str(corpus_copy), "--db", str(db), "--jsonl", str(tmp_path / "a.jsonl"))
    assert first.returncode == 0, first.stderr
    before = dump(db)
    seed_ids = [r[0] for r in rows(db, "select id from articles order by id")]
    assert len(seed_ids) == 5

    # The later run also meets an empty file bearing an existing article's id.
    (bad_folder / f"{SEED_000}.txt").write_bytes(b"")
    second = cli("extract", str(bad_folder), "--db", str(db), "--jsonl", str(tmp_path / "b.jsonl"))
    assert second.returncode != 0
    assert any(f"{SEED_000}.txt" in line for line in second.stderr.splitlines()), second.stderr

    after = dump(db)
    for table in TABLES[:-1]:
        key = "id" if table == "articles" else "article_id"
        con = sqlite3.connect(db)
        try:
            cols = [d[1] for d in con.execute(f"pragma table_info({table})")]
        finally:
            con.close()
        k = cols.index(key)
        old = [r for r in before[table] if r[k] in seed_ids]
        new = [r for r in after[table] if r[k] in seed_ids]
        if table in ("articles", "meetings", "officials"):
            assert len(old) >= 5, f"{table}: the first run should have stored rows for every seed"
        assert new == old, f"{table}: rows of earlier articles changed"
    ids = {r[0] for r in rows(db, "select id from articles")}
    assert ids == set(seed_ids) | GOOD_IDS


# --- schema and evaluate -------------------------------------------------------------------


def test_schema_command_prints_json_schema():
    proc = cli("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    assert schema.get("type") == "object"
    for name in ("id", "source", "published", "meeting", "officials", "association_counts",
                 "documents", "directives"):
        assert name in schema["properties"], name
    assert "id" in schema.get("required", [])


def test_evaluate_command_prints_table(tmp_path: Path):
    seeds, dev, gold = SHARED / "seeds", SHARED / "dev", SHARED / "gold"
    if not (seeds.is_dir() and dev.is_dir() and gold.is_dir()):
        pytest.skip(f"{SHARED} (seeds, dev, gold) not present beside the project")
    pred = tmp_path / "pred.jsonl"
    ex = cli("extract", str(seeds), str(dev), "--db", str(tmp_path / "e.db"), "--jsonl", str(pred))
    assert ex.returncode == 0, ex.stderr
    proc = cli("evaluate", "--gold", str(gold), "--pred", str(pred), "--ids-from", str(dev))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    n_dev = len(list(dev.glob("*.txt")))
    assert f"{n_dev} scored, 0 without prediction" in proc.stdout
    for name in ("meeting.date", "meeting.province", "officials", "documents", "directives"):
        assert any(line.split()[:1] == [name] for line in lines), f"{name} row missing:\n{proc.stdout}"
