"""Unit tests of each extractor on short Vietnamese texts written for these tests.

Names, places and numbers are invented, in the style of provincial news about leaders
meeting with associations. Texts go through the chain (``pipeline.extract.Pipeline``) up
to the component under test, whose facts are read from the Doc; facts that depend on
several components (province, level) are read from the whole record, ``extract(Story)``.
"""
from __future__ import annotations

import pytest

from pipeline.clean import Story
from pipeline.extract import Pipeline, extract

CHAIN = Pipeline()


def story(text: str, article_id: str = "t") -> Story:
    return Story(id=article_id, text=text, title=None, url=None, published=None,
                 source_hint=None, path=f"{article_id}.txt")


def article(text: str, article_id: str = "t"):
    return extract(story(text, article_id))


def facts(text: str, until: str | None = None, **given) -> dict:
    """The chain's facts on ``text`` (up to the component ``until``); ``given`` facts
    (``meeting_kind="làm việc"`` for ``meeting.kind``) replace what the chain finds. The
    short texts here are read as relevant: each component is tested on its own."""
    given = {"relevant": True, **{k.replace("meeting_", "meeting.", 1): v for k, v in given.items()}}
    return CHAIN.run(story(text), until=until, given=given).facts


def meeting_date(text: str):
    """(published, meeting date, time of day) as the chain computes them."""
    f = facts(text, until="meeting_date")
    return f["published"], f["meeting.date"], f["meeting.time_of_day"]


def people(text: str, kind: str | None = None) -> dict:
    f = facts(text, "officials") if kind is None else facts(text, "officials", meeting_kind=kind)
    return {o.name: o for o in f["officials"]}


def association_counts(text: str) -> list[tuple[int, str, str]]:
    return [(c.count, c.subject, c.kind) for c in facts(text, "counts")["association_counts"]]


def cited(text: str) -> dict:
    return {d.number: d for d in facts(text, "documents")["documents"]}


def said(text: str) -> list[tuple[str | None, str]]:
    return [(d.speaker, d.text) for d in facts(text, "directives", meeting_kind="làm việc")["directives"]]


# --- dates ---------------------------------------------------------------------------------


def test_full_date_with_time_of_day():
    assert meeting_date("Chiều 8-1-2025, Thường trực Tỉnh ủy làm việc với các hội quần chúng tỉnh.") \
        == (None, "2025-01-08", "chiều")


def test_sang_nay_takes_year_from_page_timestamp():
    text = ("09:35 12/08/2024\n"
            "Sáng nay (10/8), Thường trực Tỉnh ủy làm việc với Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh.")
    assert meeting_date(text) == ("2024-08-12", "2024-08-10", "sáng")


def test_published_is_the_timestamp_not_the_meeting_date():
    text = ("Cập nhật lúc 14:20 ngày 06/03/2024\n"
            "Chiều 5/3, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban với các hội đặc thù.")
    published, when, tod = meeting_date(text)
    assert published == "2024-03-06"
    assert when == "2024-03-05"
    assert tod == "chiều"


def test_year_from_story_period():
    text = ("Ngày 25/8, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban với các hội. "
            "Từ đầu năm 2023 đến nay, các hội đã tổ chức nhiều hoạt động thiết thực.")
    assert meeting_date(text)[1] == "2023-08-25"
    assert meeting_date(text)[2] is None


def test_congress_takes_first_year_of_term():
    text = ("Sáng 24/8, Đại hội đại biểu Hội Nông dân tỉnh lần thứ X, nhiệm kỳ 2022 – 2027 khai mạc. "
            "Đại hội phấn đấu đến năm 2027 có thêm 5.000 hội viên.")
    assert meeting_date(text) == (None, "2022-08-24", "sáng")


def test_dotted_day_month_with_quarter_year():
    text = "Sáng 15.4, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết quý I/2024 với các hội đặc thù."
    assert meeting_date(text) == (None, "2024-04-15", "sáng")


def test_no_year_anywhere_gives_none():
    text = "Chiều 20/5, Thường trực Tỉnh ủy làm việc với các hội quần chúng của tỉnh."
    assert meeting_date(text) == (None, None, "chiều")


