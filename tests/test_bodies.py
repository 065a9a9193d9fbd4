"""Association bodies across articles (pipeline/store/bodies.py): the rule on names written
for these tests, the refresh on hand-made articles, and (``slow``) the shared texts
extracted by the real pipeline."""
from __future__ import annotations

import io
import json
import shutil
import sqlite3

import pytest

from pipeline.schema import Article, Association, Meeting, Official
from pipeline.store import Store, bodies, links
from pipeline.store.bodies import Body, body_id, body_of


def bid(name, kind, level, province, date, text=""):
    found = body_of(name, kind, level, province, date, lambda: text)
    return body_id(found) if found else None


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("name, kind, level, province, date, text, expected", [
    # the place printed with the name wins over the meeting's province
    ("Hội Nông dân tỉnh Bến Tre", "Hội Nông dân", "province", "Trà Vinh", "2024-05-01", "",
     "hoi-nong-dan/tinh/ben-tre"),
    ("Hội Nông dân tỉnh", "Hội Nông dân", "province", "Bến Tre", "2024-05-01", "",
     "hoi-nong-dan/tinh/ben-tre"),
    ("Hội LHPN tỉnh Gia Lai", "Hội Liên hiệp Phụ nữ", "province", None, None, "",
     "hoi-lien-hiep-phu-nu/tinh/gia-lai"),
    ("Trung ương Hội Cựu chiến binh Việt Nam", "Hội Cựu chiến binh", "central", "Hà Nội",
     "2024-03-27", "", "hoi-cuu-chien-binh/trung-uong"),
    # a district: printed, or the first one the article names in the meeting's province
    ("Hội Cựu chiến binh huyện Phú Giáo", "Hội Cựu chiến binh", "district", "Bình Dương",
     "2022-03-02", "", "hoi-cuu-chien-binh/huyen/binh-duong/phu-giao"),
    ("Ban Chấp hành Hội Nông dân huyện", "Hội Nông dân", "district", "Hà Tĩnh", None,
     "Đại hội Đảng bộ huyện Phú Giáo. Nông dân huyện Nghi Xuân thi đua sản xuất.",
     "hoi-nong-dan/huyen/ha-tinh/nghi-xuan"),
    ("Hội Nông dân huyện Châu Thành", "Hội Nông dân", "district", "Bến Tre", "2024-01-01", "",
     "hoi-nong-dan/huyen/ben-tre/chau-thanh"),
    # a commune: printed, or named in the article ("Thị xã" is a district, not a xã)
    ("Hội cựu chiến binh xã Chi Lăng", "Hội Cựu chiến binh", "commune", "Hải Dương",
     "2022-03-11", "", "hoi-cuu-chien-binh/xa/hai-duong/xa-chi-lang"),
    ("Hội NCT phường", "Hội Người cao tuổi", "commune", "Đồng Nai", None,
     "Hội người cao tuổi Thị xã Long Khánh dự. Năm 2016, Hội NCT phường Xuân Trung đã đoàn kết.",
     "hoi-nguoi-cao-tuoi/xa/dong-nai/phuong-xuan-trung"),
    # "khác": one body per name, without its body, level and place words
    ("Ban Thường vụ Hội Sinh viên tỉnh", "khác", "province", "Nghệ An", "2024-08-01", "",
     "hoi-sinh-vien/tinh/nghe-an"),
    ("Liên minh Hợp tác xã tỉnh Nghệ An", "khác", "province", "Hà Tĩnh", "2024-08-01", "",
     "lien-minh-hop-tac-xa/tinh/nghe-an"),
    ("các hội quần chúng tỉnh", "nhiều hội", "province", "Bến Tre", "2025-01-08", "",
     "nhieu-hoi/tinh/ben-tre"),
])
def test_a_mention_is_placed(name, kind, level, province, date, text, expected):
    assert bid(name, kind, level, province, date, text) == expected


