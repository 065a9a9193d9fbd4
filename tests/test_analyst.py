"""pipeline/store/analyst.py (the database side of browsing) and the Vietnamese sort key."""
from __future__ import annotations

import sqlite3

from pipeline.store import analyst
from pipeline.datasette.vietnamese import search_fold, sort_key
from pipeline.schema import Article, Meeting, Official
from pipeline.store import Store


def test_normalise_kind():
    assert analyst.normalise_kind("hội nghị giao ban") == "giao ban"
    assert analyst.normalise_kind("Giao ban") == "giao ban"
    assert analyst.normalise_kind("buổi làm việc") == "làm việc"
    assert analyst.normalise_kind("hội nghị sơ kết") == "sơ kết"
    assert analyst.normalise_kind("hội nghị") == "hội nghị"
    assert analyst.normalise_kind("hội nghị chuyên đề") == "hội nghị chuyên đề"  # unknown: as printed
    assert analyst.normalise_kind("") is None and analyst.normalise_kind(None) is None


def test_vietnamese_order():
    names = ["Võ", "Trần", "Được", "Đức", "Ánh", "An", "Ân", "Ăn", "Dũng", "Bình"]
    assert sorted(names, key=sort_key) == ["An", "Ánh", "Ăn", "Ân", "Bình", "Dũng", "Đức",
                                           "Được", "Trần", "Võ"]
    assert sorted(["Hạ", "Há", "Hà", "Hả", "Hã", "Ha"], key=sort_key) == [
        "Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    assert search_fold("Trần  Thanh Lâm") == "tran thanh lam" and search_fold("Đức") == "duc"


def _article(article_id, date, titles, kind="giao ban"):
    return Article(id=article_id, title=article_id, text=f"Ông Trần Văn Ba dự {kind}.",
                   meeting=Meeting(date=date, province="Bến Tre", level="province", kind=kind),
                   officials=[Official(name="Trần Văn Ba", titles=titles, role="attendee")])


def _dump(path):
    """Every table's and view's rows; full-text indexes by their content (their segments
    change with each rewrite of a row, even to the same value)."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "select name from sqlite_master where type in ('table', 'view') "
            "and name not like '%\\_fts\\_%' escape '\\' order by name")]
        return {n: sorted(con.execute(f"select * from [{n}]").fetchall(), key=repr) for n in names}
    finally:
        con.close()


def test_refresh_is_idempotent_and_latest_title_is_dated(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:
        store.write(_article("a1", "2024-01-01", ["Phó Bí thư Tỉnh ủy Bến Tre"]))
        store.write(_article("a2", "2024-06-01", ["Bí thư Tỉnh ủy Bến Tre"], "hội nghị giao ban"))
        store.write(_article("a3", None, ["Ủy viên Tỉnh ủy Bến Tre"]))
        store.refresh_links()
        first = _dump(path)
        store.refresh_links()
        assert _dump(path) == first
        db = store.db
        assert [r["latest_title"] for r in db["people"].rows] == ["Bí thư Tỉnh ủy Bến Tre"]
        assert {r["kind"] for r in db["meetings_vi"].rows} == {"giao ban"}
        assert db.execute("select count(*) from people_fts where people_fts match 'tran van ba'"
                          ).fetchone()[0] == 1
        counts = {(r["era"], r["name"]): r["meetings"] for r in db["province_meetings"].rows}
        assert counts[("pre2025", "Bến Tre")] == 3 and counts[("post2025", "Vĩnh Long")] == 3
        labels = {r["value"]: r["label"] for r in db["vi_roles"].rows}
        assert labels["chair"] == "chủ trì"