def test_document_date_is_not_the_meeting_date():
    text = ("Thực hiện Quyết định số 12-QĐ/TU ngày 3-2-2020 của Ban Thường vụ Tỉnh ủy, "
            "chiều 14/7, Thường trực Tỉnh ủy làm việc với Hội Cựu chiến binh tỉnh.")
    published, when, tod = meeting_date(text)
    assert when != "2020-02-03"
    # Nor does the document's year date the meeting: nothing else fixes the year.
    assert when is None
    assert tod == "chiều"


def test_document_date_skipped_but_story_year_used():
    text = ("Thực hiện Quyết định số 12-QĐ/TU ngày 3-2-2020 của Ban Thường vụ Tỉnh ủy, "
            "sáng 14/7, Thường trực Tỉnh ủy làm việc với Hội Cựu chiến binh tỉnh về kết quả 6 tháng đầu năm 2021.")
    assert meeting_date(text)[1] == "2021-07-14"


# --- provinces and levels -----------------------------------------------------------------


def test_outlet_domain_implies_province():
    a = article("Chiều 8/1, Thường trực Tỉnh ủy làm việc với các hội quần chúng.\nTheo baodongkhoi.vn")
    assert a.source == "baodongkhoi.vn"
    assert a.meeting.province == "Bến Tre"
    assert a.meeting.province_after_2025 == "Vĩnh Long"
    assert a.meeting.level == "province"


def test_outlet_tag_implies_province():
    a = article("BBK - Sáng 12/3, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban với các hội quần chúng.")
    assert a.source == "BBK"
    assert a.meeting.province == "Bắc Kạn"


def test_city_in_brackets_gives_province_even_for_central_body():
    a = article("Sáng 5/6, tại TP Vinh (Nghệ An), Ban Dân vận Trung ương tổ chức hội nghị sơ kết công tác hội.")
    assert a.meeting.province == "Nghệ An"
    assert a.meeting.level == "central"


def test_named_district_implies_province():
    a = article("Chiều 9/9, tại huyện Thường Tín, Ban Dân vận Huyện ủy làm việc với các hội quần chúng.")
    assert a.meeting.province == "Hà Nội"


@pytest.mark.parametrize("text", [
    "Chiều 9/9, Thường trực Huyện ủy Thường Tín làm việc với các hội quần chúng huyện.",
    "Chiều 9/9, Thường trực Huyện ủy làm việc với các hội. Huyện Thường Tín hiện có 40 hội.",
])
def test_district_committee_implies_province(text):
    assert article(text).meeting.province == "Hà Nội"


def test_central_meeting_at_party_headquarters_has_no_province():
    a = article("Sáng 3/10, tại Trụ sở Trung ương Đảng, Ban Bí thư làm việc với Đảng đoàn "
                "Liên hiệp các Hội Văn học nghệ thuật Việt Nam.")
    assert a.meeting.province is None
    assert a.meeting.level == "central"


def test_province_named_with_party_committee():
    a = article("Sáng 2/3, Ban Thường vụ Tỉnh ủy Trà Vinh làm việc với các hội đặc thù.")
    assert a.meeting.province == "Trà Vinh"
    assert a.meeting.level == "province"


def test_district_level():
    a = article("Chiều 4/4, Thường trực Huyện ủy Tân Phước làm việc với các hội quần chúng trên địa bàn huyện.")
    assert a.meeting.level == "district"
    assert a.meeting.kind == "làm việc"


# --- officials -----------------------------------------------------------------------------


def test_title_before_name_and_chair():
    found = people("Chiều 8/1, Phó Bí thư Thường trực Tỉnh ủy Nguyễn Văn Tám chủ trì buổi làm việc "
                   "với các hội quần chúng.")
    assert list(found) == ["Nguyễn Văn Tám"]
    assert found["Nguyễn Văn Tám"].titles == ["Phó Bí thư Thường trực Tỉnh ủy"]
    assert found["Nguyễn Văn Tám"].role == "chair"