@pytest.mark.parametrize("name, kind, level, province, date, text", [
    ("Hội Nông dân tỉnh", "Hội Nông dân", "province", None, "2024-05-01", ""),  # no province
    ("Hội Cựu Công an nhân dân", "khác", None, "Bến Tre", "2024-05-01", ""),  # no level
    # a district of another province is not this meeting's
    ("Hội Nông dân huyện", "Hội Nông dân", "district", "Hà Tĩnh", None, "huyện Phú Giáo"),
    ("Hội NCT phường", "Hội Người cao tuổi", "commune", "Đồng Nai", None, "không nêu tên phường"),
    ("MTTQ Việt Nam cấp xã", "Mặt trận Tổ quốc", "commune", "Gia Lai", "2023-09-27",
     "xã Ia Grai"),  # the fronts of every commune: not one body
])
def test_a_mention_that_cannot_be_placed_has_no_body(name, kind, level, province, date, text):
    assert bid(name, kind, level, province, date, text) is None


def test_the_2025_merger():
    before = body_of("Hội Nông dân tỉnh", "Hội Nông dân", "province", "Bến Tre", "2024-08-01")
    after = body_of("Hội Nông dân tỉnh", "Hội Nông dân", "province", "Vĩnh Long", "2025-08-01")
    old_vinh_long = body_of("Hội Nông dân tỉnh", "Hội Nông dân", "province", "Vĩnh Long", "2024-08-01")
    assert body_id(after) == "hoi-nong-dan/tinh/vinh-long-2025"
    assert body_id(old_vinh_long) == "hoi-nong-dan/tinh/vinh-long"  # another body
    assert before.successor() == after and old_vinh_long.successor() == after
    assert after.successor() is None
    # a province that kept its land is the same body after the merger (and Huế is the
    # former Thừa Thiên Huế's)
    for province, same in (("Hà Nội", "Hà Nội"), ("Huế", "Thừa Thiên Huế")):
        later = body_of("Hội Nông dân thành phố", "Hội Nông dân", "province", province, "2025-08-01")
        earlier = body_of("Hội Nông dân tỉnh", "Hội Nông dân", "province", same, "2024-08-01")
        assert later == earlier and later.successor() is None
    assert after.display_name() == "Hội Nông dân tỉnh Vĩnh Long (từ 1/7/2025)"
    assert before.display_name() == "Hội Nông dân tỉnh Bến Tre"


def test_an_id_clash_keeps_the_stored_holder():
    a = Body("khác", "province", "Nghệ An", "pre2025", other="Hội Người mù chữ")
    b = Body("khác", "province", "Nghệ An", "pre2025", other="Hội người mu chu")
    assert a.plain_id() == b.plain_id() and a.key != b.key
    taken = {a.plain_id(): a.key}
    assert body_id(a, taken) == a.plain_id()
    assert body_id(b, taken).startswith(a.plain_id() + "-")


# --------------------------------------------------------------------------- refresh


def article(article_id, date, province, associations, officials=(), relevant=True, level="province"):
    text = f"Ngày {date}, {', '.join(a[0] for a in associations)} họp tại {province}."
    return Article(
        id=article_id, title=article_id, text=text, relevant=relevant,
        meeting=Meeting(date=date, province=province, level=level, kind="làm việc"),
        officials=[Official(name=name, titles=list(titles), role=role) for name, titles, role in officials],
        associations=[Association(name=name, kind=kind, level=lvl) for name, kind, lvl in associations],
    )


BAC_LIEU = ("Hội Nông dân tỉnh Bạc Liêu", "Hội Nông dân", "province")
CA_MAU = ("Hội Nông dân tỉnh", "Hội Nông dân", "province")
CHAIR = ("Lê Văn Tư", ["Phó Bí thư Tỉnh ủy"], "chair")


def links_of(db):
    return {(r["article_id"], r["name"]): r["body_id"] for r in db["associations"].rows}


def test_refresh_links_mentions_to_bodies_and_the_successor(tmp_path):
    with Store(tmp_path / "b.db") as store:
        store.write(article("before", "2024-05-02", "Bạc Liêu", [BAC_LIEU], [CHAIR]))
        store.write(article("later", "2024-11-20", "Bạc Liêu", [CA_MAU]))
        counts = store.refresh_links()
        assert (counts["bodies"], counts["bodies_linked"]) == (1, 2)
        old = store.db["bodies"].get("hoi-nong-dan/tinh/bac-lieu")
        assert (old["meetings"], old["first_date"], old["last_date"]) == (2, "2024-05-02", "2024-11-20")
        assert old["successor_id"] is None  # Cà Mau's body is not in the database yet
        assert old["province_id"] == "pre2025-95"
        store.write(article("after", "2025-09-10", "Cà Mau", [CA_MAU], [CHAIR]))
        store.refresh_links()
        assert store.db["bodies"].get("hoi-nong-dan/tinh/bac-lieu")["successor_id"] == \
            "hoi-nong-dan/tinh/ca-mau-2025"
        assert links_of(store.db)[("after", "Hội Nông dân tỉnh")] == "hoi-nong-dan/tinh/ca-mau-2025"
        assert store.db.execute("pragma foreign_key_check").fetchall() == []


