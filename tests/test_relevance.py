"""Relevance (pipeline/extract/relevance.py): is a page a report of a meeting with
associations at all? Short pages written for these tests, in the shapes a crawl of
provincial news sites brings (invented names and numbers)."""
from __future__ import annotations

import pytest

from pipeline.clean import Story
from pipeline.extract import extract

MEETING = ("Hội Nông dân tỉnh tổ chức hội nghị sơ kết 6 tháng đầu năm\n"
           "Sáng 12/7, Hội Nông dân tỉnh tổ chức hội nghị sơ kết công tác Hội 6 tháng đầu năm. "
           "Dự hội nghị có đồng chí Lê Văn Nam, Phó Bí thư Tỉnh ủy. Đồng chí Lê Văn Nam đề nghị "
           "các cấp Hội tiếp tục đẩy mạnh phong trào nông dân thi đua sản xuất, kinh doanh giỏi.")
WORKING_SESSION = ("Thường trực Tỉnh ủy làm việc với các hội quần chúng\n"
                   "Chiều 3/3, Thường trực Tỉnh ủy làm việc với các hội quần chúng tỉnh. Toàn tỉnh có "
                   "120 hội quần chúng, hội viên tích cực tham gia các phong trào.")
OFF_TOPIC = {
    "sport": ("Khai mạc Hội thao công nhân viên chức\nSáng 20/4, Liên đoàn thể thao tỉnh khai mạc hội thao "
              "với 500 vận động viên tranh tài ở 6 môn thi đấu. Ông Trần Văn Bình, Phó Chủ tịch UBND tỉnh dự."),
    "accident": ("Xe tải tông xe máy, hai người tử vong\nKhoảng 21 giờ ngày 5/6, trên quốc lộ 1A đoạn qua xã "
                 "Tân Hòa đã xảy ra vụ tai nạn giao thông giữa xe tải và xe máy khiến hai người tử vong."),
    "trial": ("Tuyên án 12 bị cáo trong vụ án tham ô\nSáng 18/1, Tòa án nhân dân tỉnh đã xét xử và tuyên án "
              "12 bị cáo trong vụ án tham ô tài sản tại Công ty Xây dựng số 3."),
    "council": ("Kỳ họp thứ 15 HĐND tỉnh khóa X\nSáng 9/12, HĐND tỉnh khóa X khai mạc kỳ họp thứ 15 để xem xét "
                "các báo cáo kinh tế - xã hội. Đồng chí Ngô Văn Hải, Chủ tịch HĐND tỉnh chủ trì kỳ họp."),
    "party_congress": ("Đại hội đại biểu Đảng bộ huyện lần thứ XX\nNgày 10/7, Đại hội đại biểu Đảng bộ huyện lần "
                       "thứ XX khai mạc. Đồng chí Phan Văn Minh, Bí thư Huyện ủy phát biểu khai mạc."),
}


def story(text: str, published: str | None = "2024-07-13") -> Story:
    return Story(id="r", text=text, title=text.split("\n")[0], url=None, published=published,
                 source_hint="baotinh.vn", path="r.txt")


@pytest.mark.parametrize("text", [MEETING, WORKING_SESSION], ids=["congress", "working-session"])
def test_meetings_with_associations_are_relevant(text):
    article = extract(story(text))
    assert article.relevant and article.relevance >= 0.5
    assert any("association" in reason for reason in article.relevance_reasons)
    assert article.meeting.date is not None


@pytest.mark.parametrize("kind", sorted(OFF_TOPIC))
def test_what_else_a_crawl_brings_is_set_aside(kind):
    article = extract(story(OFF_TOPIC[kind]))
    assert not article.relevant, article.relevance_reasons
    assert article.relevance < 0.3
    # no facts at all, but the page's own source and date
    assert (article.officials, article.directives, article.documents, article.association_counts,
            article.associations) == ([], [], [], [], [])
    assert article.meeting.model_dump(exclude={"evidence"}) == {
        k: None for k in ("date", "time_of_day", "province", "level", "kind", "province_after_2025",
                          "province_source", "date_source")}
    assert article.source == "baotinh.vn" and article.published == "2024-07-13"
    assert {s.kind for s in article.spans} <= {"source", "published", "removed"}


def test_reasons_are_readable_and_weighted():
    reasons = extract(story(OFF_TOPIC["sport"])).relevance_reasons
    assert any(r.startswith("sport: hội thao") and r.endswith("(-2.5)") for r in reasons), reasons


def test_a_doubtful_page_stays_relevant_with_a_low_score():
    # a meeting with only the people associations gather named: kept, but flagged low
    text = ("Họp mặt văn nghệ sĩ, trí thức và nhà báo tiêu biểu\n"
            "Chiều 31/1, Ban Tuyên giáo Tỉnh ủy tổ chức họp mặt trí thức, văn nghệ sĩ và nhà báo tiêu biểu.")
    article = extract(story(text))
    assert article.relevant and article.relevance < 0.99


@pytest.mark.slow
def test_shared_off_topic_pages_are_set_aside_and_no_report_is_lost(shared, tmp_path):
    """Every relevant gold article is kept; at least 95 % of the off-topic ones are set aside."""
    import json

    from pipeline.run import run

    folders = [shared / d for d in ("seeds", "dev", "dev2", "offtopic")]
    run(folders, tmp_path / "r.db", tmp_path / "r.jsonl", progress=False)
    records = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    gold = {r["id"]: json.loads((shared / "gold" / f"{r['id']}.json").read_text()).get("relevant", True)
            for r in records}
    lost = [r["id"] for r in records if gold[r["id"]] and not r["relevant"]]
    kept = [r["id"] for r in records if not gold[r["id"]] and r["relevant"]]
    off_topic = sum(1 for v in gold.values() if not v)
    assert lost == []
    assert len(kept) <= 0.05 * off_topic, kept


def test_off_topic_kinds_found_in_one_scan_are_each_kinds_own_first_match():
    """``Relevance._off_topic`` tries the kinds only where a word of one starts: each kind's
    match is the one its own search finds, on every paragraph of the shared texts and on
    strings of the kinds' words run together (overlapping, nested, cut short)."""
    import random

    from pipeline.extract.relevance import Relevance
    from pipeline.rules import Rules
    from pipeline.text import fold
    from tests import SHARED

    scorer = Relevance(Rules.default())
    texts = [fold(line) for sub in ("seeds", "dev", "dev2", "offtopic")
             for p in sorted((SHARED / sub).glob("*.txt")) for line in p.read_text(encoding="utf-8").split("\n")]
    words = [fold(w) for ws in Rules.default().relevance.off_topic.values() for w in ws]
    rnd = random.Random(5)
    texts += [" ".join(rnd.choice(words)[: rnd.choice([None, None, -1, 3])] for _ in range(rnd.randint(1, 9)))
              for _ in range(2000)]
    # a word that starts inside another's: "a b" and "b c" printed as "a b c"
    split = [w.split() for w in words]
    overlaps = [" ".join(a + b[k:]) for a in split for b in split if a != b
                for k in range(1, min(len(a), len(b))) if a[-k:] == b[:k]]
    assert overlaps
    texts += overlaps
    assert sum(bool(scorer._off_topic(t)) for t in texts) > 500
    for text in texts:
        own = {kind: rx.search(text) for kind, rx in scorer.off_topic.items()}
        assert {k: m.span() for k, m in scorer._off_topic(text).items()} == \
            {k: m.span() for k, m in own.items() if m}, text[:80]
