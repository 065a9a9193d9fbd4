"""One story per page (pipeline/stories.py): pages built here by joining texts of
../shared (a story, then other stories' headlines and first paragraphs; listings of
headlines and leads), and pages written for these tests."""
from __future__ import annotations

import itertools

import pytest

from pipeline.clean import Story, clean_story
from pipeline.extract import extract
from pipeline.ingest import RawArticle, iter_articles
from pipeline.stories import _is_body, _is_headline, split

LEAD_A = ("Sáng 5/3, Hội Liên hiệp Phụ nữ tỉnh tổ chức hội nghị tổng kết công tác Hội năm 2023 "
          "với sự tham dự của 150 đại biểu.")
BODY_A = ("Phát biểu tại hội nghị, đồng chí Trần Thị Lan, Chủ tịch Hội Liên hiệp Phụ nữ tỉnh đề nghị "
          "các cấp Hội tiếp tục đổi mới nội dung, phương thức hoạt động hướng về cơ sở.")
TEASER_B = ("Tỉnh đoàn ra quân chiến dịch Thanh niên tình nguyện hè",
            "Chiều 7/3, Tỉnh đoàn tổ chức lễ ra quân chiến dịch Thanh niên tình nguyện hè với 2.000 đoàn viên.")
TEASER_C = ("Khánh thành cầu dân sinh tại xã Tân Phú",
            "Ngày 8/3, UBND huyện tổ chức lễ khánh thành cầu dân sinh do Bộ Chỉ huy Quân sự tỉnh tài trợ.")


def page(*lines: str) -> str:
    return "\n".join(lines)


def test_a_story_followed_by_other_headlines_and_leads_keeps_the_story():
    text = page("Hội LHPN tỉnh tổng kết công tác năm 2023", LEAD_A, BODY_A, *TEASER_B, *TEASER_C)
    main, removed = split(text, "Hội LHPN tỉnh tổng kết công tác năm 2023")
    assert text[main.start: main.end].endswith(BODY_A)
    assert [b.first_line for b in removed] == [TEASER_B[0], TEASER_C[0]]


def test_a_listing_of_headlines_and_leads_is_read_as_its_first_story():
    text = page("Hội LHPN tỉnh tổng kết công tác năm 2023", LEAD_A, *TEASER_B, *TEASER_C)
    main, removed = split(text, None)
    assert text[main.start: main.end] == page("Hội LHPN tỉnh tổng kết công tác năm 2023", LEAD_A)
    assert len(removed) == 2


def test_a_story_and_its_own_parts_are_one_story():
    # a summary, a photo's headline and the lead; sub-headings heading several paragraphs
    text = page("Hội LHPN tỉnh tổng kết công tác năm 2023",
                "Năm 2023, các cấp Hội đã vận động hội viên thực hiện tốt nhiều phong trào thi đua.",
                "Quang cảnh hội nghị tổng kết", LEAD_A,
                "Tiếp tục đổi mới phương thức hoạt động", BODY_A, BODY_A.replace("tiếp tục", "chú trọng"))
    assert split(text, "Hội LHPN tỉnh tổng kết công tác năm 2023")[1] == []


def test_the_chain_reads_the_main_story_only():
    text = page("Hội LHPN tỉnh tổng kết công tác năm 2023", LEAD_A, BODY_A, *TEASER_B, *TEASER_C)
    article = extract(Story(id="p", text=text, title="Hội LHPN tỉnh tổng kết công tác năm 2023", url=None,
                            published="2024-03-06", source_hint=None, path="p.txt"))
    assert article.meeting.date == "2024-03-05"
    assert [o.name for o in article.officials] == ["Trần Thị Lan"]
    assert {a.kind for a in article.associations} == {"Hội Liên hiệp Phụ nữ"}
    removed = [s for s in article.spans if s.kind == "removed"]
    assert [s.label for s in removed] == [TEASER_B[0], TEASER_C[0]]
    assert all(s.end <= text.index(TEASER_B[0]) for s in article.spans if s.kind != "removed")


def _shared_stories(shared):
    """(id, cleaned text, headline, lead) of the shared texts that print a headline."""
    out = []
    for folder in ("seeds", "dev", "dev2"):
        for raw in iter_articles([shared / folder]):
            if not isinstance(raw, RawArticle):  # sources.json
                continue
            text = clean_story(raw).text
            lines = text.split("\n")
            if len(lines) >= 3 and _is_headline(lines[0]):
                lead = next((line for line in lines[1:6] if _is_body(line)), None)
                if lead:
                    out.append((raw.id, text, lines[0], lead))
    return out


@pytest.mark.slow
def test_pages_joined_from_shared_texts(shared):
    """A shared story followed by two others' headlines and leads: the story is kept whole
    on most such pages; a listing of four is always split. No shared text is split."""
    stories = _shared_stories(shared)
    assert len(stories) >= 20
    kept = total = 0
    for a, b, c in itertools.islice(itertools.permutations(stories, 3), 0, None, 97):
        text = page(a[1], b[2], b[3], c[2], c[3])
        main, _ = split(text, a[2])
        kept += (main.start, main.end) == (0, len(a[1]))
        total += 1
    assert total >= 50 and kept >= 0.8 * total, (kept, total)
    for items in itertools.islice(itertools.combinations(stories, 4), 0, 200, 7):
        text = "\n".join(page(x[2], x[3]) for x in items)
        assert len(split(text, None)[1]) == 3
    for _, text, headline, _ in stories:
        assert split(text, headline)[1] == []
