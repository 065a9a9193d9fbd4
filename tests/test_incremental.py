"""Re-running on a growing corpus: skipping, replacing, pruning, and always the same
database as a clean run on the final corpus (``dbcompare.logical_dump``)."""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.dbcompare import assert_same, check_whole_articles, make_corpus, source_texts, write_jsonl
from pipeline import run as run_module
from pipeline.run import run

TEXTS = source_texts()


def extract(inputs, db, jsonl=None, **options):
    log = io.StringIO()
    summary = run([str(p) for p in inputs], db, jsonl, log=log, progress=False, **options)
    return summary, log.getvalue()


def ids(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    try:
        return {r[0] for r in con.execute("select id from articles")}
    finally:
        con.close()


def errors(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute("select path, line, article_id from errors").fetchall(), key=repr)
    finally:
        con.close()


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = make_corpus(tmp_path / "corpus", 8)
    write_jsonl(folder / "batch.jsonl", [
        {"id": "j1", "text": TEXTS[1]},
        "{not json",
        {"id": "j2", "text": TEXTS[2], "url": "https://baodongkhoi.vn/x.html"},
    ])
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_rerun_after_adds_edits_and_deletes_equals_a_clean_run(corpus: Path, tmp_path: Path):
    db = tmp_path / "incremental.db"
    first, _ = extract([corpus], db, jobs=2)  # worker processes, even for a small corpus
    assert first.articles == 10 and first.errors == 2
    # a sequence of changes: add, edit, delete, in files and in JSONL lines
    make_corpus(corpus / "sub", 3, prefix="new")
    (corpus / "a00001.txt").write_text(TEXTS[5] + "\nThêm một đoạn.\n", encoding="utf-8")
    (corpus / "a00002.txt").unlink()
    second, _ = extract([corpus], db, prune=True)
    assert second.pruned == 1 and second.unchanged == 8
    write_jsonl(corpus / "batch.jsonl", [
        {"id": "j0", "text": TEXTS[3]},  # lines shift: j2 is now on line 3
        {"id": "j1", "text": TEXTS[1]},
        {"id": "j2", "text": TEXTS[2], "url": "https://baodongkhoi.vn/x.html"},
        '{"id": "bad"',
    ])
    (corpus / "empty.txt").write_text(TEXTS[4], encoding="utf-8")  # the bad file is fixed
    shutil.rmtree(corpus / "sub")
    (corpus / "a00003.txt").rename(corpus / "moved.txt")
    third, _ = extract([corpus], db, jobs=1, prune=True)
    assert third.pruned == 4  # sub/ (3) and a00003
    assert third.unchanged == 8 and third.articles == 3  # j0, empty, moved

    clean = tmp_path / "clean.db"
    extract([corpus], clean, jobs=1)
    assert_same(db, clean)
    check_whole_articles(db)
    assert errors(db) == [(str(corpus / "batch.jsonl"), 4, None)]


def test_unchanged_inputs_are_skipped_before_extraction(corpus: Path, tmp_path: Path, monkeypatch):
    db = tmp_path / "m.db"
    extract([corpus], db)
    calls = []
    monkeypatch.setattr("pipeline.worker.extract_one", lambda raw: calls.append(raw))
    second, _ = extract([corpus], db)
    assert calls == [] and second.unchanged == 10 and second.articles == 0
    assert second.errors == 2  # the bad inputs are read and reported again


def test_new_rules_reextract_everything(corpus: Path, tmp_path: Path, monkeypatch):
    db = tmp_path / "m.db"
    extract([corpus], db)
    monkeypatch.setattr(run_module, "rules_fingerprint", lambda: "rules of a later version")
    again, _ = extract([corpus], db)
    assert again.unchanged == 0 and again.articles == 10
    monkeypatch.undo()
    clean = tmp_path / "clean.db"
    extract([corpus], clean)
    again, _ = extract([corpus], db)  # back to the current rules: hashes updated in place
    assert again.articles == 10
    assert_same(db, clean)


def test_changed_article_is_replaced_and_jsonl_mirrors_the_database(tmp_path: Path):
    a, b = make_corpus(tmp_path / "a", 3, "a"), make_corpus(tmp_path / "b", 2, "b")
    db, jsonl = tmp_path / "m.db", tmp_path / "facts.jsonl"
    extract([a], db, jsonl)
    extract([b], db, jsonl)  # no --prune: a's articles stay, and stay in the export
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == sorted(ids(db)) == ["a00000", "a00001", "a00002",
                                                            "b00000", "b00001"]
    (a / "a00000.txt").write_text("Chiều 8/1/2025, Phó Bí thư Tỉnh ủy Nguyễn Văn Tám chủ trì "
                                  "buổi làm việc với các hội quần chúng tỉnh Bến Tre.\n",
                                  encoding="utf-8")
    summary, _ = extract([a], db, jsonl)
    assert summary.articles == 1 and summary.unchanged == 2
    record = next(json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()
                  if json.loads(line)["id"] == "a00000")
    assert [o["name"] for o in record["officials"]] == ["Nguyễn Văn Tám"]
    con = sqlite3.connect(db)
    try:
        assert con.execute("select count(*) from officials where article_id = 'a00000'").fetchone() == (1,)
    finally:
        con.close()


def test_errors_of_one_jsonl_line_survive_the_good_lines_after_it(tmp_path: Path):
    batch = write_jsonl(tmp_path / "batch.jsonl", ["[1, 2]", {"id": "ok", "text": TEXTS[0]}])
    db = tmp_path / "m.db"
    for _ in range(2):
        summary, log = extract([batch], db)
        assert summary.errors == 1 and f"{batch}:1" in log
        assert errors(db) == [(str(batch), 1, None)]


def test_prune_forgets_errors_of_gone_files(corpus: Path, tmp_path: Path):
    db = tmp_path / "m.db"
    extract([corpus], db)
    (corpus / "empty.txt").unlink()
    summary, _ = extract([corpus], db, prune=True)
    assert summary.pruned == 0
    assert errors(db) == [(str(corpus / "batch.jsonl"), 2, None)]


def test_a_worker_that_dies_costs_only_its_article(tmp_path: Path, monkeypatch):
    """A crash in native code kills the worker process: the batch is retried article by
    article, the culprit is recorded as an error, the rest is stored."""
    if not hasattr(os, "fork"):
        pytest.skip("needs fork to carry the patched function into the workers")
    folder = make_corpus(tmp_path / "c", 12)
    shutil.copy(folder / "a00005.txt", folder / "crash.txt")
    import pipeline.clean

    real = pipeline.clean.clean_story

    def clean_story(raw):
        if raw.id == "crash":
            os._exit(3)
        return real(raw)

    monkeypatch.setattr(pipeline.clean, "clean_story", clean_story)
    db = tmp_path / "m.db"
    summary, log = extract([folder], db, jobs=2)
    assert summary.articles == 12 and summary.errors == 1
    assert "crash.txt" in log and "worker process died" in log
    assert len(ids(db)) == 12
    check_whole_articles(db)


def test_one_id_in_two_files_is_refused_the_second_time(tmp_path: Path):
    """Two inputs with one id: the first is stored, the second refused with an error naming
    both, on every run; the first is not re-extracted."""
    corpus = tmp_path / "corpus"
    for folder, text in (("sub1", TEXTS[0]), ("sub2", TEXTS[1])):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "same.txt").write_text(text, encoding="utf-8")
    first, second = corpus / "sub1" / "same.txt", corpus / "sub2" / "same.txt"
    db = tmp_path / "m.db"
    for unchanged in (0, 1):
        summary, log = extract([corpus], db, jobs=2)
        assert (summary.articles, summary.unchanged, summary.errors) == (1 - unchanged, unchanged, 1)
        assert log.strip() == (f"error: {second}: id 'same' was already read from {first} "
                               "in this run: refused (an id names one article)")
    con = sqlite3.connect(db)
    try:
        assert con.execute("select path from articles").fetchall() == [(str(first),)]
        assert con.execute("select path, article_id from errors").fetchall() == [(str(second), "same")]
    finally:
        con.close()