def test_honorific_name_then_titles_split_at_commas():
    found = people("Sáng 12/3, đồng chí Lê Thị Hạnh, Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng ban Dân vận "
                   "Tỉnh ủy chủ trì hội nghị giao ban với các hội.")
    assert found["Lê Thị Hạnh"].titles == ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng ban Dân vận Tỉnh ủy"]
    assert found["Lê Thị Hạnh"].role == "chair"


def test_name_dash_title_speaker():
    found = people("Chiều 5/6, Ban Dân vận Tỉnh ủy làm việc với các hội. Phát biểu tại buổi làm việc, "
                   "ông Trần Quốc Bảo - Phó Chủ tịch UBND tỉnh đề nghị các hội tăng cường tuyên truyền.")
    assert found["Trần Quốc Bảo"].titles == ["Phó Chủ tịch UBND tỉnh"]
    assert found["Trần Quốc Bảo"].role == "speaker"


def test_list_after_colon_attendees():
    found = people("Sáng 7/7, Thường trực Tỉnh ủy làm việc với các hội đặc thù. Tham dự có các đồng chí: "
                   "Phạm Văn Sơn, Phó Chủ tịch UBND tỉnh; Võ Thị Lan, Giám đốc Sở Nội vụ.")
    assert {n: (o.titles, o.role) for n, o in found.items()} == {
        "Phạm Văn Sơn": (["Phó Chủ tịch UBND tỉnh"], "attendee"),
        "Võ Thị Lan": (["Giám đốc Sở Nội vụ"], "attendee"),
    }


def test_header_title_shared_by_list():
    found = people("Sáng 7/7, Ban Thường vụ Tỉnh ủy làm việc với các hội. Dự buổi làm việc có các Ủy viên "
                   "Ban Thường vụ Tỉnh ủy: Đặng Văn Hùng-Trưởng ban Tổ chức Tỉnh ủy; "
                   "Huỳnh Thị Mai-Trưởng ban Tuyên giáo Tỉnh ủy.")
    assert found["Đặng Văn Hùng"].titles == ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng ban Tổ chức Tỉnh ủy"]
    assert found["Huỳnh Thị Mai"].titles == ["Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng ban Tuyên giáo Tỉnh ủy"]
    assert {o.role for o in found.values()} == {"attendee"}


def test_old_tone_placement_titles_recognised():
    found = people("Chiều 2/4, đồng chí Bùi Văn Quang, Uỷ viên Ban Thường vụ Tỉnh uỷ, Trưởng ban Dân vận "
                   "Tỉnh uỷ chủ trì hội nghị.")
    # kept as printed, but recognised as titles all the same
    assert found["Bùi Văn Quang"].titles == ["Uỷ viên Ban Thường vụ Tỉnh uỷ", "Trưởng ban Dân vận Tỉnh uỷ"]
    assert found["Bùi Văn Quang"].role == "chair"


def test_byline_and_photo_credit_are_not_officials():
    found = people("Chiều 8/1, Thường trực Tỉnh ủy làm việc với các hội quần chúng. Phó Bí thư Tỉnh ủy "
                   "Nguyễn Văn Tám chủ trì.\nĐỗ Minh Tuấn\nẢnh: Trần Văn Khải\nBài và ảnh: Lê Hoàng Nam")
    assert list(found) == ["Nguyễn Văn Tám"]


def test_repeated_mentions_merged_with_fullest_titles_and_strongest_role():
    found = people("Chiều 8/1, đồng chí Nguyễn Văn Tám chủ trì buổi làm việc với các hội quần chúng. "
                   "Đồng chí Nguyễn Văn Tám, Phó Bí thư Thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh "
                   "nhấn mạnh vai trò của các hội.")
    assert list(found) == ["Nguyễn Văn Tám"]
    assert found["Nguyễn Văn Tám"].titles == ["Phó Bí thư Thường trực Tỉnh ủy", "Chủ tịch HĐND tỉnh"]
    assert found["Nguyễn Văn Tám"].role == "chair"


