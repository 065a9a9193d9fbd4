"""Associations (pipeline/extract/mentions.py, associations.py, convener.py): which bodies
are named, with which kind and level, and which of them take part in the meeting. Short
texts written for these tests (invented names)."""
from __future__ import annotations

import pytest

from pipeline.clean import Story
from pipeline.extract import extract
from pipeline.extract.mentions import find_mentions


@pytest.mark.parametrize("text, kind, level", [
    ("Hội Nông dân tỉnh An Giang", "Hội Nông dân", "province"),
    ("Ban Thường vụ Hội CCB Việt Nam", "Hội Cựu chiến binh", "central"),
    ("Ủy ban MTTQ Việt Nam phường Long Xuyên", "Mặt trận Tổ quốc", "commune"),
    ("Ủy ban MTTQ Việt Nam TPHCM", "Mặt trận Tổ quốc", "province"),
    ("Tỉnh đoàn Thái Bình", "Đoàn Thanh niên", "province"),
    ("Liên đoàn Lao động huyện Phú Giáo", "Công đoàn", "district"),
    ("Trung ương Hội Liên hiệp Phụ nữ Việt Nam", "Hội Liên hiệp Phụ nữ", "central"),
    ("Hội Liên hiệp Phụ nữ (LHPN) tỉnh", "Hội Liên hiệp Phụ nữ", "province"),
    ("các tổ chức chính trị - xã hội tỉnh", "nhiều hội", "province"),
    ("Hội Cựu Công an nhân dân", "khác", None),
])
def test_kind_and_level_of_a_name(text, kind, level):
    found = find_mentions(text)
    assert [(m.kind, m.level) for m in found][:1] == [(kind, level)], found


@pytest.mark.parametrize("text", ["Hội nghị tổng kết", "Hội thao công nhân", "mặt trận kinh tế",
                                  "phố cổ Hội An", "Hội đồng nhân dân tỉnh"])
def test_words_that_name_no_association(text):
    assert [m for m in find_mentions(text) if m.kind != "nhiều hội"] == []


def article(text: str):
    return extract(Story(id="a", text=text, title=text.split("\n")[0], url=None, published="2024-05-20",
                         source_hint=None, path="a.txt"))


def test_the_convener_takes_part_a_guest_in_a_title_does_not():
    a = article("Hội Cựu chiến binh huyện tổ chức Đại hội đại biểu lần thứ VIII\n"
                "Sáng 18/5, Hội Cựu chiến binh huyện tổ chức Đại hội đại biểu lần thứ VIII, nhiệm kỳ 2024-2029. "
                "Dự đại hội có đồng chí Lê Văn Tâm, Chủ tịch Hội Nông dân tỉnh; đồng chí Phạm Văn Hòa, "
                "Chủ tịch Hội Cựu chiến binh huyện.")
    assert [(x.kind, x.level) for x in a.associations] == [("Hội Cựu chiến binh", "district")]
    # nobody is said to chair: the head of the convening body does (GOLD.md)
    assert {o.name: o.role for o in a.officials}["Phạm Văn Hòa"] == "chair"


def test_the_counterpart_of_a_working_session_takes_part():
    a = article("Thường trực Tỉnh ủy làm việc với Hội Liên hiệp Phụ nữ tỉnh\n"
                "Chiều 15/5, Thường trực Tỉnh ủy làm việc với Hội Liên hiệp Phụ nữ tỉnh về kết quả công tác Hội.")
    assert [(x.kind, x.level) for x in a.associations] == [("Hội Liên hiệp Phụ nữ", "province")]


def test_an_association_spelled_out_in_a_list_stands_for_the_collective():
    a = article("Thường trực Thành ủy làm việc với các hội quần chúng\n"
                "Ngày 13/4, Thường trực Thành ủy làm việc với các hội quần chúng của thành phố. "
                "Các hội báo cáo tại buổi làm việc gồm Hội Nhà báo, Hội Luật gia, Hội Chữ thập đỏ, Hội Đông y thành phố.")
    assert {x.kind for x in a.associations} == {"Hội Nhà báo", "Hội Luật gia", "Hội Chữ thập đỏ", "Hội Đông y"}