def test_one_id_twice_in_jsonl_is_refused_the_second_time(tmp_path: Path):
    batch = write_jsonl(tmp_path / "b.jsonl", [{"id": "j1", "text": TEXTS[0]},
                                               {"id": "j2", "text": TEXTS[1]},
                                               {"id": "j1", "text": TEXTS[2]}])
    db = tmp_path / "m.db"
    summary, log = extract([batch], db)
    assert (summary.articles, summary.errors) == (2, 1)
    assert f"error: {batch}:3: id 'j1' was already read from {batch}:1 in this run" in log
    assert errors(db) == [(str(batch), 3, "j1")]


def test_an_id_met_again_in_a_later_lookup_batch_is_refused(tmp_path: Path):
    """Ids are met a lookup batch at a time (``run.LOOKUP_BATCH``): an id again in a later
    batch, and twice in that batch, names where it was first read."""
    from pipeline.run import LOOKUP_BATCH

    records = [{"id": f"j{i}", "text": "không phải bài về hội"} for i in range(LOOKUP_BATCH + 5)]
    records += [{"id": "j3", "text": "lần hai"}, {"id": "j3", "text": "lần ba"}]
    batch = write_jsonl(tmp_path / "b.jsonl", records)
    summary, log = extract([batch], tmp_path / "m.db")
    assert (summary.articles, summary.errors) == (LOOKUP_BATCH + 5, 2)
    for line in (LOOKUP_BATCH + 6, LOOKUP_BATCH + 7):
        assert f"error: {batch}:{line}: id 'j3' was already read from {batch}:4 in this run" in log


def test_a_jsonl_line_is_unchanged_while_its_bytes_are(tmp_path: Path):
    """A JSONL article is hashed as its line's bytes (``RawArticle.line_digest``): moved to
    another line it is skipped; written again with the same values it is read again, and
    nothing it stored changes; another file, or other bytes, are read again."""
    records = [{"id": f"j{i}", "text": TEXTS[i]} for i in (1, 2, 3)]
    batch = write_jsonl(tmp_path / "b.jsonl", records)
    db = tmp_path / "m.db"
    first, _ = extract([batch], db)
    assert first.articles == 3
    j1, j2, j3 = batch.read_bytes().splitlines(keepends=True)
    respaced = json.dumps(records[1], ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    edited = json.dumps(dict(records[2], text=TEXTS[4]), ensure_ascii=False).encode() + b"\n"
    assert respaced != j2 and json.loads(respaced) == json.loads(j2)
    batch.write_bytes(respaced + edited + j1)
    again, _ = extract([batch], db)
    assert (again.unchanged, again.articles) == (1, 2)
    clean = tmp_path / "clean.db"
    extract([batch], clean)
    assert_same(db, clean)
    assert extract([batch], db)[0].unchanged == 3
    moved = tmp_path / "moved.jsonl"
    batch.replace(moved)
    assert extract([moved], db)[0].unchanged == 0