def _dump(path):
    con = sqlite3.connect(path)
    try:
        return {t: sorted(con.execute(f"select * from [{t}]").fetchall(), key=repr)
                for t in ("bodies", "associations", "people", "officials")}
    finally:
        con.close()


def test_refresh_is_idempotent_and_ids_survive_other_articles(tmp_path):
    path = tmp_path / "b.db"
    with Store(path) as store:
        store.write(article("before", "2024-05-02", "Bạc Liêu", [BAC_LIEU]))
        store.refresh_links()
        first = links_of(store.db)
        store.refresh_links()
    dumped = _dump(path)
    with Store(path) as store:
        store.refresh_links()
    assert _dump(path) == dumped
    with Store(path) as store:
        # unrelated articles, one of them a namesake clash candidate of another kind
        store.write(article("other", "2024-06-01", "Nghệ An",
                            [("Hội Nông dân tỉnh Nghệ An", "Hội Nông dân", "province"),
                             ("Hội Sinh viên tỉnh", "khác", "province")]))
        store.refresh_links()
        grown = links_of(store.db)
    assert {key: grown[key] for key in first} == first


def test_a_body_without_mentions_goes_and_comes_back_with_its_id(tmp_path):
    with Store(tmp_path / "b.db") as store:
        store.write(article("before", "2024-05-02", "Bạc Liêu", [BAC_LIEU]))
        store.refresh_links()
        store.delete_article("before")
        assert store.refresh_links()["bodies"] == 0 and store.db["bodies"].count == 0
        store.write(article("again", "2024-07-02", "Bạc Liêu", [BAC_LIEU]))
        store.refresh_links()
        assert [r["id"] for r in store.db["bodies"].rows] == ["hoi-nong-dan/tinh/bac-lieu"]


def test_a_write_ignores_body_id(tmp_path):
    item = article("before", "2024-05-02", "Bạc Liêu", [BAC_LIEU])
    with Store(tmp_path / "b.db") as store:
        store.write(item)
        store.refresh_links()
        assert store.write(item) is False  # body_id is derived, not a change of the article


def test_an_irrelevant_article_feeds_no_body(tmp_path):
    with Store(tmp_path / "b.db") as store:
        store.write(article("off", "2024-05-02", "Lai Châu",
                            [("Hội Nông dân tỉnh Lai Châu", "Hội Nông dân", "province")],
                            relevant=False))
        counts = store.refresh_links()
        assert counts["bodies"] == 0 and store.db["bodies"].count == 0
        assert links_of(store.db) == {("off", "Hội Nông dân tỉnh Lai Châu"): None}
        # the same article judged relevant does
        store.write(article("off", "2024-05-02", "Lai Châu",
                            [("Hội Nông dân tỉnh Lai Châu", "Hội Nông dân", "province")]))
        store.refresh_links()
        assert links_of(store.db) == {("off", "Hội Nông dân tỉnh Lai Châu"): "hoi-nong-dan/tinh/lai-chau"}
        # and set aside again: unlinked, the body gone
        store.db.execute("update articles set relevant = 0 where id = 'off'")
        store.refresh_links()
        assert links_of(store.db) == {("off", "Hội Nông dân tỉnh Lai Châu"): None}
        assert store.db["bodies"].count == 0


def test_a_refresh_that_fails_leaves_the_old_bodies(tmp_path, monkeypatch):
    path = tmp_path / "b.db"
    with Store(path) as store:
        store.write(article("before", "2024-05-02", "Bạc Liêu", [BAC_LIEU]))
        store.refresh_links()
        store.write(article("after", "2025-09-10", "Cà Mau", [CA_MAU]))
        store.delete_article("before")
    before = _dump(path)

    def boom(db):
        raise RuntimeError("killed during the refresh")

    monkeypatch.setattr(links, "ensure_views", boom)  # runs after the bodies are rewritten
    with Store(path) as store:
        with pytest.raises(RuntimeError):
            store.refresh_links()
    after = _dump(path)
    assert after["bodies"] == before["bodies"]
    assert [r for r in after["associations"]] == before["associations"]


