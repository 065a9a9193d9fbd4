"""Store.refresh_links (pipeline/store/links.py): provinces, people, the links and views, after
real pipeline runs."""
from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path

import pytest

from pipeline.run import run
from pipeline.schema import Article, Evidence, Meeting, Official
from pipeline.store import Store, links

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))

LATER = """Tỉnh ủy Bến Tre làm việc với Hội Nông dân tỉnh
Sáng 12-3-2025, Bí thư Tỉnh ủy Trần Thanh Lâm chủ trì buổi làm việc với Hội Nông dân tỉnh Bến Tre.
Đồng chí Trần Thanh Lâm đề nghị các hội tăng cường công tác tuyên truyền đến hội viên.
"""


def extract(inputs, db):
    run(inputs, db, None, log=io.StringIO())
    with Store(db) as store:
        return store.refresh_links()


def officials(db):
    with Store(db) as store:
        return {
            (row["article_id"], row["name"]): (row["id"], row["person_id"])
            for row in store.db.table("officials").rows
        }


def test_provinces_table(tmp_path):
    with Store(tmp_path / "m.db") as store:
        links.ensure_provinces(store.db)
        links.ensure_provinces(store.db)  # idempotent
        rows = list(store.db.table("provinces").rows)
        assert sum(r["era"] == "pre2025" for r in rows) == 63
        assert sum(r["era"] == "post2025" for r in rows) == 34
        ben_tre = next(store.db.table("provinces").rows_where("name = 'Bến Tre'"))
        assert ben_tre["successor"] == "Vĩnh Long" and ben_tre["code"] == "83"
        assert ben_tre["region"] == "Đồng bằng sông Cửu Long"
        assert 9 < ben_tre["latitude"] < 11 and 105 < ben_tre["longitude"] < 107
        successor = store.db.table("provinces").get(ben_tre["successor_id"])
        assert (successor["name"], successor["era"]) == ("Vĩnh Long", "post2025")
        assert all(r["latitude"] is not None for r in rows)


def test_corpus_run_links_meetings_and_people(tmp_path):
    db = tmp_path / "meetings.db"
    counts = extract([CORPUS], db)
    assert counts["people"] == 11
    with Store(db) as store:
        meeting = store.db.table("meetings").get("000_a48eaa3ae488d65b")
        province = store.db.table("provinces").get(meeting["province_id"])
        assert (province["name"], province["era"]) == ("Bến Tre", "pre2025")
        fks = {(fk.column, fk.other_table) for fk in store.db.table("officials").foreign_keys}
        assert ("person_id", "people") in fks
        fks = {(fk.column, fk.other_table) for fk in store.db.table("meetings").foreign_keys}
        assert ("province_id", "provinces") in fks
        assert store.db.execute("select count(*) from officials where person_id is null").fetchone()[0] == 0
        lam = store.db.table("people").get("tran-thanh-lam--ben-tre")
        assert lam["home_province"] == "Bến Tre" and lam["level"] == "province"
        assert store.db.table("people").get("truong-thi-mai--central")["level"] == "central"
        views = set(store.db.view_names())
        assert {"person_appearances", "meetings_map", "meetings_per_month"} <= views
        assert store.db.execute("select count(*) from meetings_map").fetchone()[0] == 4
        assert store.db.execute("pragma foreign_key_check").fetchall() == []


def test_rerun_changes_nothing(tmp_path):
    db = tmp_path / "meetings.db"
    extract([CORPUS], db)
    before = officials(db)
    again = extract([CORPUS], db)
    assert again["changed"] == 0 and again["meetings_linked"] == 0
    assert officials(db) == before


