"""Association bodies across articles (pipeline/store/bodies.py): the rule on names written
for these tests, the refresh on hand-made articles, and (``slow``) the shared texts
extracted by the real pipeline, browsed over HTTP."""
from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import urllib.parse
import urllib.request
from collections import Counter, defaultdict

import pytest

from pipeline.schema import Article, Association, Meeting, Official
from pipeline.store import Store, links
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
    assert after["associations"] == before["associations"]
    monkeypatch.undo()  # and the same refresh, not stopped, does change them
    with Store(path) as store:
        store.refresh_links()
    assert _dump(path)["bodies"] != before["bodies"]


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


@pytest.mark.slow
def test_kill_9_during_the_bodies_refresh_leaves_the_old_bodies(shared, tmp_path):
    import signal

    from tests.dbcompare import cli_killed_in

    corpus = tmp_path / "corpus"
    shutil.copytree(shared / "dev", corpus / "dev")
    db = tmp_path / "m.db"
    extract([corpus], db)
    old = query(db, "select * from bodies order by id")
    linked = association_links(db)
    people = query(db, "select * from people order by id")
    assert old and any(linked.values())
    shutil.copytree(shared / "dev2", corpus / "dev2")  # more articles, then a kill in the refresh
    killed = cli_killed_in("pipeline.store.bodies", "body_of", 10, "extract", str(corpus),
                           "--db", str(db), "--no-progress")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert query(db, "select * from bodies order by id") == old  # the old ones, not none
    assert query(db, "select * from people order by id") == people  # one transaction with them
    now = association_links(db)
    assert {k: now[k] for k in linked} == linked
    assert any(b is None for k, b in now.items() if k not in linked)  # the new rows: not yet
    extract([corpus], db)  # the next run completes it: as a build from scratch
    fresh = tmp_path / "fresh.db"
    extract([corpus], fresh)
    assert association_links(db) == association_links(fresh)
    assert query(db, "select * from bodies order by id") == query(fresh, "select * from bodies order by id")


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def server(shared_db):
    from tests.servers import datasette

    with datasette(shared_db) as base:
        yield base


DB = "hoi_doan"