# --------------------------------------------------------------------------- the shared texts

LATER_CA_MAU = """Thường trực Tỉnh ủy Cà Mau làm việc với Hội Nông dân tỉnh
Sáng 10-9-2025, đồng chí Lê Văn Tư, Phó Bí thư Tỉnh ủy Cà Mau chủ trì buổi làm việc với Hội Nông dân tỉnh Cà Mau về kết quả công tác Hội 9 tháng đầu năm.
Đồng chí Lê Văn Tư đề nghị Hội Nông dân tỉnh tiếp tục vận động hội viên thi đua sản xuất, kinh doanh giỏi.
"""
FOLDERS = ("seeds", "dev", "dev2", "offtopic")


def extract(inputs, db):
    from pipeline.run import run

    run(list(inputs), db, None, log=io.StringIO(), progress=False)


def association_links(db):
    con = sqlite3.connect(db)
    try:
        return {(a, n): b for a, n, b in con.execute("select article_id, name, body_id from associations")}
    finally:
        con.close()


@pytest.fixture(scope="module")
def shared_db(shared, tmp_path_factory):
    """The shared texts and one later article (Cà Mau after the merger), extracted."""
    work = tmp_path_factory.mktemp("bodies")
    (work / "later").mkdir()
    (work / "later" / "zz_ca_mau_2025.txt").write_text(LATER_CA_MAU, encoding="utf-8")
    db = work / "hoi_doan.db"
    extract([*(shared / d for d in FOLDERS), work / "later"], db)
    return db


def query(db, sql, params=()):
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


@pytest.mark.slow
def test_shared_texts_ids_are_stable_across_runs_and_added_articles(shared, shared_db, tmp_path):
    full = association_links(shared_db)
    assert sum(1 for b in full.values() if b) >= 50
    # a first corpus, then the others added: the first corpus's ids stay
    corpus = tmp_path / "corpus"
    shutil.copytree(shared / "seeds", corpus / "seeds")
    shutil.copytree(shared / "dev", corpus / "dev")
    db = tmp_path / "grown.db"
    extract([corpus], db)
    first = association_links(db)
    assert any(first.values())
    for folder in ("dev2", "offtopic"):
        shutil.copytree(shared / folder, corpus / folder)
    extract([corpus], db)
    grown = association_links(db)
    assert {key: grown[key] for key in first} == first
    # and the same as a build from scratch of everything (but the later Cà Mau article)
    assert grown == {k: b for k, b in full.items() if not k[0].startswith("zz")}
    extract([corpus], db)  # a re-run changes nothing
    assert association_links(db) == grown
    ids = {r["id"] for r in query(db, "select id from bodies")}
    assert ids == {b for b in grown.values() if b}


@pytest.mark.slow
def test_shared_texts_merger_successor_and_irrelevant_excluded(shared_db):
    # Hội Nông dân tỉnh Bạc Liêu (dev2, 2023) and Cà Mau's after the merger (written here)
    rows = {r["id"]: r for r in query(shared_db, "select * from bodies")}
    cam = [r for r in rows.values() if r["province"] == "Cà Mau" and r["kind"] == "Hội Nông dân"]
    assert [r["era"] for r in cam] == ["post2025"]
    old = [r for r in rows.values() if r["province"] == "Bạc Liêu" and r["kind"] == "Hội Nông dân"]
    assert old and all(r["successor_id"] == cam[0]["id"] for r in old)
    # no body, no person from an article set aside
    assert query(shared_db, """
        select count(*) as n from associations s join articles a on a.id = s.article_id
        where a.relevant = 0 and s.body_id is not null""")[0]["n"] == 0
    assert query(shared_db, """
        select count(*) as n from officials o join articles a on a.id = o.article_id
        where a.relevant = 0 and o.person_id is not null""")[0]["n"] == 0
    assert query(shared_db, "select count(*) as n from articles where relevant = 0")[0]["n"] >= 40

