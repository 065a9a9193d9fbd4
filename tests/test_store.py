"""pipeline.store: schema, idempotent upserts, child-row replacement, errors, FTS."""
from __future__ import annotations

import json
import sqlite3

import pytest

from pipeline.schema import (
    Article,
    AssociationCount,
    Directive,
    Document,
    Evidence,
    Meeting,
    Official,
)
from pipeline.store import Store

CHILD_TABLES = ["meetings", "officials", "association_counts", "documents", "directives", "spans"]


def evidence(text: str, sentence: str) -> Evidence:
    start = text.index(sentence)
    return Evidence(sentence=sentence, start=start, end=start + len(sentence))


def make_article(article_id: str = "a1", directive: str = "rà soát lại hoạt động của các hội") -> Article:
    """A hand-written article about a made-up working session."""
    s1 = "Chiều 5/3/2024, Phó Bí thư Tỉnh ủy Lê Văn Minh chủ trì buổi làm việc với các hội tại tỉnh An Giang."
    s2 = "Toàn tỉnh hiện có 210 hội, trong đó 7 hội mới thành lập theo Quyết định 120-QĐ/TU."
    s3 = f"Đồng chí Lê Văn Minh yêu cầu {directive}."
    s4 = "Bà Phạm Thị Hoa, Giám đốc Sở Nội vụ, báo cáo tình hình."
    text = " ".join([s1, s2, s3, s4])
    return Article(
        id=article_id,
        source="example.vn",
        published="2024-03-06",
        path=f"corpus/{article_id}.txt",
        url=f"https://example.vn/{article_id}",
        title="Lê Văn Minh làm việc với các hội",
        text=text,
        meeting=Meeting(
            date="2024-03-05",
            time_of_day="chiều",
            province="An Giang",
            level="province",
            kind="làm việc",
            province_after_2025="An Giang",
            evidence=evidence(text, s1),
        ),
        officials=[
            Official(
                name="Lê Văn Minh",
                titles=["Phó Bí thư Tỉnh ủy"],
                role="chair",
                evidence=evidence(text, s1),
            ),
            Official(
                name="Phạm Thị Hoa",
                titles=["Giám đốc Sở Nội vụ"],
                role="speaker",
                evidence=evidence(text, s4),
            ),
        ],
        association_counts=[
            AssociationCount(count=210, subject="hội", kind="total", evidence=evidence(text, s2)),
            AssociationCount(count=7, subject="hội", kind="new", evidence=evidence(text, s2)),
        ],
        documents=[
            Document(type="Quyết định", number="120-QĐ/TU", evidence=evidence(text, s2)),
        ],
        directives=[
            Directive(speaker="Lê Văn Minh", text=directive, evidence=evidence(text, s3)),
        ],
    )