def get(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        return json.loads(body) if "json" in response.headers.get("content-type", "") else body.decode()


def canned(server, name, **params):
    return get(server, f"/{DB}/{name}.json", _shape="array", _size="max", **params)


def body_url(body):
    from datasette.utils import tilde_encode

    return f"/{DB}/bodies/{tilde_encode(body)}"


@pytest.mark.slow
def test_body_page_lists_meetings_in_date_order_with_who_met_it(server, shared_db):
    # the body with the most dated meetings, and every one of its meetings
    counts = query(shared_db, """
        select s.body_id, count(distinct m.date) as n from associations s
        join meetings m using (article_id) where s.body_id is not null and m.date is not null
        group by s.body_id order by n desc, s.body_id limit 1""")
    body = counts[0]["body_id"]
    assert counts[0]["n"] >= 2
    meetings = query(shared_db, """
        select s.article_id, m.date from associations s join meetings m using (article_id)
        where s.body_id = ?""", [body])
    page = get(server, body_url(body))
    shown = [cell.split('"')[0] for cell in page.split('<tr data-date="')[1:]]
    dated = sorted(m["date"] for m in meetings if m["date"])
    assert shown == dated + [""] * (len(meetings) - len(dated))
    # every chair of those meetings is named, linked to their person page
    chairs = query(shared_db, f"""
        select distinct o.name, o.person_id from officials o
        where o.role = 'chair' and o.article_id in ({', '.join('?' * len(meetings))})""",
                   [m["article_id"] for m in meetings])
    assert chairs
    for chair in chairs:
        assert f'/{DB}/people/{chair["person_id"]}"' in page and chair["name"] in page
    assert "Người gặp tổ chức này nhiều nhất" in page


@pytest.mark.slow
def test_leaders_of_body_and_associations_of_person(server, shared_db):
    rows = query(shared_db, """
        select s.body_id, o.person_id, o.article_id, o.role from associations s
        join officials o using (article_id) where s.body_id is not null and o.person_id is not null""")
    by_body: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    chaired: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        by_body[r["body_id"]][r["person_id"]].add(r["article_id"])
        if r["role"] == "chair":
            chaired[r["body_id"]][r["person_id"]] += 1
    body = max(by_body, key=lambda b: (len(by_body[b]), b))
    found = canned(server, "leaders_of_body", body=body)
    assert {(r["person_id"], r["meetings"], r["chaired"]) for r in found} == {
        (p, len(a), chaired[body][p]) for p, a in by_body[body].items()}
    assert [r["meetings"] for r in found] == sorted((r["meetings"] for r in found), reverse=True)

    by_person: dict[str, set] = defaultdict(set)
    for r in rows:
        by_person[r["person_id"]].add(r["body_id"])
    person = max(by_person, key=lambda p: (len(by_person[p]), p))
    found = canned(server, "associations_of_person", person=person)
    assert {r["body_id"] for r in found if r["body_id"]} == by_person[person]
    assert {r["person_id"] for r in found} == {person}


@pytest.mark.slow
@pytest.mark.parametrize("months", [6, 24])
def test_bodies_without_recent_meetings(server, shared_db, months):
    import datetime as dt

    newest = query(shared_db, """select max(m.date) as d from meetings m join articles a
                                 on a.id = m.article_id where a.relevant = 1""")[0]["d"]
    day = dt.date.fromisoformat(newest)
    month = day.month - months
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    since = dt.date(year, month, day.day).isoformat()
    expected = [r["id"] for r in query(shared_db, "select * from bodies")
                if (r["last_date"] is None or r["last_date"] < since) and r["successor_id"] is None]
    found = canned(server, "bodies_without_recent_meetings", months=months)
    assert sorted(r["body_id"] for r in found) == sorted(expected)
    assert {r["since"] for r in found} == {since} and {r["newest_meeting"] for r in found} == {newest}
    dated = [r["last_date"] for r in found if r["last_date"]]
    assert dated == sorted(dated)


@pytest.mark.slow
def test_meetings_per_association_kind_and_set_aside(server, shared_db):
    rows = query(shared_db, """
        select s.kind, m.year, m.province, s.article_id from associations s
        join meetings m using (article_id) join articles a on a.id = s.article_id where a.relevant = 1""")
    expected: dict[tuple, set] = defaultdict(set)
    for r in rows:
        expected[(r["kind"], r["year"], r["province"])].add(r["article_id"])
    found = canned(server, "meetings_per_association_kind")
    assert {(r["kind"], r["year"], r["province"]): r["meetings"] for r in found} == {
        key: len(ids) for key, ids in expected.items()}

    aside = canned(server, "set_aside")
    stored = query(shared_db, "select id, relevance from articles where relevant = 0")
    assert sorted(r["article_id"] for r in aside) == sorted(r["id"] for r in stored)
    assert [r["relevance"] for r in aside] == sorted((r["relevance"] for r in aside), reverse=True)
    page = get(server, f"/{DB}/set_aside")
    assert "Bài để riêng" in page and "không nêu cuộc họp nào" in page  # reasons in Vietnamese


@pytest.mark.slow
def test_facets_on_kinds_levels_bodies_and_relevance(server):
    facets = get(server, f"/{DB}/associations.json")["facet_results"]
    assert {"kind", "level"} <= set(facets)
    facets = get(server, f"/{DB}/bodies.json")["facet_results"]
    assert {"kind", "level", "province"} <= set(facets)
    page = get(server, f"/{DB}/bodies")
    assert 'level=province">tỉnh</a>' in page.replace("&amp;", "&")  # Vietnamese labels
    signals = get(server, f"/{DB}/relevance_signals.json", relevant=0)["facet_results"]["signal"]
    assert {"no meeting named", "party"} <= {v["value"] for v in signals["results"]}
    page = get(server, f"/{DB}/articles")
    assert 'relevant=0">để riêng</a>' in page.replace("&amp;", "&")


@pytest.mark.slow
def test_chart_of_meetings_per_kind_over_time(server, shared_db):
    page = get(server, f"/{DB}/-/charts")
    chart = page.split('id="kinds"')[1]
    drawn: Counter = Counter()
    for year, n in re.findall(r'class="bar bar-kind" data-kind="[^"]*" data-year="(\d+)" '
                              r'data-meetings="(\d+)"', chart):
        drawn[int(year)] += int(n)
    rows = query(shared_db, """
        select m.year, s.kind, count(distinct s.article_id) as n from associations s
        join meetings m using (article_id) join articles a on a.id = s.article_id
        where a.relevant = 1 and m.year is not null group by m.year, s.kind""")
    per_year: Counter = Counter()
    for r in rows:
        per_year[r["year"]] += r["n"]
    assert dict(drawn) == dict(per_year)
    assert "Loại hội (tổng số cuộc họp)" in chart and "năm" in chart