def test_tone_variant_spellings_of_a_name_are_one_official():
    found = people("Chiều 8/1, đồng chí Nguyễn Thị Thuý, Phó Bí thư Tỉnh ủy chủ trì buổi làm việc với các hội. "
                   "Đồng chí Nguyễn Thị Thúy, Phó Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh đề nghị các hội "
                   "tăng cường đoàn kết.")
    assert len(found) == 1
    (only,) = found.values()
    assert only.titles == ["Phó Bí thư Tỉnh ủy", "Chủ tịch HĐND tỉnh"]
    assert only.role == "chair"


def test_roles_chair_attendee_speaker_mentioned():
    found = people("Sáng 9/9, Phó Bí thư Tỉnh ủy Hà Văn Lộc chủ trì hội nghị giao ban với các hội. "
                   "Tham dự hội nghị có ông Hoàng Minh Đức, Phó Giám đốc Sở Nội vụ. "
                   "Bà Ngô Thị Thu, Chủ tịch Hội Liên hiệp Phụ nữ tỉnh phát biểu tham luận. "
                   "Trước đó, ông Lý Văn Hải, nguyên Chủ tịch Hội Nông dân tỉnh đã nghỉ hưu.")
    assert {n: o.role for n, o in found.items()} == {
        "Hà Văn Lộc": "chair",
        "Hoàng Minh Đức": "attendee",
        "Ngô Thị Thu": "speaker",
        "Lý Văn Hải": "mentioned",
    }
    assert found["Ngô Thị Thu"].titles == ["Chủ tịch Hội Liên hiệp Phụ nữ tỉnh"]


def test_place_names_are_not_people():
    found = people("Chiều 8/1, Bí thư Tỉnh ủy Lâm Đồng Trần Đức Phong làm việc với các hội tại Hà Nội.")
    assert "Lâm Đồng" not in found and "Hà Nội" not in found
    assert "Trần Đức Phong" in found


# --- association counts ---------------------------------------------------------------------


def test_total_count_with_thousands_dot():
    assert association_counts("Hiện nay, toàn tỉnh có 1.475 hội quần chúng hoạt động ổn định.") == \
        [(1475, "hội quần chúng", "total")]


def test_new_count():
    assert association_counts("Trong năm, Sở Nội vụ đã thành lập mới 12 hội.") == [(12, "hội", "new")]


@pytest.mark.parametrize("text", [
    "Hội nghị có 245 đại biểu tham dự.",
    "Hội Nông dân tỉnh có 35 ngàn hội viên.",
    "Năm 2023, các hội đã vận động được 3 tỷ đồng.",
])
def test_not_association_counts(text):
    assert association_counts(text) == []


def test_dissolved_count():
    found = association_counts("Trong năm, Sở Nội vụ đã giải thể 3 hội do không còn hoạt động.")
    assert [(c, k) for c, _, k in found] == [(3, "dissolved")]


def test_dissolved_count_subject_is_head():
    found = association_counts("Trong năm, Sở Nội vụ đã giải thể 3 hội do không còn hoạt động.")
    assert found == [(3, "hội", "dissolved")]


def test_kinds_in_one_clause_follow_their_own_verb():
    found = association_counts("Trong năm, tỉnh thành lập mới 12 hội, giải thể 3 hội.")
    assert [(c, k) for c, _, k in found] == [(12, "new"), (3, "dissolved")]


def test_member_units_are_counted():
    assert association_counts("Liên hiệp hội hiện có 34 đơn vị hội viên.") == [(34, "đơn vị hội viên", "total")]


# --- documents -----------------------------------------------------------------------------


def test_document_type_number_date_issuer():
    found = cited("Thực hiện Chỉ thị số 17-CT/TW ngày 28/8/2012 của Ban Chấp hành Trung ương Đảng "
                  "về tăng cường công tác hội.")
    assert list(found) == ["17-CT/TW"]
    d = found["17-CT/TW"]
    assert (d.type, d.date, d.issuer) == ("Chỉ thị", "2012-08-28", "Ban Chấp hành Trung ương Đảng")