def dump(path) -> dict[str, list[tuple]]:
    """Every row of every table, shadow FTS tables included, in storage order."""
    conn = sqlite3.connect(str(path))
    try:
        names = [
            row[0]
            for row in conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        tables = {}
        for name in names:
            try:
                tables[name] = conn.execute(f'select rowid, * from "{name}" order by rowid').fetchall()
            except sqlite3.OperationalError:  # WITHOUT ROWID tables
                tables[name] = sorted(conn.execute(f'select * from "{name}"').fetchall(), key=repr)
        tables["sqlite_master"] = conn.execute(
            "select type, name, tbl_name, sql from sqlite_master order by name"
        ).fetchall()
        return tables
    finally:
        conn.close()


def rows(path, sql, params=()):
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "nested" / "meetings.db"


def test_schema_tables_keys_indexes_fts(db_path):
    with Store(db_path) as store:
        store.ensure_schema()  # a second call is harmless
    assert db_path.exists()

    conn = sqlite3.connect(str(db_path))
    master = {
        (row[0], row[1]): row[2]
        for row in conn.execute("select type, name, sql from sqlite_master")
    }
    tables = {name for (kind, name) in master if kind == "table"}
    assert {"articles", "errors", *CHILD_TABLES} <= tables

    def pks(table):
        return [r[1] for r in conn.execute(f"pragma table_info({table})") if r[5]]

    assert pks("articles") == ["id"]
    assert pks("meetings") == ["article_id"]
    for table in ["officials", "association_counts", "documents", "directives", "errors"]:
        assert pks(table) == ["id"]

    types = {r[1]: r[2] for r in conn.execute("pragma table_info(meetings)")}
    assert types["year"] == "INTEGER" and types["month"] == "TEXT"

    for table in CHILD_TABLES:
        fks = [(r[2], r[3], r[4]) for r in conn.execute(f"pragma foreign_key_list({table})")]
        assert fks == [("articles", "article_id", "id")], table

    indexed = set()
    for (kind, name), _sql in master.items():
        if kind == "index" and not name.startswith("sqlite_autoindex"):
            table = conn.execute(
                "select tbl_name from sqlite_master where name = ?", [name]
            ).fetchone()[0]
            columns = tuple(r[2] for r in conn.execute(f'pragma index_info("{name}")'))
            indexed.add((table, columns))
    for expected in [
        ("meetings", ("province",)),
        ("meetings", ("level",)),
        ("meetings", ("year",)),
        ("meetings", ("date",)),
        ("officials", ("name",)),
        ("officials", ("role",)),
        ("officials", ("article_id", "name")),
        ("documents", ("number",)),
        ("documents", ("type",)),
        ("directives", ("speaker",)),
        ("association_counts", ("kind",)),
    ]:
        assert expected in indexed, expected
    unique = [r for r in conn.execute("pragma index_list(officials)") if r[2]]
    assert any(r[1] == "idx_officials_article_id_name" for r in unique)

    assert "USING FTS5" in master[("table", "articles_fts")]
    assert "USING FTS5" in master[("table", "directives_fts")]
    for table in ["articles", "directives"]:
        for suffix in ["_ad", "_au"]:
            assert ("trigger", table + suffix) in master
    # new articles are indexed by the store (a batch at a time), new directives by a trigger
    assert ("trigger", "directives_ai") in master and ("trigger", "articles_ai") not in master
    conn.close()


def test_write_fills_every_table(db_path):
    article = make_article()
    with Store(db_path) as store:
        assert store.write(article) is True
        assert [r[0] for r in store.db.execute("select id from articles order by id")] == ["a1"]

    assert rows(db_path, "select id, source, published, title from articles") == [
        ("a1", "example.vn", "2024-03-06", "Lê Văn Minh làm việc với các hội")
    ]
    meeting = rows(
        db_path,
        "select date, year, month, time_of_day, province, level, kind, "
        "evidence_sentence, evidence_start, evidence_end from meetings",
    )[0]
    assert meeting[:7] == ("2024-03-05", 2024, "2024-03", "chiều", "An Giang", "province", "làm việc")
    assert article.text[meeting[8] : meeting[9]] == meeting[7]

    officials = rows(db_path, "select name, titles, title, role from officials order by id")
    assert officials == [
        ("Lê Văn Minh", json.dumps(["Phó Bí thư Tỉnh ủy"], ensure_ascii=False), "Phó Bí thư Tỉnh ủy", "chair"),
        ("Phạm Thị Hoa", json.dumps(["Giám đốc Sở Nội vụ"], ensure_ascii=False), "Giám đốc Sở Nội vụ", "speaker"),
    ]
    assert rows(db_path, "select count, subject, kind from association_counts order by id") == [
        (210, "hội", "total"),
        (7, "hội", "new"),
    ]
    assert rows(db_path, "select type, number, date, issuer from documents") == [
        ("Quyết định", "120-QĐ/TU", None, None)
    ]
    assert rows(db_path, "select speaker, text from directives") == [
        ("Lê Văn Minh", "rà soát lại hoạt động của các hội")
    ]


def test_upsert_twice_gives_identical_database(db_path, tmp_path):
    articles = [make_article("a1"), make_article("a2", "đẩy mạnh tuyên truyền pháp luật")]
    with Store(db_path) as store:
        for article in articles:
            store.write(article)
    first = dump(db_path)

    with Store(db_path) as store:  # re-extracting the same corpus
        for article in articles:
            assert store.write(article) is False
    assert dump(db_path) == first
    assert rows(db_path, "select count(*) from officials") == [(4,)]

    # a fresh database built from the same articles at the same time is identical too
    other = tmp_path / "other.db"
    with Store(other) as store:
        for article in articles:
            store.write(article, extracted_at=rows(db_path, "select extracted_at from articles where id = ?", [article.id])[0][0])
    assert dump(other) == first


def test_changed_facts_replace_child_rows(db_path):
    with Store(db_path) as store:
        store.write(make_article("a1"))
        store.write(make_article("a2"))
        changed = make_article("a1", "giải thể các hội không còn hoạt động")
        changed.officials = changed.officials[:1]
        changed.documents = []
        changed.meeting.province = "Kiên Giang"
        assert store.write(changed) is True

    assert rows(db_path, "select count(*) from articles") == [(2,)]
    assert rows(db_path, "select article_id, name from officials order by id") == [
        ("a2", "Lê Văn Minh"),
        ("a2", "Phạm Thị Hoa"),
        ("a1", "Lê Văn Minh"),
    ]
    assert rows(db_path, "select article_id from documents") == [("a2",)]
    assert rows(db_path, "select article_id, text from directives where article_id = 'a1'") == [
        ("a1", "giải thể các hội không còn hoạt động")
    ]
    assert rows(db_path, "select province from meetings where article_id = 'a1'") == [("Kiên Giang",)]
    assert rows(db_path, "select count(*) from meetings") == [(2,)]
    # the FTS index follows the replacement
    assert rows(db_path, "select count(*) from directives_fts where directives_fts match 'rà soát'") == [(1,)]
    assert rows(db_path, "select count(*) from directives_fts where directives_fts match 'giải thể'") == [(1,)]


def test_repeated_official_is_merged(db_path):
    article = make_article()
    article.officials.append(
        Official(name="Lê Văn Minh", titles=["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"], role="speaker")
    )
    with Store(db_path) as store:
        store.write(article)
    assert rows(db_path, "select name, title, role from officials where name = 'Lê Văn Minh'") == [
        ("Lê Văn Minh", "Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh", "chair")
    ]


def test_errors_are_recorded_once_and_cleared(db_path):
    with Store(db_path) as store:
        store.write_error("corpus/a1.txt", "could not decode", article_id="a1")
        store.write_error("corpus/a1.txt", "could not decode", article_id="a1")
        store.write_error("corpus/batch.jsonl", "invalid JSON", line=3)
        store.write_error("corpus/batch.jsonl", "invalid JSON", line=3)
        store.write_error("corpus/batch.jsonl", "invalid JSON", line=4)
        assert rows(db_path, "select path, line, message from errors order by id") == [
            ("corpus/a1.txt", None, "could not decode"),
            ("corpus/batch.jsonl", 3, "invalid JSON"),
            ("corpus/batch.jsonl", 4, "invalid JSON"),
        ]
        occurred = rows(db_path, "select occurred_at from errors")[0][0]
        assert occurred.endswith("Z")

        store.write(make_article("a1"))  # a later success clears the article's errors
        assert rows(db_path, "select path, line from errors order by id") == [
            ("corpus/batch.jsonl", 3),
            ("corpus/batch.jsonl", 4),
        ]


def test_failed_write_rolls_back_only_that_article(db_path):
    with Store(db_path) as store:
        store.write(make_article("a1"))
        store.db.execute(
            "create trigger fail_on_boom before insert on directives "
            "when new.text = 'BOOM' begin select raise(abort, 'boom'); end"
        )
        before = dump(db_path)
        broken = make_article("a1", "BOOM")
        broken.meeting.province = "Cà Mau"
        with pytest.raises(sqlite3.IntegrityError):
            store.write(broken)
        assert dump(db_path) == before  # a1 untouched

        store.write(make_article("a2"))  # the next article still goes in
        assert [r[0] for r in store.db.execute("select id from articles order by id")] == ["a1", "a2"]
    assert rows(db_path, "select province from meetings order by article_id") == [
        ("An Giang",),
        ("An Giang",),
    ]


def test_fts_finds_directive_word(db_path):
    with Store(db_path) as store:
        store.write(make_article("a1", "rà soát lại hoạt động của các hội"))
        store.write(make_article("a2", "đẩy mạnh tuyên truyền pháp luật"))
        found = list(store.db.table("directives").search("tuyên truyền"))
        assert [row["article_id"] for row in found] == ["a2"]

    def search(table, query):
        return rows(
            db_path,
            f"select article_id from {table} where rowid in "
            f"(select rowid from {table}_fts where {table}_fts match ?) order by article_id",
            [query],
        )

    assert search("directives", "tuyên truyền") == [("a2",)]
    assert search("directives", "tuyen truyen") == [("a2",)]  # accents folded
    assert rows(
        db_path,
        "select id from articles where rowid in "
        "(select rowid from articles_fts where articles_fts match ?) order by id",
        ["soát"],
    ) == [("a1",)]


def _articles_matching(db_path, query):
    return [r[0] for r in rows(db_path, "select id from articles where rowid in (select rowid from "
                                        "articles_fts where articles_fts match ?) order by id", [query])]


def _fts_intact(db_path):
    con = sqlite3.connect(db_path)
    try:
        con.execute("insert into articles_fts(articles_fts, rank) values('integrity-check', 1)")
        return con.execute("select count(*) from articles_fts_docsize").fetchone()[0]  # indexed
    finally:
        con.close()


def _write_new(store, article, **kw):
    from pipeline.store import article_record, article_rows
    return store.write_rows(article_rows(article), article_record(article), new=True, **kw)


def test_a_batch_indexes_its_new_articles_at_its_end(db_path):
    from pipeline.store import article_record, article_rows

    with Store(db_path) as store:
        store.write(make_article("a0", "đẩy mạnh tuyên truyền pháp luật"))  # outside a batch: at once
        with store.batch():
            _write_new(store, make_article("a1", "tăng cường kiểm tra"))
            _write_new(store, make_article("a3", "tăng cường giám sát"))
            # not in the index until the batch ends
            assert store.db.execute("select count(*) from articles_fts_docsize").fetchone()[0] == 1
            changed = make_article("a1", "củng cố tổ chức hội")  # again, changed, in the same batch
            changed.title = "Một tiêu đề khác"
            store.write_rows(article_rows(changed), article_record(changed))
        with store.batch():
            _write_new(store, make_article("a4", "phát triển hội viên"))
        store.delete_article("a0")
    assert _fts_intact(db_path) == 3
    assert _articles_matching(db_path, "phát triển") == ["a4"]
    assert _articles_matching(db_path, "tăng cường") == ["a3"]
    assert _articles_matching(db_path, "củng cố") == ["a1"] and _articles_matching(db_path, "khác") == ["a1"]
    assert _articles_matching(db_path, "pháp luật") == []


def test_a_failed_write_loses_its_batch_and_nothing_else(db_path):
    """No savepoint per article in a batch: a write that fails rolls the batch back; any
    later write in it, and its end, say so (the caller writes the articles again alone)."""
    from pipeline.store import BatchLost

    with Store(db_path) as store:
        store.write(make_article("a0", "đẩy mạnh tuyên truyền pháp luật"))
        store.db.execute("create trigger fail_on_boom before insert on directives "
                         "when new.text = 'BOOM' begin select raise(abort, 'boom'); end")
        with pytest.raises(BatchLost, match="boom"):
            with store.batch():
                _write_new(store, make_article("a1", "tăng cường kiểm tra"))
                with pytest.raises(sqlite3.IntegrityError):
                    _write_new(store, make_article("a2", "BOOM"))
                assert not store.db.conn.in_transaction
                with pytest.raises(BatchLost):
                    _write_new(store, make_article("a3", "tăng cường giám sát"))
        assert [r[0] for r in store.db.execute("select id from articles")] == ["a0"]
        _write_new(store, make_article("a1", "tăng cường kiểm tra"))  # again, alone
        with pytest.raises(sqlite3.IntegrityError):
            _write_new(store, make_article("a2", "BOOM"))
        with store.batch():  # the next batch is whole again
            _write_new(store, make_article("a3", "tăng cường giám sát"))
    assert rows(db_path, "select id from articles order by id") == [("a0",), ("a1",), ("a3",)]
    assert _fts_intact(db_path) == 3
    assert _articles_matching(db_path, "tăng cường") == ["a1", "a3"] and _articles_matching(db_path, "BOOM") == []


def test_a_database_whose_articles_had_an_insert_trigger_is_indexed_once(db_path):
    with Store(db_path) as store:
        store.write(make_article("a1"))
        store.db.table("articles").disable_fts()  # as written before the store fed the index
        store.db.table("articles").enable_fts(["title", "text"], create_triggers=True,
                                              tokenize="unicode61 remove_diacritics 2")
    with Store(db_path) as store:
        assert "articles_ai" not in {t.name for t in store.db.table("articles").triggers}
        store.write(make_article("a2"))
    assert _fts_intact(db_path) == 2
    assert _articles_matching(db_path, "soát") == ["a1", "a2"]
