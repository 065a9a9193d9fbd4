"""pipeline/store/analyst.py (the database side of browsing) and the Vietnamese sort key."""
from __future__ import annotations

import json
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


def test_relevance_signals_cut_the_reasons_as_the_pages_show_them(tmp_path):
    """The view (SQL) and the pages (site.relevance_reason) read the reasons the relevance
    scorer writes, on pages scored by it, alike; every signal has a Vietnamese label."""
    from pipeline.clean import Story
    from pipeline.datasette import site
    from pipeline.extract import extract
    from pipeline.rules import Rules

    texts = {
        "meeting": ("Thường trực Tỉnh ủy làm việc với Hội Nông dân tỉnh\nChiều 3/3, Thường trực "
                    "Tỉnh ủy làm việc với Hội Nông dân tỉnh về công tác hội, hội viên nông dân."),
        "sport": ("Khai mạc Hội thao công nhân viên chức\nSáng 20/4, Liên đoàn thể thao tỉnh khai "
                  "mạc hội thao với 500 vận động viên tranh tài ở 6 môn thi đấu."),
        "report": "Báo cáo kết quả kinh tế\nTỉnh đạt tăng trưởng 7%, thu ngân sách vượt dự toán.",
    }
    with Store(tmp_path / "r.db") as store:
        for name, text in texts.items():
            store.write(extract(Story(id=name, text=text, title=text.split("\n")[0], url=None,
                                      published="2024-07-13", source_hint=None, path=f"{name}.txt")))
        store.refresh_links()
        view = list(store.db.query("select article_id, signal, words, count, weight, reason "
                                   "from relevance_signals order by article_id, reason"))
        reasons = [(r["id"], reason) for r in store.db["articles"].rows
                   for reason in json.loads(r["relevance_reasons"])]
    assert len(view) == len(reasons) >= 6
    for row in view:
        cut = site.relevance_reason(row["reason"])
        assert cut == {k: row[k] for k in ("signal", "words", "count", "weight")}, row
    assert {"sport", "meeting", "no meeting named"} <= {r["signal"] for r in view}
    labelled = analyst.labels()["vocabularies"]["relevance_signals"]["values"]
    kinds = {"association(s) taking part", "association name(s)", "associations' work",
             "members", "meeting", "no meeting named", *Rules.default().relevance.off_topic}
    assert kinds <= set(labelled), kinds - set(labelled)
    assert {r["signal"] for r in view} <= set(labelled)


def test_views_count_only_relevant_articles(tmp_path):
    with Store(tmp_path / "a.db") as store:
        store.write(_article("kept", "2024-01-01", ["Bí thư Tỉnh ủy Bến Tre"]))
        store.write(_article("aside", "2024-03-01", ["Bí thư Tỉnh ủy Bến Tre"]).model_copy(
            update={"relevant": False}))
        store.refresh_links()
        db = store.db
        assert [r["article_id"] for r in db["meetings_vi"].rows] == ["kept"]
        assert [r["month"] for r in db["meetings_per_month"].rows] == ["2024-01"]
        assert [r["article_id"] for r in db["meetings_map"].rows] == ["kept"]
        counts = {(r["era"], r["name"]): (r["meetings"], r["held_here"]) for r in db["province_meetings"].rows}
        assert counts[("pre2025", "Bến Tre")] == (1, 1) and counts[("post2025", "Vĩnh Long")] == (1, 0)
        assert [r["article_id"] for r in db["person_appearances"].rows] == ["kept"]