def test_two_numbers_share_one_symbol():
    found = cited("Các hội đã quán triệt Quyết định 217, 218-QĐ/TW của Bộ Chính trị.")
    assert sorted(found) == ["217-QĐ/TW", "218-QĐ/TW"]
    assert {(d.type, d.issuer) for d in found.values()} == {("Quyết định", "Bộ Chính trị")}


def test_unnumbered_resolution_is_not_a_document():
    assert cited("Các hội tích cực tuyên truyền Nghị quyết Đại hội XIII của Đảng.") == {}


def test_bare_numbered_scheme_is_a_document():
    found = cited("Tỉnh triển khai Đề án 1366 về đổi mới hoạt động của các hội.")
    assert list(found) == ["1366"]
    assert found["1366"].type == "Đề án"


def test_year_is_not_a_document_number():
    assert cited("Kế hoạch năm 2024 của các hội đã được triển khai, theo Kế hoạch 2024.") == {}


def test_government_decree_number():
    found = cited("Theo Nghị định 45/2010/NĐ-CP của Chính phủ về tổ chức, hoạt động và quản lý hội.")
    assert list(found) == ["45/2010/NĐ-CP"]
    assert (found["45/2010/NĐ-CP"].type, found["45/2010/NĐ-CP"].issuer) == ("Nghị định", "Chính phủ")


# --- directives ----------------------------------------------------------------------------


def test_two_tasks_in_one_sentence_with_speaker():
    found = said("Chiều 8/1, Phó Bí thư Tỉnh ủy Nguyễn Văn Tám chủ trì buổi làm việc với các hội. "
                 "Đồng chí Nguyễn Văn Tám đề nghị các hội tăng cường công tác tuyên truyền, vận động hội viên; "
                 "đẩy mạnh phong trào thi đua yêu nước trong hội viên.")
    assert [s for s, _ in found] == ["Nguyễn Văn Tám", "Nguyễn Văn Tám"]
    assert "tăng cường công tác tuyên truyền" in found[0][1]
    assert "đẩy mạnh phong trào thi đua" in found[1][1]
    # without the speaker's name and the verb that introduces it
    assert all("Nguyễn Văn Tám" not in t and not t.startswith("đề nghị") for _, t in found)
    assert "đẩy mạnh" not in found[0][1]


def test_association_pledge_is_not_a_directive():
    found = said("Chiều 8/1, Phó Bí thư Tỉnh ủy Nguyễn Văn Tám chủ trì buổi làm việc với các hội. "
                 "Thay mặt các hội, Chủ tịch Hội Người mù tỉnh Lê Văn Hậu cho biết thời gian tới Hội sẽ tiếp tục "
                 "đổi mới nội dung, phương thức hoạt động.")
    assert found == []


def test_adopted_task_has_no_speaker():
    found = said("Sáng 9/9, Ban Dân vận Tỉnh ủy tổ chức hội nghị giao ban với các hội. "
                 "Hội nghị nhất trí tập trung thực hiện tốt công tác phát triển hội viên trong năm 2024.")
    assert len(found) == 1
    speaker, text = found[0]
    assert speaker is None
    assert text.startswith("tập trung thực hiện tốt công tác phát triển hội viên")


def test_past_results_are_not_directives():
    found = said("Chiều 8/1, Phó Bí thư Tỉnh ủy Nguyễn Văn Tám chủ trì buổi làm việc với các hội. "
                 "Năm 2024, các hội đã tổ chức 120 lớp tập huấn cho hội viên. "
                 "Các hội đã vận động hội viên tham gia xây dựng nông thôn mới.")
    assert found == []


@pytest.mark.parametrize("text,expected", [
    ("Trong năm 2024, có 12 hội được thành lập mới.", [(12, "new")]),
    ("Trong năm 2024, có 3 hội bị giải thể.", [(3, "dissolved")]),
    ("Tỉnh có hai hội đặc thù mới thành lập.", [(2, "new")]),
])
def test_kind_word_after_the_count(text, expected):
    assert [(c, k) for c, _, k in association_counts(text)] == expected


