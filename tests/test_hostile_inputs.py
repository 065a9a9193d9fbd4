"""Hostile inputs (property-based, hypothesis): arbitrary Unicode, control characters, huge
numbers, deeply nested HTML, undecodable bytes, and files above the size limit.

Properties: no exception escapes ``run()`` or any extractor; every input ends up either as
an article (with its meeting row) or as a row in ``errors``; a good article beside the
hostile ones is never lost.
"""
from __future__ import annotations

import io
import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.dbcompare import check_whole_articles, source_texts
from pipeline.clean import Story, clean_story
from pipeline.extract import Pipeline, extract
from pipeline.ingest import MAX_BYTES, IngestError, RawArticle, iter_articles
from pipeline.run import run
from pipeline.schema import Article

CHAIN = Pipeline()

GOOD = source_texts()[0]

control_text = st.text(st.characters(max_codepoint=0x9F) | st.sampled_from(
    "\u200b\u200e\u202e\u2028\u2029\ufeff\ufffd\u0301\u0323\U0001F600"), max_size=300)
vietnamese_text = st.text(st.sampled_from(list(
    "aăâđeêioôơuưyáàảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựĐBHTQ0123456789 /.,:;-–\n\"'()")),
    max_size=400)
huge_numbers = st.integers(min_value=10**19, max_value=10**400).map(lambda n: (
    f"Chiều {n}/{n}/{n}, toàn tỉnh có {n} hội quần chúng, thành lập mới {n:,} hội. "
    f"Quyết định số {n}-QĐ/TU ngày {n}-{n}-{n} của Ban Thường vụ Tỉnh ủy.").replace(",", "."))
nested_html = st.integers(min_value=300, max_value=6000).map(lambda depth: (
    "<html><head><title>Hội nghị</title></head><body>" + "<div>" * depth
    + "<p>Chiều 8/1/2025, Bí thư Tỉnh ủy Nguyễn Văn Tám làm việc với các hội.</p>"
    + "</div>" * depth + "</body></html>"))
anything = st.one_of(st.text(max_size=500), control_text, vietnamese_text, huge_numbers, nested_html)

SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def story(text: str) -> Story:
    return Story(id="h", text=text, title=None, url=None, published=None, source_hint=None, path="h.txt")


@SETTINGS
@given(text=anything)
def test_every_extractor_takes_any_text(text):
    assert isinstance(extract(story(text)), Article)
    assert isinstance(extract(clean_story(RawArticle("h", "h.txt", text, None))), Article)
    assert isinstance(extract(clean_story(RawArticle("h", "h.html", None, text))), Article)
    doc = CHAIN.run(story(text))
    assert all(0 <= s.start <= s.end <= len(doc.text) for s in doc.spans)


def _files(draw_contents: list[tuple[str, object]], folder: Path) -> None:
    for i, (suffix, content) in enumerate(draw_contents):
        path = folder / f"in{i}{suffix}"
        if suffix == ".jsonl":
            lines = []
            for j, value in enumerate(content):
                if isinstance(value, bytes):
                    lines.append(value.replace(b"\n", b" "))
                else:
                    key = "html" if j % 2 else "text"
                    lines.append(json.dumps({"id": f"in{i}_{j}", key: value}).encode())
            path.write_bytes(b"\n".join(lines) + b"\n")
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


inputs = st.lists(st.one_of(
    st.tuples(st.sampled_from([".txt", ".html"]), st.one_of(anything, st.binary(max_size=300))),
    st.tuples(st.just(".jsonl"), st.lists(st.one_of(anything, st.binary(max_size=100)),
                                          min_size=1, max_size=3)),
), min_size=1, max_size=4)


@SETTINGS
@given(contents=inputs)
def test_run_survives_any_input_and_loses_nothing(contents):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        _files(contents, folder)
        (folder / "zz_good.txt").write_text(GOOD, encoding="utf-8")
        db = Path(tmp) / "m.db"
        log = io.StringIO()
        summary = run([folder], db, Path(tmp) / "f.jsonl", log=log, jobs=1, progress=False)

        con = sqlite3.connect(db)
        try:
            stored = {r[0] for r in con.execute("select id from articles")}
            failed = {(r[0], r[1]) for r in con.execute("select path, line from errors")}
            error_count = con.execute("select count(*) from errors").fetchone()[0]
        finally:
            con.close()
        assert "zz_good" in stored
        for item in iter_articles([folder]):
            if isinstance(item, IngestError):
                assert (item.path, item.line) in failed, item
            else:
                assert item.id in stored or (item.path, item.line) in failed, item.id
        assert summary.articles == len(stored)
        assert summary.errors == error_count == log.getvalue().count("error: ")
        check_whole_articles(db)


def test_a_50_mb_file_is_refused_with_the_size_limit(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    with (folder / "huge.txt").open("wb") as f:  # sparse: the size is checked before reading
        f.truncate(50 * 2**20)
    (folder / "long.jsonl").write_bytes(
        b'{"id": "long", "text": "' + b"a" * (MAX_BYTES + 10) + b'"}\n'
        + json.dumps({"id": "short", "text": GOOD}).encode() + b"\n")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db, log = tmp_path / "m.db", io.StringIO()
    summary = run([folder], db, None, log=log, jobs=1, progress=False)
    assert summary.errors == 2 and summary.articles == 2
    assert "huge.txt: file is 50.0 MB, above the 5 MB limit" in log.getvalue()
    assert "long.jsonl:1: line is 5.0 MB, above the 5 MB limit" in log.getvalue()
    con = sqlite3.connect(db)
    try:
        assert {r[0] for r in con.execute("select id from articles")} == {"good", "short"}
    finally:
        con.close()


def test_unpaired_surrogates_in_jsonl_are_refused(tmp_path: Path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "s1", "text": "H\\ud800i"}\n{"id": "\\udc00"}\n'
                     + json.dumps({"id": "ok", "text": GOOD}) + "\n", encoding="utf-8")
    db, log = tmp_path / "m.db", io.StringIO()
    summary = run([batch], db, None, log=log, jobs=1, progress=False)
    assert summary.errors == 2 and summary.articles == 1
    assert "surrogate" in log.getvalue()


def test_a_number_sqlite_cannot_hold_is_an_error_of_that_article_only(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "huge.txt").write_text(
        "Chiều 8/1/2025, Bí thư Tỉnh ủy Nguyễn Văn Tám làm việc với các hội quần chúng tỉnh "
        f"Bến Tre. Toàn tỉnh có {10**30} hội quần chúng.\n", encoding="utf-8")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    db, log = tmp_path / "m.db", io.StringIO()
    summary = run([folder], db, None, log=log, jobs=1, progress=False)
    assert summary.errors == 1 and summary.articles == 1
    assert "huge.txt: cannot store: OverflowError" in log.getvalue()
    check_whole_articles(db)