def test_grown_corpus_keeps_person_ids(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEEDS[:3]:
        shutil.copy(path, corpus)
    db = tmp_path / "meetings.db"
    extract([corpus], db)
    first = {key: person for key, (_, person) in officials(db).items()}
    assert first[("000_a48eaa3ae488d65b", "Trần Thanh Lâm")] == "tran-thanh-lam--ben-tre"

    for path in SEEDS[3:]:
        shutil.copy(path, corpus)
    (corpus / "zz_later.txt").write_text(LATER, encoding="utf-8")
    extract([corpus], db)
    grown = {key: person for key, (_, person) in officials(db).items()}
    assert {key: grown[key] for key in first} == first
    assert grown[("zz_later", "Trần Thanh Lâm")] == "tran-thanh-lam--ben-tre"
    with Store(db) as store:
        history = list(store.db.query(
            "select date, title from person_appearances where person_id = ? order by date",
            ["tran-thanh-lam--ben-tre"],
        ))
    assert history == [
        {"date": "2025-01-08", "title": "Phó bí thư Thường trực Tỉnh ủy"},
        {"date": "2025-03-12", "title": "Bí thư Tỉnh ủy"},
    ]


def _article(article_id, date, province, name, titles):
    sentence = f"Ngày {date}, đồng chí {name} chủ trì buổi làm việc với các hội tại {province}."
    start = sentence.index(name)
    return Article(
        id=article_id, text=sentence, title=article_id,
        meeting=Meeting(date=date, province=province, level="province"),
        officials=[Official(name=name, titles=titles, role="chair",
                            evidence=Evidence(sentence=sentence, start=start, end=start + len(name)))],
    )


def test_an_absorbed_id_points_to_its_person(tmp_path):
    db = tmp_path / "meetings.db"
    with Store(db) as store:
        store.write(_article("after", "2025-08-20", "Vĩnh Long", "Hồ Văn Năm", ["Bí thư Tỉnh ủy"]))
        store.refresh_links()
        assert store.db.table("people").get("ho-van-nam--vinh-long--2025")["appearances"] == 1
        # an earlier article shows who that was before the merger
        store.write(_article("before", "2024-04-02", "Bến Tre", "Hồ Văn Năm", ["Phó Bí thư Tỉnh ủy"]))
        counts = store.refresh_links()
        assert counts["merged"] == 1
        old = store.db.table("people").get("ho-van-nam--vinh-long--2025")
        assert old["merged_into"] == "ho-van-nam--ben-tre" and old["appearances"] == 0
        person = store.db.table("people").get("ho-van-nam--ben-tre")
        assert person["appearances"] == 2 and person["merged_into"] is None
        # and when the articles go, so do the people
        store.delete_article("after")
        store.delete_article("before")
        store.refresh_links()
        assert store.db.table("people").count == 0


def test_write_ignores_derived_columns(tmp_path):
    db = tmp_path / "meetings.db"
    article = _article("a", "2024-04-02", "Bến Tre", "Hồ Văn Năm", ["Phó Bí thư Tỉnh ủy"])
    with Store(db) as store:
        assert store.write(article) is True
        store.refresh_links()
        assert store.write(article) is False  # person_id / province_id are not "changes"
        assert store.db.table("officials").get(1)["person_id"] == "ho-van-nam--ben-tre"


@pytest.mark.parametrize("province,date,expected", [
    ("Bến Tre", "2024-01-01", "pre2025-83"),
    ("Vĩnh Long", "2025-08-01", "post2025-86"),
    ("Vĩnh Long", "2024-08-01", "pre2025-86"),
    ("Huế", "2025-03-01", "pre2025-46"),
    ("Huế", "2025-08-01", "post2025-46"),
    (None, "2025-08-01", None),
])
def test_province_id_of(province, date, expected):
    from pipeline.store.links import province_id_of

    assert province_id_of(province, date) == expected


def test_ids_that_lost_their_merge_target_are_deleted(tmp_path):
    """An id merged into a person who then loses all appearances goes with it (both rows
    are deleted together: the merged one references the other)."""
    with Store(tmp_path / "meetings.db") as store:
        store.write(_article("bt", "2024-04-02", "Bến Tre", "Hồ Văn Năm", ["Phó Bí thư Tỉnh ủy"]))
        store.write(_article("tv", "2024-05-02", "Trà Vinh", "Hồ Văn Năm", ["Phó Chủ tịch UBND tỉnh"]))
        # two people in the units merged into Vĩnh Long: the post-merger one stands alone
        store.write(_article("after", "2025-08-20", "Vĩnh Long", "Hồ Văn Năm", ["Bí thư Tỉnh ủy"]))
        assert store.refresh_links()["people"] == 3
        store.delete_article("tv")
        counts = store.refresh_links()
        assert (counts["people"], counts["merged"]) == (1, 1)
        people = {row["id"]: row for row in store.db.table("people").rows}
        assert set(people) == {"ho-van-nam--ben-tre", "ho-van-nam--vinh-long--2025"}
        assert people["ho-van-nam--vinh-long--2025"]["merged_into"] == "ho-van-nam--ben-tre"
        store.delete_article("bt")
        store.delete_article("after")
        assert store.refresh_links() == {"people": 0, "changed": 0, "merged": 0,
                                         "meetings_linked": 0, "bodies": 0, "bodies_linked": 0,
                                         "bodies_unplaced": 0, "bodies_changed": 0}
        assert store.db.table("people").count == 0


def _lam_articles():
    return [
        _article("lam", "2024-04-02", "Bến Tre", "Trần Thanh Lâm", ["Phó Bí thư Tỉnh ủy"]),
        _article("lam-no-accent", "2024-05-02", "Bến Tre", "Trần Thanh Lam", ["Phó Chủ tịch UBND tỉnh"]),
        _article("hung", "2024-05-03", "Trà Vinh", "Nguyễn Văn Hùng", ["Phó Chủ tịch UBND tỉnh"]),
    ]


@pytest.mark.parametrize("batch", [1, 2000])
def test_names_with_one_slug_across_name_groups(tmp_path, monkeypatch, batch):
    """Two names that differ only by accents are two groups: ids handed out to an earlier
    group (written or not yet written) are taken for the later ones, and a stored id stays
    with its key, whatever the batch size."""


    monkeypatch.setattr(links, "BATCH", batch)
    lam, lam2, hung = _lam_articles()
    with Store(tmp_path / "together.db") as store:
        for article in (lam, lam2, hung):
            store.write(article)
        store.refresh_links()
        together = {r["person_key"]: r["id"] for r in store.db.table("people").rows}
    assert together["trần thanh lam|Bến Tre"] == "tran-thanh-lam--ben-tre"  # lower key first
    assert together["trần thanh lâm|Bến Tre"].startswith("tran-thanh-lam--ben-tre-")

    with Store(tmp_path / "grown.db") as store:
        store.write(lam)
        store.refresh_links()
        store.write(lam2)
        store.write(hung)
        store.refresh_links()
        grown = {r["person_key"]: r["id"] for r in store.db.table("people").rows}
        assert store.db.execute("pragma foreign_key_check").fetchall() == []
    assert grown["trần thanh lâm|Bến Tre"] == "tran-thanh-lam--ben-tre"  # stored first: kept
    assert grown["trần thanh lam|Bến Tre"].startswith("tran-thanh-lam--ben-tre-")


def test_batch_size_does_not_change_the_result(tmp_path, monkeypatch):


    results = []
    for batch in (1, 2000):
        monkeypatch.setattr(links, "BATCH", batch)
        db = tmp_path / f"b{batch}.db"
        counts = extract([CORPUS], db)
        with Store(db) as store:
            results.append((counts, list(store.db.query("select * from people order by id")),
                            officials(db)))
    assert results[0] == results[1]


def test_an_irrelevant_articles_officials_make_and_feed_no_person(tmp_path):
    """GOLD.md: an article set aside has no facts; one that has some (a hand-made or older
    record, or an article set aside by hand) still makes no person and feeds none."""
    with Store(tmp_path / "meetings.db") as store:
        kept = _article("kept", "2024-04-02", "Bến Tre", "Hồ Văn Năm", ["Phó Bí thư Tỉnh ủy"])
        aside = _article("aside", "2024-06-02", "Bến Tre", "Hồ Văn Năm", ["Bí thư Tỉnh ủy"])
        alone = _article("alone", "2024-06-03", "Lai Châu", "Lò Văn Pắn", ["Bí thư Tỉnh ủy"])
        store.write(kept)
        for item in (aside, alone):
            store.write(item.model_copy(update={"relevant": False}))
        assert store.refresh_links()["people"] == 1
        person = store.db.table("people").get("ho-van-nam--ben-tre")
        assert (person["appearances"], person["last_date"], person["latest_title"]) == (
            1, "2024-04-02", "Phó Bí thư Tỉnh ủy")
        ids = {r["article_id"]: r["person_id"] for r in store.db.table("officials").rows}
        assert ids == {"kept": "ho-van-nam--ben-tre", "aside": None, "alone": None}
        assert list(store.db.query("select article_id from person_appearances")) == [
            {"article_id": "kept"}]
        # judged relevant after all: the appearances count, and set aside again they go
        store.write(alone)
        store.refresh_links()
        person_of = "select person_id from officials where article_id = 'alone'"
        assert store.db.execute(person_of).fetchone()[0] == "lo-van-pan--lai-chau"
        store.db.execute("update articles set relevant = 0 where id = 'alone'")
        store.refresh_links()
        assert store.db.execute(person_of).fetchone()[0] is None
        assert [r["id"] for r in store.db.table("people").rows] == ["ho-van-nam--ben-tre"]
        assert store.db.execute("pragma foreign_key_check").fetchall() == []


def test_a_dangling_link_rolls_the_whole_refresh_back(tmp_path, monkeypatch):
    """The refresh checks its foreign keys once, at its end, not at every row: a link to a
    row that does not exist still stops it, with nothing of it kept, and the connection
    checks every row again afterwards."""
    db = tmp_path / "meetings.db"
    extract([CORPUS], db)
    before = officials(db)
    real = links.bodies.refresh

    def refresh_then_break(database):
        counts = real(database)
        database.execute("update officials set person_id = 'nobody' where id = (select min(id) from officials)")
        database.execute("delete from people where id = 'tran-thanh-lam--ben-tre'")
        return counts

    monkeypatch.setattr(links.bodies, "refresh", refresh_then_break)
    with Store(db) as store:
        store.db.execute("update officials set person_id = null")
        with pytest.raises(sqlite3.IntegrityError, match="officials row .* names no people row"):
            links.refresh(store.db)
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store.db.table("people").get("tran-thanh-lam--ben-tre")["appearances"] >= 1
        assert store.db.execute("select count(*) from officials where person_id is not null").fetchone()[0] == 0
        with pytest.raises(sqlite3.IntegrityError):  # checked row by row again
            store.db.execute("update officials set person_id = 'nobody'")
    monkeypatch.setattr(links.bodies, "refresh", real)
    with Store(db) as store:
        store.refresh_links()
    assert officials(db) == before