@pytest.mark.parametrize("text", [
    "Dịp này, 5 hội được tặng Bằng khen của UBND tỉnh.",
    "Có 7 hội đạt giải xuất sắc trong phong trào thi đua.",
])
def test_award_winners_are_not_association_counts(text):
    assert association_counts(text) == []


# --- titles with "và" and hyphens; counts in one clause -------------------------------------

def test_and_inside_a_ministry_name_keeps_the_title():
    found = people("Cùng dự có Phó Thủ tướng Lê Minh Khái; Bộ trưởng Bộ Kế hoạch và Đầu tư "
                   "Nguyễn Chí Dũng.")
    assert found["Nguyễn Chí Dũng"].titles == ["Bộ trưởng Bộ Kế hoạch và Đầu tư"]
    assert found["Lê Minh Khái"].titles == ["Phó Thủ tướng"]


def test_and_before_a_lower_case_word_ends_the_title():
    found = people("Dự có đồng chí Hà Văn Tâm - Phó Trưởng Ban và lãnh đạo các vụ của Ban.")
    assert found["Hà Văn Tâm"].titles == ["Phó Trưởng Ban"]


def test_hyphen_splits_titles_only_before_a_title():
    found = people("Dự có đồng chí Trần Minh Sơn - Chủ tịch Hội Nhà báo tỉnh, Giám đốc Đài PT-TH "
                   "tỉnh Nghệ An; Kpă Thuyên-Tỉnh ủy viên, Phó Chủ tịch UBND tỉnh.")
    assert found["Trần Minh Sơn"].titles == ["Chủ tịch Hội Nhà báo tỉnh", "Giám đốc Đài PT-TH tỉnh Nghệ An"]
    assert found["Kpă Thuyên"].titles == ["Tỉnh ủy viên", "Phó Chủ tịch UBND tỉnh"]


def test_each_count_takes_the_kind_that_governs_it():
    assert association_counts(
        "Trong 9 tháng, Sở Nội vụ đã giải thể 5 hội và phê duyệt điều lệ cho 7 hội."
    ) == [(5, "hội", "dissolved"), (7, "hội", "total")]


def test_a_district_after_its_committee_is_not_a_person():
    found = people("Tham dự có bà Ngô Thị Mỹ Lệ, Phó Trưởng ban Dân vận Huyện ủy Đồng Phú.")
    assert list(found) == ["Ngô Thị Mỹ Lệ"]
    assert found["Ngô Thị Mỹ Lệ"].titles == ["Phó Trưởng ban Dân vận Huyện ủy Đồng Phú"]


def test_counts_literal_tests_only_skip_patterns_that_cannot_match():
    """``Counts.association_counts`` skips a pattern whose literal is absent: wherever the
    pattern matches (shared texts, and strings of the rules' numbers and nouns), the
    literal test finds its literal."""
    import random

    from pipeline.extract.counts import Counts
    from pipeline.rules import Rules
    from pipeline.text import caseless
    from tests import SHARED

    counts, r = Counts(Rules.default()), Rules.default().counts
    texts = [p.read_text(encoding="utf-8") for sub in ("seeds", "dev", "dev2", "offtopic")
             for p in sorted((SHARED / sub).glob("*.txt"))]
    words = [*r.number_words, "3", "12", "1.500", *r.governed_nouns, *r.nouns, *r.places, "/", "5/7",
             r.member_units.noun, *r.member_units.before, "Đơn Vị", "CƠ SỞ"]
    rnd = random.Random(9)
    texts += [" ".join(rnd.choice(words) for _ in range(rnd.randint(2, 8))) for _ in range(3000)]
    tests = {counts.fraction: lambda t: "/" in t, counts.member_units: lambda t: bool(counts.member_noun.search(t)),
             counts.governed: lambda t: bool(counts.governed_noun.search(caseless(t)))}
    matched = 0
    for text in texts:
        for rx, present in tests.items():
            if rx.search(text):
                matched += 1
                assert present(text), (rx.pattern[:40], text[:80])
    assert matched > 300
